"""Benchmark the daily clock sweep over many open cases.

Run from the project root against the configured database (PostgreSQL through
``DATABASE_URL``; migrated first if needed)::

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/gongkai_bench \\
        .venv/bin/python bench/sweep.py [N] [--as-of 2025-12-15] [--keep]

It inserts N open cases (default 100000) with ``bulk_create``, received on the 30
working days before the sweep date, so that about a third are overdue and a sixth are
due within the reminder window; one in 50 waits for a supplement, and those asked over
15 working days before the sweep date lapse in it (C3); every case is assigned to one clerk and its agency has
one supervisor. Then it runs the sweep twice for the same date and prints the time and
the number of queries of each run (the target is at most 10 queries whatever N is; the
second run must do nothing), then the run of the next working day (the daily steady
state: only that day's new notices). Everything is rolled back at the end unless ``--keep``.
With ``BENCH_SHOW_SQL=1`` the start of every statement is printed.
"""

from __future__ import annotations

import argparse
import os
import secrets
import sys
import time
from datetime import date
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path[0] = str(ROOT)
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.base")

import django  # noqa: E402

django.setup()

from django.core.management import call_command  # noqa: E402
from django.db import connection, transaction  # noqa: E402

from disclosure.models import StaffMembership, StaffRole, User  # noqa: E402
from disclosure.selectors import calendar_get  # noqa: E402
from disclosure.services import agency_create  # noqa: E402
from requests_app.models import Applicant, DisclosureRequest  # noqa: E402
from requests_app.sweep import SweepResult, sweep_deadlines_run  # noqa: E402
from requests_app.workflow import Status  # noqa: E402

TARGET_QUERIES = 10
SPREAD_WORKDAYS = 30


class QueryCounter:
    """Counts statements without keeping their text (a bulk insert can be large)."""

    def __init__(self) -> None:
        self.count = 0

    def __call__(self, execute, sql, params, many, context):
        self.count += 1
        started = time.perf_counter()
        try:
            return execute(sql, params, many, context)
        finally:
            if os.environ.get("BENCH_SHOW_SQL"):
                seconds = time.perf_counter() - started
                print(f"   {seconds:7.2f} s  {sql[:80]}".replace("\n", " "))


def fill(count: int, as_of: date) -> None:
    """Insert ``count`` open cases received on the SPREAD_WORKDAYS working days before
    ``as_of`` (due 20 working days after receipt)."""
    calendar = calendar_get()
    tag = secrets.token_hex(3).upper()
    agency = agency_create(code=f"BENCH{tag}", name=f"基准测试机关{tag}")
    clerk = User.objects.create(username=f"bench-clerk-{tag}", is_staff=True)
    supervisor = User.objects.create(username=f"bench-sup-{tag}", is_staff=True)
    StaffMembership.objects.create(user=clerk, agency=agency, role=StaffRole.CLERK)
    StaffMembership.objects.create(
        user=supervisor, agency=agency, role=StaffRole.SUPERVISOR
    )
    applicant = Applicant.objects.create(applicant_type="natural_person", name="测试")
    received_days = []
    day = as_of
    while len(received_days) < SPREAD_WORKDAYS:
        day = date.fromordinal(day.toordinal() - 1)
        if calendar.is_workday(day):
            received_days.append(day)
    due = {received: calendar.add_workdays(received, 20) for received in received_days}
    batch: list[DisclosureRequest] = []
    for serial in range(1, count + 1):
        received_on = received_days[serial % SPREAD_WORKDAYS]
        # One case in 50 waits for a supplement asked the next working day; those
        # asked more than 15 working days before the sweep lapse (C3) in the sweep.
        waiting = serial % 50 == 0
        batch.append(
            DisclosureRequest(
                agency=agency,
                reference=f"{agency.code}-{received_on.year}-{serial:06d}",
                year=received_on.year,
                serial=serial,
                query_code=f"{tag}-{serial}",
                applicant=applicant,
                applicant_type="natural_person",
                channel="online",
                received_on=received_on,
                description="基准测试",
                assigned_to=clerk,
                status=Status.AWAITING_SUPPLEMENT if waiting else Status.IN_PROGRESS,
                supplement_requested_on=(
                    calendar.add_workdays(received_on, 1) if waiting else None
                ),
                due_on=None if waiting else due[received_on],
            )
        )
        if len(batch) == 5000:
            DisclosureRequest.objects.bulk_create(batch)
            batch = []
    DisclosureRequest.objects.bulk_create(batch)


def timed_sweep(as_of: date) -> tuple[SweepResult, float, int]:
    counter = QueryCounter()
    started = time.perf_counter()
    with connection.execute_wrapper(counter):
        result = sweep_deadlines_run(as_of=as_of)
    return result, time.perf_counter() - started, counter.count


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("count", nargs="?", type=int, default=100_000)
    parser.add_argument("--as-of", type=date.fromisoformat, default=date(2025, 12, 15))
    parser.add_argument("--keep", action="store_true", help="commit the cases")
    args = parser.parse_args()

    call_command("migrate", verbosity=0)
    print(f"database: {connection.vendor} {connection.settings_dict['NAME']}")
    with transaction.atomic():
        started = time.perf_counter()
        fill(args.count, args.as_of)
        print(
            f"inserted {args.count} open cases in {time.perf_counter() - started:.1f} s"
        )

        first, seconds, first_queries = timed_sweep(args.as_of)
        print(
            f"sweep over {args.count} open cases: {seconds:.2f} s, {first_queries} queries "
            f"(target ≤ {TARGET_QUERIES} queries)"
        )
        print(
            f"  reminders {first.reminders}, overdue {first.overdue}, "
            f"notifications {first.notifications}, closed {len(first.closed)}"
        )
        second, seconds, queries = timed_sweep(args.as_of)
        print(
            f"second run: {seconds:.2f} s, {queries} queries, "
            f"{'nothing to do' if second.nothing_done else 'DID SOMETHING AGAIN'}"
        )
        # The steady state: the next day only owes that day's new notices.
        next_day = calendar_get().add_workdays(args.as_of, 1)
        third, seconds, next_queries = timed_sweep(next_day)
        print(
            f"next working day ({next_day.isoformat()}): {seconds:.2f} s, "
            f"{next_queries} queries, reminders {third.reminders}, "
            f"overdue {third.overdue}, notifications {third.notifications}"
        )
        if not args.keep:
            transaction.set_rollback(True)
    ok = (
        not first.nothing_done
        and second.nothing_done
        and max(first_queries, queries, next_queries) <= TARGET_QUERIES
    )
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
