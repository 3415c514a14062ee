"""A large requests ledger imports with a bounded number of queries (bulk operations in
batches, never one query per row), new rows and changed rows alike. The 100,000-row
figure is measured by ``bench/ledger_import.py`` on PostgreSQL."""

from __future__ import annotations

import csv
import io
from datetime import date, timedelta

import pytest
from django.core.management import call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext

from requests_app.ledgers import ledger_import
from requests_app.ledgers import requests as requests_ledger
from requests_app.models import (
    Consultation,
    DisclosureRequest,
    EventKind,
    RequestEvent,
)
from tests.conftest import ON_POSTGRES
from tests.factories import make_agency

pytestmark = pytest.mark.django_db

ROWS = 2000
HEADER = [
    "agency",
    "reference",
    "received_on",
    "channel",
    "applicant_type",
    "applicant_name",
    "description",
    "supplement_requested_on",
    "supplement_received_on",
    "consultation_started_on",
    "consultation_ended_on",
    "extended",
    "fee_notice_on",
    "fee_amount_yuan",
    "fee_paid_on",
    "outcome",
    "closed_on",
]


def ledger(rows: int, *, extended_every: int = 5) -> bytes:
    """``rows`` varied applications of 2024–2025 (closed, paused, supplemented)."""
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(HEADER)
    first = date(2024, 1, 2)
    for index in range(rows):
        received = first + timedelta(days=index % 700)
        cells = dict.fromkeys(HEADER, "")
        cells.update(
            agency="XCCG" if index % 3 else "XCJW",
            reference=f"L-{index:06d}",
            received_on=received.isoformat(),
            channel=("online", "letter", "email")[index % 3],
            applicant_type=("natural_person", "enterprise")[index % 2],
            applicant_name=f"申请人{index % 97}",
            description="申请公开相关政府信息",
            extended="1" if index % extended_every == 0 else "0",
        )
        if index % 7 == 0:
            cells["supplement_requested_on"] = (
                received + timedelta(days=2)
            ).isoformat()
            cells["supplement_received_on"] = (received + timedelta(days=6)).isoformat()
        if index % 11 == 0:
            cells["consultation_started_on"] = (
                received + timedelta(days=8)
            ).isoformat()
            cells["consultation_ended_on"] = (received + timedelta(days=15)).isoformat()
        if index % 13 == 0:
            cells["fee_notice_on"] = (received + timedelta(days=3)).isoformat()
            cells["fee_amount_yuan"] = "100"
        if index % 4:
            cells["outcome"] = "disclosed"
            cells["closed_on"] = (
                received + timedelta(days=20 + index % 30)
            ).isoformat()
        writer.writerow([cells[column] for column in HEADER])
    return buffer.getvalue().encode()


def test_2000_rows_import_with_bounded_queries(tmp_path):
    make_agency("XCCG")
    make_agency("XCJW")
    data = ledger(ROWS)
    path = tmp_path / "big.csv"
    path.write_bytes(data)
    out, err = io.StringIO(), io.StringIO()
    with CaptureQueriesContext(connection) as queries:
        call_command("import_ledger", "requests", str(path), stdout=out, stderr=err)
    assert out.getvalue() == f"created {ROWS}, updated 0, unchanged 0\n"
    progress = err.getvalue().splitlines()
    assert len(progress) == 20 + 1  # every 5% while checking, each batch while writing
    assert progress[0] == "校验 [#...................]   5% 100/2000"
    assert progress[19] == "校验 [####################] 100% 2000/2000"
    assert progress[-1] == "写入 [####################] 100% 2000/2000"
    assert DisclosureRequest.objects.count() == ROWS
    assert RequestEvent.objects.count() == ROWS
    assert Consultation.objects.count() == 182
    # PostgreSQL inserts a batch of 2,000 in one statement; SQLite's 999-parameter
    # limit splits each batch (about 22 requests a statement), still never per row.
    bound = 25 if ON_POSTGRES else 250
    assert len(queries) <= bound, len(queries)

    with CaptureQueriesContext(connection) as again:
        summary = ledger_import(kind="requests", data=data, filename="big.csv")
    assert summary.line() == f"created 0, updated 0, unchanged {ROWS}"
    assert len(again) <= 10, len(again)


