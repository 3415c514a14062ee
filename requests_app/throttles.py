"""Rate limits of the API, per client address.

The public form and the tracking page need no login, and the token endpoint is where
passwords are guessed, so all three are limited by the address the request came from,
whoever is logged in. Counters live in the default cache (locmem in development and
tests, Redis in production).
"""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _
from rest_framework.exceptions import Throttled
from rest_framework.settings import api_settings
from rest_framework.throttling import SimpleRateThrottle

from disclosure.client_address import client_address

# Used when settings give no rate for a scope, so a missing setting never lifts the limit.
DEFAULT_RATES = {
    "public_submit": "20/hour",
    "public_track": "120/hour",
    "token": "30/minute",
}


class RateLimited(Throttled):
    """429 with a Chinese message and the wait in seconds (also in ``Retry-After``)."""

    default_detail = _("请求过于频繁，请稍后再试。")
    extra_detail_singular = _("请在 {wait} 秒后重试。")
    extra_detail_plural = _("请在 {wait} 秒后重试。")


class RateLimitedMixin:
    """For views: answer a throttled request with :class:`RateLimited`."""

    def throttled(self, request, wait):
        raise RateLimited(wait=wait)


class ClientAddressThrottle(SimpleRateThrottle):
    """One counter per (scope, client address).

    The address is :func:`disclosure.client_address.client_address`, the same as the
    staff login throttle's: ``X-Forwarded-For`` is trusted only as far as
    ``REST_FRAMEWORK["NUM_PROXIES"]`` (``DJANGO_NUM_PROXIES``) says. Behind one reverse
    proxy set ``DJANGO_NUM_PROXIES=1``, or every visitor shares the proxy's address.
    """

    def get_rate(self):
        # Read at call time, not at import (the DRF default), so settings overrides apply.
        rates = api_settings.DEFAULT_THROTTLE_RATES or {}
        return rates.get(self.scope) or DEFAULT_RATES[self.scope]

    def get_ident(self, request):
        return client_address(request)

    def get_cache_key(self, request, view):
        return self.cache_format % {
            "scope": self.scope,
            "ident": self.get_ident(request),
        }


class PublicSubmitThrottle(ClientAddressThrottle):
    """Online applications submitted from one address."""

    scope = "public_submit"


class PublicTrackThrottle(ClientAddressThrottle):
    """Look-ups of the public tracking view from one address (query codes are not
    guessable, but nobody should be able to try)."""

    scope = "public_track"


class TokenThrottle(ClientAddressThrottle):
    """Password attempts on the token endpoint from one address."""

    scope = "token"
