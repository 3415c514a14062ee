"""The daily clock sweep on the real official calendar: lapse closures (C3, C5) with the
contract's closed_on, due-soon / overdue / consultation notices to the right staff, the
calendar warning, idempotency, catch-up after missed days, and a constant query count."""

from __future__ import annotations

import itertools
from datetime import UTC, date, datetime
from io import StringIO

import pytest
import time_machine
from django.core import mail
from django.core.management import call_command

from disclosure.models import StaffRole
from requests_app.models import (
    DisclosureRequest,
    EventKind,
    Notification,
    OutboxMessage,
    RequestEvent,
)
from requests_app.services import (
    request_assign,
    request_issue_fee_notice,
    request_receive_supplement,
    request_request_supplement,
    request_start_consultation,
)
from requests_app.sweep import ClosedCase, SweepResult, sweep_deadlines_run
from requests_app.workflow import Status
from tests.factories import UserFactory, make_staff, register

TODAY = date(2026, 11, 29)


def notice_keys(case: DisclosureRequest) -> list[str]:
    return list(
        RequestEvent.objects.filter(request=case, dedupe_key__isnull=False)
        .order_by("id")
        .values_list("dedupe_key", flat=True)
    )


def notified(case: DisclosureRequest) -> list[tuple[str, str]]:
    return list(
        Notification.objects.filter(request=case)
        .order_by("id")
        .values_list("user__username", "key")
    )


@pytest.fixture
def assigned_case(agency, clerk, supervisor):
    """Received 2025-09-09: due 2025-10-13, 20 working days that jump the National Day
    holiday (10-01…10-08) and count the make-up days 09-28 (Sunday) and 10-11
    (Saturday)."""
    case = register(agency, date(2025, 9, 9))
    request_assign(actor=supervisor, request_id=case.pk, clerk=clerk)
    case.refresh_from_db()
    assert case.due_on == date(2025, 10, 13)
    return case


# --- (a) lapse closures -------------------------------------------------------------------


@pytest.fixture
def awaiting_supplement(agency, clerk):
    """A supplement requested on 2025-09-29 with P = 15 working days: the applicant may
    supplement until WD(09-29, 15) = 2025-10-27 (09-30, then 10-09 … after the holiday,
    10-11 a make-up Saturday); C3 closes it on WD(09-29, 16) = 2025-10-28."""
    case = register(agency, date(2025, 9, 22))
    request_request_supplement(
        actor=clerk,
        request_id=case.pk,
        requested_on=date(2025, 9, 29),
        items="请写明所需信息的文号或名称",
        today=TODAY,
    )
    case.refresh_from_db()
    assert case.supplement_period_days == 15
    return case


def test_no_supplement_closes_on_the_contract_date(awaiting_supplement):
    assert sweep_deadlines_run(as_of=date(2025, 10, 27)) == SweepResult(
        as_of=date(2025, 10, 27)
    )
    awaiting_supplement.refresh_from_db()
    assert awaiting_supplement.status == Status.AWAITING_SUPPLEMENT

    result = sweep_deadlines_run(as_of=date(2025, 10, 28))

    assert result.closed == (
        ClosedCase(
            reference="XCCG-2025-00001",
            outcome="other.no_supplement",
            closed_on=date(2025, 10, 28),
        ),
    )
    awaiting_supplement.refresh_from_db()
    assert awaiting_supplement.status == Status.CLOSED
    assert awaiting_supplement.outcome == "other.no_supplement"
    assert awaiting_supplement.closed_on == date(2025, 10, 28)
    assert awaiting_supplement.on_time is True
    event = RequestEvent.objects.get(
        request=awaiting_supplement, kind=EventKind.CLOSED_LAPSED
    )
    assert event.effective_on == date(2025, 10, 28)
    assert event.payload == {"last_day": "2025-10-27"}
    assert event.actor is None

    assert sweep_deadlines_run(as_of=date(2025, 10, 28)).nothing_done
    assert (
        RequestEvent.objects.filter(
            request=awaiting_supplement, kind=EventKind.CLOSED_LAPSED
        ).count()
        == 1
    )


def test_a_late_sweep_still_closes_on_the_lapse_date_not_the_sweep_date(
    awaiting_supplement,
):
    result = sweep_deadlines_run(as_of=date(2025, 11, 10))

    assert [case.closed_on for case in result.closed] == [date(2025, 10, 28)]
    awaiting_supplement.refresh_from_db()
    assert awaiting_supplement.closed_on == date(2025, 10, 28)


