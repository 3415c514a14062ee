"""The demonstration data: ``seed_demo`` imports requests_app/demo/*.csv through the
ledgers (contract §5), and ``annual_report --template 2008`` on it gives every figure of
the seed report (西城区城市管理监督指挥中心, 2017)."""

from __future__ import annotations

import io
import json

import pytest
from django.core.management import call_command

pytestmark = pytest.mark.django_db


def test_seed_demo_gives_the_seed_reports_figures():
    call_command("seed_demo", stdout=io.StringIO())
    out = io.StringIO()

    call_command(
        "annual_report",
        "--agency",
        "XCCG",
        "--year",
        "2017",
        "--template",
        "2008",
        "--format",
        "json",
        stdout=out,
        stderr=io.StringIO(),
    )

    report = json.loads(out.getvalue())
    assert (report["template"], report["year"], report["rollup"]) == (
        "2008",
        2017,
        False,
    )
    assert report["agency"] == {
        "code": "XCCG",
        "name": "北京市西城区城市管理监督指挥中心",
    }
    proactive = report["proactive"]
    assert (proactive["items"], proactive["key_area_items"]) == (161, 22)
    # 其中：财政预算决算、“三公”经费和行政经费信息9条，市人民政府决定主动公开的其他信息13条
    assert proactive["by_category"]["fiscal"] == 9
    assert proactive["by_category"]["government_decision"] == 13
    assert proactive["postings"] == {
        "website": 320,
        "weibo": 0,
        "wechat": 16,
        "newspaper": 0,
        "bulletin": 0,
        "other": 0,
        "total": 336,
    }
    assert report["responses"] == {"total": 1, "leader_online_interviews": 1}
    applications = report["applications"]
    assert applications["received"] == 3
    assert applications["by_channel"] == {
        "online": 2, "email": 0, "letter": 1, "in_person": 0, "fax": 0, "other": 0,
    }  # fmt: skip
    assert (applications["completed"], applications["completed_on_time"]) == (3, 3)
    assert applications["replies"] == {
        "agreed": 2, "partly_agreed": 0, "refused": 0, "not_this_agency": 1,
        "not_exist": 0, "amend": 0, "other_route": 0, "other": 0,
    }  # fmt: skip
    assert report["appeals"] == {"reconsideration": 0, "litigation": 0, "complaints": 0}
    costs = report["staff_and_costs"]
    assert (costs["staff_full_time"], costs["staff_part_time"]) == (0, 1)
    assert (costs["meetings"], costs["trainees"]) == (2, 70)
    assert (costs["fees_collected_yuan"], costs["litigation_costs_yuan"]) == (
        "0.00",
        "0.00",
    )
