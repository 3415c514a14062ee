"""The requests ledger (依申请公开台账), contract §5.2: one row per application.

A row is keyed by agency + ``reference`` (stored as given). Its state and clock are not
read from the file but derived from the dates, by the same pure engine the online cases
use (contract §2): closed when an outcome is given; awaiting a supplement while a
supplement was requested and not received; in consultation or awaiting the fee while
such a pause runs; else in progress.

Everything is computed in Python over one calendar and written in one transaction, so
the number of queries grows with the batches, never with the rows. A city's ledger has
hundreds of thousands of rows, so the row loop avoids per-row objects it does not need:
cells are read by position, the clock is computed once per distinct set of dates (most
cases share their receipt date with others and have no pause), and on PostgreSQL each
new case goes straight to a line of COPY text, streamed to one COPY while later lines
are still being made (the database inserts while Python computes); its events and
consultations follow in one COPY each. Elsewhere (SQLite) rows go through
``bulk_create`` in batches of 10,000.
"""

from __future__ import annotations

import functools
import json
import re
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal
from typing import NamedTuple

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
    SheetRow,
    duplicate_keys,
    parse_date,
    parse_decimal,
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

# Rows per bulk_create (and per progress step while writing) and references per
# look-up query.
BATCH_SIZE = 10_000
QUERY_CHUNK = 2000
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


class LedgerFacts(NamedTuple):
    """The facts a ledger row states about one application (everything but its key).

    A named tuple rather than a dataclass: one is built per row of a large ledger."""

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
        for name, old, new in zip(self._fields, before, self, strict=True):
            if old != new:
                changed[name] = {"before": _json(old), "after": _json(new)}
        return changed


class LedgerRow(NamedTuple):
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
    # A case is closed after everything that happened on it (the closing decision of
    # C3 and C5 comes after the notice too).
    ("closed_on", "办结日期", "supplement_requested_on", "补正告知日期"),
    ("closed_on", "办结日期", "supplement_received_on", "补正收到日期"),
    ("closed_on", "办结日期", "consultation_started_on", "征求意见日期"),
    ("closed_on", "办结日期", "consultation_ended_on", "征求意见回复日期"),
    ("closed_on", "办结日期", "fee_notice_on", "收费通知日期"),
    ("closed_on", "办结日期", "fee_paid_on", "缴费日期"),
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
# An outcome that closes a case for a lapse needs the notice that started it (C3, C5):
# (outcome, its name, the notice's column, its label).
NO_SUPPLEMENT = "other.no_supplement"
FEE_UNPAID = "other.fee_unpaid"
_OUTCOME_NEEDS = (
    (NO_SUPPLEMENT, "逾期不补正", "supplement_requested_on", "补正告知日期"),
    (FEE_UNPAID, "逾期未缴纳信息处理费", "fee_notice_on", "收费通知日期"),
)
_DATE_LABELS = {column.name: column.label for column in COLUMNS}


def row_read(
    reader: RowReader, agencies: dict[str, Agency], *, today: date | None = None
) -> LedgerRow | None:
    """Read and check one row; None (with the problems recorded) when it is bad.

    ``today`` (the local date in Asia/Shanghai by default) is the last date a ledger
    may state: every date in it records something that has happened."""
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
    if today is None:
        today = timezone.localdate()
    for column, day in dates.items():
        if day is not None and day > today:
            reader.error(column, f"{_DATE_LABELS[column]}不能晚于今天（{today}）。")
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
    for code, name, column, label in _OUTCOME_NEEDS:
        if outcome == code and not reader.row.get(column):
            reader.error(column, f"答复类型为{name}（{code}），必须填写{label}。")

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


_FLAGS = {"": False, "0": False, "1": True}
_COLUMN_NAMES = tuple(column.name for column in COLUMNS)


class _ParsedDates(dict):
    """Date cells already parsed, by their text ("" is no date); a bad one, or one
    after ``today``, raises ValueError and is not kept."""

    def __init__(self, today: date) -> None:
        super().__init__({"": None})
        self.today = today

    def __missing__(self, text: str) -> date:
        day = parse_date(text)
        if day > self.today:
            msg = f"晚于今天：“{text}”"
            raise ValueError(msg)
        self[text] = day
        return day


class _ParsedAmounts(dict):
    """Fee amounts already parsed, by their text ("" is no amount)."""

    def __missing__(self, text: str) -> Decimal:
        amount = self[text] = parse_decimal(text, places=2, max_digits=12)
        return amount