def test_a_supplement_received_in_time_is_not_closed(awaiting_supplement, clerk):
    request_receive_supplement(
        actor=clerk,
        request_id=awaiting_supplement.pk,
        received_on=date(2025, 10, 27),
        today=TODAY,
    )

    result = sweep_deadlines_run(as_of=date(2025, 10, 28))

    assert result.closed == ()
    awaiting_supplement.refresh_from_db()
    assert awaiting_supplement.status == Status.IN_PROGRESS


def test_unpaid_fee_closes_on_wd_21(agency, clerk):
    """Fee notice 2025-12-01 (Monday): payable until WD(12-01, 20) = 2025-12-29; unpaid,
    C5 closes it on WD(12-01, 21) = 2025-12-30."""
    case = register(agency, date(2025, 11, 24))
    request_issue_fee_notice(
        actor=clerk,
        request_id=case.pk,
        notice_on=date(2025, 12, 1),
        method="per_page",
        pages=31,
        today=TODAY,
    )

    assert sweep_deadlines_run(as_of=date(2025, 12, 29)).closed == ()
    result = sweep_deadlines_run(as_of=date(2025, 12, 30))

    assert result.closed == (
        ClosedCase(
            reference="XCCG-2025-00001",
            outcome="other.fee_unpaid",
            closed_on=date(2025, 12, 30),
        ),
    )
    case.refresh_from_db()
    assert (case.status, case.outcome, case.closed_on) == (
        Status.CLOSED,
        "other.fee_unpaid",
        date(2025, 12, 30),
    )
    assert sweep_deadlines_run(as_of=date(2025, 12, 31)).nothing_done


# --- (b) due-soon and overdue notices -------------------------------------------------------


def test_reminders_5_and_1_working_days_before_a_due_date_across_the_holiday(
    assigned_case,
):
    # 2025-09-26: 7 working days left (09-28, 09-29, 09-30, 10-09, 10-10, 10-11, 10-13).
    assert sweep_deadlines_run(as_of=date(2025, 9, 26)).nothing_done
    # 2025-09-29: 5 working days left.
    assert sweep_deadlines_run(as_of=date(2025, 9, 29)).reminders == 1
    assert notice_keys(assigned_case) == ["reminder:5:2025-10-13"]
    for quiet_day in (date(2025, 9, 30), date(2025, 10, 9), date(2025, 10, 10)):
        assert sweep_deadlines_run(as_of=quiet_day).nothing_done
    # 2025-10-11, the make-up Saturday: 1 working day left.
    assert sweep_deadlines_run(as_of=date(2025, 10, 11)).reminders == 1
    # The due date itself: still within 1, already reminded.
    assert sweep_deadlines_run(as_of=date(2025, 10, 13)).nothing_done

    assert notice_keys(assigned_case) == [
        "reminder:5:2025-10-13",
        "reminder:1:2025-10-13",
    ]
    event = RequestEvent.objects.get(
        request=assigned_case, dedupe_key="reminder:1:2025-10-13"
    )
    assert (event.kind, event.effective_on, event.due_after, event.payload) == (
        EventKind.REMINDER_SENT,
        date(2025, 10, 11),
        date(2025, 10, 13),
        {"workdays": 1, "workdays_left": 1},
    )
    assert notified(assigned_case) == [
        ("clerk", f"request:{assigned_case.pk}:reminder:5:2025-10-13"),
        ("supervisor", f"request:{assigned_case.pk}:reminder:5:2025-10-13"),
        ("clerk", f"request:{assigned_case.pk}:reminder:1:2025-10-13"),
        ("supervisor", f"request:{assigned_case.pk}:reminder:1:2025-10-13"),
    ]
    clerk_notice = Notification.objects.get(
        user__username="clerk", key__endswith="reminder:1:2025-10-13"
    )
    assert (
        clerk_notice.title == "【到期提醒】申请XCCG-2025-00001距答复期限还有1个工作日"
    )
    assert clerk_notice.body == (
        "申请XCCG-2025-00001的答复期限为2025年10月13日，截至2025年10月11日还有1个工作日。"
        "请按期答复；确需延长的，应在期限届满前批准并告知申请人（《条例》第三十三条）。"
    )


