"""The official working-day calendar as a pure value object.

The periods of the Regulation on Open Government Information (国务院令第711号) are
counted in working days (工作日, Art. 33). A working day is Monday to Friday, unless the
official calendar makes it a rest day, plus the weekend days that the official calendar
turns into make-up working days (调休上班). The calendar rows come from the database (or
from ``calendar_seed`` in tests); this module never reads them itself.

Counting is closed-form: weekdays are counted arithmetically and the special dates are
found by bisection, so no operation walks the calendar day by day.
"""

from __future__ import annotations

from bisect import bisect_left, bisect_right
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import date, timedelta
from enum import StrEnum

try:  # the optional C lookup built by `make install` (setup.py); same answers
    from disclosure._workdays import WorkdayTable
except ImportError:  # pragma: no cover - no C compiler where this was installed
    WorkdayTable = None

_ONE_DAY = timedelta(days=1)
_TABLE_MAX_YEARS = 60

# date.toordinal() is 1 for 0001-01-01, a Monday, so (ordinal - 1) % 7 is the weekday
# and ordinal % 7 in 1..5 is Monday..Friday.


class DayKind(StrEnum):
    """What a special date of the official calendar is."""

    HOLIDAY = "holiday"
    """A rest day (a festival day or a 调休 rest day)."""
    WORKDAY = "workday"
    """A 调休 make-up working day, usually a Saturday or Sunday."""


@dataclass(frozen=True, slots=True)
class SpecialDay:
    """One row of the official calendar."""

    day: date
    kind: DayKind
    name: str = ""


def _weekdays_through(ordinal: int) -> int:
    """Return the number of Monday-to-Friday days with ordinals in ``[1, ordinal]``."""
    weeks, rest = divmod(ordinal, 7)
    return 5 * weeks + (rest if rest < 5 else 5)


