"""Report records: drafts, narrative, publishing (freeze, files, checksums), corrections,
access, and the background generation of a subtree."""

from __future__ import annotations

import hashlib
import importlib
import json
import sys
from datetime import date, datetime, time
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.core.cache import cache

from disclosure.exceptions import ApplicationError, NotFound
from disclosure.models import AnnualStatistics
from reports import services
from reports.models import AnnualReport, ReportFile
from reports.selectors import report_list_published, report_progress_get
from tests.factories import make_staff
from tests.reports.cases import apply, fee_notice, fee_paid, finish_narrative, reply

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    return tmp_path


@pytest.fixture
def new_draft(supervisor, agency):
    return services.report_draft_get_or_create(
        actor=supervisor, agency=agency, year=2024, template="2021", rollup=False
    )


@pytest.fixture
def draft(supervisor, new_draft):
    """A draft whose narrative staff have written."""
    return finish_narrative(supervisor, new_draft)


def test_draft_holds_only_what_staff_write_and_is_reused(supervisor, agency, new_draft):
    draft = new_draft
    assert (draft.version, draft.status) == (1, "draft")
    assert draft.overview == (
        "（一）主动公开\n（二）依申请公开\n（三）政府信息管理\n（请填写）\n"
        "（四）政府信息公开平台建设\n（请填写）\n（五）监督保障"
    )
    assert (
        draft.problems == "（一）存在的主要问题\n（请填写）\n（二）改进情况\n（请填写）"
    )
    assert draft.other_matters.startswith(
        "（一）收取信息处理费情况\n（二）落实上级年度政务公开工作要点情况\n（请填写）"
    )
    assert draft.key_areas == ""

    again = services.report_draft_get_or_create(
        actor=supervisor, agency=agency, year=2024, template="2021", rollup=False
    )

    assert again.pk == draft.pk
    assert AnnualReport.objects.count() == 1


def test_published_files_print_the_snapshots_figures(supervisor, agency, draft):
    """The draft was made with no case and no fee; publishing prints the figures of the
    snapshot (1 new case, 1 fee notice of 100 元), never the ones of the draft's day."""
    case = apply(agency, date(2024, 3, 4))
    fee_notice(supervisor, case, date(2024, 3, 8), pages=110)
    fee_paid(supervisor, case, date(2024, 3, 12))

    published = services.report_publish(
        actor=supervisor, report_id=draft.pk, formats=("html",)
    )

    snapshot = published.snapshot
    assert snapshot["table3"]["rows"]["R1"]["total"] == 1
    assert snapshot["fees"]["notices_issued"] == 1
    html = published.files.get().file.read().decode("utf-8")
    amount = snapshot["fees"]["notices_amount_yuan"]
    collected = snapshot["fees"]["collected_yuan"]
    assert (
        f"本年度共发出收费通知1件，总金额{amount}元；实际收取信息处理费1件，共计{collected}元。"
        in html
    )
    assert "本年度新收政府信息公开申请1件，上年结转0件" in html
    assert "新收政府信息公开申请0件" not in html
    assert "未发出收费通知" not in html
    assert "（请填写）" not in html
    # what staff wrote is printed under its sub-heading, after the figures
    assert html.index("（一）收取信息处理费情况") < html.index("本年度共发出收费通知")
    assert html.index("本年度共发出收费通知") < html.index("（二）落实上级")
    published.refresh_from_db()
    assert "收费通知" not in published.other_matters


