"""Notices (通知): in-app notifications and e-mail to staff, e-mail to applicants.

Staff get a ``Notification`` row per (user, key), shown at ``/dashboard/notifications/``
and e-mailed in batches (one digest per user and batch, through the outbox, after the
commit). Applicants get an e-mail, when they gave an address, for the acknowledgement
(受理回执) and for each notice the office issues: supplementation (补正告知), extension
(延期答复告知), fee (收费通知) and the reply (答复). Every e-mail text is a Chinese
template under ``templates/notifications/``.

Each applicant e-mail is recorded as an event with a ``dedupe_key`` in the same
transaction as the sending, so a retried task never e-mails twice and a failed send
leaves no record (the retry sends it).
"""

from __future__ import annotations

import importlib.util
import logging
from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from django.conf import settings
from django.core.mail import EmailMessage, get_connection
from django.db import InterfaceError, OperationalError, transaction
from django.db.models import Q, QuerySet
from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from disclosure.exceptions import ApplicationError, NotFound
from disclosure.models import StaffRole, User
from disclosure.selectors import calendar_get
from requests_app import deadlines
from requests_app.bulk_sql import insert_ignoring_conflicts
from requests_app.models import (
    DisclosureRequest,
    EventKind,
    Letter,
    LetterKind,
    Notification,
    RequestEvent,
)
from requests_app.outbox import outbox_enqueue, outbox_enqueue_many
from requests_app.outcomes import Outcome

logger = logging.getLogger(__name__)

STAFF_EMAIL_TASK = "requests_app.tasks.staff_email_batch_task"
APPLICANT_NOTIFY_TASK = "requests_app.tasks.applicant_notify_task"
# Notification ids per e-mail task: one broker message carries a whole batch.
STAFF_EMAIL_BATCH_SIZE = 1000

# The applicant is e-mailed for these letters; a consultation letter goes to the third
# party, not to the applicant.
LAPSED_NOTICE = "lapsed"
"""The e-mail telling an applicant that the case closed by lapse (视为放弃申请, Art. 30 for
a supplementation, 国办函〔2020〕109号 for a fee); no letter is issued for it."""

APPLICANT_NOTICE_KINDS = frozenset(
    {
        LetterKind.ACKNOWLEDGEMENT,
        LetterKind.SUPPLEMENT,
        LetterKind.EXTENSION,
        LetterKind.FEE,
        LetterKind.REPLY,
        LAPSED_NOTICE,
    }
)

_APPLICANT_SUBJECTS = {
    LetterKind.ACKNOWLEDGEMENT: gettext_noop(
        "您的政府信息公开申请已收到（编号：%(reference)s）"
    ),
    LetterKind.SUPPLEMENT: gettext_noop(
        "请补正您的政府信息公开申请（编号：%(reference)s）"
    ),
    LetterKind.EXTENSION: gettext_noop(
        "您的政府信息公开申请延期答复（编号：%(reference)s）"
    ),
    LetterKind.FEE: gettext_noop(
        "您的政府信息公开申请需缴纳信息处理费（编号：%(reference)s）"
    ),
    LetterKind.REPLY: gettext_noop("您的政府信息公开申请已答复（编号：%(reference)s）"),
    LAPSED_NOTICE: gettext_noop(
        "您的政府信息公开申请视为放弃，不再处理（编号：%(reference)s）"
    ),
}


# --- staff: in-app notifications and their e-mail ---------------------------------------


def notification_rows(
    *,
    user_ids: Iterable[int],
    key: str,
    title: str,
    body: str,
    request_id: int | None,
    created_at: datetime,
) -> list[dict[str, Any]]:
    """The rows of one notice to several users (for :func:`notifications_insert`)."""
    return [
        {
            "user_id": user_id,
            "request_id": request_id,
            "key": key,
            "title": title,
            "body": body,
            "created_at": created_at,
            "read_at": None,
        }
        for user_id in sorted(set(user_ids))
    ]


def notifications_insert(rows: Sequence[Mapping[str, Any]]) -> list[int]:
    """Create the notifications that do not exist yet (unique per user and key), queue
    their e-mail after commit in batches, and return the ids of the new ones."""
    new_ids = [
        row[0]
        for row in insert_ignoring_conflicts(Notification, rows, returning=["id"])
    ]
    staff_email_enqueue(notification_ids=new_ids)
    return new_ids


