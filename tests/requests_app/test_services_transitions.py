"""Every path of the transition table through the services, with real dates on the
official calendar (2025 National Day + Mid-Autumn: 10-01…10-08 off, 09-28 and 10-11
make-up working days)."""

from datetime import date
from decimal import Decimal

import pytest

from disclosure.exceptions import ApplicationError, NotFound
from requests_app.models import Applicant, DisclosureRequest, EventKind, RequestEvent
from requests_app.services import (
    RegistrationData,
    request_close_lapsed,
    request_correct_applicant_type,
    request_end_consultation,
    request_extend,
    request_issue_fee_notice,
    request_receive_supplement,
    request_register,
    request_reply,
    request_request_supplement,
    request_set_delay,
    request_settle_fee,
    request_start_consultation,
    request_withdraw,
)
from requests_app.workflow import Status, TransitionNotAllowed
from tests.factories import applicant_data, make_resident_id, register

TODAY = date(2026, 11, 29)
pytestmark = pytest.mark.django_db


def events(case):
    return list(
        RequestEvent.objects.filter(request=case).values_list("kind", flat=True)
    )


def test_register_fixes_reference_query_code_and_due_date(agency):
    case = register(agency, date(2025, 9, 26))
    assert case.reference == "XCCG-2025-00001"
    assert case.status == Status.IN_PROGRESS
    assert case.due_on == date(2025, 10, 30)
    assert case.provisional is False
    assert case.supplement_notice_due_on == date(2025, 10, 13)
    assert len(case.query_code) >= 24
    assert "2025年10月30日" in case.clock_explanation
    second = register(agency, date(2025, 9, 26), id_number=make_resident_id(2))
    assert second.reference == "XCCG-2025-00002"
    assert second.query_code != case.query_code
    next_year = register(agency, date(2026, 1, 5))
    assert next_year.reference == "XCCG-2026-00001"
    event = RequestEvent.objects.get(request=case)
    assert event.kind == EventKind.REGISTERED
    assert event.due_after == date(2025, 10, 30)


def test_received_on_spring_festival_2026(agency):
    case = register(agency, date(2026, 2, 10))
    assert case.due_on == date(2026, 3, 16)


def test_register_2008_regime_before_2019_05_15(agency):
    old = register(agency, date(2019, 5, 14))
    new = register(agency, date(2019, 5, 15), id_number=make_resident_id(3))
    assert old.due_on == date(2019, 6, 4)
    assert new.due_on == date(2019, 6, 13)


def test_register_provisional_into_2027(agency):
    case = register(agency, date(2026, 12, 18))
    assert case.due_on == date(2027, 1, 18)
    assert case.provisional is True


def test_same_applicant_is_recognised_and_id_is_encrypted(agency):
    number = make_resident_id(7)
    first = register(agency, date(2025, 9, 26), id_number=number)
    second = register(agency, date(2025, 9, 29), id_number=number, phone="13900000000")
    assert first.applicant_id == second.applicant_id
    applicant = Applicant.objects.get(pk=first.applicant_id)
    assert number not in applicant.id_number_encrypted
    assert applicant.id_number_masked == number[:4] + "*" * 10 + number[-4:]
    assert applicant.phone == "13900000000"


def test_register_refuses_bad_id_and_unaccepted_channel(agency):
    with pytest.raises(ApplicationError) as excinfo:
        register(agency, date(2025, 9, 26), id_number="110105198504120010")
    assert excinfo.value.field == "id_number"
    agency.accepted_channels = ["online"]
    agency.save()
    with pytest.raises(ApplicationError) as excinfo:
        register(agency, date(2025, 9, 26), channel="fax")
    assert excinfo.value.field == "channel"
    assert DisclosureRequest.objects.count() == 0


