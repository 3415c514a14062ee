"""disclosure.W001: from 1 November (Beijing time), next year's calendar should be
official; the seeded 2027 is provisional."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
import time_machine
from django.core import checks

from disclosure.checks import next_year_calendar_check
from disclosure.models import CalendarYear

pytestmark = pytest.mark.django_db


def w001(messages: list[checks.CheckMessage]) -> list[checks.CheckMessage]:
    return [message for message in messages if message.id == "disclosure.W001"]


def test_warns_from_1_november_while_next_year_is_provisional():
    with time_machine.travel(datetime(2026, 11, 2, 1, 0, tzinfo=UTC), tick=False):
        messages = next_year_calendar_check()

    assert len(messages) == 1
    warning = messages[0]
    assert warning.level == checks.WARNING
    assert warning.id == "disclosure.W001"
    assert warning.msg == "2027年的节假日安排尚未按国务院办公厅通知录入（暂定日历）。"
    assert warning.obj == "CalendarYear 2027"


def test_registered_and_run_by_the_check_framework():
    with time_machine.travel(datetime(2026, 12, 31, 12, 0, tzinfo=UTC), tick=False):
        assert [m.id for m in w001(checks.run_checks())] == ["disclosure.W001"]


def test_silent_before_november():
    with time_machine.travel(datetime(2026, 10, 30, 12, 0, tzinfo=UTC), tick=False):
        assert next_year_calendar_check() == []


def test_1_november_is_counted_in_beijing_time():
    # 2026-10-31 16:30 UTC is already 1 November 00:30 in Asia/Shanghai.
    with time_machine.travel(datetime(2026, 10, 31, 16, 30, tzinfo=UTC), tick=False):
        assert len(next_year_calendar_check()) == 1
    with time_machine.travel(datetime(2026, 10, 31, 15, 30, tzinfo=UTC), tick=False):
        assert next_year_calendar_check() == []


def test_silent_once_next_year_is_official():
    CalendarYear.objects.filter(year=2027).update(
        official=True, notice="国办发明电〔2026〕X号"
    )

    with time_machine.travel(datetime(2026, 11, 2, 1, 0, tzinfo=UTC), tick=False):
        assert next_year_calendar_check() == []


def test_seeded_years_are_official_in_november_2025():
    with time_machine.travel(datetime(2025, 11, 3, 1, 0, tzinfo=UTC), tick=False):
        assert next_year_calendar_check() == []
