"""Read functions of the annual report: the aggregates behind every figure, the cases
behind one figure (drill-down), the staff dashboard and the report records.

The populations are those of contract §4 and are written once, as the ``*_q`` functions
below; the aggregate queries, the drill-down lists and the dashboard all filter with
them. Every aggregate is a grouped query in the database whose number does not depend on
the number of cases or agencies (five queries for a whole report).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal

from django.core.cache import cache
from django.db.models import Count, Exists, OuterRef, Q, QuerySet, Sum
from django.db.models.functions import Coalesce, ExtractMonth

from disclosure.access import agencies_for_staff, supervised_agencies
from disclosure.exceptions import ApplicationError, NotFound
from disclosure.models import (
    STATISTIC_KEYS,
    Agency,
    AnnualStatistics,
    Publication,
    PublicationCategory,
    PublicationChannel,
    PublicationPosting,
    User,
)
from reports import builder
from reports.labels import APPLICANT_COLUMNS, TABLE3_GROUPS
from reports.models import AnnualReport, ReportFile, ReportStatus
from requests_app import deadlines
from requests_app.models import (
    Appeal,
    AppealResult,
    DisclosureRequest,
    Notification,
)
from requests_app.outcomes import OUTCOMES, TABLE3_ROWS
from requests_app.workflow import OPEN, Status

_ONE_DAY = timedelta(days=1)

# --- The period and the agencies a report covers ---------------------------------------


@dataclass(frozen=True, slots=True)
class ReportPeriod:
    """The reporting year Y: ``start`` = Y-01-01 and ``end`` = Y-12-31, or ``as_of`` when
    that is earlier (a provisional report of the year so far). Both bounds inclusive."""

    year: int
    start: date
    end: date


def report_period(*, year: int, as_of: date | None = None) -> ReportPeriod:
    start = date(year, 1, 1)
    end = date(year, 12, 31)
    if as_of is not None:
        if as_of < start:
            raise ApplicationError(
                f"统计截止日期不能早于{year}年1月1日。", field="as_of"
            )
        end = min(end, as_of)
    return ReportPeriod(year=year, start=start, end=end)


def agency_scope_q(*, agency: Agency, rollup: bool, field: str = "agency") -> Q:
    """The report's agencies, on a model's foreign key ``field``: the agency alone, or
    with ``rollup`` its whole subtree (汇总下级机关)."""
    if rollup:
        return Q(**{f"{field}__path__startswith": agency.path})
    return Q(**{f"{field}_id": agency.pk})


# --- Populations of table 三 (contract §4.1) --------------------------------------------


def _closed_by(day: date) -> Q:
    return Q(status=Status.CLOSED, closed_on__lte=day)


def new_q(period: ReportPeriod) -> Q:
    """R1 本年新收: received in the year."""
    return Q(received_on__gte=period.start, received_on__lte=period.end)


def carried_over_q(period: ReportPeriod) -> Q:
    """R2 上年结转: received before the year and not closed before it began."""
    return Q(received_on__lt=period.start) & ~_closed_by(period.start - _ONE_DAY)


def closed_q(period: ReportPeriod) -> Q:
    """R3.7 本年度办结: closed in the year (closed_on = the reply or closing decision)."""
    return Q(
        status=Status.CLOSED, closed_on__gte=period.start, closed_on__lte=period.end
    )


def carried_forward_q(period: ReportPeriod) -> Q:
    """R4 结转下年度: received by the year's end and not closed by then."""
    return Q(received_on__lte=period.end) & ~_closed_by(period.end)


def outcome_row_q(row: str) -> Q:
    """The outcome codes counted in result row ``row`` (R3.1 … R3.6.3), the same mapping
    as the builder's (an unknown code counts as R3.6.3 其他, never dropped)."""
    codes = [code for code in OUTCOMES if builder.outcome_row(code) == row]
    q = Q(outcome__in=codes)
    if row == builder.FALLBACK_ROW:
        q |= ~Q(outcome__in=list(OUTCOMES))
    return q


def table3_population_q(row: str, period: ReportPeriod) -> Q:
    """The cases behind row ``row`` of table 三 (any of the 25 data rows)."""
    if row == "R1":
        return new_q(period)
    if row == "R2":
        return carried_over_q(period)
    if row == "R4":
        return carried_forward_q(period)
    if row == "R3.7":
        return closed_q(period)
    if row in TABLE3_ROWS:
        return closed_q(period) & outcome_row_q(row)
    raise ApplicationError(f"表三没有“{row}”行。", field="row")


