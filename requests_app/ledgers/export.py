"""Exporting ledgers (contract §5): the same columns the import reads, so that an export
imports again without change; the requests ledger adds the derived ``due_on``,
``provisional``, ``on_time`` and ``state``.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable, Iterator
from datetime import date
from decimal import Decimal
from typing import IO

from disclosure.models import Agency, Publication, PublicationPosting
from disclosure.publications import channels_normalise
from requests_app.ledgers import appeals as appeals_ledger
from requests_app.ledgers import publications as publications_ledger
from requests_app.ledgers import requests as requests_ledger
from requests_app.models import Appeal, Consultation, DisclosureRequest
from requests_app.workflow import ledger_state

FORMATS: tuple[str, ...] = ("csv", "xlsx")
CHUNK_SIZE = 2000


def _cell(value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "1" if value else "0"
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, Decimal):
        return str(value)
    return str(value)


def _requests_rows(agency: Agency | None) -> Iterator[list[str]]:
    queryset = DisclosureRequest.objects.all()
    if agency is not None:
        queryset = queryset.filter(agency=agency)
    consultations: dict[int, list[tuple[date, date | None]]] = {}
    consultation_rows = Consultation.objects.all()
    if agency is not None:
        consultation_rows = consultation_rows.filter(request__agency=agency)
    for request_id, started_on, ended_on in consultation_rows.values_list(
        "request_id", "started_on", "ended_on"
    ):
        consultations.setdefault(request_id, []).append((started_on, ended_on))
    rows = queryset.order_by("agency__code", "received_on", "id").values_list(
        "pk",
        "agency__code",
        "reference",
        "received_on",
        "channel",
        "applicant_type",
        "applicant__name",
        "description",
        "supplement_requested_on",
        "supplement_received_on",
        "extended",
        "fee_notice_on",
        "fee_amount_yuan",
        "fee_paid_on",
        "outcome",
        "closed_on",
        "due_on",
        "provisional",
        "on_time",
        "status",
    )
    for (
        pk,
        code,
        reference,
        received_on,
        channel,
        applicant_type,
        applicant_name,
        description,
        supplement_requested_on,
        supplement_received_on,
        extended,
        fee_notice_on,
        fee_amount_yuan,
        fee_paid_on,
        outcome,
        closed_on,
        due_on,
        provisional,
        on_time,
        status,
    ) in rows.iterator(chunk_size=CHUNK_SIZE):
        spans = consultations.get(pk, [])
        started = min((start for start, _ in spans), default=None)
        ends = [end for _, end in spans if end is not None]
        ended = max(ends) if spans and len(ends) == len(spans) else None
        yield [
            _cell(value)
            for value in (
                code,
                reference,
                received_on,
                channel,
                applicant_type,
                applicant_name,
                description,
                supplement_requested_on,
                supplement_received_on,
                started,
                ended,
                extended,
                fee_notice_on,
                fee_amount_yuan,
                fee_paid_on,
                outcome,
                closed_on,
                due_on,
                provisional,
                on_time,
                ledger_state(status),
            )
        ]


def _appeals_rows(agency: Agency | None) -> Iterator[list[str]]:
    queryset = Appeal.objects.all()
    if agency is not None:
        queryset = queryset.filter(agency=agency)
    for values in (
        queryset.order_by("agency__code", "filed_on", "id")
        .values_list(
            "agency__code",
            "reference",
            "kind",
            "filed_on",
            "result",
            "decided_on",
            "request__reference",
        )
        .iterator(chunk_size=CHUNK_SIZE)
    ):
        yield [_cell(value) for value in values]


def _publications_rows(agency: Agency | None) -> Iterator[list[str]]:
    queryset = Publication.objects.all()
    postings = PublicationPosting.objects.all()
    if agency is not None:
        queryset = queryset.filter(agency=agency)
        postings = postings.filter(publication__agency=agency)
    channels: dict[int, list[str]] = {}
    for publication_id, channel in postings.values_list("publication_id", "channel"):
        channels.setdefault(publication_id, []).append(channel)
    for pk, *values in (
        queryset.order_by("agency__code", "published_on", "id")
        .values_list(
            "pk",
            "agency__code",
            "reference",
            "title",
            "category",
            "key_area",
            "published_on",
            "issued_on",
            "repealed_on",
        )
        .iterator(chunk_size=CHUNK_SIZE)
    ):
        yield [
            *(_cell(value) for value in values),
            publications_ledger.CHANNEL_SEPARATOR.join(
                channels_normalise(channels.get(pk, []))
            ),
        ]


_KINDS = {
    "requests": (requests_ledger.EXPORT_COLUMNS, _requests_rows),
    "appeals": (appeals_ledger.COLUMNS, _appeals_rows),
    "publications": (publications_ledger.COLUMNS, _publications_rows),
}
EXPORT_KINDS: tuple[str, ...] = tuple(_KINDS)


def ledger_header(kind: str) -> list[str]:
    return [column.name for column in _KINDS[kind][0]]


def ledger_rows(*, kind: str, agency: Agency | None = None) -> Iterator[list[str]]:
    """The rows of a ledger as text cells, in the order of :func:`ledger_header`."""
    if kind not in _KINDS:
        msg = f"未知的台账类型：{kind}（可导出：{'、'.join(EXPORT_KINDS)}）"
        raise ValueError(msg)
    return _KINDS[kind][1](agency)


def csv_write(stream: IO[str], header: list[str], rows: Iterable[list[str]]) -> int:
    """Write the ledger as CSV to a text stream; returns the number of data rows."""
    writer = csv.writer(stream, lineterminator="\n")
    writer.writerow(header)
    count = 0
    for row in rows:
        writer.writerow(row)
        count += 1
    return count


def xlsx_bytes(header: list[str], rows: Iterable[list[str]], *, title: str) -> bytes:
    """The ledger as an XLSX workbook of one sheet (cells as text, as in the CSV)."""
    from openpyxl import Workbook

    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet(title=title)
    sheet.append(header)
    for row in rows:
        sheet.append(row)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def ledger_export(
    *, kind: str, agency: Agency | None = None, file_format: str = "csv"
) -> bytes:
    """The whole ledger as file content (CSV in UTF-8 without BOM, or XLSX)."""
    header = ledger_header(kind)
    rows = ledger_rows(kind=kind, agency=agency)
    if file_format == "xlsx":
        return xlsx_bytes(header, rows, title=kind)
    if file_format != "csv":
        msg = f"未知的格式：{file_format}（可选：csv、xlsx）"
        raise ValueError(msg)
    text = io.StringIO()
    csv_write(text, header, rows)
    return text.getvalue().encode("utf-8")
