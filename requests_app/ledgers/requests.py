"""The requests ledger (依申请公开台账), contract §5.2: one row per application.

A row is keyed by agency + ``reference`` (stored as given). Its state and clock are not
read from the file but derived from the dates, by the same pure engine the online cases
use (contract §2): closed when an outcome is given; awaiting a supplement while a
supplement was requested and not received; in consultation or awaiting the fee while
such a pause runs; else in progress.

Everything is computed in Python over one calendar and written in batches of 2,000
(one COPY per batch and table on PostgreSQL, ``bulk_create`` elsewhere), so the number
of queries grows with the batches, never with the rows.
"""

from __future__ import annotations

import csv
import functools
import io
import json
import operator
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, fields
from datetime import date
from decimal import Decimal

from django.db import connection, models, transaction
from django.db.models import Max, OuterRef, Subquery
from django.utils import timezone

from disclosure.models import Agency, Channel
from disclosure.selectors import agencies_by_code, calendar_get
from requests_app import deadlines
from requests_app.ledgers.parsing import (
    Column,
    ImportSummary,
    LedgerRefused,
    Progress,
    ProgressTicker,
    RowProblem,
    RowReader,
    Sheet,
    duplicate_keys,
)
from requests_app.models import (
    Applicant,
    ApplicantType,
    Consultation,
    Counter,
    DisclosureRequest,
    EventKind,
    RequestEvent,
)
from requests_app.outcomes import OUTCOMES
from requests_app.services import clock_apply, new_query_code
from requests_app.workflow import Status

BATCH_SIZE = 2000
# Enum ``.values`` builds a new list on each access: looked up once here.
CHANNELS = frozenset(Channel.values)
APPLICANT_TYPES = frozenset(ApplicantType.values)
SERIAL_KIND = "request"
IMPORTED_PARTY = "（台账导入）"

COLUMNS: tuple[Column, ...] = (
    Column("agency", "机关代码", required=True),
    Column("reference", "编号", required=True),
    Column("received_on", "收到日期", required=True),
    Column("channel", "申请方式", required=True),
    Column("applicant_type", "申请人类型", required=True),
    Column("applicant_name", "申请人"),
    Column("description", "申请内容"),
    Column("supplement_requested_on", "补正告知日期"),
    Column("supplement_received_on", "补正收到日期"),
    Column("consultation_started_on", "征求意见日期"),
    Column("consultation_ended_on", "征求意见回复日期"),
    Column("extended", "延期"),
    Column("fee_notice_on", "收费通知日期"),
    Column("fee_amount_yuan", "收费金额"),
    Column("fee_paid_on", "缴费日期"),
    Column("outcome", "答复类型"),
    Column("closed_on", "办结日期"),
)
EXPORT_COLUMNS: tuple[Column, ...] = (
    *COLUMNS,
    Column("due_on", "答复期限"),
    Column("provisional", "暂定"),
    Column("on_time", "按时办结"),
    Column("state", "状态"),
)
# Written by the export, ignored by the import (derived, never read from a file).
DERIVED: tuple[str, ...] = tuple(
    name
    for column in EXPORT_COLUMNS[len(COLUMNS) :]
    for name in (column.name, column.label)
)


@dataclass(frozen=True, slots=True)
class LedgerFacts:
    """The facts a ledger row states about one application (everything but its key)."""

    received_on: date
    channel: str
    applicant_type: str
    applicant_name: str
    description: str
    supplement_requested_on: date | None
    supplement_received_on: date | None
    consultation_started_on: date | None
    consultation_ended_on: date | None
    extended: bool
    fee_notice_on: date | None
    fee_amount_yuan: Decimal | None
    fee_paid_on: date | None
    outcome: str
    closed_on: date | None

    def changes_from(self, before: LedgerFacts) -> dict[str, dict[str, object]]:
        """The fields that differ, as JSON-ready ``{field: {"before", "after"}}``."""
        changed: dict[str, dict[str, object]] = {}
        for field in fields(self):
            old = getattr(before, field.name)
            new = getattr(self, field.name)
            if old != new:
                changed[field.name] = {"before": _json(old), "after": _json(new)}
        return changed


@dataclass(frozen=True, slots=True)
class LedgerRow:
    number: int
    agency: Agency
    reference: str
    facts: LedgerFacts