# --- Table 四 (contract §4.3) ------------------------------------------------------------


def _decided_q(period: ReportPeriod) -> Q:
    """A result counts only when decided by the year's end; otherwise 尚未审结."""
    return Q(decided_on__lte=period.end) & ~Q(result="")


def appeal_result_q(result: str, period: ReportPeriod) -> Q:
    """The appeals filed in the year with ``result`` as table 四 counts it."""
    filed = Q(filed_on__gte=period.start, filed_on__lte=period.end)
    if result == "total":
        return filed
    if result == "pending":
        return filed & ~_decided_q(period)
    if result in AppealResult.values:
        return filed & _decided_q(period) & Q(result=result)
    raise ApplicationError(f"表四没有“{result}”列。", field="result")


# --- The aggregates of one report ------------------------------------------------------


@dataclass(frozen=True, slots=True)
class CaseGroup:
    """Cases of one (applicant type, outcome, channel), counted per population."""

    applicant_type: str
    outcome: str
    channel: str
    new: int
    carried_over: int
    closed: int
    closed_on_time: int
    carried_forward: int
    fee_notices: int = 0
    """Fee notices issued in the year (fee_notice_on in the year)."""
    fee_notices_yuan: Decimal = Decimal(0)
    fees_paid: int = 0
    """Fees paid in the year (fee_paid_on in the year)."""
    fees_paid_yuan: Decimal = Decimal(0)


@dataclass(frozen=True, slots=True)
class PublicationGroup:
    """Publications of one category: ``published`` = published_on in the year (legacy
    report); ``issued`` = COALESCE(issued_on, published_on) in the year, ``repealed`` =
    repealed_on in the year, ``in_force`` = issued by the year's end and not repealed by
    then (table 二)."""

    category: str
    published: int
    key_area: int
    issued: int
    repealed: int
    in_force: int


@dataclass(frozen=True, slots=True)
class AppealGroup:
    """Appeals of one kind filed in the year (table 四, and the legacy report)."""

    kind: str
    upheld: int
    corrected: int
    other: int
    pending: int
    total: int


@dataclass(frozen=True, slots=True)
class FeeTotals:
    """信息处理费 (section 六): notices with fee_notice_on in the year, fees with
    fee_paid_on in the year; amounts in 元."""

    notices_issued: int
    notices_amount_yuan: Decimal
    paid_count: int
    collected_yuan: Decimal


@dataclass(frozen=True, slots=True)
class ReportAggregates:
    """Everything the pure builder needs for one report of either template."""

    period: ReportPeriod
    cases: tuple[CaseGroup, ...]
    publications: tuple[PublicationGroup, ...]
    appeals: tuple[AppealGroup, ...]
    fees: FeeTotals
    statistics: Mapping[str, int | Decimal]
    """Annual statistics summed over the agencies (not entered = 0); no postings_* keys."""
    postings: Mapping[str, int]
    """Postings per channel in the year, each agency's ``postings_<channel>`` statistic
    replacing its computed figure for that channel."""


def _fee_q(period: ReportPeriod) -> tuple[Q, Q]:
    """(notice issued in the year, fee paid in the year) — section 六."""
    return (
        Q(fee_notice_on__gte=period.start, fee_notice_on__lte=period.end),
        Q(fee_paid_on__gte=period.start, fee_paid_on__lte=period.end),
    )


def case_groups(
    *, scope: Q, period: ReportPeriod, by_channel: bool = True
) -> tuple[CaseGroup, ...]:
    """One grouped query: R1, R2, R3 (with on-time), R4 and the fees of the year by
    (applicant type, outcome, channel)."""
    r1, r2, r3, r4 = (
        new_q(period),
        carried_over_q(period),
        closed_q(period),
        carried_forward_q(period),
    )
    noticed, paid = _fee_q(period)
    rows = (
        # R1 ∪ R2 holds every case of R3 and R4 too; a fee dated in the year is
        # normally on such a case, but is counted even when the dates say otherwise.
        DisclosureRequest.objects.filter(scope)
        .filter(r1 | r2 | noticed | paid)
        # Only the pre-2019 report counts by channel; fewer groups are cheaper.
        .values(
            *(
                ("applicant_type", "outcome", "channel")
                if by_channel
                else ("applicant_type", "outcome")
            )
        )
        .annotate(
            new=Count("pk", filter=r1),
            carried_over=Count("pk", filter=r2),
            closed=Count("pk", filter=r3),
            closed_on_time=Count("pk", filter=r3 & Q(on_time=True)),
            carried_forward=Count("pk", filter=r4),
            fee_notices=Count("pk", filter=noticed),
            fee_notices_yuan=Sum("fee_amount_yuan", filter=noticed, default=0),
            fees_paid=Count("pk", filter=paid),
            fees_paid_yuan=Sum("fee_amount_yuan", filter=paid, default=0),
        )
        .order_by()
    )
    return tuple(CaseGroup(**{"channel": "", **row}) for row in rows)


