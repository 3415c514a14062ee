"""Celery tasks: thin. Each takes primitive ids (JSON), calls one service, and is fired
only through the outbox after the commit (``requests_app.outbox``).

Transient failures (the database or the mail server unreachable) are retried with
exponential backoff; a refused business rule (``ApplicationError``) is not retried.
``acks_late`` is set on the tasks that are idempotent (safe to run twice after a worker
dies mid-task); the staff e-mail batch is not (a second run would e-mail again), so it
is acknowledged on receipt.
"""

from __future__ import annotations

import smtplib
from typing import Any

from celery import shared_task
from django.db import InterfaceError, OperationalError
from django.utils import timezone

from requests_app.notifications import (
    acknowledgement_send,
    applicant_notify,
    letter_issue_and_notify,
    staff_notifications_email,
)
from requests_app.outbox import outbox_dispatch
from requests_app.sweep import sweep_deadlines_run

TRANSIENT_ERRORS = (OperationalError, InterfaceError, smtplib.SMTPException, OSError)

RETRYING: dict[str, Any] = {
    "autoretry_for": TRANSIENT_ERRORS,
    "retry_backoff": True,
    "retry_backoff_max": 600,
    "retry_jitter": True,
    "max_retries": 8,
    "soft_time_limit": 120,
    "time_limit": 150,
}


@shared_task(
    name="requests_app.tasks.acknowledgement_send_task", acks_late=True, **RETRYING
)
def acknowledgement_send_task(request_id: int) -> bool:
    """受理回执: record it, issue the letter and e-mail the applicant, once."""
    return acknowledgement_send(request_id=request_id)


@shared_task(name="requests_app.tasks.letter_issue_task", acks_late=True, **RETRYING)
def letter_issue_task(request_id: int, kind: str) -> None:
    """Issue a letter (告知书; ``letters.letter_issue`` returns the letter already
    issued when run again); the applicant's e-mail about it is a task of its own."""
    letter_issue_and_notify(request_id=request_id, kind=kind)


@shared_task(
    name="requests_app.tasks.applicant_notify_task", acks_late=True, **RETRYING
)
def applicant_notify_task(request_id: int, kind: str) -> bool:
    return applicant_notify(request_id=request_id, kind=kind)


@shared_task(name="requests_app.tasks.staff_email_batch_task", **RETRYING)
def staff_email_batch_task(notification_ids: list[int]) -> int:
    return staff_notifications_email(notification_ids=notification_ids)


@shared_task(
    name="requests_app.tasks.deadlines_sweep_task",
    acks_late=True,
    **(RETRYING | {"soft_time_limit": 1500, "time_limit": 1800}),
)
def deadlines_sweep_task() -> dict[str, Any]:
    """The daily sweep for today's local date (Asia/Shanghai)."""
    return sweep_deadlines_run(as_of=timezone.localdate()).as_dict()


@shared_task(
    name="requests_app.tasks.outbox_drain_task",
    acks_late=True,
    # A drain that fails is simply replaced by the next one a minute later.
    soft_time_limit=50,
    time_limit=58,
)
def outbox_drain_task() -> int:
    return outbox_dispatch()
