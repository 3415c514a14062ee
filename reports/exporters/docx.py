"""The annual report (政府信息公开工作年度报告) as a Word document, set as Chinese official
documents are: A4, title in 宋体, section headings in 黑体, sub-headings in 楷体, body in
仿宋 三号 (16 pt) on a fixed 28 pt line, tables in 宋体 五号 with the official merged
headers (ogi-rules §3.4–§3.6).

Pure: no database, no settings, no clock. The document is the shared
``ReportDocument`` of the HTML exporter, so every format has the same sections, tables
and wording; every label comes from ``reports.labels``.
"""

from __future__ import annotations

import io
from collections.abc import Mapping
from typing import Any, Final

from docx import Document
from docx.enum.table import WD_CELL_VERTICAL_ALIGNMENT, WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH, WD_BREAK, WD_LINE_SPACING
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Cm, Pt

from reports.exporters.html import (
    Block,
    Grid,
    GridCell,
    cell_capacity,
    cell_lines,
    document_moment,
    report_document,
    reproducible_zip,
)

TITLE_FONT: Final = "宋体"
HEADING_FONT: Final = "黑体"
SUBHEADING_FONT: Final = "楷体"
BODY_FONT: Final = "仿宋"
TABLE_FONT: Final = "宋体"
LATIN_FONT: Final = "Times New Roman"

TITLE_SIZE: Final = Pt(22)  # 二号
BODY_SIZE: Final = Pt(16)  # 三号
TABLE_SIZE: Final = Pt(10.5)  # 五号
LINE_SPACING: Final = Pt(28)

PAGE_WIDTH_CM: Final = 21.0
PAGE_HEIGHT_CM: Final = 29.7
MARGIN_TOP_CM: Final = 2.5
MARGIN_SIDE_CM: Final = 2.0
TEXT_WIDTH_CM: Final = PAGE_WIDTH_CM - 2 * MARGIN_SIDE_CM
# Word's default cell margins (0.19 cm a side) and the width of a 五号 character.
CELL_PADDING_CM: Final = 0.38
TABLE_CHAR_CM: Final = 10.5 * 2.54 / 72


def set_font(run: Any, *, east_asia: str, size: Pt, bold: bool = False) -> None:
    """Give ``run`` its fonts. Word takes the font of Chinese characters from
    ``w:eastAsia``, not from the font name, so every run gets it, table cells included."""
    run.font.name = LATIN_FONT
    run.font.size = size
    run.font.bold = bold
    run._element.get_or_add_rPr().get_or_add_rFonts().set(qn("w:eastAsia"), east_asia)


def _paragraph(
    document: Any,
    text: str,
    *,
    font: str = BODY_FONT,
    size: Pt = BODY_SIZE,
    bold: bool = False,
    indent: bool = True,
    align: WD_ALIGN_PARAGRAPH = WD_ALIGN_PARAGRAPH.JUSTIFY,
) -> Any:
    paragraph = document.add_paragraph()
    paragraph.alignment = align
    layout = paragraph.paragraph_format
    layout.line_spacing_rule = WD_LINE_SPACING.EXACTLY
    layout.line_spacing = LINE_SPACING
    layout.space_before = layout.space_after = Pt(0)
    if indent:
        layout.first_line_indent = Pt(size.pt * 2)  # two characters
    set_font(paragraph.add_run(text), east_asia=font, size=size, bold=bold)
    return paragraph


def _title(document: Any, lines: tuple[str, ...]) -> None:
    paragraph = document.add_paragraph()
    paragraph.alignment = WD_ALIGN_PARAGRAPH.CENTER
    layout = paragraph.paragraph_format
    layout.space_after = Pt(16)
    layout.line_spacing_rule = WD_LINE_SPACING.EXACTLY
    layout.line_spacing = Pt(36)
    for index, line in enumerate(lines):
        run = paragraph.add_run(line)
        set_font(run, east_asia=TITLE_FONT, size=TITLE_SIZE, bold=True)
        if index < len(lines) - 1:
            run.add_break(WD_BREAK.LINE)


def _mark_row(row: Any, *, header: bool) -> None:
    """A row never splits across pages; header rows repeat on every page."""
    properties = row._tr.get_or_add_trPr()
    cant_split = OxmlElement("w:cantSplit")
    properties.append(cant_split)
    if header:
        repeat = OxmlElement("w:tblHeader")
        repeat.set(qn("w:val"), "true")
        properties.append(repeat)


