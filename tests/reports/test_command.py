"""The annual_report command (contract §6)."""

from __future__ import annotations

import io
import json
from datetime import date

import pytest
from django.core.management import CommandError, call_command
from django.utils import timezone

from reports.services import report_generate
from tests.reports.cases import apply, reply

pytestmark = pytest.mark.django_db


def run(*args):
    out, err = io.StringIO(), io.StringIO()
    call_command("annual_report", *args, stdout=out, stderr=err)
    return out.getvalue(), err.getvalue()


@pytest.fixture
def cases(agency, other_agency, supervisor):
    first = apply(agency, date(2024, 2, 5), "enterprise")
    reply(supervisor, first, "disclosed", date(2024, 2, 19))
    apply(other_agency, date(2024, 6, 3), channel="letter")


def test_json_to_stdout_by_default(agency, cases):
    out, err = run("--agency", "XCCG", "--year", "2024")

    report = json.loads(out)
    assert report == report_generate(
        agency=agency, year=2024, template="2021", rollup=False
    )
    assert report["table3"]["rows"]["R3.1"]["enterprise"] == 1
    assert err == ""


def test_legacy_rollup(cases):
    out, _ = run("--agency", "XC", "--year", "2024", "--template", "2008", "--rollup")

    report = json.loads(out)
    assert (report["template"], report["rollup"]) == ("2008", True)
    assert report["agency"] == {"code": "XC", "name": "北京市西城区人民政府"}
    assert report["applications"]["received"] == 2
    assert report["applications"]["by_channel"]["letter"] == 1
    assert report["applications"]["replies"]["agreed"] == 1


def test_output_file(tmp_path, cases):
    target = tmp_path / "report.json"

    out, _ = run("--agency", "XCCG", "--year", "2024", "--output", str(target))

    assert out == ""
    assert json.loads(target.read_text(encoding="utf-8"))["year"] == 2024


def test_html_format(tmp_path, cases):
    target = tmp_path / "report.html"

    run(
        "--agency",
        "XCCG",
        "--year",
        "2024",
        "--format",
        "html",
        "--output",
        str(target),
    )

    html = target.read_text(encoding="utf-8")
    assert "北京市西城区城市管理监督指挥中心2024年政府信息公开工作年度报告" in html
    assert (
        "（本列数据的勾稽关系为：第一项加第二项之和，等于第三项加第四项之和）" in html
    )


def test_parts_with_a_progress_bar(tmp_path, cases):
    out, err = run(
        "--agency",
        "XC",
        "--year",
        "2024",
        "--rollup",
        "--parts",
        str(tmp_path / "parts"),
    )

    assert json.loads(out)["table3"]["rows"]["R1"]["total"] == 2
    assert sorted(p.name for p in (tmp_path / "parts").iterdir()) == [
        "XC-2024.json",
        "XCCG-2024.json",
        "XCJW-2024.json",
    ]
    part = json.loads(
        (tmp_path / "parts" / "XCJW-2024.json").read_text(encoding="utf-8")
    )
    assert (part["agency"]["code"], part["rollup"]) == ("XCJW", False)
    assert part["table3"]["rows"]["R4"]["total"] == 1
    assert err.endswith("[" + "#" * 30 + "] 3/3 XCJW\n")
    assert "] 1/3 XC" in err


def test_rollup_shows_progress_per_agency(cases):
    out, err = run("--agency", "XC", "--year", "2024", "--rollup")

    assert json.loads(out)["table3"]["rows"]["R1"]["total"] == 2
    steps = err.split("\r")
    assert steps == [
        "",
        "[" + "#" * 10 + "-" * 20 + "] 1/3 XC",
        "[" + "#" * 20 + "-" * 10 + "] 2/3 XCCG",
        "[" + "#" * 30 + "] 3/3 XCJW\n",
    ]


def test_no_progress_without_rollup(cases):
    _, err = run("--agency", "XC", "--year", "2024", "--template", "2008")

    assert err == ""


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (("--agency", "NOPE", "--year", "2024"), "未找到机关代码 NOPE。"),
        (("--agency", "XCCG", "--year", "2007"), "年度应在2008年至{this_year}年之间。"),
        (
            ("--agency", "XCCG", "--year", "2024", "--parts", "x"),
            "--parts 只能与 --rollup 同用。",
        ),
    ],
    ids=["unknown_agency_case", "before_2008_case", "parts_without_rollup_case"],
)
def test_errors(agency, args, message):
    with pytest.raises(CommandError) as error:
        run(*args)
    assert str(error.value) == message.format(this_year=timezone.localdate().year)
