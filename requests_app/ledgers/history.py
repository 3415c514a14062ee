"""What an import changed on a stored record, recorded on it (contract §5: "a changed row
updates its record and the change is recorded on it").

An application records it as an ``UPDATED_BY_IMPORT`` event on the case (see
``requests.py``); appeals, publications and annual statistics have no timeline of their
own, so their imports write a :class:`~requests_app.models.LedgerChange` per changed
row: the fields that differ, before and after, with the file, the row and the time.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Mapping
from datetime import date, datetime
from decimal import Decimal

from disclosure.models import Agency
from requests_app.models import LedgerChange, LedgerRecordKind

# The largest stored text of a reference (LedgerChange.reference).
_REFERENCE_LENGTH = 100


def json_value(value: object) -> object:
    """``value`` as JSON holds it: a date as ``YYYY-MM-DD``, a decimal as its text, a
    tuple as a list."""
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, Decimal):
        return str(value)
    if isinstance(value, tuple):
        return [json_value(item) for item in value]
    return value


def facts_fields(facts: object) -> dict[str, object]:
    """The fields of a facts dataclass, by name (not copied, unlike ``asdict``)."""
    return {
        field.name: getattr(facts, field.name) for field in dataclasses.fields(facts)
    }


def field_changes(
    before: Mapping[str, object], after: Mapping[str, object]
) -> dict[str, dict[str, object]]:
    """The fields of ``after`` whose value differs from ``before``, as JSON-ready
    ``{field: {"before": …, "after": …}}`` in the order of ``after``."""
    return {
        name: {"before": json_value(before.get(name)), "after": json_value(new)}
        for name, new in after.items()
        if before.get(name) != new
    }


def ledger_change(
    *,
    kind: LedgerRecordKind,
    agency: Agency,
    record_id: int,
    reference: str,
    row: int,
    changes: dict[str, dict[str, object]],
    source: str,
    now: datetime,
) -> LedgerChange:
    """The unsaved record of one changed row (saved in bulk by the import)."""
    return LedgerChange(
        kind=kind,
        agency=agency,
        record_id=record_id,
        reference=reference[:_REFERENCE_LENGTH],
        source=source[:255],
        row=row,
        changes=changes,
        occurred_at=now,
    )