class RowFastReader:
    """Reads a row without problems in one pass over its cells by position.

    It answers None as soon as anything is unusual (a bad or missing cell, dates out of
    order); :func:`row_read` then reads that row again and words every problem, so the
    wording lives in one place and this reader only has to be strict. Dates and amounts
    repeat across a ledger and are parsed once each (a date after ``today`` is refused
    as it is parsed, so that rule costs nothing per row).
    """

    __slots__ = ("agencies", "amounts", "dates")

    def __init__(
        self, agencies: dict[str, Agency], *, today: date | None = None
    ) -> None:
        self.agencies = agencies
        self.dates = _ParsedDates(timezone.localdate() if today is None else today)
        self.amounts = _ParsedAmounts({"": None})

    def read(self, number: int, values: Sequence[str]) -> LedgerRow | None:
        """The row whose cells are ``values`` (in the order of :data:`COLUMNS`)."""
        (
            code,
            reference,
            received,
            channel,
            applicant_type,
            applicant_name,
            description,
            supplement_requested,
            supplement_received,
            consultation_started,
            consultation_ended,
            extended,
            fee_notice,
            fee_amount,
            fee_paid,
            outcome,
            closed,
        ) = values
        agency = self.agencies.get(code)
        if (
            agency is None
            or not reference
            or len(reference) > 64
            or channel not in CHANNELS
            or applicant_type not in APPLICANT_TYPES
            or len(applicant_name) > 200
            or extended not in _FLAGS
            or (outcome and outcome not in OUTCOMES)
            # An outcome needs a closing date and a closing date an outcome.
            or (not outcome) != (not closed)
        ):
            return None
        dates = self.dates
        try:
            received_on = dates[received]
            supplement_requested_on = dates[supplement_requested]
            supplement_received_on = dates[supplement_received]
            consultation_started_on = dates[consultation_started]
            consultation_ended_on = dates[consultation_ended]
            fee_notice_on = dates[fee_notice]
            fee_paid_on = dates[fee_paid]
            closed_on = dates[closed]
            fee_amount_yuan = self.amounts[fee_amount]
        except ValueError:
            return None
        if received_on is None or not (
            _in_order(received_on, supplement_requested_on)
            and _in_order(received_on, supplement_received_on)
            and _in_order(received_on, consultation_started_on)
            and _in_order(received_on, fee_notice_on)
            and _in_order(received_on, closed_on)
            and _follows(supplement_requested_on, supplement_received_on)
            and _follows(consultation_started_on, consultation_ended_on)
            and _follows(fee_notice_on, fee_paid_on)
        ):
            return None
        if closed_on is not None:
            # Nothing happened after the case was closed. A reply or payment is never
            # before its start (checked above), so the later date of each pair tells.
            # Written out in full: this runs for most rows of a large ledger.
            supplement = supplement_received_on or supplement_requested_on
            consultation = consultation_ended_on or consultation_started_on
            fee = fee_paid_on or fee_notice_on
            if (
                (supplement is not None and supplement > closed_on)
                or (consultation is not None and consultation > closed_on)
                or (fee is not None and fee > closed_on)
                # A lapse (C3, C5) needs its notice.
                or (outcome == NO_SUPPLEMENT and supplement_requested_on is None)
                or (outcome == FEE_UNPAID and fee_notice_on is None)
            ):
                return None
        return LedgerRow(
            number,
            agency,
            reference,
            LedgerFacts(
                received_on,
                channel,
                applicant_type,
                applicant_name,
                description,
                supplement_requested_on,
                supplement_received_on,
                consultation_started_on,
                consultation_ended_on,
                _FLAGS[extended],
                fee_notice_on,
                fee_amount_yuan,
                fee_paid_on,
                outcome,
                closed_on,
            ),
        )


def _in_order(earlier: date, later: date | None) -> bool:
    return later is None or later >= earlier


def _follows(earlier: date | None, later: date | None) -> bool:
    """A date that needs an earlier one (a reply to a consultation, say) has it, and is
    not before it."""
    return later is None or (earlier is not None and later >= earlier)


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


def _chunks(items: Sequence, size: int) -> Iterable[Sequence]:
    for start in range(0, len(items), size):
        yield items[start : start + size]


def stored_requests(
    keys: Iterable[tuple[int, str]],
) -> dict[tuple[int, str], StoredRequest]:
    """The stored applications with these (agency, reference) keys, by key. Several
    consultations are summed up as the ledger shows them: the first start, and the
    last reply once all have ended."""
    by_agency: dict[int, list[str]] = {}
    for agency_id, reference in keys:
        by_agency.setdefault(agency_id, []).append(reference)
    stored: dict[tuple[int, str], StoredRequest] = {}
    for agency_id, references in by_agency.items():
        for chunk in _chunks(_stored_keys(agency_id, references), QUERY_CHUNK):
            found = list(
                DisclosureRequest.objects.filter(pk__in=chunk)
                .order_by()
                .values_list(*_STORED_FIELDS)
            )
            _stored_add(stored, agency_id, found)
    return stored


def _stored_keys(agency_id: int, references: Sequence[str]) -> list[int]:
    """The keys of the agency's stored cases with these references, in one query.

    A long list is matched against every reference of the agency instead of being
    sent in chunks: right after a large import the planner's statistics still
    describe the table before it, and it may then read all of the agency's cases for
    each chunk (a quadratic re-import)."""
    cases = DisclosureRequest.objects.filter(agency_id=agency_id).order_by()
    if len(references) <= QUERY_CHUNK:
        return list(cases.filter(reference__in=references).values_list("pk", flat=True))
    wanted = set(references)
    return [
        pk
        for reference, pk in cases.values_list("reference", "pk")
        if reference in wanted
    ]