def fee_totals(cases: tuple[CaseGroup, ...]) -> FeeTotals:
    """信息处理费 of the year, summed over the case groups."""
    return FeeTotals(
        notices_issued=sum(group.fee_notices for group in cases),
        notices_amount_yuan=sum(
            (Decimal(group.fee_notices_yuan) for group in cases), Decimal(0)
        ),
        paid_count=sum(group.fees_paid for group in cases),
        collected_yuan=sum(
            (Decimal(group.fees_paid_yuan) for group in cases), Decimal(0)
        ),
    )


TABLE2_CATEGORIES = (
    PublicationCategory.REGULATION,
    PublicationCategory.NORMATIVE_DOCUMENT,
)


def publication_groups(
    *, scope: Q, period: ReportPeriod
) -> tuple[PublicationGroup, ...]:
    published = Q(published_on__gte=period.start, published_on__lte=period.end)
    rows = (
        Publication.objects.filter(scope)
        # Table 二 needs the whole history of regulations and normative documents; the
        # other categories count only for items published in the year.
        .filter(published | Q(category__in=TABLE2_CATEGORIES))
        .alias(issued=Coalesce("issued_on", "published_on"))
        .values("category")
        .annotate(
            published=Count("pk", filter=published),
            key_area=Count("pk", filter=published & Q(key_area=True)),
            issued_count=Count(
                "pk", filter=Q(issued__gte=period.start, issued__lte=period.end)
            ),
            repealed=Count(
                "pk",
                filter=Q(repealed_on__gte=period.start, repealed_on__lte=period.end),
            ),
            in_force=Count(
                "pk",
                filter=Q(issued__lte=period.end)
                & (Q(repealed_on__isnull=True) | Q(repealed_on__gt=period.end)),
            ),
        )
        .order_by("category")
    )
    return tuple(
        PublicationGroup(
            category=row["category"],
            published=row["published"],
            key_area=row["key_area"],
            issued=row["issued_count"],
            repealed=row["repealed"],
            in_force=row["in_force"],
        )
        for row in rows
    )


def appeal_groups(*, scope: Q, period: ReportPeriod) -> tuple[AppealGroup, ...]:
    decided = _decided_q(period)
    rows = (
        Appeal.objects.filter(scope)
        .filter(filed_on__gte=period.start, filed_on__lte=period.end)
        .values("kind")
        .annotate(
            upheld=Count("pk", filter=decided & Q(result=AppealResult.UPHELD)),
            corrected=Count("pk", filter=decided & Q(result=AppealResult.CORRECTED)),
            other=Count("pk", filter=decided & Q(result=AppealResult.OTHER)),
            pending=Count("pk", filter=~decided),
            total=Count("pk"),
        )
        .order_by("kind")
    )
    return tuple(AppealGroup(**row) for row in rows)


POSTING_KEYS = {f"postings_{channel}": channel for channel in PublicationChannel.values}


def statistics_and_postings(
    *, agency: Agency, rollup: bool, period: ReportPeriod, with_postings: bool = True
) -> tuple[dict[str, int | Decimal], dict[str, int]]:
    """Two queries: the statistics rows of the agencies, and the computed postings per
    (agency, channel). The override of contract §4.6 is per agency, so it is applied
    before summing over a subtree. Only the pre-2019 report counts postings."""
    statistics_rows = list(
        AnnualStatistics.objects.filter(
            agency_scope_q(agency=agency, rollup=rollup), year=period.year
        ).values("agency_id", *STATISTIC_KEYS)
    )
    posting_rows = (
        []
        if not with_postings
        else PublicationPosting.objects.filter(
            agency_scope_q(agency=agency, rollup=rollup, field="publication__agency"),
            posted_on__gte=period.start,
            posted_on__lte=period.end,
        )
        .values("publication__agency_id", "channel")
        .annotate(count=Count("pk"))
        .order_by()
    )
    computed: dict[int, dict[str, int]] = defaultdict(dict)
    for row in posting_rows:
        computed[row["publication__agency_id"]][row["channel"]] = row["count"]
    overrides: dict[int, dict[str, int]] = defaultdict(dict)
    statistics: dict[str, int | Decimal] = {
        key: 0 for key in STATISTIC_KEYS if key not in POSTING_KEYS
    }
    for row in statistics_rows:
        for key in STATISTIC_KEYS:
            value = row[key]
            if value is None:
                continue
            if key in POSTING_KEYS:
                overrides[row["agency_id"]][POSTING_KEYS[key]] = value
            else:
                statistics[key] += value
    postings = dict.fromkeys(PublicationChannel.values, 0)
    for agency_id in computed.keys() | overrides.keys():
        per_channel = computed.get(agency_id, {}) | overrides.get(agency_id, {})
        for channel, count in per_channel.items():
            postings[channel] += count
    return statistics, postings


