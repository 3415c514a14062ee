"""The transactional outbox: work for the Celery broker is written to the database in the
same transaction as the change that caused it, then handed to the broker after commit.

If the broker is unreachable the row simply stays pending; ``outbox_drain`` (a beat task,
and every later enqueue) dispatches it once the broker is back. Nothing is lost and, with
idempotent tasks, nothing is done twice.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from importlib import import_module

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from requests_app.bulk_sql import insert_ignoring_conflicts
from requests_app.models import OutboxMessage

logger = logging.getLogger(__name__)


def outbox_enqueue(task_name: str, **kwargs: object) -> OutboxMessage:
    """Record ``task_name(**kwargs)`` for dispatch after the current transaction commits."""
    message = OutboxMessage.objects.create(task_name=task_name, kwargs=kwargs)
    transaction.on_commit(lambda: _dispatch_one(message))
    return message


def outbox_enqueue_many(
    task_name: str, kwargs_list: Sequence[dict[str, object]]
) -> list[int]:
    """Record one ``task_name`` call per item of ``kwargs_list`` with one insert
    (whatever their number), all dispatched by one callback after the commit; returns
    the messages' ids."""
    if not kwargs_list:
        return []
    now = timezone.now()
    rows = [
        {
            "task_name": task_name,
            "kwargs": kwargs,
            "created_at": now,
            "dispatched_at": None,
            "attempts": 0,
            "last_error": "",
        }
        for kwargs in kwargs_list
    ]
    ids = [
        row[0]
        for row in insert_ignoring_conflicts(OutboxMessage, rows, returning=["id"])
    ]
    transaction.on_commit(lambda: outbox_dispatch(message_ids=ids, limit=len(ids)))
    return ids


class TaskFailed(Exception):
    """An eagerly run task failed: the message was delivered, the work was not done."""


def _send(message: OutboxMessage) -> None:
    from config.celery import app

    if settings.CELERY_TASK_ALWAYS_EAGER:
        if message.task_name not in app.tasks:
            # Celery discovers task modules only when a worker starts; in-process
            # (eager) the module named by the task is imported on first use.
            import_module(message.task_name.rpartition(".")[0])
        task = app.tasks[message.task_name]
        # A transient failure retried eagerly comes back as celery's Retry exception
        # (propagated): handled below like a broker error, the row stays pending.
        result = task.apply(kwargs=message.kwargs, throw=False)
        if result.failed():
            raise TaskFailed(f"{type(result.result).__name__}: {result.result}")
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
        outcome = _dispatch_one(message)
        if outcome is None:
            break  # the broker is down: the rest waits for the next drain
        sent += outcome
    return sent


def _dispatch_one(message: OutboxMessage) -> bool | None:
    """Claim and send one message: True when sent, False when another drain had it or
    its eager run failed, None when the broker is down (the row stays pending)."""
    # Claim the row first so two drains never send the same message.
    claimed = OutboxMessage.objects.filter(
        pk=message.pk, dispatched_at__isnull=True
    ).update(dispatched_at=timezone.now(), attempts=message.attempts + 1)
    if not claimed:
        return False
    try:
        _send(message)
    except TaskFailed as exc:
        # Eager mode (no broker): the task ran and failed after its own retries, as a
        # worker's would. Keeping the row pending would re-run a poison message at
        # every drain and hold up the messages behind it.
        OutboxMessage.objects.filter(pk=message.pk).update(last_error=str(exc)[:2000])
        logger.error("outbox: %s failed (%s)", message.task_name, exc)
        return False
    except Exception as exc:  # the broker is down: keep the work for later
        OutboxMessage.objects.filter(pk=message.pk).update(
            dispatched_at=None, last_error=f"{type(exc).__name__}: {exc}"[:2000]
        )
        logger.warning("outbox: %s kept for later (%s)", message.task_name, exc)
        return None
    return True


def outbox_pending_count() -> int:
    return OutboxMessage.objects.filter(dispatched_at__isnull=True).count()
