"""The working-day calendar and its seed data, checked with real dates."""

from __future__ import annotations

from datetime import date, datetime, timedelta

import chinese_calendar
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from disclosure.calendar_seed import (
    LUNAR_FESTIVALS,
    OFFICIAL_FIRST_YEAR,
    OFFICIAL_LAST_YEAR,
    official_notice_for_year,
    official_special_days,
    qingming,
    seed_calendar,
    statutory_holiday_dates,
    statutory_holidays,
)
from disclosure.calendars import (
    DayKind,
    SpecialDay,
    WorkingDayCalendar,
    naive_add_workdays,
)

seeded_dates = st.dates(min_value=date(2004, 1, 1), max_value=date(2026, 12, 31))
any_dates = st.dates(min_value=date(1990, 1, 1), max_value=date(2045, 12, 31))
counts = st.integers(min_value=1, max_value=60)


@pytest.fixture(scope="module")
def calendar() -> WorkingDayCalendar:
    return seed_calendar(provisional_years=(2027,))


# --- working days -------------------------------------------------------------------


@pytest.mark.parametrize(
    ("day", "expected"),
    [
        pytest.param(date(2025, 9, 28), True, id="2025-09-28_sunday_makeup"),
        pytest.param(date(2025, 10, 11), True, id="2025-10-11_saturday_makeup"),
        pytest.param(date(2025, 10, 1), False, id="2025-10-01_national_day"),
        pytest.param(date(2025, 10, 6), False, id="2025-10-06_mid_autumn"),
        pytest.param(date(2025, 10, 8), False, id="2025-10-08_last_rest_day"),
        pytest.param(date(2025, 10, 9), True, id="2025-10-09_back_to_work"),
        pytest.param(date(2025, 10, 18), False, id="2025-10-18_plain_saturday"),
        pytest.param(date(2025, 1, 26), True, id="2025-01-26_spring_makeup_sunday"),
        pytest.param(date(2025, 1, 28), False, id="2025-01-28_chuxi"),
        pytest.param(date(2025, 2, 4), False, id="2025-02-04_last_spring_day"),
        pytest.param(date(2025, 2, 8), True, id="2025-02-08_spring_makeup_saturday"),
        pytest.param(date(2025, 4, 27), True, id="2025-04-27_labour_makeup_sunday"),
        pytest.param(date(2025, 5, 5), False, id="2025-05-05_labour_day"),
        pytest.param(date(2024, 2, 4), True, id="2024-02-04_spring_makeup_sunday"),
        pytest.param(date(2024, 2, 9), True, id="2024-02-09_chuxi_worked_in_2024"),
        pytest.param(date(2024, 2, 16), False, id="2024-02-16_spring_festival"),
        pytest.param(date(2024, 2, 18), True, id="2024-02-18_spring_makeup_sunday"),
        pytest.param(date(2026, 2, 14), True, id="2026-02-14_spring_makeup_saturday"),
        pytest.param(date(2026, 2, 23), False, id="2026-02-23_ninth_spring_day"),
        pytest.param(date(2026, 2, 24), True, id="2026-02-24_back_to_work"),
        pytest.param(date(2026, 2, 28), True, id="2026-02-28_spring_makeup_saturday"),
        pytest.param(date(2026, 1, 2), False, id="2026-01-02_new_year"),
        pytest.param(date(2026, 1, 4), True, id="2026-01-04_new_year_makeup_sunday"),
        pytest.param(date(2015, 9, 3), False, id="2015-09-03_victory_day"),
        pytest.param(date(2015, 9, 6), True, id="2015-09-06_victory_makeup_sunday"),
        pytest.param(date(2027, 2, 5), False, id="2027-02-05_provisional_chuxi"),
        pytest.param(date(2027, 2, 8), False, id="2027-02-08_provisional_third_day"),
        pytest.param(date(2027, 2, 9), True, id="2027-02-09_provisional_no_tiaoxiu"),
        pytest.param(date(2027, 10, 4), True, id="2027-10-04_provisional_no_tiaoxiu"),
        pytest.param(date(2030, 1, 1), True, id="2030-01-01_no_rows_at_all"),
    ],
)
def test_is_workday(calendar: WorkingDayCalendar, day: date, expected: bool) -> None:
    assert calendar.is_workday(day) is expected


