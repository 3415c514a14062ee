"""Seed the official calendar: 2004–2026 from chinesecalendar (official), and the
statutory holiday dates of 2027–2030 (provisional until their notices are loaded)."""

from django.db import migrations


def seed(apps, schema_editor):
    from disclosure.calendar_seed import (
        official_notice_for_year,
        official_special_days,
        statutory_holidays,
    )

    CalendarDay = apps.get_model("disclosure", "CalendarDay")
    CalendarYear = apps.get_model("disclosure", "CalendarYear")
    if CalendarYear.objects.exists():
        return
    CalendarDay.objects.bulk_create(
        CalendarDay(
            day=day.day,
            kind=str(day.kind),
            name=day.name,
            notice=official_notice_for_year(day.day.year),
        )
        for day in official_special_days(2004, 2026)
    )
    CalendarYear.objects.bulk_create(
        CalendarYear(year=year, official=True, notice=official_notice_for_year(year))
        for year in range(2004, 2027)
    )
    for year in range(2027, 2031):
        CalendarDay.objects.bulk_create(
            CalendarDay(
                day=day.day,
                kind="holiday",
                name=day.name,
                notice="法定节假日（暂定，待国务院通知）",
            )
            for day in statutory_holidays(year)
        )
        CalendarYear.objects.create(year=year, official=False, notice="")


def unseed(apps, schema_editor):
    apps.get_model("disclosure", "CalendarDay").objects.all().delete()
    apps.get_model("disclosure", "CalendarYear").objects.all().delete()


class Migration(migrations.Migration):
    dependencies = [("disclosure", "0001_initial")]

    operations = [migrations.RunPython(seed, unseed)]