def test_an_old_draft_with_stored_figures_prints_the_current_ones(supervisor, agency):
    """Drafts made before the figures were computed at render time stored them as text:
    those lines are replaced by the snapshot's figures."""
    report = AnnualReport.objects.create(
        agency=agency,
        year=2024,
        overview="（二）依申请公开\n本年度新收政府信息公开申请0件，上年结转0件；办结0件，其中"
        "予以公开0件、部分公开0件、不予公开0件、无法提供0件、不予处理0件、其他处理0件；"
        "结转下年度继续办理0件。\n工作人员写的文字。",
        problems="问题与改进。",
        other_matters="（一）收取信息处理费情况\n本年度未发出收费通知，未收取信息处理费。",
    )
    case = apply(agency, date(2024, 3, 4))
    fee_notice(supervisor, case, date(2024, 3, 8))

    services.report_publish(actor=supervisor, report_id=report.pk, formats=("html",))

    html = report.files.get().file.read().decode("utf-8")
    assert "本年度新收政府信息公开申请1件" in html
    assert "申请0件" not in html
    assert "工作人员写的文字。" in html
    assert "本年度共发出收费通知1件" in html
    assert "未发出收费通知" not in html


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
    last_year = finish_narrative(
        supervisor,
        services.report_draft_get_or_create(
            actor=supervisor, agency=agency, year=2023, template="2021", rollup=False
        ),
    )

    before = services.report_generate(
        agency=agency, year=2024, template="2021", rollup=False
    )
    services.report_publish(actor=supervisor, report_id=last_year.pk, formats=("json",))
    after = services.report_generate(
        agency=agency, year=2024, template="2021", rollup=False
    )

    assert before["checks"][4] == {
        "rule": "V5",
        "level": "warning",
        "ok": False,
        "message": "未核对：未找到2023年度已发布的年度报告，无法核对上年结转数。",
        "state": "not_checked",
    }
    assert after["checks"][4] == {
        "rule": "V5",
        "level": "warning",
        "ok": True,
        "message": "各列“上年结转”均与2023年度已发布报告的“结转下年度继续办理”一致。",
        "state": "passed",
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
    drafts = {
        report.agency.code: report
        for report in AnnualReport.objects.select_related("agency")
    }
    assert sorted(drafts) == ["XC", "XCCG", "XCJW"]
    assert all(
        (r.year, r.template, r.rollup, r.status, r.version)
        == (2024, "2021", False, "draft", 1)
        for r in drafts.values()
    )
    assert progress["results"] == [
        {"code": "XC", "name": "北京市西城区人民政府", "received": 0, "completed": 0,
         "carried_forward": 0, "errors": 0, "report_id": drafts["XC"].pk,
         "report_status": "draft"},
        {"code": "XCCG", "name": "北京市西城区城市管理监督指挥中心", "received": 1,
         "completed": 0, "carried_forward": 1, "errors": 0,
         "report_id": drafts["XCCG"].pk, "report_status": "draft"},
        {"code": "XCJW", "name": "北京市西城区教育委员会", "received": 0, "completed": 0,
         "carried_forward": 0, "errors": 0, "report_id": drafts["XCJW"].pk,
         "report_status": "draft"},
    ]  # fmt: skip

    # Running it again finds the same drafts; a published version is linked, untouched.
    AnnualReport.objects.filter(pk=drafts["XCJW"].pk).update(status="published")
    with django_capture_on_commit_callbacks(execute=True):
        again = services.report_tree_start(
            actor=supervisor, agency=district, year=2024, template="2021"
        )
    results = report_progress_get(job_id=again)["results"]
    assert AnnualReport.objects.count() == 3
    assert [(r["report_id"], r["report_status"]) for r in results] == [
        (drafts["XC"].pk, "draft"),
        (drafts["XCCG"].pk, "draft"),
        (drafts["XCJW"].pk, "published"),
    ]


def test_a_tree_job_queued_without_a_user_only_summarises(district, agency):
    cache.clear()
    services.report_tree_run(
        agency_id=district.pk, year=2024, template="2008", job_id="old-job"
    )

    progress = report_progress_get(job_id="old-job")
    assert progress["state"] == "done"
    assert [r["report_id"] for r in progress["results"]] == [None, None]
    assert AnnualReport.objects.count() == 0


def test_tree_generation_needs_a_supervisor(clerk, district):
    with pytest.raises(NotFound):
        services.report_tree_start(
            actor=clerk, agency=district, year=2024, template="2021"
        )


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        (
            {},
            "文字部分尚未完成，不能发布。“一、总体情况”中仍有“（请填写）”，请填写后再发布。"
            "“五、存在的主要问题及改进情况”中仍有“（请填写）”，请填写后再发布。"
            "“六、其他需要报告的事项”中仍有“（请填写）”，请填写后再发布。",
        ),
        (
            {"overview": "总体情况。", "problems": "", "other_matters": "无。"},
            "文字部分尚未完成，不能发布。“五、存在的主要问题及改进情况”是必须报告的内容，不能为空。",
        ),
        (
            {
                "overview": "总体情况。",
                "problems": "问题。",
                "other_matters": "（请填写）",
            },
            "文字部分尚未完成，不能发布。“六、其他需要报告的事项”中仍有“（请填写）”，请填写后再发布。",
        ),
    ],
    ids=["placeholders_case", "empty_problems_case", "one_placeholder_case"],
)
def test_publish_is_refused_while_the_narrative_is_unfinished(
    supervisor, new_draft, changes, message
):
    if changes:
        services.report_narrative_update(
            actor=supervisor, report_id=new_draft.pk, **changes
        )

    with pytest.raises(ApplicationError) as error:
        services.report_publish(
            actor=supervisor, report_id=new_draft.pk, formats=("json",)
        )

    assert (error.value.field, error.value.message) == ("narrative", message)
    new_draft.refresh_from_db()
    assert (new_draft.status, new_draft.snapshot, new_draft.sha256) == (
        "draft",
        None,
        "",
    )
    assert ReportFile.objects.count() == 0


