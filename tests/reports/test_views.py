"""The report pages (public list, detail, downloads; staff preview, publish, drill-down)
and the dashboard, for each kind of visitor."""

from __future__ import annotations

import json
from datetime import date
from decimal import Decimal

import pytest
from django.test import Client

from disclosure.models import AnnualStatistics
from reports import services
from reports.models import AnnualReport
from requests_app.models import Notification
from tests.factories import make_staff
from tests.reports.cases import apply, finish_narrative, reply

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path


def client_for(user=None) -> Client:
    client = Client()
    if user is not None:
        client.force_login(user)
    return client


@pytest.fixture
def new_draft(supervisor, agency):
    case = apply(agency, date(2024, 3, 4))
    reply(supervisor, case, "disclosed", date(2024, 3, 11))
    return services.report_draft_get_or_create(
        actor=supervisor, agency=agency, year=2024, template="2021", rollup=False
    )


@pytest.fixture
def draft(supervisor, new_draft):
    """A draft whose narrative staff have written."""
    return finish_narrative(supervisor, new_draft)


@pytest.fixture
def published(supervisor, draft):
    return services.report_publish(
        actor=supervisor, report_id=draft.pk, formats=("json", "html")
    )


def test_public_list_shows_published_reports_only(published, supervisor, other_agency):
    services.report_draft_get_or_create(
        actor=supervisor, agency=other_agency, year=2024, template="2021", rollup=False
    )

    response = client_for().get("/reports/")

    assert response.status_code == 200
    html = response.content.decode()
    assert "北京市西城区城市管理监督指挥中心2024年政府信息公开工作年度报告" in html
    assert "北京市西城区教育委员会2024年" not in html
    assert f'href="/reports/{published.pk}/download/json/"' in html
    assert f'href="/reports/{published.pk}/download/html/"' in html
    assert "reports/reports.css" in html


def test_public_detail_in_the_official_layout(published):
    response = client_for().get(f"/reports/{published.pk}/")

    assert response.status_code == 200
    html = response.content.decode()
    assert (
        "<h1>北京市西城区城市管理监督指挥中心2024年政府信息公开工作年度报告</h1>"
        in html
    )
    for text in (
        "二、主动公开政府信息情况",
        "第二十条第（一）项",
        "（本列数据的勾稽关系为：第一项加第二项之和，等于第三项加第四项之和）",
        "法人或其他组织",
        "3.要求提供公开出版物",
        "复议后起诉",
        "本年度未发出收费通知，未收取信息处理费。",
        published.sha256,
    ):
        assert text in html
    # no drill-down links for the public
    assert "/cases/" not in html
    assert 'style="' not in html


def test_a_draft_is_not_public(draft):
    assert client_for().get(f"/reports/{draft.pk}/").status_code == 404
    assert client_for().get(f"/reports/{draft.pk}/download/json/").status_code == 404


def test_download(published):
    response = client_for().get(f"/reports/{published.pk}/download/json/")

    assert response.status_code == 200
    assert response["Content-Type"] == "application/json; charset=utf-8"
    assert response["Content-Disposition"].startswith("attachment;")
    body = json.loads(b"".join(response.streaming_content))
    assert body == published.snapshot
    assert client_for().get(f"/reports/{published.pk}/download/pdf/").status_code == 404


@pytest.mark.parametrize(
    ("who", "status"),
    [("anonymous_case", 302), ("clerk_case", 403), ("supervisor_case", 200)],
    ids=["anonymous_case", "clerk_case", "supervisor_case"],
)
def test_staff_list_access(who, status, clerk, supervisor):
    user = {"anonymous_case": None, "clerk_case": clerk, "supervisor_case": supervisor}[
        who
    ]

    response = client_for(user).get("/reports/staff/")

    assert response.status_code == status
    if status == 302:
        assert response["Location"].startswith("/admin/login/")


def test_staff_creates_a_draft(supervisor, agency):
    response = client_for(supervisor).post(
        "/reports/staff/",
        {"new-agency": "XCCG", "new-year": "2024", "new-template": "2021"},
    )

    report = AnnualReport.objects.get()
    assert response.status_code == 302
    assert response["Location"] == f"/reports/staff/{report.pk}/"
    assert (report.agency, report.year, report.rollup) == (agency, 2024, False)


