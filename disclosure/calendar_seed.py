"""Sources for the rows of the official calendar table (contract §3).

Two sources, both returning :class:`~disclosure.calendars.SpecialDay` rows:

* :func:`official_special_days`: the State Council notices for 2004–2026, as shipped
  by ``chinesecalendar`` (import name ``chinese_calendar``);
* :func:`statutory_holidays`: for a provisional year whose notice is not out yet, the
  statutory festival days of 《全国年节及纪念日放假办法》 (Art. 2 of its successive
  versions) with no 调休, as contract §3 prescribes.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date, timedelta

import chinese_calendar
from chinese_calendar import Holiday

from disclosure.calendars import DayKind, SpecialDay, WorkingDayCalendar

OFFICIAL_FIRST_YEAR = 2004
OFFICIAL_LAST_YEAR = 2026

HOLIDAY_NAMES: dict[Holiday, str] = {
    Holiday.new_years_day: "元旦",
    Holiday.spring_festival: "春节",
    Holiday.tomb_sweeping_day: "清明节",
    Holiday.labour_day: "劳动节",
    Holiday.dragon_boat_festival: "端午节",
    Holiday.mid_autumn_festival: "中秋节",
    Holiday.national_day: "国庆节",
    Holiday.anti_fascist_70th_day: "抗战胜利70周年纪念日",
}

# Document numbers confirmed in ogi-rules §5.2; other years are cited by title only.
_NOTICE_NUMBERS: dict[int, str] = {
    2017: "国办发明电〔2016〕17号",
    2025: "国办发明电〔2024〕12号",
}

# Gregorian dates of 正月初一, 五月初五 and 八月十五 (春节, 端午, 中秋), cross-checked
# against two independent lunar-calendar libraries (lunardate 0.3.0, zhdate 0.1).
LUNAR_FESTIVALS: dict[int, tuple[date, date, date]] = {
    2004: (date(2004, 1, 22), date(2004, 6, 22), date(2004, 9, 28)),
    2005: (date(2005, 2, 9), date(2005, 6, 11), date(2005, 9, 18)),
    2006: (date(2006, 1, 29), date(2006, 5, 31), date(2006, 10, 6)),
    2007: (date(2007, 2, 18), date(2007, 6, 19), date(2007, 9, 25)),
    2008: (date(2008, 2, 7), date(2008, 6, 8), date(2008, 9, 14)),
    2009: (date(2009, 1, 26), date(2009, 5, 28), date(2009, 10, 3)),
    2010: (date(2010, 2, 14), date(2010, 6, 16), date(2010, 9, 22)),
    2011: (date(2011, 2, 3), date(2011, 6, 6), date(2011, 9, 12)),
    2012: (date(2012, 1, 23), date(2012, 6, 23), date(2012, 9, 30)),
    2013: (date(2013, 2, 10), date(2013, 6, 12), date(2013, 9, 19)),
    2014: (date(2014, 1, 31), date(2014, 6, 2), date(2014, 9, 8)),
    2015: (date(2015, 2, 19), date(2015, 6, 20), date(2015, 9, 27)),
    2016: (date(2016, 2, 8), date(2016, 6, 9), date(2016, 9, 15)),
    2017: (date(2017, 1, 28), date(2017, 5, 30), date(2017, 10, 4)),
    2018: (date(2018, 2, 16), date(2018, 6, 18), date(2018, 9, 24)),
    2019: (date(2019, 2, 5), date(2019, 6, 7), date(2019, 9, 13)),
    2020: (date(2020, 1, 25), date(2020, 6, 25), date(2020, 10, 1)),
    2021: (date(2021, 2, 12), date(2021, 6, 14), date(2021, 9, 21)),
    2022: (date(2022, 2, 1), date(2022, 6, 3), date(2022, 9, 10)),
    2023: (date(2023, 1, 22), date(2023, 6, 22), date(2023, 9, 29)),
    2024: (date(2024, 2, 10), date(2024, 6, 10), date(2024, 9, 17)),
    2025: (date(2025, 1, 29), date(2025, 5, 31), date(2025, 10, 6)),
    2026: (date(2026, 2, 17), date(2026, 6, 19), date(2026, 9, 25)),
    2027: (date(2027, 2, 6), date(2027, 6, 9), date(2027, 9, 15)),
    2028: (date(2028, 1, 26), date(2028, 5, 28), date(2028, 10, 3)),
    2029: (date(2029, 2, 13), date(2029, 6, 16), date(2029, 9, 22)),
    2030: (date(2030, 2, 3), date(2030, 6, 5), date(2030, 9, 12)),
    2031: (date(2031, 1, 23), date(2031, 6, 24), date(2031, 10, 1)),
    2032: (date(2032, 2, 11), date(2032, 6, 12), date(2032, 9, 19)),
    2033: (date(2033, 1, 31), date(2033, 6, 1), date(2033, 9, 8)),
    2034: (date(2034, 2, 19), date(2034, 6, 20), date(2034, 9, 27)),
    2035: (date(2035, 2, 8), date(2035, 6, 10), date(2035, 9, 16)),
    2036: (date(2036, 1, 28), date(2036, 5, 30), date(2036, 10, 4)),
    2037: (date(2037, 2, 15), date(2037, 6, 18), date(2037, 9, 24)),
    2038: (date(2038, 2, 4), date(2038, 6, 7), date(2038, 9, 13)),
    2039: (date(2039, 1, 24), date(2039, 5, 27), date(2039, 10, 2)),
    2040: (date(2040, 2, 12), date(2040, 6, 14), date(2040, 9, 20)),
}
STATUTORY_FIRST_YEAR = min(LUNAR_FESTIVALS)
STATUTORY_LAST_YEAR = max(LUNAR_FESTIVALS)


def holiday_name(english: str) -> str:
    """Return the Chinese festival name for a ``chinese_calendar`` holiday value."""
    holiday = Holiday(english)
    return HOLIDAY_NAMES.get(holiday, holiday.chinese)


def official_special_days(
    first_year: int = OFFICIAL_FIRST_YEAR, last_year: int = OFFICIAL_LAST_YEAR
) -> list[SpecialDay]:
    """Return the official calendar rows of ``first_year``..``last_year``, by date.

    Every rest day that falls Monday to Friday is a HOLIDAY row (weekend rest days are
    implicit) and every 调休 make-up workday is a WORKDAY row. Raises ``ValueError`` for
    years that ``chinesecalendar`` does not cover.
    """
    if not OFFICIAL_FIRST_YEAR <= first_year <= last_year <= OFFICIAL_LAST_YEAR:
        msg = (
            f"official calendar data covers {OFFICIAL_FIRST_YEAR}–{OFFICIAL_LAST_YEAR}, "
            f"not {first_year}–{last_year}"
        )
        raise ValueError(msg)
    rows = [
        SpecialDay(day=day, kind=DayKind.HOLIDAY, name=holiday_name(english))
        for day, english in chinese_calendar.holidays.items()
        if first_year <= day.year <= last_year and day.weekday() < 5
    ]
    rows += [
        SpecialDay(day=day, kind=DayKind.WORKDAY, name=holiday_name(english))
        for day, english in chinese_calendar.workdays.items()
        if first_year <= day.year <= last_year
    ]
    return sorted(rows, key=lambda row: row.day)


def official_notice_for_year(year: int) -> str:
    """Return the citation of the State Council notice that fixes ``year``'s calendar."""
    title = f"国务院办公厅关于{year}年部分节假日安排的通知"
    number = _NOTICE_NUMBERS.get(year)
    return f"{title}（{number}）" if number else title


