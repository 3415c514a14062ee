"""Reading ledger files (台账), pure: bytes in, typed cells and row problems out.

A ledger is a CSV file (UTF-8, with or without BOM) or the first sheet of an XLSX
workbook, with one header row (contract §5). Headers are the English column names; the
Chinese label of each column is accepted as an alias. Every problem is reported as
``row N, column C: reason`` where N counts the header as row 1, so that a clerk can
find the cell in a spreadsheet program. Nothing here touches the database.
"""

from __future__ import annotations

import csv
import io
import re
import zipfile
from collections.abc import Callable, Collection, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal, InvalidOperation
from operator import itemgetter
from typing import NamedTuple, TypeVar

from disclosure.text import text_clean

HEADER_ROW = 1
XLSX_MAGIC = b"PK\x03\x04"
_DATE = re.compile(r"^(\d{4})\s*[-/.年]\s*(\d{1,2})\s*[-/.月]\s*(\d{1,2})\s*日?$")
# A spreadsheet that stored a date with its midnight time: "2025-09-26 00:00:00".
_MIDNIGHT = re.compile(r"^(.+?)[ T]00:00(:00(\.0+)?)?$")
_DECIMAL = re.compile(r"^\d+(\.\d+)?$")
_INTEGER = re.compile(r"^\d+$")


@dataclass(frozen=True, slots=True)
class Column:
    """One column of a ledger: its English name, its Chinese alias, and whether the
    header must contain it."""

    name: str
    label: str
    required: bool = False


@dataclass(frozen=True, slots=True)
class RowProblem:
    """A problem in one cell (or, for row 1, with one header)."""

    row: int
    column: str
    reason: str

    def __str__(self) -> str:
        return f"row {self.row}, column {self.column}: {self.reason}"


class LedgerRefused(Exception):
    """The ledger was refused as a whole; ``problems`` lists every problem found."""

    def __init__(self, problems: Sequence[RowProblem]) -> None:
        self.problems = sorted(problems, key=lambda p: (p.row, p.column, p.reason))
        super().__init__(
            f"台账有{len(self.problems)}处错误，未写入任何数据：\n"
            + "\n".join(str(problem) for problem in self.problems)
        )


@dataclass(frozen=True, slots=True)
class SheetLayout:
    """Where the cells of every row of one sheet are: ``names`` are the declared columns
    in their declared order (the order of ``SheetRow.values``), ``index`` the place of
    each in ``values``, ``present`` those the file has, in the order of its header."""

    names: tuple[str, ...]
    present: tuple[str, ...]
    index: Mapping[str, int]


class SheetRow(NamedTuple):
    """One data row: its row number in the file and its cells (stripped text, "" for an
    empty cell or a column the file does not have).

    ``values`` holds one cell per declared column, in the declared order, so that a
    large ledger is read by position instead of building a dictionary per row."""

    number: int
    values: tuple[str, ...]
    layout: SheetLayout

    @property
    def cells(self) -> dict[str, str]:
        """The cells of the columns the file has, by column name."""
        index = self.layout.index
        return {name: self.values[index[name]] for name in self.layout.present}

    def get(self, column: str) -> str:
        position = self.layout.index.get(column)
        return "" if position is None else self.values[position]


@dataclass(frozen=True, slots=True)
class Sheet:
    """The data rows of a ledger; ``columns`` are the known columns the header holds,
    ``ignored`` the header cells that match no column (reported, not read)."""

    columns: tuple[str, ...]
    rows: tuple[SheetRow, ...]
    ignored: tuple[str, ...] = ()