def _stored_add(
    stored: dict[tuple[int, str], StoredRequest], agency_id: int, found: list[tuple]
) -> None:
    consultations: dict[int, list[tuple[date, date | None]]] = {}
    for request_id, started_on, ended_on in (
        Consultation.objects.filter(request_id__in=[row[0] for row in found])
        .order_by()
        .values_list("request_id", "started_on", "ended_on")
    ):
        consultations.setdefault(request_id, []).append((started_on, ended_on))
    for (
        pk,
        reference,
        year,
        serial,
        applicant_id,
        applicant_name,
        supplement_period_days,
        delayed_due_on,
        status,
        due_on,
        received_on,
        channel,
        applicant_type,
        description,
        supplement_requested_on,
        supplement_received_on,
        extended,
        fee_notice_on,
        fee_amount_yuan,
        fee_paid_on,
        outcome,
        closed_on,
    ) in found:
        spans = consultations.get(pk)
        started = ended = None
        if spans:
            started = min(start for start, _ in spans)
            ends = [end for _, end in spans if end is not None]
            ended = max(ends) if len(ends) == len(spans) else None
        stored[agency_id, reference] = StoredRequest(
            pk=pk,
            agency_id=agency_id,
            year=year,
            serial=serial,
            applicant_id=applicant_id,
            supplement_period_days=supplement_period_days,
            delayed_due_on=delayed_due_on,
            status=status,
            due_on=due_on,
            facts=LedgerFacts(
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
            ),
        )


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
    sheet_rows = sheet.rows
    agencies = agencies_by_code({row.get("agency") for row in sheet_rows})
    ticker = ProgressTicker(progress, "校验", len(sheet_rows))
    today = timezone.localdate()
    # Rows read by position when the sheet holds exactly this ledger's columns.
    fast = (
        RowFastReader(agencies, today=today)
        if sheet_rows and sheet_rows[0].layout.names == _COLUMN_NAMES
        else None
    )
    rows: list[LedgerRow] = []
    for done, sheet_row in enumerate(sheet_rows, start=1):
        row = fast.read(sheet_row.number, sheet_row.values) if fast else None
        if row is None:
            row = row_read(RowReader(sheet_row, problems), agencies, today=today)
        if row is not None:
            rows.append(row)
        ticker.tick(done)
    keys = (
        # Agency and reference are the first two columns.
        ((row.number, (row.values[0], row.values[1])) for row in sheet_rows)
        if fast
        else map(_sheet_key, sheet_rows)
    )
    duplicates = duplicate_keys([(number, key) for number, key in keys if key[1]])
    for number, first in duplicates.items():
        # Rows are keyed by agency + reference (contract §5).
        problems.append(RowProblem(number, "reference", f"编号与第{first}行重复。"))
    if problems:
        raise LedgerRefused(problems)
    stored = stored_requests((row.agency.pk, row.reference) for row in rows)
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
    return Plan(new=new, changed=changed, unchanged=unchanged)


def _sheet_key(row: SheetRow) -> tuple[int, tuple[str, str]]:
    return row.number, (row.get("agency"), row.get("reference"))


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
    parsed_of = {
        row.number: reference_serial(row.reference, row.agency.code) for row, _ in rows
    }
    # References naming another year reserve their number in that year too.
    reserved: dict[tuple[int, int], int] = {}
    for row, _ in rows:
        parsed = parsed_of[row.number]
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
        parsed = parsed_of[row.number]
        if (
            kept is None
            and parsed
            and parsed[1] <= top.get((row.agency.pk, parsed[0]), 0)
        ):
            candidates.add(parsed[1])
    used: set[tuple[int, int, int]] = set()
    for chunk in _chunks(sorted(candidates), QUERY_CHUNK):
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
        parsed = parsed_of[row.number]
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
    Counter.objects.bulk_create(to_create, batch_size=QUERY_CHUNK)
    Counter.objects.bulk_update(to_update, ["last"], batch_size=QUERY_CHUNK)
    return assigned


# --- applicants ---------------------------------------------------------------------------------

ApplicantKey = tuple[int, str, str]


def _applicants_for(
    rows: Iterable[LedgerRow], *, now: datetime
) -> dict[ApplicantKey, int]:
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
    for chunk in _chunks(sorted({key[1] for key in wanted}), QUERY_CHUNK):
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
    keys = bulk_insert(
        Applicant,
        ["name", "applicant_type"],
        [(name, applicant_type) for _, name, applicant_type in missing],
        now=now,
    )
    known.update(zip(missing, keys, strict=True))
    return known


# --- building the stored case ------------------------------------------------------------------

_COPY_NULL = "\\N"
_COPY_FLAGS = {None: _COPY_NULL, True: "t", False: "f"}
# One encoder for the import (json.dumps builds one per call); the same text as
# ``json.dumps(value, ensure_ascii=False)``.
_JSON = json.JSONEncoder(ensure_ascii=False)


def copy_text(text: str) -> str:
    """``text`` as one field of COPY's text format: a backslash, a tab, a newline and a
    carriage return are written as escapes, so that a field never spans columns or
    lines. (``str.replace`` is several times faster than ``str.translate`` on Chinese
    text, and most fields need none.)"""
    if "\\" in text:
        text = text.replace("\\", "\\\\")
    if "\t" in text:
        text = text.replace("\t", "\\t")
    if "\n" in text:
        text = text.replace("\n", "\\n")
    if "\r" in text:
        text = text.replace("\r", "\\r")
    return text


def copy_value(value: object) -> str:
    """A value as COPY text, read by PostgreSQL into its column as the value itself."""
    if value is None:
        return _COPY_NULL
    if isinstance(value, bool):
        return "t" if value else "f"
    if isinstance(value, list | dict):
        return copy_text(_JSON.encode(value))
    if isinstance(value, date):  # a datetime too, with its UTC offset
        return value.isoformat()
    return copy_text(str(value))


class CaseClock(NamedTuple):
    """The stored clock of a case, as ``clock_apply`` writes it, with the supplement
    notice deadline (C3); ``copy_text`` holds the same six columns as COPY text."""

    due_on: date | None
    provisional: bool
    remaining_workdays: int | None
    clock_explanation: str
    clock_steps: list[dict[str, object]]
    supplement_notice_due_on: date
    copy_text: str