def test_supplement_restarts_the_clock(agency, clerk):
    case = register(agency, date(2025, 9, 26))
    case = request_request_supplement(
        actor=clerk,
        request_id=case.pk,
        requested_on=date(2025, 9, 29),
        items="请写明信息的时间范围",
        today=TODAY,
    )
    assert case.status == Status.AWAITING_SUPPLEMENT
    assert case.due_on is None
    assert case.supplement_notice_late is False
    assert case.supplement_period_days == 15
    case = request_receive_supplement(
        actor=clerk, request_id=case.pk, received_on=date(2025, 10, 9), today=TODAY
    )
    assert case.status == Status.IN_PROGRESS
    assert case.due_on == date(2025, 11, 5)
    event = RequestEvent.objects.get(request=case, kind=EventKind.SUPPLEMENT_RECEIVED)
    assert (event.due_before, event.due_after) == (None, date(2025, 11, 5))


def test_late_supplement_notice_is_flagged_and_only_once(agency, clerk):
    case = register(agency, date(2025, 9, 26))
    case = request_request_supplement(
        actor=clerk,
        request_id=case.pk,
        requested_on=date(2025, 10, 14),
        items="补充身份证明",
        today=TODAY,
    )
    assert case.supplement_notice_late is True
    request_receive_supplement(
        actor=clerk, request_id=case.pk, received_on=date(2025, 10, 20), today=TODAY
    )
    with pytest.raises(ApplicationError, match="一次性告知"):
        request_request_supplement(
            actor=clerk,
            request_id=case.pk,
            requested_on=date(2025, 10, 21),
            items="再次补正",
            today=TODAY,
        )


def test_supplement_received_before_requested_is_refused(agency, clerk):
    case = register(agency, date(2025, 9, 26))
    request_request_supplement(
        actor=clerk,
        request_id=case.pk,
        requested_on=date(2025, 9, 30),
        items="x",
        today=TODAY,
    )
    with pytest.raises(ApplicationError) as excinfo:
        request_receive_supplement(
            actor=clerk, request_id=case.pk, received_on=date(2025, 9, 29), today=TODAY
        )
    assert excinfo.value.field == "received_on"


def test_consultation_days_are_excluded(agency, clerk):
    case = register(agency, date(2025, 9, 26))
    case = request_start_consultation(
        actor=clerk,
        request_id=case.pk,
        party="某公司",
        started_on=date(2025, 10, 9),
        today=TODAY,
    )
    assert case.status == Status.IN_CONSULTATION
    assert case.due_on is None
    assert case.remaining_workdays == 20 - 4
    consultation = case.consultations.get()
    assert consultation.reply_due_on == date(2025, 10, 29)
    case = request_end_consultation(
        actor=clerk, request_id=case.pk, ended_on=date(2025, 10, 15), today=TODAY
    )
    assert case.status == Status.IN_PROGRESS
    assert case.due_on == date(2025, 11, 6)


def test_fee_notice_pause_settle_and_amount(agency, clerk):
    number = make_resident_id(11)
    cases = [register(agency, date(2025, 10, 9), id_number=number) for _ in range(11)]
    first, eleventh = cases[0], cases[-1]
    with pytest.raises(ApplicationError, match="不应收费"):
        request_issue_fee_notice(
            actor=clerk,
            request_id=first.pk,
            notice_on=date(2025, 10, 9),
            method="per_item",
            today=TODAY,
        )
    case = request_issue_fee_notice(
        actor=clerk,
        request_id=eleventh.pk,
        notice_on=date(2025, 10, 9),
        method="per_item",
        today=TODAY,
    )
    assert case.status == Status.AWAITING_FEE
    assert case.fee_amount_yuan == Decimal("100.00")
    assert case.due_on is None
    with pytest.raises(ApplicationError, match="缴费期限已于2025年11月05日届满"):
        request_settle_fee(
            actor=clerk, request_id=case.pk, paid_on=date(2025, 11, 6), today=TODAY
        )
    case = request_settle_fee(
        actor=clerk, request_id=case.pk, paid_on=date(2025, 10, 15), today=TODAY
    )
    # received 10-09; paused (10-09, 10-15]: 10-10, 10-11 (make-up), 10-13…10-15 = 5
    assert case.due_on == date(2025, 11, 12)


def test_fee_per_page(agency, clerk):
    case = register(agency, date(2025, 10, 9))
    case = request_issue_fee_notice(
        actor=clerk,
        request_id=case.pk,
        notice_on=date(2025, 10, 10),
        method="per_page",
        pages=250,
        today=TODAY,
    )
    assert case.fee_amount_yuan == Decimal("4700.00")


