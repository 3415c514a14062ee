"""Benchmark WorkingDayCalendar.add_workdays against the day-by-day reference loop.

Run from the project root: ``.venv/bin/python bench/calendar.py [--calls N]``. Both
paths get the same random (date, n) inputs, dates 2004–2026 and n 1–60, in one run;
the results must be identical. The target is a speed ratio of at least 50. The exit
status is 0 when the target is met, 1 when the results differ and 2 when too slow.
"""

from __future__ import annotations

import argparse
import gc
import random
import sys
import time
from collections.abc import Callable
from datetime import date, timedelta
from functools import partial
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
# The script's own folder would otherwise be first on sys.path, and this file would
# shadow the standard library's `calendar` module.
sys.path[0] = str(ROOT)

from disclosure.calendar_seed import seed_calendar  # noqa: E402
from disclosure.calendars import WorkingDayCalendar, naive_add_workdays  # noqa: E402

TARGET_RATIO = 50
SEED = 20251126
FIRST = date(2004, 1, 1)
LAST = date(2026, 12, 31)


def random_inputs(count: int) -> list[tuple[date, int]]:
    """Return ``count`` reproducible (date, n) pairs."""
    rng = random.Random(SEED)
    span = (LAST - FIRST).days
    return [
        (FIRST + timedelta(days=rng.randint(0, span)), rng.randint(1, 60))
        for _ in range(count)
    ]


def timed(
    add: Callable[[date, int], date], days: list[date], counts: list[int]
) -> tuple[list[date], float]:
    """Return the results of ``add`` over the inputs and the seconds it took."""
    started = time.perf_counter()
    results = list(map(add, days, counts))
    return results, time.perf_counter() - started


class _Empty:
    """A method that does nothing, to measure what a call costs in this harness."""

    __slots__ = ()

    def add_workdays(self, day: date, n: int) -> date:
        return day


def run(calendar: WorkingDayCalendar, calls: int, rounds: int) -> int:
    inputs = random_inputs(calls)
    days = [day for day, _ in inputs]
    counts = [n for _, n in inputs]
    naive_add = partial(naive_add_workdays, calendar)
    empty_add = _Empty().add_workdays
    fast_seconds = naive_seconds = empty_seconds = float("inf")
    # Best of interleaved rounds, with the collector off (as timeit does), so that a
    # busy machine slows both paths alike rather than whichever ran at the time.
    gc.disable()
    try:
        for _ in range(rounds):
            fast, seconds = timed(calendar.add_workdays, days, counts)
            fast_seconds = min(fast_seconds, seconds)
            naive, seconds = timed(naive_add, days, counts)
            naive_seconds = min(naive_seconds, seconds)
            _, seconds = timed(empty_add, days, counts)
            empty_seconds = min(empty_seconds, seconds)
    finally:
        gc.enable()
    if fast != naive:
        mismatches = sum(a != b for a, b in zip(fast, naive, strict=True))
        print(f"MISMATCH: {mismatches} of {calls} results differ")
        return 1
    fast_rate = calls / fast_seconds
    naive_rate = calls / naive_seconds
    ratio = fast_rate / naive_rate
    print(
        f"add_workdays: {fast_rate:,.0f} calls/s · naive loop: {naive_rate:,.0f} "
        f"calls/s · ratio {ratio:.1f}× (target ≥ {TARGET_RATIO}×)"
    )
    print(f"{calls:,} identical results, best of {rounds} rounds")
    # For reading the ratio: what one call costs here even when it does nothing.
    per_call = 1e9 / calls
    overhead = empty_seconds * per_call
    fast_net = fast_seconds * per_call - overhead
    naive_net = naive_seconds * per_call - overhead
    print(
        f"per call: add_workdays {fast_seconds * per_call:.0f} ns · naive "
        f"{naive_seconds * per_call:.0f} ns · an empty method {overhead:.0f} ns "
        f"(net of it: ratio {naive_net / fast_net:.1f}×)"
    )
    return 0 if ratio >= TARGET_RATIO else 2


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--calls", type=int, default=50_000)
    parser.add_argument("--rounds", type=int, default=5)
    arguments = parser.parse_args()
    calendar = seed_calendar(provisional_years=(2027,))
    return run(calendar, arguments.calls, arguments.rounds)


if __name__ == "__main__":
    sys.exit(main())
