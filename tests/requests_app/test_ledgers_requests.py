"""The requests ledger (contract §5.2): import, the derived clock per row (§2, real
dates), all-or-nothing refusal, idempotent re-import, and export."""

from __future__ import annotations

import csv
import io
from datetime import UTC, date, datetime
from decimal import Decimal
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.core.management import CommandError, call_command
from hypothesis import given, settings
from hypothesis import strategies as st

from disclosure.models import Agency
from requests_app.ledgers import requests as requests_ledger
from requests_app.ledgers.parsing import RowReader, read_sheet
from requests_app.ledgers.requests import COLUMNS as LEDGER_COLUMNS
from requests_app.ledgers.requests import (
    RowFastReader,
    copy_text,
    copy_value,
    row_read,
)
from requests_app.models import (
    Applicant,
    Consultation,
    Counter,
    DisclosureRequest,
    EventKind,
    RequestEvent,
)
from tests.factories import make_agency, register

pytestmark = pytest.mark.django_db

SHANGHAI = ZoneInfo("Asia/Shanghai")
# A ledger states what has happened: one with a case received in December 2026 is
# read in January 2027 (the latest date of CLOCK_CASES).
AFTER_CLOCK_CASES = datetime(2027, 1, 20, 10, tzinfo=SHANGHAI)

HEADER = (
    "agency,reference,received_on,channel,applicant_type,applicant_name,description,"
    "supplement_requested_on,supplement_received_on,consultation_started_on,"
    "consultation_ended_on,extended,fee_notice_on,fee_amount_yuan,fee_paid_on,outcome,"
    "closed_on"
)
COLUMNS = HEADER.split(",")


def ledger_line(**cells: str) -> str:
    values = {
        "agency": "XCCG",
        "channel": "online",
        "applicant_type": "natural_person",
        "applicant_name": "张三",
        "description": "申请公开城市管理案件统计",
    }
    values.update(cells)
    buffer = io.StringIO()
    csv.writer(buffer, lineterminator="").writerow(
        [values.get(column, "") for column in COLUMNS]
    )
    return buffer.getvalue()


def write(
    tmp_path: Path, lines: list[str], *, name: str = "ledger.csv", bom=False
) -> Path:
    path = tmp_path / name
    text = "\n".join(lines) + "\n"
    path.write_bytes(("\ufeff" if bom else "").encode() + text.encode("utf-8"))
    return path


def run_import(path: Path, *extra: str, kind: str = "requests") -> tuple[str, str]:
    out, err = io.StringIO(), io.StringIO()
    call_command("import_ledger", kind, str(path), *extra, stdout=out, stderr=err)
    return out.getvalue(), err.getvalue()


def refused(path: Path, kind: str = "requests") -> str:
    err = io.StringIO()
    with pytest.raises(CommandError, match="未写入任何数据"):
        call_command("import_ledger", kind, str(path), stdout=io.StringIO(), stderr=err)
    return err.getvalue()


def export_rows(*extra: str, kind: str = "requests") -> list[dict[str, str]]:
    out = io.StringIO()
    call_command("export_ledger", kind, *extra, stdout=out, stderr=io.StringIO())
    return list(csv.DictReader(io.StringIO(out.getvalue())))


# --- the clock of each row, with the real calendar -------------------------------------

CLOCK_CASES = [
    # (case, ledger cells, due_on, provisional, on_time, state)
    ("golden_week_2025", {"received_on": "2025-09-26"}, "2025-10-30", "0", "", "open"),
    ("mid_autumn_2026", {"received_on": "2026-09-25"}, "2026-10-29", "0", "", "open"),
    (
        "reaches_provisional_2027",
        {"received_on": "2026-12-18"},
        "2027-01-18",
        "1",
        "",
        "open",
    ),
    (
        "supplement_restarts_clock",
        {
            "received_on": "2025-03-03",
            "supplement_requested_on": "2025-03-05",
            "supplement_received_on": "2025-03-10",
        },
        "2025-04-08",
        "0",
        "",
        "open",
    ),
    (
        "awaiting_supplement_has_no_due_date",
        {"received_on": "2025-03-03", "supplement_requested_on": "2025-03-05"},
        "",
        "0",
        "",
        "awaiting_supplement",
    ),
    (
        "consultation_days_excluded",
        {
            "received_on": "2025-06-03",
            "consultation_started_on": "2025-06-10",
            "consultation_ended_on": "2025-06-17",
        },
        "2025-07-08",
        "0",
        "",
        "open",
    ),
    (
        "running_consultation_has_no_due_date",
        {"received_on": "2025-06-03", "consultation_started_on": "2025-06-10"},
        "",
        "0",
        "",
        "open",
    ),
    (
        "fee_pause_excluded",
        {
            "received_on": "2025-11-03",
            "fee_notice_on": "2025-11-10",
            "fee_amount_yuan": "100",
            "fee_paid_on": "2025-11-14",
        },
        "2025-12-05",
        "0",
        "",
        "open",
    ),
    (
        "extension_adds_20",
        {"received_on": "2025-09-26", "extended": "1"},
        "2025-11-27",
        "0",
        "",
        "open",
    ),
    (
        "regime_2008_before_2019_05_15",
        {"received_on": "2017-09-26"},
        "2017-10-23",
        "0",
        "",
        "open",
    ),
    (
        "last_day_of_2008_regime",
        {"received_on": "2019-05-14"},
        "2019-06-04",
        "0",
        "",
        "open",
    ),
    (
        "first_day_of_2019_regime",
        {"received_on": "2019-05-15"},
        "2019-06-13",
        "0",
        "",
        "open",
    ),
    (
        "closed_on_due_date_is_on_time",
        {
            "received_on": "2025-05-06",
            "outcome": "disclosed",
            "closed_on": "2025-06-04",
        },
        "2025-06-04",
        "0",
        "1",
        "closed",
    ),
    (
        "closed_after_due_date_is_late",
        {"received_on": "2025-05-06", "outcome": "partial", "closed_on": "2025-06-05"},
        "2025-06-04",
        "0",
        "0",
        "closed",
    ),
    (
        "no_supplement_closed_is_on_time_without_due_date",
        {
            "received_on": "2025-03-03",
            "supplement_requested_on": "2025-03-05",
            "outcome": "other.no_supplement",
            "closed_on": "2025-03-27",
        },
        "",
        "0",
        "1",
        "closed",
    ),
    (
        "2008_regime_closed_late",
        {
            "received_on": "2017-09-26",
            "outcome": "disclosed",
            "closed_on": "2017-10-24",
        },
        "2017-10-23",
        "0",
        "0",
        "closed",
    ),
]