class CaseClocks:
    """The clocks of one import, each computed once per distinct set of dates.

    The clock is a pure function of the dates a row states and the calendar, and a
    ledger repeats them: every case received on one day without supplement or pause
    has the same clock. Each is computed by ``clock_apply`` on a scratch case, so the
    stored fields are exactly those of a case registered online. (``clock_apply``
    reads the receipt, supplement, fee and Art. 35 dates, the extension and the
    consultations: the key below.)
    """

    __slots__ = (
        "_case",
        "_clocks",
        "_consultation",
        "_reply_due",
        "_step_json",
        "calendar",
    )

    def __init__(self, calendar: deadlines.WorkingDayCalendar) -> None:
        self.calendar = calendar
        self._clocks: dict[tuple, CaseClock] = {}
        self._reply_due: dict[date, date] = {}
        self._step_json: dict[tuple, str] = {}
        self._case = DisclosureRequest()
        self._consultation = Consultation(party=IMPORTED_PARTY)

    def clock_of(self, facts: LedgerFacts, delayed_due_on: date | None) -> CaseClock:
        key = (
            facts.received_on,
            facts.supplement_requested_on,
            facts.supplement_received_on,
            facts.consultation_started_on,
            facts.consultation_ended_on,
            facts.fee_notice_on,
            facts.fee_paid_on,
            facts.extended,
            delayed_due_on,
        )
        clock = self._clocks.get(key)
        if clock is None:
            clock = self._clocks[key] = self._compute(facts, delayed_due_on)
        return clock

    def consultation_reply_due(self, started_on: date) -> date:
        """C4: the day a consulted party's reply is due."""
        due = self._reply_due.get(started_on)
        if due is None:
            due = self._reply_due[started_on] = deadlines.consultation_reply_due(
                started_on, self.calendar
            )
        return due

    def _compute(self, facts: LedgerFacts, delayed_due_on: date | None) -> CaseClock:
        case = self._case
        case.received_on = facts.received_on
        case.supplement_requested_on = facts.supplement_requested_on
        case.supplement_received_on = facts.supplement_received_on
        case.fee_notice_on = facts.fee_notice_on
        case.fee_paid_on = facts.fee_paid_on
        case.extended = facts.extended
        case.delayed_due_on = delayed_due_on
        consultations = []
        if facts.consultation_started_on is not None:
            consultation = self._consultation
            consultation.started_on = facts.consultation_started_on
            consultation.ended_on = facts.consultation_ended_on
            consultations.append(consultation)
        clock_apply(case, calendar=self.calendar, consultations=consultations)
        notice_due = deadlines.supplement_notice_due(facts.received_on, self.calendar)
        return CaseClock(
            due_on=case.due_on,
            provisional=case.provisional,
            remaining_workdays=case.remaining_workdays,
            clock_explanation=case.clock_explanation,
            clock_steps=case.clock_steps,
            supplement_notice_due_on=notice_due,
            copy_text="\t".join(
                (
                    copy_value(case.due_on),
                    copy_value(case.provisional),
                    copy_value(case.remaining_workdays),
                    copy_text(case.clock_explanation),
                    copy_text(self._steps_json(case.clock_steps)),
                    copy_value(notice_due),
                )
            ),
        )

    def _steps_json(self, steps: list[dict[str, object]]) -> str:
        """``json.dumps(steps, ensure_ascii=False)``, joined from the JSON of each
        step, each encoded once: the same steps recur in many clocks."""
        known = self._step_json
        parts = []
        for step in steps:
            try:
                key = tuple(step.items())
                text = known.get(key)
            except TypeError:  # a value that cannot be a key: encoded each time
                key, text = None, None
            if text is None:
                text = _JSON.encode(step)
                if key is not None:
                    known[key] = text
            parts.append(text)
        return f"[{', '.join(parts)}]"


class CaseValues(NamedTuple):
    """What the case of a ledger row stores beyond the row's own facts."""

    status: Status
    clock: CaseClock
    supplement_period_days: int | None
    supplement_notice_late: bool
    outcome_basis: str
    consultation_reply_due_on: date | None
    on_time: bool | None


_OUTCOME_BASIS = {"": "", **{code: info.basis for code, info in OUTCOMES.items()}}


def case_values(
    row: LedgerRow,
    clocks: CaseClocks,
    *,
    supplement_period_days: int | None = None,
    delayed_due_on: date | None = None,
) -> CaseValues:
    """What follows from a ledger row: the status, the clock by the engine (C1–C9), the
    supplement period and whether its notice was late (C3), the consulted party's reply
    date (C4) and whether the case closed on time (C8). An updated case keeps what the
    ledger cannot state: its supplement period and its Art. 35 date."""
    facts = row.facts
    status = ledger_status(facts)
    clock = clocks.clock_of(facts, delayed_due_on)
    requested = facts.supplement_requested_on
    if requested is not None:
        period = supplement_period_days or row.agency.supplement_period_days
        late = requested > clock.supplement_notice_due_on
    else:
        period, late = None, False
    started = facts.consultation_started_on
    closed_on = facts.closed_on
    return CaseValues(
        status,
        clock,
        period,
        late,
        _OUTCOME_BASIS[facts.outcome],
        clocks.consultation_reply_due(started) if started is not None else None,
        deadlines.is_on_time(closed_on=closed_on, due_on=clock.due_on)
        if status == Status.CLOSED and closed_on is not None
        else None,
    )


