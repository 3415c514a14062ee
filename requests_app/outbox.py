"""The transactional outbox: work for the Celery broker is written to the database in the
same transaction as the change that caused it, then handed to the broker after commit.

If the broker is unreachable the row simply stays pending; ``outbox_drain`` (a beat task,
and every later enqueue) dispatches it once the broker is back. Nothing is lost and, with
idempotent tasks, nothing is done twice.
"""

from __future__ import annotations

import logging

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from requests_app.models import OutboxMessage

logger = logging.getLogger(__name__)


def outbox_enqueue(task_name: str, **kwargs: object) -> OutboxMessage:
    """Record ``task_name(**kwargs)`` for dispatch after the current transaction commits."""
    message = OutboxMessage.objects.create(task_name=task_name, kwargs=kwargs)
    transaction.on_commit(lambda: outbox_dispatch(message_ids=[message.pk]))
    return message


def _send(message: OutboxMessage) -> None:
    from config.celery import app

    if settings.CELERY_TASK_ALWAYS_EAGER:
        task = app.tasks[message.task_name]
        task.apply(kwargs=message.kwargs, throw=True)
    else:
        app.send_task(message.task_name, kwargs=message.kwargs, retry=False)


def outbox_dispatch(*, message_ids: list[int] | None = None, limit: int = 500) -> int:
    """Hand pending messages to the broker; returns how many went out. A broker error
    leaves the message pending with the error recorded, never raises."""
    pending = OutboxMessage.objects.filter(dispatched_at__isnull=True).order_by("id")
    if message_ids is not None:
        pending = pending.filter(pk__in=message_ids)
    sent = 0
    for message in list(pending[:limit]):
        # Claim the row first so two drains never send the same message.
        claimed = OutboxMessage.objects.filter(
            pk=message.pk, dispatched_at__isnull=True
        ).update(dispatched_at=timezone.now(), attempts=message.attempts + 1)
        if not claimed:
            continue
        try:
            _send(message)
        except Exception as exc:  # the broker is down: keep the work for later
            OutboxMessage.objects.filter(pk=message.pk).update(
                dispatched_at=None, last_error=f"{type(exc).__name__}: {exc}"[:2000]
            )
            logger.warning("outbox: %s kept for later (%s)", message.task_name, exc)
            break
        sent += 1
    return sent


def outbox_pending_count() -> int:
    return OutboxMessage.objects.filter(dispatched_at__isnull=True).count()