def test_extension_once_and_not_after_due_date(agency, clerk):
    case = register(agency, date(2025, 9, 26))
    case = request_extend(
        actor=clerk,
        request_id=case.pk,
        approved_on=date(2025, 10, 30),
        reason="需要调取档案",
        today=TODAY,
    )
    assert case.due_on == date(2025, 11, 27)
    with pytest.raises(ApplicationError):
        request_extend(
            actor=clerk,
            request_id=case.pk,
            approved_on=date(2025, 11, 3),
            reason="再次延期",
            today=TODAY,
        )
    late = register(agency, date(2025, 9, 26), id_number=make_resident_id(4))
    with pytest.raises(ApplicationError) as excinfo:
        request_extend(
            actor=clerk,
            request_id=late.pk,
            approved_on=date(2025, 10, 31),
            reason="逾期",
            today=TODAY,
        )
    assert excinfo.value.field == "approved_on"


def test_art35_delay_sets_the_due_date(agency, clerk):
    case = register(agency, date(2025, 9, 26))
    case = request_set_delay(
        actor=clerk,
        request_id=case.pk,
        decided_on=date(2025, 10, 10),
        delayed_due_on=date(2025, 12, 31),
        reason="申请数量巨大",
        today=TODAY,
    )
    assert case.due_on == date(2025, 12, 31)


def test_reply_closes_on_time_and_late(agency, clerk):
    case = register(agency, date(2025, 9, 26))
    case = request_reply(
        actor=clerk,
        request_id=case.pk,
        outcome="disclosed",
        replied_on=date(2025, 10, 30),
        today=TODAY,
    )
    assert (case.status, case.closed_on, case.on_time) == (
        Status.CLOSED,
        date(2025, 10, 30),
        True,
    )
    assert case.outcome_basis == "《条例》第三十六条第（二）项"
    late = register(agency, date(2025, 9, 26), id_number=make_resident_id(5))
    late = request_reply(
        actor=clerk,
        request_id=late.pk,
        outcome="partial",
        reasons="涉及第三方",
        replied_on=date(2025, 10, 31),
        today=TODAY,
    )
    assert late.on_time is False


@pytest.mark.parametrize(
    ("outcome", "kwargs", "field"),
    [
        ("refused.state_secret", {}, "reasons"),
        ("partial", {}, "reasons"),
        ("unavailable.other_agency", {}, "competent_agency_name"),
        ("unavailable.unclear", {}, "outcome"),
        ("other.withdrawn", {}, "outcome"),
        ("no.such.code", {}, "outcome"),
    ],
)
def test_reply_validation(agency, clerk, outcome, kwargs, field):
    case = register(agency, date(2025, 9, 26))
    with pytest.raises(ApplicationError) as excinfo:
        request_reply(
            actor=clerk,
            request_id=case.pk,
            outcome=outcome,
            replied_on=date(2025, 10, 9),
            today=TODAY,
            **kwargs,
        )
    assert excinfo.value.field == field
    assert events(case) == [EventKind.REGISTERED]


def test_other_agency_reply_names_the_competent_agency(agency, clerk):
    case = register(agency, date(2025, 9, 26))
    case = request_reply(
        actor=clerk,
        request_id=case.pk,
        outcome="unavailable.other_agency",
        competent_agency_name="北京市西城区住房和城市建设委员会",
        replied_on=date(2025, 10, 9),
        today=TODAY,
    )
    assert case.competent_agency_name == "北京市西城区住房和城市建设委员会"


def test_withdraw_from_every_open_state(agency, clerk):
    case = register(agency, date(2025, 9, 26))
    request_request_supplement(
        actor=clerk,
        request_id=case.pk,
        requested_on=date(2025, 9, 29),
        items="x",
        today=TODAY,
    )
    case = request_withdraw(
        actor=clerk, request_id=case.pk, withdrawn_on=date(2025, 10, 9), today=TODAY
    )
    assert (case.status, case.outcome, case.on_time) == (
        Status.CLOSED,
        "other.withdrawn",
        True,
    )