def _json(value: object) -> object:
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, Decimal):
        return str(value)
    return value


# (later column, its label, earlier column, its label): the later date may not come first.
_DATE_ORDER = (
    ("supplement_requested_on", "补正告知日期", "received_on", "收到日期"),
    ("supplement_received_on", "补正收到日期", "received_on", "收到日期"),
    ("consultation_started_on", "征求意见日期", "received_on", "收到日期"),
    ("fee_notice_on", "收费通知日期", "received_on", "收到日期"),
    ("closed_on", "办结日期", "received_on", "收到日期"),
    (
        "supplement_received_on",
        "补正收到日期",
        "supplement_requested_on",
        "补正告知日期",
    ),
    (
        "consultation_ended_on",
        "征求意见回复日期",
        "consultation_started_on",
        "征求意见日期",
    ),
    ("fee_paid_on", "缴费日期", "fee_notice_on", "收费通知日期"),
)
# A date that needs the earlier one: (column, its label, the earlier's label).
_DATE_NEEDS = (
    ("supplement_received_on", "补正收到日期", "补正告知日期"),
    ("consultation_ended_on", "征求意见回复日期", "征求意见日期"),
    ("fee_paid_on", "缴费日期", "收费通知日期"),
)
_EARLIER = {
    "supplement_received_on": "supplement_requested_on",
    "consultation_ended_on": "consultation_started_on",
    "fee_paid_on": "fee_notice_on",
}


def row_read(reader: RowReader, agencies: dict[str, Agency]) -> LedgerRow | None:
    """Read and check one row; None (with the problems recorded) when it is bad."""
    problems_before = len(reader.problems)
    code = reader.text("agency", required=True)
    agency = agencies.get(code)
    if code and agency is None:
        reader.error("agency", f"未知的机关代码“{code}”。")
    reference = reader.text("reference", required=True, max_length=64)
    received_on = reader.date("received_on", required=True)
    channel = reader.choice("channel", CHANNELS, required=True, what="申请方式")
    applicant_type = reader.choice(
        "applicant_type", APPLICANT_TYPES, required=True, what="申请人类型"
    )
    applicant_name = reader.text("applicant_name", max_length=200)
    description = reader.text("description")
    supplement_requested_on = reader.date("supplement_requested_on")
    supplement_received_on = reader.date("supplement_received_on")
    consultation_started_on = reader.date("consultation_started_on")
    consultation_ended_on = reader.date("consultation_ended_on")
    extended = reader.flag("extended")
    fee_notice_on = reader.date("fee_notice_on")
    fee_amount_yuan = reader.decimal("fee_amount_yuan", places=2, max_digits=12)
    fee_paid_on = reader.date("fee_paid_on")
    outcome = reader.choice("outcome", OUTCOMES, what="答复类型")
    closed_on = reader.date("closed_on")

    dates = {
        "received_on": received_on,
        "supplement_requested_on": supplement_requested_on,
        "supplement_received_on": supplement_received_on,
        "consultation_started_on": consultation_started_on,
        "consultation_ended_on": consultation_ended_on,
        "fee_notice_on": fee_notice_on,
        "fee_paid_on": fee_paid_on,
        "closed_on": closed_on,
    }
    for column, label, needed in _DATE_NEEDS:
        if dates[column] is not None and not reader.row.get(_EARLIER[column]):
            reader.error(column, f"有{label}，却没有{needed}。")
    for column, label, earlier_column, earlier_label in _DATE_ORDER:
        later, earlier = dates[column], dates[earlier_column]
        if later is not None and earlier is not None and later < earlier:
            reader.error(column, f"{label}不能早于{earlier_label}（{earlier}）。")
    if outcome and closed_on is None and not reader.row.get("closed_on"):
        reader.error("closed_on", "已填写答复类型，必须填写办结日期。")
    if closed_on is not None and not reader.row.get("outcome"):
        reader.error("outcome", "已填写办结日期，必须填写答复类型（空表示尚未办结）。")

    if len(reader.problems) > problems_before or agency is None or received_on is None:
        return None
    return LedgerRow(
        number=reader.number,
        agency=agency,
        reference=reference,
        facts=LedgerFacts(
            received_on=received_on,
            channel=channel,
            applicant_type=applicant_type,
            applicant_name=applicant_name,
            description=description,
            supplement_requested_on=supplement_requested_on,
            supplement_received_on=supplement_received_on,
            consultation_started_on=consultation_started_on,
            consultation_ended_on=consultation_ended_on,
            extended=extended,
            fee_notice_on=fee_notice_on,
            fee_amount_yuan=fee_amount_yuan,
            fee_paid_on=fee_paid_on,
            outcome=outcome,
            closed_on=closed_on,
        ),
    )