def staff_email_enqueue(*, notification_ids: Sequence[int]) -> int:
    """Queue the e-mail of these notifications, one task per batch; returns the number
    of tasks queued."""
    ids = sorted(notification_ids)
    batches = [
        {"notification_ids": ids[start : start + STAFF_EMAIL_BATCH_SIZE]}
        for start in range(0, len(ids), STAFF_EMAIL_BATCH_SIZE)
    ]
    outbox_enqueue_many(STAFF_EMAIL_TASK, batches)
    return len(batches)


@transaction.atomic
def staff_notify(
    *,
    user_ids: Iterable[int],
    key: str,
    title: str,
    body: str = "",
    request_id: int | None = None,
) -> list[int]:
    """Notify staff users in-app and by e-mail, once per (user, ``key``)."""
    rows = notification_rows(
        user_ids=user_ids,
        key=key,
        title=title,
        body=body,
        request_id=request_id,
        created_at=timezone.now(),
    )
    return notifications_insert(rows)


def _site_url(path: str) -> str:
    return settings.GONGKAI_SITE_URL.rstrip("/") + path


def staff_notifications_email(*, notification_ids: Sequence[int]) -> int:
    """E-mail these notifications: one digest per user with an address. Returns the
    number of e-mails sent. Notifications already read in the app are left out."""
    notifications = (
        Notification.objects.filter(pk__in=list(notification_ids), read_at__isnull=True)
        .select_related("user")
        .order_by("user_id", "id")
    )
    by_user: dict[int, list[Notification]] = defaultdict(list)
    for notification in notifications:
        if notification.user.email and notification.user.is_active:
            by_user[notification.user_id].append(notification)
    messages = []
    for items in by_user.values():
        user = items[0].user
        subject = (
            items[0].title
            if len(items) == 1
            else _("【政府信息公开】您有%(count)d条新提醒") % {"count": len(items)}
        )
        body = render_to_string(
            "notifications/email/staff_digest.txt",
            {
                "user": user,
                "notifications": items,
                "inbox_url": _site_url("/dashboard/notifications/"),
            },
        ).strip()
        messages.append(EmailMessage(subject=subject, body=body, to=[user.email]))
    if not messages:
        return 0
    # One connection for the whole batch; an SMTP failure before the first message
    # raises and the task retries the batch.
    return get_connection().send_messages(messages) or 0


def notifications_for_user(
    *, user: User, unread_only: bool = False
) -> QuerySet[Notification]:
    """The user's own notifications, newest first, with their case."""
    queryset = Notification.objects.filter(user=user).select_related("request")
    if unread_only:
        queryset = queryset.filter(read_at__isnull=True)
    return queryset.order_by("-created_at", "-id")


def notification_unread_count(*, user: User) -> int:
    return Notification.objects.filter(user=user, read_at__isnull=True).count()


def notification_mark_read(*, user: User, notification_id: int) -> Notification:
    """Mark one of the user's notifications read; another user's is NotFound."""
    try:
        notification = Notification.objects.get(pk=notification_id, user=user)
    except (Notification.DoesNotExist, ValueError, TypeError):
        raise NotFound(_("未找到该通知。")) from None
    if notification.read_at is None:
        notification.read_at = timezone.now()
        notification.save(update_fields=["read_at"])
    return notification


def notifications_mark_all_read(*, user: User) -> int:
    return Notification.objects.filter(user=user, read_at__isnull=True).update(
        read_at=timezone.now()
    )


# --- applicants: e-mail for the acknowledgement and each notice -------------------------


def _applicant_context(
    disclosure_request: DisclosureRequest, kind: str
) -> dict[str, Any]:
    agency = disclosure_request.agency
    context: dict[str, Any] = {
        "request": disclosure_request,
        "applicant": disclosure_request.applicant,
        "agency": agency,
        "received_on": deadlines.format_date(disclosure_request.received_on),
        "due_on": (
            deadlines.format_date(disclosure_request.due_on)
            if disclosure_request.due_on
            else ""
        ),
        "track_url": _site_url(f"/track/{disclosure_request.query_code}/"),
    }
    if kind == LetterKind.SUPPLEMENT and disclosure_request.supplement_requested_on:
        period = (
            disclosure_request.supplement_period_days or agency.supplement_period_days
        )
        last_day, _closing = deadlines.supplement_lapse(
            disclosure_request.supplement_requested_on, period, calendar_get()
        )
        context |= {"period_days": period, "last_day": deadlines.format_date(last_day)}
    elif kind == LetterKind.FEE and disclosure_request.fee_notice_on:
        last_day, _closing = deadlines.fee_lapse(
            disclosure_request.fee_notice_on, calendar_get()
        )
        context |= {"last_day": deadlines.format_date(last_day)}
    elif kind in (LetterKind.REPLY, LAPSED_NOTICE) and disclosure_request.outcome:
        context |= {
            "outcome_label": Outcome(disclosure_request.outcome).label,
            "closed_on": deadlines.format_date(disclosure_request.closed_on),
            "fee_unpaid": disclosure_request.outcome == Outcome.OTHER_FEE_UNPAID,
        }
    return context