@dataclass(frozen=True, slots=True)
class WorkingDayCalendar:
    """Working days of the official calendar, with the years whose notice is loaded.

    Build it with :meth:`build`. Only two kinds of rows change the plain Monday-to-Friday
    rule: a HOLIDAY on a weekday and a WORKDAY on a weekend; the other rows are kept
    (for their names) but change nothing. Rows of a provisional year are used like any
    other row; "provisional" is only reported, by :meth:`is_provisional_range`.
    """

    special_days: tuple[SpecialDay, ...]
    official_years: frozenset[int]
    _rest_days: frozenset[date] = field(init=False, repr=False, compare=False)
    _makeup_days: frozenset[date] = field(init=False, repr=False, compare=False)
    # Sorted ordinals of the effective special dates, behind a sentinel 0 so that a
    # bisection never lands before the first element.
    _specials: tuple[int, ...] = field(init=False, repr=False, compare=False)
    # _offsets[i]: make-up days minus weekday rest days among _specials[1..i].
    _offsets: tuple[int, ...] = field(init=False, repr=False, compare=False)
    # _counts[i]: working days with ordinals in [1, _specials[i]].
    _counts: tuple[int, ...] = field(init=False, repr=False, compare=False)
    # A dense table over the years that have rows gives O(1) answers where deadlines
    # actually fall. _through is indexed by date ordinal: for an ordinal in
    # [_table_start, _table_end) it is the number of working days from _table_start up
    # to and including that date; below _table_start it holds None. Indexing
    # by the ordinal itself saves a subtraction and a bounds test on every call, for
    # one shared pointer per day since year 1 (about 6 MB for a 2004 start).
    # _working[k] is the k-th working day of the table (_working[0] is a placeholder,
    # never returned).
    _table_start: int = field(init=False, repr=False, compare=False)
    _table_end: int = field(init=False, repr=False, compare=False)
    _through: list[int | None] = field(init=False, repr=False, compare=False)
    _working: tuple[date, ...] = field(init=False, repr=False, compare=False)
    # add_workdays(day, n) is a callable made for each calendar rather than a method:
    # the deadline engine and every sweep call it in bulk. It is the C table lookup
    # of disclosure/_workdays.c when that is built, else _add_workdays_python (a
    # closure: a bound method's extra call and attribute loads cost about a fifth of
    # a call); the C lookup hands anything outside its table to the closure.
    add_workdays: Callable[[date, int], date] = field(
        init=False, repr=False, compare=False
    )
    _add_workdays_python: Callable[[date, int], date] = field(
        init=False, repr=False, compare=False
    )

    def __post_init__(self) -> None:
        kinds: dict[date, DayKind] = {}
        for special in self.special_days:
            known = kinds.setdefault(special.day, special.kind)
            if known is not special.kind:
                msg = f"{special.day.isoformat()} is both a rest day and a working day"
                raise ValueError(msg)
        rest_days = frozenset(
            day
            for day, kind in kinds.items()
            if kind is DayKind.HOLIDAY and day.weekday() < 5
        )
        makeup_days = frozenset(
            day
            for day, kind in kinds.items()
            if kind is DayKind.WORKDAY and day.weekday() >= 5
        )
        specials = [0]
        offsets = [0]
        counts = [0]
        offset = 0
        for day in sorted(rest_days | makeup_days):
            ordinal = day.toordinal()
            offset += 1 if day in makeup_days else -1
            specials.append(ordinal)
            offsets.append(offset)
            counts.append(_weekdays_through(ordinal) + offset)
        object.__setattr__(self, "_rest_days", rest_days)
        object.__setattr__(self, "_makeup_days", makeup_days)
        object.__setattr__(self, "_specials", tuple(specials))
        object.__setattr__(self, "_offsets", tuple(offsets))
        object.__setattr__(self, "_counts", tuple(counts))
        self._fill_table()

    def _fill_table(self) -> None:
        through: list[int] = []
        working: list[int] = []
        start = 1
        if len(self._specials) > 1:
            first_year = date.fromordinal(self._specials[1]).year
            last_year = date.fromordinal(self._specials[-1]).year + 1
            # A mistyped far-future row must not blow the table up; the closed form
            # still answers beyond it.
            last_year = min(last_year, first_year + _TABLE_MAX_YEARS, date.max.year)
            start = date(first_year, 1, 1).toordinal()
            rest = {day.toordinal() for day in self._rest_days}
            makeup = {day.toordinal() for day in self._makeup_days}
            for ordinal in range(start, date(last_year, 12, 31).toordinal() + 1):
                if ordinal in makeup or (0 < ordinal % 7 < 6 and ordinal not in rest):
                    working.append(ordinal)
                through.append(len(working))
        table: list[int | None] = [None] * start
        table.extend(through)
        working_days = (date.min, *map(date.fromordinal, working))
        specials, offsets, counts = self._specials, self._offsets, self._counts

        def add_workdays(day: date, n: int) -> date:
            """Return WD(day, n): the n-th working day strictly after ``day``.

            ``day`` itself is never counted, whatever kind of day it is; ``n == 0``
            returns ``day``. Raises ``ValueError`` for a negative ``n``.
            """
            if n > 0:
                try:
                    return working_days[table[day.toordinal()] + n]
                except (IndexError, TypeError):
                    # After the table (IndexError) or before it (None + n): count
                    # in closed form, which also reports a bad argument properly.
                    pass
            return _add_workdays_closed_form(specials, offsets, counts, day, n)

        object.__setattr__(self, "_table_start", start)
        object.__setattr__(self, "_table_end", len(table))
        object.__setattr__(self, "_through", table)
        object.__setattr__(self, "_working", working_days)
        object.__setattr__(self, "_add_workdays_python", add_workdays)
        if WorkdayTable is not None:
            object.__setattr__(
                self,
                "add_workdays",
                WorkdayTable(start, through, working_days, add_workdays),
            )
        else:  # pragma: no cover - no C compiler where this was installed
            object.__setattr__(self, "add_workdays", add_workdays)

    @classmethod
    def build(
        cls, special_days: Iterable[SpecialDay], official_years: Iterable[int]
    ) -> WorkingDayCalendar:
        """Return the calendar of these rows; duplicate rows are merged.

        Raises ``ValueError`` when one date is both a rest day and a working day.
        """
        unique = {(row.day, row.kind): row for row in special_days}
        rows = tuple(sorted(unique.values(), key=lambda row: (row.day, row.kind)))
        return cls(special_days=rows, official_years=frozenset(official_years))

    def is_workday(self, day: date) -> bool:
        """Return whether ``day`` is a working day."""
        if day.weekday() < 5:
            return day not in self._rest_days
        return day in self._makeup_days

    def _add_workdays_closed_form(self, day: date, n: int) -> date:
        """Return WD(day, n) without the table (for tests that compare the two)."""
        return _add_workdays_closed_form(
            self._specials, self._offsets, self._counts, day, n
        )

    def workdays_between(self, start: date, end: date) -> int:
        """Return the number of working days d with ``start < d <= end`` (0 if none)."""
        if end <= start:
            return 0
        first = start.toordinal()
        last = end.toordinal()
        if self._table_start <= first and last < self._table_end:
            through_first = self._through[first]
            through_last = self._through[last]
            if through_first is not None and through_last is not None:
                return through_last - through_first
        return self._workdays_through(last) - self._workdays_through(first)

    def _workdays_through(self, ordinal: int) -> int:
        """Return the number of working days with ordinals in ``[1, ordinal]``."""
        weeks, rest = divmod(ordinal, 7)
        below = bisect_right(self._specials, ordinal)
        return 5 * weeks + (rest if rest < 5 else 5) + self._offsets[below - 1]

    def is_official_year(self, year: int) -> bool:
        """Return whether the State Council notice for ``year`` is loaded."""
        return year in self.official_years

    def is_provisional_range(self, start: date, end: date) -> bool:
        """Return whether any year from ``start`` to ``end`` (either order) is not official."""
        first, last = sorted((start.year, end.year))
        return any(year not in self.official_years for year in range(first, last + 1))


def _add_workdays_closed_form(
    specials: tuple[int, ...],
    offsets: tuple[int, ...],
    counts: tuple[int, ...],
    day: date,
    n: int,
) -> date:
    """Return WD(day, n) from the weekday count and a bisection of the special dates."""
    if n <= 0:
        if n == 0:
            return day
        msg = f"n must be >= 0, got {n}"
        raise ValueError(msg)
    ordinal = day.toordinal()
    below = bisect_right(specials, ordinal)
    weeks, rest = divmod(ordinal, 7)
    target = 5 * weeks + (rest if rest < 5 else 5) + offsets[below - 1] + n
    # The first special date by which `target` working days are reached; before it
    # the offset is constant, so the answer is a plain weekday unless that weekday
    # lies beyond the special date (then the special date is the answer).
    index = bisect_left(counts, target, below)
    weeks, rest = divmod(target - offsets[index - 1] - 1, 5)
    result = 7 * weeks + rest + 1
    if index < len(specials) and result >= specials[index]:
        result = specials[index]
    return date.fromordinal(result)


def naive_add_workdays(calendar: WorkingDayCalendar, day: date, n: int) -> date:
    """Return WD(day, n) by walking day by day; the reference for tests and benchmarks."""
    if n < 0:
        msg = f"n must be >= 0, got {n}"
        raise ValueError(msg)
    current = day
    remaining = n
    while remaining:
        current += _ONE_DAY
        if calendar.is_workday(current):
            remaining -= 1
    return current