@time_machine.travel(AFTER_CLOCK_CASES, tick=False)
def test_each_row_gets_the_contract_clock(tmp_path):
    make_agency("XCCG")
    lines = [HEADER] + [
        ledger_line(reference=f"R-{index:02d}", **cells)
        for index, (_, cells, *_) in enumerate(CLOCK_CASES)
    ]
    out, _ = run_import(write(tmp_path, lines))
    assert out.strip() == f"created {len(CLOCK_CASES)}, updated 0, unchanged 0"
    exported = {row["reference"]: row for row in export_rows()}
    for index, (case, _, due_on, provisional, on_time, state) in enumerate(CLOCK_CASES):
        row = exported[f"R-{index:02d}"]
        assert (row["due_on"], row["provisional"], row["on_time"], row["state"]) == (
            due_on,
            provisional,
            on_time,
            state,
        ), case


def test_stored_fields_of_an_imported_case(tmp_path):
    agency = make_agency("XCCG", supplement_period_days=10)
    path = write(
        tmp_path,
        [
            HEADER,
            ledger_line(
                reference="XCCG-2025-0007",
                received_on="2025-03-03",
                channel="letter",
                applicant_type="enterprise",
                applicant_name="某某科技有限公司",
                supplement_requested_on="2025-03-13",
                supplement_received_on="2025-03-17",
                consultation_started_on="2025-03-20",
                consultation_ended_on="2025-03-27",
                fee_notice_on="2025-04-01",
                fee_amount_yuan="200.50",
                fee_paid_on="2025-04-03",
                outcome="disclosed",
                closed_on="2025-04-10",
            ),
        ],
    )
    run_import(path)
    case = DisclosureRequest.objects.get(reference="XCCG-2025-0007")
    assert (case.agency, case.year, case.serial) == (agency, 2025, 7)
    assert case.status == "closed"
    assert case.channel == "letter"
    assert case.applicant.name == "某某科技有限公司"
    assert case.applicant_type == case.applicant.applicant_type == "enterprise"
    assert case.applicant.id_number_hash == ""
    assert case.supplement_notice_due_on == date(2025, 3, 12)
    assert case.supplement_notice_late is True
    assert case.supplement_period_days == 10
    assert case.fee_amount_yuan == Decimal("200.50")
    assert case.outcome_basis == "《条例》第三十六条第（二）项"
    # start 03-17; consultation 03-21..03-27 = 5 days, fee 04-02..04-03 = 2 days: WD(03-17, 27)
    assert case.due_on == date(2025, 4, 24)
    assert case.on_time is True
    consultation = Consultation.objects.get(request=case)
    assert (consultation.started_on, consultation.ended_on) == (
        date(2025, 3, 20),
        date(2025, 3, 27),
    )
    assert consultation.reply_due_on == date(2025, 4, 11)
    event = RequestEvent.objects.get(request=case)
    assert event.kind == EventKind.IMPORTED
    assert (event.status_after, event.due_after) == ("closed", date(2025, 4, 24))
    assert event.payload == {"source": "ledger.csv", "row": 2}


def test_text_with_tabs_newlines_and_backslashes_is_kept(tmp_path):
    make_agency("XCCG")
    description = '第一行\n第二行\t制表 C:\\路径 "引号" \\N'
    path = write(
        tmp_path,
        [
            HEADER,
            ledger_line(
                reference="R-1",
                received_on="2025-09-26",
                description=description,
                applicant_name="王\t五",
            ),
        ],
    )
    run_import(path)
    case = DisclosureRequest.objects.get(reference="R-1")
    assert (case.description, case.applicant.name) == (description, "王\t五")
    assert case.clock_steps[-1] == {
        "code": "C7",
        "text": "答复截止日：2025年10月30日（第20个工作日）",
        "on": "2025-10-30",
        "days": 20,
    }
    assert run_import(path)[0].strip() == "created 0, updated 0, unchanged 1"


