"""Contract §5: "a changed row updates its record and the change is recorded on it" for
the publications, appeals and statistics ledgers (applications record it as an
UPDATED_BY_IMPORT event, see test_ledgers_requests.py): which fields, from what to
what, by which file and row, when; re-importing the same file records nothing."""

from __future__ import annotations

import csv
import io
from datetime import date, datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.core.management import call_command

from disclosure.models import AnnualStatistics, Publication
from requests_app.models import Appeal, LedgerChange
from tests.factories import register

pytestmark = pytest.mark.django_db

SHANGHAI = ZoneInfo("Asia/Shanghai")
FIRST_IMPORT = datetime(2025, 11, 3, 9, tzinfo=SHANGHAI)
SECOND_IMPORT = datetime(2025, 11, 4, 15, 30, tzinfo=SHANGHAI)


def write(tmp_path: Path, rows: list[list[str]], name: str) -> Path:
    buffer = io.StringIO()
    csv.writer(buffer, lineterminator="\n").writerows(rows)
    path = tmp_path / name
    path.write_text(buffer.getvalue(), encoding="utf-8")
    return path


def run_import(kind: str, path: Path, *extra: str) -> str:
    out = io.StringIO()
    call_command(
        "import_ledger", kind, str(path), *extra, stdout=out, stderr=io.StringIO()
    )
    return out.getvalue().strip()


def recorded() -> list[tuple]:
    return [
        (
            change.kind,
            change.agency.code,
            change.record_id,
            change.reference,
            change.source,
            change.row,
            change.changes,
            change.occurred_at,
        )
        for change in LedgerChange.objects.select_related("agency")
    ]


PUBLICATION_HEADER = [
    "agency",
    "reference",
    "title",
    "category",
    "key_area",
    "published_on",
    "issued_on",
    "repealed_on",
    "channels",
]


def test_a_changed_publication_row_is_recorded_on_it(tmp_path, agency):
    rows = [
        PUBLICATION_HEADER,
        [
            "XCCG",
            "P-1",
            "2025年部门预算",
            "fiscal",
            "1",
            "2025-02-10",
            "",
            "",
            "website",
        ],
        ["XCCG", "P-2", "城市管理规定", "regulation", "0", "2025-03-01", "", "", ""],
    ]
    with time_machine.travel(FIRST_IMPORT, tick=False):
        run_import("publications", write(tmp_path, rows, "first.csv"))
        assert (
            run_import("publications", write(tmp_path, rows, "first.csv"))
            == "created 0, updated 0, unchanged 2"
        )
    assert LedgerChange.objects.count() == 0

    rows[1] = [
        "XCCG",
        "P-1",
        "2025年部门预算（调整）",
        "fiscal",
        "1",
        "2025-02-10",
        "",
        "2025-10-31",
        "website;wechat",
    ]
    changed = write(tmp_path, rows, "second.csv")
    with time_machine.travel(SECOND_IMPORT, tick=False):
        assert run_import("publications", changed, "--dry-run") == (
            "created 0, updated 1, unchanged 1"
        )
        assert LedgerChange.objects.count() == 0
        assert run_import("publications", changed) == (
            "created 0, updated 1, unchanged 1"
        )
    publication = Publication.objects.get(reference="P-1")
    assert recorded() == [
        (
            "publication",
            "XCCG",
            publication.pk,
            "P-1",
            "second.csv",
            2,
            {
                "title": {
                    "before": "2025年部门预算",
                    "after": "2025年部门预算（调整）",
                },
                "repealed_on": {"before": None, "after": "2025-10-31"},
                "channels": {"before": ["website"], "after": ["website", "wechat"]},
            },
            SECOND_IMPORT,
        )
    ]
    assert run_import("publications", changed) == "created 0, updated 0, unchanged 2"
    assert LedgerChange.objects.count() == 1


APPEAL_HEADER = [
    "agency",
    "reference",
    "kind",
    "filed_on",
    "result",
    "decided_on",
    "request_reference",
]