def test_is_workday_agrees_with_chinese_calendar_2004_to_2026(
    calendar: WorkingDayCalendar,
) -> None:
    day = date(2004, 1, 1)
    disagreements = []
    while day <= date(2026, 12, 31):
        if calendar.is_workday(day) != chinese_calendar.is_workday(day):
            disagreements.append(day)
        day += timedelta(days=1)
    assert disagreements == []


@pytest.mark.parametrize(("year", "expected"), [(2024, 251), (2025, 248), (2026, 248)])
def test_working_days_per_year(
    calendar: WorkingDayCalendar, year: int, expected: int
) -> None:
    last_of_previous = date(year - 1, 12, 31)
    assert calendar.workdays_between(last_of_previous, date(year, 12, 31)) == expected


# --- WD(d, n) -----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("day", "n", "expected"),
    [
        pytest.param(date(2025, 9, 26), 20, date(2025, 10, 30), id="contract_2025"),
        pytest.param(date(2026, 9, 25), 20, date(2026, 10, 29), id="contract_2026"),
        pytest.param(date(2017, 9, 26), 15, date(2017, 10, 23), id="contract_2017"),
        pytest.param(date(2026, 12, 18), 20, date(2027, 1, 18), id="into_2027"),
        pytest.param(date(2025, 9, 26), 1, date(2025, 9, 28), id="to_makeup_sunday"),
        pytest.param(date(2025, 9, 30), 1, date(2025, 10, 9), id="over_golden_week"),
        pytest.param(date(2025, 10, 10), 1, date(2025, 10, 11), id="to_makeup_sat"),
        pytest.param(date(2024, 2, 8), 1, date(2024, 2, 9), id="2024_chuxi_worked"),
        pytest.param(date(2024, 2, 9), 1, date(2024, 2, 18), id="2024_spring_makeup"),
        pytest.param(date(2024, 2, 7), 20, date(2024, 3, 12), id="2024_spring_20"),
        pytest.param(date(2025, 1, 24), 1, date(2025, 1, 26), id="2025_spring_makeup"),
        pytest.param(date(2025, 1, 27), 1, date(2025, 2, 5), id="2025_over_spring"),
        pytest.param(date(2025, 1, 20), 20, date(2025, 2, 21), id="2025_spring_20"),
        pytest.param(date(2025, 2, 7), 1, date(2025, 2, 8), id="2025_makeup_sat"),
        pytest.param(date(2026, 2, 13), 1, date(2026, 2, 14), id="2026_makeup_sat"),
        pytest.param(date(2026, 2, 13), 20, date(2026, 3, 19), id="2026_spring_20"),
        pytest.param(date(2026, 2, 10), 20, date(2026, 3, 16), id="2026_spring_20b"),
        pytest.param(date(2026, 2, 27), 1, date(2026, 2, 28), id="2026_makeup_sat2"),
        pytest.param(date(2025, 4, 25), 1, date(2025, 4, 27), id="labour_makeup"),
        pytest.param(date(2025, 4, 30), 1, date(2025, 5, 6), id="over_labour_day"),
        pytest.param(date(2025, 4, 20), 20, date(2025, 5, 20), id="labour_20"),
        pytest.param(date(2025, 12, 31), 1, date(2026, 1, 4), id="over_new_year"),
        pytest.param(date(2025, 12, 26), 20, date(2026, 1, 26), id="new_year_20"),
        pytest.param(date(2024, 9, 27), 20, date(2024, 10, 30), id="national_2024"),
        pytest.param(date(2023, 9, 27), 20, date(2023, 10, 31), id="mid_autumn_2023"),
        pytest.param(date(2020, 9, 30), 1, date(2020, 10, 9), id="mid_autumn_2020"),
        pytest.param(date(2015, 9, 2), 1, date(2015, 9, 6), id="victory_day_2015"),
        pytest.param(date(2025, 10, 4), 1, date(2025, 10, 9), id="from_holiday"),
    ],
)
def test_add_workdays(
    calendar: WorkingDayCalendar, day: date, n: int, expected: date
) -> None:
    assert calendar.add_workdays(day, n) == expected
    assert naive_add_workdays(calendar, day, n) == expected