def case_derive(
    request: DisclosureRequest,
    row: LedgerRow,
    *,
    calendar: deadlines.WorkingDayCalendar,
    supplement_period_days: int | None = None,
    delayed_due_on: date | None = None,
    clocks: CaseClocks | None = None,
) -> Consultation | None:
    """Write onto ``request`` what a ledger row states and what follows from it
    (:func:`case_values`). Returns the consultation the row states, unsaved. Every
    field it derives is set, so one instance can be reused row after row; ``clocks``
    (over ``calendar``) shares the clocks of one import."""
    if clocks is None:
        clocks = CaseClocks(calendar)
    values = case_values(
        row,
        clocks,
        supplement_period_days=supplement_period_days,
        delayed_due_on=delayed_due_on,
    )
    _case_apply(request, row, values, delayed_due_on=delayed_due_on)
    if row.facts.consultation_started_on is None:
        return None
    return _consultation_of(row, values)


def _case_apply(
    request: DisclosureRequest,
    row: LedgerRow,
    values: CaseValues,
    *,
    delayed_due_on: date | None,
) -> None:
    facts = row.facts
    clock = values.clock
    request.status = values.status
    request.agency_id = row.agency.pk
    request.reference = row.reference
    request.applicant_type = facts.applicant_type
    request.channel = facts.channel
    request.received_on = facts.received_on
    request.description = facts.description
    request.supplement_notice_due_on = clock.supplement_notice_due_on
    request.supplement_requested_on = facts.supplement_requested_on
    request.supplement_received_on = facts.supplement_received_on
    request.supplement_period_days = values.supplement_period_days
    request.supplement_notice_late = values.supplement_notice_late
    request.extended = facts.extended
    request.fee_amount_yuan = facts.fee_amount_yuan
    request.fee_notice_on = facts.fee_notice_on
    request.fee_paid_on = facts.fee_paid_on
    request.outcome = facts.outcome
    request.outcome_basis = values.outcome_basis
    request.closed_on = facts.closed_on
    request.delayed_due_on = delayed_due_on
    request.due_on = clock.due_on
    request.provisional = clock.provisional
    request.remaining_workdays = clock.remaining_workdays
    request.clock_explanation = clock.clock_explanation
    request.clock_steps = clock.clock_steps
    request.on_time = values.on_time


def _consultation_of(row: LedgerRow, values: CaseValues) -> Consultation:
    """The consultation a row states (it has a start date), unsaved."""
    return Consultation(
        party=IMPORTED_PARTY,
        started_on=row.facts.consultation_started_on,
        ended_on=row.facts.consultation_ended_on,
        reply_due_on=values.consultation_reply_due_on,
    )


def request_from_row(
    row: LedgerRow, *, calendar: deadlines.WorkingDayCalendar
) -> tuple[DisclosureRequest, Consultation | None]:
    """The new application a ledger row describes, unsaved, and its consultation."""
    request = DisclosureRequest(agency=row.agency)
    consultation = case_derive(request, row, calendar=calendar)
    return request, consultation


# --- writing many rows fast ---------------------------------------------------------------------


def _can_copy() -> bool:
    """PostgreSQL through psycopg2, whose cursors take ``copy_expert``."""
    if connection.vendor != "postgresql":
        return False
    from django.db.backends.postgresql.psycopg_any import is_psycopg3

    return not is_psycopg3


class _IsoDates(dict):
    """Dates as COPY text, each formatted once (None is NULL)."""

    def __missing__(self, day: date) -> str:
        text = self[day] = day.isoformat()
        return text


def _constant_columns(
    model: type[models.Model], given: Sequence[str], now: datetime
) -> tuple[list[str], str]:
    """The columns of ``model`` other than its key and ``given`` (attribute names), and
    their values as the COPY text that follows the given ones on every line: what a
    new instance holds (the fields' defaults), with ``now`` for the timestamps Django
    sets on creation."""
    blank = model()
    columns: list[str] = []
    suffix = ""
    for field in model._meta.concrete_fields:
        if field.primary_key or field.attname in given:
            continue
        stamped = isinstance(field, models.DateField) and (
            field.auto_now or field.auto_now_add
        )
        columns.append(field.column)
        suffix += "\t" + copy_value(now if stamped else getattr(blank, field.attname))
    return columns, suffix


def _next_keys(cursor, model: type[models.Model], count: int) -> list[int]:
    """``count`` new primary keys of ``model``, drawn from its sequence in one query."""
    meta = model._meta
    cursor.execute(
        "SELECT nextval(pg_get_serial_sequence(%s, %s)) FROM generate_series(1, %s)",
        [meta.db_table, meta.pk.column, count],
    )
    return [key for (key,) in cursor.fetchall()]


class _CopyStream:
    """COPY text read by ``copy_expert`` from lines made on demand: the database
    inserts the first rows while later ones are still being built, so the two
    processes work side by side instead of in turn."""

    def __init__(self, lines: Iterable[str]) -> None:
        self._lines = iter(lines)
        self.error: BaseException | None = None

    def read(self, size: int = -1) -> bytes:
        chunk: list[str] = []
        length = 0
        try:
            for line in self._lines:
                chunk.append(line)
                length += len(line)
                if 0 < size <= length:
                    break
        except BaseException as error:
            # psycopg2 aborts the COPY and reports this as QueryCanceled; kept so
            # that the caller sees the real cause.
            self.error = error
            raise
        if not chunk:
            return b""
        chunk.append("")
        return "\n".join(chunk).encode()


def _copy(
    cursor,
    model: type[models.Model] | str,
    columns: Sequence[str],
    lines: Iterable[str],
) -> None:
    """One COPY of ``lines`` (COPY text, fields in the order of ``columns``) into the
    table of ``model`` (or the table of that name)."""
    quote = connection.ops.quote_name
    table = model if isinstance(model, str) else model._meta.db_table
    stream = _CopyStream(lines)
    try:
        cursor.copy_expert(
            f"COPY {quote(table)} ({', '.join(map(quote, columns))}) FROM STDIN",
            stream,
            1 << 16,  # characters per read: 64 KB messages, sent as they are made
        )
    except Exception:
        if stream.error is not None:
            raise stream.error from None
        raise


