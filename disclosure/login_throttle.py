"""Limits on failed staff logins (登录失败次数限制).

A password may be tried at most ``MAX_FAILURES`` times per ``WINDOW_SECONDS`` for one
(username, client address) pair. Further attempts are refused without checking the
password at all, with a Chinese message and HTTP 429, until the window that began with
the first failure has passed; a successful login clears the count. Counters live in the
default cache, so every application process must share one cache (Redis through
``CACHE_URL`` in production; the local-memory default counts per process).
"""

from __future__ import annotations

import hashlib
import logging
import math
import time
from collections.abc import Callable
from dataclasses import dataclass
from functools import wraps

from django.contrib import messages
from django.core.cache import cache
from django.http import HttpRequest, HttpResponse
from django.utils.translation import gettext as _

from disclosure.client_address import client_address

logger = logging.getLogger(__name__)

MAX_FAILURES = 5
WINDOW_SECONDS = 15 * 60
CACHE_PREFIX = "login-failures"


@dataclass(frozen=True, slots=True)
class LoginAttempt:
    """Who tries to log in, and from where."""

    username: str
    address: str

    @property
    def cache_key(self) -> str:
        # Usernames are free text: a digest keeps the key short and cache-safe, and
        # case-folding keeps "Clerk" and "clerk" on the same counter.
        identity = f"{self.username.strip().casefold()}\n{self.address}"
        digest = hashlib.sha256(identity.encode()).hexdigest()
        return f"{CACHE_PREFIX}:{digest}"


@dataclass(frozen=True, slots=True)
class LoginLock:
    """The pair is locked out: ``retry_after`` seconds until the window ends."""

    failures: int
    retry_after: int


def login_lock_get(
    *, attempt: LoginAttempt, now: float | None = None
) -> LoginLock | None:
    """The lock on this pair, or None while it may still try."""
    now = time.time() if now is None else now
    state = cache.get(attempt.cache_key)
    if not state or state["failures"] < MAX_FAILURES:
        return None
    if state["window_ends_at"] <= now:
        # Caches expire keys to the second at best; the window itself is exact.
        return None
    remaining = max(1, math.ceil(state["window_ends_at"] - now))
    return LoginLock(failures=state["failures"], retry_after=remaining)


def login_failure_record(*, attempt: LoginAttempt, now: float | None = None) -> int:
    """Count one failed login; returns the failures in the current window."""
    now = time.time() if now is None else now
    state = cache.get(attempt.cache_key)
    if not state or state["window_ends_at"] <= now:
        state = {"failures": 0, "window_ends_at": now + WINDOW_SECONDS}
    state["failures"] += 1
    # The window is fixed at the first failure: later failures do not extend it.
    timeout = max(1, math.ceil(state["window_ends_at"] - now))
    cache.set(attempt.cache_key, state, timeout)
    return state["failures"]


def login_failures_clear(*, attempt: LoginAttempt) -> None:
    """A successful login forgets the pair's failures."""
    cache.delete(attempt.cache_key)


def locked_message(lock: LoginLock) -> str:
    minutes = max(1, math.ceil(lock.retry_after / 60))
    return _(
        "登录失败次数过多：该用户名在本地址 %(window)d 分钟内已连续失败 %(failures)d 次，"
        "登录已暂停。请在 %(minutes)d 分钟后重试，或联系系统管理员重置密码。"
    ) % {
        "window": WINDOW_SECONDS // 60,
        "failures": lock.failures,
        "minutes": minutes,
    }


def throttled_login(
    login_view: Callable[..., HttpResponse],
) -> Callable[..., HttpResponse]:
    """Wrap a login view (the admin's): a locked-out (username, address) gets the login
    page again with the reason, HTTP 429 and ``Retry-After``, and the password is never
    checked; otherwise the view runs and its result is counted."""

    @wraps(login_view)
    def view(request: HttpRequest, *args: object, **kwargs: object) -> HttpResponse:
        if request.method != "POST":
            return login_view(request, *args, **kwargs)
        attempt = LoginAttempt(
            username=request.POST.get("username", ""),
            address=client_address(request),
        )
        lock = login_lock_get(attempt=attempt)
        if lock is not None:
            logger.warning(
                "Login refused: %d failures for this username from %s",
                lock.failures,
                attempt.address,
            )
            messages.error(request, locked_message(lock))
            # Render the empty form, as for a first visit: no credentials are checked.
            request.method = "GET"
            response = login_view(request, *args, **kwargs)
            if response.status_code == 200:
                response.status_code = 429
                response["Retry-After"] = str(lock.retry_after)
            return response
        response = login_view(request, *args, **kwargs)
        # The admin redirects after a successful login and re-renders the form (200)
        # after a failed one, including a correct password of a non-staff account.
        if response.status_code in (301, 302) and request.user.is_authenticated:
            login_failures_clear(attempt=attempt)
        else:
            login_failure_record(attempt=attempt)
        return response

    return view
