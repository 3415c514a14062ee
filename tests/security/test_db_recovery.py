"""The application survives losing its PostgreSQL connection between two requests
(a database restart or failover, an idle-connection reaper, a network blip): the next
request gets a fresh connection, with nothing restarted.

The requests go through the real WSGI application (``config.wsgi.application``), not
Django's test client: the test client switches off the per-request connection
housekeeping (``close_old_connections``) in which ``CONN_HEALTH_CHECKS`` does its work,
so only the real handler shows what a server process would do. Connections are kept
between requests (``CONN_MAX_AGE`` > 0), as a production server configured with
``DJANGO_CONN_MAX_AGE`` would. The server itself is never restarted (it is shared):
the app's backend is killed from a second connection with ``pg_terminate_backend``.
"""

from __future__ import annotations

import json
import time
from collections.abc import Iterator
from datetime import date
from wsgiref.util import setup_testing_defaults

import pytest
from django.db import connection
from rest_framework.authtoken.models import Token

from config.wsgi import application
from tests.factories import register

pytestmark = pytest.mark.postgres

LIST_URL = "/api/v1/requests/"


def wsgi_get(path: str, *, token: str) -> tuple[int, bytes]:
    """One GET through the WSGI application, as a WSGI server makes it (including
    closing the response, which ends the request for Django)."""
    environ: dict[str, object] = {}
    setup_testing_defaults(environ)
    environ.update(
        REQUEST_METHOD="GET",
        PATH_INFO=path,
        HTTP_HOST="localhost",
        HTTP_AUTHORIZATION=f"Token {token}",
    )
    statuses: list[int] = []

    def start_response(status: str, headers: list, exc_info: object = None) -> None:
        statuses.append(int(status.split()[0]))

    response = application(environ, start_response)
    try:
        body = b"".join(response)
    finally:
        response.close()
    return statuses[0], body


@pytest.fixture
def persistent_connection(request) -> Iterator[None]:
    """Keep the connection between requests, with or without health checks."""
    health_checks = request.param
    saved = {
        key: connection.settings_dict[key]
        for key in ("CONN_MAX_AGE", "CONN_HEALTH_CHECKS")
    }
    connection.close()
    connection.settings_dict.update(CONN_MAX_AGE=600, CONN_HEALTH_CHECKS=health_checks)
    yield
    connection.close()
    connection.settings_dict.update(saved)


def app_backend_pid() -> int:
    assert connection.connection is not None, "the connection was not kept"
    return connection.connection.get_backend_pid()


def kill_other_backends() -> list[int]:
    """From a second connection, terminate every other backend of the test database
    and wait until they are gone; returns their pids."""
    killer = connection.get_new_connection(connection.get_connection_params())
    killer.autocommit = True
    try:
        with killer.cursor() as cursor:
            # In the select list, not the WHERE clause: PostgreSQL may evaluate WHERE
            # conditions in any order, and this one must never reach its own backend.
            cursor.execute(
                "SELECT pid, pg_terminate_backend(pid) FROM pg_stat_activity "
                "WHERE datname = current_database() AND pid <> pg_backend_pid()"
            )
            killed = sorted(pid for pid, terminated in cursor.fetchall() if terminated)
            deadline = time.monotonic() + 10
            while time.monotonic() < deadline:
                cursor.execute(
                    "SELECT count(*) FROM pg_stat_activity WHERE pid = ANY(%s)",
                    [killed],
                )
                if cursor.fetchone()[0] == 0:
                    break
                time.sleep(0.05)
    finally:
        killer.close()
    return killed


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
@pytest.mark.parametrize(
    ("persistent_connection", "statuses"),
    [(True, [200, 200]), (False, [200, 500, 200])],
    ids=["with_health_checks_case", "without_health_checks_case"],
    indirect=["persistent_connection"],
)
def test_next_request_after_the_connection_is_killed(
    persistent_connection, statuses, clerk, agency
):
    # given: a case, a staff token, and a request that opened the kept connection
    register(agency, date(2026, 11, 2))
    token = Token.objects.create(user=clerk).key
    first_status, first_body = wsgi_get(LIST_URL, token=token)
    first_pid = app_backend_pid()

    # when: the database drops that connection
    killed = kill_other_backends()
    seen = [first_status]
    while len(seen) < len(statuses):
        status, body = wsgi_get(LIST_URL, token=token)
        seen.append(status)

    # then: with health checks the very next request reconnects and succeeds; the
    # settings' CONN_HEALTH_CHECKS=True is what spares users the one failed request
    # Other tests' leftover connections (a live server's threads) may die with it.
    assert first_pid in killed
    assert seen == statuses
    assert json.loads(first_body)["count"] == 1
    assert json.loads(body)["count"] == 1
    assert app_backend_pid() != first_pid
