"""A real Celery worker end to end: an application submitted through the public API is
acknowledged by a worker process (``--pool=solo``) that shares the PostgreSQL test
database, through the machine's Redis (database 7, kept for this test)."""

from __future__ import annotations

import os
import shutil
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
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
from tests.factories import make_resident_id

BROKER_URL = "redis://127.0.0.1:6379/7"
PUBLIC_URL = "/api/v1/public/applications/"
ROOT = Path(django_settings.BASE_DIR)


def redis_is_up() -> bool:
    try:
        return bool(redis.Redis.from_url(BROKER_URL, socket_timeout=1).ping())
    except redis.RedisError:
        return False


pytestmark = [
    pytest.mark.redis,
    pytest.mark.postgres,
    pytest.mark.skipif(
        shutil.which("redis-server") is None,
        reason="redis-server is not installed (Debian package redis-server)",
    ),
]


def database_url() -> str:
    """The URL of the test database this process uses, for the worker process."""
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


@pytest.fixture
def worker(tmp_path, settings, monkeypatch) -> Iterator[subprocess.Popen[bytes]]:
    if not redis_is_up():
        pytest.skip("Redis is not running on 127.0.0.1:6379 (the worker's broker)")
    redis.Redis.from_url(BROKER_URL).flushdb()
    previous = celery_app.conf.broker_url
    settings.CELERY_BROKER_URL = BROKER_URL
    settings.CELERY_TASK_ALWAYS_EAGER = False
    # Celery reads the environment variable before its configuration.
    monkeypatch.setenv("CELERY_BROKER_URL", BROKER_URL)
    celery_app.conf.broker_url = BROKER_URL
    reset_broker_connections()
    cache.clear()
    log = (tmp_path / "worker.log").open("wb")
    environment = os.environ | {
        "DJANGO_SETTINGS_MODULE": "config.settings.test",
        "DATABASE_URL": database_url(),
        "CELERY_BROKER_URL": BROKER_URL,
        "GONGKAI_PRIVATE_ROOT": str(tmp_path / "private"),
    }
    process = subprocess.Popen(  # noqa: S603 -- fixed arguments
        [
            sys.executable,
            "-m",
            "celery",
            "-A",
            "config",
            "worker",
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
    try:
        yield process
    finally:
        # Cold shutdown (SIGQUIT): the test is over, nothing is left to finish.
        process.send_signal(signal.SIGQUIT)
        try:
            process.wait(timeout=1)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()
        log.close()
        celery_app.conf.broker_url = previous
        reset_broker_connections()
        cache.clear()


def application() -> dict[str, object]:
    return {
        "agency": "XCCG",
        "applicant_type": "natural_person",
        "name": "王五",
        "id_type": "resident_id",
        "id_number": make_resident_id(11),
        "phone": "13700001111",
        "email": "wangwu@example.com",
        "address": "北京市西城区西直门南大街2号",
        "description": "请公开西城区2025年背街小巷环境整治项目清单",
        "formats": ["electronic"],
        "delivery": ["email"],
    }


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_the_worker_sends_the_acknowledgement(worker, agency, api_client, tmp_path):
    response = api_client.post(PUBLIC_URL, application(), format="json")
    assert response.status_code == 201
    case = DisclosureRequest.objects.get(reference=response.json()["reference"])
    assert OutboxMessage.objects.get().dispatched_at is not None

    deadline = time.monotonic() + 30
    event = None
    while event is None and time.monotonic() < deadline:
        event = RequestEvent.objects.filter(
            request=case, kind=EventKind.ACKNOWLEDGEMENT_SENT
        ).first()
        if event is None:
            assert worker.poll() is None, (tmp_path / "worker.log").read_text()
            time.sleep(0.2)

    assert event is not None, (tmp_path / "worker.log").read_text()
    assert (event.dedupe_key, event.payload, event.actor_id) == (
        "acknowledgement",
        {"email": True},
        None,
    )
    assert case.letters.filter(kind="acknowledgement").count() == 1
    assert redis.Redis.from_url(BROKER_URL).llen("celery") == 0
