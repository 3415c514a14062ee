"""The annual report (政府信息公开工作年度报告) as an Excel workbook: one sheet per table,
with the official merged headers, the figures as values, and formulas where the report
defines sums, so an office can check and reuse the figures.

2021 format: 概况 (title, agency, year, fees, narrative), 表二 主动公开, 表三
依申请公开 (总计 = SUM of the six columns, （七）总计 = SUM of the outcome rows, and a
勾稽关系校验 row testing 第一项 + 第二项 = 第三项 + 第四项 per column), 表四 复议诉讼 (总计 =
SUM of the four results). Pre-2019 format: 概况 and one sheet per group of figures.

Pure: no database, no settings, no clock. The tables are the shared grids of the HTML
exporter; every label comes from ``reports.labels``. Formulas have no cached values
until a spreadsheet program recalculates them; the values they compute equal the
report's own figures whenever its checks V2–V4 pass.
"""

from __future__ import annotations

import io
from collections.abc import Mapping
from decimal import Decimal
from typing import Any, Final

from openpyxl import Workbook
from openpyxl.styles import Alignment, Border, Font, PatternFill, Side
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.worksheet import Worksheet

from reports import labels
from reports.builder import fee_sentence
from reports.exporters.html import (
    Grid,
    document_moment,
    legacy_grid,
    narrative_section,
    reproducible_zip,
    table2_grid,
    table3_grid,
    table4_grid,
)

SUMMARY_SHEET: Final = "概况"
TABLE2_SHEET: Final = "表二 主动公开"
TABLE3_SHEET: Final = "表三 依申请公开"
TABLE4_SHEET: Final = "表四 复议诉讼"
CHECK_ROW_LABEL: Final = "勾稽关系校验"
PASSED, FAILED = "通过", "不通过"

FONT_NAME: Final = "宋体"
THIN: Final = Side(style="thin", color="000000")
BORDER: Final = Border(left=THIN, right=THIN, top=THIN, bottom=THIN)
HEADER_FILL: Final = PatternFill("solid", fgColor="D9D9D9")
WIDTH_PER_SHARE: Final = 1.3
"""Excel column width units per per cent of a grid's width (a table ≈ 130 units)."""
FIRST_GRID_ROW: Final = 3
"""Rows 1 and 2 hold the sheet's heading and the report's title."""

TEMPLATE_NAMES: Final = {"2021": "2021年格式", "2008": "2019年以前格式"}

# Where the pre-2019 report defines a sum: the total's key → the keys' first part of
# its parts (every other line of the grid whose key starts so, the total excepted).
LEGACY_SUMS: Final = {
    ("postings", "total"): "postings",
    ("applications", "received"): "by_channel",
    ("replies", "total"): "replies",
}


def _font(*, bold: bool = False, size: float = 10.5) -> Font:
    return Font(name=FONT_NAME, bold=bold, size=size)


def _excel_value(value: int | Decimal | None, text: str) -> Any:
    if value is None:
        return text or None
    return value


def _coordinates(grid: Grid, top: int) -> dict[tuple[str, str], str]:
    """Each figure's cell address on the sheet, by its key."""
    return {
        key: f"{get_column_letter(cell.column + 1)}{top + cell.row}"
        for key, cell in grid.keyed().items()
    }


def _write_grid(
    sheet: Worksheet, grid: Grid, *, top: int, formulas: Mapping[tuple[str, str], str]
) -> None:
    for cell in grid.cells:
        row, column = top + cell.row, cell.column + 1
        target = sheet.cell(row=row, column=column)
        if cell.key in formulas:
            target.value = formulas[cell.key]
        elif cell.kind == "number":
            target.value = _excel_value(cell.value, cell.text)
        else:
            target.value = cell.text or None
        header = cell.kind in ("header", "note")
        target.font = _font(bold=cell.kind == "header")
        target.alignment = Alignment(
            horizontal="left" if cell.kind == "label" else "center",
            vertical="center",
            wrap_text=True,
            indent=cell.level,
        )
        if cell.kind == "number" and isinstance(cell.value, Decimal):
            places = -cell.value.as_tuple().exponent
            target.number_format = "0." + "0" * places if places > 0 else "0"
        elif cell.kind == "number":
            target.number_format = "0"
        last_row, last_column = row + cell.rowspan - 1, column + cell.colspan - 1
        if (last_row, last_column) != (row, column):
            sheet.merge_cells(
                start_row=row,
                start_column=column,
                end_row=last_row,
                end_column=last_column,
            )
        # A merged range shows the borders of every cell it covers.
        for each_row in range(row, last_row + 1):
            for each_column in range(column, last_column + 1):
                covered = sheet.cell(row=each_row, column=each_column)
                covered.border = BORDER
                if header:
                    covered.fill = HEADER_FILL
    for index, share in enumerate(grid.widths, start=1):
        width = max(8.0, share * WIDTH_PER_SHARE)
        sheet.column_dimensions[get_column_letter(index)].width = width


