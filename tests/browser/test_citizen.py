"""The citizen's path in a real browser, on a desktop and on a phone: read how to apply,
fill in the form, keep the 查询码, track the case, and download the reply letter."""

from __future__ import annotations

from pathlib import Path

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from disclosure.selectors import calendar_get
from disclosure.templatetags.gongkai import cn_date
from requests_app.models import Applicant, DisclosureRequest, LetterKind
from requests_app.services import request_reply
from tests.browser.conftest import DESKTOP, PHONE
from tests.browser.make_screenshots import readme_shot, writing_screenshots
from tests.factories import make_agency, make_resident_id, make_staff

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]

VIEWPORTS = [pytest.param(DESKTOP, id="desktop"), pytest.param(PHONE, id="phone")]
ID_NUMBER = make_resident_id(7, birth="19900307")
BAD_CHECK_DIGIT = ID_NUMBER[:17] + ("0" if ID_NUMBER[17] != "0" else "1")
ID_ERROR = "居民身份证号码无效（应为18位，校验码须正确）。"


@pytest.fixture
def agency():
    district = make_agency("XC", name="北京市西城区人民政府")
    return make_agency(
        "XCCG",
        name="北京市西城区城市管理监督指挥中心",
        parent=district,
        letter_prefix="西城城指公开",
    )


def fill_application(page, agency, *, id_number: str) -> None:
    """Every field of the form, named as in the public API, found by its Chinese label."""
    page.get_by_label("受理机关").select_option(agency.code)
    page.get_by_label("申请人类型").select_option("natural_person")
    page.get_by_label("姓名或名称").fill("李文静")
    page.get_by_label("证件类型").select_option("resident_id")
    page.get_by_label("证件号码").fill(id_number)
    page.get_by_label("联系电话").fill("13912345678")
    page.get_by_label("电子邮箱").fill("li.wenjing@example.com")
    page.get_by_label("通信地址").fill("北京市西城区西直门南小街1号（100035）")
    page.get_by_label("所需政府信息的名称、文号或特征描述").fill(
        "请公开2025年西城区共享单车停放秩序专项整治的工作方案及执法情况统计。"
    )
    page.get_by_label("电子文档", exact=True).check()
    page.get_by_label("纸质", exact=True).check()
    page.get_by_label("电子邮件", exact=True).check()
    page.get_by_label("邮寄", exact=True).check()


def summary_value(page, term: str):
    """The <dd> beside the <dt> ``term`` in the page's summary list."""
    return (
        page.locator("dl.summary > div")
        .filter(has=page.locator("dt", has_text=term))
        .locator("dd")
    )


def summary_date(page, term: str):
    """The date of ``term`` (without the 暂定 tag a provisional due date carries)."""
    return summary_value(page, term).locator("time")


def assert_nothing_of_the_applicant(html: str, *, masked: str) -> None:
    """The tracking page shows the case, never who applied (not even the masked ID)."""
    for private in (
        ID_NUMBER,
        masked,
        "李文静",
        "13912345678",
        "li.wenjing@example.com",
    ):
        assert private not in html, private