def test_characters_no_letter_can_print_become_spaces(tmp_path):
    # Word pastes \x0b for Shift+Enter; a NUL comes from broken exports.
    make_agency("XCCG")
    path = write(
        tmp_path,
        [
            HEADER,
            ledger_line(
                reference="R-1",
                received_on="2025-09-26",
                description="第一段\x0b第二段\x00完",
                applicant_name="王\x0c五",
            ),
        ],
    )
    run_import(path)
    case = DisclosureRequest.objects.get(reference="R-1")
    assert (case.description, case.applicant.name) == ("第一段 第二段 完", "王 五")
    assert run_import(path)[0].strip() == "created 0, updated 0, unchanged 1"


def test_seed_like_ledger_imports(tmp_path):
    """The seed report's agency and year: 3 applications in 2017 (2 online, 1 letter),
    all closed on time: disclosed, disclosed, unavailable.other_agency."""
    make_agency("XCCG", name="北京市西城区城市管理监督指挥中心")
    path = write(
        tmp_path,
        [
            HEADER,
            ledger_line(
                reference="XCCG-2017-0001",
                received_on="2017-03-06",
                outcome="disclosed",
                closed_on="2017-03-20",
            ),
            ledger_line(
                reference="XCCG-2017-0002",
                received_on="2017-06-12",
                outcome="disclosed",
                closed_on="2017-06-30",
            ),
            ledger_line(
                reference="XCCG-2017-0003",
                received_on="2017-09-26",
                channel="letter",
                applicant_name="李四",
                outcome="unavailable.other_agency",
                closed_on="2017-10-23",
            ),
        ],
    )
    out, _ = run_import(path)
    assert out.strip() == "created 3, updated 0, unchanged 0"
    cases = DisclosureRequest.objects.filter(year=2017).order_by("serial")
    assert [(c.serial, c.channel, c.outcome, c.on_time) for c in cases] == [
        (1, "online", "disclosed", True),
        (2, "online", "disclosed", True),
        (3, "letter", "unavailable.other_agency", True),
    ]
    assert [c.due_on for c in cases] == [
        date(2017, 3, 27),
        date(2017, 7, 3),
        date(2017, 10, 23),
    ]
    # Two cases of 张三 share one applicant without identity number.
    assert Applicant.objects.count() == 2


# --- all or nothing ---------------------------------------------------------------------


def test_one_bad_row_refuses_the_whole_file(tmp_path):
    make_agency("XCCG")
    path = write(
        tmp_path,
        [
            HEADER,
            ledger_line(reference="R-1", received_on="2025-09-26"),
            ledger_line(reference="R-2", received_on="2025-02-30"),
            ledger_line(reference="R-3", received_on="2025-09-29"),
        ],
    )
    before = (
        DisclosureRequest.objects.count(),
        RequestEvent.objects.count(),
        Applicant.objects.count(),
        Counter.objects.count(),
    )
    errors = refused(path)
    assert errors.splitlines() == [
        "row 3, column received_on: 不存在的日期：“2025-02-30”"
    ]
    assert before == (0, 0, 0, 0)
    assert (
        DisclosureRequest.objects.count(),
        RequestEvent.objects.count(),
        Applicant.objects.count(),
        Counter.objects.count(),
    ) == before


def test_every_problem_is_listed_with_row_and_column(tmp_path):
    make_agency("XCCG")
    lines = [
        HEADER,
        ledger_line(reference="R-1", received_on="2025-09-26"),  # row 2: fine
        ledger_line(reference="R-2", received_on="26/09/2025"),  # row 3
        ledger_line(reference="R-3", received_on="2025-09-26", agency="NOPE"),  # row 4
        ledger_line(reference="R-4", received_on="2025-09-26", channel="pigeon"),
        ledger_line(reference="R-5", received_on="2025-09-26", applicant_type="cat"),
        ledger_line(
            reference="R-6",
            received_on="2025-09-26",
            outcome="yes",
            closed_on="2025-10-01",
        ),
        ledger_line(
            reference="R-7",
            received_on="2025-09-26",
            outcome="disclosed",
            closed_on="2025-09-25",
        ),  # row 8
        ledger_line(
            reference="R-8",
            received_on="2025-09-26",
            supplement_requested_on="2025-09-29",
            supplement_received_on="2025-09-28",
        ),
        ledger_line(
            reference="R-9",
            received_on="2025-09-26",
            supplement_received_on="2025-09-28",
        ),
        ledger_line(
            reference="R-10",
            received_on="2025-09-26",
            consultation_started_on="2025-10-09",
            consultation_ended_on="2025-10-01",
        ),  # row 11
        ledger_line(
            reference="R-11",
            received_on="2025-09-26",
            fee_notice_on="2025-10-09",
            fee_paid_on="2025-10-01",
        ),
        ledger_line(reference="R-12", received_on="2025-09-26", extended="2"),
        ledger_line(reference="R-13", received_on="2025-09-26", fee_amount_yuan="-5"),
        ledger_line(reference="R-1", received_on="2025-09-26"),  # row 15
        ledger_line(reference="R-15", received_on="2025-09-26", outcome="disclosed"),
        ledger_line(reference="R-16", received_on="2025-09-26", closed_on="2025-10-09"),
        ledger_line(reference="", received_on=""),  # row 18
        ledger_line(
            reference="R-18", received_on="2025-09-26", fee_amount_yuan="1.005"
        ),
    ]
    errors = refused(write(tmp_path, lines)).splitlines()
    assert errors == [
        "row 3, column received_on: 日期格式无效：“26/09/2025”（应为 YYYY-MM-DD）",
        "row 4, column agency: 未知的机关代码“NOPE”。",
        "row 5, column channel: 未知的申请方式“pigeon”。",
        "row 6, column applicant_type: 未知的申请人类型“cat”。",
        "row 7, column outcome: 未知的答复类型“yes”。",
        "row 8, column closed_on: 办结日期不能早于收到日期（2025-09-26）。",
        "row 9, column supplement_received_on: 补正收到日期不能早于补正告知日期（2025-09-29）。",
        "row 10, column supplement_received_on: 有补正收到日期，却没有补正告知日期。",
        "row 11, column consultation_ended_on: 征求意见回复日期不能早于征求意见日期（2025-10-09）。",
        "row 12, column fee_paid_on: 缴费日期不能早于收费通知日期（2025-10-09）。",
        "row 13, column extended: 应为 0 或 1，而不是“2”",
        "row 14, column fee_amount_yuan: 应为不小于0的数字，而不是“-5”",
        "row 15, column reference: 编号与第2行重复。",
        "row 16, column closed_on: 已填写答复类型，必须填写办结日期。",
        "row 17, column outcome: 已填写办结日期，必须填写答复类型（空表示尚未办结）。",
        "row 18, column received_on: 必填，不能为空。",
        "row 18, column reference: 必填，不能为空。",
        "row 19, column fee_amount_yuan: 最多2位小数：“1.005”",
    ]
    assert DisclosureRequest.objects.count() == 0


