"""A Celery worker killed in the middle of a task loses no work and does none twice.

The acknowledgement task (``acks_late``, idempotent through its dedupe key) is held
inside its transaction by a row lock this test takes on the case, so the kill lands
mid-task for certain, not by timing luck. The worker is then killed with SIGKILL (no
chance to hand the message back); the message stays in kombu's ``unacked`` hash, a new
worker restores it once the visibility timeout has passed, and the case ends with one
ACKNOWLEDGEMENT_SENT event and one letter although the task ran twice.

Workers are real processes (``--pool=solo``) on the machine's Redis (database 8, kept
for this test) sharing the PostgreSQL test database. The visibility timeout is 1 hour
in the settings (``CELERY_BROKER_TRANSPORT_OPTIONS``); the workers here set it to 2
seconds on the Celery app before they start, so redelivery happens within the test.
"""

from __future__ import annotations

import os
import re
import shutil
import signal
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from datetime import date
from pathlib import Path

import kombu.pools
import pytest
import redis
from django.conf import settings as django_settings
from django.core.cache import cache
from django.db import connection

from config.celery import app as celery_app
from requests_app.models import (
    DisclosureRequest,
    EventKind,
    OutboxMessage,
    RequestEvent,
)
from tests.factories import register

BROKER_URL = "redis://127.0.0.1:6379/8"
VISIBILITY_TIMEOUT = 2.0
ROOT = Path(django_settings.BASE_DIR)
TASK = "requests_app.tasks.acknowledgement_send_task"
# The worker, with a short visibility timeout set on the app before it starts (under
# the app's CELERY_ namespace, the key a plain ``broker_transport_options`` would not
# override).
WORKER = (
    "import sys\n"
    "from config.celery import app\n"
    "options = dict(app.conf.broker_transport_options)\n"
    "options['visibility_timeout'] = float(sys.argv[1])\n"
    "app.conf.CELERY_BROKER_TRANSPORT_OPTIONS = options\n"
    "app.worker_main(['worker', *sys.argv[2:]])\n"
)


def redis_is_up() -> bool:
    try:
        return bool(redis.Redis.from_url(BROKER_URL, socket_timeout=1).ping())
    except redis.RedisError:
        return False


pytestmark = [
    pytest.mark.redis,
    pytest.mark.postgres,
    pytest.mark.skipif(
        shutil.which("redis-server") is None and not redis_is_up(),
        reason="needs Redis on 127.0.0.1:6379 (Debian package redis-server)",
    ),
]


def database_url() -> str:
    """The URL of the test database this process uses, for the worker processes."""
    db = connection.settings_dict
    credentials = db["USER"] + (f":{db['PASSWORD']}" if db["PASSWORD"] else "")
    port = f":{db['PORT']}" if db["PORT"] else ""
    return f"postgres://{credentials}@{db['HOST'] or '127.0.0.1'}{port}/{db['NAME']}"


def reset_broker_connections() -> None:
    kombu.pools.reset()
    celery_app._pool = None
    amqp = celery_app.__dict__.get("amqp")
    if amqp is not None:
        amqp._producer_pool = None


def wait_for(condition: Callable[[], object], *, seconds: float, what: str) -> object:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        value = condition()
        if value:
            return value
        time.sleep(0.1)
    raise AssertionError(f"timed out waiting for {what}")


@pytest.fixture
def broker(settings, monkeypatch) -> Iterator[redis.Redis]:
    if not redis_is_up():
        pytest.skip("Redis is not running on 127.0.0.1:6379")
    client = redis.Redis.from_url(BROKER_URL)
    client.flushdb()
    previous = celery_app.conf.broker_url
    settings.CELERY_BROKER_URL = BROKER_URL
    settings.CELERY_TASK_ALWAYS_EAGER = False
    # Celery reads CELERY_BROKER_URL from the environment before its own settings
    # (CI sets it for the whole run).
    monkeypatch.setenv("CELERY_BROKER_URL", BROKER_URL)
    celery_app.conf.broker_url = BROKER_URL
    reset_broker_connections()
    cache.clear()
    yield client
    client.flushdb()
    celery_app.conf.broker_url = previous
    reset_broker_connections()
    cache.clear()