def test_add_zero_workdays_returns_the_day(calendar: WorkingDayCalendar) -> None:
    assert calendar.add_workdays(date(2025, 10, 1), 0) == date(2025, 10, 1)


def test_add_negative_workdays_is_refused(calendar: WorkingDayCalendar) -> None:
    with pytest.raises(ValueError, match="n must be >= 0"):
        calendar.add_workdays(date(2025, 10, 1), -1)
    with pytest.raises(ValueError, match="n must be >= 0"):
        naive_add_workdays(calendar, date(2025, 10, 1), -1)


@pytest.mark.parametrize(
    ("start", "end", "expected"),
    [
        pytest.param(date(2025, 9, 26), date(2025, 10, 30), 20, id="contract_2025"),
        pytest.param(date(2025, 10, 30), date(2025, 9, 26), 0, id="reversed"),
        pytest.param(date(2025, 10, 30), date(2025, 10, 30), 0, id="same_day"),
        pytest.param(date(2025, 9, 30), date(2025, 10, 8), 0, id="golden_week"),
        pytest.param(date(2025, 9, 27), date(2025, 9, 28), 1, id="makeup_sunday"),
        pytest.param(date(2025, 10, 9), date(2025, 10, 15), 5, id="with_makeup_sat"),
        pytest.param(date(2026, 12, 18), date(2027, 1, 18), 20, id="into_2027"),
    ],
)
def test_workdays_between(
    calendar: WorkingDayCalendar, start: date, end: date, expected: int
) -> None:
    assert calendar.workdays_between(start, end) == expected


# --- official and provisional years --------------------------------------------------


def test_official_years(calendar: WorkingDayCalendar) -> None:
    assert calendar.is_official_year(2004)
    assert calendar.is_official_year(2026)
    assert not calendar.is_official_year(2003)
    assert not calendar.is_official_year(2027)


@pytest.mark.parametrize(
    ("start", "end", "expected"),
    [
        pytest.param(date(2025, 9, 26), date(2025, 10, 30), False, id="2025"),
        pytest.param(date(2025, 12, 26), date(2026, 1, 26), False, id="2025_2026"),
        pytest.param(date(2026, 12, 18), date(2027, 1, 18), True, id="into_2027"),
        pytest.param(date(2027, 3, 1), date(2027, 3, 30), True, id="within_2027"),
        pytest.param(date(2027, 1, 18), date(2026, 12, 18), True, id="reversed"),
        pytest.param(date(2003, 12, 20), date(2004, 1, 20), True, id="from_2003"),
    ],
)
def test_is_provisional_range(
    calendar: WorkingDayCalendar, start: date, end: date, expected: bool
) -> None:
    assert calendar.is_provisional_range(start, end) is expected


# --- building -----------------------------------------------------------------------


def test_build_refuses_a_date_that_is_both_kinds() -> None:
    rows = [
        SpecialDay(date(2025, 9, 28), DayKind.WORKDAY),
        SpecialDay(date(2025, 9, 28), DayKind.HOLIDAY),
    ]
    with pytest.raises(ValueError, match="2025-09-28 is both"):
        WorkingDayCalendar.build(rows, [2025])