def refused_dry_run(path: Path) -> list[str]:
    """The problems of a refused file, checked with ``--dry-run`` (a dry run refuses
    exactly what an import refuses)."""
    err = io.StringIO()
    with pytest.raises(CommandError, match="未写入任何数据"):
        call_command(
            "import_ledger",
            "requests",
            str(path),
            "--dry-run",
            stdout=io.StringIO(),
            stderr=err,
        )
    return err.getvalue().splitlines()


def test_nothing_happens_after_the_case_was_closed(tmp_path):
    """A supplement, consultation or fee dated after the closing date is refused (the
    case was closed before it happened); on the closing day itself it is fine."""
    make_agency("XCCG")
    closed = {"received_on": "2025-09-26", "outcome": "disclosed"}
    lines = [
        HEADER,
        ledger_line(
            reference="R-1",
            received_on="2025-09-26",
            supplement_requested_on="2025-09-29",
            supplement_received_on="2025-10-09",
            consultation_started_on="2025-10-10",
            consultation_ended_on="2025-10-20",
            fee_notice_on="2025-10-21",
            fee_amount_yuan="100",
            fee_paid_on="2025-10-24",
            outcome="disclosed",
            closed_on="2025-10-24",
        ),  # row 2: fine, paid on the closing day
        ledger_line(
            reference="R-2",
            supplement_requested_on="2025-10-09",
            closed_on="2025-09-30",
            **closed,
        ),
        ledger_line(
            reference="R-3",
            supplement_requested_on="2025-09-29",
            supplement_received_on="2025-10-09",
            closed_on="2025-09-30",
            **closed,
        ),
        ledger_line(
            reference="R-4",
            consultation_started_on="2025-10-09",
            closed_on="2025-09-30",
            **closed,
        ),  # row 5
        ledger_line(
            reference="R-5",
            consultation_started_on="2025-09-29",
            consultation_ended_on="2025-10-13",
            closed_on="2025-10-10",
            **closed,
        ),
        ledger_line(
            reference="R-6",
            fee_notice_on="2025-10-13",
            fee_amount_yuan="100",
            closed_on="2025-10-10",
            **closed,
        ),
        ledger_line(
            reference="R-7",
            fee_notice_on="2025-09-29",
            fee_amount_yuan="100",
            fee_paid_on="2025-10-13",
            closed_on="2025-10-10",
            **closed,
        ),  # row 8
    ]
    path = write(tmp_path, lines)
    expected = [
        "row 3, column closed_on: 办结日期不能早于补正告知日期（2025-10-09）。",
        "row 4, column closed_on: 办结日期不能早于补正收到日期（2025-10-09）。",
        "row 5, column closed_on: 办结日期不能早于征求意见日期（2025-10-09）。",
        "row 6, column closed_on: 办结日期不能早于征求意见回复日期（2025-10-13）。",
        "row 7, column closed_on: 办结日期不能早于收费通知日期（2025-10-13）。",
        "row 8, column closed_on: 办结日期不能早于缴费日期（2025-10-13）。",
    ]
    assert refused_dry_run(path) == expected
    assert refused(path).splitlines() == expected
    assert DisclosureRequest.objects.count() == 0
    out, _ = run_import(write(tmp_path, lines[:2]))
    assert out.strip() == "created 1, updated 0, unchanged 0"


