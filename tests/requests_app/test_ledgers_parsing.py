"""Reading ledger files, pure (no database): formats, header aliases, typed cells and
row numbers."""

from __future__ import annotations

import io
from datetime import date, datetime
from decimal import Decimal

import pytest

from requests_app.ledgers.parsing import (
    Column,
    LedgerRefused,
    ProgressTicker,
    RowProblem,
    RowReader,
    parse_date,
    parse_decimal,
    parse_flag,
    parse_integer,
    read_sheet,
)

COLUMNS = (
    Column("agency", "机关代码", required=True),
    Column("received_on", "收到日期", required=True),
    Column("outcome", "答复类型"),
)


def test_csv_with_bom_aliases_blank_rows_and_unknown_columns():
    text = "\ufeff机关代码,RECEIVED_ON,备注,due_on\nXCCG,2025-09-26,x,y\n,,,\nXCJW\n"
    sheet = read_sheet(text.encode(), columns=COLUMNS, derived=("due_on",))
    assert sheet.columns == ("agency", "received_on")
    assert sheet.ignored == ("备注",)
    assert [(row.number, dict(row.cells)) for row in sheet.rows] == [
        (2, {"agency": "XCCG", "received_on": "2025-09-26"}),
        (4, {"agency": "XCJW", "received_on": ""}),
    ]
    assert sheet.rows[0].get("outcome") == ""


def test_multiline_cell_is_one_row():
    text = 'agency,received_on,outcome\nA,2025-01-02,"two\nlines"\nB,2025-01-03,\n'
    sheet = read_sheet(text.encode(), columns=COLUMNS)
    assert [(row.number, row.get("outcome")) for row in sheet.rows] == [
        (2, "two\nlines"),
        (3, ""),
    ]


def test_gb18030_file_is_read():
    text = "机关代码,收到日期\n西城,2025-09-26\n"
    sheet = read_sheet(text.encode("gb18030"), columns=COLUMNS)
    assert sheet.rows[0].get("agency") == "西城"


def test_header_problems_are_on_row_1():
    with pytest.raises(LedgerRefused) as refused:
        read_sheet("agency,机关代码\nA,B\n".encode(), columns=COLUMNS)
    assert [str(problem) for problem in refused.value.problems] == [
        "row 1, column agency: 表头中重复出现此列。",
        "row 1, column received_on: 缺少此列（收到日期）。",
    ]
    with pytest.raises(LedgerRefused) as empty:
        read_sheet(b"\n\n", columns=COLUMNS)
    assert [str(problem) for problem in empty.value.problems] == [
        "row 1, column -: 文件为空，没有表头行。"
    ]


def test_xlsx_first_sheet_cells_become_text():
    from openpyxl import Workbook

    workbook = Workbook()
    sheet = workbook.active
    sheet.append(["agency", "received_on", "outcome"])
    sheet.append(["XCCG", datetime(2025, 9, 26), 12.5])
    sheet.append([None, None, None])
    sheet.append(["XCJW", date(2025, 9, 29), 3.0])
    buffer = io.BytesIO()
    workbook.save(buffer)
    read = read_sheet(buffer.getvalue(), columns=COLUMNS, filename="x.xlsx")
    assert [(row.number, dict(row.cells)) for row in read.rows] == [
        (2, {"agency": "XCCG", "received_on": "2025-09-26", "outcome": "12.5"}),
        (4, {"agency": "XCJW", "received_on": "2025-09-29", "outcome": "3"}),
    ]


def test_unreadable_xlsx_is_refused():
    with pytest.raises(LedgerRefused, match="无法读取文件"):
        read_sheet(b"PK\x03\x04broken", columns=COLUMNS)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("2025-09-26", date(2025, 9, 26)),
        ("2025/9/6", date(2025, 9, 6)),
        ("2025年9月6日", date(2025, 9, 6)),
        ("2025-09-26 00:00:00", date(2025, 9, 26)),
        ("2024-02-29", date(2024, 2, 29)),
    ],
)
def test_parse_date(text, expected):
    assert parse_date(text) == expected


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("2025-02-29", "不存在的日期：“2025-02-29”"),
        ("2025-13-01", "不存在的日期：“2025-13-01”"),
        ("26/09/2025", "日期格式无效：“26/09/2025”（应为 YYYY-MM-DD）"),
        (
            "2025-09-26 10:30:00",
            "日期格式无效：“2025-09-26 10:30:00”（应为 YYYY-MM-DD）",
        ),
    ],
)
def test_parse_date_errors(text, message):
    with pytest.raises(ValueError, match="^" + message.replace("(", r"\(") + "$"):
        parse_date(text)


def test_parse_flag():
    assert (parse_flag(""), parse_flag("0"), parse_flag("1")) == (False, False, True)
    with pytest.raises(ValueError, match="应为 0 或 1"):
        parse_flag("是")


def test_parse_decimal():
    assert parse_decimal("100", places=2, max_digits=12) == Decimal("100.00")
    assert parse_decimal("0.50", places=2, max_digits=12) == Decimal("0.50")
    assert parse_decimal("1.500", places=2, max_digits=12) == Decimal("1.50")
    for bad in ("-1", "1e3", "abc", "1,000"):
        with pytest.raises(ValueError, match="应为不小于0的数字"):
            parse_decimal(bad, places=2, max_digits=12)
    with pytest.raises(ValueError, match="数值过大"):
        parse_decimal("12345678901", places=2, max_digits=12)


def test_parse_integer():
    assert parse_integer("2017", minimum=1990, maximum=2100) == 2017
    with pytest.raises(ValueError, match="超出范围"):
        parse_integer("17", minimum=1990, maximum=2100)
    with pytest.raises(ValueError, match="应为不小于0的整数"):
        parse_integer("1.5")


def test_row_reader_collects_every_problem():
    sheet = read_sheet(b"agency,received_on,outcome\n,2025-02-30,x\n", columns=COLUMNS)
    problems: list[RowProblem] = []
    reader = RowReader(sheet.rows[0], problems)
    assert reader.text("agency", required=True) == ""
    assert reader.date("received_on", required=True) is None
    assert reader.choice("outcome", {"disclosed"}, what="答复类型") == ""
    assert [str(problem) for problem in problems] == [
        "row 2, column agency: 必填，不能为空。",
        "row 2, column received_on: 不存在的日期：“2025-02-30”",
        "row 2, column outcome: 未知的答复类型“x”。",
    ]


def test_progress_every_five_percent():
    calls: list[tuple[str, int, int]] = []
    ticker = ProgressTicker(lambda *args: calls.append(args), "校验", 200)
    for done in range(1, 201):
        ticker.tick(done)
    assert len(calls) == 20
    assert calls[0] == ("校验", 10, 200)
    assert calls[-1] == ("校验", 200, 200)