@pytest.fixture
def start_worker(tmp_path) -> Iterator[Callable[[str], subprocess.Popen[bytes]]]:
    processes: list[subprocess.Popen[bytes]] = []
    environment = os.environ | {
        "DJANGO_SETTINGS_MODULE": "config.settings.test",
        "DATABASE_URL": database_url(),
        "CELERY_BROKER_URL": BROKER_URL,
        "CELERY_TASK_ALWAYS_EAGER": "false",
        "GONGKAI_PRIVATE_ROOT": str(tmp_path / "private"),
    }

    def start(name: str) -> subprocess.Popen[bytes]:
        log = (tmp_path / f"{name}.log").open("wb")
        process = subprocess.Popen(  # noqa: S603 -- fixed arguments
            [
                sys.executable,
                "-c",
                WORKER,
                str(VISIBILITY_TIMEOUT),
                "--pool=solo",
                "-Q",
                "celery",
                "--without-gossip",
                "--without-mingle",
                "--without-heartbeat",
                "--loglevel=INFO",
            ],
            cwd=ROOT,
            env=environment,
            stdout=log,
            stderr=subprocess.STDOUT,
        )
        log.close()
        processes.append(process)
        return process

    yield start
    for process in processes:
        if process.poll() is None:
            process.send_signal(signal.SIGQUIT)
            try:
                process.wait(timeout=2)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()


def received_task_ids(log: Path) -> list[str]:
    return re.findall(
        rf"Task {re.escape(TASK)}\[([0-9a-f-]+)\] received", log.read_text()
    )


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_work_of_a_killed_worker_is_done_once_by_the_next(
    broker, start_worker, agency, tmp_path
):
    # given: a registered case whose acknowledgement task waits in the queue
    case: DisclosureRequest = register(agency, date(2026, 11, 27))
    assert OutboxMessage.objects.get().dispatched_at is not None
    assert broker.llen("celery") == 1

    # and: a second connection holding the case's row lock, so the task will block
    locker = connection.get_new_connection(connection.get_connection_params())
    with locker.cursor() as cursor:
        cursor.execute(
            f"SELECT id FROM {DisclosureRequest._meta.db_table} WHERE id = %s FOR UPDATE",  # noqa: S608
            [case.pk],
        )

    def blocked_backends() -> list[int]:
        with locker.cursor() as cursor:
            cursor.execute(
                "SELECT pid FROM pg_stat_activity WHERE datname = current_database() "
                "AND wait_event_type = 'Lock'"
            )
            return [row[0] for row in cursor.fetchall()]

    try:
        first = start_worker("first")
        wait_for(
            lambda: broker.hlen("unacked") == 1 and blocked_backends(),
            seconds=20,
            what="the first worker to take the task and block inside it",
        )

        # when: the worker dies mid-task, without acknowledging the message
        first.send_signal(signal.SIGKILL)
        first.wait(timeout=5)
        with locker.cursor() as cursor:
            # Its database session would linger until the lock is released; end it.
            for pid in blocked_backends():
                cursor.execute("SELECT pg_terminate_backend(%s)", [pid])
    finally:
        locker.rollback()
        locker.close()

    assert not RequestEvent.objects.filter(
        request=case, kind=EventKind.ACKNOWLEDGEMENT_SENT
    ).exists()
    assert (broker.llen("celery"), broker.hlen("unacked")) == (0, 1)
    [(_tag, delivered_at)] = broker.zrange("unacked_index", 0, -1, withscores=True)
    time.sleep(max(0.0, delivered_at + VISIBILITY_TIMEOUT + 0.2 - time.time()))

    # and: a new worker starts
    second = start_worker("second")
    wait_for(
        lambda: second.poll() is not None
        or RequestEvent.objects.filter(
            request=case, kind=EventKind.ACKNOWLEDGEMENT_SENT
        ).exists(),
        seconds=25,
        what="the second worker to redo the acknowledgement",
    )
    assert second.poll() is None, (tmp_path / "second.log").read_text()
    wait_for(
        lambda: broker.hlen("unacked") == 0,
        seconds=5,
        what="the message to be acknowledged",
    )

    # then: the same message ran in both workers; the work exists exactly once
    first_ids = received_task_ids(tmp_path / "first.log")
    second_ids = received_task_ids(tmp_path / "second.log")
    assert len(first_ids) == 1
    assert second_ids == first_ids
    event = RequestEvent.objects.get(request=case, kind=EventKind.ACKNOWLEDGEMENT_SENT)
    assert (event.dedupe_key, event.payload) == ("acknowledgement", {"email": True})
    assert case.letters.filter(kind="acknowledgement").count() == 1
    assert (broker.llen("celery"), broker.hlen("unacked")) == (0, 0)