def test_a_lapse_needs_its_notice(tmp_path):
    """other.no_supplement needs the supplement notice (C3), other.fee_unpaid the fee
    notice (C5); with them, the lapse closes as the contract dates it."""
    make_agency("XCCG")
    lines = [
        HEADER,
        ledger_line(
            reference="R-1",
            received_on="2025-03-03",
            outcome="other.no_supplement",
            closed_on="2025-03-27",
        ),
        ledger_line(
            reference="R-2",
            received_on="2025-09-26",
            outcome="other.fee_unpaid",
            closed_on="2025-11-12",
        ),
        # C3: WD(2025-03-05, 16) = 2025-03-27; C5: WD(2025-10-09, 21) = 2025-11-07.
        ledger_line(
            reference="R-3",
            received_on="2025-03-03",
            supplement_requested_on="2025-03-05",
            outcome="other.no_supplement",
            closed_on="2025-03-27",
        ),
        ledger_line(
            reference="R-4",
            received_on="2025-09-26",
            fee_notice_on="2025-10-09",
            fee_amount_yuan="100",
            outcome="other.fee_unpaid",
            closed_on="2025-11-07",
        ),
    ]
    path = write(tmp_path, lines)
    expected = [
        "row 2, column supplement_requested_on: "
        "答复类型为逾期不补正（other.no_supplement），必须填写补正告知日期。",
        "row 3, column fee_notice_on: "
        "答复类型为逾期未缴纳信息处理费（other.fee_unpaid），必须填写收费通知日期。",
    ]
    assert refused_dry_run(path) == expected
    assert refused(path).splitlines() == expected
    out, _ = run_import(write(tmp_path, [HEADER, *lines[3:]]))
    assert out.strip() == "created 2, updated 0, unchanged 0"
    assert dict(DisclosureRequest.objects.values_list("reference", "status")) == {
        "R-3": "closed",
        "R-4": "closed",
    }


# 23:30 UTC on 2025-10-10 is 07:30 on 2025-10-11 in Beijing: the ledger's today.
@time_machine.travel(datetime(2025, 10, 10, 23, 30, tzinfo=UTC), tick=False)
def test_no_date_after_today_in_shanghai(tmp_path):
    make_agency("XCCG")
    lines = [
        HEADER,
        ledger_line(
            reference="R-1",
            received_on="2025-09-26",
            outcome="disclosed",
            closed_on="2025-10-11",
        ),  # row 2: closed today (Asia/Shanghai)
        ledger_line(
            reference="R-2",
            received_on="2025-09-26",
            outcome="disclosed",
            closed_on="2025-10-13",
        ),
        ledger_line(reference="R-3", received_on="2025-10-13"),
        ledger_line(
            reference="R-4",
            received_on="2025-09-26",
            supplement_requested_on="2025-09-29",
            supplement_received_on="2025-10-12",
        ),  # row 5
        ledger_line(
            reference="R-5",
            received_on="2025-09-26",
            consultation_started_on="2025-10-12",
        ),
        ledger_line(
            reference="R-6",
            received_on="2025-09-26",
            fee_notice_on="2025-09-29",
            fee_amount_yuan="100",
            fee_paid_on="2026-01-05",
        ),
    ]
    path = write(tmp_path, lines)
    expected = [
        "row 3, column closed_on: 办结日期不能晚于今天（2025-10-11）。",
        "row 4, column received_on: 收到日期不能晚于今天（2025-10-11）。",
        "row 5, column supplement_received_on: 补正收到日期不能晚于今天（2025-10-11）。",
        "row 6, column consultation_started_on: 征求意见日期不能晚于今天（2025-10-11）。",
        "row 7, column fee_paid_on: 缴费日期不能晚于今天（2025-10-11）。",
    ]
    assert refused_dry_run(path) == expected
    assert refused(path).splitlines() == expected
    out, _ = run_import(write(tmp_path, lines[:2]))
    assert out.strip() == "created 1, updated 0, unchanged 0"


@pytest.mark.parametrize(
    "cells",
    [
        {"supplement_requested_on": "2025-10-09"},
        {
            "consultation_started_on": "2025-09-29",
            "consultation_ended_on": "2025-10-09",
        },
        {"fee_notice_on": "2025-09-29", "fee_paid_on": "2025-10-09"},
        {"outcome": "other.no_supplement"},
        {"outcome": "other.fee_unpaid"},
        {"closed_on": "2999-01-04"},
    ],
)
def test_the_fast_reader_leaves_impossible_rows_to_the_checked_one(cells):
    """Each new rule holds in both readers: the fast one refuses the row, the checked
    one words why."""
    agencies = {"XCCG": Agency(pk=1, code="XCCG", supplement_period_days=15)}
    values = {
        "received_on": "2025-09-26",
        "outcome": "disclosed",
        "closed_on": "2025-09-30",
        **cells,
    }
    line = ledger_line(reference="R-1", **values)
    (sheet_row,) = read_sheet(
        f"{HEADER}\n{line}\n".encode(), columns=LEDGER_COLUMNS
    ).rows
    problems: list = []
    assert row_read(RowReader(sheet_row, problems), agencies) is None
    assert len(problems) == 1
    assert RowFastReader(agencies).read(sheet_row.number, sheet_row.values) is None


def test_missing_required_column_is_reported_on_row_1(tmp_path):
    make_agency("XCCG")
    path = write(tmp_path, ["agency,reference,channel", "XCCG,R-1,online"])
    assert refused(path).splitlines() == [
        "row 1, column applicant_type: 缺少此列（申请人类型）。",
        "row 1, column received_on: 缺少此列（收到日期）。",
    ]