def test_missed_days_are_caught_up_with_the_most_urgent_reminder(assigned_case):
    # Nothing ran since September: on 10-10 (2 working days left) the 5-day reminder
    # is owed; on the make-up Saturday the 1-day one.
    assert sweep_deadlines_run(as_of=date(2025, 10, 10)).reminders == 1
    assert sweep_deadlines_run(as_of=date(2025, 10, 11)).reminders == 1
    assert notice_keys(assigned_case) == [
        "reminder:5:2025-10-13",
        "reminder:1:2025-10-13",
    ]


def test_a_first_run_on_the_last_day_sends_only_the_1_day_reminder(assigned_case):
    assert sweep_deadlines_run(as_of=date(2025, 10, 11)).reminders == 1
    assert sweep_deadlines_run(as_of=date(2025, 10, 10)).nothing_done
    assert notice_keys(assigned_case) == ["reminder:1:2025-10-13"]


def test_overdue_notice_once_to_the_clerk_and_the_parent_agencys_supervisors(
    assigned_case, agency, other_agency, other_clerk
):
    sibling_supervisor = make_staff(other_agency, StaffRole.SUPERVISOR, "sibling_sup")
    own_supervisor = make_staff(agency, StaffRole.SUPERVISOR, "own_sup")
    make_staff(agency, StaffRole.CLERK, "unassigned_clerk")

    result = sweep_deadlines_run(as_of=date(2025, 10, 14))

    assert (result.overdue, result.reminders, result.notifications) == (1, 0, 3)
    assert notice_keys(assigned_case) == ["overdue:2025-10-13"]
    key = f"request:{assigned_case.pk}:overdue:2025-10-13"
    assert notified(assigned_case) == [
        ("clerk", key),
        ("supervisor", key),
        ("own_sup", key),
    ]
    assert not Notification.objects.filter(
        user__in=[sibling_supervisor, other_clerk]
    ).exists()
    assert Notification.objects.get(user=own_supervisor).body == (
        "申请XCCG-2025-00001的答复期限为2025年10月13日，截至2025年10月14日已逾期1个工作日。"
        "请尽快答复。"
    )
    for later in (date(2025, 10, 14), date(2025, 10, 15), date(2025, 11, 3)):
        assert sweep_deadlines_run(as_of=later).nothing_done
    assert Notification.objects.count() == 3


def test_an_unassigned_case_notifies_the_supervisors(agency, supervisor):
    case = register(agency, date(2025, 9, 9))

    sweep_deadlines_run(as_of=date(2025, 10, 14))

    assert notified(case) == [
        ("supervisor", f"request:{case.pk}:overdue:2025-10-13"),
    ]


def test_consultation_reminder_when_the_third_partys_reply_is_due(assigned_case, clerk):
    # Started 2025-09-15: the third party's reply is due WD(09-15, 15) = 2025-10-11.
    request_start_consultation(
        actor=clerk,
        request_id=assigned_case.pk,
        party="某某科技有限公司",
        started_on=date(2025, 9, 15),
        today=TODAY,
    )

    assert sweep_deadlines_run(as_of=date(2025, 10, 9)).nothing_done
    result = sweep_deadlines_run(as_of=date(2025, 10, 10))
    assert result.consultation_reminders == 1
    assert sweep_deadlines_run(as_of=date(2025, 10, 20)).nothing_done

    consultation = assigned_case.consultations.get()
    assert notice_keys(assigned_case) == [f"consultation:{consultation.pk}"]
    notice = Notification.objects.get(user=clerk)
    assert (
        notice.title
        == "【征求意见提醒】申请XCCG-2025-00001的第三方意见将于2025年10月11日到期"
    )


def test_consultation_reminder_for_a_reply_already_past(assigned_case, clerk):
    request_start_consultation(
        actor=clerk,
        request_id=assigned_case.pk,
        party="某某科技有限公司",
        started_on=date(2025, 9, 15),
        today=TODAY,
    )

    assert sweep_deadlines_run(as_of=date(2025, 10, 20)).consultation_reminders == 1

    notice = Notification.objects.get(user=clerk)
    assert notice.title == "【征求意见提醒】申请XCCG-2025-00001的第三方意见已过答复期限"


