"""The publications, appeals, statistics and agencies ledgers (contract §5.1, §5.3–5.5):
refusals with row numbers, idempotent re-import, and export → import round trips."""

from __future__ import annotations

import csv
import io
import json
from datetime import date
from decimal import Decimal
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command

from disclosure.exceptions import ApplicationError
from disclosure.models import Agency, AnnualStatistics, Publication, PublicationPosting
from disclosure.statistics import statistics_get, statistics_set
from requests_app.appeals import appeal_update
from requests_app.models import Appeal
from tests.factories import register

pytestmark = pytest.mark.django_db


def write(tmp_path: Path, rows: list[list[str]], name: str = "ledger.csv") -> Path:
    buffer = io.StringIO()
    csv.writer(buffer, lineterminator="\n").writerows(rows)
    path = tmp_path / name
    path.write_text(buffer.getvalue(), encoding="utf-8")
    return path


def run_import(kind: str, path: Path) -> str:
    out = io.StringIO()
    call_command("import_ledger", kind, str(path), stdout=out, stderr=io.StringIO())
    return out.getvalue().strip()


def refused(kind: str, path: Path) -> list[str]:
    err = io.StringIO()
    with pytest.raises(CommandError, match="未写入任何数据"):
        call_command("import_ledger", kind, str(path), stdout=io.StringIO(), stderr=err)
    return err.getvalue().splitlines()


def export_text(kind: str, *extra: str) -> str:
    out = io.StringIO()
    call_command("export_ledger", kind, *extra, stdout=out, stderr=io.StringIO())
    return out.getvalue()


# --- publications ---------------------------------------------------------------------------

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


def test_publications_import_then_export_round_trips(tmp_path, agency, other_agency):
    rows = [
        PUBLICATION_HEADER,
        [
            "XCCG",
            "P-1",
            "2025年部门预算",
            "fiscal",
            "1",
            "2025-02-10",
            "2025-01-20",
            "",
            "website;wechat",
        ],
        [
            "XCCG",
            "P-2",
            "城市管理规定",
            "normative_document",
            "0",
            "2025-03-03",
            "2025-02-28",
            "2025-12-31",
            "bulletin",
        ],
        ["XCJW", "P-1", "招生政策", "plan", "0", "2025-04-01", "", "", ""],
    ]
    path = write(tmp_path, rows)
    assert run_import("publications", path) == "created 3, updated 0, unchanged 0"
    first = Publication.objects.get(agency=agency, reference="P-1")
    assert list(
        PublicationPosting.objects.filter(publication=first)
        .order_by("channel")
        .values_list("channel", "posted_on")
    ) == [("website", date(2025, 2, 10)), ("wechat", date(2025, 2, 10))]
    assert run_import("publications", path) == "created 0, updated 0, unchanged 3"

    exported = list(csv.reader(io.StringIO(export_text("publications"))))
    assert exported == rows
    assert list(
        csv.reader(io.StringIO(export_text("publications", "--agency", "XCJW")))
    ) == [
        PUBLICATION_HEADER,
        rows[3],
    ]


def test_publications_changed_row_updates_postings(tmp_path, agency):
    rows = [
        PUBLICATION_HEADER,
        ["XCCG", "P-1", "预算", "fiscal", "1", "2025-02-10", "", "", "website;wechat"],
    ]
    run_import("publications", write(tmp_path, rows))
    rows[1] = [
        "XCCG",
        "P-1",
        "预算（更正）",
        "fiscal",
        "1",
        "2025-02-11",
        "",
        "",
        "website；weibo",
    ]
    assert (
        run_import("publications", write(tmp_path, rows))
        == "created 0, updated 1, unchanged 0"
    )
    publication = Publication.objects.get(reference="P-1")
    assert (publication.title, publication.published_on) == (
        "预算（更正）",
        date(2025, 2, 11),
    )
    assert list(
        publication.postings.order_by("channel").values_list("channel", "posted_on")
    ) == [("website", date(2025, 2, 11)), ("weibo", date(2025, 2, 11))]