@pytest.mark.parametrize("viewport", VIEWPORTS)
def test_apply_track_and_download_the_reply(
    open_page, shot, pdf_text, agency, viewport
):
    today = timezone.localdate()
    due_on = calendar_get().add_workdays(today, 20)
    clerk = make_staff(agency, "clerk", username="clerk")
    page = open_page(viewport=viewport)

    # How to apply, then the form.
    page.goto("/")
    expect(page.get_by_role("heading", level=1)).to_have_text("依申请公开政府信息")
    shot(page, "home")
    page.get_by_role("link", name="在线提交申请").click()
    page.wait_for_url("**/apply/")
    expect(page.get_by_role("heading", level=1)).to_have_text("政府信息公开申请表")
    shot(page, "form-empty")
    fill_application(page, agency, id_number=ID_NUMBER)
    if writing_screenshots():
        page.evaluate("window.scrollTo(0, 0)")
        readme_shot(page, "apply-phone" if viewport == PHONE else "apply-desktop")
    shot(page, "form-filled")
    page.get_by_role("button", name="提交申请").click()

    # The confirmation: reference, 查询码 and the due date for an application of today.
    page.wait_for_url("**/apply/done/**")
    case = DisclosureRequest.objects.get()
    assert case.received_on == today
    assert case.due_on == due_on
    expect(page.get_by_role("heading", level=1)).to_have_text("申请已提交")
    expect(summary_value(page, "申请编号")).to_have_text(case.reference)
    expect(page.locator("#query-code")).to_have_text(case.query_code)
    expect(summary_date(page, "收到申请日期")).to_have_text(cn_date(today))
    expect(summary_date(page, "答复截止日")).to_have_text(cn_date(due_on))
    expect(page.locator(".due-sentence")).to_contain_text(
        f"我们将在{cn_date(due_on)}前答复您（20个工作日，不含收到申请当日"
    )
    shot(page, "confirmation")
    query_code = page.locator("#query-code").inner_text()

    # Tracking with the 查询码 alone: dates, and nothing of who applied.
    page.get_by_role("navigation", name="主导航").get_by_role(
        "link", name="查询进度"
    ).click()
    page.wait_for_url("**/track/")
    page.get_by_label("查询码").fill(query_code)
    page.get_by_role("button", name="查询", exact=True).click()
    page.wait_for_url(f"**/track/{query_code}/")
    expect(page.get_by_role("heading", level=1)).to_have_text(case.reference)
    expect(summary_date(page, "收到申请日期")).to_have_text(cn_date(today))
    expect(summary_date(page, "答复截止日")).to_have_text(cn_date(due_on))
    expect(page.locator(".status")).to_have_text("办理中")
    masked = Applicant.objects.get().id_number_masked
    assert masked
    assert_nothing_of_the_applicant(page.content(), masked=masked)
    shot(page, "tracking-open")

    # The office replies; the citizen reloads and gets the reply letter.
    request_reply(
        actor=clerk, request_id=case.pk, outcome="disclosed", replied_on=today
    )
    page.reload()
    expect(page.locator(".status")).to_have_text("已办结")
    expect(summary_value(page, "办理结果")).to_have_text("予以公开")
    expect(summary_date(page, "办结日期")).to_have_text(cn_date(today))
    reply_link = page.locator("ul.letters a", has_text=str(LetterKind.REPLY.label))
    expect(reply_link).to_have_count(1)
    shot(page, "tracking-replied")
    with page.expect_download() as download_info:
        reply_link.click()
    download = download_info.value
    assert download.suggested_filename.endswith(".pdf")
    content = Path(download.path()).read_bytes()
    assert content.startswith(b"%PDF-")
    text = pdf_text(content)
    assert f"（申请编号：{case.reference}）" in text
    assert "本机关决定予以公开" in text
    assert_nothing_of_the_applicant(page.content(), masked=masked)


@pytest.mark.parametrize("viewport", VIEWPORTS)
def test_a_wrong_check_digit_is_shown_next_to_the_id_number(
    open_page, shot, agency, viewport
):
    page = open_page(viewport=viewport)
    page.goto("/apply/")
    fill_application(page, agency, id_number=BAD_CHECK_DIGIT)
    page.get_by_role("button", name="提交申请").click()

    expect(page).to_have_title("有错误：在线申请 · 政府信息公开平台")
    field = page.get_by_label("证件号码")
    error = page.locator("#id_id_number_error")
    expect(error).to_have_text(f"错误：{ID_ERROR}")
    expect(field).to_have_attribute("aria-invalid", "true")
    expect(field).to_have_attribute(
        "aria-describedby", "id_id_number_helptext id_id_number_error"
    )
    expect(field).to_have_value(BAD_CHECK_DIGIT)
    # Next to the field: in its own block, directly above the input.
    box, error_box = field.bounding_box(), error.bounding_box()
    assert 0 <= box["y"] - (error_box["y"] + error_box["height"]) <= 24
    assert abs(box["x"] - error_box["x"]) <= 4
    expect(page.locator(".error-summary a")).to_have_text([f"证件号码：{ID_ERROR}"])
    shot(page, "id-error")
    assert DisclosureRequest.objects.count() == 0
