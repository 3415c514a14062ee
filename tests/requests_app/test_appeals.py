"""Appeals (行政复议、行政诉讼、投诉举报): validation, services and staff scoping."""

from __future__ import annotations

from datetime import date

import pytest

from disclosure.exceptions import ApplicationError, NotFound
from requests_app.appeals import (
    appeal_create,
    appeal_get_for_staff,
    appeal_list_for_staff,
    appeal_update,
    appeal_validate,
    request_for_appeal,
)
from requests_app.models import Appeal
from tests.factories import register


@pytest.mark.parametrize(
    ("fields", "errors"),
    [
        pytest.param(
            {"kind": "reconsideration", "filed_on": date(2025, 3, 1)},
            {},
            id="pending_ok",
        ),
        pytest.param(
            {
                "kind": "litigation_direct",
                "filed_on": date(2025, 3, 1),
                "result": "corrected",
                "decided_on": date(2025, 3, 1),
            },
            {},
            id="decided_same_day_ok",
        ),
        pytest.param(
            {"kind": "petition", "filed_on": date(2025, 3, 1)},
            {"kind": "未知的类型“petition”。"},
            id="unknown_kind",
        ),
        pytest.param(
            {
                "kind": "complaint",
                "filed_on": date(2025, 3, 1),
                "result": "won",
                "decided_on": date(2025, 4, 1),
            },
            {"result": "未知的结果“won”（空表示尚未审结）。"},
            id="unknown_result",
        ),
        pytest.param(
            {
                "kind": "reconsideration",
                "filed_on": date(2025, 3, 1),
                "result": "upheld",
                "decided_on": date(2025, 2, 28),
            },
            {"decided_on": "决定或判决日期不能早于申请或起诉日期（2025-03-01）。"},
            id="decided_before_filed",
        ),
        pytest.param(
            {
                "kind": "reconsideration",
                "filed_on": date(2025, 3, 1),
                "result": "upheld",
            },
            {"decided_on": "已填写结果，必须填写决定或判决日期。"},
            id="result_without_date",
        ),
        pytest.param(
            {
                "kind": "reconsideration",
                "filed_on": date(2025, 3, 1),
                "decided_on": date(2025, 4, 1),
            },
            {"result": "已填写决定日期，必须填写结果。"},
            id="date_without_result",
        ),
        pytest.param(
            {"kind": "reconsideration", "filed_on": None},
            {"filed_on": "请填写申请或起诉日期。"},
            id="no_filing_date",
        ),
    ],
)
def test_appeal_validate(fields, errors):
    assert appeal_validate(reference="FY-1", **fields) == errors


@pytest.mark.django_db
def test_create_links_the_agency_case(agency, other_agency, clerk):
    case = register(agency, date(2025, 3, 3))
    appeal = appeal_create(
        agency=agency,
        actor=clerk,
        reference=" 西城复议〔2025〕1号 ",
        kind="reconsideration",
        filed_on=date(2025, 4, 1),
        request=request_for_appeal(agency=agency, reference=case.reference),
        body="北京市西城区人民政府",
    )
    assert (appeal.reference, appeal.request, appeal.result) == (
        "西城复议〔2025〕1号",
        case,
        "",
    )
    with pytest.raises(ApplicationError) as other:
        request_for_appeal(agency=other_agency, reference=case.reference)
    assert other.value.field == "request_reference"
    with pytest.raises(ApplicationError) as mismatched:
        appeal_create(
            agency=other_agency,
            reference="X-1",
            kind="complaint",
            filed_on=date(2025, 4, 1),
            request=case,
        )
    assert (mismatched.value.field, mismatched.value.message) == (
        "request",
        "关联申请不属于该机关。",
    )


@pytest.mark.django_db
def test_create_refuses_duplicates_and_other_agencies(agency, other_clerk):
    appeal_create(
        agency=agency, reference="FY-1", kind="complaint", filed_on=date(2025, 4, 1)
    )
    with pytest.raises(ApplicationError, match="已有相同编号"):
        appeal_create(
            agency=agency, reference="FY-1", kind="complaint", filed_on=date(2025, 4, 2)
        )
    with pytest.raises(NotFound):
        appeal_create(
            agency=agency,
            actor=other_clerk,
            reference="FY-2",
            kind="complaint",
            filed_on=date(2025, 4, 2),
        )
    assert Appeal.objects.count() == 1


@pytest.mark.django_db
def test_update_records_the_decision(agency, clerk):
    appeal = appeal_create(
        agency=agency,
        reference="FY-1",
        kind="litigation_direct",
        filed_on=date(2025, 4, 1),
    )
    appeal_update(
        appeal=appeal, actor=clerk, result="upheld", decided_on=date(2025, 9, 1)
    )
    appeal.refresh_from_db()
    assert (appeal.result, appeal.decided_on) == ("upheld", date(2025, 9, 1))
    with pytest.raises(ApplicationError) as early:
        appeal_update(appeal=appeal, decided_on=date(2025, 3, 1))
    assert early.value.field == "decided_on"
    appeal.refresh_from_db()
    assert appeal.decided_on == date(2025, 9, 1)


@pytest.mark.django_db
def test_selectors_are_scoped(agency, other_agency, clerk, other_clerk, supervisor):
    mine = appeal_create(
        agency=agency, reference="FY-1", kind="complaint", filed_on=date(2025, 4, 1)
    )
    theirs = appeal_create(
        agency=other_agency,
        reference="FY-1",
        kind="complaint",
        filed_on=date(2025, 4, 2),
    )
    assert list(appeal_list_for_staff(actor=clerk)) == [mine]
    assert list(appeal_list_for_staff(actor=other_clerk)) == [theirs]
    assert list(appeal_list_for_staff(actor=supervisor)) == [theirs, mine]
    assert list(appeal_list_for_staff(actor=None)) == []
    with pytest.raises(NotFound):
        appeal_get_for_staff(actor=clerk, appeal_id=theirs.pk)
    assert appeal_get_for_staff(actor=supervisor, appeal_id=theirs.pk) == theirs