def test_build_merges_duplicates_and_ignores_rows_that_change_nothing() -> None:
    rows = [
        SpecialDay(date(2025, 10, 1), DayKind.HOLIDAY, "国庆节"),
        SpecialDay(date(2025, 10, 1), DayKind.HOLIDAY, "国庆节"),
        SpecialDay(date(2025, 10, 4), DayKind.HOLIDAY, "国庆节"),  # a Saturday
        SpecialDay(date(2025, 10, 10), DayKind.WORKDAY, "国庆节"),  # a Friday
    ]
    calendar = WorkingDayCalendar.build(rows, [2025])
    assert len(calendar.special_days) == 3
    assert calendar.workdays_between(date(2025, 9, 30), date(2025, 10, 10)) == 7
    assert calendar == WorkingDayCalendar.build(reversed(rows), [2025])


def test_empty_calendar_counts_weekdays() -> None:
    calendar = WorkingDayCalendar.build([], [])
    assert calendar.add_workdays(date(2025, 10, 3), 1) == date(2025, 10, 6)
    assert calendar.add_workdays(date(2025, 10, 4), 5) == date(2025, 10, 10)
    assert calendar.workdays_between(date(2025, 1, 3), date(2025, 1, 10)) == 5
    assert calendar.is_provisional_range(date(2025, 1, 1), date(2025, 1, 2))


# --- seed data ----------------------------------------------------------------------


def test_official_rows_are_weekday_rest_days_and_weekend_workdays() -> None:
    rows = official_special_days()
    assert {row.day.year for row in rows} == set(range(2004, 2027))
    assert all(row.day.weekday() < 5 for row in rows if row.kind is DayKind.HOLIDAY)
    assert all(row.day.weekday() >= 5 for row in rows if row.kind is DayKind.WORKDAY)
    assert {row.name for row in rows} == {
        "元旦",
        "春节",
        "清明节",
        "劳动节",
        "端午节",
        "中秋节",
        "国庆节",
        "抗战胜利70周年纪念日",
    }


@pytest.mark.parametrize(
    "row",
    [
        SpecialDay(date(2025, 10, 6), DayKind.HOLIDAY, "中秋节"),
        SpecialDay(date(2025, 10, 8), DayKind.HOLIDAY, "国庆节"),
        SpecialDay(date(2025, 9, 28), DayKind.WORKDAY, "国庆节"),
        SpecialDay(date(2025, 10, 11), DayKind.WORKDAY, "国庆节"),
        SpecialDay(date(2025, 1, 28), DayKind.HOLIDAY, "春节"),
        SpecialDay(date(2026, 1, 4), DayKind.WORKDAY, "元旦"),
        SpecialDay(date(2024, 4, 4), DayKind.HOLIDAY, "清明节"),
        SpecialDay(date(2024, 6, 10), DayKind.HOLIDAY, "端午节"),
        SpecialDay(date(2015, 9, 3), DayKind.HOLIDAY, "抗战胜利70周年纪念日"),
    ],
    ids=str,
)
def test_official_rows_include(row: SpecialDay) -> None:
    assert row in official_special_days()


def test_official_rows_of_one_year() -> None:
    rows = official_special_days(2025, 2025)
    holidays = [row.day for row in rows if row.kind is DayKind.HOLIDAY]
    workdays = [row.day for row in rows if row.kind is DayKind.WORKDAY]
    assert workdays == [
        date(2025, 1, 26),
        date(2025, 2, 8),
        date(2025, 4, 27),
        date(2025, 9, 28),
        date(2025, 10, 11),
    ]
    assert len(holidays) == 18


@pytest.mark.parametrize(("first", "last"), [(2003, 2004), (2026, 2027), (2010, 2009)])
def test_official_rows_outside_the_data_are_refused(first: int, last: int) -> None:
    with pytest.raises(ValueError, match="covers 2004–2026"):
        official_special_days(first, last)


