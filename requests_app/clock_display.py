"""The "why this date" steps in the reader's language.

The steps stored on a case (``clock_steps``) are Chinese, and stay so for the API and
the records. A page read in another language recomputes the clock from the case's own
dates with a wording that translates the engine's templates and writes dates the way
the pages do; the dates and days are the same, only the words differ.
"""

from __future__ import annotations

from datetime import date

from django.conf import settings
from django.utils.translation import get_language, gettext

from disclosure.calendars import WorkingDayCalendar
from disclosure.templatetags.gongkai import cn_date
from requests_app import deadlines
from requests_app.calendars_bridge import clock_input_for
from requests_app.models import Consultation, DisclosureRequest


def _reads_chinese() -> bool:
    return (get_language() or settings.LANGUAGE_CODE).lower().startswith("zh")


def _span(first: date, last: date) -> str:
    return gettext("%(first)s至%(last)s") % {
        "first": cn_date(first),
        "last": cn_date(last),
    }


def reader_wording() -> deadlines.ClockWording:
    """The engine's wording in the active language: the stored Chinese one in Chinese."""
    if _reads_chinese():
        return deadlines.CHINESE
    return deadlines.ClockWording(
        translate=gettext, format_date=cn_date, format_span=_span
    )


def steps_json(steps: tuple[deadlines.ClockStep, ...]) -> list[dict[str, object]]:
    """The steps in the shape stored in ``DisclosureRequest.clock_steps``."""
    return [
        {
            "code": step.code,
            "text": step.text,
            "on": step.on.isoformat() if step.on else None,
            "days": step.days,
        }
        for step in steps
    ]


def _facts(steps: list[dict[str, object]]) -> list[tuple[object, ...]]:
    return [(step.get("code"), step.get("on"), step.get("days")) for step in steps]


def clock_display(
    disclosure_request: DisclosureRequest,
    calendar: WorkingDayCalendar,
    *,
    consultations: list[Consultation] | None = None,
) -> list[dict[str, object]]:
    """Return the case's clock steps (as stored: code, text, on, days) in the reader's
    language.

    In Chinese these are the stored steps, read as they are. Otherwise the clock is
    recomputed in the reader's wording (``consultations`` saves the query when the
    caller has them); if that no longer gives the stored dates and days (say the
    calendar changed and the case was not recomputed yet), the stored steps are shown
    rather than a date that differs from the rest of the page.
    """
    stored = list(disclosure_request.clock_steps or [])
    if _reads_chinese() or not stored:
        return stored
    if consultations is None:
        consultations = list(disclosure_request.consultations.all())
    result = deadlines.compute_clock(
        clock_input_for(disclosure_request, consultations),
        calendar,
        reader_wording(),
    )
    steps = steps_json(result.steps)
    return steps if _facts(steps) == _facts(stored) else stored