def test_reminder_points_come_from_the_settings(assigned_case, settings):
    settings.GONGKAI_REMINDER_WORKDAYS = [3]

    assert sweep_deadlines_run(as_of=date(2025, 9, 29)).nothing_done
    assert sweep_deadlines_run(as_of=date(2025, 10, 9)).reminders == 1
    assert notice_keys(assigned_case) == ["reminder:3:2025-10-13"]


def test_staff_are_emailed_one_digest_each_after_commit(
    assigned_case, clerk, supervisor, settings, django_capture_on_commit_callbacks
):
    settings.CELERY_TASK_ALWAYS_EAGER = True
    clerk.email = "clerk@xicheng.gov.cn"
    clerk.save()
    supervisor.email = ""
    supervisor.save()
    second = register(assigned_case.agency, date(2025, 9, 9))
    request_assign(actor=supervisor, request_id=second.pk, clerk=clerk)

    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        result = sweep_deadlines_run(as_of=date(2025, 10, 14))

    assert (result.overdue, result.notifications) == (2, 4)
    assert len(callbacks) == 1
    message = OutboxMessage.objects.get(task_name__endswith="staff_email_batch_task")
    assert message.task_name == "requests_app.tasks.staff_email_batch_task"
    assert message.last_error == ""
    assert message.dispatched_at is not None
    assert len(mail.outbox) == 1
    email = mail.outbox[0]
    assert email.to == ["clerk@xicheng.gov.cn"]
    assert email.subject == "【政府信息公开】您有2条新提醒"
    assert "1. 【逾期提醒】申请XCCG-2025-00001已超过答复期限" in email.body
    assert "2. 【逾期提醒】申请XCCG-2025-00002已超过答复期限" in email.body
    assert "http://127.0.0.1:8000/dashboard/notifications/" in email.body


# --- (c) the calendar warning ---------------------------------------------------------------


def test_calendar_warning_to_administrators_once_from_1_november(agency, clerk):
    superuser = UserFactory(username="root", is_superuser=True)
    admin = make_staff(agency, StaffRole.ADMIN, "calendar_admin")
    UserFactory(username="retired_root", is_superuser=True, is_active=False)

    assert sweep_deadlines_run(as_of=date(2026, 10, 30)).nothing_done
    result = sweep_deadlines_run(as_of=date(2026, 11, 2))

    assert result.calendar_warning_year == 2027
    assert result.notifications == 2
    assert sorted(
        Notification.objects.values_list("user__username", "key", "request")
    ) == [
        ("calendar_admin", "calendar:2027", None),
        ("root", "calendar:2027", None),
    ]
    assert Notification.objects.get(user=superuser).title == (
        "【日历提醒】2027年节假日安排尚未录入"
    )
    assert Notification.objects.filter(user=admin).count() == 1
    assert sweep_deadlines_run(as_of=date(2026, 11, 3)).nothing_done
    assert sweep_deadlines_run(as_of=date(2026, 12, 31)).nothing_done


def test_no_calendar_warning_when_next_year_is_official(agency):
    UserFactory(username="root", is_superuser=True)

    assert sweep_deadlines_run(as_of=date(2025, 11, 3)).nothing_done


# --- the command ----------------------------------------------------------------------------


def run_command(*args: str) -> str:
    out = StringIO()
    call_command("sweep_deadlines", *args, stdout=out)
    return out.getvalue()


def test_command_prints_what_it_did_then_nothing(awaiting_supplement, assigned_case):
    output = run_command("--as-of", "2025-10-28")

    assert output.splitlines() == [
        "期限巡查 2025-10-28",
        "逾期终止：1件",
        "  XCCG-2025-00001 other.no_supplement（逾期不补正，不再处理） 办结日期 2025-10-28",
        "到期提醒：0件",
        "逾期提醒：1件",
        "征求意见到期提醒：0件",
        "站内提醒：2条",
    ]
    assert run_command("--as-of", "2025-10-28").splitlines() == [
        "期限巡查 2025-10-28：无新事项（逾期终止、提醒均已处理过）"
    ]


# 2026-11-29 20:00 UTC is already 2026-11-30 04:00 in Beijing.
LATE_EVENING_UTC = datetime(2026, 11, 29, 20, 0, tzinfo=UTC)


