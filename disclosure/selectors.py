"""Read functions of the shared core."""

from __future__ import annotations

from collections.abc import Iterable

from django.db.models import Count, Max

from disclosure.calendars import DayKind, SpecialDay, WorkingDayCalendar
from disclosure.models import Agency, CalendarDay, CalendarYear

_calendar_cache: dict[str, tuple[tuple, WorkingDayCalendar]] = {}


def _calendar_version() -> tuple:
    """Every change of the calendar goes through a CalendarYear save, so the years' count
    and latest update identify a version of the whole calendar (one small query)."""
    version = CalendarYear.objects.aggregate(
        count=Count("year"), latest=Max("updated_at")
    )
    return (version["count"], version["latest"])


def calendar_get() -> WorkingDayCalendar:
    """The official working-day calendar as a pure value object. Built once per process
    and version of the calendar; rebuilding costs a few milliseconds."""
    version = _calendar_version()
    cached = _calendar_cache.get("calendar")
    if cached is not None and cached[0] == version:
        return cached[1]
    rows = CalendarDay.objects.values_list("day", "kind", "name")
    special_days = [SpecialDay(day, DayKind(kind), name) for day, kind, name in rows]
    official_years = CalendarYear.objects.filter(official=True).values_list(
        "year", flat=True
    )
    calendar = WorkingDayCalendar.build(special_days, official_years)
    _calendar_cache["calendar"] = (version, calendar)
    return calendar


def calendar_year_statuses() -> list[CalendarYear]:
    return list(CalendarYear.objects.order_by("year"))


def agency_get_by_code(code: str) -> Agency:
    return Agency.objects.get(code=code)


def agency_subtree(agency: Agency) -> list[Agency]:
    """The agency and all agencies below it, parents before children."""
    return list(Agency.objects.filter(path__startswith=agency.path).order_by("path"))


def agencies_by_code(codes: Iterable[str]) -> dict[str, Agency]:
    return {a.code: a for a in Agency.objects.filter(code__in=set(codes))}