def report_aggregates(
    *,
    agency: Agency,
    year: int,
    rollup: bool,
    as_of: date | None = None,
    legacy: bool = True,
) -> ReportAggregates:
    """The aggregates of the report of ``agency`` (or, with ``rollup``, its subtree) for
    ``year``: five grouped queries whatever the number of cases and agencies (four for
    the 2021 report, which needs neither postings nor channels: ``legacy=False``)."""
    period = report_period(year=year, as_of=as_of)
    scope = agency_scope_q(agency=agency, rollup=rollup)
    statistics, postings = statistics_and_postings(
        agency=agency, rollup=rollup, period=period, with_postings=legacy
    )
    cases = case_groups(scope=scope, period=period, by_channel=legacy)
    return ReportAggregates(
        period=period,
        cases=cases,
        publications=publication_groups(scope=scope, period=period),
        appeals=appeal_groups(scope=scope, period=period),
        fees=fee_totals(cases),
        statistics=statistics,
        postings=postings,
    )


# --- Drill-down: the cases behind a figure ----------------------------------------------


def report_cases(
    *,
    agency: Agency,
    year: int,
    rollup: bool,
    row: str,
    column: str,
    as_of: date | None = None,
) -> QuerySet[DisclosureRequest]:
    """The cases counted in cell (``row``, ``column``) of table 三, by the same
    definitions as the aggregate (``column`` is an applicant type or ``total``)."""
    if column != "total" and column not in APPLICANT_COLUMNS:
        raise ApplicationError(f"表三没有“{column}”列。", field="column")
    period = report_period(year=year, as_of=as_of)
    cases = DisclosureRequest.objects.filter(
        agency_scope_q(agency=agency, rollup=rollup)
    ).filter(table3_population_q(row, period))
    if column != "total":
        cases = cases.filter(applicant_type=column)
    return cases.select_related("agency", "applicant").order_by("received_on", "id")


def report_appeals(
    *,
    agency: Agency,
    year: int,
    rollup: bool,
    kind: str,
    result: str,
    as_of: date | None = None,
) -> QuerySet[Appeal]:
    """The appeals counted in cell (``kind``, ``result``) of table 四."""
    if kind not in builder.TABLE4_KINDS:
        raise ApplicationError(f"表四没有“{kind}”类。", field="kind")
    period = report_period(year=year, as_of=as_of)
    return (
        Appeal.objects.filter(agency_scope_q(agency=agency, rollup=rollup), kind=kind)
        .filter(appeal_result_q(result, period))
        .select_related("agency", "request")
        .order_by("filed_on", "id")
    )


# --- Report records ---------------------------------------------------------------------


def _newer_published_version() -> Exists:
    return Exists(
        AnnualReport.objects.filter(
            agency=OuterRef("agency"),
            year=OuterRef("year"),
            template=OuterRef("template"),
            rollup=OuterRef("rollup"),
            status=ReportStatus.PUBLISHED,
            version__gt=OuterRef("version"),
        )
    )


def report_list_published() -> QuerySet[AnnualReport]:
    """Published reports, the latest published version of each (agency, year, template,
    rollup), with their files."""
    return (
        AnnualReport.objects.filter(status=ReportStatus.PUBLISHED)
        .exclude(_newer_published_version())
        .select_related("agency")
        .prefetch_related("files")
        .order_by("-year", "agency__path", "template", "rollup")
    )


def report_get_published(*, report_id: int) -> AnnualReport:
    """A published report (any version); drafts answer as missing."""
    try:
        return (
            AnnualReport.objects.filter(status=ReportStatus.PUBLISHED)
            .select_related("agency")
            .prefetch_related("files")
            .annotate(superseded=_newer_published_version())
            .get(pk=report_id)
        )
    except (AnnualReport.DoesNotExist, ValueError, TypeError):
        raise NotFound("未找到该年度报告。") from None