def test_publications_refused_with_row_numbers(tmp_path, agency):
    path = write(
        tmp_path,
        [
            PUBLICATION_HEADER,
            ["XCCG", "P-1", "好", "fiscal", "1", "2025-02-10", "", "", "website"],
            ["XCCG", "P-2", "类别错", "gossip", "0", "2025-02-10", "", "", ""],
            [
                "XCCG",
                "P-3",
                "废止早于成文",
                "regulation",
                "0",
                "2025-03-03",
                "2025-03-01",
                "2025-02-01",
                "",
            ],
            ["XCCG", "P-4", "重点领域错", "plan", "yes", "2025-03-03", "", "", ""],
            ["XCCG", "P-5", "渠道错", "plan", "0", "2025-03-03", "", "", "website;fax"],
            ["XCCG", "P-1", "重复", "plan", "0", "2025-03-03", "", "", ""],
        ],
    )
    assert refused("publications", path) == [
        "row 3, column category: 未知的信息类别“gossip”。",
        "row 4, column repealed_on: 废止日期不能早于成文日期（2025-03-01）。",
        "row 5, column key_area: 应为 0 或 1，而不是“yes”",
        "row 6, column channels: 未知的发布渠道：fax",
        "row 7, column reference: 机关和索引号与第2行重复。",
    ]
    assert Publication.objects.count() == 0


# --- appeals ---------------------------------------------------------------------------------

APPEAL_HEADER = [
    "agency",
    "reference",
    "kind",
    "filed_on",
    "result",
    "decided_on",
    "request_reference",
]


def test_appeals_import_then_export_round_trips(tmp_path, agency):
    case = register(agency, date(2025, 3, 3))
    rows = [
        APPEAL_HEADER,
        [
            "XCCG",
            "FY-1",
            "reconsideration",
            "2025-04-01",
            "upheld",
            "2025-06-30",
            case.reference,
        ],
        ["XCCG", "SS-1", "litigation_direct", "2025-05-06", "", "", ""],
        ["XCCG", "TS-1", "complaint", "2025-07-01", "other", "2025-07-15", ""],
    ]
    path = write(tmp_path, rows)
    assert run_import("appeals", path) == "created 3, updated 0, unchanged 0"
    assert Appeal.objects.get(reference="FY-1").request == case
    assert run_import("appeals", path) == "created 0, updated 0, unchanged 3"
    assert list(csv.reader(io.StringIO(export_text("appeals")))) == rows

    rows[2] = [
        "XCCG",
        "SS-1",
        "litigation_direct",
        "2025-05-06",
        "corrected",
        "2025-11-20",
        "",
    ]
    assert (
        run_import("appeals", write(tmp_path, rows))
        == "created 0, updated 1, unchanged 2"
    )
    appeal = Appeal.objects.get(reference="SS-1")
    assert (appeal.result, appeal.decided_on) == ("corrected", date(2025, 11, 20))


def test_appeals_refused_with_row_numbers(tmp_path, agency, other_agency):
    other_case = register(other_agency, date(2025, 3, 3))
    path = write(
        tmp_path,
        [
            APPEAL_HEADER,
            ["XCCG", "FY-1", "reconsideration", "2025-04-01", "", "", ""],
            ["XCCG", "FY-2", "petition", "2025-04-01", "", "", ""],
            ["XCCG", "FY-3", "reconsideration", "2025-04-01", "won", "2025-05-01", ""],
            [
                "XCCG",
                "FY-4",
                "reconsideration",
                "2025-04-01",
                "upheld",
                "2025-03-31",
                "",
            ],
            # Another agency's case is not this agency's: accepted, not linked.
            [
                "XCCG",
                "FY-5",
                "reconsideration",
                "2025-04-01",
                "",
                "",
                other_case.reference,
            ],
            ["XCCG", "FY-6", "complaint", "2025-04-31", "", "", ""],
        ],
    )
    assert refused("appeals", path) == [
        "row 3, column kind: 未知的类型“petition”。",
        "row 4, column result: 未知的结果“won”（空表示尚未审结）。",
        "row 5, column decided_on: 决定或判决日期不能早于申请或起诉日期（2025-04-01）。",
        "row 7, column filed_on: 不存在的日期：“2025-04-31”",
    ]
    assert Appeal.objects.count() == 0


