"""The seed: the 2017 annual report of 北京市西城区城市管理监督指挥中心, rebuilt from data
entered through the services and models, must come out of ``annual_report --template
2008`` with every figure the printed report gives."""

from __future__ import annotations

import io
import json
from datetime import date, timedelta

import pytest
from django.core.management import call_command

from disclosure.models import AnnualStatistics, Publication, PublicationPosting
from tests.reports.cases import apply, reply

pytestmark = pytest.mark.django_db

# 161 items: 22 in key areas; 9 fiscal, 13 decided by the government, the rest other kinds.
CATEGORIES = (
    ["fiscal"] * 9
    + ["government_decision"] * 13
    + ["organisation"] * 12
    + ["plan"] * 6
    + ["normative_document"] * 4
    + ["statistics"] * 12
    + ["other"] * 105
)


@pytest.fixture
def seed_2017(agency, supervisor):
    assert agency.name == "北京市西城区城市管理监督指挥中心"
    publications = Publication.objects.bulk_create(
        Publication(
            agency=agency,
            reference=f"000014348/2017-{number:05d}",
            title=f"城市管理问题公开{number}",
            category=category,
            key_area=number <= 22,
            published_on=date(2017, 1, 3) + timedelta(days=number * 2),
        )
        for number, category in enumerate(CATEGORIES, start=1)
    )
    # Every item went to the website; the office counted 320 website and 16 WeChat posts.
    PublicationPosting.objects.bulk_create(
        PublicationPosting(
            publication=item, channel="website", posted_on=item.published_on
        )
        for item in publications
    )
    AnnualStatistics.objects.create(
        agency=agency,
        year=2017,
        postings_website=320,
        postings_wechat=16,
        responses_total=1,
        responses_leader_online_interviews=1,
        staff_part_time=1,
        meetings=2,
        trainees=70,
    )
    first = apply(agency, date(2017, 3, 6), channel="online")
    reply(supervisor, first, "disclosed", date(2017, 3, 20))
    second = apply(agency, date(2017, 6, 12), channel="online")
    reply(supervisor, second, "disclosed", date(2017, 6, 26))
    third = apply(agency, date(2017, 9, 26), channel="letter")
    # received 2017-09-26 (2008 regime): due 2017-10-23
    third.refresh_from_db()
    assert third.due_on == date(2017, 10, 23)
    reply(supervisor, third, "unavailable.other_agency", date(2017, 10, 20))


def test_the_seed_report_figures(seed_2017):
    out = io.StringIO()
    call_command(
        "annual_report",
        "--agency",
        "XCCG",
        "--year",
        "2017",
        "--template",
        "2008",
        stdout=out,
    )
    report = json.loads(out.getvalue())

    assert report["template"] == "2008"
    assert report["agency"] == {
        "code": "XCCG",
        "name": "北京市西城区城市管理监督指挥中心",
    }
    assert (report["year"], report["rollup"]) == (2017, False)
    # （一）主动公开情况
    proactive = report["proactive"]
    assert proactive["items"] == 161
    assert proactive["key_area_items"] == 22
    assert proactive["by_category"]["fiscal"] == 9
    assert proactive["by_category"]["government_decision"] == 13
    assert sum(proactive["by_category"].values()) == 161
    assert proactive["postings"] == {
        "website": 320,
        "weibo": 0,
        "wechat": 16,
        "newspaper": 0,
        "bulletin": 0,
        "other": 0,
        "total": 336,
    }
    # （二）回应解读情况
    assert report["responses"] == {"total": 1, "leader_online_interviews": 1}
    # （三）依申请公开情况
    assert report["applications"] == {
        "received": 3,
        "by_channel": {
            "online": 2,
            "email": 0,
            "letter": 1,
            "in_person": 0,
            "fax": 0,
            "other": 0,
        },
        "completed": 3,
        "completed_on_time": 3,
        "replies": {
            "agreed": 2,
            "partly_agreed": 0,
            "refused": 0,
            "not_this_agency": 1,
            "not_exist": 0,
            "amend": 0,
            "other_route": 0,
            "other": 0,
        },
    }
    # （四）行政复议、诉讼及举报情况
    assert report["appeals"] == {"reconsideration": 0, "litigation": 0, "complaints": 0}
    # （五）人员和收支情况
    assert report["staff_and_costs"] == {
        "staff_full_time": 0,
        "staff_part_time": 1,
        "fees_collected_yuan": "0.00",
        "litigation_costs_yuan": "0.00",
        "meetings": 2,
        "trainees": 70,
    }
