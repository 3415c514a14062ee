"""The citizen's pages: the application form, its confirmation, and tracking by 查询码.

Thin views: the form validates, ``request_register`` registers, selectors read. Nothing
here shows who the applicant is: the query code is all a visitor needs, so the pages
reached with it carry no name, identity number or contact details.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass
from datetime import date

from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import NoReverseMatch, reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop, ngettext
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods

from disclosure.calendars import DayKind, WorkingDayCalendar
from disclosure.exceptions import ApplicationError, NotFound
from disclosure.models import Channel
from disclosure.selectors import calendar_get
from disclosure.templatetags.gongkai import cn_date
from requests_app.clock_display import clock_display
from requests_app.forms import ApplicationForm
from requests_app.models import DisclosureRequest, LetterKind
from requests_app.selectors import request_get_public, request_public_events
from requests_app.services import ApplicantData, RegistrationData, request_register
from requests_app.throttles import (
    ClientAddressThrottle,
    PublicSubmitThrottle,
    PublicTrackThrottle,
)
from requests_app.workflow import Status

# Letters addressed to the applicant; a consultation letter goes to a third party.
APPLICANT_LETTER_KINDS = (
    LetterKind.ACKNOWLEDGEMENT,
    LetterKind.SUPPLEMENT,
    LetterKind.EXTENSION,
    LetterKind.FEE,
    LetterKind.REPLY,
)

# What new_query_code() produces (URL-safe base64); anything else cannot be a code.
QUERY_CODE_SHAPE = re.compile(r"[A-Za-z0-9_-]{1,64}")

# Festival names as the calendar stores them, marked for translation.
FESTIVAL_NAMES = (
    gettext_noop("元旦"),
    gettext_noop("春节"),
    gettext_noop("清明节"),
    gettext_noop("劳动节"),
    gettext_noop("端午节"),
    gettext_noop("中秋节"),
    gettext_noop("国庆节"),
)


# --- rate limits -----------------------------------------------------------------------


def budget_exhausted(throttle: ClientAddressThrottle, request: HttpRequest) -> bool:
    """Whether the address has used up ``throttle``'s budget, without spending any.

    The pages use the API's per-address throttles (same counters, so the form and the
    API share one budget per address); this peek lets the tracking page count only
    failed look-ups.
    """
    if throttle.rate is None:
        return False
    throttle.key = throttle.get_cache_key(request, None)
    throttle.now = throttle.timer()
    throttle.history = [
        stamp
        for stamp in throttle.cache.get(throttle.key, [])
        if stamp > throttle.now - throttle.duration
    ]
    return len(throttle.history) >= throttle.num_requests


def rate_limited(
    request: HttpRequest, limit: ClientAddressThrottle, *, submitting: bool
) -> HttpResponse:
    """The 429 page, in Chinese first, with the wait the client should respect."""
    wait = limit.wait()
    minutes = max(1, math.ceil((wait or 60) / 60))
    response = render(
        request,
        "requests_app/rate_limited.html",
        {"minutes": minutes, "submitting": submitting},
        status=429,
    )
    response["Retry-After"] = str(math.ceil(wait or 60))
    return response


# --- the due date in words -------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class DueDateInWords:
    """The due date and what went into it, for a citizen reading the page."""

    due_on: date
    working_days: int | None
    holidays: tuple[str, ...]
    makeup_days: tuple[date, ...]
    restarted_by_supplement: bool = False

    def sentence(self) -> str:
        """我们将在2025年10月30日前答复您（20个工作日，不含收到申请当日，已扣除国庆节假期）."""
        due = cn_date(self.due_on)
        if self.working_days is None:
            return _("我们将在%(due)s前答复您。") % {"due": due}
        parts = [
            _("%(days)s个工作日") % {"days": self.working_days},
            _("不含收到补正当日")
            if self.restarted_by_supplement
            else _("不含收到申请当日"),
        ]
        if self.holidays:
            names = _("、").join(_(name) for name in self.holidays)
            parts.append(_("已扣除%(names)s假期") % {"names": names})
        if self.makeup_days:
            days = _("、").join(cn_date(day) for day in self.makeup_days)
            parts.append(
                ngettext(
                    "%(days)s调休上班，计为工作日",
                    "%(days)s调休上班，计为工作日",
                    len(self.makeup_days),
                )
                % {"days": days}
            )
        return _("我们将在%(due)s前答复您（%(details)s）") % {
            "due": due,
            "details": _("，").join(parts),
        }


def clock_start(disclosure_request: DisclosureRequest) -> date:
    """The day after which the reply period counts (C2): receipt, or the supplement."""
    return disclosure_request.supplement_received_on or disclosure_request.received_on


def due_date_in_words(
    disclosure_request: DisclosureRequest, *, calendar: WorkingDayCalendar
) -> DueDateInWords | None:
    """Read the stored clock steps (C7/C9) and name the rest days and 调休 make-up days
    that fall inside the period; None while the clock waits (no due date)."""
    due_on = disclosure_request.due_on
    if due_on is None:
        return None
    steps = disclosure_request.clock_steps or []
    codes = {step.get("code") for step in steps}
    working_days = None
    if "C9" not in codes:
        working_days = next(
            (step.get("days") for step in reversed(steps) if step.get("code") == "C7"),
            None,
        )
    start = clock_start(disclosure_request)
    holidays: list[str] = []
    makeup_days: list[date] = []
    for special in calendar.special_days:
        if not start < special.day <= due_on:
            continue
        if special.kind is DayKind.HOLIDAY and special.day.weekday() < 5:
            if special.name and special.name not in holidays:
                holidays.append(special.name)
        elif special.kind is DayKind.WORKDAY and special.day.weekday() >= 5:
            makeup_days.append(special.day)
    return DueDateInWords(
        due_on=due_on,
        working_days=working_days,
        holidays=tuple(holidays),
        makeup_days=tuple(makeup_days),
        restarted_by_supplement=disclosure_request.supplement_received_on is not None,
    )


def _public_case_context(disclosure_request: DisclosureRequest) -> dict[str, object]:
    calendar = calendar_get()
    due = due_date_in_words(disclosure_request, calendar=calendar)
    return {
        "case": disclosure_request,
        "due_sentence": due.sentence() if due else "",
        "clock_steps": [
            step
            for step in clock_display(disclosure_request, calendar)
            if step.get("code") != "provisional"
        ],
        "is_closed": disclosure_request.status == Status.CLOSED,
    }


# --- pages -----------------------------------------------------------------------------


@require_http_methods(["GET", "POST"])
def apply(request: HttpRequest) -> HttpResponse:
    """在线申请: the form; a valid POST registers the case and redirects (POST/redirect/GET)."""
    if request.method == "POST":
        limit = PublicSubmitThrottle()
        if not limit.allow_request(request, None):
            return rate_limited(request, limit, submitting=True)
        form = ApplicationForm(request.POST)
        if form.is_valid():
            data = form.cleaned_data
            try:
                disclosure_request = request_register(
                    agency=data["agency"],
                    applicant_data=ApplicantData(
                        applicant_type=data["applicant_type"],
                        name=data["name"],
                        id_type=data["id_type"],
                        id_number=data["id_number"],
                        phone=data["phone"],
                        email=data["email"],
                        address=data["address"],
                    ),
                    registration=RegistrationData(
                        channel=Channel.ONLINE,
                        received_on=timezone.localdate(),
                        description=data["description"],
                        formats=tuple(data["formats"]),
                        delivery=tuple(data["delivery"]),
                    ),
                    actor=None,
                )
            except ApplicationError as error:
                form.add_service_errors(error)
            else:
                return redirect("apply-done", query_code=disclosure_request.query_code)
    else:
        form = ApplicationForm()
    return render(
        request,
        "requests_app/apply.html",
        {"form": form, "has_agencies": bool(form.agencies_by_code)},
    )


def applicant_letter_url(*, query_code: str, letter_id: int) -> str:
    """The applicant's PDF of a letter (served by ``letter_views``)."""
    try:
        return reverse(
            "public-letter-pdf",
            kwargs={"query_code": query_code, "letter_id": letter_id},
        )
    except NoReverseMatch:
        return f"/track/{query_code}/letters/{letter_id}.pdf"


