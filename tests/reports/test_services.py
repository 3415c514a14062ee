"""Report records: drafts, narrative, publishing (freeze, files, checksums), corrections,
access, and the background generation of a subtree."""

from __future__ import annotations

import hashlib
import json
import sys
from datetime import date
from decimal import Decimal

import pytest
from django.core.cache import cache

from disclosure.exceptions import ApplicationError, NotFound
from disclosure.models import AnnualStatistics
from reports import services
from reports.models import AnnualReport, ReportFile
from reports.selectors import report_list_published, report_progress_get
from tests.factories import make_staff
from tests.reports.cases import apply, reply

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    return tmp_path


@pytest.fixture
def draft(supervisor, agency):
    return services.report_draft_get_or_create(
        actor=supervisor, agency=agency, year=2024, template="2021", rollup=False
    )


def test_draft_is_prefilled_and_reused(supervisor, agency, draft):
    assert (draft.version, draft.status) == (1, "draft")
    assert draft.overview.startswith(
        "（一）主动公开\n本年度，北京市西城区城市管理监督指挥中心制发规章0件"
    )
    assert "本年度未发出收费通知，未收取信息处理费。" in draft.other_matters

    again = services.report_draft_get_or_create(
        actor=supervisor, agency=agency, year=2024, template="2021", rollup=False
    )

    assert again.pk == draft.pk
    assert AnnualReport.objects.count() == 1


@pytest.mark.parametrize(
    "who", ["clerk_case", "other_supervisor_case", "anonymous_case"]
)
def test_only_supervisors_of_the_agency_or_above(who, agency, clerk, other_agency):
    actor = {
        "clerk_case": clerk,
        "other_supervisor_case": make_staff(other_agency, "supervisor"),
        "anonymous_case": None,
    }[who]

    with pytest.raises(NotFound):
        services.report_draft_get_or_create(
            actor=actor, agency=agency, year=2024, template="2021", rollup=False
        )
    assert AnnualReport.objects.count() == 0


def test_supervisor_of_the_agency_itself(agency):
    own = make_staff(agency, "supervisor")

    report = services.report_draft_get_or_create(
        actor=own, agency=agency, year=2024, template="2008", rollup=True
    )

    assert (report.template, report.rollup) == ("2008", True)


@pytest.mark.parametrize(
    ("year", "template", "field"),
    [(2007, "2021", "year"), (2027, "2021", "year"), (2024, "2019", "template")],
    ids=["before_2008_case", "future_case", "unknown_template_case"],
)
def test_bad_parameters_are_refused(supervisor, agency, year, template, field):
    with pytest.raises(ApplicationError) as error:
        services.report_draft_get_or_create(
            actor=supervisor, agency=agency, year=year, template=template, rollup=False
        )
    assert error.value.field == field


def test_narrative_update(supervisor, draft):
    services.report_narrative_update(
        actor=supervisor,
        report_id=draft.pk,
        overview="总体情况。\r\n第二段。",
        problems=None,
    )
    draft.refresh_from_db()

    assert draft.overview == "总体情况。\n第二段。"
    assert draft.problems.startswith("（一）存在的主要问题")


def test_publish_freezes_the_report(supervisor, agency, draft):
    case = apply(agency, date(2024, 3, 4))
    reply(supervisor, case, "disclosed", date(2024, 3, 11))

    published = services.report_publish(
        actor=supervisor, report_id=draft.pk, formats=("json", "html")
    )

    published.refresh_from_db()
    assert published.status == "published"
    assert published.published_by == supervisor
    assert published.published_at is not None
    snapshot = published.snapshot
    assert snapshot["table3"]["rows"]["R3.1"]["natural_person"] == 1
    canonical = json.dumps(
        snapshot, ensure_ascii=False, sort_keys=True, separators=(",", ":")
    )
    assert published.sha256 == hashlib.sha256(canonical.encode()).hexdigest()
    files = {f.format: f for f in ReportFile.objects.filter(report=published)}
    assert sorted(files) == ["html", "json"]
    for report_file in files.values():
        content = report_file.file.read()
        assert report_file.sha256 == hashlib.sha256(content).hexdigest()
    files["json"].file.seek(0)
    content = files["json"].file.read()
    # PostgreSQL's jsonb keeps no key order: compare values, and the file's own order.
    assert json.loads(content) == snapshot
    assert list(json.loads(content)) == [
        "template", "agency", "year", "rollup", "table2", "table3", "table4", "fees", "checks",
    ]  # fmt: skip
    assert list(json.loads(content)["table3"]["rows"])[:3] == ["R1", "R2", "R3.1"]
    assert files["json"].file.name.endswith("XCCG-2024-2021-v1.json")

    # Later cases do not change the published figures.
    later = apply(agency, date(2024, 5, 6))
    reply(supervisor, later, "disclosed", date(2024, 5, 8))
    published.refresh_from_db()
    assert published.snapshot == snapshot

    # Published is immutable.
    with pytest.raises(ApplicationError) as error:
        services.report_narrative_update(
            actor=supervisor, report_id=draft.pk, overview="改"
        )
    assert error.value.message == "已发布的年度报告不能修改；如需更正，请创建更正版本。"
    with pytest.raises(ApplicationError):
        services.report_publish(actor=supervisor, report_id=draft.pk, formats=("json",))