def test_appeals_ledger_takes_what_the_contract_counts(tmp_path, agency, other_agency):
    """§1.4 and §4.3: a result without its decision date, or a decision date without
    a result, is an appeal still pending (尚未审结); an application the product does
    not hold leaves the appeal unlinked. None of them refuses the file, and the report
    counts them as pending."""
    theirs = register(other_agency, date(2025, 3, 3))
    rows = [
        APPEAL_HEADER,
        ["XCCG", "FY-1", "reconsideration", "2025-04-01", "upheld", "", ""],
        ["XCCG", "FY-2", "reconsideration", "2025-04-01", "", "2025-06-30", ""],
        ["XCCG", "FY-3", "reconsideration", "2025-04-01", "", "", "纸质-2024-17"],
        ["XCCG", "FY-4", "reconsideration", "2025-04-01", "", "", theirs.reference],
        [
            "XCCG",
            "FY-5",
            "reconsideration",
            "2025-04-01",
            "corrected",
            "2025-06-30",
            "",
        ],
    ]
    path = write(tmp_path, rows)
    assert run_import("appeals", path) == "created 5, updated 0, unchanged 0"
    stored = {
        appeal.reference: (appeal.result, appeal.decided_on, appeal.request_id)
        for appeal in Appeal.objects.all()
    }
    assert stored == {
        "FY-1": ("upheld", None, None),
        "FY-2": ("", date(2025, 6, 30), None),
        "FY-3": ("", None, None),
        "FY-4": ("", None, None),
        "FY-5": ("corrected", date(2025, 6, 30), None),
    }
    # Unlinked rows compare equal on re-import: nothing changes.
    assert run_import("appeals", path) == "created 0, updated 0, unchanged 5"
    out = io.StringIO()
    call_command("annual_report", "--agency", "XCCG", "--year", "2025", stdout=out)
    report = json.loads(out.getvalue())
    assert report["table4"]["reconsideration"] == {
        "upheld": 0,
        "corrected": 1,
        "other": 0,
        "pending": 4,
        "total": 5,
    }
    assert {check["rule"]: check["ok"] for check in report["checks"]}["V4"] is True


def test_an_imported_appeal_without_decision_date_can_still_be_edited(tmp_path, agency):
    """Staff give a result with its date; an imported appeal lacking one is not
    blocked when another field is edited."""
    path = write(
        tmp_path,
        [
            APPEAL_HEADER,
            ["XCCG", "FY-1", "reconsideration", "2025-04-01", "upheld", "", ""],
        ],
    )
    run_import("appeals", path)
    appeal = Appeal.objects.get(reference="FY-1")
    appeal = appeal_update(appeal=appeal, notes="待补录决定书日期")
    assert appeal.notes == "待补录决定书日期"
    with pytest.raises(ApplicationError, match="必须填写决定或判决日期") as missing:
        appeal_update(appeal=appeal, result="corrected")
    assert missing.value.field == "decided_on"
    appeal = appeal_update(appeal=appeal, decided_on=date(2025, 6, 30))
    assert (appeal.result, appeal.decided_on) == ("upheld", date(2025, 6, 30))


# --- statistics ------------------------------------------------------------------------------


def test_statistics_import_is_idempotent_and_typed(tmp_path, agency):
    rows = [
        ["agency", "year", "key", "value"],
        ["XCCG", "2017", "staff_part_time", "1"],
        ["XCCG", "2017", "meetings", "2"],
        ["XCCG", "2017", "trainees", "70"],
        ["XCCG", "2017", "postings_website", "320"],
        ["XCCG", "2017", "fees_collected_yuan", "0"],
        ["XCCG", "2024", "admin_fees_wan_yuan", "12.3456"],
    ]
    path = write(tmp_path, rows)
    assert run_import("statistics", path) == "created 6, updated 0, unchanged 0"
    values = statistics_get(agency, 2017)
    assert (
        values["staff_part_time"],
        values["trainees"],
        values["postings_website"],
    ) == (
        1,
        70,
        320,
    )
    assert values["fees_collected_yuan"] == Decimal("0.00")
    assert values["staff_full_time"] is None
    assert statistics_get(agency, 2024)["admin_fees_wan_yuan"] == Decimal("12.3456")
    assert run_import("statistics", path) == "created 0, updated 0, unchanged 6"
    rows[3] = ["XCCG", "2017", "trainees", "71"]
    assert (
        run_import("statistics", write(tmp_path, rows))
        == "created 0, updated 1, unchanged 5"
    )
    assert AnnualStatistics.objects.get(agency=agency, year=2017).trainees == 71


