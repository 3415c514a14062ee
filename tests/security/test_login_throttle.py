"""Failed staff logins at /admin/login/: at most 5 per 15 minutes per (username,
client address); the 6th attempt is refused in Chinese with 429 without the password
being checked; a successful login clears the count."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime, timedelta

import pytest
import time_machine
from django.contrib.auth.signals import user_logged_in, user_login_failed
from django.core.cache import cache
from django.test import Client

from disclosure.login_throttle import (
    LoginAttempt,
    client_address,
    login_failure_record,
    login_lock_get,
)

LOGIN_URL = "/admin/login/"
PASSWORD = "pass-Word-123"
START = datetime(2026, 11, 29, 1, 0, tzinfo=UTC)

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def empty_cache() -> Iterator[None]:
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def password_checks() -> Iterator[list[str]]:
    """Every credential check the login view makes, failed or successful."""
    checks: list[str] = []

    def failed(sender, credentials, **kwargs):
        checks.append("failed")

    def succeeded(sender, user, **kwargs):
        checks.append("succeeded")

    user_login_failed.connect(failed)
    user_logged_in.connect(succeeded)
    yield checks
    user_login_failed.disconnect(failed)
    user_logged_in.disconnect(succeeded)


def attempt(client: Client, username: str, password: str, address="203.0.113.7"):
    return client.post(
        LOGIN_URL,
        {"username": username, "password": password, "next": "/admin/"},
        REMOTE_ADDR=address,
    )


def test_sixth_attempt_is_refused_without_checking_the_password(clerk, password_checks):
    client = Client()
    with time_machine.travel(START, tick=False):
        statuses = [attempt(client, "clerk", "wrong").status_code for _ in range(5)]
        refused = attempt(client, "clerk", PASSWORD)

    assert statuses == [200] * 5
    assert password_checks == ["failed"] * 5
    assert refused.status_code == 429
    assert refused["Retry-After"] == "900"
    html = refused.content.decode()
    assert (
        "登录失败次数过多：该用户名在本地址 15 分钟内已连续失败 5 次，登录已暂停。"
        "请在 15 分钟后重试，或联系系统管理员重置密码。"
    ) in html
    # The right password on the 6th attempt was never checked and logs nobody in.
    assert '<form action="/admin/login/' in html
    assert "_auth_user_id" not in client.session


def test_lock_ends_fifteen_minutes_after_the_first_failure(clerk, password_checks):
    client = Client()
    with time_machine.travel(START, tick=False) as clock:
        for _ in range(3):
            attempt(client, "clerk", "wrong")
        clock.shift(timedelta(minutes=10))
        for _ in range(2):
            attempt(client, "clerk", "wrong")
        clock.shift(timedelta(minutes=4, seconds=59))
        still_locked = attempt(client, "clerk", PASSWORD)
        clock.shift(timedelta(seconds=1))
        after_window = attempt(client, "clerk", PASSWORD)

    assert still_locked.status_code == 429
    assert still_locked["Retry-After"] == "1"
    assert after_window.status_code == 302
    assert after_window["Location"] == "/admin/"
    assert password_checks == ["failed"] * 5 + ["succeeded"]


def test_success_resets_the_count(clerk):
    client = Client()
    with time_machine.travel(START, tick=False):
        for _ in range(4):
            attempt(client, "clerk", "wrong")
        assert attempt(client, "clerk", PASSWORD).status_code == 302
        client.logout()
        statuses = [attempt(client, "clerk", "wrong").status_code for _ in range(6)]

    assert statuses == [200, 200, 200, 200, 200, 429]


def test_counters_are_per_username_and_address(clerk, other_clerk):
    client = Client()
    with time_machine.travel(START, tick=False):
        for _ in range(5):
            attempt(client, "clerk", "wrong", address="203.0.113.7")
        same_pair = attempt(client, "clerk", PASSWORD, address="203.0.113.7")
        # The case of the username does not make a new counter.
        other_case = attempt(client, "CLERK", "wrong", address="203.0.113.7")
        other_address = attempt(client, "clerk", PASSWORD, address="198.51.100.4")
        client.logout()
        other_user = attempt(client, "other_clerk", PASSWORD, address="203.0.113.7")

    assert (same_pair.status_code, other_case.status_code) == (429, 429)
    assert (other_address.status_code, other_user.status_code) == (302, 302)


def test_a_non_staff_account_with_its_right_password_counts_as_a_failure(clerk):
    clerk.is_staff = False
    clerk.save(update_fields=["is_staff"])
    client = Client()
    with time_machine.travel(START, tick=False):
        statuses = [attempt(client, "clerk", PASSWORD).status_code for _ in range(6)]

    assert statuses == [200] * 5 + [429]


def test_the_login_page_itself_is_never_limited(clerk):
    client = Client()
    with time_machine.travel(START, tick=False):
        for _ in range(5):
            attempt(client, "clerk", "wrong")
        page = client.get(LOGIN_URL, REMOTE_ADDR="203.0.113.7")

    assert page.status_code == 200


def test_forwarded_address_counts_only_behind_declared_proxies(rf, settings):
    request = rf.post(
        LOGIN_URL,
        REMOTE_ADDR="10.0.0.2",
        HTTP_X_FORWARDED_FOR="198.51.100.9, 203.0.113.7",
    )
    assert client_address(request) == "10.0.0.2"

    settings.REST_FRAMEWORK = settings.REST_FRAMEWORK | {"NUM_PROXIES": 1}
    assert client_address(request) == "203.0.113.7"


def test_lock_state_functions():
    pair = LoginAttempt(username="clerk", address="203.0.113.7")
    now = START.timestamp()

    counts = [login_failure_record(attempt=pair, now=now + i) for i in range(5)]

    assert counts == [1, 2, 3, 4, 5]
    lock = login_lock_get(attempt=pair, now=now + 60)
    assert (lock.failures, lock.retry_after) == (5, 840)
    assert login_lock_get(attempt=LoginAttempt("clerk", "203.0.113.8")) is None