def test_refused_transition_writes_no_event(agency, clerk):
    case = register(agency, date(2025, 9, 26))
    request_reply(
        actor=clerk,
        request_id=case.pk,
        outcome="disclosed",
        replied_on=date(2025, 10, 9),
        today=TODAY,
    )
    before = events(case)
    with pytest.raises(TransitionNotAllowed):
        request_extend(
            actor=clerk,
            request_id=case.pk,
            approved_on=date(2025, 10, 9),
            reason="x",
            today=TODAY,
        )
    with pytest.raises(TransitionNotAllowed):
        request_receive_supplement(
            actor=clerk,
            request_id=case.pk,
            received_on=date(2025, 10, 9),
            today=TODAY,
        )
    assert events(case) == before


def test_close_lapsed_supplement_uses_contract_closed_on(agency, clerk):
    case = register(agency, date(2025, 9, 26))
    request_request_supplement(
        actor=clerk,
        request_id=case.pk,
        requested_on=date(2025, 9, 29),
        items="x",
        today=TODAY,
    )
    assert request_close_lapsed(request_id=case.pk, as_of=date(2025, 10, 27)) is None
    closed = request_close_lapsed(request_id=case.pk, as_of=date(2025, 11, 20))
    assert closed.outcome == "other.no_supplement"
    assert closed.closed_on == date(2025, 10, 28)
    assert closed.on_time is True
    assert request_close_lapsed(request_id=case.pk, as_of=date(2025, 11, 21)) is None


def test_close_lapsed_fee(agency, clerk):
    number = make_resident_id(12)
    cases = [register(agency, date(2025, 10, 9), id_number=number) for _ in range(11)]
    request_issue_fee_notice(
        actor=clerk,
        request_id=cases[-1].pk,
        notice_on=date(2025, 10, 9),
        method="per_item",
        today=TODAY,
    )
    closed = request_close_lapsed(request_id=cases[-1].pk, as_of=date(2025, 11, 6))
    assert (closed.outcome, closed.closed_on) == ("other.fee_unpaid", date(2025, 11, 6))


def test_other_agency_clerk_sees_nothing(agency, other_clerk):
    case = register(agency, date(2025, 9, 26))
    with pytest.raises(NotFound):
        request_reply(
            actor=other_clerk,
            request_id=case.pk,
            outcome="disclosed",
            replied_on=date(2025, 10, 9),
            today=TODAY,
        )
    assert events(case) == [EventKind.REGISTERED]


def test_supervisor_of_parent_may_act(agency, supervisor):
    case = register(agency, date(2025, 9, 26))
    case = request_reply(
        actor=supervisor,
        request_id=case.pk,
        outcome="disclosed",
        replied_on=date(2025, 10, 9),
        today=TODAY,
    )
    assert case.status == Status.CLOSED


def test_dates_before_receipt_or_in_future_are_refused(agency, clerk):
    case = register(agency, date(2025, 9, 26))
    with pytest.raises(ApplicationError, match="早于收到申请日期"):
        request_reply(
            actor=clerk,
            request_id=case.pk,
            outcome="disclosed",
            replied_on=date(2025, 9, 25),
            today=TODAY,
        )
    with pytest.raises(ApplicationError, match="晚于今天"):
        request_reply(
            actor=clerk,
            request_id=case.pk,
            outcome="disclosed",
            replied_on=date(2026, 12, 1),
            today=TODAY,
        )


def test_event_rows_are_append_only(agency):
    case = register(agency, date(2025, 9, 26))
    event = RequestEvent.objects.get(request=case)
    with pytest.raises(PermissionError):
        event.save()
    with pytest.raises(PermissionError):
        event.delete()
    with pytest.raises(PermissionError):
        RequestEvent.objects.filter(request=case).update(kind="x")
    with pytest.raises(PermissionError):
        RequestEvent.objects.filter(request=case).delete()