def ledger_status(facts: LedgerFacts) -> Status:
    """The workflow status a ledger row stands in (derived, never read from the file)."""
    if facts.outcome:
        return Status.CLOSED
    if facts.supplement_requested_on and not facts.supplement_received_on:
        return Status.AWAITING_SUPPLEMENT
    if facts.consultation_started_on and not facts.consultation_ended_on:
        return Status.IN_CONSULTATION
    if facts.fee_notice_on and not facts.fee_paid_on:
        return Status.AWAITING_FEE
    return Status.IN_PROGRESS


# --- what is stored -----------------------------------------------------------------------


@dataclass(slots=True)
class StoredRequest:
    """The stored application a ledger row is compared with."""

    pk: int
    agency_id: int
    year: int
    serial: int
    applicant_id: int
    supplement_period_days: int | None
    delayed_due_on: date | None
    status: str
    due_on: date | None
    facts: LedgerFacts


_STORED_FIELDS = (
    "pk",
    "agency_id",
    "reference",
    "year",
    "serial",
    "applicant_id",
    "applicant__name",
    "supplement_period_days",
    "delayed_due_on",
    "status",
    "due_on",
    "received_on",
    "channel",
    "applicant_type",
    "description",
    "supplement_requested_on",
    "supplement_received_on",
    "extended",
    "fee_notice_on",
    "fee_amount_yuan",
    "fee_paid_on",
    "outcome",
    "closed_on",
)


def _chunks(items: Sequence, size: int = BATCH_SIZE) -> Iterable[Sequence]:
    for start in range(0, len(items), size):
        yield items[start : start + size]


def stored_requests(
    references: Sequence[str],
) -> dict[tuple[int, str], StoredRequest]:
    """The stored applications with these references, by (agency, reference) (a few queries per
    2,000 references). Several consultations are summed up as the ledger shows them:
    the first start, and the last reply once all have ended."""
    stored: dict[tuple[int, str], StoredRequest] = {}
    for chunk in _chunks(references):
        rows = DisclosureRequest.objects.filter(reference__in=chunk).values_list(
            *_STORED_FIELDS
        )
        consultations: dict[int, list[tuple[date, date | None]]] = {}
        found = list(rows)
        if found:
            for request_id, started_on, ended_on in Consultation.objects.filter(
                request_id__in=[row[0] for row in found]
            ).values_list("request_id", "started_on", "ended_on"):
                consultations.setdefault(request_id, []).append((started_on, ended_on))
        for row in found:
            values = dict(zip(_STORED_FIELDS, row, strict=True))
            spans = consultations.get(values["pk"], [])
            started = min((start for start, _ in spans), default=None)
            ends = [end for _, end in spans if end is not None]
            ended = max(ends) if spans and len(ends) == len(spans) else None
            stored[values["agency_id"], values["reference"]] = StoredRequest(
                pk=values["pk"],
                agency_id=values["agency_id"],
                year=values["year"],
                serial=values["serial"],
                applicant_id=values["applicant_id"],
                supplement_period_days=values["supplement_period_days"],
                delayed_due_on=values["delayed_due_on"],
                status=values["status"],
                due_on=values["due_on"],
                facts=LedgerFacts(
                    received_on=values["received_on"],
                    channel=values["channel"],
                    applicant_type=values["applicant_type"],
                    applicant_name=values["applicant__name"],
                    description=values["description"],
                    supplement_requested_on=values["supplement_requested_on"],
                    supplement_received_on=values["supplement_received_on"],
                    consultation_started_on=started,
                    consultation_ended_on=ended,
                    extended=values["extended"],
                    fee_notice_on=values["fee_notice_on"],
                    fee_amount_yuan=values["fee_amount_yuan"],
                    fee_paid_on=values["fee_paid_on"],
                    outcome=values["outcome"],
                    closed_on=values["closed_on"],
                ),
            )
    return stored