def bulk_insert(
    model: type[models.Model],
    columns: Sequence[str],
    rows: Sequence[tuple],
    *,
    now: datetime,
) -> list[int]:
    """Insert ``rows`` (values in the order of ``columns``, attribute names; the other
    fields as a new instance has them) and return their new primary keys in order.

    On PostgreSQL the keys are drawn from the table's sequence in one query and the
    rows go in with one COPY. Elsewhere (SQLite in development and tests) the rows go
    through ``bulk_create``.
    """
    if not rows:
        return []
    if not _can_copy():
        objects = [model(**dict(zip(columns, row, strict=True))) for row in rows]
        model.objects.bulk_create(objects, batch_size=BATCH_SIZE)
        return [obj.pk for obj in objects]
    meta = model._meta
    constant_columns, suffix = _constant_columns(model, columns, now)
    with connection.cursor() as cursor:
        keys = _next_keys(cursor, model, len(rows))
        _copy(
            cursor,
            model,
            [
                meta.pk.column,
                *(meta.get_field(column).column for column in columns),
                *constant_columns,
            ],
            [
                "\t".join([str(key), *map(copy_value, row)]) + suffix
                for key, row in zip(keys, rows, strict=True)
            ],
        )
    return keys


# The fields of a case that its ledger row decides, in the order of their COPY text
# (CaseText.fields): the six clock fields come from CaseClock.copy_text.
_ROW_FIELDS = (
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
)
# A new case: its key, agency, reference, serial, query code and applicant first.
_NEW_CASE_COLUMNS = (
    "id",
    "agency_id",
    "reference",
    "year",
    "serial",
    "query_code",
    "applicant_id",
    *_ROW_FIELDS,
)
# A changed case: what an import may change (UPDATE_FIELDS), in the same order.
UPDATE_FIELDS = ["year", "serial", "applicant", *_ROW_FIELDS, "updated_at"]
_EVENT_COLUMNS = (
    "request_id",
    "kind",
    "occurred_at",
    "effective_on",
    "due_after",
    "status_before",
    "status_after",
    "payload",
)
_CONSULTATION_COLUMNS = (
    "created_at",
    "updated_at",
    "request_id",
    "party",
    "started_on",
    "reply_due_on",
    "ended_on",
)
_OUTCOME_BASIS_TEXT = {code: copy_text(basis) for code, basis in _OUTCOME_BASIS.items()}


class CaseText:
    """The fields a ledger row decides (:data:`_ROW_FIELDS`), as one piece of a COPY
    line; dates are formatted once per import."""

    __slots__ = ("iso",)

    def __init__(self) -> None:
        self.iso = _IsoDates({None: _COPY_NULL})

    def fields(self, row: LedgerRow, values: CaseValues) -> str:
        facts = row.facts
        iso = self.iso
        period = values.supplement_period_days
        amount = facts.fee_amount_yuan
        # Status members are str: join writes their value.
        return "\t".join(
            (
                facts.applicant_type,
                facts.channel,
                iso[facts.received_on],
                copy_text(facts.description),
                values.status,
                values.clock.copy_text,
                iso[facts.supplement_requested_on],
                iso[facts.supplement_received_on],
                _COPY_NULL if period is None else str(period),
                "t" if values.supplement_notice_late else "f",
                "t" if facts.extended else "f",
                _COPY_NULL if amount is None else str(amount),
                iso[facts.fee_notice_on],
                iso[facts.fee_paid_on],
                facts.outcome,
                _OUTCOME_BASIS_TEXT[facts.outcome],
                iso[facts.closed_on],
                _COPY_FLAGS[values.on_time],
            )
        )


class _Writer:
    """What the writers of one import share: the clocks, serials and applicants, the
    time of the import and the file's name."""

    def __init__(
        self,
        *,
        clocks: CaseClocks,
        serials: dict[int, tuple[int, int]],
        applicants: dict[ApplicantKey, int],
        now: datetime,
        source: str,
    ) -> None:
        self.clocks = clocks
        self.serials = serials
        self.applicants = applicants
        self.now = now
        self.source = source
        self.copy = _can_copy()
        self.text = CaseText()
        self.now_text = copy_value(now)