def test_official_notice_titles() -> None:
    assert (
        official_notice_for_year(2026) == "国务院办公厅关于2026年部分节假日安排的通知"
    )
    assert official_notice_for_year(2025) == (
        "国务院办公厅关于2025年部分节假日安排的通知（国办发明电〔2024〕12号）"
    )


def test_statutory_holidays_2027() -> None:
    assert statutory_holidays(2027) == [
        SpecialDay(date(2027, 1, 1), DayKind.HOLIDAY, "元旦"),
        SpecialDay(date(2027, 2, 5), DayKind.HOLIDAY, "春节"),
        SpecialDay(date(2027, 2, 8), DayKind.HOLIDAY, "春节"),
        SpecialDay(date(2027, 4, 5), DayKind.HOLIDAY, "清明节"),
        SpecialDay(date(2027, 6, 9), DayKind.HOLIDAY, "端午节"),
        SpecialDay(date(2027, 9, 15), DayKind.HOLIDAY, "中秋节"),
        SpecialDay(date(2027, 10, 1), DayKind.HOLIDAY, "国庆节"),
    ]


def test_statutory_festival_on_national_day_is_one_row() -> None:
    rows = [row for row in statutory_holidays(2020) if row.day == date(2020, 10, 1)]
    assert rows == [SpecialDay(date(2020, 10, 1), DayKind.HOLIDAY, "中秋节、国庆节")]


@pytest.mark.parametrize(
    ("year", "spring", "labour"),
    [
        pytest.param(
            2007,
            [date(2007, 2, 18), date(2007, 2, 19), date(2007, 2, 20)],
            [date(2007, 5, 1), date(2007, 5, 2), date(2007, 5, 3)],
            id="1999_version",
        ),
        pytest.param(
            2010,
            [date(2010, 2, 13), date(2010, 2, 14), date(2010, 2, 15)],
            [date(2010, 5, 1)],
            id="2007_version_with_chuxi",
        ),
        pytest.param(
            2024,
            [date(2024, 2, 10), date(2024, 2, 11), date(2024, 2, 12)],
            [date(2024, 5, 1)],
            id="2013_version",
        ),
        pytest.param(
            2030,
            [date(2030, 2, 2), date(2030, 2, 3), date(2030, 2, 4), date(2030, 2, 5)],
            [date(2030, 5, 1), date(2030, 5, 2)],
            id="2024_version",
        ),
    ],
)
def test_statutory_days_follow_the_version_in_force(
    year: int, spring: list[date], labour: list[date]
) -> None:
    days = statutory_holiday_dates(year)
    assert [day for day, name in days if name == "春节"] == spring
    assert [day for day, name in days if name == "劳动节"] == labour
    has_qingming = any(name == "清明节" for _, name in days)
    assert has_qingming is (year >= 2008)


@pytest.mark.parametrize("year", range(OFFICIAL_FIRST_YEAR, OFFICIAL_LAST_YEAR + 1))
def test_statutory_days_are_rest_days_in_the_official_calendar(year: int) -> None:
    working = [
        day
        for day, _ in statutory_holiday_dates(year)
        if chinese_calendar.is_workday(day)
    ]
    assert working == []


def _official_names_near(day: date) -> set[str]:
    nearby = (day + timedelta(days=offset) for offset in range(-3, 4))
    return {
        chinese_calendar.holidays[d] for d in nearby if d in chinese_calendar.holidays
    }


@pytest.mark.parametrize("year", range(2008, OFFICIAL_LAST_YEAR + 1))
def test_lunar_table_matches_the_official_festivals(year: int) -> None:
    new_year, dragon_boat, mid_autumn = LUNAR_FESTIVALS[year]
    assert "Spring Festival" in _official_names_near(new_year)
    assert "Dragon Boat Festival" in _official_names_near(dragon_boat)
    # In 2020 中秋 fell on 1 October and the package names the day National Day.
    assert _official_names_near(mid_autumn) & {"Mid-autumn Festival", "National Day"}