def test_staff_preview_links_every_figure_and_shows_checks(supervisor, draft):
    response = client_for(supervisor).get(f"/reports/staff/{draft.pk}/")

    assert response.status_code == 200
    html = response.content.decode()
    assert (
        f'href="/reports/staff/{draft.pk}/cases/?row=R1&amp;column=natural_person"'
        in html
    )
    assert f'href="/reports/staff/{draft.pk}/cases/?row=R3.1&amp;column=total"' in html
    assert (
        f'href="/reports/staff/{draft.pk}/cases/?table=4&amp;kind=reconsideration&amp;result=pending"'
        in html
    )
    assert html.count('class="drill"') == 25 * 7 + 15
    assert html.count("report-check report-check--ok") == 5
    assert "各列第一项加第二项之和均等于第三项加第四项之和。" in html
    # V5 could not run (no 2023 report published): 未核对, never 通过
    assert html.count("report-check report-check--unchecked") == 1
    assert (
        '<span class="report-check__rule">V5</span>\n'
        '          <span class="report-check__state">未核对</span>'
    ) in html
    assert "未核对：未找到2023年度已发布的年度报告，无法核对上年结转数。" in html
    assert 'name="overview"' in html
    assert 'name="key_areas"' not in html
    assert "disabled" not in html
    # the figure sentences are shown with the current figures, marked as generated
    assert (
        '<p class="report-figures" title="按数据自动生成，随数据更新">'
        "本年度新收政府信息公开申请1件，上年结转0件；办结1件，"
    ) in html
    assert "本年度未发出收费通知，未收取信息处理费。" in html


def test_preview_shows_why_an_unfinished_draft_cannot_be_published(
    supervisor, new_draft
):
    html = (
        client_for(supervisor).get(f"/reports/staff/{new_draft.pk}/").content.decode()
    )

    assert "<li>“一、总体情况”中仍有“（请填写）”，请填写后再发布。</li>" in html
    assert (
        "<li>“六、其他需要报告的事项”中仍有“（请填写）”，请填写后再发布。</li>" in html
    )
    assert 'disabled aria-describedby="publish-reason"' in html
    # the textarea holds only the staff's text, not the figures
    assert (
        "本年度新收政府信息公开申请"
        not in html.split('name="overview"')[1].split("</textarea>")[0]
    )


def test_publish_button_is_disabled_with_the_reason(supervisor, agency, draft):
    AnnualStatistics.objects.create(
        agency=agency, year=2024, admin_fees_wan_yuan=Decimal("-1")
    )

    html = client_for(supervisor).get(f"/reports/staff/{draft.pk}/").content.decode()

    assert "report-check report-check--error" in html
    assert "<p>校验未通过，不能发布：V6</p>" in html
    assert 'disabled aria-describedby="publish-reason"' in html


def test_staff_saves_the_narrative_and_publishes(supervisor, draft, settings):
    client = client_for(supervisor)

    response = client.post(
        f"/reports/staff/{draft.pk}/",
        {"overview": "总体情况。", "problems": "问题。", "other_matters": "其他。"},
    )
    draft.refresh_from_db()
    assert response.status_code == 302
    assert (draft.overview, draft.problems, draft.other_matters) == (
        "总体情况。",
        "问题。",
        "其他。",
    )

    response = client.post(f"/reports/staff/{draft.pk}/publish/", follow=True)

    draft.refresh_from_db()
    assert draft.status == "published"
    assert sorted(f.format for f in draft.files.all()) == [
        "docx",
        "html",
        "json",
        "pdf",
        "xlsx",
    ]
    html = response.content.decode()
    assert "年度报告已发布。" in html
    assert 'name="note"' in html


def test_staff_pages_of_other_agencies_are_missing(draft, other_agency):
    outsider = make_staff(other_agency, "supervisor")

    assert client_for(outsider).get(f"/reports/staff/{draft.pk}/").status_code == 404
    assert (
        client_for(outsider)
        .get(f"/reports/staff/{draft.pk}/cases/?row=R1&column=total")
        .status_code
        == 404
    )


def test_drilldown_lists_the_cases(supervisor, draft):
    response = client_for(supervisor).get(
        f"/reports/staff/{draft.pk}/cases/?row=R3.1&column=natural_person"
    )

    assert response.status_code == 200
    html = response.content.decode()
    assert "表三 （一）予以公开·自然人" in html
    assert "XCCG-2024-00001" in html
    assert "共1件" in html
    response = client_for(supervisor).get(
        f"/reports/staff/{draft.pk}/cases/?table=4&kind=reconsideration&result=pending"
    )
    assert response.status_code == 200
    assert "表四 行政复议·尚未审结" in response.content.decode()
    bad = client_for(supervisor).get(
        f"/reports/staff/{draft.pk}/cases/?row=R9&column=total"
    )
    assert bad.status_code == 404


def test_correction_from_the_staff_page(supervisor, published):
    response = client_for(supervisor).post(
        f"/reports/staff/{published.pk}/correct/", {"note": "更正第三项"}
    )

    correction = AnnualReport.objects.get(version=2)
    assert response["Location"] == f"/reports/staff/{correction.pk}/"
    assert correction.correction_note == "更正第三项"