def _heading(sheet: Worksheet, heading: str, title: str, columns: int) -> None:
    sheet["A1"] = heading
    sheet["A1"].font = _font(bold=True, size=14)
    sheet["A2"] = title
    sheet["A2"].font = _font()
    for row in (1, 2):
        sheet.merge_cells(
            start_row=row, start_column=1, end_row=row, end_column=columns
        )


def _print_setup(
    sheet: Worksheet, *, landscape: bool = False, header_rows: int = 0
) -> None:
    sheet.page_setup.paperSize = sheet.PAPERSIZE_A4
    sheet.page_setup.orientation = "landscape" if landscape else "portrait"
    sheet.page_setup.fitToWidth = 1
    sheet.page_setup.fitToHeight = 0
    sheet.sheet_properties.pageSetUpPr.fitToPage = True
    if header_rows:
        last = FIRST_GRID_ROW + header_rows - 1
        sheet.print_title_rows = f"{FIRST_GRID_ROW}:{last}"


def _table2_sheet(workbook: Workbook, report: Mapping[str, Any], title: str) -> None:
    sheet = workbook.create_sheet(TABLE2_SHEET)
    grid = table2_grid(report)
    _heading(sheet, labels.SECTION_TITLES[1], title, grid.columns)
    _write_grid(sheet, grid, top=FIRST_GRID_ROW, formulas={})
    sheet.freeze_panes = f"A{FIRST_GRID_ROW}"
    _print_setup(sheet)


def table3_formulas(grid: Grid, *, top: int) -> dict[tuple[str, str], str]:
    """表三's formulas: each row's 总计 is the SUM of its six columns; （七）总计 is, per
    column, the SUM of the outcome rows R3.1 … R3.6.3 (one range: the group header rows
    between them are empty)."""
    address = _coordinates(grid, top)
    columns = [key for key, _ in labels.TABLE3_COLUMNS]
    first, last = columns[0], columns[-2]
    outcome_rows = [
        line.code
        for line in labels.TABLE3_LINES
        if line.code and line.code.startswith("R3.") and line.code != "R3.7"
    ]
    formulas = {
        (code, "total"): f"=SUM({address[code, first]}:{address[code, last]})"
        for code in labels.TABLE3_ROW_LABELS
    }
    for column in columns[:-1]:
        formulas["R3.7", column] = (
            f"=SUM({address[outcome_rows[0], column]}:{address[outcome_rows[-1], column]})"
        )
    return formulas


def _table3_sheet(workbook: Workbook, report: Mapping[str, Any], title: str) -> None:
    sheet = workbook.create_sheet(TABLE3_SHEET)
    grid = table3_grid(report, nested=False)
    _heading(sheet, labels.SECTION_TITLES[2], title, grid.columns)
    _write_grid(
        sheet,
        grid,
        top=FIRST_GRID_ROW,
        formulas=table3_formulas(grid, top=FIRST_GRID_ROW),
    )
    # The header note's rule, per column: 第一项 + 第二项 = 第三项 + 第四项 (check V1).
    address = _coordinates(grid, FIRST_GRID_ROW)
    row = FIRST_GRID_ROW + grid.rows
    label = sheet.cell(row=row, column=1, value=CHECK_ROW_LABEL)
    label.font = _font(bold=True)
    label.border = BORDER
    for index, (column, _) in enumerate(labels.TABLE3_COLUMNS, start=2):
        r1, r2, r37, r4 = (address[code, column] for code in ("R1", "R2", "R3.7", "R4"))
        target = sheet.cell(
            row=row,
            column=index,
            value=f'=IF({r1}+{r2}={r37}+{r4},"{PASSED}","{FAILED}")',
        )
        target.font = _font()
        target.border = BORDER
        target.alignment = Alignment(horizontal="center", vertical="center")
    sheet.freeze_panes = f"B{FIRST_GRID_ROW + grid.header_rows}"
    _print_setup(sheet, header_rows=grid.header_rows)


def table4_formulas(grid: Grid, *, top: int) -> dict[tuple[str, str], str]:
    """表四's formulas: in each group, 总计 is the SUM of its four results."""
    address = _coordinates(grid, top)
    results = [key for key, _ in labels.TABLE4_RESULTS]
    return {
        (
            kind,
            "total",
        ): f"=SUM({address[kind, results[0]]}:{address[kind, results[-2]]})"
        for kind, _, _ in labels.TABLE4_GROUPS
    }


