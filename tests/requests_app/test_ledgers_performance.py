"""A large requests ledger imports with a bounded number of queries (bulk operations in
batches, never one query per row). The 100,000-row figure is measured by
``bench/ledger_import.py`` on PostgreSQL."""

from __future__ import annotations

import csv
import io
from datetime import date, timedelta

import pytest
from django.core.management import call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext

from requests_app.ledgers import ledger_import
from requests_app.models import Consultation, DisclosureRequest, RequestEvent
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


def ledger(rows: int) -> bytes:
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
            extended="1" if index % 5 == 0 else "0",
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
