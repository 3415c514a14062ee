"""Whose address a rate limit counts: ``X-Forwarded-For`` only behind the trusted proxies
``DJANGO_NUM_PROXIES`` declares, and then the right-most hop they did not write. The
API's throttles, the citizen pages and the staff login throttle all use the one rule."""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Iterator
from datetime import datetime
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.conf import settings as django_settings
from django.core.cache import cache
from rest_framework.test import APIClient

from disclosure.client_address import client_address
from requests_app.throttles import PublicSubmitThrottle
from tests.factories import make_resident_id

PROXY = "10.0.0.2"
PUBLIC_URL = "/api/v1/public/applications/"
LOGIN_URL = "/admin/login/"
FRIDAY = datetime(2025, 9, 26, 10, tzinfo=ZoneInfo("Asia/Shanghai"))


@pytest.fixture(autouse=True)
def empty_cache() -> Iterator[None]:
    cache.clear()
    yield
    cache.clear()


def proxies(settings, count: int) -> None:
    settings.REST_FRAMEWORK = settings.REST_FRAMEWORK | {
        "NUM_PROXIES": count,
        "DEFAULT_THROTTLE_RATES": {
            **settings.REST_FRAMEWORK["DEFAULT_THROTTLE_RATES"],
            "public_submit": "2/hour",
        },
    }


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


def submit(client: APIClient, forwarded_for: str) -> int:
    return client.post(
        PUBLIC_URL,
        application(),
        format="json",
        REMOTE_ADDR=PROXY,
        HTTP_X_FORWARDED_FOR=forwarded_for,
    ).status_code


# --- the rule --------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("num_proxies", "forwarded_for", "expected"),
    [
        pytest.param(0, "203.0.113.7", PROXY, id="no_proxy_ignores_header_case"),
        pytest.param(1, "", PROXY, id="no_header_case"),
        pytest.param(1, "203.0.113.7", "203.0.113.7", id="one_proxy_case"),
        pytest.param(
            1, "6.6.6.6, 203.0.113.7", "203.0.113.7", id="forged_left_entry_case"
        ),
        pytest.param(
            2, "6.6.6.6, 203.0.113.7, 10.0.0.1", "203.0.113.7", id="two_proxies_case"
        ),
        pytest.param(
            3, "203.0.113.7", "203.0.113.7", id="fewer_hops_than_proxies_case"
        ),
    ],
)
def test_client_address(rf, settings, num_proxies, forwarded_for, expected):
    settings.REST_FRAMEWORK = settings.REST_FRAMEWORK | {"NUM_PROXIES": num_proxies}
    extra = {"HTTP_X_FORWARDED_FOR": forwarded_for} if forwarded_for else {}
    request = rf.get("/", REMOTE_ADDR=PROXY, **extra)

    assert client_address(request) == expected
    assert PublicSubmitThrottle().get_ident(request) == expected


def test_num_proxies_is_read_from_the_environment():
    code = (
        "import django; django.setup(); from django.conf import settings; "
        "print(settings.REST_FRAMEWORK['NUM_PROXIES'])"
    )
    root = django_settings.BASE_DIR

    def num_proxies(value: str | None) -> str:
        environment = {
            "PATH": os.environ["PATH"],
            "DJANGO_SETTINGS_MODULE": "config.settings.test",
        }
        if value is not None:
            environment["DJANGO_NUM_PROXIES"] = value
        result = subprocess.run(  # noqa: S603 (our own interpreter, fixed arguments)
            [sys.executable, "-c", code],
            cwd=root,
            env=environment,
            capture_output=True,
            text=True,
            check=True,
        )
        return result.stdout.strip()

    assert (num_proxies(None), num_proxies("1")) == ("0", "1")


# --- the API's rate limits -------------------------------------------------------------


@pytest.mark.django_db
@time_machine.travel(FRIDAY, tick=False)
def test_behind_one_proxy_two_clients_are_limited_separately(agency, settings):
    proxies(settings, 1)
    client = APIClient()

    first = [submit(client, "203.0.113.7") for _ in range(3)]
    second = [submit(client, "198.51.100.9") for _ in range(3)]

    assert first == [201, 201, 429]
    assert second == [201, 201, 429]


@pytest.mark.django_db
@time_machine.travel(FRIDAY, tick=False)
def test_behind_one_proxy_a_forged_left_entry_buys_nothing(agency, settings):
    proxies(settings, 1)
    client = APIClient()

    statuses = [submit(client, f"6.6.6.{number}, 203.0.113.7") for number in range(3)]

    assert statuses == [201, 201, 429]


@pytest.mark.django_db
@time_machine.travel(FRIDAY, tick=False)
def test_without_proxies_the_header_is_ignored(agency, settings):
    proxies(settings, 0)
    client = APIClient()

    first = [submit(client, "203.0.113.7") for _ in range(2)]
    second = submit(client, "198.51.100.9")

    assert (first, second) == ([201, 201], 429)


# --- the staff login throttle ----------------------------------------------------------


def failed_login(client, forwarded_for: str) -> int:
    return client.post(
        LOGIN_URL,
        {"username": "clerk", "password": "wrong", "next": "/admin/"},
        REMOTE_ADDR=PROXY,
        HTTP_X_FORWARDED_FOR=forwarded_for,
    ).status_code


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("num_proxies", "other_client_status"),
    [
        pytest.param(1, 200, id="behind_proxy_counted_per_client_case"),
        pytest.param(0, 429, id="no_proxy_header_ignored_case"),
    ],
)
def test_login_lockout_follows_the_same_rule(
    client, clerk, settings, num_proxies, other_client_status
):
    settings.REST_FRAMEWORK = settings.REST_FRAMEWORK | {"NUM_PROXIES": num_proxies}

    locked = [failed_login(client, "203.0.113.7") for _ in range(6)]
    other = failed_login(client, "198.51.100.9")

    assert locked == [200] * 5 + [429]
    assert other == other_client_status
