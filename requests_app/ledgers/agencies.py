"""The agencies ledger (机关名录), contract §5.1: ``code``, ``name``, ``parent``.

Keyed by code. A parent must exist already or be in the same file (before or after the
child: parents are written first). Agencies are few, so they are written one by one
through ``agency_create`` / ``agency_update``, which keep the tree paths right.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.db import transaction

from disclosure.exceptions import ApplicationError
from disclosure.models import Agency
from disclosure.services import agency_create, agency_update
from requests_app.ledgers.parsing import (
    Column,
    ImportSummary,
    LedgerRefused,
    Progress,
    RowProblem,
    RowReader,
    Sheet,
    duplicate_keys,
    sheet_rows_read,
)

CODE_MAX_LENGTH = 32
NAME_MAX_LENGTH = 200

COLUMNS: tuple[Column, ...] = (
    Column("code", "机关代码", required=True),
    Column("name", "机关名称", required=True),
    Column("parent", "上级机关代码"),
)
DERIVED: tuple[str, ...] = ()
_COLUMN_NAMES = frozenset(column.name for column in COLUMNS)


@dataclass(frozen=True, slots=True)
class AgencyRow:
    number: int
    code: str
    name: str
    parent: str


def _row_read(reader: RowReader) -> AgencyRow | None:
    before = len(reader.problems)
    code = reader.text("code", required=True, max_length=CODE_MAX_LENGTH)
    if code and ("/" in code or any(char.isspace() for char in code)):
        reader.error("code", "机关代码不能包含“/”或空白字符。")
    name = reader.text("name", required=True, max_length=NAME_MAX_LENGTH)
    parent = reader.text("parent")
    if parent and parent == code:
        reader.error("parent", "机关不能是自己的上级机关。")
    if len(reader.problems) > before:
        return None
    return AgencyRow(reader.number, code, name, parent)


def _ordered(
    rows: list[AgencyRow], known: dict[str, Agency]
) -> tuple[list[AgencyRow], list[RowProblem]]:
    """The rows with parents before children (by depth in the tree the import makes);
    a problem for a missing parent or a cycle."""
    by_code = {row.code: row for row in rows}
    problems: list[RowProblem] = []
    for row in rows:
        if row.parent and row.parent not in by_code and row.parent not in known:
            problems.append(
                RowProblem(
                    row.number,
                    "parent",
                    f"上级机关“{row.parent}”不存在，也不在本文件中。",
                )
            )
    if problems:
        return [], problems

    def parent_of(code: str) -> str:
        if code in by_code:
            return by_code[code].parent
        agency = known.get(code)
        if agency is None or agency.parent_id is None:
            return ""
        parent = Agency.objects.only("code").get(pk=agency.parent_id)
        known.setdefault(parent.code, parent)
        return parent.code

    depths: dict[str, int] = {}
    for row in rows:
        seen = [row.code]
        code = parent_of(row.code)
        while code and code not in seen:
            seen.append(code)
            code = parent_of(code)
        if code:
            problems.append(RowProblem(row.number, "parent", "上级机关关系形成循环。"))
        depths[row.code] = len(seen)
    ordered = sorted(rows, key=lambda row: (depths[row.code], row.number))
    return ordered, problems


def ledger_import_sheet(
    *,
    sheet: Sheet,
    dry_run: bool = False,
    progress: Progress | None = None,
    source: str = "",
) -> ImportSummary:
    """Import the agencies ledger: create new agencies, rename or move changed ones."""
    problems: list[RowProblem] = []
    rows: list[AgencyRow] = sheet_rows_read(
        sheet, _row_read, problems=problems, progress=progress
    )
    for number, first in duplicate_keys(
        [(row.number, row.get("code")) for row in sheet.rows if row.get("code")]
    ).items():
        problems.append(RowProblem(number, "code", f"机关代码与第{first}行重复。"))
    known = {
        agency.code: agency
        for agency in Agency.objects.select_related("parent").filter(
            code__in={row.code for row in rows} | {row.parent for row in rows}
        )
    }
    if problems:
        raise LedgerRefused(problems)
    ordered, order_problems = _ordered(rows, known)
    if order_problems:
        raise LedgerRefused(order_problems)

    summary = ImportSummary(kind="agencies", dry_run=dry_run)
    work: list[AgencyRow] = []
    for row in ordered:
        agency = known.get(row.code)
        if agency is None:
            summary.created += 1
            work.append(row)
        elif (
            agency.name == row.name
            and (agency.parent.code if agency.parent else "") == row.parent
        ):
            summary.unchanged += 1
        else:
            summary.updated += 1
            work.append(row)
    if dry_run or not work:
        return summary
    with transaction.atomic():
        for row in work:
            # Fetched afresh: moving an agency rewrites the paths of its subtree.
            parent = Agency.objects.get(code=row.parent) if row.parent else None
            agency = Agency.objects.filter(code=row.code).first()
            try:
                if agency is None:
                    agency_create(code=row.code, name=row.name, parent=parent)
                else:
                    agency_update(agency=agency, name=row.name, parent=parent)
            except ApplicationError as exc:
                raise LedgerRefused(
                    [RowProblem(row.number, exc.field or "code", exc.message)]
                ) from exc
            except ValidationError as exc:
                raise LedgerRefused(
                    [
                        RowProblem(
                            row.number,
                            field if field in _COLUMN_NAMES else "code",
                            "；".join(texts),
                        )
                        for field, texts in exc.message_dict.items()
                    ]
                ) from exc
    return summary