def _table4_sheet(workbook: Workbook, report: Mapping[str, Any], title: str) -> None:
    sheet = workbook.create_sheet(TABLE4_SHEET)
    grid = table4_grid(report)
    _heading(sheet, labels.SECTION_TITLES[3], title, grid.columns)
    _write_grid(
        sheet,
        grid,
        top=FIRST_GRID_ROW,
        formulas=table4_formulas(grid, top=FIRST_GRID_ROW),
    )
    sheet.freeze_panes = f"A{FIRST_GRID_ROW + grid.header_rows}"
    _print_setup(sheet, landscape=True, header_rows=grid.header_rows)


def legacy_formulas(grid: Grid, *, top: int) -> dict[tuple[str, str], str]:
    """The sums of the pre-2019 figures: postings over the channels, applications over
    the channels, replies over the reply categories."""
    address = _coordinates(grid, top)
    formulas = {}
    for total, part in LEGACY_SUMS.items():
        if total not in address:
            continue
        parts = [address[key] for key in address if key[0] == part and key != total]
        formulas[total] = f"=SUM({parts[0]}:{parts[-1]})"
    return formulas


def _legacy_sheets(workbook: Workbook, report: Mapping[str, Any], title: str) -> None:
    for group, heading in labels.LEGACY_DATA_HEADINGS:
        # The sheet is named by the heading without its number: "主动公开情况".
        sheet = workbook.create_sheet(heading.partition("）")[2] or heading)
        grid = legacy_grid(report, group)
        _heading(sheet, heading, title, grid.columns)
        _write_grid(
            sheet,
            grid,
            top=FIRST_GRID_ROW,
            formulas=legacy_formulas(grid, top=FIRST_GRID_ROW),
        )
        sheet.freeze_panes = f"A{FIRST_GRID_ROW + grid.header_rows}"
        _print_setup(sheet, header_rows=grid.header_rows)


def _section_text(
    report: Mapping[str, Any], narrative: Mapping[str, str], key: str
) -> str:
    """A narrative section as printed (figure sentences included), one line per line."""
    return "\n".join(
        line
        for block in narrative_section(report, narrative, key)
        for line in block.lines
    )


def _summary_sheet(
    workbook: Workbook,
    report: Mapping[str, Any],
    narrative: Mapping[str, str],
    title: str,
) -> None:
    sheet = workbook.active
    sheet.title = SUMMARY_SHEET
    sheet["A1"] = title
    sheet["A1"].font = _font(bold=True, size=14)
    sheet.merge_cells("A1:D1")
    agency = report.get("agency", {})
    template = str(report.get("template", ""))
    rows: list[tuple[str, Any]] = [
        ("机关名称", agency.get("name", "")),
        ("机关代码", agency.get("code", "")),
        ("报告年度", report.get("year")),
        ("报告格式", TEMPLATE_NAMES.get(template, template)),
        ("汇总下级机关", "是" if report.get("rollup") else "否"),
    ]
    fees = report.get("fees")
    if fees:
        rows += [
            ("信息处理费", fee_sentence(fees)),
            ("发出收费通知（件）", fees.get("notices_issued")),
            (
                "收费通知总金额（元）",
                Decimal(str(fees.get("notices_amount_yuan", "0"))),
            ),
            ("实际收取信息处理费（件）", fees.get("paid_count")),
            ("实际收取金额（元）", Decimal(str(fees.get("collected_yuan", "0")))),
        ]
    rows += [
        (labels.narrative_title(template, key), _section_text(report, narrative, key))
        for key in labels.NARRATIVE_KEYS_BY_TEMPLATE.get(template, ())
    ]
    row = 3
    for label, value in rows:
        sheet.cell(row=row, column=1, value=label).font = _font(bold=True)
        target = sheet.cell(row=row, column=2, value=value)
        target.font = _font()
        target.alignment = Alignment(wrap_text=True, vertical="top", horizontal="left")
        if isinstance(value, Decimal):
            target.number_format = "0.00"
        sheet.merge_cells(start_row=row, start_column=2, end_row=row, end_column=4)
        row += 1
    for column, width in zip("ABCD", (26, 80, 8, 10), strict=True):
        sheet.column_dimensions[column].width = width
    _print_setup(sheet)


def render(
    report: Mapping[str, Any], narrative: Mapping[str, str] | None = None
) -> bytes:
    """The report as an XLSX workbook."""
    narrative = narrative or {}
    agency = report.get("agency", {})
    title = labels.report_title(agency.get("name", ""), report.get("year", ""))
    workbook = Workbook()
    workbook.properties.title = title
    workbook.properties.creator = agency.get("name", "")
    workbook.properties.created = document_moment(report)
    _summary_sheet(workbook, report, narrative, title)
    if report.get("template") == "2008":
        _legacy_sheets(workbook, report, title)
    else:
        _table2_sheet(workbook, report, title)
        _table3_sheet(workbook, report, title)
        _table4_sheet(workbook, report, title)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return reproducible_zip(buffer.getvalue(), moment=document_moment(report))