# --- the plan -------------------------------------------------------------------------------


@dataclass(slots=True)
class Plan:
    new: list[LedgerRow]
    changed: list[tuple[LedgerRow, StoredRequest]]
    unchanged: int


def ledger_plan(*, sheet: Sheet, progress: Progress | None = None) -> Plan:
    """Read and check every row and sort it into new, changed and unchanged; raise
    :class:`LedgerRefused` listing every problem."""
    problems: list[RowProblem] = []
    agencies = agencies_by_code({row.get("agency") for row in sheet.rows})
    ticker = ProgressTicker(progress, "校验", len(sheet.rows))
    rows: list[LedgerRow] = []
    for done, sheet_row in enumerate(sheet.rows, start=1):
        row = row_read(RowReader(sheet_row, problems), agencies)
        if row is not None:
            rows.append(row)
        ticker.tick(done)
    duplicates = duplicate_keys(
        [
            (row.number, (row.get("agency"), row.get("reference")))
            for row in sheet.rows
            if row.get("reference")
        ]
    )
    for number, first in duplicates.items():
        # Rows are keyed by agency + reference (contract §5).
        problems.append(RowProblem(number, "reference", f"编号与第{first}行重复。"))
    stored = stored_requests([row.reference for row in rows])
    new: list[LedgerRow] = []
    changed: list[tuple[LedgerRow, StoredRequest]] = []
    unchanged = 0
    for row in rows:
        existing = stored.get((row.agency.pk, row.reference))
        if existing is None:
            new.append(row)
        elif existing.facts == row.facts:
            unchanged += 1
        else:
            changed.append((row, existing))
    if problems:
        raise LedgerRefused(problems)
    return Plan(new=new, changed=changed, unchanged=unchanged)


# --- serial numbers ---------------------------------------------------------------------------


@functools.lru_cache(maxsize=256)
def _reference_pattern(agency_code: str) -> re.Pattern[str]:
    return re.compile(rf"{re.escape(agency_code)}-(\d{{4}})-(\d+)")


def reference_serial(reference: str, agency_code: str) -> tuple[int, int] | None:
    """(year, serial) of a reference of the form ``CODE-YYYY-NNNN``, else None."""
    match = _reference_pattern(agency_code).fullmatch(reference)
    if not match:
        return None
    serial = int(match.group(2))
    return (int(match.group(1)), serial) if serial > 0 else None


