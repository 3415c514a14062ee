"""Checks V1–V6: each rule on crafted reports (pure), and V1–V4 as a property of the
selectors over random cases in the database."""

from __future__ import annotations

import copy
from datetime import date, timedelta

import pytest
from django.db import transaction
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from reports import checks
from reports.builder import build_report_2021
from reports.selectors import report_aggregates
from requests_app.outcomes import OUTCOMES, TABLE3_ROWS
from tests.factories import make_agency
from tests.reports.cases import bulk_cases

COLUMNS = (
    "natural_person",
    "enterprise",
    "research_institution",
    "public_interest_org",
    "legal_service_org",
    "other_org",
)


def consistent_report():
    """R1 3 + R2 1 = R3.7 2 + R4 2 for natural persons; everything else zero."""
    zero = dict.fromkeys((*COLUMNS, "total"), 0)
    rows = {row: dict(zero) for row in TABLE3_ROWS}
    for row, count in (
        ("R1", 3),
        ("R2", 1),
        ("R3.1", 1),
        ("R3.6.3", 1),
        ("R3.7", 2),
        ("R4", 2),
    ):
        rows[row]["natural_person"] = count
        rows[row]["total"] = count
    appeals = {"upheld": 1, "corrected": 0, "other": 0, "pending": 1, "total": 2}
    return {
        "template": "2021",
        "agency": {"code": "XCCG", "name": "北京市西城区城市管理监督指挥中心"},
        "year": 2024,
        "rollup": False,
        "table2": {
            "regulations": {"issued": 0, "repealed": 0, "in_force": 0},
            "normative_documents": {"issued": 0, "repealed": 0, "in_force": 0},
            "licensing": {"decisions": 0},
            "penalties": {"decisions": 0},
            "coercive_measures": {"decisions": 0},
            "administrative_fees": {"amount_wan_yuan": "0.0000"},
        },
        "table3": {"columns": [*COLUMNS, "total"], "rows": rows},
        "table4": {
            "reconsideration": dict(appeals),
            "litigation_direct": dict(appeals),
            "litigation_after_reconsideration": dict(appeals),
        },
        "fees": {
            "notices_issued": 0,
            "notices_amount_yuan": "0.00",
            "paid_count": 0,
            "collected_yuan": "0.00",
        },
    }


def by_rule(report, previous=None):
    return {c["rule"]: c for c in checks.run_checks(report, previous=previous)}


def test_a_consistent_report_passes():
    results = checks.run_checks(consistent_report(), previous=None)

    assert [(c["rule"], c["level"], c["ok"]) for c in results] == [
        ("V1", "error", True),
        ("V2", "error", True),
        ("V3", "error", True),
        ("V4", "error", True),
        ("V5", "warning", False),
        ("V6", "error", True),
    ]
    assert results[0]["message"] == "各列第一项加第二项之和均等于第三项加第四项之和。"
    assert checks.failing_errors(results) == []


def test_v5_without_last_years_report_is_not_checked():
    """未核对 is neither 通过 nor a failure: ``ok`` is false (it did not pass), ``state``
    says it could not run, and it never blocks publishing."""
    result = by_rule(consistent_report())["V5"]

    assert result == {
        "rule": "V5",
        "level": "warning",
        "ok": False,
        "message": "未核对：未找到2023年度已发布的年度报告，无法核对上年结转数。",
        "state": "not_checked",
    }
    assert checks.check_state(result) == "not_checked"
    # snapshots published before ``state`` existed
    assert checks.check_state({"ok": True}) == "passed"
    assert checks.check_state({"ok": False}) == "failed"


def test_v1_names_the_column():
    report = consistent_report()
    report["table3"]["rows"]["R1"]["enterprise"] = 1
    report["table3"]["rows"]["R1"]["total"] = 4

    result = by_rule(report)

    assert result["V1"]["ok"] is False
    assert result["V1"]["message"] == (
        "“商业企业”列：第一项加第二项之和为1（1+0），第三项加第四项之和为0（0+0），两者不相等；"
        "“总计”列：第一项加第二项之和为5（4+1），第三项加第四项之和为4（2+2），两者不相等。"
    )
    assert (result["V2"]["ok"], result["V3"]["ok"]) == (True, True)


def test_v2_names_row_and_column():
    report = consistent_report()
    report["table3"]["rows"]["R3.7"]["natural_person"] = 3

    result = by_rule(report)

    assert (
        result["V2"]["message"] == "“（七）总计”行“自然人”列为3，各项办理结果之和为2。"
    )
    assert result["V3"]["message"] == "“（七）总计”行：总计为2，六类申请人之和为3。"


def test_v4_names_the_group():
    report = consistent_report()
    report["table4"]["litigation_direct"]["total"] = 3

    result = by_rule(report)["V4"]

    assert result["ok"] is False
    assert result["message"] == (
        "表四“行政诉讼（未经复议直接起诉）”：总计为3，结果维持、结果纠正、其他结果、尚未审结之和为2。"
    )


