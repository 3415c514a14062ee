"""Benchmark the requests ledger import (contract §5.2) on the configured database.

Run from the project root, on a scratch database (it writes real rows):

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/gongkai_ledgers_bench \\
        .venv/bin/python bench/ledger_import.py 100000

It generates N varied rows (closed, supplemented, consulted, fee-paused, extended;
agencies BENCH, BENCH2, … created if missing, two unless ``--agencies``, references
unique to the run), imports them through ``manage.py import_ledger requests`` and
prints ``ledger import: N rows in S s = R rows/s (target ≥ 20,000 rows/s)``, after a
line with the CPU time of this process and, when the database runs on this machine,
of its server process (the import is one connection), both also per 100,000 rows.
The issue's acceptance run is ``bench/ledger_import.py 300000 --agencies 50``.
"""

from __future__ import annotations

import argparse
import csv
import io
import os
import sys
import tempfile
import time
from datetime import date, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path[0] = str(ROOT)
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.local")

TARGET_ROWS_PER_SECOND = 20_000
AGENCIES = ("BENCH", "BENCH2")


def agency_codes(count: int) -> tuple[str, ...]:
    """BENCH, BENCH2, BENCH3, …: ``count`` agency codes."""
    return (*AGENCIES, *(f"BENCH{number}" for number in range(3, count + 1)))[:count]


HEADER = [
    "agency",
    "reference",
    "received_on",
    "channel",
    "applicant_type",
    "applicant_name",
    "description",
    "supplement_requested_on",
    "supplement_received_on",
    "consultation_started_on",
    "consultation_ended_on",
    "extended",
    "fee_notice_on",
    "fee_amount_yuan",
    "fee_paid_on",
    "outcome",
    "closed_on",
]
OUTCOMES = ("disclosed", "partial", "unavailable.not_held", "refused.process_info")


def ledger_csv(rows: int, run: str, agencies: tuple[str, ...] = AGENCIES) -> str:
    """``rows`` varied applications received 2020–2026 (a quarter still open), none after today."""
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(HEADER)
    first = date(2020, 1, 2)
    for index in range(rows):
        received = first + timedelta(days=index % 2400)
        cells = dict.fromkeys(HEADER, "")
        cells.update(
            agency=agencies[index % len(agencies)],
            reference=f"{run}-{index:07d}",
            received_on=received.isoformat(),
            channel=("online", "letter", "email", "in_person")[index % 4],
            applicant_type=("natural_person", "enterprise", "other_org")[index % 3],
            applicant_name=f"申请人{index % 5000}",
            description="请公开本机关相关政府信息",
            extended="1" if index % 9 == 0 else "0",
        )
        if index % 7 == 0:
            cells["supplement_requested_on"] = (
                received + timedelta(days=2)
            ).isoformat()
            cells["supplement_received_on"] = (received + timedelta(days=6)).isoformat()
        if index % 11 == 0:
            cells["consultation_started_on"] = (
                received + timedelta(days=8)
            ).isoformat()
            cells["consultation_ended_on"] = (received + timedelta(days=15)).isoformat()
        if index % 13 == 0:
            cells["fee_notice_on"] = (received + timedelta(days=3)).isoformat()
            cells["fee_amount_yuan"] = "100.00"
            cells["fee_paid_on"] = (received + timedelta(days=5)).isoformat()
        if index % 4:
            cells["outcome"] = OUTCOMES[index % len(OUTCOMES)]
            cells["closed_on"] = (
                received + timedelta(days=18 + index % 30)
            ).isoformat()
        writer.writerow([cells[column] for column in HEADER])
    return buffer.getvalue()


def _server_cpu_seconds(pid: int) -> float | None:
    """CPU seconds (user + system) of the PostgreSQL server process ``pid`` when it runs
    on this machine (the same process numbers: not in a container), else None."""
    try:
        with open(f"/proc/{pid}/stat") as stat:
            name, fields = stat.read().split(" (", 1)[1].rsplit(")", 1)
    except (OSError, IndexError, ValueError):
        return None
    if "postgres" not in name:
        return None
    values = fields.split()
    return (int(values[11]) + int(values[12])) / os.sysconf("SC_CLK_TCK")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("rows", type=int, nargs="?", default=100_000)
    parser.add_argument("--agencies", type=int, default=len(AGENCIES))
    args = parser.parse_args()

    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection

    from disclosure.models import Agency
    from disclosure.services import agency_create

    codes = agency_codes(args.agencies)
    for code in codes:
        if not Agency.objects.filter(code=code).exists():
            agency_create(code=code, name=f"基准测试机关{code}")
    server_pid = None
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_backend_pid()")
            server_pid = cursor.fetchone()[0]
    run = f"B{int(time.time())}"
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "requests.csv"
        path.write_text(ledger_csv(args.rows, run, codes), encoding="utf-8")
        server_started = _server_cpu_seconds(server_pid) if server_pid else None
        started = time.perf_counter()
        cpu_started = time.process_time()
        call_command("import_ledger", "requests", str(path), stderr=io.StringIO())
        seconds = time.perf_counter() - started
        cpu_seconds = time.process_time() - cpu_started
        server_ended = _server_cpu_seconds(server_pid) if server_pid else None
    rate = args.rows / seconds
    per_100k = 100_000 / args.rows
    server = (
        f"; database server process {server_ended - server_started:.1f} s of CPU "
        f"({(server_ended - server_started) * per_100k:.1f} s per 100,000 rows)"
        if server_started is not None and server_ended is not None
        else ""
    )
    print(
        f"database: {connection.vendor}; {args.rows} rows in {len(codes)} agencies; "
        f"this process used {cpu_seconds:.1f} s of CPU "
        f"({cpu_seconds * per_100k:.1f} s per 100,000 rows){server}; "
        f"load average {os.getloadavg()[0]:.1f} on {os.cpu_count()} cores"
    )
    print(
        f"ledger import: {args.rows} rows in {seconds:.1f} s = {rate:,.0f} rows/s "
        f"(target ≥ {TARGET_ROWS_PER_SECOND:,} rows/s)"
    )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
