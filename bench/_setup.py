"""Shared start-up for the benchmark scripts: project root on sys.path (bench/calendar.py
would shadow the standard library), Django configured for the benchmark database."""

from __future__ import annotations

import os
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
if sys.path[0] != str(ROOT):
    sys.path[0] = str(ROOT)
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.local")
os.environ.setdefault(
    "DATABASE_URL", "postgres://postgres@127.0.0.1:5432/gongkai_bench"
)


def django_setup() -> None:
    import django

    django.setup()


def best_of(fn, rounds: int = 5) -> float:
    """The fastest of ``rounds`` runs, in seconds (the least disturbed by other load)."""
    times = []
    for _ in range(rounds):
        started = time.perf_counter()
        fn()
        times.append(time.perf_counter() - started)
    return min(times)


def percentile(values: list[float], pct: float) -> float:
    ordered = sorted(values)
    index = min(len(ordered) - 1, round(pct / 100 * (len(ordered) - 1)))
    return ordered[index]


def median(values: list[float]) -> float:
    return statistics.median(values)