def test_same_reference_in_two_agencies_is_two_cases(tmp_path, agency, other_agency):
    """Rows are keyed by agency + reference (contract §5): another agency's case with
    the same reference is neither touched nor confused with this one."""
    theirs = register(other_agency, date(2025, 9, 26))
    path = write(
        tmp_path,
        [HEADER, ledger_line(reference=theirs.reference, received_on="2025-09-26")],
    )
    out, _ = run_import(path)
    assert out.strip() == "created 1, updated 0, unchanged 0"
    ours = DisclosureRequest.objects.get(agency=agency, reference=theirs.reference)
    assert ours.pk != theirs.pk
    theirs.refresh_from_db()
    assert theirs.agency_id == other_agency.pk


def test_dry_run_writes_nothing(tmp_path):
    make_agency("XCCG")
    path = write(
        tmp_path, [HEADER, ledger_line(reference="R-1", received_on="2025-09-26")]
    )
    out, err = run_import(path, "--dry-run")
    assert out.strip() == "created 1, updated 0, unchanged 0"
    assert "试运行" in err
    assert DisclosureRequest.objects.count() == 0


# --- file formats -----------------------------------------------------------------------

CHINESE_HEADER = (
    "机关代码,编号,收到日期,申请方式,申请人类型,申请人,申请内容,补正告知日期,补正收到日期,"
    "征求意见日期,征求意见回复日期,延期,收费通知日期,收费金额,缴费日期,答复类型,办结日期"
)


def test_chinese_headers_and_bom(tmp_path):
    make_agency("XCCG")
    path = write(
        tmp_path,
        [
            CHINESE_HEADER,
            ledger_line(reference="R-1", received_on="2025-09-26", extended="1"),
        ],
        bom=True,
    )
    out, _ = run_import(path)
    assert out.strip() == "created 1, updated 0, unchanged 0"
    case = DisclosureRequest.objects.get(reference="R-1")
    assert (case.extended, case.due_on) == (True, date(2025, 11, 27))


def test_xlsx_first_sheet_with_date_cells(tmp_path):
    from openpyxl import Workbook

    make_agency("XCCG")
    workbook = Workbook()
    sheet = workbook.active
    sheet.append(COLUMNS)
    row = [""] * len(COLUMNS)
    values = {
        "agency": "XCCG",
        "reference": "R-X",
        "received_on": date(2025, 9, 26),
        "channel": "email",
        "applicant_type": "natural_person",
        "applicant_name": "王五",
        "extended": 0,
        "fee_notice_on": date(2025, 10, 9),
        "fee_amount_yuan": 100.5,
        "fee_paid_on": date(2025, 10, 10),
    }
    for name, value in values.items():
        row[COLUMNS.index(name)] = value
    sheet.append(row)
    workbook.create_sheet("ignored").append(["not", "read"])
    path = tmp_path / "ledger.xlsx"
    workbook.save(path)
    out, _ = run_import(path)
    assert out.strip() == "created 1, updated 0, unchanged 0"
    case = DisclosureRequest.objects.get(reference="R-X")
    assert case.fee_amount_yuan == Decimal("100.50")
    # fee pause 10-09..10-10 excludes one working day: WD(2025-09-26, 21)
    assert case.due_on == date(2025, 10, 31)


# --- idempotency and updates ------------------------------------------------------------


def test_reimport_changes_nothing_and_a_changed_row_updates(tmp_path):
    make_agency("XCCG")
    lines = [
        HEADER,
        ledger_line(reference="R-1", received_on="2025-09-26"),
        ledger_line(
            reference="R-2",
            received_on="2025-06-03",
            consultation_started_on="2025-06-10",
            consultation_ended_on="2025-06-17",
        ),
    ]
    path = write(tmp_path, lines)
    run_import(path)
    stamp = list(
        DisclosureRequest.objects.order_by("pk").values_list("updated_at", flat=True)
    )

    out, _ = run_import(path)
    assert out.strip() == "created 0, updated 0, unchanged 2"
    assert RequestEvent.objects.count() == 2
    assert (
        list(
            DisclosureRequest.objects.order_by("pk").values_list(
                "updated_at", flat=True
            )
        )
        == stamp
    )

    lines[1] = ledger_line(
        reference="R-1",
        received_on="2025-09-26",
        outcome="disclosed",
        closed_on="2025-11-03",
    )
    out, _ = run_import(write(tmp_path, lines))
    assert out.strip() == "created 0, updated 1, unchanged 1"
    case = DisclosureRequest.objects.get(reference="R-1")
    assert (case.status, case.on_time, case.due_on) == (
        "closed",
        False,
        date(2025, 10, 30),
    )
    event = RequestEvent.objects.get(request=case, kind=EventKind.UPDATED_BY_IMPORT)
    assert event.payload["changed"] == {
        "outcome": {"before": "", "after": "disclosed"},
        "closed_on": {"before": None, "after": "2025-11-03"},
    }
    assert (event.status_before, event.status_after) == ("in_progress", "closed")
    assert RequestEvent.objects.filter(request=case).count() == 2
    # The consultation of the unchanged row is still the one imported.
    assert Consultation.objects.count() == 1