def test_staff_correct_the_applicant_type(agency, clerk, other_clerk):
    case = register(agency, date(2025, 9, 26))
    with pytest.raises(NotFound):
        request_correct_applicant_type(
            actor=other_clerk,
            request_id=case.pk,
            applicant_type="enterprise",
            reason="x",
        )
    with pytest.raises(ApplicationError) as excinfo:
        request_correct_applicant_type(
            actor=clerk, request_id=case.pk, applicant_type="company", reason="x"
        )
    assert excinfo.value.field == "applicant_type"
    case = request_correct_applicant_type(
        actor=clerk,
        request_id=case.pk,
        applicant_type="legal_service_org",
        reason="申请人为律师事务所",
    )
    assert case.applicant_type == "legal_service_org"
    event = RequestEvent.objects.get(
        request=case, kind=EventKind.APPLICANT_TYPE_CORRECTED
    )
    assert event.payload == {
        "before": "natural_person",
        "after": "legal_service_org",
        "reason": "申请人为律师事务所",
    }


# --- audit fixes: C3 late supplement, C9 delay, reply after consultation, intake ---------


@pytest.fixture
def awaiting_supplement(agency, clerk):
    """Supplement requested 2025-09-29 with P = 15: the last day to supplement is
    WD(09-29, 15) = 2025-10-27 (09-30, then 10-09 … with 10-11 a make-up Saturday)."""
    case = register(agency, date(2025, 9, 26))
    return request_request_supplement(
        actor=clerk,
        request_id=case.pk,
        requested_on=date(2025, 9, 29),
        items="请写明信息的时间范围",
        today=TODAY,
    )


def test_supplement_on_the_last_day_is_accepted(awaiting_supplement, clerk):
    case = request_receive_supplement(
        actor=clerk,
        request_id=awaiting_supplement.pk,
        received_on=date(2025, 10, 27),
        today=TODAY,
    )
    assert (case.status, case.supplement_received_on) == (
        Status.IN_PROGRESS,
        date(2025, 10, 27),
    )


@pytest.mark.parametrize(
    "received_on",
    [
        pytest.param(date(2025, 10, 28), id="day_after_case"),
        pytest.param(date(2026, 3, 1), id="months_later_case"),
    ],
)
def test_supplement_after_the_period_is_refused(
    awaiting_supplement, clerk, received_on
):
    before = events(awaiting_supplement)
    with pytest.raises(ApplicationError) as excinfo:
        request_receive_supplement(
            actor=clerk,
            request_id=awaiting_supplement.pk,
            received_on=received_on,
            today=TODAY,
        )
    assert excinfo.value.field == "received_on"
    assert excinfo.value.message == (
        "补正期限已于2025年10月27日届满，申请人逾期未补正，"
        "视为放弃申请（第三十条），不能再接收补正。"
    )
    case = DisclosureRequest.objects.get(pk=awaiting_supplement.pk)
    assert (case.status, case.supplement_received_on, case.due_on) == (
        Status.AWAITING_SUPPLEMENT,
        None,
        None,
    )
    assert events(case) == before


def test_supplement_period_of_the_case_decides_the_last_day(agency, clerk):
    """P = 5 on the case: WD(2025-09-29, 5) = 2025-10-13 (09-30, 10-09, 10-10, the
    make-up Saturday 10-11, 10-13)."""
    case = register(agency, date(2025, 9, 26))
    request_request_supplement(
        actor=clerk,
        request_id=case.pk,
        requested_on=date(2025, 9, 29),
        items="补充身份证明",
        period_days=5,
        today=TODAY,
    )
    with pytest.raises(ApplicationError, match="补正期限已于2025年10月13日届满"):
        request_receive_supplement(
            actor=clerk, request_id=case.pk, received_on=date(2025, 10, 14), today=TODAY
        )
    case = request_receive_supplement(
        actor=clerk, request_id=case.pk, received_on=date(2025, 10, 13), today=TODAY
    )
    assert case.status == Status.IN_PROGRESS


def test_art35_delay_may_be_set_on_the_due_date(agency, clerk):
    """Received 2025-09-26, due 2025-10-30: decided on the due date, any later date."""
    case = register(agency, date(2025, 9, 26))
    case = request_set_delay(
        actor=clerk,
        request_id=case.pk,
        decided_on=date(2025, 10, 30),
        delayed_due_on=date(2025, 10, 31),
        reason="申请数量巨大",
        today=TODAY,
    )
    assert case.due_on == date(2025, 10, 31)


