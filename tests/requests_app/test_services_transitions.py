"""Every path of the transition table through the services, with real dates on the
official calendar (2025 National Day + Mid-Autumn: 10-01…10-08 off, 09-28 and 10-11
make-up working days)."""

from datetime import date
from decimal import Decimal

import pytest

from disclosure.exceptions import ApplicationError, NotFound
from requests_app.models import Applicant, DisclosureRequest, EventKind, RequestEvent
from requests_app.services import (
    request_close_lapsed,
    request_correct_applicant_type,
    request_end_consultation,
    request_extend,
    request_issue_fee_notice,
    request_receive_supplement,
    request_reply,
    request_request_supplement,
    request_set_delay,
    request_settle_fee,
    request_start_consultation,
    request_withdraw,
)
from requests_app.workflow import Status, TransitionNotAllowed
from tests.factories import make_resident_id, register

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