def report_file_get(*, report_id: int, fmt: str) -> ReportFile:
    """A file of a published report."""
    try:
        return ReportFile.objects.select_related("report", "report__agency").get(
            report_id=report_id, format=fmt, report__status=ReportStatus.PUBLISHED
        )
    except (ReportFile.DoesNotExist, ValueError, TypeError):
        raise NotFound("未找到该文件。") from None


def report_list_for_staff(*, actor: User | None) -> QuerySet[AnnualReport]:
    """The reports of the agencies the user supervises (every version)."""
    return (
        AnnualReport.objects.filter(agency__in=supervised_agencies(actor))
        .select_related("agency", "published_by")
        .order_by("-year", "agency__path", "template", "rollup", "-version")
    )


def report_get_for_staff(*, actor: User | None, report_id: int) -> AnnualReport:
    """One report the user supervises; unknown and other agencies' ids both NotFound."""
    try:
        return (
            report_list_for_staff(actor=actor)
            .prefetch_related("files")
            .get(pk=report_id)
        )
    except (AnnualReport.DoesNotExist, ValueError, TypeError):
        raise NotFound("未找到该年度报告。") from None


def report_latest_version(
    *, agency: Agency, year: int, template: str, rollup: bool
) -> AnnualReport | None:
    return (
        AnnualReport.objects.filter(
            agency=agency, year=year, template=template, rollup=rollup
        )
        .order_by("-version")
        .first()
    )


def report_previous_published(
    *, agency: Agency, year: int, template: str, rollup: bool
) -> dict | None:
    """The snapshot of the last published version of the year before (check V5)."""
    previous = (
        AnnualReport.objects.filter(
            agency=agency,
            year=year - 1,
            template=template,
            rollup=rollup,
            status=ReportStatus.PUBLISHED,
        )
        .order_by("-version")
        .values_list("snapshot", flat=True)
        .first()
    )
    return previous or None


def progress_key(job_id: str) -> str:
    """The cache key of a background report job's progress."""
    return f"report-progress:{job_id}"


def report_progress_get(*, job_id: str) -> dict | None:
    """The progress a background report job recorded (see services.report_tree_run)."""
    return cache.get(progress_key(job_id))


# --- The staff dashboard ----------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class MonthFigures:
    month: int
    received: int
    closed: int


@dataclass(frozen=True, slots=True)
class OutcomeShare:
    group: str
    label: str
    count: int


@dataclass(frozen=True, slots=True)
class Backlog:
    """Open cases on ``today``: ``paused`` have no running due date (C3, C4b)."""

    open: int
    overdue: int
    due_soon: int
    paused: int


@dataclass(frozen=True, slots=True)
class AgencyFigures:
    """One line of the per-agency comparison (the agency with its own subtree)."""

    agency: Agency
    new: int
    closed: int
    closed_on_time: int
    carried_forward: int

    @property
    def on_time_rate(self) -> float | None:
        return self.closed_on_time / self.closed if self.closed else None


@dataclass(frozen=True, slots=True)
class Dashboard:
    year: int
    months: tuple[MonthFigures, ...]
    outcomes: tuple[OutcomeShare, ...]
    closed: int
    closed_on_time: int
    backlog: Backlog
    parent: Agency | None
    parents: tuple[Agency, ...]
    comparison: tuple[AgencyFigures, ...]
    unread_notifications: int

    @property
    def on_time_rate(self) -> float | None:
        return self.closed_on_time / self.closed if self.closed else None


def _monthly(*, cases: QuerySet[DisclosureRequest], period: ReportPeriod):
    received = dict(
        cases.filter(new_q(period))
        .annotate(month=ExtractMonth("received_on"))
        .values("month")
        .annotate(count=Count("pk"))
        .values_list("month", "count")
        .order_by()
    )
    closed = dict(
        cases.filter(closed_q(period))
        .annotate(month=ExtractMonth("closed_on"))
        .values("month")
        .annotate(count=Count("pk"))
        .values_list("month", "count")
        .order_by()
    )
    return tuple(
        MonthFigures(month, received.get(month, 0), closed.get(month, 0))
        for month in range(1, 13)
    )