def test_v5_compares_with_last_years_carried_forward():
    report = consistent_report()
    previous = copy.deepcopy(report)
    previous["table3"]["rows"]["R4"] = dict(report["table3"]["rows"]["R2"])

    assert by_rule(report, previous)["V5"] == {
        "rule": "V5",
        "level": "warning",
        "ok": True,
        "message": "各列“上年结转”均与2023年度已发布报告的“结转下年度继续办理”一致。",
        "state": "passed",
    }
    previous["table3"]["rows"]["R4"]["other_org"] = 2
    result = by_rule(report, previous)["V5"]
    assert (result["ok"], result["level"]) == (False, "warning")
    assert result["message"].startswith(
        "“其他”列：本年“上年结转”为0，2023年度报告“结转下年度继续办理”为2"
    )
    # a warning never blocks publishing
    assert checks.failing_errors(checks.run_checks(report, previous=previous)) == []


@pytest.mark.parametrize(
    ("path", "value", "message"),
    [
        (
            ("table3", "rows", "R3.2", "enterprise"),
            -1,
            "表三“（二）部分公开（区分处理的，只计这一情形，不计其他情形）”行“商业企业”列应为非负整数，现为-1",
        ),
        (
            ("table3", "rows", "R1", "natural_person"),
            2.5,
            "表三“一、本年新收政府信息公开申请数量”行“自然人”列应为非负整数，现为2.5",
        ),
        (
            ("table2", "licensing", "decisions"),
            True,
            "表二“行政许可”“本年处理决定数量”应为非负整数，现为True",
        ),
        (
            ("table2", "administrative_fees", "amount_wan_yuan"),
            "-0.5000",
            "表二“行政事业性收费”“本年收费金额（单位：万元）”应为不小于0的金额，现为-0.5000",
        ),
        (
            ("table4", "reconsideration", "pending"),
            "1",
            "表四“行政复议”“尚未审结”应为非负整数，现为1",
        ),
        (("fees", "collected_yuan"), "abc", "实际收取金额应为不小于0的金额，现为abc"),
    ],
    ids=[
        "negative_case",
        "fraction_case",
        "boolean_case",
        "negative_amount_case",
        "string_count_case",
        "bad_amount_case",
    ],
)
def test_v6_refuses_what_is_not_a_count(path, value, message):
    report = consistent_report()
    target = report
    for key in path[:-1]:
        target = target[key]
    target[path[-1]] = value

    result = by_rule(report)["V6"]

    assert result["ok"] is False
    assert message in result["message"]
    assert result in checks.failing_errors(checks.run_checks(report))


# --- The property: V1–V4 hold for whatever the selectors aggregate ----------------------

START = date(2023, 1, 1)
SPAN = (date(2025, 12, 31) - START).days

case_specs = st.lists(
    st.tuples(
        st.integers(0, 2),  # agency: XCCG, its child, the other agency
        st.sampled_from(COLUMNS),
        st.sampled_from(("online", "letter", "email")),
        st.integers(0, SPAN),  # received, days after 2023-01-01
        st.one_of(st.none(), st.integers(0, 400)),  # closed, days after receipt
        st.sampled_from(sorted(OUTCOMES)),
        st.booleans(),
    ),
    max_size=40,
)


@pytest.mark.django_db
@settings(
    max_examples=12,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(specs=case_specs)
def test_v1_to_v4_hold_for_random_cases(district, agency, other_agency, specs):
    with transaction.atomic():
        sub = make_agency(parent=agency)
        agencies = (agency, sub, other_agency)
        for index, who in enumerate(agencies):
            bulk_cases(
                who,
                [
                    (
                        applicant_type,
                        channel,
                        START + timedelta(days=received),
                        START + timedelta(days=received + closed)
                        if closed is not None
                        else None,
                        outcome,
                        on_time,
                    )
                    for (
                        which,
                        applicant_type,
                        channel,
                        received,
                        closed,
                        outcome,
                        on_time,
                    ) in specs
                    if which == index
                ],
            )
        scopes = [(district, True, year) for year in (2023, 2024, 2025)]
        scopes.append((agency, False, 2024))
        total_r1 = 0
        for scope, rollup, year in scopes:
            aggregates = report_aggregates(agency=scope, year=year, rollup=rollup)
            report = build_report_2021(scope, year, rollup, aggregates)
            results = by_rule(report)
            for rule in ("V1", "V2", "V3", "V4", "V6"):
                assert results[rule]["ok"], (year, scope.code, rollup, results[rule])
            if rollup:
                total_r1 += report["table3"]["rows"]["R1"]["total"]
        # every case of the district is counted once, in R1 of its year of receipt
        assert total_r1 == len(specs)
        transaction.set_rollback(True)
