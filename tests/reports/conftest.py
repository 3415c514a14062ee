"""Fixtures of the report tests."""

from __future__ import annotations

import pytest

from tests.factories import make_agency


@pytest.fixture
def child_agency(agency):
    """An agency below XCCG, for roll-ups over more than one level."""
    return make_agency(
        "XCCG1", name="西城区城市管理监督指挥中心一分中心", parent=agency
    )