def _latest_letter_pdf(
    disclosure_request: DisclosureRequest, kind: str
) -> Letter | None:
    letter = (
        Letter.objects.filter(request=disclosure_request, kind=kind)
        .exclude(pdf="")
        .order_by("-id")
        .first()
    )
    return (
        letter
        if letter is not None and letter.pdf.storage.exists(letter.pdf.name)
        else None
    )


def _applicant_email_send(disclosure_request: DisclosureRequest, kind: str) -> bool:
    """Send the applicant's e-mail for ``kind``; False when no address was given."""
    address = disclosure_request.applicant.email
    if not address:
        return False
    subject = _(_APPLICANT_SUBJECTS[kind]) % {"reference": disclosure_request.reference}
    body = render_to_string(
        f"notifications/email/applicant_{kind}.txt",
        _applicant_context(disclosure_request, kind),
    ).strip()
    message = EmailMessage(subject=subject, body=body, to=[address])
    letter = _latest_letter_pdf(disclosure_request, kind)
    if letter is not None:
        with letter.pdf.open("rb") as handle:
            message.attach(f"{letter.title}.pdf", handle.read(), "application/pdf")
    message.send()
    return True


def _request_lock(request_id: int) -> DisclosureRequest:
    try:
        return (
            DisclosureRequest.objects.select_for_update(of=("self",))
            .select_related("agency", "applicant")
            .get(pk=request_id)
        )
    except DisclosureRequest.DoesNotExist:
        raise NotFound(_("未找到该申请。")) from None


@transaction.atomic
def applicant_notify(*, request_id: int, kind: str) -> bool:
    """E-mail the applicant about a notice of ``kind`` (补正、延期、收费、答复), once.

    Records ``APPLICANT_NOTIFIED`` with dedupe key ``applicant:<kind>`` in the same
    transaction; returns False when already done or when there is no address.
    """
    if kind not in APPLICANT_NOTICE_KINDS - {LetterKind.ACKNOWLEDGEMENT}:
        raise ApplicationError(_("不向申请人发送此类通知：%s") % kind, field="kind")
    disclosure_request = _request_lock(request_id)
    dedupe_key = f"applicant:{kind}"
    if RequestEvent.objects.filter(
        request=disclosure_request, dedupe_key=dedupe_key
    ).exists():
        return False
    if not _applicant_email_send(disclosure_request, kind):
        return False
    RequestEvent.objects.create(
        request=disclosure_request,
        kind=EventKind.APPLICANT_NOTIFIED,
        effective_on=timezone.localdate(),
        status_before=disclosure_request.status,
        status_after=disclosure_request.status,
        dedupe_key=dedupe_key,
        payload={"kind": kind, "email": True},
    )
    return True


def letter_issue_if_available(*, request_id: int, kind: str) -> object | None:
    """Issue the letter through ``requests_app.letters.letter_issue`` when that module
    is installed; None otherwise. Errors inside the module are not hidden."""
    if importlib.util.find_spec("requests_app.letters") is None:
        return None
    from requests_app import letters  # type: ignore[attr-defined]

    return letters.letter_issue(request_id=request_id, kind=kind)


def letter_issue_and_notify(*, request_id: int, kind: str) -> None:
    """Issue the letter of ``kind`` and, for the kinds the applicant receives, queue
    their e-mail as a task of its own, so that a failed e-mail is retried without
    issuing the letter again.

    A letter that cannot be produced for a reason a retry will not cure (anything but
    the database or the file system being unreachable) is told to the case's clerk and
    supervisors in-app and by e-mail, instead of living only in the worker's log; the
    error is raised again so that the outbox records it."""
    try:
        _letter_issue_and_queue(request_id=request_id, kind=kind)
    except (OperationalError, InterfaceError, OSError):
        raise
    except Exception as error:
        letter_failure_notify(request_id=request_id, kind=kind, error=error)
        raise