def _backlog(
    *,
    cases: QuerySet[DisclosureRequest],
    today: date,
    calendar: deadlines.WorkingDayCalendar,
    due_soon_workdays: int,
) -> Backlog:
    # One row per distinct due date, so the working-day arithmetic runs per date.
    by_due_date = (
        cases.filter(status__in=OPEN)
        .values("due_on")
        .annotate(count=Count("pk"))
        .values_list("due_on", "count")
        .order_by()
    )
    open_count = overdue = due_soon = paused = 0
    for due_on, count in by_due_date:
        open_count += count
        state = deadlines.deadline_state(
            due_on=due_on,
            today=today,
            calendar=calendar,
            warn_within_workdays=due_soon_workdays,
        )
        if state == deadlines.DeadlineState.PAUSED:
            paused += count
        elif state == deadlines.DeadlineState.OVERDUE:
            overdue += count
        elif state == deadlines.DeadlineState.DUE_SOON:
            due_soon += count
    return Backlog(open=open_count, overdue=overdue, due_soon=due_soon, paused=paused)


def _comparison(
    *,
    cases: QuerySet[DisclosureRequest],
    parent: Agency,
    visible: list[Agency],
    period: ReportPeriod,
) -> tuple[AgencyFigures, ...]:
    """The parent's own figures and each child's subtree, from one grouped query."""
    r1, r3, r4 = new_q(period), closed_q(period), carried_forward_q(period)
    rows = (
        cases.filter(agency__path__startswith=parent.path)
        .filter(r1 | carried_over_q(period))
        .values("agency_id")
        .annotate(
            new=Count("pk", filter=r1),
            closed=Count("pk", filter=r3),
            closed_on_time=Count("pk", filter=r3 & Q(on_time=True)),
            carried_forward=Count("pk", filter=r4),
        )
        .order_by()
    )
    paths = {agency.pk: agency.path for agency in visible}
    lines = [parent] + [a for a in visible if a.parent_id == parent.pk]
    sums = {line.pk: [0, 0, 0, 0] for line in lines}
    for row in rows:
        path = paths.get(row["agency_id"], "")
        # The parent's own cases, or the child whose subtree holds the agency.
        target = parent.pk if row["agency_id"] == parent.pk else None
        for line in lines[1:]:
            if path.startswith(line.path):
                target = line.pk
        if target is None:
            continue
        for index, key in enumerate(
            ("new", "closed", "closed_on_time", "carried_forward")
        ):
            sums[target][index] += row[key]
    return tuple(AgencyFigures(line, *sums[line.pk]) for line in lines)


def dashboard_get(
    *,
    actor: User,
    year: int,
    today: date,
    calendar: deadlines.WorkingDayCalendar,
    due_soon_workdays: int,
    parent_code: str | None = None,
) -> Dashboard:
    """The staff dashboard: supervisors see their subtrees, clerks their agencies. The
    figures follow the report's definitions (R1 by month of receipt, R3 by month of
    closing, on time per C8)."""
    visible = list(agencies_for_staff(actor).order_by("path"))
    cases = DisclosureRequest.objects.filter(agency__in=[a.pk for a in visible])
    period = report_period(year=year)
    outcome_rows = (
        cases.filter(closed_q(period))
        .values("outcome")
        .annotate(count=Count("pk"), on_time=Count("pk", filter=Q(on_time=True)))
        .order_by()
    )
    group_counts = dict.fromkeys((code for code, _ in TABLE3_GROUPS), 0)
    closed = closed_on_time = 0
    for row in outcome_rows:
        group = builder.row_group(builder.outcome_row(row["outcome"]))
        group_counts[group] += row["count"]
        closed += row["count"]
        closed_on_time += row["on_time"]
    parents = tuple(a for a in visible if any(b.parent_id == a.pk for b in visible))
    parent = next((a for a in parents if a.code == parent_code), None) or (
        parents[0] if parents else None
    )
    comparison = (
        _comparison(cases=cases, parent=parent, visible=visible, period=period)
        if parent
        else ()
    )
    return Dashboard(
        year=year,
        months=_monthly(cases=cases, period=period),
        outcomes=tuple(
            OutcomeShare(code, label, group_counts[code])
            for code, label in TABLE3_GROUPS
        ),
        closed=closed,
        closed_on_time=closed_on_time,
        backlog=_backlog(
            cases=cases,
            today=today,
            calendar=calendar,
            due_soon_workdays=due_soon_workdays,
        ),
        parent=parent,
        parents=parents,
        comparison=comparison,
        unread_notifications=Notification.objects.filter(
            user=actor, read_at__isnull=True
        ).count(),
    )
