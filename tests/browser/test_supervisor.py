"""A supervisor's path in a real browser: the dashboard's charts, then the annual report
from draft to publication, then the public list where anyone downloads it."""

from __future__ import annotations

import re
from datetime import date
from pathlib import Path

import pytest
from playwright.sync_api import expect

from reports import services as report_services
from reports.models import AnnualReport
from requests_app.services import request_reply
from tests.browser.conftest import PASSWORD
from tests.browser.make_screenshots import down_to, readme_shot
from tests.factories import make_agency, make_staff, make_uscc, register

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]

AGENCY_NAME = "北京市西城区城市管理监督指挥中心"
TITLE_2025 = f"{AGENCY_NAME}2025年政府信息公开工作年度报告"
TITLE_2024 = f"{AGENCY_NAME}2024年政府信息公开工作年度报告"
WRITTEN = "已按年度工作要点落实。"
PROBLEMS = (
    "一是部分申请答复说理不够充分；二是依申请公开办理台账更新不够及时。"
    "2026年将加强答复文书审核，每季度核对台账。"
)


def case(agency, received_on: date, actor, outcome: str = "", replied_on=None, **kw):
    """An application registered through the intake service, replied if asked."""
    disclosure_request = register(agency, received_on, **kw)
    if outcome:
        reasons = "涉及商业秘密，公开会损害第三方合法权益。"
        request_reply(
            actor=actor,
            request_id=disclosure_request.pk,
            outcome=outcome,
            replied_on=replied_on,
            reasons=reasons if outcome in ("partial", "refused.third_party") else "",
        )
    return disclosure_request


@pytest.fixture
def supervisor():
    """XCCG under the district XC, its supervisor, and a few cases of 2024 and 2025
    (fixed past dates: the dashboard is opened on 2025); the 2024 report is already
    published, so V5 compares 2025 with it."""
    district = make_agency("XC", name="北京市西城区人民政府")
    agency = make_agency(
        "XCCG", name=AGENCY_NAME, parent=district, letter_prefix="西城城指公开"
    )
    make_agency("XCJW", name="北京市西城区教育委员会", parent=district)
    user = make_staff(district, "supervisor", username="liu.supervisor")
    user.set_password(PASSWORD)
    user.save(update_fields=["password"])
    company = {
        "applicant_type": "enterprise",
        "id_type": "uscc",
        "id_number": make_uscc(3),
        "name": "北京某某物业管理有限公司",
    }

    case(agency, date(2024, 3, 4), user, "disclosed", date(2024, 3, 11))
    draft_2024 = report_services.report_draft_get_or_create(
        actor=user, agency=agency, year=2024, template="2021", rollup=False
    )
    report_services.report_narrative_update(
        actor=user,
        report_id=draft_2024.pk,
        **{
            key: getattr(draft_2024, key).replace("（请填写）", WRITTEN)
            for key in ("overview", "problems", "other_matters")
        },
    )
    report_services.report_publish(
        actor=user, report_id=draft_2024.pk, formats=("json", "html")
    )

    case(agency, date(2025, 3, 3), user, "disclosed", date(2025, 3, 20))
    case(agency, date(2025, 6, 2), user, "partial", date(2025, 6, 20), **company)
    case(agency, date(2025, 9, 26), user, "unavailable.not_held", date(2025, 10, 20))
    case(agency, date(2025, 12, 22), user)  # carried forward into 2026
    return user