def _serials_assign(
    rows: Sequence[tuple[LedgerRow, int | None]],
) -> dict[int, tuple[int, int]]:
    """(year, serial) for each row that needs one, by row number; raises the per-agency
    Counter to at least every serial used, so later registrations never reuse one.

    Rows are (row, serial it already has in that year or None). A reference of the
    form CODE-YYYY-NNNN keeps NNNN when YYYY is the year of receipt and the number is
    free; other rows get numbers above every number in use.
    """
    pairs = {(row.agency.pk, row.facts.received_on.year) for row, _ in rows}
    # References naming another year reserve their number in that year too.
    reserved: dict[tuple[int, int], int] = {}
    for row, _ in rows:
        parsed = reference_serial(row.reference, row.agency.code)
        if parsed:
            key = (row.agency.pk, parsed[0])
            reserved[key] = max(reserved.get(key, 0), parsed[1])
    pairs |= set(reserved)
    agency_ids = {agency_id for agency_id, _ in pairs}
    years = {year for _, year in pairs}
    counters = {
        (counter.agency_id, counter.year): counter
        for counter in Counter.objects.select_for_update()
        .filter(agency_id__in=agency_ids, year__in=years, kind=SERIAL_KIND)
        .order_by("pk")
    }
    top: dict[tuple[int, int], int] = {
        pair: counter.last for pair, counter in counters.items()
    }
    # One index probe per agency-year (on the unique agency, year, serial index); a
    # grouped query would read every stored case of those agencies instead.
    for agency_id, year in sorted(pairs):
        highest = DisclosureRequest.objects.filter(
            agency_id=agency_id, year=year
        ).aggregate(highest=Max("serial"))["highest"]
        if highest:
            top[agency_id, year] = max(top.get((agency_id, year), 0), highest)
    # Only a kept number at or below the highest in use can collide with a stored one.
    candidates = set()
    for row, kept in rows:
        parsed = reference_serial(row.reference, row.agency.code)
        if (
            kept is None
            and parsed
            and parsed[1] <= top.get((row.agency.pk, parsed[0]), 0)
        ):
            candidates.add(parsed[1])
    used: set[tuple[int, int, int]] = set()
    for chunk in _chunks(sorted(candidates)):
        used.update(
            DisclosureRequest.objects.filter(
                agency_id__in=agency_ids, year__in=years, serial__in=chunk
            ).values_list("agency_id", "year", "serial")
        )
    assigned: dict[int, tuple[int, int]] = {}
    waiting: list[LedgerRow] = []
    for row, kept in rows:
        year = row.facts.received_on.year
        if kept is not None:
            assigned[row.number] = (year, kept)
            continue
        parsed = reference_serial(row.reference, row.agency.code)
        if (
            parsed
            and parsed[0] == year
            and (row.agency.pk, year, parsed[1]) not in used
        ):
            used.add((row.agency.pk, year, parsed[1]))
            assigned[row.number] = parsed
            key = (row.agency.pk, year)
            top[key] = max(top.get(key, 0), parsed[1])
        else:
            waiting.append(row)
    for key, serial in reserved.items():
        top[key] = max(top.get(key, 0), serial)
    for row in waiting:
        key = (row.agency.pk, row.facts.received_on.year)
        top[key] = top.get(key, 0) + 1
        assigned[row.number] = (key[1], top[key])
    to_create: list[Counter] = []
    to_update: list[Counter] = []
    for (agency_id, year), last in top.items():
        if (agency_id, year) not in pairs:
            continue
        counter = counters.get((agency_id, year))
        if counter is None:
            to_create.append(
                Counter(agency_id=agency_id, year=year, kind=SERIAL_KIND, last=last)
            )
        elif counter.last < last:
            counter.last = last
            to_update.append(counter)
    Counter.objects.bulk_create(to_create, batch_size=BATCH_SIZE)
    Counter.objects.bulk_update(to_update, ["last"], batch_size=BATCH_SIZE)
    return assigned


# --- applicants ---------------------------------------------------------------------------------

ApplicantKey = tuple[int, str, str]


def _applicants_for(rows: Iterable[LedgerRow]) -> dict[ApplicantKey, int]:
    """An applicant without identity number per (agency, name, type), reusing those
    already stored for the agency; the missing ones are created in bulk."""
    wanted = {
        (row.agency.pk, row.facts.applicant_name, row.facts.applicant_type)
        for row in rows
    }
    if not wanted:
        return {}
    known: dict[ApplicantKey, int] = {}
    # Applicants first (a narrow table), each with the agency of one of its cases by
    # the applicant index: the cost follows the applicants named in the file, not the
    # number of cases stored, and no join plan can go wrong on stale statistics.
    # An applicant without identity number is created for one agency only.
    agency_of_applicant = Subquery(
        DisclosureRequest.objects.filter(applicant_id=OuterRef("pk"))
        .order_by()
        .values("agency_id")[:1]
    )
    for chunk in _chunks(sorted({key[1] for key in wanted})):
        for applicant_id, name, applicant_type, agency_id in (
            Applicant.objects.filter(id_number_hash="", name__in=chunk)
            .annotate(first_agency_id=agency_of_applicant)
            .order_by("pk")
            .values_list("pk", "name", "applicant_type", "first_agency_id")
        ):
            key = (agency_id, name, applicant_type)
            if key in wanted:
                known.setdefault(key, applicant_id)
    missing = sorted(wanted - known.keys())
    created = Applicant.objects.bulk_create(
        [
            Applicant(name=name, applicant_type=applicant_type)
            for _, name, applicant_type in missing
        ],
        batch_size=BATCH_SIZE,
    )
    for key, applicant in zip(missing, created, strict=True):
        known[key] = applicant.pk
    return known


# --- building the stored case ------------------------------------------------------------------


