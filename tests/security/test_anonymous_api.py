"""Every staff endpoint of ``/api/v1/`` answers an anonymous caller alike: 401 with
``WWW-Authenticate: Token`` (never 403, which would tell a client that retrying with a
token is pointless), and writes nothing."""

from __future__ import annotations

import re

import pytest
from rest_framework.test import APIClient

from requests_app import api_urls, catalogue_api_urls
from requests_app.models import Appeal, DisclosureRequest

PUBLIC_PREFIXES = ("public/", "auth/")


def staff_paths() -> list[str]:
    """Each staff route with its ids filled in (the check runs before any lookup)."""
    routes = [
        str(pattern.pattern)
        for module in (api_urls, catalogue_api_urls)
        for pattern in module.urlpatterns
    ]
    return [
        "/api/v1/" + re.sub(r"<int:\w+>", "1", route)
        for route in routes
        if not route.startswith(PUBLIC_PREFIXES)
    ]


def test_the_staff_routes_include_the_catalogue():
    paths = staff_paths()

    assert {
        "/api/v1/requests/",
        "/api/v1/requests/1/reply/",
        "/api/v1/publications/",
        "/api/v1/publications/1/",
        "/api/v1/appeals/",
        "/api/v1/appeals/1/",
    } <= set(paths)


@pytest.mark.django_db
@pytest.mark.parametrize("path", staff_paths())
@pytest.mark.parametrize("method", ["get", "post", "patch"])
def test_anonymous_gets_401_with_token_challenge(path, method):
    response = getattr(APIClient(), method)(path, {}, format="json")

    assert (response.status_code, response["WWW-Authenticate"]) == (401, "Token")
    assert (DisclosureRequest.objects.count(), Appeal.objects.count()) == (0, 0)