def test_qingming_dates() -> None:
    assert qingming(2024) == date(2024, 4, 4)
    assert qingming(2025) == date(2025, 4, 4)
    assert qingming(2027) == date(2027, 4, 5)


@pytest.mark.parametrize("year", [2003, 2041])
def test_statutory_holidays_outside_the_lunar_table_are_refused(year: int) -> None:
    with pytest.raises(ValueError, match="known for 2004–2040 only"):
        statutory_holidays(year)


def test_seed_calendar_refuses_an_official_year_as_provisional() -> None:
    with pytest.raises(ValueError, match=r"years \[2026\] are official"):
        seed_calendar(provisional_years=(2026, 2027))


# --- properties ---------------------------------------------------------------------


@settings(max_examples=200)
@given(day=any_dates, n=counts)
def test_result_is_a_working_day(
    calendar: WorkingDayCalendar, day: date, n: int
) -> None:
    assert calendar.is_workday(calendar.add_workdays(day, n))


@settings(max_examples=200)
@given(day=any_dates, a=st.integers(0, 60), b=st.integers(0, 60))
def test_adding_in_two_steps_is_adding_once(
    calendar: WorkingDayCalendar, day: date, a: int, b: int
) -> None:
    in_two_steps = calendar.add_workdays(calendar.add_workdays(day, a), b)
    assert in_two_steps == calendar.add_workdays(day, a + b)


@settings(max_examples=200)
@given(day=any_dates, n=st.integers(0, 300))
def test_fast_equals_naive(calendar: WorkingDayCalendar, day: date, n: int) -> None:
    assert calendar.add_workdays(day, n) == naive_add_workdays(calendar, day, n)


@settings(max_examples=200)
@given(day=any_dates, n=st.integers(0, 300))
def test_workdays_between_inverts_add_workdays(
    calendar: WorkingDayCalendar, day: date, n: int
) -> None:
    assert calendar.workdays_between(day, calendar.add_workdays(day, n)) == n


@settings(max_examples=200)
@given(start=seeded_dates, span=st.integers(-10, 120))
def test_workdays_between_counts_day_by_day(
    calendar: WorkingDayCalendar, start: date, span: int
) -> None:
    end = start + timedelta(days=span)
    expected = sum(
        calendar.is_workday(start + timedelta(days=offset))
        for offset in range(1, span + 1)
    )
    assert calendar.workdays_between(start, end) == expected


@settings(max_examples=200)
@given(day=seeded_dates, n=st.integers(0, 300))
def test_table_and_closed_form_agree(
    calendar: WorkingDayCalendar, day: date, n: int
) -> None:
    # add_workdays answers from a precomputed table inside the seeded years and
    # in closed form elsewhere; both must give the same dates.
    closed_form = calendar._add_workdays_closed_form(day, n)
    assert calendar.add_workdays(day, n) == closed_form


@pytest.mark.parametrize(
    "day",
    [
        pytest.param(date(1960, 1, 1), id="long_before_the_table"),
        pytest.param(date(1979, 6, 1), id="table_length_before_the_table"),
        pytest.param(date(2003, 12, 31), id="day_before_the_table"),
        pytest.param(date(2028, 12, 1), id="running_off_the_table_end"),
        pytest.param(date(2060, 1, 1), id="after_the_table"),
    ],
)
def test_dates_outside_the_table(calendar: WorkingDayCalendar, day: date) -> None:
    for n in (1, 5, 20, 60, 300):
        assert calendar.add_workdays(day, n) == naive_add_workdays(calendar, day, n)
        later = naive_add_workdays(calendar, day, n)
        assert calendar.workdays_between(day, later) == n


# --- the C lookup and the pure-Python function ----------------------------------------

try:
    from disclosure._workdays import WorkdayTable
except ImportError:  # pragma: no cover - make install builds it where gcc exists
    WorkdayTable = None