def qingming(year: int) -> date:
    """Return the date of the 清明 solar term in ``year``."""
    terms = chinese_calendar.get_solar_terms(date(year, 4, 1), date(year, 4, 30))
    return next(day for day, name in terms if name == "清明")


def statutory_holiday_dates(year: int) -> list[tuple[date, str]]:
    """Return every statutory festival day of ``year`` with its name, weekends included.

    The festival days follow the version of 《全国年节及纪念日放假办法》 in force:
    1999 (国务院令第270号) until 2007, 2007 (第513号) from 2008, 2013 (第644号) from
    2014 and 2024 (第795号) from 2025. Raises ``ValueError`` outside 2004–2040, where
    the lunar table ends.
    """
    if year not in LUNAR_FESTIVALS:
        msg = (
            f"statutory holidays are known for {STATUTORY_FIRST_YEAR}–"
            f"{STATUTORY_LAST_YEAR} only, not {year}"
        )
        raise ValueError(msg)
    new_year, dragon_boat, mid_autumn = LUNAR_FESTIVALS[year]
    eve = new_year - timedelta(days=1)
    if year <= 2007:
        spring = [new_year + timedelta(days=offset) for offset in range(3)]
        labour = [date(year, 5, day) for day in (1, 2, 3)]
    elif year <= 2013:
        spring = [eve, new_year, new_year + timedelta(days=1)]
        labour = [date(year, 5, 1)]
    elif year <= 2024:
        spring = [new_year + timedelta(days=offset) for offset in range(3)]
        labour = [date(year, 5, 1)]
    else:
        spring = [eve] + [new_year + timedelta(days=offset) for offset in range(3)]
        labour = [date(year, 5, 1), date(year, 5, 2)]
    days: list[tuple[date, str]] = [(date(year, 1, 1), "元旦")]
    days += [(day, "春节") for day in spring]
    if year >= 2008:
        days.append((qingming(year), "清明节"))
    days += [(day, "劳动节") for day in labour]
    if year >= 2008:
        days += [(dragon_boat, "端午节"), (mid_autumn, "中秋节")]
    days += [(date(year, 10, day), "国庆节") for day in (1, 2, 3)]
    return days


def statutory_holidays(year: int) -> list[SpecialDay]:
    """Return the HOLIDAY rows of a provisional ``year``: statutory days on Mon–Fri.

    No 调休 is guessed, as contract §3 requires; weekend festival days are left out
    because weekends are not working days anyway. A date that is two festivals at once
    (中秋节 on 1 October) gives one row with both names. Raises ``ValueError`` outside
    2004–2040.
    """
    names: dict[date, list[str]] = {}
    for day, name in statutory_holiday_dates(year):
        names.setdefault(day, []).append(name)
    return [
        SpecialDay(day=day, kind=DayKind.HOLIDAY, name="、".join(festivals))
        for day, festivals in sorted(names.items())
        if day.weekday() < 5
    ]


def seed_calendar(*, provisional_years: Iterable[int] = ()) -> WorkingDayCalendar:
    """Return the calendar of the seeded official years plus provisional years.

    This is what the database holds right after seeding; tests and the benchmark use it
    in place of the table. Raises ``ValueError`` for a provisional year that is official.
    """
    extra = sorted(set(provisional_years))
    overlap = [
        year for year in extra if OFFICIAL_FIRST_YEAR <= year <= OFFICIAL_LAST_YEAR
    ]
    if overlap:
        msg = f"years {overlap} are official, not provisional"
        raise ValueError(msg)
    rows = official_special_days()
    for year in extra:
        rows += statutory_holidays(year)
    official = range(OFFICIAL_FIRST_YEAR, OFFICIAL_LAST_YEAR + 1)
    return WorkingDayCalendar.build(rows, official)