def _cell_text(value: object) -> str:
    """A spreadsheet cell as the text a CSV file would hold."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "1" if value else "0"
    if isinstance(value, datetime):
        if value.time() == datetime.min.time():
            return value.date().isoformat()
        return value.isoformat(sep=" ")
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, float):
        if value.is_integer():
            return str(int(value))
        return format(Decimal(repr(value)), "f")
    return text_clean(str(value)).strip()


def _csv_records(data: bytes) -> Iterator[list[str]]:
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        # Spreadsheet programs on Chinese Windows save "CSV" as GB18030 (GBK); the
        # contract asks for UTF-8, but refusing such a file only sends the clerk back
        # to the same program.
        text = data.decode("gb18030", errors="strict").lstrip("\ufeff")
    # Characters no letter or report can print (a pasted \x0b, a NUL) become spaces:
    # one pass over the whole file, before the cells are split.
    text = text_clean(text)
    first_line = text.split("\n", 1)[0]
    delimiter = "\t" if "\t" in first_line and "," not in first_line else ","
    strip = str.strip
    for record in csv.reader(io.StringIO(text, newline=""), delimiter=delimiter):
        yield list(map(strip, record))


def _xlsx_records(data: bytes) -> Iterator[list[str]]:
    from openpyxl import load_workbook

    workbook = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    try:
        sheet = workbook.worksheets[0]
        for values in sheet.iter_rows(values_only=True):
            yield [_cell_text(value) for value in values]
    finally:
        workbook.close()


def is_xlsx(data: bytes, filename: str = "") -> bool:
    return data.startswith(XLSX_MAGIC) or filename.lower().endswith(".xlsx")


def _header_index(columns: Sequence[Column]) -> dict[str, str]:
    index: dict[str, str] = {}
    for column in columns:
        index[column.name.lower()] = column.name
        index[column.label] = column.name
    return index


def _picker(positions: Sequence[int]) -> Callable[[Sequence[str]], tuple[str, ...]]:
    """A function returning the cells at ``positions`` of a record, as a tuple."""
    if len(positions) > 1:
        return itemgetter(*positions)
    return lambda record: tuple(record[position] for position in positions)


def read_sheet(
    data: bytes,
    *,
    columns: Sequence[Column],
    filename: str = "",
    derived: Collection[str] = (),
) -> Sheet:
    """Read a ledger's header and rows; raise :class:`LedgerRefused` for a file that
    cannot be read or a header without a required column.

    ``derived`` are columns an export writes and an import ignores (the due date of a
    request, for example), so that an exported file can be imported again. Other
    unknown headers are ignored and listed in ``Sheet.ignored``. Fully empty rows are
    skipped; row numbers still count them.
    """
    try:
        records = _xlsx_records(data) if is_xlsx(data, filename) else _csv_records(data)
        # Materialise here so that decoding errors surface inside this try.
        numbered = list(enumerate(records, start=1))
    except (
        UnicodeDecodeError,
        zipfile.BadZipFile,
        csv.Error,
        OSError,
        KeyError,
    ) as exc:
        raise LedgerRefused(
            [
                RowProblem(
                    HEADER_ROW, "-", f"无法读取文件（应为UTF-8编码的CSV或XLSX）：{exc}"
                )
            ]
        ) from exc
    while numbered and not any(numbered[0][1]):
        numbered.pop(0)
    if not numbered:
        raise LedgerRefused([RowProblem(HEADER_ROW, "-", "文件为空，没有表头行。")])
    first_number = numbered[0][0]
    header = numbered[0][1]
    index = _header_index(columns)
    derived_names = {name.lower() for name in derived}
    positions: dict[str, int] = {}
    ignored: list[str] = []
    problems: list[RowProblem] = []
    for position, title in enumerate(header):
        key = title.strip()
        name = index.get(key) or index.get(key.lower())
        if name is None:
            if key and key.lower() not in derived_names:
                ignored.append(key)
            continue
        if name in positions:
            problems.append(RowProblem(HEADER_ROW, name, "表头中重复出现此列。"))
            continue
        positions[name] = position
    for column in columns:
        if column.required and column.name not in positions:
            problems.append(
                RowProblem(HEADER_ROW, column.name, f"缺少此列（{column.label}）。")
            )
    if problems:
        raise LedgerRefused(problems)
    names = tuple(column.name for column in columns)
    layout = SheetLayout(
        names=names,
        present=tuple(positions),
        index={name: place for place, name in enumerate(names)},
    )
    # Each record gets one "" appended, which the columns the file lacks point at (-1);
    # a short record is padded, so one C-level itemgetter picks every cell.
    picks = [positions.get(name, -1) for name in names]
    width = max(positions.values(), default=-1) + 2
    pick = _picker(picks)
    offset = HEADER_ROW - first_number
    rows: list[SheetRow] = []
    for number, record in numbered[1:]:
        if not any(record):
            continue
        if len(record) < width:
            record.extend([""] * (width - len(record)))
        else:
            record.append("")
        rows.append(SheetRow(number + offset, pick(record), layout))
    ordered = tuple(column.name for column in columns if column.name in positions)
    return Sheet(columns=ordered, rows=tuple(rows), ignored=tuple(ignored))


# --- typed cells -------------------------------------------------------------------------


def parse_date(text: str) -> date:
    """``YYYY-MM-DD`` (also ``YYYY/M/D`` and ``YYYY年M月D日``); ValueError otherwise."""
    if len(text) == 10 and text[4] == "-" and text[7] == "-" and text[:4].isdigit():
        # The contract's own form, on the fast path of a 100,000-row ledger.
        try:
            return date.fromisoformat(text)
        except ValueError:
            if _DATE.match(text):
                msg = f"不存在的日期：“{text}”"
                raise ValueError(msg) from None
    midnight = _MIDNIGHT.match(text)
    if midnight:
        text = midnight.group(1)
    match = _DATE.match(text)
    if not match:
        msg = f"日期格式无效：“{text}”（应为 YYYY-MM-DD）"
        raise ValueError(msg)
    year, month, day = (int(part) for part in match.groups())
    try:
        return date(year, month, day)
    except ValueError:
        msg = f"不存在的日期：“{text}”"
        raise ValueError(msg) from None


def parse_flag(text: str) -> bool:
    """``0`` or ``1`` (empty is 0)."""
    if text in ("", "0"):
        return False
    if text == "1":
        return True
    msg = f"应为 0 或 1，而不是“{text}”"
    raise ValueError(msg)


def parse_decimal(text: str, *, places: int, max_digits: int) -> Decimal:
    """A non-negative decimal with at most ``places`` decimal places."""
    if not _DECIMAL.match(text):
        msg = f"应为不小于0的数字，而不是“{text}”"
        raise ValueError(msg)
    try:
        value = Decimal(text)
    except InvalidOperation:  # pragma: no cover - the pattern already rules it out
        msg = f"应为不小于0的数字，而不是“{text}”"
        raise ValueError(msg) from None
    fraction = text.partition(".")[2]
    if len(fraction.rstrip("0")) > places:
        msg = f"最多{places}位小数：“{text}”"
        raise ValueError(msg)
    whole = text.partition(".")[0].lstrip("0")
    if len(whole) > max_digits - places:
        msg = f"数值过大：“{text}”"
        raise ValueError(msg)
    return value.quantize(Decimal(1).scaleb(-places))


def parse_integer(text: str, *, minimum: int = 0, maximum: int | None = None) -> int:
    if not _INTEGER.match(text):
        msg = f"应为不小于{minimum}的整数，而不是“{text}”"
        raise ValueError(msg)
    value = int(text)
    if value < minimum or (maximum is not None and value > maximum):
        bound = f"{minimum}–{maximum}" if maximum is not None else f"≥{minimum}"
        msg = f"超出范围（{bound}）：{value}"
        raise ValueError(msg)
    return value


class RowReader:
    """Reads the typed cells of one row, collecting a problem per bad cell instead of
    stopping at the first, so that a refused file lists everything at once."""

    __slots__ = ("problems", "row")

    def __init__(self, row: SheetRow, problems: list[RowProblem]) -> None:
        self.row = row
        self.problems = problems

    @property
    def number(self) -> int:
        return self.row.number

    def error(self, column: str, reason: str) -> None:
        self.problems.append(RowProblem(self.row.number, column, reason))

    def _required(self, column: str, required: bool) -> str | None:
        text = self.row.get(column)
        if not text:
            if required:
                self.error(column, "必填，不能为空。")
            return None
        return text

    def text(self, column: str, *, required: bool = False, max_length: int = 0) -> str:
        text = self._required(column, required) or ""
        if max_length and len(text) > max_length:
            self.error(column, f"过长（最多{max_length}个字符）。")
        return text

    def date(self, column: str, *, required: bool = False) -> date | None:
        text = self._required(column, required)
        if text is None:
            return None
        try:
            return parse_date(text)
        except ValueError as exc:
            self.error(column, str(exc))
            return None

    def choice(
        self,
        column: str,
        choices: Collection[str],
        *,
        required: bool = False,
        what: str = "代码",
    ) -> str:
        text = self._required(column, required)
        if text is None:
            return ""
        if text not in choices:
            self.error(column, f"未知的{what}“{text}”。")
            return ""
        return text

    def flag(self, column: str) -> bool:
        try:
            return parse_flag(self.row.get(column))
        except ValueError as exc:
            self.error(column, str(exc))
            return False

    def decimal(
        self,
        column: str,
        *,
        places: int = 2,
        max_digits: int = 12,
        required: bool = False,
    ) -> Decimal | None:
        text = self._required(column, required)
        if text is None:
            return None
        try:
            return parse_decimal(text, places=places, max_digits=max_digits)
        except ValueError as exc:
            self.error(column, str(exc))
            return None

    def integer(
        self,
        column: str,
        *,
        minimum: int = 0,
        maximum: int | None = None,
        required: bool = False,
    ) -> int | None:
        text = self._required(column, required)
        if text is None:
            return None
        try:
            return parse_integer(text, minimum=minimum, maximum=maximum)
        except ValueError as exc:
            self.error(column, str(exc))
            return None


def duplicate_keys(
    rows: Sequence[tuple[int, object]],
) -> dict[int, int]:
    """For rows given as (row number, key): each later row whose key an earlier row
    already has, mapped to that earlier row's number."""
    seen: dict[object, int] = {}
    duplicates: dict[int, int] = {}
    for number, key in rows:
        first = seen.setdefault(key, number)
        if first != number:
            duplicates[number] = first
    return duplicates