def test_a_changed_appeal_row_is_recorded_on_it(tmp_path, agency):
    case = register(agency, date(2025, 3, 3))
    rows = [
        APPEAL_HEADER,
        ["XCCG", "FY-1", "reconsideration", "2025-04-01", "", "", "纸质-2025-3"],
    ]
    with time_machine.travel(FIRST_IMPORT, tick=False):
        run_import("appeals", write(tmp_path, rows, "first.csv"))
        run_import("appeals", write(tmp_path, rows, "first.csv"))
    assert LedgerChange.objects.count() == 0

    rows[1] = [
        "XCCG",
        "FY-1",
        "reconsideration",
        "2025-04-01",
        "corrected",
        "2025-06-30",
        case.reference,
    ]
    with time_machine.travel(SECOND_IMPORT, tick=False):
        assert run_import("appeals", write(tmp_path, rows, "second.csv")) == (
            "created 0, updated 1, unchanged 0"
        )
    appeal = Appeal.objects.get(reference="FY-1")
    assert appeal.request == case
    assert recorded() == [
        (
            "appeal",
            "XCCG",
            appeal.pk,
            "FY-1",
            "second.csv",
            2,
            {
                "result": {"before": "", "after": "corrected"},
                "decided_on": {"before": None, "after": "2025-06-30"},
                "request_reference": {"before": "", "after": case.reference},
            },
            SECOND_IMPORT,
        )
    ]
    assert run_import("appeals", write(tmp_path, rows, "second.csv")) == (
        "created 0, updated 0, unchanged 1"
    )
    assert LedgerChange.objects.count() == 1


def test_a_changed_statistics_row_is_recorded_on_its_year(tmp_path, agency):
    rows = [
        ["agency", "year", "key", "value"],
        ["XCCG", "2017", "meetings", "2"],
        ["XCCG", "2017", "fees_collected_yuan", "0"],
    ]
    with time_machine.travel(FIRST_IMPORT, tick=False):
        run_import("statistics", write(tmp_path, rows, "first.csv"))
        run_import("statistics", write(tmp_path, rows, "first.csv"))
    assert LedgerChange.objects.count() == 0

    rows[1] = ["XCCG", "2017", "meetings", "3"]
    rows[2] = ["XCCG", "2017", "fees_collected_yuan", "120.5"]
    rows.append(["XCCG", "2017", "trainees", "70"])  # first entered: still recorded
    rows.append(["XCCG", "2018", "trainees", "65"])  # a new year: nothing to record on
    with time_machine.travel(SECOND_IMPORT, tick=False):
        assert run_import("statistics", write(tmp_path, rows, "second.csv")) == (
            "created 2, updated 2, unchanged 0"
        )
    year = AnnualStatistics.objects.get(agency=agency, year=2017)
    assert recorded() == [
        (
            "statistics",
            "XCCG",
            year.pk,
            "2017",
            "second.csv",
            number,
            changes,
            SECOND_IMPORT,
        )
        for number, changes in (
            (2, {"meetings": {"before": 2, "after": 3}}),
            (3, {"fees_collected_yuan": {"before": "0.00", "after": "120.50"}}),
            (4, {"trainees": {"before": None, "after": 70}}),
        )
    ]
    assert run_import("statistics", write(tmp_path, rows, "second.csv")) == (
        "created 0, updated 0, unchanged 4"
    )
    assert LedgerChange.objects.count() == 3


def test_a_recorded_change_is_append_only(tmp_path, agency):
    rows = [["agency", "year", "key", "value"], ["XCCG", "2017", "meetings", "2"]]
    run_import("statistics", write(tmp_path, rows, "first.csv"))
    rows[1] = ["XCCG", "2017", "meetings", "3"]
    run_import("statistics", write(tmp_path, rows, "second.csv"))
    change = LedgerChange.objects.get()
    change.row = 9
    with pytest.raises(PermissionError):
        change.save()
    with pytest.raises(PermissionError):
        change.delete()
    with pytest.raises(PermissionError):
        LedgerChange.objects.all().delete()
    assert LedgerChange.objects.get().row == 2


def test_the_changes_are_read_in_the_admin_within_the_agency(
    tmp_path, agency, supervisor, other_clerk, client
):
    row = ["XCCG", "P-9", "2025年部门预算", "fiscal", "1", "2025-02-10", "", "", ""]
    run_import("publications", write(tmp_path, [PUBLICATION_HEADER, row], "a.csv"))
    row[2] = "2025年部门预算（调整）"
    run_import("publications", write(tmp_path, [PUBLICATION_HEADER, row], "b.csv"))
    change = LedgerChange.objects.get()
    url = "/admin/requests_app/ledgerchange/"

    client.force_login(supervisor)
    listing = client.get(url)
    detail = client.get(f"{url}{change.pk}/change/")
    edit = client.post(f"{url}{change.pk}/change/", {"reference": "P-0"})
    client.force_login(other_clerk)
    elsewhere = client.get(f"{url}{change.pk}/change/")

    assert listing.status_code == 200
    assert "P-9" in listing.content.decode()
    assert "title: 2025年部门预算 → 2025年部门预算（调整）" in detail.content.decode()
    assert edit.status_code == 403
    assert LedgerChange.objects.get().reference == "P-9"
    assert elsewhere.status_code == 404
