"""Shared fixtures: agencies in a small tree, staff of each role, API clients."""

from __future__ import annotations

import os

import pytest
from django.conf import settings
from django.utils import translation
from rest_framework.test import APIClient

from tests.factories import make_agency, make_staff

ON_POSTGRES = os.environ.get("DATABASE_URL", "").startswith(("postgres", "pgsql"))


@pytest.fixture(autouse=True)
def private_files(tmp_path_factory, settings):
    """Letters and attachments written by a test go to a scratch folder."""
    settings.MEDIA_ROOT = tmp_path_factory.mktemp("private")
    return settings.MEDIA_ROOT


@pytest.fixture(autouse=True)
def default_language():
    """LocaleMiddleware leaves the last request's language active in the thread."""
    yield
    translation.activate(settings.LANGUAGE_CODE)


@pytest.fixture
def district(db):
    return make_agency("XC", name="北京市西城区人民政府")


@pytest.fixture
def agency(district):
    return make_agency(
        "XCCG",
        name="北京市西城区城市管理监督指挥中心",
        parent=district,
        letter_prefix="西城城指公开",
    )


@pytest.fixture
def other_agency(district):
    return make_agency("XCJW", name="北京市西城区教育委员会", parent=district)


@pytest.fixture
def clerk(agency):
    return make_staff(agency, "clerk", username="clerk")


@pytest.fixture
def other_clerk(other_agency):
    return make_staff(other_agency, "clerk", username="other_clerk")


@pytest.fixture
def supervisor(district):
    return make_staff(district, "supervisor", username="supervisor")


@pytest.fixture
def api_client():
    return APIClient()


@pytest.fixture
def clerk_client(clerk):
    client = APIClient()
    client.force_authenticate(clerk)
    return client


def pytest_collection_modifyitems(config, items):
    skip_pg = pytest.mark.skip(
        reason="needs PostgreSQL: set DATABASE_URL=postgres://… (triggers, row locks)"
    )
    for item in items:
        if "postgres" in item.keywords and not ON_POSTGRES:
            item.add_marker(skip_pg)