@pytest.mark.parametrize(
    ("decided_on", "delayed_due_on", "field", "message"),
    [
        pytest.param(
            date(2025, 10, 10),
            date(2025, 10, 30),
            "delayed_due_on",
            "延迟答复期限应晚于法定答复截止日（2025年10月30日）：",
            id="on_the_statutory_due_date_case",
        ),
        pytest.param(
            date(2025, 10, 10),
            date(2025, 10, 20),
            "delayed_due_on",
            "延迟答复期限应晚于法定答复截止日（2025年10月30日）：",
            id="before_the_statutory_due_date_case",
        ),
        pytest.param(
            date(2025, 10, 31),
            date(2025, 12, 31),
            "decided_on",
            "延迟答复期限须在答复截止日（2025年10月30日）当日或之前确定",
            id="decided_after_the_due_date_case",
        ),
    ],
)
def test_art35_delay_refused(agency, clerk, decided_on, delayed_due_on, field, message):
    case = register(agency, date(2025, 9, 26))
    with pytest.raises(ApplicationError) as excinfo:
        request_set_delay(
            actor=clerk,
            request_id=case.pk,
            decided_on=decided_on,
            delayed_due_on=delayed_due_on,
            reason="申请数量巨大",
            today=TODAY,
        )
    assert excinfo.value.field == field
    assert excinfo.value.message.startswith(message)
    assert DisclosureRequest.objects.get(pk=case.pk).due_on == date(2025, 10, 30)
    assert events(case) == [EventKind.REGISTERED]


def test_art35_delay_after_an_extension_must_pass_the_extended_date(agency, clerk):
    """Extended on 2025-10-20: due 2025-11-27, which a delayed date must pass."""
    case = register(agency, date(2025, 9, 26))
    request_extend(
        actor=clerk,
        request_id=case.pk,
        approved_on=date(2025, 10, 20),
        reason="需要调取档案",
        today=TODAY,
    )
    with pytest.raises(ApplicationError, match="法定答复截止日（2025年11月27日）"):
        request_set_delay(
            actor=clerk,
            request_id=case.pk,
            decided_on=date(2025, 11, 3),
            delayed_due_on=date(2025, 11, 20),
            reason="申请数量巨大",
            today=TODAY,
        )
    case = request_set_delay(
        actor=clerk,
        request_id=case.pk,
        decided_on=date(2025, 11, 27),
        delayed_due_on=date(2025, 12, 31),
        reason="申请数量巨大",
        today=TODAY,
    )
    assert case.due_on == date(2025, 12, 31)


def test_art35_delay_checks_the_consultation_adjusted_due_date(agency, clerk):
    """Consultation (10-09, 10-15] excludes 5 working days: due 2025-11-06."""
    case = register(agency, date(2025, 9, 26))
    request_start_consultation(
        actor=clerk,
        request_id=case.pk,
        party="某公司",
        started_on=date(2025, 10, 9),
        today=TODAY,
    )
    request_end_consultation(
        actor=clerk, request_id=case.pk, ended_on=date(2025, 10, 15), today=TODAY
    )
    with pytest.raises(ApplicationError, match="法定答复截止日（2025年11月6日）"):
        request_set_delay(
            actor=clerk,
            request_id=case.pk,
            decided_on=date(2025, 10, 31),
            delayed_due_on=date(2025, 11, 6),
            reason="申请数量巨大",
            today=TODAY,
        )


@pytest.fixture
def consulted_twice(agency, clerk):
    """Consulted 10-09…10-15, then again 10-16…10-20: the latest ended 2025-10-20."""
    case = register(agency, date(2025, 9, 26))
    for started_on, ended_on in (
        (date(2025, 10, 9), date(2025, 10, 15)),
        (date(2025, 10, 16), date(2025, 10, 20)),
    ):
        request_start_consultation(
            actor=clerk,
            request_id=case.pk,
            party="某公司",
            started_on=started_on,
            today=TODAY,
        )
        case = request_end_consultation(
            actor=clerk, request_id=case.pk, ended_on=ended_on, today=TODAY
        )
    return case