@time_machine.travel(AFTER_CLOCK_CASES, tick=False)
def test_export_then_reimport_is_unchanged(tmp_path):
    make_agency("XCCG")
    lines = [HEADER] + [
        ledger_line(reference=f"R-{index:02d}", **cells)
        for index, (_, cells, *_) in enumerate(CLOCK_CASES)
    ]
    run_import(write(tmp_path, lines))
    exported = tmp_path / "export.csv"
    call_command(
        "export_ledger", "requests", "--output", str(exported), stderr=io.StringIO()
    )
    out, err = run_import(exported)
    assert out.strip() == f"created 0, updated 0, unchanged {len(CLOCK_CASES)}"
    assert "忽略" not in err
    xlsx = tmp_path / "export.xlsx"
    call_command(
        "export_ledger", "requests", "--output", str(xlsx), stderr=io.StringIO()
    )
    out, _ = run_import(xlsx)
    assert out.strip() == f"created 0, updated 0, unchanged {len(CLOCK_CASES)}"


def test_export_of_an_online_case_and_agency_filter(agency, other_agency):
    case = register(agency, date(2025, 9, 26))
    register(other_agency, date(2025, 9, 26))
    rows = export_rows("--agency", "XCCG")
    assert rows == [
        {
            "agency": "XCCG",
            "reference": case.reference,
            "received_on": "2025-09-26",
            "channel": "online",
            "applicant_type": "natural_person",
            "applicant_name": "张三",
            "description": "请公开2025年城市管理案件处置情况统计",
            "supplement_requested_on": "",
            "supplement_received_on": "",
            "consultation_started_on": "",
            "consultation_ended_on": "",
            "extended": "0",
            "fee_notice_on": "",
            "fee_amount_yuan": "",
            "fee_paid_on": "",
            "outcome": "",
            "closed_on": "",
            "due_on": "2025-10-30",
            "provisional": "0",
            "on_time": "",
            "state": "open",
        }
    ]


def test_unknown_export_agency_is_an_error():
    with pytest.raises(CommandError, match="未知的机关代码"):
        call_command("export_ledger", "requests", "--agency", "NOPE")


# --- serial numbers ---------------------------------------------------------------------


def test_serials_never_collide_with_online_registration(tmp_path, agency):
    online = register(agency, date(2025, 3, 3))  # XCCG-2025-00001, serial 1
    path = write(
        tmp_path,
        [
            HEADER,
            ledger_line(reference="XCCG-2025-0001", received_on="2025-03-04"),  # taken
            ledger_line(reference="XCCG-2025-0040", received_on="2025-03-05"),
            ledger_line(reference="纸质-17", received_on="2025-03-06"),
            ledger_line(reference="XCCG-2026-0009", received_on="2025-12-30"),
        ],
    )
    run_import(path)
    serials = dict(
        DisclosureRequest.objects.values_list("reference", "serial").exclude(
            pk=online.pk
        )
    )
    assert serials == {
        "XCCG-2025-0001": 41,
        "XCCG-2025-0040": 40,
        "纸质-17": 42,
        "XCCG-2026-0009": 43,
    }
    assert dict(Counter.objects.filter(agency=agency).values_list("year", "last")) == {
        2025: 43,
        2026: 9,
    }
    later = register(agency, date(2025, 3, 7))
    assert later.reference == "XCCG-2025-00044"
    assert register(agency, date(2026, 1, 5)).reference == "XCCG-2026-00010"


def test_applicants_without_id_are_reused_per_agency_name_and_type(tmp_path):
    make_agency("XCCG")
    make_agency("XCJW")
    run_import(
        write(
            tmp_path, [HEADER, ledger_line(reference="R-1", received_on="2025-09-26")]
        )
    )
    first = DisclosureRequest.objects.get(reference="R-1").applicant
    run_import(
        write(
            tmp_path,
            [
                HEADER,
                ledger_line(reference="R-2", received_on="2025-09-29"),
                ledger_line(reference="R-3", received_on="2025-09-29", agency="XCJW"),
                ledger_line(
                    reference="R-4",
                    received_on="2025-09-29",
                    applicant_type="enterprise",
                ),
            ],
            name="second.csv",
        )
    )
    applicants = {
        case.reference: case.applicant_id
        for case in DisclosureRequest.objects.order_by("reference")
    }
    assert applicants["R-2"] == first.pk
    assert len({applicants["R-1"], applicants["R-3"], applicants["R-4"]}) == 3
    assert Applicant.objects.count() == 3


# --- the fast paths: reading by position, one clock per set of dates, COPY text ----------

# Good cells of each column, then bad ones; the later dates of a row may still come in
# the wrong order.
GOOD_CELLS = {
    "agency": ("XCCG",),
    "reference": ("R-1", "x" * 64),
    "received_on": ("2025-03-03", "2025/3/3", "2019-05-14"),
    "channel": ("online", "letter"),
    "applicant_type": ("natural_person", "enterprise"),
    "applicant_name": ("张三", "", "名" * 200),
    "description": ("", "申请公开", "a\tb\\c"),
    "extended": ("", "0", "1"),
    "fee_amount_yuan": ("", "100", "12.5"),
    "outcome": ("", "disclosed", "other.no_supplement", "other.fee_unpaid"),
    "closed_on": ("", "2025-03-31", "2025年3月31日"),
}
# 2025-04-02 comes after the closing date a row may have.
GOOD_LATER_DATES = ("", "", "2025-03-05", "2025-03-20", "2025年3月10日", "2025-04-02")
BAD_CELLS = (
    "",
    "XCJW",
    "x" * 65,
    "名" * 201,
    "2025-02-30",
    "2025-02-01",
    "soon",
    "pigeon",
    "2",
    "1.234",
    "-1",
    "nonsense",
    "2999-01-04",
)