def test_2000_changed_rows_update_with_bounded_queries():
    make_agency("XCCG")
    make_agency("XCJW")
    ledger_import(kind="requests", data=ledger(ROWS), filename="big.csv")
    # Every fifth row was extended; now every third is.
    changed = ledger(ROWS, extended_every=3)
    with CaptureQueriesContext(connection) as queries:
        summary = ledger_import(kind="requests", data=changed, filename="again.csv")
    # Multiples of 3 or of 5 but not of 15 change: 667 + 400 - 2 × 134.
    assert summary.line() == "created 0, updated 799, unchanged 1201"
    # PostgreSQL updates the cases with one statement through a temporary table,
    # SQLite with one executemany; never one query per row.
    bound = 25 if ON_POSTGRES else 30
    assert len(queries) <= bound, len(queries)
    assert DisclosureRequest.objects.filter(extended=True).count() == 667
    assert RequestEvent.objects.filter(kind=EventKind.UPDATED_BY_IMPORT).count() == 799
    # L-000003 (received 2024-01-05, closed 2024-01-28) is now extended: 40 working
    # days, across the Spring Festival of 2024 (rest 02-10..02-17; 02-04 and 02-18,
    # Sundays, worked).
    case = DisclosureRequest.objects.get(reference="L-000003")
    assert (case.extended, case.due_on, case.on_time) == (
        True,
        date(2024, 3, 6),
        True,
    )
    assert case.clock_steps[-2:] == [
        {
            "code": "C6",
            "text": "延期：20个工作日（第三十三条第二款）",
            "on": None,
            "days": 20,
        },
        {
            "code": "C7",
            "text": "答复截止日：2024年3月6日（第40个工作日）",
            "on": "2024-03-06",
            "days": 40,
        },
    ]
    event = RequestEvent.objects.get(request=case, kind=EventKind.UPDATED_BY_IMPORT)
    assert event.payload == {
        "source": "again.csv",
        "row": 5,
        "changed": {"extended": {"before": False, "after": True}},
    }
    assert (event.due_before, event.due_after) == (date(2024, 2, 2), date(2024, 3, 6))
    assert (event.status_before, event.status_after) == ("closed", "closed")
    again = ledger_import(kind="requests", data=changed, filename="again.csv")
    assert again.line() == f"created 0, updated 0, unchanged {ROWS}"


def test_batches_keep_each_event_and_consultation_with_its_case(tmp_path, monkeypatch):
    """Written in several batches (of 700 here): every case gets its own event, with
    its row number, and its own consultation."""
    monkeypatch.setattr(requests_ledger, "BATCH_SIZE", 700)
    make_agency("XCCG")
    make_agency("XCJW")
    path = tmp_path / "big.csv"
    path.write_bytes(ledger(ROWS))
    err = io.StringIO()
    call_command(
        "import_ledger", "requests", str(path), stdout=io.StringIO(), stderr=err
    )
    writing = [line for line in err.getvalue().splitlines() if line.startswith("写入")]
    assert writing == [
        "写入 [#######.............]  35% 700/2000",
        "写入 [##############......]  70% 1400/2000",
        "写入 [####################] 100% 2000/2000",
    ]
    events = RequestEvent.objects.values_list("request__reference", "payload")
    assert sorted((reference, payload["row"]) for reference, payload in events) == [
        (f"L-{index:06d}", index + 2) for index in range(ROWS)
    ]
    assert sorted(
        Consultation.objects.values_list("request__reference", "started_on")
    ) == [
        (
            f"L-{index:06d}",
            date(2024, 1, 2) + timedelta(days=index % 700 + 8),
        )
        for index in range(0, ROWS, 11)
    ]