# --- what an import did --------------------------------------------------------------------

Progress = Callable[[str, int, int], None]
"""Called as ``progress(stage, done, total)`` while a large ledger is read and written."""


@dataclass(slots=True)
class ImportSummary:
    """What an import did (or, with ``dry_run``, would do), counted in rows."""

    kind: str
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    dry_run: bool = False
    ignored_columns: tuple[str, ...] = field(default_factory=tuple)

    @property
    def rows(self) -> int:
        return self.created + self.updated + self.unchanged

    def line(self) -> str:
        """The summary line of contract §5: ``created N, updated M, unchanged K``."""
        return f"created {self.created}, updated {self.updated}, unchanged {self.unchanged}"


class ProgressTicker:
    """Calls ``progress`` each time another ``step_percent`` of ``total`` is done."""

    __slots__ = ("_next", "_progress", "_stage", "_step", "_total")

    def __init__(
        self,
        progress: Progress | None,
        stage: str,
        total: int,
        *,
        step_percent: int = 5,
    ) -> None:
        self._progress = progress
        self._stage = stage
        self._total = total
        self._step = max(1, total * step_percent // 100)
        self._next = self._step

    def tick(self, done: int) -> None:
        if self._progress is None or done < self._next:
            return
        self._progress(self._stage, min(done, self._total), self._total)
        while self._next <= done:
            self._next += self._step


T = TypeVar("T")


def sheet_rows_read(
    sheet: Sheet,
    read: Callable[[RowReader], T | None],
    *,
    problems: list[RowProblem],
    progress: Progress | None,
) -> list[T]:
    """Read every row of ``sheet`` with ``read`` (None for a row with problems, which
    ``read`` adds to ``problems``), reporting progress as the 校验 stage."""
    ticker = ProgressTicker(progress, "校验", len(sheet.rows))
    rows: list[T] = []
    for done, sheet_row in enumerate(sheet.rows, start=1):
        row = read(RowReader(sheet_row, problems))
        if row is not None:
            rows.append(row)
        ticker.tick(done)
    return rows