def case_derive(
    request: DisclosureRequest,
    row: LedgerRow,
    *,
    calendar: deadlines.WorkingDayCalendar,
    supplement_period_days: int | None = None,
    delayed_due_on: date | None = None,
) -> Consultation | None:
    """Write onto ``request`` what a ledger row states and what follows from it: the
    status, the clock by the engine (C1–C9), the supplement notice deadline (C3) and
    whether the case closed on time (C8). Returns the consultation the row states,
    unsaved. An updated case keeps what the ledger cannot state: its supplement
    period and its Art. 35 date. Every field it derives is set, so one instance can
    be reused row after row."""
    facts = row.facts
    request.status = ledger_status(facts)
    request.agency_id = row.agency.pk
    request.reference = row.reference
    request.applicant_type = facts.applicant_type
    request.channel = facts.channel
    request.received_on = facts.received_on
    request.description = facts.description
    request.supplement_notice_due_on = deadlines.supplement_notice_due(
        facts.received_on, calendar
    )
    request.supplement_requested_on = facts.supplement_requested_on
    request.supplement_received_on = facts.supplement_received_on
    request.extended = facts.extended
    request.fee_amount_yuan = facts.fee_amount_yuan
    request.fee_notice_on = facts.fee_notice_on
    request.fee_paid_on = facts.fee_paid_on
    request.outcome = facts.outcome
    request.outcome_basis = OUTCOMES[facts.outcome].basis if facts.outcome else ""
    request.closed_on = facts.closed_on
    request.delayed_due_on = delayed_due_on
    if facts.supplement_requested_on is not None:
        request.supplement_period_days = (
            supplement_period_days or row.agency.supplement_period_days
        )
        request.supplement_notice_late = (
            facts.supplement_requested_on > request.supplement_notice_due_on
        )
    else:
        request.supplement_period_days = None
        request.supplement_notice_late = False
    consultation = None
    if facts.consultation_started_on is not None:
        consultation = Consultation(
            party=IMPORTED_PARTY,
            started_on=facts.consultation_started_on,
            ended_on=facts.consultation_ended_on,
            reply_due_on=deadlines.consultation_reply_due(
                facts.consultation_started_on, calendar
            ),
        )
    clock_apply(
        request,
        calendar=calendar,
        consultations=[consultation] if consultation else [],
    )
    request.on_time = (
        deadlines.is_on_time(closed_on=facts.closed_on, due_on=request.due_on)
        if request.status == Status.CLOSED and facts.closed_on is not None
        else None
    )
    return consultation


def request_from_row(
    row: LedgerRow, *, calendar: deadlines.WorkingDayCalendar
) -> tuple[DisclosureRequest, Consultation | None]:
    """The new application a ledger row describes, unsaved, and its consultation."""
    request = DisclosureRequest(agency=row.agency)
    consultation = case_derive(request, row, calendar=calendar)
    return request, consultation


# --- writing many rows fast ---------------------------------------------------------------------


def _json_text(value: object) -> str:
    if not value:
        return "[]" if isinstance(value, list) else "{}"
    return json.dumps(value, ensure_ascii=False)


def _can_copy() -> bool:
    """PostgreSQL through psycopg2, whose cursors take ``copy_expert``."""
    if connection.vendor != "postgresql":
        return False
    from django.db.backends.postgresql.psycopg_any import is_psycopg3

    return not is_psycopg3