def test_legacy_key_areas_placeholder_blocks_publishing(supervisor, agency):
    report = services.report_draft_get_or_create(
        actor=supervisor, agency=agency, year=2017, template="2008", rollup=False
    )
    report = finish_narrative(supervisor, report)
    services.report_narrative_update(
        actor=supervisor, report_id=report.pk, key_areas="（一）规范性文件\n（请填写）"
    )

    with pytest.raises(ApplicationError) as error:
        services.report_publish(
            actor=supervisor, report_id=report.pk, formats=("json",)
        )

    assert error.value.message == (
        "文字部分尚未完成，不能发布。“二、重点领域信息公开情况”中仍有“（请填写）”，请填写后再发布。"
    )


@pytest.mark.parametrize(
    ("today", "refused"),
    [
        (date(2026, 11, 29), True),
        (date(2026, 12, 31), True),
        (date(2027, 1, 1), False),
    ],
    ids=["in_the_year_case", "last_day_case", "next_year_case"],
)
def test_publish_waits_for_the_end_of_the_year(supervisor, agency, today, refused):
    moment = datetime.combine(today, time(12), tzinfo=ZoneInfo("Asia/Shanghai"))
    with time_machine.travel(moment, tick=False):
        report = finish_narrative(
            supervisor,
            services.report_draft_get_or_create(
                actor=supervisor,
                agency=agency,
                year=2026,
                template="2021",
                rollup=False,
            ),
        )
        problems = services.report_publish_problems(report=report)
        try:
            services.report_publish(
                actor=supervisor, report_id=report.pk, formats=("json",)
            )
        except ApplicationError as exc:
            error = exc
        else:
            error = None

    report.refresh_from_db()
    if not refused:
        assert (error, problems, report.status) == (None, [], "published")
        return
    message = "2026年度尚未结束，2027年1月1日起才能发布该年度报告。"
    assert (error.field, error.message) == ("year", message)
    assert report.status == "draft"
    assert ReportFile.objects.count() == 0
    # the preview's list of what stands in the way says the same
    assert problems == [message]


def test_migration_keeps_only_the_staffs_text_in_drafts(supervisor, agency):
    """reports/0003: the figure sentences drafts were prefilled with are removed from
    drafts; published versions stay exactly as they were published."""
    from django.apps import apps

    migration = importlib.import_module(
        "reports.migrations.0003_narrative_without_figures"
    )
    old_overview = (
        "（一）主动公开\n本年度，北京市西城区城市管理监督指挥中心制发规章0件、行政规范性文件0件，"
        "废止规章0件、行政规范性文件0件；截至年底，现行有效规章0件、行政规范性文件0件。\n"
        "（二）依申请公开\n本年度新收政府信息公开申请0件，上年结转0件；办结0件，其中予以公开0件、"
        "部分公开0件、不予公开0件、无法提供0件、不予处理0件、其他处理0件；"
        "结转下年度继续办理0件。\n我们的工作。"
    )
    old_other = "（一）收取信息处理费情况\n本年度未发出收费通知，未收取信息处理费。\n（二）其他\n无。"
    draft = AnnualReport.objects.create(
        agency=agency, year=2024, overview=old_overview, other_matters=old_other
    )
    legacy = AnnualReport.objects.create(
        agency=agency,
        year=2017,
        template="2008",
        overview="本年度，北京市西城区城市管理监督指挥中心共主动公开政府信息161条，其中重点领域"
        "公开政府信息22条；收到政府信息公开申请3件，办结3件，按时办结3件。",
        other_matters="本年度未发生依申请公开政府信息收费及诉讼有关费用。",
    )
    published = AnnualReport.objects.create(
        agency=agency, year=2023, overview=old_overview, status="published"
    )

    migration.strip_figures(apps, None)

    draft.refresh_from_db()
    legacy.refresh_from_db()
    published.refresh_from_db()
    assert draft.overview == "（一）主动公开\n（二）依申请公开\n我们的工作。"
    assert draft.other_matters == "（一）收取信息处理费情况\n（二）其他\n无。"
    assert (legacy.overview, legacy.other_matters) == ("（请填写）", "")
    assert published.overview == old_overview


def test_a_control_character_in_the_narrative_does_not_block_publishing(
    supervisor, draft
):
    # stored before the text was cleaned on saving (or by any other path)
    AnnualReport.objects.filter(pk=draft.pk).update(problems="问题\x0b与改进。")

    published = services.report_publish(actor=supervisor, report_id=draft.pk)

    assert sorted(f.format for f in published.files.all()) == [
        "docx", "html", "json", "pdf", "xlsx",
    ]  # fmt: skip
    # and the staff's form cleans it on saving
    other = services.report_draft_get_or_create(
        actor=supervisor, agency=draft.agency, year=2023, template="2021", rollup=False
    )
    services.report_narrative_update(
        actor=supervisor, report_id=other.pk, problems="甲\x0b乙\x00"
    )
    other.refresh_from_db()
    assert other.problems == "甲 乙"
