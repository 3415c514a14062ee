"""Nothing is lost when Redis is down: the application is accepted at once, its task
waits in the outbox, and goes to the broker when Redis is back.

These tests start their own ``redis-server`` on a free port (no persistence), so they
never touch the machine's Redis.
"""

from __future__ import annotations

import base64
import json
import shutil
import socket
import subprocess
import time
from collections.abc import Iterator
from datetime import date

import kombu.pools
import pytest
import redis
from django.core.cache import cache

from config.celery import app as celery_app
from requests_app.models import DisclosureRequest, OutboxMessage
from requests_app.outbox import outbox_dispatch, outbox_pending_count
from requests_app.tasks import outbox_drain_task
from tests.factories import make_resident_id, register

ACKNOWLEDGE_TASK = "requests_app.tasks.acknowledgement_send_task"
PUBLIC_URL = "/api/v1/public/applications/"

pytestmark = [
    pytest.mark.redis,
    pytest.mark.skipif(
        shutil.which("redis-server") is None,
        reason="redis-server is not installed (Debian package redis-server)",
    ),
]


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


class OwnRedis:
    """A throw-away redis-server that can be stopped and restarted on the same port."""

    def __init__(self, port: int) -> None:
        self.port = port
        self.url = f"redis://127.0.0.1:{port}/0"
        self.process: subprocess.Popen[bytes] | None = None

    def start(self) -> None:
        self.process = subprocess.Popen(  # noqa: S603 -- fixed arguments
            [  # noqa: S607 -- the Debian package's binary on PATH
                "redis-server",
                "--port",
                str(self.port),
                "--bind",
                "127.0.0.1",
                "--save",
                "",
                "--appendonly",
                "no",
                "--daemonize",
                "no",
            ],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        client = self.client()
        for _ in range(100):
            try:
                if client.ping():
                    return
            except redis.ConnectionError:
                time.sleep(0.05)
        msg = f"redis-server did not start on port {self.port}"
        raise RuntimeError(msg)

    def stop(self) -> None:
        if self.process is not None:
            self.process.terminate()
            self.process.wait(timeout=10)
            self.process = None

    def client(self) -> redis.Redis:
        return redis.Redis(host="127.0.0.1", port=self.port, socket_timeout=2)


@pytest.fixture
def own_redis() -> Iterator[OwnRedis]:
    server = OwnRedis(free_port())
    server.start()
    yield server
    server.stop()


def reset_broker_connections() -> None:
    """Forget pooled broker connections (they belong to the previous broker URL)."""
    kombu.pools.reset()
    celery_app._pool = None
    amqp = celery_app.__dict__.get("amqp")
    if amqp is not None:
        amqp._producer_pool = None


@pytest.fixture
def broker(own_redis: OwnRedis, settings, monkeypatch) -> Iterator[OwnRedis]:
    """Celery publishing to ``own_redis`` for real (not eager) during the test."""
    previous = celery_app.conf.broker_url
    settings.CELERY_BROKER_URL = own_redis.url
    settings.CELERY_TASK_ALWAYS_EAGER = False
    # Celery reads the environment variable before its configuration.
    monkeypatch.setenv("CELERY_BROKER_URL", own_redis.url)
    celery_app.conf.broker_url = own_redis.url
    reset_broker_connections()
    cache.clear()  # the public form's rate limit counts per address
    yield own_redis
    celery_app.conf.broker_url = previous
    reset_broker_connections()
    cache.clear()


def application() -> dict[str, object]:
    return {
        "agency": "XCCG",
        "applicant_type": "natural_person",
        "name": "李四",
        "id_type": "resident_id",
        "id_number": make_resident_id(7),
        "phone": "13911112222",
        "email": "lisi@example.com",
        "address": "北京市西城区德胜门外大街1号",
        "description": "请公开2025年第三季度西城区共享单车停放治理情况",
        "formats": ["electronic"],
        "delivery": ["email"],
    }


def queued_tasks(server: OwnRedis) -> list[tuple[str, dict[str, object]]]:
    """(task name, kwargs) of the messages waiting in the ``celery`` queue."""
    tasks = []
    for raw in server.client().lrange("celery", 0, -1):
        message = json.loads(raw)
        _args, kwargs, _embed = json.loads(base64.b64decode(message["body"]))
        tasks.append((message["headers"]["task"], kwargs))
    return tasks


@pytest.mark.django_db
def test_application_accepted_while_redis_is_down_is_dispatched_when_it_is_back(
    broker, agency, api_client, django_capture_on_commit_callbacks
):
    broker.stop()

    started = time.perf_counter()
    with django_capture_on_commit_callbacks(execute=True):
        response = api_client.post(PUBLIC_URL, application(), format="json")
    elapsed = time.perf_counter() - started

    assert response.status_code == 201
    assert elapsed < 3.0, f"the broker publish must fail fast, took {elapsed:.2f} s"
    case = DisclosureRequest.objects.get(reference=response.json()["reference"])
    message = OutboxMessage.objects.get()
    assert (message.task_name, message.kwargs) == (
        ACKNOWLEDGE_TASK,
        {"request_id": case.pk},
    )
    assert message.dispatched_at is None
    assert message.attempts == 1
    assert message.last_error.startswith("OperationalError: Error 111 connecting")
    assert outbox_pending_count() == 1
    # The drain finds the broker still down: kept again, nothing raised.
    assert outbox_drain_task() == 0

    broker.start()
    sent = outbox_drain_task()

    assert sent == 1
    assert queued_tasks(broker) == [(ACKNOWLEDGE_TASK, {"request_id": case.pk})]
    message.refresh_from_db()
    assert message.dispatched_at is not None
    assert message.attempts == 3
    assert outbox_dispatch() == 0
    assert broker.client().llen("celery") == 1


@pytest.mark.django_db
def test_with_redis_up_the_task_goes_out_right_after_commit(
    broker, agency, api_client, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        response = api_client.post(PUBLIC_URL, application(), format="json")

    assert response.status_code == 201
    case = DisclosureRequest.objects.get(reference=response.json()["reference"])
    assert queued_tasks(broker) == [(ACKNOWLEDGE_TASK, {"request_id": case.pk})]
    assert OutboxMessage.objects.get().dispatched_at is not None


@pytest.mark.django_db
def test_pending_messages_leave_in_order_after_an_outage(broker, agency):
    broker.stop()
    first = register(agency, date(2025, 9, 26))
    second = register(agency, date(2025, 9, 26))
    assert outbox_dispatch() == 0

    broker.start()

    assert outbox_dispatch() == 2
    assert queued_tasks(broker)[::-1] == [
        (ACKNOWLEDGE_TASK, {"request_id": first.pk}),
        (ACKNOWLEDGE_TASK, {"request_id": second.pk}),
    ]


@pytest.mark.django_db
def test_a_hung_broker_costs_the_request_at_most_the_socket_timeout(
    broker,
    agency,
    api_client,
    settings,
    monkeypatch,
    django_capture_on_commit_callbacks,
):
    # A port that accepts connections and never answers, like a hung Redis.
    with socket.socket() as hung:
        hung.bind(("127.0.0.1", 0))
        hung.listen(16)
        url = f"redis://127.0.0.1:{hung.getsockname()[1]}/0"
        monkeypatch.setenv("CELERY_BROKER_URL", url)
        settings.CELERY_BROKER_URL = url
        celery_app.conf.broker_url = url
        reset_broker_connections()

        started = time.perf_counter()
        with django_capture_on_commit_callbacks(execute=True):
            response = api_client.post(PUBLIC_URL, application(), format="json")
        elapsed = time.perf_counter() - started

    assert response.status_code == 201
    assert elapsed < 3.5, f"a hung broker held the request {elapsed:.2f} s"
    message = OutboxMessage.objects.get()
    assert message.dispatched_at is None
    assert message.last_error == "OperationalError: Timeout reading from socket"