def _fill(target: Any, grid: Grid, cell: GridCell) -> None:
    target.vertical_alignment = WD_CELL_VERTICAL_ALIGNMENT.CENTER
    for extra in target.paragraphs[1:]:  # merging leaves the merged cells' paragraphs
        extra._element.getparent().remove(extra._element)
    paragraph = target.paragraphs[0]
    paragraph.alignment = (
        WD_ALIGN_PARAGRAPH.LEFT if cell.kind == "label" else WD_ALIGN_PARAGRAPH.CENTER
    )
    layout = paragraph.paragraph_format
    layout.space_before = layout.space_after = Pt(0)
    layout.line_spacing_rule = WD_LINE_SPACING.SINGLE
    if cell.level:
        layout.left_indent = Pt(TABLE_SIZE.pt * cell.level)
    capacity = cell_capacity(
        grid,
        cell,
        table_width=TEXT_WIDTH_CM,
        char_width=TABLE_CHAR_CM,
        padding=CELL_PADDING_CM,
    )
    lines = cell_lines(cell, capacity=capacity)
    for index, line in enumerate(lines):
        run = paragraph.add_run(line)
        set_font(run, east_asia=TABLE_FONT, size=TABLE_SIZE)
        if index < len(lines) - 1:
            run.add_break(WD_BREAK.LINE)


def _table(document: Any, grid: Grid) -> None:
    table = document.add_table(rows=grid.rows, cols=grid.columns)
    table.style = "Table Grid"
    table.alignment = WD_TABLE_ALIGNMENT.CENTER
    table.autofit = False
    widths = [Cm(TEXT_WIDTH_CM * share / 100) for share in grid.widths]
    for column, width in zip(table.columns, widths, strict=True):
        column.width = width
    # The cells are taken once, before any merge: Table.cell() walks the whole table on
    # every call, which made table 三 take seconds.
    matrix = [list(row.cells) for row in table.rows]
    for index, (row, cells) in enumerate(zip(table.rows, matrix, strict=True)):
        _mark_row(row, header=index < grid.header_rows)
        for cell, width in zip(cells, widths, strict=True):
            cell.width = width
    for cell in grid.cells:
        target = matrix[cell.row][cell.column]
        if cell.rowspan > 1 or cell.colspan > 1:
            corner = matrix[cell.row + cell.rowspan - 1][cell.column + cell.colspan - 1]
            target = target.merge(corner)
        _fill(target, grid, cell)
    # A paragraph after the table keeps two stacked tables apart.
    _paragraph(document, "", size=TABLE_SIZE, indent=False)


def _block(document: Any, block: Block) -> None:
    if block.kind == "table" and block.grid is not None:
        _table(document, block.grid)
    elif block.kind == "subheading":
        _paragraph(document, block.lines[0], font=SUBHEADING_FONT)
    else:
        for line in block.lines:
            _paragraph(document, line)


def _setup(document: Any, report: Mapping[str, Any], title: str) -> None:
    section = document.sections[0]
    section.page_width = Cm(PAGE_WIDTH_CM)
    section.page_height = Cm(PAGE_HEIGHT_CM)
    section.top_margin = section.bottom_margin = Cm(MARGIN_TOP_CM)
    section.left_margin = section.right_margin = Cm(MARGIN_SIDE_CM)
    normal = document.styles["Normal"]
    normal.font.name = LATIN_FONT
    normal.font.size = BODY_SIZE
    normal.element.get_or_add_rPr().get_or_add_rFonts().set(qn("w:eastAsia"), BODY_FONT)
    properties = document.core_properties
    properties.title = title
    properties.author = report.get("agency", {}).get("name", "")
    properties.last_modified_by = ""
    properties.created = properties.modified = document_moment(report)
    properties.revision = 1


def render(
    report: Mapping[str, Any], narrative: Mapping[str, str] | None = None
) -> bytes:
    """The report as a DOCX file."""
    content = report_document(report, narrative)
    document = Document()
    _setup(document, report, content.title)
    _title(document, content.title_lines)
    for note in content.notes:
        _paragraph(document, note, indent=False, align=WD_ALIGN_PARAGRAPH.CENTER)
    for section in content.sections:
        _paragraph(document, section.title, font=HEADING_FONT)
        for block in section.blocks:
            _block(document, block)
    buffer = io.BytesIO()
    document.save(buffer)
    return reproducible_zip(buffer.getvalue(), moment=document_moment(report))
