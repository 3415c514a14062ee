"""Template helpers of the public pages: dates in the reader's language.

Usage: ``{% load gongkai %}`` then ``{{ case.due_on|cn_date }}``.
"""

from __future__ import annotations

from datetime import date, datetime

from django import template
from django.utils import dateformat, timezone, translation

register = template.Library()

_WEEKDAYS_ZH = ("一", "二", "三", "四", "五", "六", "日")


def _as_date(value: object) -> date | None:
    """A date from a date, an aware datetime (in local time) or an ISO string."""
    if value in (None, ""):
        return None
    if isinstance(value, datetime):
        return (
            timezone.localtime(value).date()
            if timezone.is_aware(value)
            else value.date()
        )
    if isinstance(value, date):
        return value
    if isinstance(value, str):
        try:
            return date.fromisoformat(value[:10])
        except ValueError:
            return None
    return None


def _is_chinese() -> bool:
    return (translation.get_language() or "zh-hans").lower().startswith("zh")


@register.filter
def cn_date(value: object) -> str:
    """2025年10月30日 in Chinese, "Oct. 30, 2025" in English; empty for no date."""
    day = _as_date(value)
    if day is None:
        return ""
    if _is_chinese():
        return f"{day.year}年{day.month}月{day.day}日"
    return dateformat.format(day, "N j, Y")


@register.filter
def cn_weekday(value: object) -> str:
    """星期四 in Chinese, "Thursday" in English."""
    day = _as_date(value)
    if day is None:
        return ""
    if _is_chinese():
        return f"星期{_WEEKDAYS_ZH[day.weekday()]}"
    return dateformat.format(day, "l")


@register.filter
def iso_date(value: object) -> str:
    """2025-10-30, for ``<time datetime>`` attributes."""
    day = _as_date(value)
    return day.isoformat() if day else ""
