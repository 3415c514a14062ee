"""The annual report (政府信息公开工作年度报告) as a standalone, printable HTML5 document,
and the document layout that every file format shares.

Pure: no database, no settings, no clock. ``render(report, narrative)`` takes the report
JSON of contract §7 and the narrative sections and returns UTF-8 HTML; the PDF is this
HTML printed by WeasyPrint. The DOCX and XLSX exporters lay out the same
``ReportDocument`` and the same table grids (``table2_grid``, ``table3_grid``,
``table4_grid``, ``legacy_grid``), so the official layouts of ogi-rules §3.4–§3.6 and
the order of the sections are written down once. Every label comes from
``reports.labels``.

``narrative`` holds what staff wrote: ``overview`` (一、总体情况), ``problems`` (五) and
``other_matters`` (六). The sentences that state figures are not part of it: they are
computed from the report itself (``reports.builder.figure_sentences``) and set after
their sub-heading, so a published file always prints the figures of its snapshot. The
pre-2019 report uses ``overview`` for 一、重点工作情况, ``key_areas`` for
二、重点领域信息公开情况 (a generated sentence when empty), ``problems`` for
四、存在的不足及改进措施 and ``other_matters`` for the closing paragraph of
三（五）人员和收支情况.

The checks (V1–V6) are for staff: they are shown in the staff preview, never printed in
a document.
"""

from __future__ import annotations

import io
import itertools
import re
import zipfile
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal, InvalidOperation
from functools import cache
from pathlib import Path
from typing import Any, Final, Literal

from django.template import Context, Engine

from reports import labels
from reports.builder import figure_sentences, strip_figure_sentences

TEMPLATE_DIR: Final = (
    Path(__file__).resolve().parents[2] / "templates" / "reports" / "export"
)
TEMPLATE_NAME: Final = "report.html"

ROLLUP_NOTE: Final = "（本报告数据为本机关及所属下级机关的汇总数据）"
REPLIES_TOTAL_LABEL: Final = "申请答复数"
"""The seed report's wording for the sum of the replies (not a cell of any official table)."""

CellKind = Literal["note", "header", "label", "number", "blank"]
BlockKind = Literal["subheading", "paragraph", "table"]

# "（一）存在的问题" is a sub-heading; a longer line that starts so is a paragraph.
SUBHEADING = re.compile(r"^（[一二三四五六七八九十]+）")
SUBHEADING_MAX_CHARS: Final = 30


# --- Layout shared by every format -------------------------------------------------------


@dataclass(frozen=True, slots=True)
class GridCell:
    """A cell of a table laid out on a grid. A merged cell is anchored at its top-left
    position and covers ``rowspan`` × ``colspan`` positions.

    ``key`` names the figure in the report JSON (row key, column key) so the XLSX
    exporter can put formulas where the report defines sums; ``value`` is the figure as
    a number (int, or Decimal for amounts), None when it is not a number.
    """

    row: int
    column: int
    text: str
    kind: CellKind
    rowspan: int = 1
    colspan: int = 1
    level: int = 0
    key: tuple[str, str] | None = None
    value: int | Decimal | None = None


@dataclass(frozen=True, slots=True)
class Grid:
    """A table of ``rows`` × ``columns`` positions. The first ``header_rows`` rows are its
    header (repeated on every printed page); ``widths`` are the columns' shares of the
    table's width, in per cent."""

    name: str
    rows: int
    columns: int
    header_rows: int
    widths: tuple[float, ...]
    cells: tuple[GridCell, ...]

    def lines(self) -> list[list[GridCell]]:
        """The cells anchored on each row of the grid, left to right."""
        by_row: list[list[GridCell]] = [[] for _ in range(self.rows)]
        for cell in sorted(self.cells, key=lambda cell: (cell.row, cell.column)):
            by_row[cell.row].append(cell)
        return by_row

    def keyed(self) -> dict[tuple[str, str], GridCell]:
        """The figure cells by their key."""
        return {cell.key: cell for cell in self.cells if cell.key is not None}