def test_statistics_refused_with_row_numbers(tmp_path, agency):
    path = write(
        tmp_path,
        [
            ["年度", "机关代码", "统计项", "数值"],
            ["2017", "XCCG", "meetings", "2.5"],
            ["2017", "XCCG", "no_such_key", "1"],
            ["2017", "XCCG", "litigation_costs_yuan", "1.234"],
            ["17", "XCCG", "trainees", "1"],
            ["2017", "XCCG", "meetings", "-1"],
        ],
    )
    assert refused("statistics", path) == [
        "row 2, column value: 应为不小于0的整数，而不是“2.5”。",
        "row 3, column key: 未知的统计项“no_such_key”。",
        "row 4, column value: 最多2位小数：“1.234”。",
        "row 5, column year: 超出范围（1990–2100）：17",
        "row 6, column key: 机关、年度和统计项与第2行重复。",
        "row 6, column value: 应为不小于0的整数，而不是“-1”。",
    ]
    assert AnnualStatistics.objects.count() == 0


def test_statistics_services(agency):
    statistics_set(agency, 2017, "meetings", 2)
    statistics_set(agency, 2017, "litigation_costs_yuan", "15.5")
    assert statistics_get(agency, 2017)["meetings"] == 2
    assert statistics_get(agency, 2017)["litigation_costs_yuan"] == Decimal("15.50")
    statistics_set(agency, 2017, "meetings", "")
    assert statistics_get(agency, 2017)["meetings"] is None
    assert set(statistics_get(agency, 2018).values()) == {None}


# --- agencies --------------------------------------------------------------------------------


def test_agencies_children_before_parents_in_file(tmp_path):
    rows = [
        ["code", "name", "parent"],
        ["XCCG", "北京市西城区城市管理监督指挥中心", "XC"],
        ["XC", "北京市西城区人民政府", "BJ"],
        ["BJ", "北京市人民政府", ""],
    ]
    path = write(tmp_path, rows)
    assert run_import("agencies", path) == "created 3, updated 0, unchanged 0"
    assert Agency.objects.get(code="XCCG").path == "/BJ/XC/XCCG/"
    assert run_import("agencies", path) == "created 0, updated 0, unchanged 3"
    rows.append(["DC", "北京市东城区人民政府", "BJ"])
    rows[1] = ["XCCG", "北京市西城区城市管理监督指挥中心", "DC"]
    assert (
        run_import("agencies", write(tmp_path, rows))
        == "created 1, updated 1, unchanged 2"
    )
    assert Agency.objects.get(code="XCCG").path == "/BJ/DC/XCCG/"


def test_agencies_refused(tmp_path):
    path = write(
        tmp_path,
        [
            ["机关代码", "机关名称", "上级机关代码"],
            ["A", "甲", "B"],
            ["B", "乙", "A"],
            ["C", "丙", "NOPE"],
            ["D/1", "丁", ""],
            ["A", "重复", ""],
        ],
    )
    assert refused("agencies", path) == [
        "row 5, column code: 机关代码不能包含“/”或空白字符。",
        "row 6, column code: 机关代码与第2行重复。",
    ]
    path = write(
        tmp_path,
        [
            ["code", "name", "parent"],
            ["A", "甲", "B"],
            ["B", "乙", "A"],
            ["C", "丙", "NOPE"],
        ],
    )
    assert refused("agencies", path) == [
        "row 4, column parent: 上级机关“NOPE”不存在，也不在本文件中。"
    ]
    path = write(
        tmp_path, [["code", "name", "parent"], ["A", "甲", "B"], ["B", "乙", "A"]]
    )
    assert refused("agencies", path) == [
        "row 2, column parent: 上级机关关系形成循环。",
        "row 3, column parent: 上级机关关系形成循环。",
    ]
    assert Agency.objects.count() == 0
