"""Benchmark WorkingDayCalendar.add_workdays against the day-by-day reference loop.

Run from the project root: ``.venv/bin/python bench/calendar.py [--calls N]``. Every
path gets the same random (date, n) inputs, dates 2004–2026 and n 1–60, in one run;
the results must be identical. ``add_workdays`` is what the product calls: the C table
lookup of ``disclosure/_workdays.c`` when ``make install`` could build it, else the
pure-Python function, which is measured too. The target is a speed ratio of at least
50 for ``add_workdays``. The exit status is 0 when the target is met, 1 when the
results differ and 2 when too slow.
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


def _empty(day: date, n: int) -> date:
    """A function that does nothing, to measure what a call costs in this harness."""
    return day


def run(calendar: WorkingDayCalendar, calls: int, rounds: int) -> int:
    inputs = random_inputs(calls)
    days = [day for day, _ in inputs]
    counts = [n for _, n in inputs]
    paths: dict[str, Callable[[date, int], date]] = {
        "add_workdays": calendar.add_workdays,
        "python": calendar._add_workdays_python,
        "naive": partial(naive_add_workdays, calendar),
        "empty": _empty,
    }
    best = dict.fromkeys(paths, float("inf"))
    results: dict[str, list[date]] = {}
    # Best of interleaved rounds, with the collector off (as timeit does), so that a
    # busy machine slows every path alike rather than whichever ran at the time.
    gc.disable()
    try:
        for _ in range(rounds):
            for name, add in paths.items():
                results[name], seconds = timed(add, days, counts)
                best[name] = min(best[name], seconds)
    finally:
        gc.enable()
    for name in ("add_workdays", "python"):
        if results[name] != results["naive"]:
            mismatches = sum(
                a != b for a, b in zip(results[name], results["naive"], strict=True)
            )
            print(f"MISMATCH: {name}: {mismatches} of {calls} results differ")
            return 1
    implementation = (
        "C table lookup"
        if calendar.add_workdays is not calendar._add_workdays_python
        else "pure Python (the C lookup is not built)"
    )
    rate = {name: calls / seconds for name, seconds in best.items()}
    ratio = rate["add_workdays"] / rate["naive"]
    print(
        f"add_workdays ({implementation}): {rate['add_workdays']:,.0f} calls/s · "
        f"naive loop: {rate['naive']:,.0f} calls/s · ratio {ratio:.1f}× "
        f"(target ≥ {TARGET_RATIO}×)"
    )
    print(
        f"pure-Python add_workdays: {rate['python']:,.0f} calls/s · ratio "
        f"{rate['python'] / rate['naive']:.1f}× the naive loop"
    )
    per_call = {name: 1e9 * seconds / calls for name, seconds in best.items()}
    print(
        "per call: "
        + " · ".join(f"{name} {ns:.0f} ns" for name, ns in per_call.items())
        + f" ({calls:,} identical results, best of {rounds} rounds; "
        "'empty' is what a call of a function that does nothing costs here)"
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
