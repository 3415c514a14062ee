"""Run every benchmark and print one line per figure with its target.

    .venv/bin/python bench/run.py --size small   # 100,000 applications, a few minutes
    .venv/bin/python bench/run.py --size full    # 1,000,000 applications

Uses DATABASE_URL when it points at PostgreSQL, else a scratch database
``gongkai_bench`` on 127.0.0.1:5432 (created and migrated here). Every figure is a ratio or
a count measured in the same run; absolute times alone mean little on a noisy machine.
"""

from __future__ import annotations

import sys
from pathlib import Path

sys.path[0] = str(Path(__file__).resolve().parent.parent)

import argparse  # noqa: E402
import os  # noqa: E402
import subprocess  # noqa: E402
import time  # noqa: E402

ROOT = Path(__file__).resolve().parent.parent
PYTHON = sys.executable
SIZES = {
    "small": {"requests": 100_000, "publications": 10_000, "appeals": 1_000},
    "full": {"requests": 1_000_000, "publications": 50_000, "appeals": 5_000},
}
DEFAULT_URL = "postgres://postgres@127.0.0.1:5432/gongkai_bench"


def ensure_database(url: str) -> None:
    import psycopg2

    name = url.rsplit("/", 1)[1]
    admin = psycopg2.connect(url.rsplit("/", 1)[0] + "/postgres")
    admin.autocommit = True
    with admin.cursor() as cursor:
        cursor.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name])
        if cursor.fetchone() is None:
            cursor.execute(f'CREATE DATABASE "{name}"')
    admin.close()


def run(args: list[str], env: dict[str, str], figures: list[str]) -> None:
    started = time.perf_counter()
    process = subprocess.run(
        [PYTHON, *args], cwd=ROOT, env=env, capture_output=True, text=True, check=False
    )
    for line in process.stdout.splitlines():
        print(f"  {line}", flush=True)
        if "target" in line:
            figures.append(line)
    if process.returncode not in (0, 2):  # 2: a script's own "target missed"
        print(process.stderr[-3000:], file=sys.stderr)
        figures.append(f"{args[0]}: FAILED (exit {process.returncode})")
    print(f"  ({args[0]} took {time.perf_counter() - started:.0f} s)", flush=True)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--size", choices=SIZES, default="small")
    args = parser.parse_args()
    size = SIZES[args.size]
    url = os.environ.get("DATABASE_URL", "")
    if not url.startswith("postgres"):
        url = DEFAULT_URL
    ensure_database(url)
    env = {
        **os.environ,
        "DATABASE_URL": url,
        "DJANGO_SETTINGS_MODULE": "config.settings.local",
    }
    subprocess.run(
        [PYTHON, "manage.py", "migrate", "--noinput", "-v0"],
        cwd=ROOT,
        env=env,
        check=True,
    )
    figures: list[str] = []
    print(f"gongkai benchmarks ({args.size}) on {url.rsplit('@', 1)[-1]}", flush=True)
    print("- working-day calendar", flush=True)
    run(["bench/calendar.py"], env, figures)
    print(
        f"- generating a city: {size['requests']:,} applications, 200 agencies",
        flush=True,
    )
    run(
        ["bench/generate.py", "--requests", str(size["requests"]), "--agencies", "200",
         "--publications", str(size["publications"]), "--appeals", str(size["appeals"])],
        env, figures,
    )  # fmt: skip
    print("- annual report", flush=True)
    run(["bench/report.py", "--year", "2024"], env, figures)
    print("- staff list API", flush=True)
    run(["bench/list_api.py"], env, figures)
    print("- daily sweep", flush=True)
    run(["bench/sweep.py", "100000"], env, figures)
    print("- ledger import", flush=True)
    run(["bench/ledger_import.py", "100000"], env, figures)
    print("- public submission under gunicorn", flush=True)
    run(["bench/submit.py", "--requests", "400"], env, figures)
    print("\nsummary (one line per figure, with its target):")
    for line in figures:
        print(f"  {line}")


if __name__ == "__main__":
    main()