def test_command_refuses_a_date_after_today_in_beijing(awaiting_supplement):
    from django.core.management.base import CommandError

    with time_machine.travel(LATE_EVENING_UTC, tick=False):
        with pytest.raises(CommandError) as excinfo:
            run_command("--as-of", "2026-12-01")
        assert str(excinfo.value) == (
            "巡查日期不能晚于今天（北京时间2026-11-30）：2026-12-01"
        )
        awaiting_supplement.refresh_from_db()
        assert awaiting_supplement.status == Status.AWAITING_SUPPLEMENT
        assert RequestEvent.objects.filter(kind=EventKind.CLOSED_LAPSED).count() == 0

        # Today in Beijing (still yesterday in UTC) is accepted.
        output = run_command("--as-of", "2026-11-30")

    assert output.splitlines()[:3] == [
        "期限巡查 2026-11-30",
        "逾期终止：1件",
        "  XCCG-2025-00001 other.no_supplement（逾期不补正，不再处理） 办结日期 2025-10-28",
    ]


def test_command_rejects_a_bad_date(db):
    from django.core.management.base import CommandError

    with pytest.raises(CommandError, match="日期格式应为 YYYY-MM-DD：2025-13-01"):
        run_command("--as-of", "2025-13-01")


# --- constant number of queries -------------------------------------------------------------

_serials = itertools.count(1)


def bulk_open_cases(agency, template: DisclosureRequest, count: int, due_on: date):
    """``count`` open cases like ``template`` (same applicant and dates), inserted at
    once; the sweep reads rows, so how they were made does not matter to it."""
    cases = []
    for _ in range(count):
        serial = 1000 + next(_serials)
        cases.append(
            DisclosureRequest(
                agency=agency,
                reference=f"{agency.code}-2025-{serial:05d}",
                year=2025,
                serial=serial,
                query_code=f"bulk-{serial}",
                applicant=template.applicant,
                applicant_type=template.applicant_type,
                channel=template.channel,
                received_on=template.received_on,
                description=template.description,
                assigned_to=template.assigned_to,
                status=Status.IN_PROGRESS,
                due_on=due_on,
            )
        )
    DisclosureRequest.objects.bulk_create(cases, batch_size=500)


@pytest.mark.parametrize("open_cases", [10, 1000], ids=["10_cases", "1000_cases"])
def test_notice_queries_do_not_grow_with_the_cases(
    assigned_case, agency, open_cases, django_assert_max_num_queries
):
    bulk_open_cases(agency, assigned_case, open_cases - 1, date(2025, 10, 13))

    with django_assert_max_num_queries(10):
        result = sweep_deadlines_run(as_of=date(2025, 10, 14))

    assert (result.overdue, result.notifications) == (open_cases, 2 * open_cases)
    assert (
        RequestEvent.objects.filter(kind=EventKind.OVERDUE_NOTICE_SENT).count()
        == open_cases
    )
    # One e-mail task per 1,000 notifications.
    assert (
        OutboxMessage.objects.filter(
            task_name="requests_app.tasks.staff_email_batch_task"
        ).count()
        == (2 * open_cases + 999) // 1000
    )

    with django_assert_max_num_queries(10):
        assert sweep_deadlines_run(as_of=date(2025, 10, 15)).nothing_done


def test_10_and_1000_notices_cost_the_same_queries(
    assigned_case, agency, supervisor, django_assert_max_num_queries
):
    """The same sweep work (overdue notices and the calendar warning in one run) for 10
    and for 1,000 cases costs the same queries."""
    UserFactory(username="root", is_superuser=True)
    sweep_deadlines_run(as_of=date(2025, 10, 14))  # the fixture's own case is overdue
    counts = []
    for count, due_on, as_of in (
        (10, date(2026, 11, 20), date(2026, 11, 23)),
        (1000, date(2026, 11, 23), date(2026, 11, 24)),
    ):
        bulk_open_cases(agency, assigned_case, count, due_on)
        with django_assert_max_num_queries(10) as captured:
            result = sweep_deadlines_run(as_of=as_of)
        assert result.overdue == count
        counts.append(len(captured))
        # The calendar warning goes out once, with the first run.
        UserFactory(username=f"root{count}", is_superuser=True)

    assert counts[0] == counts[1]