def bulk_insert(
    model: type[models.Model], columns: Sequence[str], rows: Sequence[tuple]
) -> list[int]:
    """Insert ``rows`` (values in the order of ``columns``, attribute names) and return
    their new primary keys in the same order.

    On PostgreSQL the keys are drawn from the table's sequence in one query and the
    rows go in with one COPY: a large ledger is written at the speed of the database
    rather than of building a model instance per row. Elsewhere (SQLite in
    development and tests) the rows go through ``bulk_create``.
    """
    if not rows:
        return []
    meta = model._meta
    fields = [meta.get_field(column) for column in columns]
    if not _can_copy():
        objects = [model(**dict(zip(columns, row, strict=True))) for row in rows]
        model.objects.bulk_create(objects, batch_size=BATCH_SIZE)
        return [obj.pk for obj in objects]
    quote = connection.ops.quote_name
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT nextval(pg_get_serial_sequence(%s, %s)) "
            "FROM generate_series(1, %s)",
            [meta.db_table, meta.pk.column, len(rows)],
        )
        keys = [key for (key,) in cursor.fetchall()]
        # COPY's CSV format, written by the csv module in C. An unquoted empty field
        # is NULL, so the text columns (never NULL here) are read with FORCE_NOT_NULL
        # and keep their empty strings; JSON values are written as their text.
        json_positions = [
            index
            for index, field in enumerate(fields)
            if isinstance(field, models.JSONField)
        ]
        if json_positions:
            rows = [list(row) for row in rows]
            for row in rows:
                for index in json_positions:
                    row[index] = _json_text(row[index])
        buffer = io.StringIO()
        writer = csv.writer(buffer, lineterminator="\n")
        writer.writerows((key, *row) for key, row in zip(keys, rows, strict=True))
        buffer.seek(0)
        columns_sql = ", ".join(
            quote(column) for column in [meta.pk.column, *(f.column for f in fields)]
        )
        text_columns = ", ".join(
            quote(field.column)
            for field in fields
            if isinstance(field, models.CharField | models.TextField) and not field.null
        )
        force = f", FORCE_NOT_NULL ({text_columns})" if text_columns else ""
        cursor.copy_expert(
            f"COPY {quote(meta.db_table)} ({columns_sql}) "
            f"FROM STDIN WITH (FORMAT csv{force})",
            buffer,
        )
    return keys


_REQUEST_COLUMNS = [
    field.attname
    for field in DisclosureRequest._meta.concrete_fields
    if not field.primary_key
]
_request_values = operator.attrgetter(*_REQUEST_COLUMNS)
_CONSULTATION_COLUMNS = [
    "created_at",
    "updated_at",
    "request_id",
    "party",
    "started_on",
    "reply_due_on",
    "ended_on",
]
_EVENT_COLUMNS = [
    "request_id",
    "kind",
    "occurred_at",
    "effective_on",
    "due_after",
    "status_before",
    "status_after",
    "payload",
]


UPDATE_FIELDS = [
    "year",
    "serial",
    "applicant",
    "applicant_type",
    "channel",
    "received_on",
    "description",
    "status",
    "due_on",
    "provisional",
    "remaining_workdays",
    "clock_explanation",
    "clock_steps",
    "supplement_notice_due_on",
    "supplement_requested_on",
    "supplement_received_on",
    "supplement_period_days",
    "supplement_notice_late",
    "extended",
    "fee_amount_yuan",
    "fee_notice_on",
    "fee_paid_on",
    "outcome",
    "outcome_basis",
    "closed_on",
    "on_time",
    "updated_at",
]


def ledger_import_sheet(
    *,
    sheet: Sheet,
    dry_run: bool = False,
    progress: Progress | None = None,
    source: str = "",
) -> ImportSummary:
    """Import the requests ledger: new rows become applications (one IMPORTED event
    each), changed rows update theirs (one UPDATED_BY_IMPORT event with the changed
    fields), unchanged rows are left alone."""
    plan = ledger_plan(sheet=sheet, progress=progress)
    summary = ImportSummary(
        kind="requests",
        created=len(plan.new),
        updated=len(plan.changed),
        unchanged=plan.unchanged,
        dry_run=dry_run,
    )
    if dry_run or not (plan.new or plan.changed):
        return summary
    _write(plan, progress=progress, source=source)
    return summary


def _applicant_changed(row: LedgerRow, existing: StoredRequest) -> bool:
    return (row.facts.applicant_name, row.facts.applicant_type) != (
        existing.facts.applicant_name,
        existing.facts.applicant_type,
    )