def test_tree_generation_page(
    supervisor, district, agency, django_capture_on_commit_callbacks
):
    client = client_for(supervisor)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            "/reports/staff/tree/",
            {"tree-agency": "XC", "tree-year": "2024", "tree-template": "2021"},
        )
    assert response.status_code == 302
    job_url = response["Location"]

    page = client.get(job_url).content.decode()
    progress = client.get(job_url + "progress.json").json()

    assert progress["state"] == "done"
    assert (progress["done"], progress["total"]) == (2, 2)
    assert "reports/progress.js" in page
    assert "已完成，共 2 个机关。" in page
    # each agency's draft is saved and linked
    for report in AnnualReport.objects.all():
        assert f'<a href="/reports/staff/{report.pk}/">打开草稿</a>' in page
    assert AnnualReport.objects.count() == 2


def test_dashboard(supervisor, agency, other_agency, clerk):
    case = apply(agency, date(2026, 3, 2))
    reply(supervisor, case, "disclosed", date(2026, 3, 9))
    apply(other_agency, date(2026, 4, 1))
    Notification.objects.create(user=supervisor, key="k1", title="到期提醒")

    response = client_for(supervisor).get("/dashboard/?year=2026")

    assert response.status_code == 200
    html = response.content.decode()
    assert "未读通知 1 条" in html
    assert 'href="/dashboard/notifications/"' in html
    assert '<rect class="bar-received"' in html
    assert "3月收到1件" in html
    assert "北京市西城区人民政府及下级机关对比" in html
    assert "北京市西城区教育委员会" in html
    assert 'style="' not in html

    # a clerk sees their agency only, with no comparison
    clerk_html = client_for(clerk).get("/dashboard/?year=2026").content.decode()
    assert "4月收到1件" not in clerk_html
    assert "3月收到1件" in clerk_html
    assert "及下级机关对比" not in clerk_html


def test_dashboard_in_english(supervisor, agency):
    case = apply(agency, date(2026, 3, 2))
    reply(supervisor, case, "disclosed", date(2026, 3, 9))
    client = client_for(supervisor)
    client.post("/i18n/setlang/", {"language": "en", "next": "/dashboard/"})

    html = client.get("/dashboard/?year=2026").content.decode()

    assert '<html lang="en">' in html
    assert "Dashboard · 2026" in html
    assert "New applications this year" in html
    assert "Manage annual reports" in html
    assert "工作台" not in html
    assert "本年新收申请" not in html


def test_dashboard_needs_staff(django_user_model):
    outsider = django_user_model.objects.create_user("visitor", password="x-Pass-123")

    assert client_for().get("/dashboard/").status_code == 302
    assert client_for(outsider).get("/dashboard/").status_code == 403


def test_legacy_preview(supervisor, agency):
    report = services.report_draft_get_or_create(
        actor=supervisor, agency=agency, year=2017, template="2008", rollup=False
    )

    html = client_for(supervisor).get(f"/reports/staff/{report.pk}/").content.decode()

    assert "（一）主动公开情况" in html
    assert "政务微信公开政府信息数" in html
    assert "2019年以前格式没有表格勾稽校验。" in html
    assert (
        '<label class="field__label" for="id_key_areas">二、重点领域信息公开情况</label>'
        in html
    )
    assert (
        '<label class="field__label" for="id_overview">一、重点工作情况</label>' in html
    )


def test_legacy_key_areas_saved_and_previewed(supervisor, agency):
    report = services.report_draft_get_or_create(
        actor=supervisor, agency=agency, year=2017, template="2008", rollup=False
    )
    client = client_for(supervisor)

    client.post(
        f"/reports/staff/{report.pk}/",
        {
            "overview": "重点工作。",
            "key_areas": "（一）加强关注，推进规范性文件的公开\r\n加大了关注力度。",
            "other_matters": "",
            "problems": "问题与改进。",
        },
    )
    report.refresh_from_db()
    html = client.get(f"/reports/staff/{report.pk}/").content.decode()

    assert report.key_areas == "（一）加强关注，推进规范性文件的公开\n加大了关注力度。"
    assert "<h2>二、重点领域信息公开情况</h2>" in html
    assert (
        '<h3 class="report-subheading">（一）加强关注，推进规范性文件的公开</h3>'
        in html
    )
    assert "<p>加大了关注力度。</p>" in html


def test_admin_lists_reports_for_supervisors(supervisor, published, clerk):
    response = client_for(supervisor).get("/admin/reports/annualreport/")
    change = client_for(supervisor).get(
        f"/admin/reports/annualreport/{published.pk}/change/"
    )

    assert response.status_code == 200
    assert "北京市西城区城市管理监督指挥中心" in response.content.decode()
    assert change.status_code == 200
    assert 'name="overview"' not in change.content.decode()
    assert client_for(clerk).get("/admin/reports/annualreport/").status_code == 403
