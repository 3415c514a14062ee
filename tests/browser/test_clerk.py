"""A clerk's day in the admin, in a real browser: register a letter that came by post,
ask for a supplement, record it, reply, and download the reply letter."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from disclosure.selectors import calendar_get
from requests_app.deadlines import format_date
from requests_app.models import DisclosureRequest, Letter, LetterKind
from tests.browser.conftest import PASSWORD
from tests.browser.make_screenshots import down_to, readme_shot
from tests.factories import make_agency, make_resident_id, make_staff

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]

ID_NUMBER = make_resident_id(11, birth="19721108")


@pytest.fixture
def clerk():
    district = make_agency("XC", name="北京市西城区人民政府")
    agency = make_agency(
        "XCCG",
        name="北京市西城区城市管理监督指挥中心",
        parent=district,
        letter_prefix="西城城指公开",
    )
    user = make_staff(agency, "clerk", username="wang.clerk")
    user.set_password(PASSWORD)
    user.save(update_fields=["password"])
    return user


def last_workday_before(day):
    calendar = calendar_get()
    day -= timedelta(days=1)
    while not calendar.is_workday(day):
        day -= timedelta(days=1)
    return day


def admin_date(day) -> str:
    """A date as the admin shows it in Chinese (its first DATE_INPUT_FORMAT)."""
    return f"{day:%Y/%m/%d}"


def act(page, label: str) -> None:
    """Press one of the case page's action buttons and wait for its form."""
    page.locator(".object-tools").get_by_role("link", name=label, exact=True).click()
    page.wait_for_url("**/act/**")
    expect(page.locator("#content h1")).to_have_text(label)


def clock_due_line(page):
    return page.locator(".gk-clock .gk-due")


def test_register_supplement_reply_and_download(
    open_page, shot, staff_login, pdf_text, clerk
):
    today = timezone.localdate()
    received_on = last_workday_before(today)
    calendar = calendar_get()
    page = open_page()

    staff_login(
        page,
        username="wang.clerk",
        next_url="/admin/requests_app/disclosurerequest/add/",
    )

    # 登记: the letter of a natural person, received on the last working day.
    expect(page.get_by_label("申请方式")).to_have_value("letter")
    expect(page.locator(".gk-receipt-rule")).to_have_text(
        "信函：以行政机关签收之日为收到申请之日；平常信函等无需签收的，以与申请人确认之日为准。"
    )
    page.locator("#id_received_on").fill(admin_date(received_on))
    page.locator("#id_receipt_note").fill("挂号信，本机关签收日期")
    page.locator("#id_name").fill("赵建国")
    page.locator("#id_id_type").select_option("resident_id")
    page.locator("#id_id_number").fill(ID_NUMBER)
    page.locator("#id_phone").fill("010-66001234")
    page.locator("#id_address").fill("北京市西城区德胜门外大街83号（100088）")
    page.locator("#id_description").fill(
        "申请公开德胜门外大街占道经营整治的执法记录汇总表（2025年度）。"
    )
    page.locator("#id_formats").get_by_label("纸质").check()
    page.locator("#id_delivery").get_by_label("邮寄").check()
    shot(page, "register-form")
    page.locator("input[name=_save]").click()

    page.wait_for_url("**/change/")
    case = DisclosureRequest.objects.get()
    due_on = calendar.add_workdays(received_on, 20)
    assert (case.channel, case.received_on, case.due_on) == (
        "letter",
        received_on,
        due_on,
    )
    provisional = "（暂定）" if case.provisional else ""
    expect(page.locator(".messagelist .success")).to_have_text(
        f"已登记申请 {case.reference}，答复期限：{format_date(due_on)}{provisional}。"
    )
    expect(clock_due_line(page)).to_contain_text(f"答复期限 {format_date(due_on)}")
    shot(page, "registered")

    # 告知补正: the clock stops; no due date while the office waits.
    act(page, "告知补正")
    expect(page.locator("#id_requested_on")).to_have_value(admin_date(today))
    page.locator("#id_items").fill("请写明所需执法记录的时间范围和具体路段。")
    shot(page, "supplement-form")
    page.locator("input[name=apply]").click()
    page.wait_for_url("**/change/")
    expect(page.locator(".messagelist .success")).to_have_text(
        f"{case.reference}：已告知补正。"
    )
    expect(clock_due_line(page)).to_contain_text("暂停计时，当前没有答复期限")
    expect(clock_due_line(page)).to_contain_text("（恢复计时后剩余 20 个工作日）")
    shot(page, "awaiting-supplement")

    # 收到补正: the period restarts from the day the supplement arrived.
    act(page, "收到补正")
    page.locator("input[name=apply]").click()
    page.wait_for_url("**/change/")
    restarted_due_on = calendar.add_workdays(today, 20)
    expect(clock_due_line(page)).to_contain_text(
        f"答复期限 {format_date(restarted_due_on)}"
    )
    expect(page.locator(".gk-clock ol li")).to_contain_text(
        [
            f"收到申请：{format_date(received_on)}（不计当日）",
            f"告知补正：{format_date(today)}（第三十条）",
            f"答复截止日：{format_date(restarted_due_on)}（第20个工作日）",
        ]
    )
    readme_shot(page, "case-why-this-date", clip=down_to(page, ".gk-clock"))
    shot(page, "supplement-received")

    # 答复: 予以公开, today.
    act(page, "答复")
    page.locator("#id_outcome").select_option("disclosed")
    expect(page.locator("#id_replied_on")).to_have_value(admin_date(today))
    shot(page, "reply-form")
    page.locator("input[name=apply]").click()
    page.wait_for_url("**/change/")
    expect(page.locator(".messagelist .success")).to_have_text(
        f"{case.reference}：已答复。"
    )
    expect(page.locator(".field-status .readonly")).to_have_text("已办结")
    expect(page.locator(".field-outcome .readonly")).to_have_text("予以公开")
    case.refresh_from_db()
    assert (case.status, case.outcome, case.closed_on, case.on_time) == (
        "closed",
        "disclosed",
        today,
        True,
    )
    # Closed: no action is offered any more.
    expect(page.locator(".object-tools a", has_text="答复")).to_have_count(0)

    # The reply letter, as Word and as PDF, from the case page's letter table.
    letter = Letter.objects.get(request=case, kind=LetterKind.REPLY)
    letters = page.locator("section[aria-labelledby=gk-letters-title]")
    row = letters.locator("tbody tr", has_text=letter.number)
    expect(row).to_have_count(1)
    shot(page, "replied")
    with page.expect_download() as pdf_download:
        row.get_by_role("link", name="PDF").click()
    pdf = Path(pdf_download.value.path()).read_bytes()
    assert pdf.startswith(b"%PDF-")
    text = pdf_text(pdf)
    assert f"{letter.number}赵建国：" in text
    assert "本机关决定予以公开，现以纸质形式，通过邮寄方式向您提供该政府信息。" in text
    with letter.pdf.open("rb") as stored:
        assert pdf == stored.read()
    with page.expect_download() as docx_download:
        row.get_by_role("link", name="Word").click()
    docx = Path(docx_download.value.path()).read_bytes()
    assert docx.startswith(b"PK\x03\x04")  # a DOCX is a ZIP package
    with letter.docx.open("rb") as stored:
        assert docx == stored.read()
    assert (
        docx_download.value.suggested_filename == f"{letter.number}{letter.title}.docx"
    )
