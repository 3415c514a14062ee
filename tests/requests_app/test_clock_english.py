"""The "why this date" steps in the reader's language: the engine words them through a
ClockWording; the stored steps, the API and the Chinese pages stay Chinese."""

from __future__ import annotations

import re
from datetime import date, datetime
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import translation

from disclosure.calendar_seed import seed_calendar
from disclosure.exceptions import ApplicationError
from requests_app.clock_display import reader_wording
from requests_app.deadlines import (
    CHINESE,
    ClockInput,
    ClockWording,
    DelayRefused,
    ExtensionRefused,
    Pause,
    PauseKind,
    check_delay,
    check_extension,
    compute_clock,
    format_date,
)
from requests_app.models import DisclosureRequest
from requests_app.services import (
    request_end_consultation,
    request_extend,
    request_start_consultation,
)
from tests.factories import register

BEIJING = ZoneInfo("Asia/Shanghai")
CHINESE_TEXT = re.compile(r"[\u4e00-\u9fff]")
ENGLISH_STEPS = [
    "Application received: Sept. 26, 2025 (that day is not counted)",
    "Reply period: 20 working days (Regulation, Art. 33(2))",
    "Reply due date: Oct. 30, 2025 (working day 20)",
]
CHINESE_STEPS = [
    "收到申请：2025年9月26日（不计当日）",
    "答复期限：20个工作日（《条例》第三十三条第二款）",
    "答复截止日：2025年10月30日（第20个工作日）",
]


def steps_on_page(html: str, list_tag: str) -> list[str]:
    """The texts of the "why this date" list (the <li>s after ``list_tag``)."""
    listed = html.split(list_tag, 1)[1].split("</ol>", 1)[0]
    items = re.findall(r"<li>(.*?)</li>", listed, flags=re.S)
    return [re.sub(r"<code>.*?</code>", "", item).strip() for item in items]


def in_english(client) -> None:
    client.post("/i18n/setlang/", {"language": "en", "next": "/"})


# --- the pure engine ------------------------------------------------------------------


@pytest.fixture(scope="module")
def calendar():
    return seed_calendar(provisional_years=(2027,))


MARKED = ClockWording(
    translate=lambda template: f"«{template}»",
    format_date=lambda day: day.isoformat(),
    format_span=lambda first, last: f"{first.isoformat()}..{last.isoformat()}",
)
CLOCKS = [
    pytest.param(ClockInput(received_on=date(2025, 9, 26)), id="plain"),
    pytest.param(
        ClockInput(
            received_on=date(2025, 9, 26),
            supplement_requested_on=date(2025, 9, 29),
        ),
        id="awaiting_supplement",
    ),
    pytest.param(
        ClockInput(
            received_on=date(2025, 9, 26),
            supplement_requested_on=date(2025, 9, 29),
            supplement_received_on=date(2025, 10, 9),
            pauses=(
                Pause(PauseKind.CONSULTATION, date(2025, 10, 13), date(2025, 10, 20)),
                Pause(PauseKind.FEE, date(2025, 10, 15), date(2025, 10, 22)),
            ),
            extended=True,
        ),
        id="pauses_and_extension",
    ),
    pytest.param(
        ClockInput(
            received_on=date(2025, 9, 26),
            pauses=(Pause(PauseKind.FEE, date(2025, 10, 13)),),
        ),
        id="running_fee_pause",
    ),
    pytest.param(
        ClockInput(received_on=date(2025, 9, 26), delayed_due_on=date(2025, 12, 31)),
        id="art35_delay",
    ),
    pytest.param(ClockInput(received_on=date(2026, 12, 10)), id="provisional"),
    pytest.param(ClockInput(received_on=date(2018, 9, 26)), id="regime_2008"),
]


@pytest.mark.parametrize("clock", CLOCKS)
def test_a_wording_changes_the_words_only(clock, calendar):
    default = compute_clock(clock, calendar)
    worded = compute_clock(clock, calendar, MARKED)

    assert compute_clock(clock, calendar, CHINESE) == default
    assert [(s.code, s.on, s.days) for s in worded.steps] == [
        (s.code, s.on, s.days) for s in default.steps
    ]
    assert (worded.due_on, worded.provisional, worded.remaining_workdays) == (
        default.due_on,
        default.provisional,
        default.remaining_workdays,
    )
    for step in worded.steps:
        # Every text goes through the wording and every placeholder is filled.
        assert step.text.startswith("«"), step.text
        assert "%(" not in step.text
        if step.on is not None:
            assert format_date(step.on) not in step.text


@pytest.mark.parametrize("clock", CLOCKS)
def test_every_step_has_an_english_wording(clock, calendar):
    with translation.override("en"):
        steps = compute_clock(clock, calendar, reader_wording()).steps
    for step in steps:
        assert not CHINESE_TEXT.search(step.text), step.text
        assert "%(" not in step.text


def test_the_default_wording_keeps_the_chinese_texts(calendar):
    clock = ClockInput(
        received_on=date(2025, 9, 26),
        pauses=(
            Pause(PauseKind.CONSULTATION, date(2025, 10, 9), date(2025, 10, 15)),
            Pause(PauseKind.FEE, date(2025, 10, 13), date(2025, 10, 20)),
        ),
    )
    texts = [step.text for step in compute_clock(clock, calendar).steps]
    assert texts[2:4] == [
        "征求第三方意见：2025年10月9日至10月15日，不计入期限的工作日5个"
        "（第三十三条第三款）",
        "缴纳信息处理费：2025年10月13日至10月20日，不计入期限的工作日5个"
        "（国办函〔2020〕109号）",
    ]
    assert texts[4] == "不计入期限的工作日合计：8个（重叠的日子只计一次）"