def _track_not_found(request: HttpRequest, code: str) -> HttpResponse:
    return render(
        request, "requests_app/track_not_found.html", {"code": code}, status=404
    )


@never_cache
@require_http_methods(["GET"])
def apply_done(request: HttpRequest, query_code: str) -> HttpResponse:
    """The confirmation: reference, 查询码 and due date, nothing about the applicant."""
    try:
        disclosure_request = request_get_public(query_code=query_code)
    except NotFound:
        return _track_not_found(request, query_code)
    context = _public_case_context(disclosure_request)
    context["track_url"] = request.build_absolute_uri(
        reverse("track-detail", kwargs={"query_code": query_code})
    )
    return render(request, "requests_app/apply_done.html", context)


@require_http_methods(["GET", "POST"])
def track(request: HttpRequest) -> HttpResponse:
    """查询进度: enter the 查询码 (GET ?code= or POST) and go to the case page."""
    source = request.POST if request.method == "POST" else request.GET
    code = "".join(source.get("code", "").split())
    submitted = "code" in source
    if code and not QUERY_CODE_SHAPE.fullmatch(code):
        return _track_not_found(request, code)
    if code:
        return redirect("track-detail", query_code=code)
    return render(
        request,
        "requests_app/track.html",
        {"error": _("请输入查询码。") if submitted else ""},
        status=400 if submitted else 200,
    )


@never_cache
@require_http_methods(["GET"])
def track_detail(request: HttpRequest, query_code: str) -> HttpResponse:
    """A case as its applicant may see it: dates, why this date, events, letters."""
    # Only misses are counted: a citizen reloading their own page is never refused,
    # someone trying codes soon is.
    limit = PublicTrackThrottle()
    if budget_exhausted(limit, request):
        return rate_limited(request, limit, submitting=False)
    try:
        disclosure_request = request_get_public(query_code=query_code)
    except NotFound:
        limit.allow_request(request, None)
        return _track_not_found(request, query_code)
    context = _public_case_context(disclosure_request)
    context["events"] = request_public_events(disclosure_request=disclosure_request)
    context["letters"] = [
        {
            "letter": letter,
            "url": applicant_letter_url(query_code=query_code, letter_id=letter.pk),
        }
        for letter in disclosure_request.letters.filter(
            kind__in=APPLICANT_LETTER_KINDS
        ).order_by("issued_on", "id")
    ]
    return render(request, "requests_app/track_detail.html", context)
