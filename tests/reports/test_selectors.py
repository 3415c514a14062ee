"""The report's aggregates on crafted boundary data, built through the real services."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest

from disclosure.models import AnnualStatistics, Publication, PublicationPosting
from reports import selectors
from reports.builder import build_report_2021
from requests_app.models import Appeal
from tests.reports.cases import (
    apply,
    fee_notice,
    fee_paid,
    lapse_supplement,
    reply,
    withdraw,
)

pytestmark = pytest.mark.django_db

ZERO = dict.fromkeys(
    (
        "natural_person",
        "enterprise",
        "research_institution",
        "public_interest_org",
        "legal_service_org",
        "other_org",
    ),
    0,
)


def cells(**counts):
    row = ZERO | counts
    row["total"] = sum(row.values())
    return row


@pytest.fixture
def cases_2024(agency, other_agency, supervisor):
    """Cases around the 2024 year boundaries, in XCCG unless named otherwise."""
    made = {}
    # received 2023, closed 2024: R2 and R3.1 of 2024
    made["over"] = apply(agency, date(2023, 12, 29))
    reply(supervisor, made["over"], "disclosed", date(2024, 1, 5))
    # received and closed in 2023: nowhere in 2024
    made["old"] = apply(agency, date(2023, 6, 1))
    reply(supervisor, made["old"], "disclosed.already_public", date(2023, 6, 10))
    # received on 2024-01-01 itself, an enterprise, partly disclosed
    made["first_day"] = apply(agency, date(2024, 1, 1), "enterprise")
    reply(supervisor, made["first_day"], "partial", date(2024, 1, 20))
    # withdrawn: a closed case like any other (R3.6.3)
    made["withdrawn"] = apply(agency, date(2024, 3, 1))
    withdraw(supervisor, made["withdrawn"], date(2024, 3, 5))
    # 补正 never supplied: closed by the clock (R3.6.1)
    made["lapsed"] = apply(agency, date(2024, 5, 6), "research_institution")
    lapse_supplement(supervisor, made["lapsed"], date(2024, 5, 8))
    # refused, a law firm
    made["refused"] = apply(agency, date(2024, 4, 1), "legal_service_org")
    reply(supervisor, made["refused"], "refused.third_party", date(2024, 4, 15))
    # received 2024-12-31, closed 2025: R1 and R4 of 2024
    made["last_day"] = apply(agency, date(2024, 12, 31))
    reply(supervisor, made["last_day"], "unavailable.not_held", date(2025, 1, 6))
    # still open
    made["open"] = apply(agency, date(2024, 12, 20), "public_interest_org")
    # another agency of the district
    made["other"] = apply(other_agency, date(2024, 2, 1), "other_org")
    reply(supervisor, made["other"], "unavailable.other_agency", date(2024, 2, 20))
    return made


def report(agency, year, rollup=False, as_of=None, previous=None):
    aggregates = selectors.report_aggregates(
        agency=agency, year=year, rollup=rollup, as_of=as_of
    )
    return build_report_2021(agency, year, rollup, aggregates, previous=previous)


def test_populations_around_the_year_boundaries(agency, district, cases_2024):
    lapsed = cases_2024["lapsed"]
    lapsed.refresh_from_db()
    # C3: the lapse date of the supplementation period closes the case
    assert (lapsed.outcome, lapsed.closed_on) == (
        "other.no_supplement",
        date(2024, 5, 29),
    )

    rows = report(agency, 2024)["table3"]["rows"]

    assert rows["R1"] == cells(
        natural_person=2,
        enterprise=1,
        research_institution=1,
        public_interest_org=1,
        legal_service_org=1,
    )
    assert rows["R2"] == cells(natural_person=1)
    assert rows["R3.1"] == cells(natural_person=1)
    assert rows["R3.2"] == cells(enterprise=1)
    assert rows["R3.3.4"] == cells(legal_service_org=1)
    assert rows["R3.6.1"] == cells(research_institution=1)
    assert rows["R3.6.3"] == cells(natural_person=1)
    assert rows["R3.4.1"] == cells()
    assert rows["R3.7"] == cells(
        natural_person=2, enterprise=1, research_institution=1, legal_service_org=1
    )
    assert rows["R4"] == cells(natural_person=1, public_interest_org=1)
    assert list(rows) == [
        "R1", "R2", "R3.1", "R3.2",
        "R3.3.1", "R3.3.2", "R3.3.3", "R3.3.4", "R3.3.5", "R3.3.6", "R3.3.7", "R3.3.8",
        "R3.4.1", "R3.4.2", "R3.4.3",
        "R3.5.1", "R3.5.2", "R3.5.3", "R3.5.4", "R3.5.5",
        "R3.6.1", "R3.6.2", "R3.6.3", "R3.7", "R4",
    ]  # fmt: skip

    # The next year carries over what this year carried forward.
    next_year = report(agency, 2025)["table3"]["rows"]
    assert next_year["R2"] == rows["R4"]
    assert next_year["R3.4.1"] == cells(natural_person=1)
    assert next_year["R4"] == cells(public_interest_org=1)
    assert next_year["R1"] == cells()

    # A rollup sums the subtree; the district alone has no cases.
    assert report(district, 2024)["table3"]["rows"]["R1"] == cells()
    rollup = report(district, 2024, rollup=True)["table3"]["rows"]
    assert rollup["R1"]["total"] == 7
    assert rollup["R3.4.1"] == cells(other_org=1)
    assert rollup["R3.7"]["total"] == 6
    assert rollup["R4"]["total"] == 2

    # as_of cuts the year short: what was still open then is carried forward.
    early = report(agency, 2024, as_of=date(2024, 4, 10))["table3"]["rows"]
    assert early["R1"]["total"] == 3
    assert early["R3.7"] == cells(natural_person=2, enterprise=1)
    assert early["R4"] == cells(legal_service_org=1)


def test_as_of_before_the_year_is_refused(agency):
    with pytest.raises(selectors.ApplicationError) as error:
        selectors.report_period(year=2024, as_of=date(2023, 12, 31))
    assert error.value.field == "as_of"


def test_drilldown_lists_the_cases_behind_each_figure(agency, district, cases_2024):
    def refs(row, column, who=agency, rollup=False):
        return [
            case.pk
            for case in selectors.report_cases(
                agency=who, year=2024, rollup=rollup, row=row, column=column
            )
        ]

    made = cases_2024
    assert refs("R1", "natural_person") == [made["withdrawn"].pk, made["last_day"].pk]
    assert refs("R2", "total") == [made["over"].pk]
    assert refs("R3.1", "natural_person") == [made["over"].pk]
    assert refs("R3.6.1", "total") == [made["lapsed"].pk]
    assert refs("R4", "total") == [made["open"].pk, made["last_day"].pk]
    assert refs("R3.7", "total") == [
        made["over"].pk,
        made["first_day"].pk,
        made["withdrawn"].pk,
        made["refused"].pk,
        made["lapsed"].pk,
    ]
    assert refs("R3.4.1", "other_org", district, rollup=True) == [made["other"].pk]


@pytest.mark.parametrize(
    ("row", "column", "field"),
    [("R9", "total", "row"), ("R1", "nobody", "column")],
    ids=["unknown_row_case", "unknown_column_case"],
)
def test_drilldown_refuses_unknown_cells(agency, row, column, field):
    with pytest.raises(selectors.ApplicationError) as error:
        list(
            selectors.report_cases(
                agency=agency, year=2024, rollup=False, row=row, column=column
            )
        )
    assert error.value.field == field


def publication(agency, reference, category, published_on, **fields):
    return Publication.objects.create(
        agency=agency,
        reference=reference,
        title=f"文件{reference}",
        category=category,
        published_on=published_on,
        **fields,
    )


def test_table2_counts_documents_and_statistics(agency, child_agency):
    # issued in 2024 through published_on (no issued_on)
    publication(agency, "R-1", "regulation", date(2024, 3, 1))
    # issued 2023, published 2024: issued counts by issued_on
    publication(
        agency, "R-2", "regulation", date(2024, 1, 5), issued_on=date(2023, 12, 20)
    )
    # issued 2022, repealed in 2024: repealed, not in force
    publication(
        agency,
        "N-1",
        "normative_document",
        date(2022, 5, 1),
        repealed_on=date(2024, 6, 30),
    )
    # repealed in 2025: still in force at the end of 2024
    publication(
        agency,
        "N-2",
        "normative_document",
        date(2021, 5, 1),
        repealed_on=date(2025, 1, 2),
    )
    # issued 2025: not yet in force in 2024
    publication(agency, "N-3", "normative_document", date(2025, 2, 1))
    publication(child_agency, "N-4", "normative_document", date(2024, 8, 1))
    AnnualStatistics.objects.create(
        agency=agency,
        year=2024,
        licensing_decisions=12,
        penalty_decisions=3,
        admin_fees_wan_yuan=Decimal("1.2500"),
    )
    AnnualStatistics.objects.create(
        agency=child_agency, year=2024, penalty_decisions=4, coercion_decisions=1
    )

    single = report(agency, 2024)["table2"]
    rollup = report(agency, 2024, rollup=True)["table2"]

    assert single == {
        "regulations": {"issued": 1, "repealed": 0, "in_force": 2},
        "normative_documents": {"issued": 0, "repealed": 1, "in_force": 1},
        "licensing": {"decisions": 12},
        "penalties": {"decisions": 3},
        "coercive_measures": {"decisions": 0},
        "administrative_fees": {"amount_wan_yuan": "1.2500"},
    }
    assert rollup["normative_documents"] == {"issued": 1, "repealed": 1, "in_force": 2}
    assert rollup["penalties"] == {"decisions": 7}
    assert rollup["coercive_measures"] == {"decisions": 1}


def appeal(agency, reference, kind, filed_on, result="", decided_on=None):
    return Appeal.objects.create(
        agency=agency,
        reference=reference,
        kind=kind,
        filed_on=filed_on,
        result=result,
        decided_on=decided_on,
    )


def test_table4_counts_results_decided_by_the_year_end(agency):
    appeal(
        agency, "F-1", "reconsideration", date(2024, 2, 1), "upheld", date(2024, 5, 1)
    )
    appeal(
        agency,
        "F-2",
        "reconsideration",
        date(2024, 3, 1),
        "corrected",
        date(2024, 12, 31),
    )
    # decided in 2025: still pending in the 2024 report
    appeal(
        agency, "F-3", "reconsideration", date(2024, 11, 1), "upheld", date(2025, 1, 10)
    )
    appeal(agency, "F-4", "litigation_direct", date(2024, 6, 1))
    appeal(
        agency,
        "F-5",
        "litigation_after_reconsideration",
        date(2024, 7, 1),
        "other",
        date(2024, 9, 1),
    )
    # filed in 2023: not in 2024
    appeal(
        agency,
        "F-6",
        "litigation_direct",
        date(2023, 12, 31),
        "upheld",
        date(2024, 3, 1),
    )
    # complaints are not in table 四
    appeal(agency, "F-7", "complaint", date(2024, 4, 1))

    table4 = report(agency, 2024)["table4"]

    assert table4 == {
        "reconsideration": {"upheld": 1, "corrected": 1, "other": 0, "pending": 1, "total": 3},
        "litigation_direct": {"upheld": 0, "corrected": 0, "other": 0, "pending": 1, "total": 1},
        "litigation_after_reconsideration": {
            "upheld": 0, "corrected": 0, "other": 1, "pending": 0, "total": 1
        },
    }  # fmt: skip
    pending = selectors.report_appeals(
        agency=agency, year=2024, rollup=False, kind="reconsideration", result="pending"
    )
    assert [a.reference for a in pending] == ["F-3"]


def test_fees_by_notice_and_payment_dates(agency, supervisor):
    paid_next_year = apply(agency, date(2024, 12, 16))
    fee_notice(supervisor, paid_next_year, date(2024, 12, 20), pages=40)
    fee_paid(supervisor, paid_next_year, date(2025, 1, 6))
    paid = apply(agency, date(2024, 6, 3))
    fee_notice(supervisor, paid, date(2024, 6, 5), pages=60)
    fee_paid(supervisor, paid, date(2024, 6, 12))

    assert report(agency, 2024)["fees"] == {
        "notices_issued": 2,
        "notices_amount_yuan": "400.00",
        "paid_count": 1,
        "collected_yuan": "300.00",
    }
    assert report(agency, 2025)["fees"] == {
        "notices_issued": 0,
        "notices_amount_yuan": "0.00",
        "paid_count": 1,
        "collected_yuan": "100.00",
    }


def test_postings_override_per_agency_in_a_rollup(agency, child_agency):
    first = publication(agency, "P-1", "other", date(2024, 3, 1))
    second = publication(child_agency, "P-2", "other", date(2024, 3, 2))
    for item in (first, second):
        for channel in ("website", "weibo"):
            PublicationPosting.objects.create(
                publication=item, channel=channel, posted_on=item.published_on
            )
    # XCCG posted 50 items on its website outside the product; its child did not say.
    AnnualStatistics.objects.create(agency=agency, year=2024, postings_website=50)

    statistics, postings = selectors.statistics_and_postings(
        agency=agency, rollup=True, period=selectors.report_period(year=2024)
    )

    assert postings == {
        "website": 51,
        "weibo": 2,
        "wechat": 0,
        "newspaper": 0,
        "bulletin": 0,
        "other": 0,
    }
    assert statistics["meetings"] == 0


def test_dashboard_follows_the_report_definitions(agency, supervisor, cases_2024):
    from disclosure.selectors import calendar_get

    dashboard = selectors.dashboard_get(
        actor=supervisor,
        year=2024,
        today=date(2025, 1, 14),
        calendar=calendar_get(),
        due_soon_workdays=5,
    )

    assert [m.received for m in dashboard.months] == [
        1,
        1,
        1,
        1,
        1,
        0,
        0,
        0,
        0,
        0,
        0,
        2,
    ]
    assert [m.closed for m in dashboard.months] == [2, 1, 1, 1, 1, 0, 0, 0, 0, 0, 0, 0]
    assert {o.group: o.count for o in dashboard.outcomes} == {
        "R3.1": 1, "R3.2": 1, "R3.3": 1, "R3.4": 1, "R3.5": 0, "R3.6": 2,
    }  # fmt: skip
    assert dashboard.closed == 6
    assert dashboard.parent == agency.parent
    assert [(line.agency.code, line.new, line.closed, line.carried_forward)
            for line in dashboard.comparison] == [
        ("XC", 0, 0, 0), ("XCCG", 6, 5, 2), ("XCJW", 1, 1, 0),
    ]  # fmt: skip
    # the open case is due 2025-01-20: four working days left
    assert dashboard.backlog == selectors.Backlog(
        open=1, overdue=0, due_soon=1, paused=0
    )