class _NewCases(_Writer):
    """Writes the new cases of one import, with their IMPORTED events and consulta-
    tions: on PostgreSQL one COPY line per case built straight from its row (the
    columns that are the same on every case formatted once), elsewhere bulk_create."""

    def write(
        self, rows: Sequence[LedgerRow], *, progress: Callable[[int], None]
    ) -> None:
        """Write ``rows``; ``progress(n)`` is called after each batch of n rows."""
        if not rows:
            return
        if not self.copy:
            for chunk in _chunks(rows, BATCH_SIZE):
                self._create(chunk)
                progress(len(chunk))
            return
        columns: dict[type[models.Model], list[str]] = {}
        suffixes: dict[type[models.Model], str] = {}
        for model, given in (
            (DisclosureRequest, _NEW_CASE_COLUMNS),
            (RequestEvent, _EVENT_COLUMNS),
            (Consultation, _CONSULTATION_COLUMNS),
        ):
            meta = model._meta
            others, suffixes[model] = _constant_columns(model, given, self.now)
            columns[model] = [*(meta.get_field(name).column for name in given), *others]
        events: list[str] = []
        consultations: list[str] = []
        with connection.cursor() as cursor:
            keys = _next_keys(cursor, DisclosureRequest, len(rows))
            # One COPY for all the cases, its lines made while it runs; the events
            # and consultations collected on the way follow in one COPY each.
            _copy(
                cursor,
                DisclosureRequest,
                columns[DisclosureRequest],
                self._case_lines(rows, keys, suffixes, events, consultations, progress),
            )
            if consultations:
                _copy(cursor, Consultation, columns[Consultation], consultations)
            _copy(cursor, RequestEvent, columns[RequestEvent], events)

    def _case_lines(
        self,
        rows: Sequence[LedgerRow],
        keys: Sequence[int],
        suffixes: dict[type[models.Model], str],
        events: list[str],
        consultations: list[str],
        progress: Callable[[int], None],
    ) -> Iterator[str]:
        """The COPY line of each new case; appends its event's and consultation's."""
        clocks = self.clocks
        serials = self.serials
        applicants = self.applicants
        fields = self.text.fields
        iso = self.text.iso
        now_text = self.now_text
        case_suffix = suffixes[DisclosureRequest]
        event_suffix = suffixes[RequestEvent]
        consultation_suffix = suffixes[Consultation]
        imported = EventKind.IMPORTED.value
        party = copy_text(IMPORTED_PARTY)
        # The payload {"source": …, "row": N}, as json.dumps writes it, up to N.
        payload_start = copy_text(
            '{"source": ' + _JSON.encode(self.source) + ', "row": '
        )
        for start in range(0, len(rows), BATCH_SIZE):
            chunk = rows[start : start + BATCH_SIZE]
            for key, row in zip(keys[start : start + BATCH_SIZE], chunk, strict=True):
                facts = row.facts
                agency_id = row.agency.pk
                values = case_values(row, clocks)
                year, serial = serials[row.number]
                applicant_id = applicants[
                    agency_id, facts.applicant_name, facts.applicant_type
                ]
                yield (
                    f"{key}\t{agency_id}\t{copy_text(row.reference)}\t{year}\t"
                    f"{serial}\t{new_query_code()}\t{applicant_id}\t"
                    f"{fields(row, values)}{case_suffix}"
                )
                events.append(
                    f"{key}\t{imported}\t{now_text}\t{iso[facts.received_on]}\t"
                    f"{iso[values.clock.due_on]}\t\t{values.status.value}\t"
                    f"{payload_start}{row.number}}}{event_suffix}"
                )
                if facts.consultation_started_on is not None:
                    consultations.append(
                        f"{now_text}\t{now_text}\t{key}\t{party}\t"
                        f"{iso[facts.consultation_started_on]}\t"
                        f"{iso[values.consultation_reply_due_on]}\t"
                        f"{iso[facts.consultation_ended_on]}{consultation_suffix}"
                    )
            progress(len(chunk))

    def _create(self, chunk: Sequence[LedgerRow]) -> None:
        requests: list[DisclosureRequest] = []
        consultations: list[tuple[int, Consultation]] = []
        for index, row in enumerate(chunk):
            values = case_values(row, self.clocks)
            request = DisclosureRequest()
            _case_apply(request, row, values, delayed_due_on=None)
            request.year, request.serial = self.serials[row.number]
            request.query_code = new_query_code()
            request.applicant_id = self.applicants[
                row.agency.pk, row.facts.applicant_name, row.facts.applicant_type
            ]
            request.created_at = request.updated_at = self.now
            requests.append(request)
            if row.facts.consultation_started_on is not None:
                consultations.append((index, _consultation_of(row, values)))
        DisclosureRequest.objects.bulk_create(requests, batch_size=BATCH_SIZE)
        for index, consultation in consultations:
            consultation.request_id = requests[index].pk
            consultation.created_at = consultation.updated_at = self.now
        Consultation.objects.bulk_create(
            [consultation for _, consultation in consultations],
            batch_size=BATCH_SIZE,
        )
        RequestEvent.objects.bulk_create(
            [
                RequestEvent(
                    request_id=request.pk,
                    kind=EventKind.IMPORTED.value,
                    occurred_at=self.now,
                    effective_on=request.received_on,
                    due_after=request.due_on,
                    status_before="",
                    status_after=request.status,
                    payload={"source": self.source, "row": row.number},
                )
                for request, row in zip(requests, chunk, strict=True)
            ],
            batch_size=BATCH_SIZE,
        )