def bulk_waiting_cases(agency, template: DisclosureRequest, count: int) -> None:
    """``count`` cases waiting for a supplement asked on 2025-09-29 (C3: closed
    2025-10-28 when none came) and as many for a fee noticed on 2025-12-01 (C5: closed
    2025-12-30 when unpaid), inserted at once."""
    cases = []
    for index in range(2 * count):
        serial = 1000 + next(_serials)
        waits_for_fee = index % 2 == 1
        cases.append(
            DisclosureRequest(
                agency=agency,
                reference=f"{agency.code}-2025-{serial:05d}",
                year=2025,
                serial=serial,
                query_code=f"bulk-{serial}",
                applicant=template.applicant,
                applicant_type=template.applicant_type,
                channel=template.channel,
                received_on=date(2025, 9, 22),
                description=template.description,
                assigned_to=template.assigned_to,
                status=(
                    Status.AWAITING_FEE if waits_for_fee else Status.AWAITING_SUPPLEMENT
                ),
                supplement_requested_on=None if waits_for_fee else date(2025, 9, 29),
                fee_notice_on=date(2025, 12, 1) if waits_for_fee else None,
            )
        )
    DisclosureRequest.objects.bulk_create(cases, batch_size=500)


def test_10_and_1000_lapses_cost_the_same_queries(
    assigned_case, agency, django_assert_max_num_queries
):
    sweep_deadlines_run(as_of=date(2026, 1, 5))  # the fixture's own case is overdue
    counts = []
    for count in (10, 1000):
        bulk_waiting_cases(agency, assigned_case, count)
        # Lapses: lock, update, events, e-mails (and a savepoint in this test's
        # transaction), besides the sweep's own reads.
        with django_assert_max_num_queries(10) as captured:
            result = sweep_deadlines_run(as_of=date(2026, 1, 5))
        counts.append(len(captured))
        assert len(result.closed) == 2 * count
        assert {(case.outcome, case.closed_on) for case in result.closed} == {
            ("other.no_supplement", date(2025, 10, 28)),
            ("other.fee_unpaid", date(2025, 12, 30)),
        }
    assert counts[0] == counts[1]

    closed = DisclosureRequest.objects.filter(status=Status.CLOSED)
    assert closed.count() == 2020
    assert set(closed.values_list("on_time", flat=True)) == {True}
    assert (
        RequestEvent.objects.filter(kind=EventKind.CLOSED_LAPSED).count()
        == closed.count()
    )
    assert (
        OutboxMessage.objects.filter(
            task_name="requests_app.tasks.applicant_notify_task",
            kwargs__kind="lapsed",
        ).count()
        == closed.count()
    )
    # A second run for the same day closes nothing more.
    assert sweep_deadlines_run(as_of=date(2026, 1, 5)).closed == ()


# --- the staff page -------------------------------------------------------------------------


def test_notifications_page_lists_and_marks_read(
    client, assigned_case, clerk, supervisor
):
    sweep_deadlines_run(as_of=date(2025, 10, 14))
    client.force_login(clerk)

    page = client.get("/dashboard/notifications/")

    assert page.status_code == 200
    html = page.content.decode()
    assert "【逾期提醒】申请XCCG-2025-00001已超过答复期限" in html
    assert "未读提醒1条。" in html
    own = Notification.objects.get(user=clerk)
    others = Notification.objects.get(user=supervisor)

    assert client.post(f"/dashboard/notifications/{others.pk}/read/").status_code == 404
    response = client.post(
        f"/dashboard/notifications/{own.pk}/read/", {"return_query": "?unread=1"}
    )
    assert (response.status_code, response["Location"]) == (
        302,
        "/dashboard/notifications/?unread=1",
    )
    own.refresh_from_db()
    others.refresh_from_db()
    assert own.read_at is not None
    assert others.read_at is None
    unread = client.get("/dashboard/notifications/?unread=1").content.decode()
    assert "暂无提醒。" in unread


def test_notifications_page_mark_all_and_login_required(
    client, assigned_case, supervisor
):
    sweep_deadlines_run(as_of=date(2025, 9, 29))
    sweep_deadlines_run(as_of=date(2025, 10, 11))

    anonymous = client.get("/dashboard/notifications/")
    assert anonymous.status_code == 302
    assert anonymous["Location"].startswith("/admin/login/")

    client.force_login(supervisor)
    assert (
        client.post(
            "/dashboard/notifications/read-all/", {"return_query": "//evil.example"}
        )["Location"]
        == "/dashboard/notifications/"
    )
    assert not Notification.objects.filter(
        user=supervisor, read_at__isnull=True
    ).exists()
    assert (
        Notification.objects.filter(
            user__username="clerk", read_at__isnull=True
        ).count()
        == 2
    )
