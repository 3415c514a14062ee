"""The annual report at city scale against a raw grouped SQL aggregate over the same rows,
measured in one run: the city rollup (2021 template) and one agency's report, and the
number of SQL queries per report.

    DATABASE_URL=postgres://…/gongkai_bench .venv/bin/python bench/report.py [--year 2024]
"""

from __future__ import annotations

import sys
from pathlib import Path

# Run from the project root: bench/calendar.py must not shadow the standard library.
sys.path[0] = str(Path(__file__).resolve().parent.parent)

import argparse  # noqa: E402

from bench import _setup  # noqa: E402

_setup.django_setup()

from django.db import connection  # noqa: E402
from django.test.utils import CaptureQueriesContext  # noqa: E402

from disclosure.models import Agency  # noqa: E402
from reports.services import report_generate  # noqa: E402

RAW_ROLLUP = """
SELECT r.applicant_type, r.outcome,
       COUNT(*) FILTER (WHERE r.received_on BETWEEN %(start)s AND %(end)s),
       COUNT(*) FILTER (WHERE r.received_on < %(start)s),
       COUNT(*) FILTER (WHERE r.closed_on BETWEEN %(start)s AND %(end)s),
       COUNT(*) FILTER (WHERE r.closed_on IS NULL OR r.closed_on > %(end)s)
FROM requests_app_disclosurerequest r
JOIN disclosure_agency a ON a.id = r.agency_id
WHERE {scope}
  AND (r.received_on BETWEEN %(start)s AND %(end)s
       OR (r.received_on < %(start)s AND (r.closed_on IS NULL OR r.closed_on >= %(start)s)))
GROUP BY r.applicant_type, r.outcome
"""


def raw_aggregate(agency: Agency, year: int, rollup: bool) -> list:
    """The plain grouped aggregate a DBA would write for table 三's populations."""
    scope = "a.path LIKE %(path)s" if rollup else "r.agency_id = %(agency)s"
    with connection.cursor() as cursor:
        cursor.execute(
            RAW_ROLLUP.format(scope=scope),
            {
                "start": f"{year}-01-01",
                "end": f"{year}-12-31",
                "path": agency.path + "%",
                "agency": agency.pk,
            },
        )
        return cursor.fetchall()


def measure(agency: Agency, year: int, rollup: bool, label: str) -> None:
    def report():
        report_generate(agency=agency, year=year, template="2021", rollup=rollup)

    report()  # warm the calendar and the plan caches once
    raw_aggregate(agency, year, rollup)
    with CaptureQueriesContext(connection) as queries:
        report()
    report_time = _setup.best_of(report)
    raw_time = _setup.best_of(lambda: raw_aggregate(agency, year, rollup))
    ratio = report_time / raw_time
    verdict = "ok" if ratio <= 1.5 else "MISSED"
    print(
        f"{label}: report {report_time * 1000:.1f} ms · raw grouped SQL "
        f"{raw_time * 1000:.1f} ms · ratio {ratio:.2f}× (target ≤ 1.5×) {verdict}"
    )
    queries_verdict = "ok" if len(queries) <= 15 else "MISSED"
    print(
        f"{label}: {len(queries)} SQL queries per report (target ≤ 15) {queries_verdict}"
    )


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--year", type=int, default=2024)
    args = parser.parse_args()
    root = Agency.objects.get(parent__isnull=True, code="CITY")
    measure(root, args.year, True, "city rollup report (2021)")
    busiest = (
        Agency.objects.filter(parent__isnull=False, children__isnull=True)
        .order_by("id")
        .first()
    )
    measure(busiest, args.year, False, "one agency's report (2021)")


if __name__ == "__main__":
    main()