class _ChangedCases(_Writer):
    """Writes the changed cases of one import with an UPDATED_BY_IMPORT event each
    (the changed fields in its payload); a case whose consultation changed gets the
    ledger's in place of its stored ones.

    On PostgreSQL the new values go by COPY into a temporary table that one UPDATE
    joins on the key; elsewhere one UPDATE per case goes in one ``executemany``.
    (``bulk_update`` builds a CASE of one branch per case and field, which costs time
    with the square of the batch: minutes for 10,000 changed rows.)
    """

    def write(self, chunk: Sequence[tuple[LedgerRow, StoredRequest]]) -> None:
        clocks = self.clocks
        now = self.now
        lines: list[str] = []
        requests: list[DisclosureRequest] = []
        events: list[tuple] = []
        replaced: list[int] = []
        consultations: list[tuple] = []
        for row, existing in chunk:
            facts = row.facts
            values = case_values(
                row,
                clocks,
                supplement_period_days=existing.supplement_period_days,
                delayed_due_on=existing.delayed_due_on,
            )
            year, serial = self.serials[row.number]
            applicant_id = (
                self.applicants[
                    row.agency.pk, facts.applicant_name, facts.applicant_type
                ]
                if _applicant_changed(row, existing)
                else existing.applicant_id
            )
            if self.copy:
                lines.append(
                    f"{existing.pk}\t{year}\t{serial}\t{applicant_id}\t"
                    f"{self.text.fields(row, values)}\t{self.now_text}"
                )
            else:
                request = DisclosureRequest(pk=existing.pk)
                _case_apply(
                    request, row, values, delayed_due_on=existing.delayed_due_on
                )
                request.year, request.serial = year, serial
                request.applicant_id = applicant_id
                request.updated_at = now
                requests.append(request)
            # The ledger holds one consultation per case: it replaces what was stored
            # only where the case changed, so unchanged cases keep their parties.
            if (facts.consultation_started_on, facts.consultation_ended_on) != (
                existing.facts.consultation_started_on,
                existing.facts.consultation_ended_on,
            ):
                replaced.append(existing.pk)
                if facts.consultation_started_on is not None:
                    consultations.append(
                        (
                            existing.pk,
                            IMPORTED_PARTY,
                            facts.consultation_started_on,
                            values.consultation_reply_due_on,
                            facts.consultation_ended_on,
                            now,
                            now,
                        )
                    )
            events.append(
                (
                    existing.pk,
                    EventKind.UPDATED_BY_IMPORT.value,
                    now,
                    existing.due_on,
                    values.clock.due_on,
                    existing.status,
                    values.status.value,
                    {
                        "source": self.source,
                        "row": row.number,
                        "changed": facts.changes_from(existing.facts),
                    },
                )
            )
        if self.copy:
            self._update(lines)
        else:
            self._update_each(requests)
        if replaced:
            Consultation.objects.filter(request_id__in=replaced).delete()
            bulk_insert(
                Consultation,
                [
                    "request_id",
                    "party",
                    "started_on",
                    "reply_due_on",
                    "ended_on",
                    "created_at",
                    "updated_at",
                ],
                consultations,
                now=now,
            )
        bulk_insert(
            RequestEvent,
            [
                "request_id",
                "kind",
                "occurred_at",
                "due_before",
                "due_after",
                "status_before",
                "status_after",
                "payload",
            ],
            events,
            now=now,
        )

    def _update_each(self, requests: list[DisclosureRequest]) -> None:
        """One UPDATE per case, all sent at once (``executemany``), with the values
        prepared by their fields as ``bulk_update`` would."""
        meta = DisclosureRequest._meta
        quote = connection.ops.quote_name
        fields = [meta.get_field(name) for name in UPDATE_FIELDS]
        assignments = ", ".join(f"{quote(field.column)} = %s" for field in fields)
        with connection.cursor() as cursor:
            cursor.executemany(
                f"UPDATE {quote(meta.db_table)} SET {assignments} "  # noqa: S608
                f"WHERE {quote(meta.pk.column)} = %s",
                [
                    [
                        *(
                            field.get_db_prep_save(
                                getattr(request, field.attname), connection
                            )
                            for field in fields
                        ),
                        request.pk,
                    ]
                    for request in requests
                ],
            )

    def _update(self, lines: list[str]) -> None:
        meta = DisclosureRequest._meta
        quote = connection.ops.quote_name
        table = quote(meta.db_table)
        key = quote(meta.pk.column)
        scratch = quote("ledger_request_update")
        columns = [meta.get_field(name).column for name in UPDATE_FIELDS]
        assignments = ", ".join(f"{quote(c)} = u.{quote(c)}" for c in columns)
        # Every name below comes from the model and is quoted.
        with connection.cursor() as cursor:
            cursor.execute(
                f"CREATE TEMPORARY TABLE {scratch} ON COMMIT DROP AS "  # noqa: S608
                f"SELECT {key}, {', '.join(map(quote, columns))} FROM {table} "
                "WITH NO DATA"
            )
            _copy(cursor, "ledger_request_update", [meta.pk.column, *columns], lines)
            cursor.execute(
                f"UPDATE {table} AS t SET {assignments} FROM {scratch} AS u "  # noqa: S608
                f"WHERE t.{key} = u.{key}"
            )
            cursor.execute(f"DROP TABLE {scratch}")


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
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            # The import is one transaction that can be re-run as a whole, so its
            # commit need not wait for the WAL to reach the disk: a crash in the next
            # fraction of a second may lose the whole import (never part of it; the
            # database stays consistent) and re-importing the file restores it.
            cursor.execute("SET LOCAL synchronous_commit = off")
    now = timezone.now()
    ticker = ProgressTicker(progress, "写入", len(plan.new) + len(plan.changed))
    serial_rows: list[tuple[LedgerRow, int | None]] = [(row, None) for row in plan.new]
    for row, existing in plan.changed:
        same_year = existing.year == row.facts.received_on.year
        serial_rows.append((row, existing.serial if same_year else None))
    shared = {
        "clocks": CaseClocks(calendar_get()),
        "serials": _serials_assign(serial_rows),
        "applicants": _applicants_for(
            [
                *plan.new,
                *(
                    row
                    for row, existing in plan.changed
                    if _applicant_changed(row, existing)
                ),
            ],
            now=now,
        ),
        "now": now,
        "source": source,
    }
    done = 0

    def written(count: int) -> None:
        nonlocal done
        done += count
        ticker.tick(done)

    _NewCases(**shared).write(plan.new, progress=written)
    changed = _ChangedCases(**shared)
    for chunk in _chunks(plan.changed, BATCH_SIZE):
        changed.write(chunk)
        written(len(chunk))