@transaction.atomic
def _letter_issue_and_queue(*, request_id: int, kind: str) -> None:
    letter_issue_if_available(request_id=request_id, kind=kind)
    if kind in APPLICANT_NOTICE_KINDS and kind != LetterKind.ACKNOWLEDGEMENT:
        outbox_enqueue(APPLICANT_NOTIFY_TASK, request_id=request_id, kind=kind)


@dataclass(frozen=True, slots=True)
class NoticeRecipients:
    """Who gets staff notices about a case besides its assigned clerk."""

    supervisors_by_path: dict[str, list[int]]
    """Active supervisors by the path of the agency they supervise."""
    administrator_ids: list[int]
    """Active superusers and users with the role admin."""


def notice_recipients() -> NoticeRecipients:
    """Supervisors and administrators, in one query."""
    rows = (
        User.objects.filter(is_active=True)
        .filter(
            Q(is_superuser=True)
            | Q(memberships__role__in=[StaffRole.SUPERVISOR, StaffRole.ADMIN])
        )
        .order_by("id")
        .values_list(
            "id", "is_superuser", "memberships__role", "memberships__agency__path"
        )
    )
    supervisors: dict[str, list[int]] = {}
    administrators: set[int] = set()
    for user_id, is_superuser, role, path in rows:
        if is_superuser or role == StaffRole.ADMIN:
            administrators.add(user_id)
        if role == StaffRole.SUPERVISOR:
            supervisors.setdefault(path, []).append(user_id)
    return NoticeRecipients(supervisors, sorted(administrators))


def case_recipients(
    *,
    assigned_to_id: int | None,
    agency_path: str,
    supervisors: dict[str, list[int]],
) -> set[int]:
    """The assigned clerk and the supervisors of the agency or of any agency above it
    (their path is a prefix of the case agency's path)."""
    users = {assigned_to_id} if assigned_to_id else set()
    parts = agency_path.strip("/").split("/")
    for depth in range(1, len(parts) + 1):
        users.update(supervisors.get("/" + "/".join(parts[:depth]) + "/", ()))
    return users


def case_watchers(disclosure_request: DisclosureRequest) -> set[int]:
    """The assigned clerk and the active supervisors of the case's agency or of any
    agency above it."""
    return case_recipients(
        assigned_to_id=disclosure_request.assigned_to_id,
        agency_path=disclosure_request.agency.path,
        supervisors=notice_recipients().supervisors_by_path,
    )


def letter_failure_notify(*, request_id: int, kind: str, error: Exception) -> list[int]:
    """Tell the case's clerk and supervisors that its letter of ``kind`` failed, once
    per (user, case, kind)."""
    disclosure_request = (
        DisclosureRequest.objects.select_related("agency").filter(pk=request_id).first()
    )
    if disclosure_request is None:
        return []
    try:
        letter_label = LetterKind(kind).label
    except ValueError:
        letter_label = kind
    reason = getattr(error, "message", None) or str(error) or type(error).__name__
    return staff_notify(
        user_ids=case_watchers(disclosure_request),
        key=f"letter_failed:{request_id}:{kind}",
        title=_("%(reference)s：《%(letter)s》未能生成")
        % {"reference": disclosure_request.reference, "letter": letter_label},
        body=_(
            "原因：%(reason)s。请检查申请内容和文书模板；修正后，再次办理该环节或联系"
            "系统管理员重新生成。"
        )
        % {"reason": reason},
        request_id=request_id,
    )


@transaction.atomic
def acknowledgement_send(*, request_id: int) -> bool:
    """Send the acknowledgement (受理回执) once: record ``ACKNOWLEDGEMENT_SENT`` (dedupe
    key ``acknowledgement``), issue the letter and e-mail the applicant, all in one
    transaction. Returns False when it was already sent."""
    disclosure_request = _request_lock(request_id)
    if RequestEvent.objects.filter(
        request=disclosure_request, dedupe_key="acknowledgement"
    ).exists():
        return False
    letter_issue_if_available(request_id=request_id, kind=LetterKind.ACKNOWLEDGEMENT)
    emailed = _applicant_email_send(disclosure_request, LetterKind.ACKNOWLEDGEMENT)
    RequestEvent.objects.create(
        request=disclosure_request,
        kind=EventKind.ACKNOWLEDGEMENT_SENT,
        effective_on=timezone.localdate(),
        status_before=disclosure_request.status,
        status_after=disclosure_request.status,
        dedupe_key="acknowledgement",
        payload={"email": emailed},
    )
    return True
