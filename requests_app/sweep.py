"""The daily clock sweep (期限巡查): lapse closures, due-soon and overdue notices,
consultation reminders and the calendar warning.

State-based and idempotent: a notice is owed when the case's state calls for it and no
event with its ``dedupe_key`` exists yet, never "exactly N days before", so a second run
does nothing and a missed day is caught up. The notice part costs a constant number of
queries however many cases are open: candidates come from indexed ``due_on`` ranges,
existing keys in one query, events and notifications in one insert each, e-mail in one
outbox insert. Lapse closures go through the transition service for all the lapsed
cases at once: one lock, one update, one insert of events and one of e-mails.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from django.conf import settings
from django.db import transaction
from django.db.models import Exists, OuterRef, Q
from django.utils import timezone
from django.utils.translation import gettext as _

from disclosure.calendars import WorkingDayCalendar
from disclosure.selectors import calendar_get
from requests_app import deadlines
from requests_app.bulk_sql import insert_ignoring_conflicts
from requests_app.models import (
    Consultation,
    DisclosureRequest,
    EventKind,
    Notification,
    RequestEvent,
)
from requests_app.notifications import (
    NoticeRecipients,
    case_recipients,
    notice_recipients,
    notification_rows,
    staff_email_enqueue,
)
from requests_app.services import requests_close_lapsed
from requests_app.workflow import OPEN, Status

# A third party's reply is reminded when due within this many working days (or past).
CONSULTATION_REMINDER_WORKDAYS = 1
# From this month on, next year's calendar should be official (contract §3).
CALENDAR_WARNING_MONTH = 11


@dataclass(frozen=True, slots=True)
class ClosedCase:
    """A case the sweep closed because its supplementation or payment period lapsed."""

    reference: str
    outcome: str
    closed_on: date


@dataclass(frozen=True, slots=True)
class SweepResult:
    """What one run of the sweep did (counts of cases, not of recipients)."""

    as_of: date
    closed: tuple[ClosedCase, ...] = ()
    reminders: int = 0
    overdue: int = 0
    consultation_reminders: int = 0
    calendar_warning_year: int | None = None
    notifications: int = 0

    @property
    def nothing_done(self) -> bool:
        return not (
            self.closed
            or self.reminders
            or self.overdue
            or self.consultation_reminders
            or self.calendar_warning_year
        )

    def as_dict(self) -> dict[str, Any]:
        return {
            "as_of": self.as_of.isoformat(),
            "closed": [
                {
                    "reference": case.reference,
                    "outcome": case.outcome,
                    "closed_on": case.closed_on.isoformat(),
                }
                for case in self.closed
            ],
            "reminders": self.reminders,
            "overdue": self.overdue,
            "consultation_reminders": self.consultation_reminders,
            "calendar_warning_year": self.calendar_warning_year,
            "notifications": self.notifications,
        }


# --- selectors ---------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class CaseRow:
    """The columns of an open case that the sweep needs (no model instances)."""

    id: int
    reference: str
    agency_path: str
    agency_supplement_period_days: int
    assigned_to_id: int | None
    status: str
    due_on: date | None
    supplement_requested_on: date | None
    supplement_period_days: int | None
    fee_notice_on: date | None


@dataclass(frozen=True, slots=True)
class ConsultationRow:
    id: int
    request_id: int
    reference: str
    agency_path: str
    assigned_to_id: int | None
    status: str
    party: str
    reply_due_on: date


def sweep_case_candidates(*, as_of: date, horizon: date) -> list[CaseRow]:
    """Open cases that may owe something on ``as_of``, in one query: a due date up to
    ``horizon`` (due soon, or overdue without an overdue notice for that due date), or a
    supplementation / fee wait that started before ``as_of`` (a possible lapse)."""
    overdue_noticed = RequestEvent.objects.filter(
        request=OuterRef("pk"),
        kind=EventKind.OVERDUE_NOTICE_SENT,
        due_after=OuterRef("due_on"),
    )
    rows = (
        DisclosureRequest.objects.filter(status__in=OPEN)
        .filter(
            Q(due_on__lte=horizon)
            | Q(
                status=Status.AWAITING_SUPPLEMENT,
                supplement_requested_on__lt=as_of,
            )
            | Q(status=Status.AWAITING_FEE, fee_notice_on__lt=as_of)
        )
        .filter(~Exists(overdue_noticed))
        .order_by("id")
        .values_list(
            "id",
            "reference",
            "agency__path",
            "agency__supplement_period_days",
            "assigned_to_id",
            "status",
            "due_on",
            "supplement_requested_on",
            "supplement_period_days",
            "fee_notice_on",
        )
    )
    return [CaseRow(*row) for row in rows]


def sweep_consultation_candidates(*, due_by: date) -> list[ConsultationRow]:
    """Running consultations of open cases whose third-party reply is due by
    ``due_by`` (or already past), in one query."""
    rows = (
        Consultation.objects.filter(
            ended_on__isnull=True,
            reply_due_on__lte=due_by,
            request__status__in=OPEN,
        )
        .order_by("id")
        .values_list(
            "id",
            "request_id",
            "request__reference",
            "request__agency__path",
            "request__assigned_to_id",
            "request__status",
            "party",
            "reply_due_on",
        )
    )
    return [ConsultationRow(*row) for row in rows]


def sweep_existing_keys(*, as_of: date, horizon: date) -> set[tuple[int, str]]:
    """(case id, dedupe key) of the reminders already sent for due dates in the window
    and of the consultation reminders of open cases, in one query."""
    return set(
        RequestEvent.objects.filter(request__status__in=OPEN)
        .filter(
            Q(
                kind=EventKind.REMINDER_SENT,
                due_after__gte=as_of,
                due_after__lte=horizon,
            )
            | Q(kind=EventKind.CONSULTATION_REMINDER_SENT)
        )
        .exclude(dedupe_key__isnull=True)
        .values_list("request_id", "dedupe_key")
    )


# --- the pure part: which notice a case owes -----------------------------------------------


def reminder_tiers() -> tuple[int, ...]:
    """The configured reminder points, in working days before the due date, ascending."""
    return tuple(sorted({int(n) for n in settings.GONGKAI_REMINDER_WORKDAYS if n >= 0}))


def reminder_tier(
    *, due_on: date, as_of: date, tiers: Sequence[int], calendar: WorkingDayCalendar
) -> int | None:
    """The most urgent reminder point reached on ``as_of``: the smallest N in ``tiers``
    with at most N working days left until ``due_on`` (0 on the due date itself). None
    when the case is overdue or further away than every point."""
    if due_on < as_of:
        return None
    left = calendar.workdays_between(as_of, due_on)
    return next((n for n in tiers if left <= n), None)


def reminders_sent(existing: Iterable[tuple[int, str]]) -> dict[tuple[int, str], int]:
    """The most urgent reminder point already reached per (case id, due date), from
    existing keys like ``reminder:5:2025-10-13``."""
    sent: dict[tuple[int, str], int] = {}
    for request_id, key in existing:
        kind, _, rest = key.partition(":")
        if kind != "reminder":
            continue
        tier, _, due_on = rest.partition(":")
        slot = (request_id, due_on)
        sent[slot] = min(int(tier), sent.get(slot, int(tier)))
    return sent


def _reminded_as_urgently(
    notice: _Notice, reminded: dict[tuple[int, str], int]
) -> bool:
    """Whether a reminder as urgent as ``notice`` or more already went out for its due
    date; then no less urgent one follows (e.g. after a back-dated run)."""
    if notice.kind != EventKind.REMINDER_SENT or notice.due_on is None:
        return False
    sent = reminded.get((notice.request_id, notice.due_on.isoformat()))
    return sent is not None and sent <= notice.payload["workdays"]


@dataclass(frozen=True, slots=True)
class _Notice:
    """A notice a case owes: its event and the text of its notifications."""

    request_id: int
    kind: str
    dedupe_key: str
    status: str
    due_on: date | None
    assigned_to_id: int | None
    agency_path: str
    payload: dict[str, Any]
    title: str
    body: str


def _case_notices(
    candidates: Iterable[CaseRow],
    *,
    as_of: date,
    tiers: Sequence[int],
    calendar: WorkingDayCalendar,
) -> list[_Notice]:
    """The due-soon and overdue notices the candidates owe on ``as_of`` (before the
    existing keys are taken off)."""
    reminder_title = _("【到期提醒】申请%(reference)s距答复期限还有%(left)d个工作日")
    due_today_title = _("【到期提醒】申请%(reference)s今天到期")
    reminder_body = _(
        "申请%(reference)s的答复期限为%(due_on)s，截至%(as_of)s还有%(left)d个工作日。"
        "请按期答复；确需延长的，应在期限届满前批准并告知申请人（《条例》第三十三条）。"
    )
    overdue_title = _("【逾期提醒】申请%(reference)s已超过答复期限")
    overdue_body = _(
        "申请%(reference)s的答复期限为%(due_on)s，截至%(as_of)s已逾期%(late)d个工作日。"
        "请尽快答复。"
    )
    notices: list[_Notice] = []
    for row in candidates:
        if row.due_on is None:
            continue
        values = {
            "reference": row.reference,
            "due_on": deadlines.format_date(row.due_on),
            "as_of": deadlines.format_date(as_of),
        }
        if row.due_on < as_of:
            late = calendar.workdays_between(row.due_on, as_of)
            kind = EventKind.OVERDUE_NOTICE_SENT
            dedupe_key = f"overdue:{row.due_on.isoformat()}"
            payload: dict[str, Any] = {"workdays_late": late}
            title = overdue_title % values
            body = overdue_body % (values | {"late": late})
        else:
            tier = reminder_tier(
                due_on=row.due_on, as_of=as_of, tiers=tiers, calendar=calendar
            )
            if tier is None:
                continue
            left = calendar.workdays_between(as_of, row.due_on)
            kind = EventKind.REMINDER_SENT
            dedupe_key = f"reminder:{tier}:{row.due_on.isoformat()}"
            payload = {"workdays": tier, "workdays_left": left}
            title = (reminder_title if left else due_today_title) % (
                values | {"left": left}
            )
            body = reminder_body % (values | {"left": left})
        notices.append(
            _Notice(
                request_id=row.id,
                kind=kind,
                dedupe_key=dedupe_key,
                status=row.status,
                due_on=row.due_on,
                assigned_to_id=row.assigned_to_id,
                agency_path=row.agency_path,
                payload=payload,
                title=title,
                body=body,
            )
        )
    return notices


def _consultation_notices(
    consultations: Iterable[ConsultationRow], *, as_of: date
) -> list[_Notice]:
    """One reminder per running consultation whose third-party reply is due soon or
    past (C4: WD(consultation_started_on, 15))."""
    due_title = _(
        "【征求意见提醒】申请%(reference)s的第三方意见将于%(reply_due_on)s到期"
    )
    past_title = _("【征求意见提醒】申请%(reference)s的第三方意见已过答复期限")
    body = _(
        "申请%(reference)s向“%(party)s”征求意见，第三方答复期限为%(reply_due_on)s，"
        "截至%(as_of)s尚未记录意见返回。第三方逾期未提出意见的，由机关依照《条例》"
        "规定决定是否公开（第三十二条）；请及时记录征求意见结束。"
    )
    notices = []
    for row in consultations:
        values = {
            "reference": row.reference,
            "party": row.party,
            "reply_due_on": deadlines.format_date(row.reply_due_on),
            "as_of": deadlines.format_date(as_of),
        }
        notices.append(
            _Notice(
                request_id=row.request_id,
                kind=EventKind.CONSULTATION_REMINDER_SENT,
                dedupe_key=f"consultation:{row.id}",
                status=row.status,
                due_on=None,
                assigned_to_id=row.assigned_to_id,
                agency_path=row.agency_path,
                payload={
                    "consultation_id": row.id,
                    "reply_due_on": row.reply_due_on.isoformat(),
                    "past": row.reply_due_on < as_of,
                },
                title=(past_title if row.reply_due_on < as_of else due_title) % values,
                body=body % values,
            )
        )
    return notices


# --- the service -------------------------------------------------------------------------


def sweep_deadlines_run(
    *, as_of: date, calendar: WorkingDayCalendar | None = None
) -> SweepResult:
    """Run the daily sweep for ``as_of`` (a local date).

    (a) Close every case whose lapse date is on or before ``as_of`` through
    ``requests_close_lapsed`` (the transition service, for all of them at once), with the ``closed_on`` of C3 (WD(supplement_requested_on,
    P + 1)) or C5 (WD(fee_notice_on, 21)), not ``as_of``. (b) Send the due-soon
    reminders (``settings.GONGKAI_REMINDER_WORKDAYS`` working days before the due date
    on the official calendar), the overdue notices (due date before ``as_of``) and the
    consultation reminders (a third party's reply due within 1 working day or past) to
    the assigned clerk and the supervisors of the agency and its ancestors. (c) From 1
    November, warn the administrators once when next year's calendar is provisional.
    """
    calendar = calendar or calendar_get()
    tiers = reminder_tiers()
    horizon = calendar.add_workdays(as_of, max(tiers, default=0))
    candidates = sweep_case_candidates(as_of=as_of, horizon=horizon)
    closed = _close_lapsed(candidates, as_of=as_of, calendar=calendar)
    closed_ids = {case_id for case_id, _ in closed}
    counts = _notices_send(
        [row for row in candidates if row.id not in closed_ids],
        as_of=as_of,
        horizon=horizon,
        tiers=tiers,
        calendar=calendar,
    )
    return SweepResult(as_of=as_of, closed=tuple(case for _, case in closed), **counts)


def _close_lapsed(
    candidates: Iterable[CaseRow], *, as_of: date, calendar: WorkingDayCalendar
) -> list[tuple[int, ClosedCase]]:
    lapsed: list[int] = []
    for row in candidates:
        if row.status == Status.AWAITING_SUPPLEMENT and row.supplement_requested_on:
            period = row.supplement_period_days or row.agency_supplement_period_days
            _, closes_on = deadlines.supplement_lapse(
                row.supplement_requested_on, period, calendar
            )
        elif row.status == Status.AWAITING_FEE and row.fee_notice_on:
            _, closes_on = deadlines.fee_lapse(row.fee_notice_on, calendar)
        else:
            continue
        if closes_on <= as_of:
            lapsed.append(row.id)
    if not lapsed:
        return []
    # The service re-checks each lapse on the locked rows: a supplement or payment
    # recorded meanwhile wins. All of them in one go, whatever their number.
    closed = requests_close_lapsed(request_ids=lapsed, as_of=as_of, calendar=calendar)
    return [
        (
            case.pk,
            ClosedCase(
                reference=case.reference,
                outcome=case.outcome,
                closed_on=case.closed_on,
            ),
        )
        for case in closed
    ]


# Without a savepoint the notice part costs no extra queries when the caller already
# runs in a transaction; nothing in it is meant to fail and be recovered from.
@transaction.atomic(savepoint=False)
def _notices_send(
    candidates: Sequence[CaseRow],
    *,
    as_of: date,
    horizon: date,
    tiers: Sequence[int],
    calendar: WorkingDayCalendar,
) -> dict[str, Any]:
    """Record the owed notices as events, notify their recipients and queue the
    e-mail; returns the counts for :class:`SweepResult`."""
    consultations = sweep_consultation_candidates(
        due_by=calendar.add_workdays(as_of, CONSULTATION_REMINDER_WORKDAYS)
    )
    wanted = _case_notices(candidates, as_of=as_of, tiers=tiers, calendar=calendar)
    wanted += _consultation_notices(consultations, as_of=as_of)
    if wanted:
        existing = sweep_existing_keys(as_of=as_of, horizon=horizon)
        reminded = reminders_sent(existing)
        wanted = [
            notice
            for notice in wanted
            if (notice.request_id, notice.dedupe_key) not in existing
            and not _reminded_as_urgently(notice, reminded)
        ]
    now = timezone.now()
    # Only the events really inserted count: a concurrent sweep that got there first
    # owns the others, and their notifications.
    inserted = set(
        insert_ignoring_conflicts(
            RequestEvent,
            [_event_row(notice, as_of=as_of, now=now) for notice in wanted],
            returning=["request", "dedupe_key"],
        )
    )
    new_notices = [n for n in wanted if (n.request_id, n.dedupe_key) in inserted]
    counts: dict[str, Any] = {
        "reminders": 0,
        "overdue": 0,
        "consultation_reminders": 0,
        "calendar_warning_year": None,
    }
    rows: list[dict[str, Any]] = []
    warning_year = _calendar_warning_year(as_of=as_of, calendar=calendar)
    recipients = (
        notice_recipients()
        if new_notices or warning_year is not None
        else NoticeRecipients({}, [])
    )
    for notice in new_notices:
        counts[_COUNTER[notice.kind]] += 1
        rows += notification_rows(
            user_ids=case_recipients(
                assigned_to_id=notice.assigned_to_id,
                agency_path=notice.agency_path,
                supervisors=recipients.supervisors_by_path,
            ),
            key=f"request:{notice.request_id}:{notice.dedupe_key}",
            title=notice.title,
            body=notice.body,
            request_id=notice.request_id,
            created_at=now,
        )
    warning_key = f"calendar:{warning_year}"
    if warning_year is not None:
        rows += notification_rows(
            user_ids=recipients.administrator_ids,
            key=warning_key,
            title=_("【日历提醒】%(year)d年节假日安排尚未录入")
            % {"year": warning_year},
            body=_(
                "%(year)d年的节假日安排尚未按国务院办公厅通知录入，目前按周末和法定节假日"
                "暂算（不含调休），跨入%(year)d年的答复期限均标为“暂定”。通知发布后，"
                "请在“日历年份”中录入，或运行 calendar load 命令。"
            )
            % {"year": warning_year},
            request_id=None,
            created_at=now,
        )
    created = insert_ignoring_conflicts(Notification, rows, returning=["id", "key"])
    staff_email_enqueue(notification_ids=[pk for pk, _ in created])
    if any(key == warning_key for _, key in created):
        counts["calendar_warning_year"] = warning_year
    counts["notifications"] = len(created)
    return counts


_COUNTER = {
    EventKind.REMINDER_SENT: "reminders",
    EventKind.OVERDUE_NOTICE_SENT: "overdue",
    EventKind.CONSULTATION_REMINDER_SENT: "consultation_reminders",
}


def _event_row(notice: _Notice, *, as_of: date, now: datetime) -> dict[str, Any]:
    return {
        "request_id": notice.request_id,
        "kind": notice.kind,
        "actor_id": None,
        "occurred_at": now,
        "effective_on": as_of,
        "due_before": notice.due_on,
        "due_after": notice.due_on,
        "status_before": notice.status,
        "status_after": notice.status,
        "dedupe_key": notice.dedupe_key,
        "payload": notice.payload,
    }


def _calendar_warning_year(*, as_of: date, calendar: WorkingDayCalendar) -> int | None:
    """Next year, when ``as_of`` is in November or December and next year's calendar is
    not official yet; None otherwise."""
    next_year = as_of.year + 1
    if as_of.month >= CALENDAR_WARNING_MONTH and not calendar.is_official_year(
        next_year
    ):
        return next_year
    return None