def test_refusals_carry_their_template():
    with pytest.raises(ExtensionRefused) as error:
        check_extension(
            approved_on=date(2025, 10, 31),
            current_due_on=date(2025, 10, 30),
            already_extended=False,
        )
    assert error.value.text(CHINESE) == error.value.message
    assert error.value.text(MARKED) == (
        "«延期须在答复截止日（2025-10-30）当日或之前批准并告知申请人；"
        "2025-10-31已超过截止日，不能延期»"
    )
    with pytest.raises(DelayRefused) as delay:
        check_delay(
            decided_on=date(2025, 10, 10),
            delayed_due_on=date(2025, 10, 20),
            statutory_due_on=date(2025, 10, 30),
            current_due_on=date(2025, 10, 30),
        )
    assert delay.value.field == "delayed_due_on"
    assert "2025-10-30" in delay.value.text(MARKED)


# --- the pages --------------------------------------------------------------------------


@pytest.mark.django_db
def test_tracking_page_in_english_explains_the_date_in_english(client, agency):
    case = register(agency, date(2025, 9, 26))
    in_english(client)

    html = client.get(f"/track/{case.query_code}/").content.decode()

    steps = steps_on_page(html, '<ol class="clock-steps">')
    assert steps == ENGLISH_STEPS
    assert not any(CHINESE_TEXT.search(step) for step in steps)
    # The stored steps, read by the API and the ledgers, stay Chinese.
    case.refresh_from_db()
    assert [step["text"] for step in case.clock_steps] == CHINESE_STEPS


@pytest.mark.django_db
def test_tracking_page_in_chinese_is_unchanged(client, agency):
    case = register(agency, date(2025, 9, 26))

    html = client.get(f"/track/{case.query_code}/").content.decode()

    assert steps_on_page(html, '<ol class="clock-steps">') == CHINESE_STEPS


@pytest.mark.django_db
def test_a_consultation_in_english(client, agency, clerk):
    case = register(agency, date(2025, 9, 26))
    request_start_consultation(
        actor=clerk,
        request_id=case.pk,
        party="某公司",
        started_on=date(2025, 10, 9),
        today=date(2025, 10, 9),
    )
    in_english(client)

    running = steps_on_page(
        client.get(f"/track/{case.query_code}/").content.decode(),
        '<ol class="clock-steps">',
    )
    request_end_consultation(
        actor=clerk,
        request_id=case.pk,
        ended_on=date(2025, 10, 15),
        today=date(2025, 10, 15),
    )
    ended = steps_on_page(
        client.get(f"/track/{case.query_code}/").content.decode(),
        '<ol class="clock-steps">',
    )

    assert running[-1] == (
        "Third-party consultation: since Oct. 9, 2025, not ended yet, so no reply "
        "due date for now; after the consulted party replies, 16 working days are "
        "left (Art. 33(3))"
    )
    assert ended[2:] == [
        "Third-party consultation: Oct. 9, 2025 to Oct. 15, 2025; working days not "
        "counted: 5 (Art. 33(3))",
        "Reply due date: Nov. 6, 2025 (working day 25)",
    ]


@pytest.mark.django_db
def test_stale_stored_steps_are_shown_rather_than_other_dates(client, agency):
    case = register(agency, date(2025, 9, 26))
    steps = [dict(step) for step in case.clock_steps]
    steps[-1]["on"] = "2025-10-31"
    DisclosureRequest.objects.filter(pk=case.pk).update(clock_steps=steps)
    in_english(client)

    html = client.get(f"/track/{case.query_code}/").content.decode()

    assert steps_on_page(html, '<ol class="clock-steps">') == [
        step["text"] for step in steps
    ]


def admin_case_page(client, case: DisclosureRequest) -> tuple[str, int]:
    url = reverse("admin:requests_app_disclosurerequest_change", args=[case.pk])
    with (
        time_machine.travel(datetime(2025, 10, 9, 10, 0, tzinfo=BEIJING), tick=False),
        CaptureQueriesContext(connection) as queries,
    ):
        response = client.get(url)
    assert response.status_code == 200
    return response.content.decode(), len(queries)


@pytest.mark.django_db
def test_admin_case_page_in_english(client, agency, clerk):
    case = register(agency, date(2025, 9, 26))
    client.force_login(clerk)
    admin_case_page(client, case)  # the first page fills the per-process caches
    chinese_html, chinese_queries = admin_case_page(client, case)
    in_english(client)
    english_html, english_queries = admin_case_page(client, case)

    marker = "<ol>\n      <li><code>"
    assert steps_on_page(chinese_html, "<ol>\n      ") == CHINESE_STEPS
    assert marker in english_html
    assert steps_on_page(english_html, "<ol>\n      ") == ENGLISH_STEPS
    # The consultations are read once, for the steps and the consultation list alike.
    assert english_queries == chinese_queries


@pytest.mark.django_db
def test_extension_refusal_in_english_and_in_chinese(agency, clerk):
    case = register(agency, date(2025, 9, 26))
    kwargs = {
        "actor": clerk,
        "request_id": case.pk,
        "approved_on": date(2025, 10, 31),
        "reason": "信息量大",
        "today": date(2025, 10, 31),
    }
    with translation.override("en"), pytest.raises(ApplicationError) as english:
        request_extend(**kwargs)
    with pytest.raises(ApplicationError) as chinese:
        request_extend(**kwargs)

    assert english.value.field == "approved_on"
    assert english.value.message == (
        "An extension must be approved and notified to the applicant on or before "
        "the reply due date (Oct. 30, 2025); Oct. 31, 2025 is after the due date, so "
        "it cannot be extended."
    )
    assert chinese.value.message == (
        "延期须在答复截止日（2025年10月30日）当日或之前批准并告知申请人；"
        "2025年10月31日已超过截止日，不能延期"
    )