def test_dashboard_then_report_from_draft_to_public_download(
    open_page, shot, staff_login, pdf_text, supervisor
):
    page = open_page()

    # 工作台 for 2025: figures and the server-drawn SVG charts.
    staff_login(page, username="liu.supervisor", next_url="/dashboard/")
    page.get_by_label("年度", exact=True).select_option("2025")
    page.get_by_role("button", name="查看").click()
    page.wait_for_url(re.compile(r"/dashboard/\?year=2025"))
    expect(page.get_by_role("heading", level=1)).to_have_text("工作台 · 2025年")
    monthly = page.get_by_role("img", name="按月收到和办结的申请")
    expect(monthly.locator("rect")).to_have_count(24)  # received and closed, 12 months
    expect(monthly.locator("rect.bar-received > title")).to_have_text(
        [f"{month}月收到{int(month in (3, 6, 9, 12))}件" for month in range(1, 13)]
    )
    expect(monthly.locator("rect.bar-closed > title")).to_have_text(
        [f"{month}月办结{int(month in (3, 6, 10))}件" for month in range(1, 13)]
    )
    outcomes = page.get_by_role("img", name="本年办结申请的办理结果")
    expect(outcomes.locator("rect.bar-outcome > title")).to_have_text(
        [
            "予以公开 1件",
            "部分公开 1件",
            "不予公开 0件",
            "无法提供 1件",
            "不予处理 0件",
            "其他处理 0件",
        ]
    )
    figures = page.locator(".dashboard__figures .figure")
    expect(
        figures.filter(has_text="本年新收申请").locator(".figure__value")
    ).to_have_text("4")
    expect(figures.filter(has_text="本年办结").locator(".figure__value")).to_have_text(
        "3"
    )
    readme_shot(page, "dashboard", clip=down_to(page, ".dashboard__panel"))
    shot(page, "dashboard")

    # 年度报告管理: open a draft of 2025 for XCCG.
    page.get_by_role("link", name="年度报告管理").click()
    page.wait_for_url("**/reports/staff/")
    new = page.locator("form", has=page.get_by_role("heading", name="编制年度报告"))
    new.get_by_label("机关", exact=True).select_option("XCCG")
    new.get_by_label("年度", exact=True).fill("2025")
    new.get_by_label("格式", exact=True).select_option("2021")
    shot(page, "staff-list")
    new.get_by_role("button", name="打开或新建草稿").click()
    page.wait_for_url("**/reports/staff/*/")
    report = AnnualReport.objects.get(year=2025)
    expect(page.get_by_role("heading", level=1)).to_have_text(TITLE_2025)
    expect(page.locator(".report-meta .status")).to_have_text("草稿")

    # The checks beside the preview: V1–V4 pass (and V5, V6 with them).
    checks = page.locator(".report-check")
    expect(checks.locator(".report-check__rule")).to_have_text(
        ["V1", "V2", "V3", "V4", "V5", "V6"]
    )
    expect(checks.locator(".report-check__state")).to_have_text(["通过"] * 6)
    shot(page, "draft-preview")

    # Publishing waits for the text: every （请填写） is listed, the button disabled.
    publish = page.locator("form[action$='/publish/']").get_by_role(
        "button", name="发布"
    )
    expect(publish).to_be_disabled()
    expect(page.locator(".publish-problems li")).to_have_count(3)

    # 一 and 六 filled in; 五、存在的主要问题及改进情况 written anew; saved.
    narrative = page.locator("form.report-narrative-form")
    for label in ("一、总体情况", "六、其他需要报告的事项"):
        field = narrative.get_by_label(label)
        field.fill(field.input_value().replace("（请填写）", WRITTEN))
    narrative.get_by_label("五、存在的主要问题及改进情况").fill(PROBLEMS)
    narrative.get_by_role("button", name="保存").click()
    page.wait_for_url(f"**/reports/staff/{report.pk}/")
    expect(page.locator(".report-messages")).to_have_text("已保存。")
    expect(
        page.locator("form.report-narrative-form").get_by_label(
            "五、存在的主要问题及改进情况"
        )
    ).to_have_value(PROBLEMS)
    expect(
        page.locator(".report-preview .report-narrative", has_text=PROBLEMS)
    ).to_have_count(1)
    report.refresh_from_db()
    assert report.problems == PROBLEMS
    shot(page, "narrative-saved")

    # 发布: every format is rendered and the version frozen.
    page.locator("form[action$='/publish/']").get_by_role("button", name="发布").click()
    page.wait_for_url(f"**/reports/staff/{report.pk}/")
    expect(page.locator(".report-messages")).to_have_text("年度报告已发布。")
    expect(page.locator(".report-meta .status")).to_have_text("已发布")
    report.refresh_from_db()
    assert report.status == "published"
    assert sorted(report.files.values_list("format", flat=True)) == [
        "docx",
        "html",
        "json",
        "pdf",
        "xlsx",
    ]
    shot(page, "published")

    # Anyone: /reports/ lists it with its downloads.
    public = open_page()
    public.goto("/reports/")
    rows = public.locator("table.report-list tbody tr")
    expect(rows.locator("td:nth-child(2) > a")).to_have_text([TITLE_2025, TITLE_2024])
    row = rows.filter(has_text=TITLE_2025)
    expect(row.locator(".downloads a")).to_have_text(
        ["JSON", "HTML", "Word", "Excel", "PDF"]
    )
    shot(public, "public-list")
    with public.expect_download() as pdf_download:
        row.get_by_role("link", name="PDF").click()
    assert pdf_download.value.suggested_filename == f"{TITLE_2025}.pdf"
    pdf = Path(pdf_download.value.path()).read_bytes()
    assert pdf.startswith(b"%PDF-")
    text = pdf_text(pdf)
    assert TITLE_2025 in text
    assert PROBLEMS in text
    with public.expect_download() as html_download:
        row.get_by_role("link", name="HTML").click()
    html = Path(html_download.value.path()).read_text(encoding="utf-8")
    assert TITLE_2025 in html
    assert PROBLEMS in html

    # The published report's own page, in the official layout.
    row.get_by_role("link", name=TITLE_2025).click()
    public.wait_for_url(f"**/reports/{report.pk}/")
    expect(public.get_by_role("heading", level=1)).to_have_text(TITLE_2025)
    expect(public.locator(".report-narrative", has_text=PROBLEMS)).to_have_count(1)
    readme_shot(public, "report")
    shot(public, "public-report")