def test_reply_before_the_latest_consultation_ended_is_refused(consulted_twice, clerk):
    before = events(consulted_twice)
    with pytest.raises(ApplicationError) as excinfo:
        request_reply(
            actor=clerk,
            request_id=consulted_twice.pk,
            outcome="disclosed",
            replied_on=date(2025, 10, 17),
            today=TODAY,
        )
    assert (excinfo.value.field, excinfo.value.message) == (
        "replied_on",
        "答复日期不能早于征求意见结束日期（2025年10月20日）。",
    )
    assert events(consulted_twice) == before


def test_reply_on_the_day_the_consultation_ended_is_accepted(consulted_twice, clerk):
    case = request_reply(
        actor=clerk,
        request_id=consulted_twice.pk,
        outcome="disclosed",
        replied_on=date(2025, 10, 20),
        today=TODAY,
    )
    assert (case.status, case.closed_on) == (Status.CLOSED, date(2025, 10, 20))


def test_no_extension_while_a_consultation_runs(agency, clerk):
    case = register(agency, date(2025, 9, 26))
    request_start_consultation(
        actor=clerk,
        request_id=case.pk,
        party="某公司",
        started_on=date(2025, 10, 9),
        today=TODAY,
    )
    before = events(case)
    with pytest.raises(TransitionNotAllowed, match="不能执行“延期答复”"):
        request_extend(
            actor=clerk,
            request_id=case.pk,
            approved_on=date(2025, 10, 10),
            reason="需要调取档案",
            today=TODAY,
        )
    assert events(case) == before


@pytest.mark.parametrize(
    "received_on",
    [
        pytest.param(date(1999, 1, 1), id="1999_case"),
        pytest.param(date(2008, 4, 30), id="day_before_2008_regulation_case"),
    ],
)
def test_register_refuses_a_receipt_before_the_2008_regulation(agency, received_on):
    with pytest.raises(ApplicationError) as excinfo:
        register(agency, received_on)
    assert (excinfo.value.field, excinfo.value.message) == (
        "received_on",
        "收到申请日期不能早于2008年5月1日（《政府信息公开条例》施行之日）。",
    )
    assert DisclosureRequest.objects.count() == 0


def test_register_accepts_the_day_the_2008_regulation_took_effect(agency):
    """2008-05-01 (Labour Day, 05-01…05-03 off, Sunday 05-04 a make-up working day):
    2008 regime, 15 working days → 2008-05-22."""
    case = register(agency, date(2008, 5, 1))
    assert case.reference == "XCCG-2008-00001"
    assert case.due_on == date(2008, 5, 22)


def test_register_cleans_control_characters(agency):
    case = request_register(
        agency=agency,
        applicant_data=applicant_data(name="张\x0b三", address="北京市\x00西城区"),
        registration=RegistrationData(
            channel="letter",
            received_on=date(2025, 9, 26),
            description="第一项\x0b第二项\x07\t附表\r\n说明\x7f",
            formats=("paper",),
            delivery=("post",),
            receipt_note="挂号信\x1f签收",
        ),
        today=TODAY,
    )
    case = DisclosureRequest.objects.select_related("applicant").get(pk=case.pk)
    assert case.description == "第一项 第二项 \t附表\r\n说明"
    assert case.receipt_note == "挂号信 签收"
    assert (case.applicant.name, case.applicant.address) == ("张 三", "北京市 西城区")


def test_reply_and_supplement_texts_are_cleaned(agency, clerk):
    case = register(agency, date(2025, 9, 26))
    request_request_supplement(
        actor=clerk,
        request_id=case.pk,
        requested_on=date(2025, 9, 29),
        items="请写明\x0b时间范围",
        today=TODAY,
    )
    request_receive_supplement(
        actor=clerk, request_id=case.pk, received_on=date(2025, 10, 9), today=TODAY
    )
    case = request_reply(
        actor=clerk,
        request_id=case.pk,
        outcome="unavailable.other_agency",
        reasons="理由一\x0b理由二",
        competent_agency_name="北京市西城区\x0c住房和城市建设委员会",
        replied_on=date(2025, 10, 20),
        today=TODAY,
    )
    case = DisclosureRequest.objects.get(pk=case.pk)
    assert (case.supplement_items, case.reasons, case.competent_agency_name) == (
        "请写明 时间范围",
        "理由一 理由二",
        "北京市西城区 住房和城市建设委员会",
    )