def test_publish_is_refused_when_an_error_check_fails(supervisor, agency, draft):
    AnnualStatistics.objects.create(
        agency=agency, year=2024, admin_fees_wan_yuan=Decimal("-1.5")
    )

    with pytest.raises(ApplicationError) as error:
        services.report_publish(actor=supervisor, report_id=draft.pk, formats=("json",))

    assert error.value.field == "checks"
    assert error.value.message == (
        "校验未通过，不能发布。V6：表二“行政事业性收费”“本年收费金额（单位：万元）”"
        "应为不小于0的金额，现为-1.5000。"
    )
    draft.refresh_from_db()
    assert (draft.status, draft.sha256) == ("draft", "")
    assert ReportFile.objects.count() == 0


def test_a_missing_exporter_publishes_nothing(supervisor, draft, monkeypatch):
    monkeypatch.setitem(sys.modules, "reports.exporters.pdf", None)

    with pytest.raises(ApplicationError) as error:
        services.report_publish(
            actor=supervisor, report_id=draft.pk, formats=("json", "pdf")
        )

    assert error.value.message.startswith("pdf 格式的导出模块不可用")
    draft.refresh_from_db()
    assert draft.status == "draft"
    assert ReportFile.objects.count() == 0


def test_unknown_format_is_refused(supervisor, draft):
    with pytest.raises(ApplicationError) as error:
        services.report_publish(actor=supervisor, report_id=draft.pk, formats=("csv",))
    assert (error.value.field, error.value.message) == (
        "formats",
        "不支持的格式：csv。",
    )


def test_correction_is_a_new_version(supervisor, draft):
    services.report_publish(actor=supervisor, report_id=draft.pk, formats=("json",))

    with pytest.raises(ApplicationError):
        services.report_correct(actor=supervisor, report_id=draft.pk, note=" ")
    correction = services.report_correct(
        actor=supervisor, report_id=draft.pk, note="更正表三第二项数据"
    )

    assert (correction.version, correction.status) == (2, "draft")
    assert correction.correction_note == "更正表三第二项数据"
    assert correction.overview == draft.overview
    with pytest.raises(ApplicationError) as error:
        services.report_correct(actor=supervisor, report_id=draft.pk, note="再次更正")
    assert error.value.message == "已有更新的版本（第2版），请在该版本上继续。"
    with pytest.raises(ApplicationError) as error:
        services.report_correct(actor=supervisor, report_id=correction.pk, note="草稿")
    assert error.value.message == "草稿可以直接修改，无需创建更正版本。"

    assert [r.version for r in report_list_published()] == [1]
    services.report_publish(
        actor=supervisor, report_id=correction.pk, formats=("json",)
    )
    assert [r.version for r in report_list_published()] == [2]


def test_v5_uses_last_years_published_report(supervisor, agency):
    open_case = apply(agency, date(2023, 12, 28))
    last_year = services.report_draft_get_or_create(
        actor=supervisor, agency=agency, year=2023, template="2021", rollup=False
    )

    before = services.report_generate(
        agency=agency, year=2024, template="2021", rollup=False
    )
    services.report_publish(actor=supervisor, report_id=last_year.pk, formats=("json",))
    after = services.report_generate(
        agency=agency, year=2024, template="2021", rollup=False
    )

    assert (
        before["checks"][4]["message"]
        == "未找到2023年度已发布的年度报告，无法核对上年结转数。"
    )
    assert after["checks"][4] == {
        "rule": "V5",
        "level": "warning",
        "ok": True,
        "message": "各列“上年结转”均与2023年度已发布报告的“结转下年度继续办理”一致。",
    }
    assert after["table3"]["rows"]["R2"]["natural_person"] == 1
    assert open_case.status == "in_progress"


def test_tree_generation_records_progress(
    supervisor, district, agency, other_agency, django_capture_on_commit_callbacks
):
    apply(agency, date(2024, 3, 4))
    cache.clear()

    with django_capture_on_commit_callbacks(execute=True):
        job_id = services.report_tree_start(
            actor=supervisor, agency=district, year=2024, template="2021"
        )

    progress = report_progress_get(job_id=job_id)
    assert progress["state"] == "done"
    assert (progress["done"], progress["total"]) == (3, 3)
    assert progress["agency"] == "XC"
    assert progress["results"] == [
        {"code": "XC", "name": "北京市西城区人民政府", "received": 0, "completed": 0,
         "carried_forward": 0, "errors": 0},
        {"code": "XCCG", "name": "北京市西城区城市管理监督指挥中心", "received": 1,
         "completed": 0, "carried_forward": 1, "errors": 0},
        {"code": "XCJW", "name": "北京市西城区教育委员会", "received": 0, "completed": 0,
         "carried_forward": 0, "errors": 0},
    ]  # fmt: skip


def test_tree_generation_needs_a_supervisor(clerk, district):
    with pytest.raises(NotFound):
        services.report_tree_start(
            actor=clerk, agency=district, year=2024, template="2021"
        )
