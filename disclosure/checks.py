"""System checks of the shared core (registered in ``DisclosureConfig.ready``)."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from django.apps import AppConfig
from django.core.checks import CheckMessage, Warning
from django.db import DatabaseError
from django.utils import timezone

from disclosure.models import CalendarYear

# From this month on, next year's holiday schedule should be loaded (contract §3); the
# State Council usually publishes it in late October or November.
WARNING_FROM_MONTH = 11


def next_year_calendar_check(
    app_configs: Sequence[AppConfig] | None = None, **kwargs: Any
) -> list[CheckMessage]:
    """disclosure.W001: from 1 November (local date), next year's CalendarYear is not
    official, so due dates reaching into it are provisional."""
    today = timezone.localdate()
    if today.month < WARNING_FROM_MONTH:
        return []
    next_year = today.year + 1
    try:
        official = CalendarYear.objects.filter(year=next_year, official=True).exists()
    except DatabaseError:
        # No database yet (before migrate, or not reachable): nothing to say here.
        return []
    if official:
        return []
    return [
        Warning(
            f"{next_year}年的节假日安排尚未按国务院办公厅通知录入（暂定日历）。",
            hint=(
                "通知发布后，请在管理后台“日历年份”录入，或运行 "
                f"`python manage.py calendar load FILE --notice 文号`；在此之前，跨入"
                f"{next_year}年的答复期限均标为暂定。"
            ),
            obj=f"CalendarYear {next_year}",
            id="disclosure.W001",
        )
    ]