@dataclass(frozen=True, slots=True)
class Block:
    """A piece of a section: a sub-heading (（一）…), a paragraph of one or more lines, or
    a table. ``computed``: a paragraph of figure sentences generated from the report
    (not written by staff)."""

    kind: BlockKind
    lines: tuple[str, ...] = ()
    grid: Grid | None = None
    computed: bool = False


@dataclass(frozen=True, slots=True)
class Section:
    title: str
    blocks: tuple[Block, ...]


@dataclass(frozen=True, slots=True)
class ReportDocument:
    """The report as a document: title (and the lines it is set on: the agency's name,
    then the rest), notes under the title and sections in order."""

    title: str
    title_lines: tuple[str, ...]
    notes: tuple[str, ...]
    sections: tuple[Section, ...]


def balanced_lines(text: str, capacity: int) -> tuple[str, ...]:
    """``text`` broken into lines of at most ``capacity`` characters, as even as
    possible and with an even number of characters per line: headers are made of
    two-character words, so "结果维持" becomes "结果" / "维持" and, three to a line,
    "社会公益组织" becomes "社会" / "公益" / "组织", never "结果维" / "持"."""
    if capacity < 1 or len(text) <= capacity:
        return (text,)
    count = -(-len(text) // capacity)
    per_line = -(-len(text) // count)
    if per_line % 2 and per_line < capacity:
        per_line += 1
    elif per_line % 2 and per_line > 1:
        per_line -= 1
    return tuple(
        text[start : start + per_line] for start in range(0, len(text), per_line)
    )


def cell_lines(cell: GridCell, *, capacity: int) -> tuple[str, ...]:
    """The lines a cell's text is set on, ``capacity`` being how many characters fit on
    a line of the cell. Headers break evenly (``balanced_lines``); a group header of
    table 三 in its narrow column breaks after its number, "（三）" above "不予公开";
    any other text is left to the line breaking of the viewer."""
    if cell.kind == "header":
        return balanced_lines(cell.text, capacity)
    if cell.kind == "label" and cell.rowspan > 1 and cell.text.startswith("（"):
        number, bracket, rest = cell.text.partition("）")
        if bracket and rest:
            return (number + bracket, rest)
    return (cell.text,)


def cell_capacity(
    grid: Grid, cell: GridCell, *, table_width: float, char_width: float, padding: float
) -> int:
    """How many full-width characters fit on a line of ``cell`` when the table is
    ``table_width`` wide (the same unit for every argument)."""
    share = sum(grid.widths[cell.column : cell.column + cell.colspan])
    return int((table_width * share / 100 - padding) // char_width)


def _number(value: Any) -> int | Decimal | None:
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        return value
    if isinstance(value, str | Decimal | float):
        try:
            return Decimal(str(value))
        except InvalidOperation:
            return None
    return None


def _text(value: Any) -> str:
    """A figure as printed: integers as they are, amounts as the JSON gives them."""
    return "" if value is None else str(value)


def _figure(
    row: int, column: int, value: Any, *, key: tuple[str, str], colspan: int = 1
) -> GridCell:
    return GridCell(
        row,
        column,
        _text(value),
        "number",
        colspan=colspan,
        key=key,
        value=_number(value),
    )


def _spread(width: int, parts: int) -> list[int]:
    """Column spans that share ``width`` columns among ``parts`` cells, the last taking
    the remainder: a one-column sub-table of table 二 spans the whole width."""
    span = width // parts
    return [span] * (parts - 1) + [width - span * (parts - 1)]


def table2_grid(report: Mapping[str, Any]) -> Grid:
    """Table 二 (ogi-rules §3.4): four stacked sub-tables, each headed by its Art. 20
    item, in one grid of 信息内容 plus three data columns."""
    table = report.get("table2", {})
    width = max(len(sub.columns) for sub in labels.TABLE2_SUBTABLES)
    columns = 1 + width
    cells: list[GridCell] = []
    row = 0
    for sub in labels.TABLE2_SUBTABLES:
        spans = _spread(width, len(sub.columns))
        cells.append(GridCell(row, 0, sub.header, "header", colspan=columns))
        row += 1
        cells.append(GridCell(row, 0, sub.first_column, "header"))
        column = 1
        for (_, label), span in zip(sub.columns, spans, strict=True):
            cells.append(GridCell(row, column, label, "header", colspan=span))
            column += span
        row += 1
        for row_key, row_label in sub.rows:
            cells.append(GridCell(row, 0, row_label, "label"))
            column = 1
            for (column_key, _), span in zip(sub.columns, spans, strict=True):
                value = table.get(row_key, {}).get(column_key)
                cells.append(
                    _figure(row, column, value, key=(row_key, column_key), colspan=span)
                )
                column += span
            row += 1
    return Grid("table2", row, columns, 0, (31.0, 23.0, 23.0, 23.0), tuple(cells))


def _group_span(lines: Sequence[labels.Table3Line], index: int) -> int:
    """How many data rows a group header of table 三 covers: its coded lines up to the
    next line of its own level or above."""
    level = lines[index].level
    span = 0
    for line in lines[index + 1 :]:
        if line.level <= level:
            break
        if line.code:
            span += 1
    return span


def table3_grid(report: Mapping[str, Any], *, nested: bool = True) -> Grid:
    """Table 三 (ogi-rules §3.5) with its official header: the note in the top-left cell,
    申请人情况 over 自然人 | 法人或其他组织 (five sub-columns) | 总计.

    ``nested``: the row labels in three columns, the group headers 三、（三）（四）（五）
    （六） as merged cells beside their rows (the printed layout). Otherwise one label
    column, indented by level, with the group headers as rows of their own that carry
    no numbers (the spreadsheet layout, where the outcome rows stay one range).
    """
    figures = report.get("table3", {}).get("rows", {})
    label_columns = 3 if nested else 1
    data_columns = labels.TABLE3_COLUMNS
    organisations = data_columns[1:-1]
    columns = label_columns + len(data_columns)
    cells = [
        GridCell(0, 0, labels.TABLE3_NOTE, "note", rowspan=3, colspan=label_columns),
        GridCell(
            0,
            label_columns,
            labels.TABLE3_APPLICANT_HEADER,
            "header",
            colspan=len(data_columns),
        ),
        GridCell(1, label_columns, data_columns[0][1], "header", rowspan=2),
        GridCell(
            1,
            label_columns + 1,
            labels.TABLE3_ORGANISATION_HEADER,
            "header",
            colspan=len(organisations),
        ),
        GridCell(1, columns - 1, data_columns[-1][1], "header", rowspan=2),
    ]
    cells += [
        GridCell(2, label_columns + 1 + index, label, "header")
        for index, (_, label) in enumerate(organisations)
    ]
    row = 3
    lines = labels.TABLE3_LINES
    for index, line in enumerate(lines):
        if line.code is None and nested:
            span = _group_span(lines, index)
            cells.append(GridCell(row, line.level, line.label, "label", rowspan=span))
            continue
        if line.code is None:
            cells.append(GridCell(row, 0, line.label, "label", level=line.level))
            cells += [
                GridCell(row, label_columns + offset, "", "blank")
                for offset in range(len(data_columns))
            ]
            row += 1
            continue
        column = line.level if nested else 0
        cells.append(
            GridCell(
                row,
                column,
                line.label,
                "label",
                colspan=label_columns - column,
                level=0 if nested else line.level,
            )
        )
        values = figures.get(line.code, {})
        cells += [
            _figure(row, label_columns + offset, values.get(key), key=(line.code, key))
            for offset, (key, _) in enumerate(data_columns)
        ]
        row += 1
    # Figure columns just wide enough for "商业企业" on one printed line; the labels
    # take the rest, the longest of them on three lines.
    label_widths = (7.0, 9.5, 28.5) if nested else (45.0,)
    widths = (*label_widths, *(8.0,) * (len(data_columns) - 1), 7.0)
    return Grid("table3", row, columns, 3, widths, tuple(cells))


def table4_grid(report: Mapping[str, Any]) -> Grid:
    """Table 四 (ogi-rules §3.6): 行政复议 (five columns) | 行政诉讼 → 未经复议直接起诉 (five)
    | 复议后起诉 (five), and one data row of fifteen figures."""
    table = report.get("table4", {})
    results = labels.TABLE4_RESULTS
    groups = labels.TABLE4_GROUPS
    width = len(results)
    cells: list[GridCell] = []
    column = 0
    # Consecutive groups under the same top header (行政诉讼) share one merged cell.
    for top, members in itertools.groupby(groups, key=lambda group: group[1]):
        span = width * len(list(members))
        cells.append(GridCell(0, column, top, "header", colspan=span))
        column += span
    for index, (key, _, second) in enumerate(groups):
        first = index * width
        if second:
            cells.append(GridCell(1, first, second, "header", colspan=width))
        for offset, (result, label) in enumerate(results):
            if second:
                cells.append(GridCell(2, first + offset, label, "header"))
            else:
                cells.append(GridCell(1, first + offset, label, "header", rowspan=2))
            value = table.get(key, {}).get(result)
            cells.append(_figure(3, first + offset, value, key=(key, result)))
    columns = width * len(groups)
    return Grid("table4", 4, columns, 3, (100.0 / columns,) * columns, tuple(cells))


# --- The pre-2019 report -----------------------------------------------------------------

LegacyLine = tuple[str, Any, int, tuple[str, str]]
"""(label, figure, indentation level, key) of a line of a pre-2019 data table."""


def _replied(replies: Mapping[str, Any]) -> int:
    """申请答复数: the replies of every category."""
    return sum(
        value
        for value in replies.values()
        if isinstance(value, int) and not isinstance(value, bool)
    )


def _legacy_lines(report: Mapping[str, Any], group: str) -> list[LegacyLine]:
    data = report.get(group, {})
    if group == "proactive":
        by_category = data.get("by_category", {})
        postings = data.get("postings", {})
        lines: list[LegacyLine] = [
            (label, data.get(key), 0 if key == "items" else 1, ("proactive", key))
            for key, label in labels.LEGACY_PROACTIVE
        ]
        lines += [
            (label, by_category.get(key), 1, ("by_category", key))
            for key, label in labels.LEGACY_CATEGORIES
        ]
        lines += [
            (label, postings.get(key), 0 if key == "total" else 1, ("postings", key))
            for key, label in labels.LEGACY_POSTINGS
        ]
        return lines
    if group == "responses":
        return [
            (label, data.get(key), 0 if key == "total" else 1, ("responses", key))
            for key, label in labels.LEGACY_RESPONSES
        ]
    if group == "applications":
        by_channel = data.get("by_channel", {})
        replies = data.get("replies", {})
        received, *completion = labels.LEGACY_APPLICATIONS
        lines = [(received[1], data.get(received[0]), 0, ("applications", received[0]))]
        lines += [
            (label, by_channel.get(key), 1, ("by_channel", key))
            for key, label in labels.LEGACY_CHANNELS
        ]
        lines += [
            (label, data.get(key), 0, ("applications", key))
            for key, label in completion
        ]
        lines.append((REPLIES_TOTAL_LABEL, _replied(replies), 0, ("replies", "total")))
        lines += [
            (label, replies.get(key), 1, ("replies", key))
            for key, label in labels.LEGACY_REPLIES
        ]
        return lines
    items = {
        "appeals": labels.LEGACY_APPEALS,
        "staff_and_costs": labels.LEGACY_STAFF_AND_COSTS,
    }[group]
    return [(label, data.get(key), 0, (group, key)) for key, label in items]


LEGACY_COLUMN_LABELS: Final = ("指标", "数量")


def legacy_grid(report: Mapping[str, Any], group: str) -> Grid:
    """A group of the pre-2019 report's figures as a two-column table 指标 | 数量."""
    cells = [
        GridCell(0, 0, LEGACY_COLUMN_LABELS[0], "header"),
        GridCell(0, 1, LEGACY_COLUMN_LABELS[1], "header"),
    ]
    lines = _legacy_lines(report, group)
    for row, (label, value, level, key) in enumerate(lines, start=1):
        cells.append(GridCell(row, 0, label, "label", level=level))
        cells.append(_figure(row, 1, value, key=key))
    return Grid(group, len(lines) + 1, 2, 1, (75.0, 25.0), tuple(cells))


def _nonzero(
    items: Sequence[tuple[str, str]], values: Mapping[str, Any], unit: str
) -> list[str]:
    return [f"{label}{values[key]}{unit}" for key, label in items if values.get(key)]


def legacy_sentences(
    report: Mapping[str, Any], group: str, *, with_costs: bool = True
) -> list[str]:
    """The figures of a group as the seed report writes them, e.g.
    "本单位2017年度共收到政府信息公开申请3件，网络申请数2件，信函申请数1件。"

    ``with_costs``: say the fees and litigation costs in （五） (left out when the narrative
    reports them itself).
    """
    year = report.get("year")
    data = report.get(group, {})
    if group == "proactive":
        # "主动公开政府信息数" reads as prose here, as in the seed report.
        key_area_label = dict(labels.LEGACY_PROACTIVE)["key_area_items"]
        first = (
            f"本单位{year}年共主动公开政府信息{data.get('items', 0)}条，"
            f"{key_area_label}{data.get('key_area_items', 0)}条。"
        )
        postings = data.get("postings", {})
        total_label = dict(labels.LEGACY_POSTINGS)["total"]
        channels = _nonzero(
            [item for item in labels.LEGACY_POSTINGS if item[0] != "total"],
            postings,
            "条",
        )
        posted = f"{total_label}{postings.get('total', 0)}条"
        if channels:
            posted += "，其中" + "，".join(channels)
        categories = _nonzero(
            labels.LEGACY_CATEGORIES, data.get("by_category", {}), "条"
        )
        second = (
            "其中：" + "，".join([*categories, posted]) if categories else posted
        ) + "。"
        return [first, second]
    if group == "responses":
        names = dict(labels.LEGACY_RESPONSES)
        total_label, leader_label = names["total"], names["leader_online_interviews"]
        return [
            f"{total_label}为{data.get('total', 0)}，"
            f"其中{leader_label}为{data.get('leader_online_interviews', 0)}。"
        ]
    if group == "applications":
        channels = _nonzero(labels.LEGACY_CHANNELS, data.get("by_channel", {}), "件")
        received = f"本单位{year}年度共收到政府信息公开申请{data.get('received', 0)}件"
        names = dict(labels.LEGACY_APPLICATIONS)
        completed_label, on_time_label = names["completed"], names["completed_on_time"]
        completed, on_time = data.get("completed", 0), data.get("completed_on_time", 0)
        completion = (
            f"{completed_label}和{on_time_label}均为{completed}件。"
            if completed == on_time
            else f"{completed_label}{completed}件，{on_time_label}{on_time}件。"
        )
        replies = data.get("replies", {})
        reply_parts = _nonzero(labels.LEGACY_REPLIES, replies, "件")
        return [
            "，".join([received, *channels]) + "。" + completion,
            "，".join([f"{REPLIES_TOTAL_LABEL}{_replied(replies)}件", *reply_parts])
            + "。",
        ]
    if group == "appeals":
        parts = [f"{label}{data.get(key, 0)}件" for key, label in labels.LEGACY_APPEALS]
        return [f"{year}年，" + "，".join(parts) + "。"]
    costs = dict(labels.LEGACY_STAFF_AND_COSTS)
    staff = _nonzero(
        [(key, costs[key]) for key in ("staff_full_time", "staff_part_time")],
        data,
        "人",
    ) or [f"{costs['staff_full_time']}0人"]
    sentence = "，".join(staff) + "。"
    if with_costs:
        fees = _number(data.get("fees_collected_yuan")) or 0
        litigation = _number(data.get("litigation_costs_yuan")) or 0
        sentence += (
            f"{year}年度未发生依申请公开政府信息收费及诉讼有关费用。"
            if not fees and not litigation
            else f"依申请公开政府信息收取费用{data.get('fees_collected_yuan')}元，"
            f"因政府信息公开诉讼支出费用{data.get('litigation_costs_yuan')}元。"
        )
    sentence += (
        f"{costs['meetings']}{data.get('meetings', 0)}次，"
        f"{costs['trainees']}{data.get('trainees', 0)}人。"
    )
    return [sentence]


# --- The document ------------------------------------------------------------------------


def narrative_blocks(text: str | None) -> list[Block]:
    """A narrative section as blocks: paragraphs are separated by blank lines, the lines
    of a paragraph stay lines, and a short line opening with （一）… is a sub-heading."""
    blocks: list[Block] = []
    for chunk in re.split(r"\n\s*\n", (text or "").strip()):
        lines: list[str] = []
        for raw in chunk.splitlines():
            line = raw.strip()
            if not line:
                continue
            if SUBHEADING.match(line) and len(line) <= SUBHEADING_MAX_CHARS:
                if lines:
                    blocks.append(Block("paragraph", tuple(lines)))
                    lines = []
                blocks.append(Block("subheading", (line,)))
            else:
                lines.append(line)
        if lines:
            blocks.append(Block("paragraph", tuple(lines)))
    return blocks


NUMERALS: Final = "一二三四五六七八九"


def heading_number(text: str) -> int | None:
    """The number of a sub-heading: "（三）政府信息管理" → 3, "（十二）…" → 12."""
    match = SUBHEADING.match(text)
    if not match:
        return None
    tens, ten, units = match.group(0)[1:-1].partition("十")
    digits = {numeral: value for value, numeral in enumerate(NUMERALS, start=1)}
    if not ten:
        return digits.get(tens)
    if (tens and tens not in digits) or (units and units not in digits):
        return None
    return 10 * digits.get(tens, 1) + digits.get(units, 0)


def with_figures(
    blocks: Sequence[Block], figures: Sequence[tuple[str | None, str]]
) -> list[Block]:
    """``blocks`` (the staff's text) with the figure sentences set in, each right after
    its anchor sub-heading. An anchor the text does not have is added with its sentences
    before the first sub-heading of a higher number (else at the end), so the figures
    are printed even when staff removed the heading; sentences without an anchor open
    the section."""
    grouped: dict[str | None, list[str]] = {}
    for anchor, sentence in figures:
        grouped.setdefault(anchor, []).append(sentence)

    def computed(anchor: str | None) -> list[Block]:
        return [
            Block("paragraph", (line,), computed=True)
            for line in grouped.pop(anchor, [])
        ]

    present = {block.lines[0] for block in blocks if block.kind == "subheading"}
    missing = [anchor for anchor in grouped if anchor and anchor not in present]
    result = computed(None)
    for block in blocks:
        number = heading_number(block.lines[0]) if block.kind == "subheading" else None
        for anchor in list(missing):
            if number is not None and number > (heading_number(anchor) or 0):
                result += [Block("subheading", (anchor,)), *computed(anchor)]
                missing.remove(anchor)
        result.append(block)
        if block.kind == "subheading":
            result += computed(block.lines[0])
    for anchor in missing:
        result += [Block("subheading", (anchor,)), *computed(anchor)]
    return result


def narrative_section(
    report: Mapping[str, Any], narrative: Mapping[str, str], key: str
) -> list[Block]:
    """A narrative section as printed: the staff's text (without any figure sentence a
    draft used to store) with the report's own figure sentences set in."""
    text = strip_figure_sentences(narrative.get(key) or "")
    blocks = with_figures(narrative_blocks(text), figure_sentences(report).get(key, ()))
    if key == "key_areas" and not blocks:
        key_area_label = dict(labels.LEGACY_PROACTIVE)["key_area_items"]
        key_area_items = report.get("proactive", {}).get("key_area_items", 0)
        sentence = f"本年度{key_area_label}{key_area_items}条。"
        blocks = [Block("paragraph", (sentence,), computed=True)]
    return blocks


def _sections_2021(
    report: Mapping[str, Any], narrative: Mapping[str, str]
) -> list[Section]:
    overview, proactive, applications, appeals, problems, other = labels.SECTION_TITLES
    return [
        Section(overview, tuple(narrative_section(report, narrative, "overview"))),
        Section(proactive, (Block("table", grid=table2_grid(report)),)),
        Section(applications, (Block("table", grid=table3_grid(report)),)),
        Section(appeals, (Block("table", grid=table4_grid(report)),)),
        Section(problems, tuple(narrative_section(report, narrative, "problems"))),
        Section(other, tuple(narrative_section(report, narrative, "other_matters"))),
    ]


def _sections_2008(
    report: Mapping[str, Any], narrative: Mapping[str, str]
) -> list[Section]:
    key_work, key_areas, data, problems = labels.LEGACY_SECTION_TITLES
    closing = narrative_section(report, narrative, "other_matters")
    data_blocks: list[Block] = []
    for group, heading in labels.LEGACY_DATA_HEADINGS:
        sentences = legacy_sentences(report, group)
        data_blocks.append(Block("subheading", (heading,)))
        data_blocks += [Block("paragraph", (sentence,)) for sentence in sentences]
        if group == "staff_and_costs":
            data_blocks += closing
        data_blocks.append(Block("table", grid=legacy_grid(report, group)))
    return [
        Section(key_work, tuple(narrative_section(report, narrative, "overview"))),
        Section(key_areas, tuple(narrative_section(report, narrative, "key_areas"))),
        Section(data, tuple(data_blocks)),
        Section(problems, tuple(narrative_section(report, narrative, "problems"))),
    ]


def report_document(
    report: Mapping[str, Any], narrative: Mapping[str, str] | None = None
) -> ReportDocument:
    """The report as a document in the layout of its template ("2021" or "2008")."""
    narrative = narrative or {}
    agency = report.get("agency", {})
    title = labels.report_title(agency.get("name", ""), report.get("year", ""))
    if report.get("template") == "2008":
        sections = _sections_2008(report, narrative)
    else:
        sections = _sections_2021(report, narrative)
    name = agency.get("name", "")
    # Set as official reports are: the agency's name on a line of its own, so a long
    # name never breaks the words "年度报告" across lines.
    title_lines = (
        (name, title[len(name) :]) if name and title.startswith(name) else (title,)
    )
    return ReportDocument(
        title=title,
        title_lines=title_lines,
        notes=(ROLLUP_NOTE,) if report.get("rollup") else (),
        sections=tuple(sections),
    )


# --- HTML --------------------------------------------------------------------------------


# The printed geometry of the template's CSS, in millimetres: A4 less 2 cm margins, 9 pt
# table text, 1 pt of padding and the borders.
TABLE_WIDTH_MM: Final = 170.0
TABLE_CHAR_MM: Final = 9 * 25.4 / 72
CELL_PADDING_MM: Final = 1.2


def _cell_view(grid: Grid, cell: GridCell, *, header: bool) -> dict[str, Any]:
    classes = [cell.kind]
    if cell.level:
        classes.append(f"level-{cell.level}")
    tag = "th" if header or cell.kind in ("header", "note") else "td"
    capacity = cell_capacity(
        grid,
        cell,
        table_width=TABLE_WIDTH_MM,
        char_width=TABLE_CHAR_MM,
        padding=CELL_PADDING_MM,
    )
    return {
        "tag": tag,
        "lines": list(cell_lines(cell, capacity=capacity)),
        "rowspan": str(cell.rowspan) if cell.rowspan > 1 else "",
        "colspan": str(cell.colspan) if cell.colspan > 1 else "",
        "classes": " ".join(classes),
    }


def _table_view(grid: Grid) -> dict[str, Any]:
    # Plain strings only: the template then never formats a number (which would read
    # Django's localisation settings).
    lines = grid.lines()
    return {
        "name": grid.name,
        "widths": [f"{width:.2f}%" for width in grid.widths],
        "head": [
            [_cell_view(grid, cell, header=True) for cell in line]
            for line in lines[: grid.header_rows]
        ],
        "body": [
            [_cell_view(grid, cell, header=False) for cell in line]
            for line in lines[grid.header_rows :]
        ],
    }


def _block_view(block: Block) -> dict[str, Any]:
    return {
        "kind": block.kind,
        "lines": list(block.lines),
        "table": _table_view(block.grid) if block.grid else None,
    }


@cache
def _engine() -> Engine:
    # A standalone engine: the export works without Django's settings.
    return Engine(dirs=[str(TEMPLATE_DIR)], autoescape=True, debug=False)


def render_html(
    report: Mapping[str, Any], narrative: Mapping[str, str] | None = None
) -> str:
    """The report as an HTML5 document (text)."""
    document = report_document(report, narrative)
    context = {
        "title": document.title,
        "title_lines": list(document.title_lines),
        "notes": list(document.notes),
        "sections": [
            {"title": section.title, "blocks": [_block_view(b) for b in section.blocks]}
            for section in document.sections
        ],
    }
    return _engine().get_template(TEMPLATE_NAME).render(Context(context))


def render(
    report: Mapping[str, Any], narrative: Mapping[str, str] | None = None
) -> bytes:
    """The report as a standalone, printable HTML5 file (UTF-8)."""
    return render_html(report, narrative).encode("utf-8")


# --- Shared by the zip-based formats (DOCX, XLSX) ----------------------------------------

CORE_DATES = re.compile(
    rb"(<dcterms:(?:created|modified)[^>]*>)[^<]*(</dcterms:(?:created|modified)>)"
)


def document_moment(report: Mapping[str, Any]) -> datetime:
    """The fixed timestamp written into a file's metadata: the first moment after the
    report year. Files then depend on the report alone, never on the clock, so the same
    report always gives the same bytes (and the same checksum)."""
    year = report.get("year")
    year = year + 1 if isinstance(year, int) and 1980 <= year < 9999 else 1980
    return datetime(year, 1, 1)  # noqa: DTZ001 - a naive date stamp inside a file


def reproducible_zip(data: bytes, *, moment: datetime) -> bytes:
    """The zip package ``data`` with every entry's time and the document properties'
    created/modified dates set to ``moment`` (python-docx and openpyxl stamp the
    current time)."""
    stamp = moment.strftime("%Y-%m-%dT%H:%M:%SZ").encode("ascii")
    source = zipfile.ZipFile(io.BytesIO(data))
    output = io.BytesIO()
    with zipfile.ZipFile(output, "w", zipfile.ZIP_DEFLATED) as target:
        for info in source.infolist():
            content = source.read(info.filename)
            if info.filename == "docProps/core.xml":
                content = CORE_DATES.sub(rb"\g<1>" + stamp + rb"\g<2>", content)
            entry = zipfile.ZipInfo(info.filename, date_time=moment.timetuple()[:6])
            entry.compress_type = zipfile.ZIP_DEFLATED
            entry.external_attr = info.external_attr
            target.writestr(entry, content)
    return output.getvalue()
