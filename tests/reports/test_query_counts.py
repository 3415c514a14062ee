"""A report costs the same number of queries for 100 and for 10,000 cases, and for few
or many agencies: the aggregation happens in the database, never in a loop over cases."""

from __future__ import annotations

import random
from datetime import date, timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from reports.services import report_generate
from requests_app.models import DisclosureRequest
from requests_app.outcomes import OUTCOMES
from tests.factories import make_agency
from tests.reports.cases import bulk_cases, multiply_cases

pytestmark = pytest.mark.django_db

MAX_QUERIES = 15
SHAPES = [("2021", False), ("2021", True), ("2008", False), ("2008", True)]


def random_specs(count: int, seed: int):
    rng = random.Random(seed)
    outcomes = sorted(OUTCOMES)
    specs = []
    for _ in range(count):
        received = date(2023, 6, 1) + timedelta(days=rng.randint(0, 700))
        closed = (
            received + timedelta(days=rng.randint(1, 60))
            if rng.random() < 0.8
            else None
        )
        specs.append(
            (
                rng.choice(["natural_person", "enterprise", "other_org"]),
                rng.choice(["online", "letter", "email"]),
                received,
                closed,
                rng.choice(outcomes),
                rng.random() < 0.9,
            )
        )
    return specs


def queries_per_shape(agency) -> dict[tuple[str, bool], int]:
    counts = {}
    for template, rollup in SHAPES:
        with CaptureQueriesContext(connection) as captured:
            report_generate(agency=agency, year=2024, template=template, rollup=rollup)
        counts[template, rollup] = len(captured.captured_queries)
    return counts


def test_same_queries_for_100_and_10000_cases(district, agency, other_agency):
    first = bulk_cases(agency, random_specs(60, seed=1))
    second = bulk_cases(other_agency, random_specs(40, seed=2))
    small = queries_per_shape(district)
    small_report = report_generate(
        agency=district, year=2024, template="2021", rollup=True
    )

    multiply_cases([*first, *second], times=99)
    assert DisclosureRequest.objects.count() == 10_000
    large = queries_per_shape(district)

    assert large == small
    assert max(large.values()) <= MAX_QUERIES
    # cases (with fees), publications, appeals, statistics; the 2021 report also reads
    # last year's published report (check V5), the 2008 one counts postings instead
    assert large == {
        ("2021", False): 5,
        ("2021", True): 5,
        ("2008", False): 5,
        ("2008", True): 5,
    }
    # and the figures really are those of the 10,000 cases
    large_report = report_generate(
        agency=district, year=2024, template="2021", rollup=True
    )
    for row, cells in large_report["table3"]["rows"].items():
        assert cells == {
            column: 100 * count
            for column, count in small_report["table3"]["rows"][row].items()
        }


def test_same_queries_for_few_and_many_agencies(district, agency):
    few = queries_per_shape(district)
    for number in range(30):
        child = make_agency(
            f"QC{number:02d}", parent=agency if number % 2 else district
        )
        bulk_cases(child, random_specs(5, seed=number))

    assert queries_per_shape(district) == few