needs_c_lookup = pytest.mark.skipif(
    WorkdayTable is None,
    reason="disclosure/_workdays.c is not built here (no C compiler at make install)",
)


@needs_c_lookup
def test_the_calendar_uses_the_c_lookup_when_it_is_built(
    calendar: WorkingDayCalendar,
) -> None:
    assert isinstance(calendar.add_workdays, WorkdayTable)
    assert calendar.add_workdays.fallback is calendar._add_workdays_python
    # The real dates of the contract through the C path.
    assert calendar.add_workdays(date(2025, 9, 26), 20) == date(2025, 10, 30)
    assert calendar.add_workdays(date(2026, 9, 25), 20) == date(2026, 10, 29)


@settings(max_examples=300)
@given(day=any_dates, n=st.integers(0, 300))
def test_c_lookup_python_function_and_closed_form_agree(
    calendar: WorkingDayCalendar, day: date, n: int
) -> None:
    expected = calendar._add_workdays_closed_form(day, n)
    assert calendar._add_workdays_python(day, n) == expected
    assert calendar.add_workdays(day, n) == expected


@pytest.mark.parametrize(
    "add",
    [
        pytest.param(lambda calendar: calendar.add_workdays, id="fastest"),
        pytest.param(lambda calendar: calendar._add_workdays_python, id="python"),
    ],
)
def test_every_path_handles_odd_arguments_alike(
    calendar: WorkingDayCalendar, add
) -> None:
    add_workdays = add(calendar)
    # A datetime is a date: the same working day comes back, as a date.
    assert add_workdays(datetime(2025, 9, 26, 23, 59), 20) == date(2025, 10, 30)
    assert add_workdays(date(2025, 10, 1), 0) == date(2025, 10, 1)
    assert add_workdays(day=date(2025, 9, 26), n=20) == date(2025, 10, 30)
    assert add_workdays(date(2025, 9, 26), True) == date(2025, 9, 28)
    # At the table's edges and far outside it.
    assert add_workdays(date(2004, 1, 1), 1) == date(2004, 1, 2)
    assert add_workdays(date(2003, 12, 31), 1) == date(2004, 1, 2)
    assert add_workdays(date.min, 1) == date(1, 1, 2)
    assert add_workdays(date(9999, 12, 30), 1) == date(9999, 12, 31)
    with pytest.raises(ValueError, match="n must be >= 0, got -1"):
        add_workdays(date(2025, 10, 1), -1)
    with pytest.raises(ValueError, match="out of range"):
        add_workdays(date(9999, 12, 31), 1)
    with pytest.raises(TypeError):
        add_workdays(date(2025, 10, 1), 1.5)
    with pytest.raises(AttributeError):
        add_workdays("2025-10-01", 1)
    with pytest.raises(TypeError):
        add_workdays(date(2025, 10, 1))


@needs_c_lookup
def test_the_c_lookup_refuses_a_table_that_does_not_fit() -> None:
    working = (date.min, date(2025, 10, 9))
    with pytest.raises(ValueError, match=r"through\[1\] = 2 is not an index"):
        WorkdayTable(1, [0, 2], working, lambda day, n: day)
    with pytest.raises(TypeError, match=r"working\[1\] is not a date"):
        WorkdayTable(1, [0, 1], (date.min, "2025-10-09"), lambda day, n: day)
    with pytest.raises(TypeError, match="fallback must be callable"):
        WorkdayTable(1, [0, 1], working, None)


def test_a_calendar_without_rows_counts_plain_weekdays() -> None:
    empty = WorkingDayCalendar.build([], [])
    # 2025-10-01 is a Wednesday; with no rows the National Day week is worked.
    assert empty.add_workdays(date(2025, 10, 1), 3) == date(2025, 10, 6)
    assert empty.workdays_between(date(2025, 10, 1), date(2025, 10, 6)) == 3