@settings(max_examples=300, deadline=None)
@given(
    cells=st.fixed_dictionaries(
        {
            column: st.sampled_from(GOOD_CELLS.get(column, GOOD_LATER_DATES))
            for column in COLUMNS
        }
    ),
    spoiled=st.dictionaries(
        st.sampled_from(COLUMNS), st.sampled_from(BAD_CELLS), max_size=2
    ),
)
def test_fast_reading_agrees_with_the_checked_reading(cells, spoiled):
    """A row the fast reader takes is exactly what the checked reader makes of it, and
    it takes every row without problems (the others are worded by row_read)."""
    cells.update(spoiled)
    agencies = {"XCCG": Agency(pk=1, code="XCCG", supplement_period_days=15)}
    buffer = io.StringIO()
    csv.writer(buffer).writerows([COLUMNS, [cells[column] for column in COLUMNS]])
    (sheet_row,) = read_sheet(buffer.getvalue().encode(), columns=LEDGER_COLUMNS).rows
    problems: list = []
    checked = row_read(RowReader(sheet_row, problems), agencies)
    fast = RowFastReader(agencies).read(sheet_row.number, sheet_row.values)
    if problems:
        assert fast is None
    else:
        assert fast is not None
        assert fast == checked


def test_copy_text_and_values():
    assert copy_text("第一行\n第二行\t制表 C:\\路径\r") == (
        "第一行\\n第二行\\t制表 C:\\\\路径\\r"
    )
    assert copy_text("\\N") == "\\\\N"
    assert copy_text("普通文字") == "普通文字"
    assert [
        copy_value(value)
        for value in (
            None,
            True,
            False,
            0,
            Decimal("100.00"),
            date(2025, 9, 26),
            datetime(2025, 9, 26, 8, 30, tzinfo=UTC),
            [],
            {"source": "台账.csv", "row": 2},
            [{"text": "a\nb", "on": None}],
            "a\tb",
        )
    ] == [
        "\\N",
        "t",
        "f",
        "0",
        "100.00",
        "2025-09-26",
        "2025-09-26T08:30:00+00:00",
        "[]",
        '{"source": "台账.csv", "row": 2}',
        '[{"text": "a\\\\nb", "on": null}]',
        "a\\tb",
    ]


def test_rows_with_the_same_dates_store_the_same_clock(tmp_path):
    """The clock is computed once per set of dates in an import: cases sharing them
    store what a case imported alone stores."""
    make_agency("XCCG")
    dates = {
        "received_on": "2025-06-03",
        "consultation_started_on": "2025-06-10",
        "consultation_ended_on": "2025-06-17",
        "extended": "1",
    }
    run_import(
        write(
            tmp_path,
            [
                HEADER,
                ledger_line(reference="R-1", **dates),
                ledger_line(reference="R-2", **{**dates, "extended": "0"}),
            ],
        )
    )
    run_import(write(tmp_path, [HEADER, ledger_line(reference="R-4", **dates)]))
    clocks = {
        case.reference: (
            case.due_on,
            case.provisional,
            case.remaining_workdays,
            case.clock_explanation,
            case.clock_steps,
            case.supplement_notice_due_on,
        )
        for case in DisclosureRequest.objects.all()
    }
    assert clocks["R-1"] == clocks["R-4"]
    # Consultation 06-11..06-17 (5 days) and the extension: WD(06-03, 45).
    assert clocks["R-1"][0] == date(2025, 8, 5)
    assert clocks["R-2"][0] == date(2025, 7, 8)
    assert clocks["R-1"][3].splitlines()[-2:] == [
        "延期：20个工作日（第三十三条第二款）",
        "答复截止日：2025年8月5日（第45个工作日）",
    ]


def test_a_failure_while_writing_leaves_nothing(tmp_path, monkeypatch):
    """An error in the middle of the rows (on PostgreSQL, while the COPY of the cases
    runs) is raised as itself and nothing is written: not the cases before it, nor the
    applicants and serial counters made for them."""
    make_agency("XCCG")
    derive = requests_ledger.case_values
    calls = iter(range(100))

    def failing(*args, **kwargs):
        if next(calls) == 2:
            raise RuntimeError("第3行出错")
        return derive(*args, **kwargs)

    monkeypatch.setattr(requests_ledger, "case_values", failing)
    path = write(
        tmp_path,
        [HEADER]
        + [
            ledger_line(reference=f"R-{index}", received_on="2025-09-26")
            for index in range(5)
        ],
    )
    with pytest.raises(RuntimeError, match="第3行出错"):
        run_import(path)
    assert DisclosureRequest.objects.count() == 0
    assert RequestEvent.objects.count() == 0
    assert Applicant.objects.count() == 0
    assert Counter.objects.count() == 0
    monkeypatch.setattr(requests_ledger, "case_values", derive)
    assert run_import(path)[0].strip() == "created 5, updated 0, unchanged 0"
