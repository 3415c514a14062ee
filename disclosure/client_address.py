"""The address a request came from, for everything keyed by it (the API's rate limits,
the citizen pages' limits, the staff login throttle).

``X-Forwarded-For`` counts only when ``REST_FRAMEWORK["NUM_PROXIES"]`` (the environment's
``DJANGO_NUM_PROXIES``) says how many trusted proxies sit in front of the application;
otherwise any client could name a new address per request and never be limited. With
``n`` proxies the client is the ``n``-th hop from the right, the right-most one no
trusted proxy wrote (the rule of DRF's ``BaseThrottle.get_ident``): entries further left
were supplied by the client and prove nothing.
"""

from __future__ import annotations

from django.http import HttpRequest
from rest_framework.settings import api_settings


def client_address(request: HttpRequest) -> str:
    """The client's address: ``REMOTE_ADDR`` without trusted proxies (or without the
    header), else the right-most untrusted ``X-Forwarded-For`` hop."""
    remote = request.META.get("REMOTE_ADDR", "")
    proxies = api_settings.NUM_PROXIES
    forwarded = [
        part.strip()
        for part in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",")
        if part.strip()
    ]
    if not proxies or not forwarded:
        return remote
    return forwarded[-min(proxies, len(forwarded))]
