"""Many rows in one statement, on SQLite and PostgreSQL alike.

``bulk_create`` and ``bulk_update`` split their rows into batches of 999 parameters on
SQLite, so their number of queries grows with the rows. Here all rows travel as one
JSON parameter, expanded by the database (``json_each`` / ``json_array_elements``):
one statement whatever their number, which is what keeps the daily sweep's query count
constant.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Collection, Iterable, Mapping, Sequence
from typing import Any, NamedTuple

from django.db import connection, models


def _json_converter(field: models.Field) -> Callable[[Any], Any]:
    """How a value of ``field`` travels in the JSON parameter: JSON values as they are,
    dates and times as the text the database reads back into the column type, other
    values (numbers, text, booleans, null) unchanged."""
    if isinstance(field, models.JSONField):
        return _same
    if isinstance(field, models.DateTimeField):
        adapt = connection.ops.adapt_datetimefield_value
        return lambda value: None if value is None else str(adapt(value))
    if isinstance(field, models.DateField):
        return lambda value: None if value is None else value.isoformat()
    return _same


def _same(value: Any) -> Any:
    return value


def model_rows(
    instances: Iterable[models.Model],
    attnames: Sequence[str] | None = None,
    *,
    exclude: Collection[str] = (),
) -> list[dict[str, Any]]:
    """The rows of ``instances`` for :func:`insert_ignoring_conflicts` and
    :func:`update_from_rows`: ``attnames`` (default: every concrete column but
    ``exclude``) and their values."""
    instances = list(instances)
    if not instances:
        return []
    if attnames is None:
        attnames = [
            field.attname
            for field in instances[0]._meta.concrete_fields
            if field.attname not in exclude
        ]
    return [
        {name: getattr(instance, name) for name in attnames} for instance in instances
    ]


class _JsonRows(NamedTuple):
    """Rows as one JSON parameter and the SQL that reads them back as columns."""

    fields: list[models.Field]
    cells: list[str]
    """One SQL expression per field, reading it from the current JSON row."""
    source: str
    """The FROM item that expands the parameter into one row per element, as ``j``."""
    data: str


def _json_rows(
    model: type[models.Model], rows: Sequence[Mapping[str, Any]], names: Sequence[str]
) -> _JsonRows:
    by_attname = {field.attname: field for field in model._meta.concrete_fields}
    fields = [by_attname[name] for name in names]
    converters = [(field.attname, _json_converter(field)) for field in fields]
    data = json.dumps(
        [[convert(row[name]) for name, convert in converters] for row in rows],
        ensure_ascii=False,
    )
    if connection.vendor == "sqlite":
        cells = [f"json_extract(j.value, '$[{index}]')" for index in range(len(fields))]
        source = "json_each(%s) AS j"
    elif connection.vendor == "postgresql":
        cells = [
            f"CAST(j->{index} AS jsonb)"
            if isinstance(field, models.JSONField)
            else f"CAST(j->>{index} AS {field.db_type(connection)})"
            for index, field in enumerate(fields)
        ]
        source = "json_array_elements(%s::json) AS j"
    else:  # pragma: no cover - the product runs on SQLite and PostgreSQL only
        msg = f"bulk_sql does not support {connection.vendor}"
        raise NotImplementedError(msg)
    return _JsonRows(fields, cells, source, data)


def insert_ignoring_conflicts(
    model: type[models.Model],
    rows: Sequence[Mapping[str, Any]],
    *,
    returning: Sequence[str],
) -> list[tuple[Any, ...]]:
    """Insert ``rows`` (dicts keyed by column attname) in ONE statement, skipping rows
    that hit a unique constraint, and return ``returning`` of the rows really inserted.

    ``bulk_create`` cannot tell which rows ``ignore_conflicts`` skipped; here ``ON
    CONFLICT DO NOTHING RETURNING`` reports exactly the new rows: that is what makes
    the sweep's notices idempotent even when two sweeps race. Fields with
    ``auto_now_add`` must be given explicitly, as no ``pre_save`` runs.
    """
    if not rows:
        return []
    json_rows = _json_rows(model, rows, list(rows[0]))
    quote = connection.ops.quote_name
    table = quote(model._meta.db_table)
    columns = ", ".join(quote(field.column) for field in json_rows.fields)
    selected = ", ".join(json_rows.cells)
    returned = ", ".join(
        quote(model._meta.get_field(name).column) for name in returning
    )
    # "WHERE true" keeps SQLite from reading ON CONFLICT as a join constraint.
    # Identifiers come from the model's metadata; the data is the one parameter.
    sql = f"INSERT INTO {table} ({columns}) SELECT {selected} FROM {json_rows.source} WHERE true ON CONFLICT DO NOTHING RETURNING {returned}"  # noqa: S608
    with connection.cursor() as cursor:
        cursor.execute(sql, [json_rows.data])
        return [tuple(row) for row in cursor.fetchall()]


def update_from_rows(
    model: type[models.Model], rows: Sequence[Mapping[str, Any]]
) -> int:
    """Update the rows of ``model`` named by each row's ``"id"`` with its other values
    (dicts keyed by column attname, all with the same keys), in ONE statement; returns
    the number of rows updated. No ``pre_save`` runs (give ``auto_now`` fields)."""
    if not rows:
        return 0
    names = ["id", *(name for name in rows[0] if name != "id")]
    json_rows = _json_rows(model, rows, names)
    quote = connection.ops.quote_name
    table = quote(model._meta.db_table)
    key, *values = zip(json_rows.fields, json_rows.cells, strict=True)
    assignments = ", ".join(f"{quote(field.column)} = {cell}" for field, cell in values)
    # Identifiers come from the model's metadata; the data is the one parameter.
    sql = f"UPDATE {table} SET {assignments} FROM {json_rows.source} WHERE {table}.{quote(key[0].column)} = {key[1]}"  # noqa: S608
    with connection.cursor() as cursor:
        cursor.execute(sql, [json_rows.data])
        return cursor.rowcount
