"""Contract §3: only a due date is flagged provisional. While the clock waits (C3, C4b)
there is no due date, so the case is not flagged, in the database nor in the ledger
export; the explanation still warns about the provisional year (2027 has no State
Council notice in the seeded calendar)."""

from __future__ import annotations

import csv
import io
from datetime import date

import pytest
from django.core.management import call_command

from requests_app.models import DisclosureRequest, EventKind, RequestEvent
from requests_app.services import (
    request_end_consultation,
    request_request_supplement,
    request_start_consultation,
)
from tests.factories import register

pytestmark = pytest.mark.django_db

JANUARY_2027 = date(2027, 1, 20)
PROVISIONAL_NOTE = "暂定：2027年的节假日安排尚未公布"


def export_rows() -> dict[str, dict[str, str]]:
    out = io.StringIO()
    call_command("export_ledger", "requests", stdout=out, stderr=io.StringIO())
    return {
        row["reference"]: row for row in csv.DictReader(io.StringIO(out.getvalue()))
    }


@pytest.fixture
def awaiting_supplement_2027(agency, clerk):
    """Received 2026-12-28, supplement requested 2027-01-04."""
    case = register(agency, date(2026, 12, 28))
    return request_request_supplement(
        actor=clerk,
        request_id=case.pk,
        requested_on=date(2027, 1, 4),
        items="请写明所需信息的文号",
        today=JANUARY_2027,
    )


def test_awaiting_supplement_in_a_provisional_year_is_not_flagged(
    awaiting_supplement_2027,
):
    case = DisclosureRequest.objects.get(pk=awaiting_supplement_2027.pk)
    assert (case.due_on, case.provisional, case.remaining_workdays) == (None, False, 20)
    assert PROVISIONAL_NOTE in case.clock_explanation

    row = export_rows()[case.reference]

    assert {key: row[key] for key in ("due_on", "provisional", "on_time", "state")} == {
        "due_on": "",
        "provisional": "0",
        "on_time": "",
        "state": "awaiting_supplement",
    }


def test_consultation_into_a_provisional_year_unflags_then_flags(agency, clerk):
    """Received 2026-12-18: due 2027-01-18, provisional. A consultation from 2027-01-05
    removes the due date (and the flag); ended 2027-01-08, the due date is back, three
    working days later (01-06…01-08 excluded), and flagged again."""
    case = register(agency, date(2026, 12, 18))
    assert (case.due_on, case.provisional) == (date(2027, 1, 18), True)

    case = request_start_consultation(
        actor=clerk,
        request_id=case.pk,
        party="某公司",
        started_on=date(2027, 1, 5),
        today=JANUARY_2027,
    )
    assert (case.due_on, case.provisional) == (None, False)
    assert export_rows()[case.reference]["provisional"] == "0"

    case = request_end_consultation(
        actor=clerk, request_id=case.pk, ended_on=date(2027, 1, 8), today=JANUARY_2027
    )
    assert (case.due_on, case.provisional) == (date(2027, 1, 21), True)
    row = export_rows()[case.reference]
    assert (row["due_on"], row["provisional"]) == ("2027-01-21", "1")


def test_loading_the_year_refreshes_the_note_of_a_waiting_case(
    awaiting_supplement_2027, tmp_path
):
    schedule = tmp_path / "2027.csv"
    schedule.write_text("date,kind,name\n2027-01-01,holiday,元旦\n", encoding="utf-8")

    call_command(
        "calendar",
        "load",
        str(schedule),
        "--notice",
        "国务院办公厅关于2027年部分节假日安排的通知",
        stdout=io.StringIO(),
        stderr=io.StringIO(),
    )

    case = DisclosureRequest.objects.get(pk=awaiting_supplement_2027.pk)
    assert (case.due_on, case.provisional) == (None, False)
    assert PROVISIONAL_NOTE not in case.clock_explanation
    # Neither the (empty) due date, the flag nor the remaining days changed.
    assert not RequestEvent.objects.filter(
        request=case, kind=EventKind.DUE_DATE_RECOMPUTED
    ).exists()