@transaction.atomic
def _write(plan: Plan, *, progress: Progress | None, source: str) -> None:
    calendar = calendar_get()
    now = timezone.now()
    total = len(plan.new) + len(plan.changed)
    ticker = ProgressTicker(progress, "写入", total)
    serial_rows: list[tuple[LedgerRow, int | None]] = [(row, None) for row in plan.new]
    for row, existing in plan.changed:
        same_year = existing.year == row.facts.received_on.year
        serial_rows.append((row, existing.serial if same_year else None))
    serials = _serials_assign(serial_rows)
    applicants = _applicants_for(
        [
            *plan.new,
            *(
                row
                for row, existing in plan.changed
                if _applicant_changed(row, existing)
            ),
        ]
    )
    done = 0
    scratch = DisclosureRequest()
    for chunk in _chunks(plan.new):
        request_rows: list[tuple] = []
        # (index in chunk, started_on, reply_due_on, ended_on)
        consultations: list[tuple[int, date, date, date | None]] = []
        events: list[tuple[int, date, date | None, str]] = []
        for index, row in enumerate(chunk):
            consultation = case_derive(scratch, row, calendar=calendar)
            scratch.year, scratch.serial = serials[row.number]
            scratch.query_code = new_query_code()
            scratch.applicant_id = applicants[
                row.agency.pk, row.facts.applicant_name, row.facts.applicant_type
            ]
            scratch.created_at = scratch.updated_at = now
            request_rows.append(_request_values(scratch))
            events.append((index, scratch.received_on, scratch.due_on, scratch.status))
            if consultation is not None:
                consultations.append(
                    (
                        index,
                        consultation.started_on,
                        consultation.reply_due_on,
                        consultation.ended_on,
                    )
                )
        keys = bulk_insert(DisclosureRequest, _REQUEST_COLUMNS, request_rows)
        bulk_insert(
            Consultation,
            _CONSULTATION_COLUMNS,
            [
                (
                    now,
                    now,
                    keys[index],
                    IMPORTED_PARTY,
                    started_on,
                    reply_due_on,
                    ended_on,
                )
                for index, started_on, reply_due_on, ended_on in consultations
            ],
        )
        bulk_insert(
            RequestEvent,
            _EVENT_COLUMNS,
            [
                (
                    keys[index],
                    EventKind.IMPORTED.value,
                    now,
                    received_on,
                    due_on,
                    "",
                    status,
                    {"source": source, "row": chunk[index].number},
                )
                for index, received_on, due_on, status in events
            ],
        )
        done += len(chunk)
        ticker.tick(done)
    for chunk in _chunks(plan.changed):
        requests = []
        consultations_new: list[Consultation] = []
        update_events: list[RequestEvent] = []
        for row, existing in chunk:
            request = DisclosureRequest(pk=existing.pk)
            consultation = case_derive(
                request,
                row,
                calendar=calendar,
                supplement_period_days=existing.supplement_period_days,
                delayed_due_on=existing.delayed_due_on,
            )
            request.year, request.serial = serials[row.number]
            if _applicant_changed(row, existing):
                request.applicant_id = applicants[
                    row.agency.pk, row.facts.applicant_name, row.facts.applicant_type
                ]
            else:
                request.applicant_id = existing.applicant_id
            request.updated_at = now
            requests.append(request)
            if consultation is not None:
                consultation.request_id = existing.pk
                consultations_new.append(consultation)
            update_events.append(
                RequestEvent(
                    request_id=existing.pk,
                    kind=EventKind.UPDATED_BY_IMPORT,
                    due_before=existing.due_on,
                    due_after=request.due_on,
                    status_before=existing.status,
                    status_after=request.status,
                    payload={
                        "source": source,
                        "row": row.number,
                        "changed": row.facts.changes_from(existing.facts),
                    },
                )
            )
        DisclosureRequest.objects.bulk_update(
            requests, UPDATE_FIELDS, batch_size=BATCH_SIZE
        )
        # The ledger holds one consultation per case: it replaces what was stored
        # only where the case changed, so unchanged cases keep their parties.
        consultation_changed = [
            existing.pk
            for row, existing in chunk
            if (
                row.facts.consultation_started_on,
                row.facts.consultation_ended_on,
            )
            != (
                existing.facts.consultation_started_on,
                existing.facts.consultation_ended_on,
            )
        ]
        if consultation_changed:
            replaced = set(consultation_changed)
            Consultation.objects.filter(request_id__in=consultation_changed).delete()
            Consultation.objects.bulk_create(
                [c for c in consultations_new if c.request_id in replaced],
                batch_size=BATCH_SIZE,
            )
        RequestEvent.objects.bulk_create(update_events, batch_size=BATCH_SIZE)
        done += len(chunk)
        ticker.tick(done)
