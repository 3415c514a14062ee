"""The annual statistics ledger (年度统计), contract §5.5: one row per agency, year and
key, written into the agency-year's ``AnnualStatistics`` row.

A row whose value was not entered before counts as created, a different value as
updated; an empty value clears the figure. Every change to a stored agency-year is
recorded on it (a ``LedgerChange`` per row). Values are checked by
``disclosure.statistics.statistic_value_parse``, the same rule the services apply.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.db import transaction
from django.utils import timezone

from disclosure.exceptions import ApplicationError
from disclosure.models import STATISTIC_KEYS, Agency, AnnualStatistics
from disclosure.selectors import agencies_by_code
from disclosure.statistics import (
    FIRST_YEAR,
    LAST_YEAR,
    StatisticValue,
    statistic_value_parse,
)
from requests_app.ledgers.history import field_changes, ledger_change
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
from requests_app.models import LedgerChange, LedgerRecordKind

BATCH_SIZE = 2000

COLUMNS: tuple[Column, ...] = (
    Column("agency", "机关代码", required=True),
    Column("year", "年度", required=True),
    Column("key", "统计项", required=True),
    Column("value", "数值", required=True),
)
DERIVED: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class StatisticRow:
    number: int
    agency: Agency
    year: int
    key: str
    value: StatisticValue


def _row_read(reader: RowReader, agencies: dict[str, Agency]) -> StatisticRow | None:
    before = len(reader.problems)
    code = reader.text("agency", required=True)
    agency = agencies.get(code)
    if code and agency is None:
        reader.error("agency", f"未知的机关代码“{code}”。")
    year = reader.integer("year", minimum=FIRST_YEAR, maximum=LAST_YEAR, required=True)
    key = reader.choice("key", STATISTIC_KEYS, required=True, what="统计项")
    value: StatisticValue = None
    if key:
        try:
            value = statistic_value_parse(key, reader.row.get("value"))
        except ApplicationError as exc:
            reader.error("value", exc.message)
    if len(reader.problems) > before or agency is None or year is None:
        return None
    return StatisticRow(reader.number, agency, year, key, value)


def ledger_import_sheet(
    *,
    sheet: Sheet,
    dry_run: bool = False,
    progress: Progress | None = None,
    source: str = "",
) -> ImportSummary:
    """Import the statistics ledger: all rows checked, then written in bulk."""
    problems: list[RowProblem] = []
    agencies = agencies_by_code({row.get("agency") for row in sheet.rows})
    rows: list[StatisticRow] = sheet_rows_read(
        sheet,
        lambda reader: _row_read(reader, agencies),
        problems=problems,
        progress=progress,
    )
    for number, first in duplicate_keys(
        [
            (row.number, (row.get("agency"), row.get("year"), row.get("key")))
            for row in sheet.rows
        ]
    ).items():
        problems.append(
            RowProblem(number, "key", f"机关、年度和统计项与第{first}行重复。")
        )
    if problems:
        raise LedgerRefused(problems)

    stored = {
        (row.agency_id, row.year): row
        for row in AnnualStatistics.objects.filter(
            agency_id__in={row.agency.pk for row in rows},
            year__in={row.year for row in rows},
        )
    }
    new: dict[tuple[int, int], AnnualStatistics] = {}
    changed: dict[tuple[int, int], AnnualStatistics] = {}
    changed_keys: set[str] = set()
    history: list[LedgerChange] = []
    summary = ImportSummary(kind="statistics", dry_run=dry_run)
    now = timezone.now()
    for row in rows:
        pair = (row.agency.pk, row.year)
        target = stored.get(pair)
        if target is None:
            target = new.setdefault(
                pair, AnnualStatistics(agency=row.agency, year=row.year)
            )
        current = getattr(target, row.key)
        if current == row.value:
            summary.unchanged += 1
            continue
        if current is None:
            summary.created += 1
        else:
            summary.updated += 1
        setattr(target, row.key, row.value)
        if pair in stored:
            target.updated_at = now
            changed[pair] = target
            changed_keys.add(row.key)
            # Recorded on the stored agency-year, a figure entered for the first time
            # included: the record changed.
            history.append(
                ledger_change(
                    kind=LedgerRecordKind.STATISTICS,
                    agency=row.agency,
                    record_id=target.pk,
                    reference=str(row.year),
                    row=row.number,
                    changes=field_changes({row.key: current}, {row.key: row.value}),
                    source=source,
                    now=now,
                )
            )
    if dry_run:
        return summary
    with transaction.atomic():
        AnnualStatistics.objects.bulk_create(
            [
                row
                for row in new.values()
                if any(getattr(row, key) is not None for key in STATISTIC_KEYS)
            ],
            batch_size=BATCH_SIZE,
        )
        if changed:
            AnnualStatistics.objects.bulk_update(
                list(changed.values()),
                [*sorted(changed_keys), "updated_at"],
                batch_size=BATCH_SIZE,
            )
        LedgerChange.objects.bulk_create(history, batch_size=BATCH_SIZE)
    return summary
