"""Ledgers (台账): importing and exporting the office's registers as CSV or XLSX files.

Contract §5. An import is all-or-nothing: every row is read and checked first, every
problem is collected as ``row N, column C: reason``, and only a file without problems is
written, in one transaction with bulk operations. Re-importing the same file changes
nothing: rows are keyed by agency + reference (agencies by code, statistics by agency,
year and key).

The kinds: ``agencies``, ``requests``, ``appeals``, ``publications``, ``statistics``
(import); ``requests``, ``appeals``, ``publications`` (export).
"""

from __future__ import annotations

from requests_app.ledgers.parsing import (
    ImportSummary,
    LedgerRefused,
    Progress,
    RowProblem,
    read_sheet,
)

IMPORT_KINDS: tuple[str, ...] = (
    "agencies",
    "requests",
    "appeals",
    "publications",
    "statistics",
)
EXPORT_KINDS: tuple[str, ...] = ("requests", "appeals", "publications")

__all__ = [
    "EXPORT_KINDS",
    "IMPORT_KINDS",
    "ImportSummary",
    "LedgerRefused",
    "Progress",
    "RowProblem",
    "ledger_import",
]


def _module(kind: str):
    from requests_app.ledgers import (
        agencies,
        appeals,
        publications,
        requests,
        statistics,
    )

    modules = {
        "agencies": agencies,
        "requests": requests,
        "appeals": appeals,
        "publications": publications,
        "statistics": statistics,
    }
    try:
        return modules[kind]
    except KeyError:
        msg = f"未知的台账类型：{kind}（可选：{'、'.join(IMPORT_KINDS)}）"
        raise ValueError(msg) from None


def ledger_import(
    *,
    kind: str,
    data: bytes,
    filename: str = "",
    dry_run: bool = False,
    progress: Progress | None = None,
) -> ImportSummary:
    """Import one ledger file of ``kind``. Raises :class:`LedgerRefused` (nothing
    written) when any row has a problem; with ``dry_run`` checks everything and reports
    what would change without writing."""
    module = _module(kind)
    sheet = read_sheet(
        data, columns=module.COLUMNS, filename=filename, derived=module.DERIVED
    )
    summary: ImportSummary = module.ledger_import_sheet(
        sheet=sheet, dry_run=dry_run, progress=progress, source=filename
    )
    summary.ignored_columns = sheet.ignored
    return summary
