"""The pure builder: literal aggregates in, the contract §7 JSON out (no database)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal

import pytest

from reports import builder
from reports.selectors import (
    AppealGroup,
    CaseGroup,
    FeeTotals,
    PublicationGroup,
    ReportAggregates,
    ReportPeriod,
)


@dataclass
class Agency:
    code: str = "XCCG"
    name: str = "北京市西城区城市管理监督指挥中心"


def case(applicant_type="natural_person", outcome="", channel="online", **counts):
    values = dict.fromkeys(
        ("new", "carried_over", "closed", "closed_on_time", "carried_forward"), 0
    )
    values.update(counts)
    return CaseGroup(
        applicant_type=applicant_type, outcome=outcome, channel=channel, **values
    )


def aggregates(
    cases=(), publications=(), appeals=(), fees=None, statistics=None, postings=None
):
    return ReportAggregates(
        period=ReportPeriod(2024, date(2024, 1, 1), date(2024, 12, 31)),
        cases=tuple(cases),
        publications=tuple(publications),
        appeals=tuple(appeals),
        fees=fees or FeeTotals(0, Decimal(0), 0, Decimal(0)),
        statistics=statistics or {},
        postings=postings or {},
    )


ZERO_ROW = {
    "natural_person": 0,
    "enterprise": 0,
    "research_institution": 0,
    "public_interest_org": 0,
    "legal_service_org": 0,
    "other_org": 0,
    "total": 0,
}
ZERO_APPEALS = {"upheld": 0, "corrected": 0, "other": 0, "pending": 0, "total": 0}


def test_empty_report_has_every_key_with_zeros():
    report = builder.build_report_2021(Agency(), 2024, False, aggregates())

    assert list(report) == [
        "template", "agency", "year", "rollup", "table2", "table3", "table4", "fees", "checks",
    ]  # fmt: skip
    assert report["template"] == "2021"
    assert report["agency"] == {
        "code": "XCCG",
        "name": "北京市西城区城市管理监督指挥中心",
    }
    assert (report["year"], report["rollup"]) == (2024, False)
    assert report["table2"] == {
        "regulations": {"issued": 0, "repealed": 0, "in_force": 0},
        "normative_documents": {"issued": 0, "repealed": 0, "in_force": 0},
        "licensing": {"decisions": 0},
        "penalties": {"decisions": 0},
        "coercive_measures": {"decisions": 0},
        "administrative_fees": {"amount_wan_yuan": "0.0000"},
    }
    assert report["table3"]["columns"] == [*ZERO_ROW]
    assert len(report["table3"]["rows"]) == 25
    assert all(row == ZERO_ROW for row in report["table3"]["rows"].values())
    assert report["table4"] == {
        "reconsideration": ZERO_APPEALS,
        "litigation_direct": ZERO_APPEALS,
        "litigation_after_reconsideration": ZERO_APPEALS,
    }
    assert report["fees"] == {
        "notices_issued": 0,
        "notices_amount_yuan": "0.00",
        "paid_count": 0,
        "collected_yuan": "0.00",
    }
    assert [(c["rule"], c["level"], c["ok"]) for c in report["checks"]] == [
        ("V1", "error", True),
        ("V2", "error", True),
        ("V3", "error", True),
        ("V4", "error", True),
        ("V5", "warning", False),
        ("V6", "error", True),
    ]
    assert [c["state"] for c in report["checks"]] == [
        "passed", "passed", "passed", "passed", "not_checked", "passed",
    ]  # fmt: skip
    assert (
        report["checks"][4]["message"]
        == "未核对：未找到2023年度已发布的年度报告，无法核对上年结转数。"
    )


def test_table3_maps_outcomes_to_rows_and_sums():
    report = builder.build_report_2021(
        Agency(),
        2024,
        False,
        aggregates(
            cases=[
                case("natural_person", "", new=2, carried_forward=2),
                case("natural_person", "disclosed", new=1, closed=1),
                case(
                    "natural_person",
                    "disclosed.already_public",
                    carried_over=1,
                    closed=1,
                ),
                case("enterprise", "unavailable.other_agency", new=3, closed=3),
                case("enterprise", "unavailable.not_held", new=1, closed=1),
                case("other_org", "other.withdrawn", new=1, closed=1),
                case("other_org", "other.other", carried_over=1, closed=1),
            ]
        ),
    )
    rows = report["table3"]["rows"]

    assert rows["R1"] == ZERO_ROW | {
        "natural_person": 3,
        "enterprise": 4,
        "other_org": 1,
        "total": 8,
    }
    assert rows["R2"] == ZERO_ROW | {"natural_person": 1, "other_org": 1, "total": 2}
    assert rows["R3.1"] == ZERO_ROW | {"natural_person": 2, "total": 2}
    assert rows["R3.4.1"] == ZERO_ROW | {"enterprise": 4, "total": 4}
    assert rows["R3.6.3"] == ZERO_ROW | {"other_org": 2, "total": 2}
    assert rows["R3.7"] == ZERO_ROW | {
        "natural_person": 2,
        "enterprise": 4,
        "other_org": 2,
        "total": 8,
    }
    assert rows["R4"] == ZERO_ROW | {"natural_person": 2, "total": 2}
    assert all(
        check["ok"] for check in report["checks"] if check["state"] != "not_checked"
    )


def test_unknown_codes_are_counted_not_dropped():
    rows = builder.build_report_2021(
        Agency(),
        2024,
        False,
        aggregates(cases=[case("alien", "made.up", new=1, closed=1)]),
    )["table3"]["rows"]

    assert rows["R3.6.3"] == ZERO_ROW | {"other_org": 1, "total": 1}
    assert rows["R1"]["total"] == 1


def test_table2_table4_and_fees_from_their_aggregates():
    report = builder.build_report_2021(
        Agency(),
        2024,
        True,
        aggregates(
            publications=[
                PublicationGroup("regulation", 5, 0, issued=2, repealed=1, in_force=7),
                PublicationGroup(
                    "normative_document", 9, 1, issued=4, repealed=0, in_force=12
                ),
                PublicationGroup("fiscal", 3, 0, issued=3, repealed=0, in_force=3),
            ],
            appeals=[
                AppealGroup("reconsideration", 1, 2, 0, 1, 4),
                AppealGroup("complaint", 0, 0, 0, 5, 5),
            ],
            fees=FeeTotals(2, Decimal("500"), 1, Decimal("300")),
            statistics={
                "licensing_decisions": 120,
                "penalty_decisions": 33,
                "coercion_decisions": 2,
                "admin_fees_wan_yuan": Decimal("12.5"),
            },
        ),
    )

    assert report["rollup"] is True
    assert report["table2"] == {
        "regulations": {"issued": 2, "repealed": 1, "in_force": 7},
        "normative_documents": {"issued": 4, "repealed": 0, "in_force": 12},
        "licensing": {"decisions": 120},
        "penalties": {"decisions": 33},
        "coercive_measures": {"decisions": 2},
        "administrative_fees": {"amount_wan_yuan": "12.5000"},
    }
    assert report["table4"] == {
        "reconsideration": {
            "upheld": 1,
            "corrected": 2,
            "other": 0,
            "pending": 1,
            "total": 4,
        },
        "litigation_direct": ZERO_APPEALS,
        "litigation_after_reconsideration": ZERO_APPEALS,
    }
    assert report["fees"] == {
        "notices_issued": 2,
        "notices_amount_yuan": "500.00",
        "paid_count": 1,
        "collected_yuan": "300.00",
    }


def test_previous_report_feeds_v5():
    previous = {
        "table3": {"rows": {"R4": ZERO_ROW | {"natural_person": 1, "total": 1}}}
    }
    report = builder.build_report_2021(
        Agency(),
        2024,
        False,
        aggregates(cases=[case(carried_over=2, carried_forward=2)]),
        previous=previous,
    )
    v5 = report["checks"][4]

    assert (v5["rule"], v5["level"], v5["ok"], v5["state"]) == (
        "V5",
        "warning",
        False,
        "failed",
    )
    assert v5["message"] == (
        "“自然人”列：本年“上年结转”为2，2023年度报告“结转下年度继续办理”为1；"
        "“总计”列：本年“上年结转”为2，2023年度报告“结转下年度继续办理”为1。"
    )


def test_legacy_report():
    report = builder.build_report_2008(
        Agency(),
        2017,
        False,
        aggregates(
            cases=[
                case(
                    "natural_person",
                    "disclosed",
                    "online",
                    new=2,
                    closed=2,
                    closed_on_time=2,
                ),
                case(
                    "enterprise",
                    "unavailable.other_agency",
                    "letter",
                    new=1,
                    closed=1,
                    closed_on_time=1,
                ),
                case("natural_person", "partial", "email", carried_over=1, closed=1),
                case("natural_person", "", "fax", new=1, carried_forward=1),
            ],
            publications=[
                PublicationGroup("fiscal", 9, 2, 0, 0, 0),
                PublicationGroup("other", 10, 1, 0, 0, 0),
            ],
            appeals=[
                AppealGroup("reconsideration", 0, 0, 0, 1, 1),
                AppealGroup("litigation_direct", 0, 0, 0, 1, 1),
                AppealGroup("litigation_after_reconsideration", 1, 0, 0, 0, 1),
                AppealGroup("complaint", 0, 0, 0, 2, 2),
            ],
            statistics={"staff_part_time": 1, "fees_collected_yuan": Decimal("12.5")},
            postings={"website": 19, "wechat": 4},
        ),
    )

    assert report == {
        "template": "2008",
        "agency": {"code": "XCCG", "name": "北京市西城区城市管理监督指挥中心"},
        "year": 2017,
        "rollup": False,
        "proactive": {
            "items": 19,
            "key_area_items": 3,
            "by_category": {
                "regulation": 0, "normative_document": 0, "organisation": 0, "plan": 0,
                "fiscal": 9, "government_decision": 0, "licensing": 0, "penalty": 0,
                "coercion": 0, "fees": 0, "procurement": 0, "statistics": 0,
                "personnel": 0, "other": 10,
            },
            "postings": {
                "website": 19, "weibo": 0, "wechat": 4, "newspaper": 0, "bulletin": 0,
                "other": 0, "total": 23,
            },
        },
        "responses": {"total": 0, "leader_online_interviews": 0},
        "applications": {
            "received": 4,
            "by_channel": {
                "online": 2, "email": 0, "letter": 1, "in_person": 0, "fax": 1, "other": 0,
            },
            "completed": 4,
            "completed_on_time": 3,
            "replies": {
                "agreed": 2, "partly_agreed": 1, "refused": 0, "not_this_agency": 1,
                "not_exist": 0, "amend": 0, "other_route": 0, "other": 0,
            },
        },
        "appeals": {"reconsideration": 1, "litigation": 2, "complaints": 2},
        "staff_and_costs": {
            "staff_full_time": 0,
            "staff_part_time": 1,
            "fees_collected_yuan": "12.50",
            "litigation_costs_yuan": "0.00",
            "meetings": 0,
            "trainees": 0,
        },
    }  # fmt: skip


@pytest.mark.parametrize(
    ("fees", "sentence"),
    [
        (
            {
                "notices_issued": 2,
                "notices_amount_yuan": "500.00",
                "paid_count": 1,
                "collected_yuan": "300.00",
            },
            "本年度共发出收费通知2件，总金额500.00元；实际收取信息处理费1件，共计300.00元。",
        ),
        (
            {
                "notices_issued": 0,
                "notices_amount_yuan": "0.00",
                "paid_count": 0,
                "collected_yuan": "0.00",
            },
            "本年度未发出收费通知，未收取信息处理费。",
        ),
        (
            {
                "notices_issued": 1,
                "notices_amount_yuan": "100.00",
                "paid_count": 0,
                "collected_yuan": "0.00",
            },
            "本年度共发出收费通知1件，总金额100.00元；未实际收取信息处理费。",
        ),
        (
            {
                "notices_issued": 0,
                "notices_amount_yuan": "0.00",
                "paid_count": 1,
                "collected_yuan": "100.00",
            },
            "本年度未发出收费通知；实际收取信息处理费1件，共计100.00元。",
        ),
    ],
    ids=[
        "notices_and_payments_case",
        "nothing_case",
        "notice_unpaid_case",
        "paid_last_years_notice_case",
    ],
)
def test_fee_sentence(fees, sentence):
    assert builder.fee_sentence(fees) == sentence


def test_figure_sentences_and_a_draft_without_figures():
    report = builder.build_report_2021(
        Agency(),
        2024,
        False,
        aggregates(
            cases=[
                case("natural_person", "disclosed", new=3, closed=3),
                case("natural_person", "", new=1, carried_forward=1),
            ],
            appeals=[AppealGroup("reconsideration", 0, 1, 0, 0, 1)],
            fees=FeeTotals(2, Decimal("500"), 1, Decimal("300")),
        ),
    )
    figures = builder.figure_sentences(report)
    narrative = builder.draft_narrative(report["template"])

    assert figures["overview"] == (
        (
            "（一）主动公开",
            "本年度，北京市西城区城市管理监督指挥中心制发规章0件、行政规范性文件0件，"
            "废止规章0件、行政规范性文件0件；截至年底，现行有效规章0件、行政规范性文件0件。",
        ),
        (
            "（二）依申请公开",
            "本年度新收政府信息公开申请4件，上年结转0件；办结3件，其中予以公开3件、部分公开0件、"
            "不予公开0件、无法提供0件、不予处理0件、其他处理0件；结转下年度继续办理1件。",
        ),
        (
            "（五）监督保障",
            "本年度因政府信息公开工作被申请行政复议1件，被提起行政诉讼0件。",
        ),
    )
    assert figures["problems"] == (
        ("（一）存在的主要问题", "本年度有1件行政复议、行政诉讼案件结果被纠正，答复质量有待提高。"),
        ("（一）存在的主要问题", "年末尚有1件申请结转下年度继续办理，将在法定期限内办结。"),
    )  # fmt: skip
    assert figures["other_matters"] == (
        (
            "（一）收取信息处理费情况",
            "本年度共发出收费通知2件，总金额500.00元；实际收取信息处理费1件，共计300.00元。",
        ),
    )
    # The draft holds only what staff write: no figure of the day it was made.
    assert list(narrative) == ["overview", "problems", "other_matters", "key_areas"]
    assert not any(char.isdigit() for text in narrative.values() for char in text)
    assert narrative["other_matters"].splitlines()[:3] == [
        "（一）收取信息处理费情况",
        "（二）落实上级年度政务公开工作要点情况",
        "（请填写）",
    ]
    # Every figure sentence is recognised (and dropped) in text stored the old way.
    for _anchor, sentence in (*figures["overview"], *figures["problems"]):
        assert builder.strip_figure_sentences(f"甲\n{sentence}\n乙") == "甲\n乙"
    assert builder.strip_figure_sentences(figures["other_matters"][0][1]) == ""


def test_draft_narrative_of_the_legacy_report():
    report = builder.build_report_2008(
        Agency(),
        2017,
        False,
        aggregates(
            cases=[
                case("natural_person", "disclosed", new=3, closed=3, closed_on_time=3)
            ],
            publications=[PublicationGroup("other", 161, 22, 0, 0, 0)],
        ),
    )
    narrative = builder.draft_narrative(report["template"])

    assert builder.figure_sentences(report) == {}
    assert narrative == {
        "overview": "（请填写）",
        "key_areas": "",
        "problems": "（一）存在的问题\n（请填写）\n（二）改进措施\n（请填写）",
        "other_matters": "",
    }
    for old in (
        "本年度，北京市西城区城市管理监督指挥中心共主动公开政府信息161条，其中重点领域公开"
        "政府信息22条；收到政府信息公开申请3件，办结3件，按时办结3件。",
        "本年度未发生依申请公开政府信息收费及诉讼有关费用。",
        "本年度依申请公开政府信息收取费用20.00元，因政府信息公开诉讼支出费用0.00元。",
    ):
        assert builder.strip_figure_sentences(old) == ""
