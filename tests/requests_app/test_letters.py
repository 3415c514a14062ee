"""Letters (告知书): texts, numbers, DOCX/PDF files, idempotency and downloads."""

from __future__ import annotations

import subprocess
from datetime import date
from io import BytesIO

import pytest
from django.db import transaction
from django.urls import reverse
from docx import Document
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.oxml.ns import qn

from disclosure.calendar_seed import seed_calendar
from disclosure.exceptions import ApplicationError
from disclosure.models import Agency
from requests_app.letters import (
    CONTEXT_KEYS,
    LetterData,
    TemplateText,
    default_templates,
    fill,
    letter_compose,
    letter_context,
    letter_issue,
    letter_number,
    letter_template_validate,
    render_docx,
    render_pdf,
    render_pdf_html,
)
from requests_app.models import (
    Applicant,
    Counter,
    DisclosureRequest,
    EventKind,
    Letter,
    LetterKind,
    LetterTemplate,
    RequestEvent,
)
from requests_app.outcomes import CLOSING_ONLY, OUTCOMES, Outcome
from requests_app.services import (
    RegistrationData,
    request_close_lapsed,
    request_extend,
    request_issue_fee_notice,
    request_receive_supplement,
    request_register,
    request_reply,
    request_request_supplement,
    request_start_consultation,
    request_withdraw,
)
from tests.factories import applicant_data, register

RECEIVED = date(2025, 9, 26)
REPLIED = date(2025, 10, 20)
DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"


@pytest.fixture(autouse=True)
def private_media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "private"


def docx_text(data: bytes) -> str:
    return "\n".join(p.text for p in Document(BytesIO(data)).paragraphs)


def pdf_text(data: bytes, tmp_path) -> str:
    path = tmp_path / "letter.pdf"
    path.write_bytes(data)
    return subprocess.run(  # noqa: S603 - a fixed command on a test file
        ["pdftotext", "-layout", str(path), "-"],  # noqa: S607 - poppler-utils
        capture_output=True,
        check=True,
        text=True,
    ).stdout


def replied_case(agency, clerk, outcome: str = Outcome.DISCLOSED, **kwargs):
    case = register(agency, RECEIVED)
    return request_reply(
        actor=clerk,
        request_id=case.pk,
        outcome=outcome,
        replied_on=REPLIED,
        today=REPLIED,
        **kwargs,
    )


# --- pure ------------------------------------------------------------------------------


def test_letter_number_uses_full_width_brackets():
    assert letter_number(prefix="西城城指公开", year=2025, serial=12) == (
        "西城城指公开〔2025〕12号"
    )


@pytest.mark.parametrize(
    ("text", "case"),
    [
        pytest.param("您好{applicantt}", "unknown", id="unknown_case"),
        pytest.param("{applicant.__class__}", "attribute", id="attribute_case"),
        pytest.param("{applicant:>10}", "spec", id="format_spec_case"),
        pytest.param("{applicant", "unbalanced", id="unbalanced_case"),
    ],
)
def test_fill_refuses_what_is_not_a_known_placeholder(text, case):
    context = dict.fromkeys(CONTEXT_KEYS, "x")
    with pytest.raises(ApplicationError) as error:
        fill(text, context)
    assert error.value.field == "template"


def test_template_validation_for_the_editing_form():
    letter_template_validate(body="本机关于{received_on}收到{applicant}的申请。")
    with pytest.raises(ApplicationError) as error:
        letter_template_validate(body="{申请人}：")
    assert error.value.message == "文书模板中的占位符“{申请人}”无法识别。"


def test_default_texts_cover_every_kind_and_outcome_with_known_placeholders():
    defaults = default_templates()
    assert {kind for kind, _ in defaults} == set(LetterKind.values)
    assert {outcome for kind, outcome in defaults if kind == LetterKind.REPLY} == {
        "",
        *Outcome.values,
    }
    context = dict.fromkeys(CONTEXT_KEYS, "x")
    for text in defaults.values():
        fill(text.body, context)
    assert "{decision}" in defaults[LetterKind.REPLY, ""].body
    assert "行政复议" in defaults[LetterKind.REPLY, ""].body


def test_compose_sets_the_outcome_text_into_the_frame_and_drops_empty_lines():
    context = dict.fromkeys(CONTEXT_KEYS, "")
    context |= {
        "addressee": "张三",
        "number": "甲〔2025〕1号",
        "basis": "《条例》第十四条",
    }
    letter = letter_compose(
        frame=TemplateText("答复书", "开头\n{decision}\n{reasons}\n结尾"),
        specific=TemplateText("不予公开告知书", "根据{basis}。\n{reasons}"),
        context=context,
    )
    assert letter.title == "不予公开告知书"
    assert letter.paragraphs == ("开头", "根据《条例》第十四条。", "结尾")
    assert letter.text == "张三：\n开头\n根据《条例》第十四条。\n结尾"


def test_letter_context_of_a_supplement_notice_is_all_text():
    agency = Agency(code="XCCG", name="西城城指中心", phone="010-12345678")
    case = DisclosureRequest(
        agency=agency,
        applicant=Applicant(name="张三"),
        reference="XCCG-2025-00001",
        query_code="q" * 27,
        channel="letter",
        received_on=RECEIVED,
        description="城市管理案件统计",
        formats=["paper", "electronic"],
        delivery=[],
        due_on=None,
        supplement_requested_on=date(2025, 9, 29),
        supplement_period_days=15,
        supplement_items="请写明文号",
    )

    context = letter_context(
        case,
        kind=LetterKind.SUPPLEMENT,
        number="西城城指公开〔2025〕3号",
        issued_on=date(2025, 9, 29),
        calendar=seed_calendar(),
    )

    assert tuple(context) == CONTEXT_KEYS
    assert {key: value for key, value in context.items() if value} == {
        "addressee": "张三",
        "applicant": "张三",
        "reference": "XCCG-2025-00001",
        "query_code": "q" * 27,
        "received_on": "2025年9月26日",
        "channel": "信函",
        "description": "城市管理案件统计",
        "formats": "纸质、电子文档",
        "delivery": "适当",
        "agency": "西城城指中心",
        "agency_contact": "联系电话：010-12345678。",
        "number": "西城城指公开〔2025〕3号",
        "issued_on": "2025年9月29日",
        "reply_limit": "20",
        "extension_days": "20",
        "due_on": "另行告知的日期",
        "supplement_items": "请写明文号",
        "supplement_period": "15",
        "supplement_requested_on": "2025年9月29日",
        "supplement_last_day": "2025年10月27日",
        "extension_reason": "工作需要",
        "extended_due_on": "依法扣除不计入期限的时间后确定的期限届满日",
    }


SAMPLE = LetterData(
    title="政府信息公开告知书",
    number="西城城指公开〔2025〕1号",
    addressee="张三",
    paragraphs=("本机关于2025年9月26日收到您的申请。", "特此告知。"),
    agency_name="北京市西城区城市管理监督指挥中心",
    issued_on="2025年10月20日",
)


def test_render_docx_lays_out_an_a4_letter_with_east_asian_fonts():
    document = Document(BytesIO(render_docx(SAMPLE)))
    section = document.sections[0]
    # A4 in twentieths of a point, as Word stores it.
    assert (section.page_width.twips, section.page_height.twips) == (11906, 16838)
    paragraphs = document.paragraphs
    texts = [p.text for p in paragraphs]
    assert texts == [
        "政府信息公开告知书",
        "西城城指公开〔2025〕1号",
        "",
        "张三：",
        "本机关于2025年9月26日收到您的申请。",
        "特此告知。",
        "",
        "北京市西城区城市管理监督指挥中心",
        "2025年10月20日",
    ]
    assert paragraphs[0].alignment == WD_ALIGN_PARAGRAPH.CENTER
    assert paragraphs[1].alignment == WD_ALIGN_PARAGRAPH.RIGHT
    assert paragraphs[-1].alignment == WD_ALIGN_PARAGRAPH.RIGHT
    title_fonts = paragraphs[0].runs[0]._element.rPr.rFonts
    body_fonts = paragraphs[4].runs[0]._element.rPr.rFonts
    assert title_fonts.get(qn("w:eastAsia")) == "宋体"
    assert body_fonts.get(qn("w:eastAsia")) == "仿宋"
    assert paragraphs[0].runs[0].bold is True
    assert document.core_properties.title == "政府信息公开告知书"


def test_render_pdf_html_uses_the_noto_cjk_fonts_and_escapes_text():
    html = render_pdf_html(
        LetterData(
            SAMPLE.title,
            SAMPLE.number,
            "<script>",
            SAMPLE.paragraphs,
            SAMPLE.agency_name,
            SAMPLE.issued_on,
        )
    )
    assert '"Noto Serif CJK SC", "Noto Sans CJK SC"' in html
    assert "size: A4" in html
    assert "&lt;script&gt;：" in html
    assert "<script>" not in html


def test_render_pdf_is_a_pdf_whose_text_is_the_letter(tmp_path):
    data = render_pdf(SAMPLE)
    assert data.startswith(b"%PDF")
    text = pdf_text(data, tmp_path)
    assert "政府信息公开告知书" in text
    assert "西城城指公开〔2025〕1号" in text
    assert "2025年10月20日" in text


# --- issuing ---------------------------------------------------------------------------


def test_reply_letter_is_numbered_rendered_stored_and_recorded(agency, tmp_path, clerk):
    case = replied_case(agency, clerk)

    letter = letter_issue(request_id=case.pk, kind=LetterKind.REPLY)

    assert letter.number == "西城城指公开〔2025〕1号"
    assert (letter.year, letter.serial) == (2025, 1)
    assert letter.title == "政府信息公开告知书"
    assert letter.issued_on == REPLIED
    assert letter.body.startswith("张三：\n本机关于2025年9月26日收到您通过网络申请方式")
    docx = docx_text(letter.docx.read())
    assert "政府信息公开告知书" in docx
    assert "2025年9月26日" in docx
    assert "根据《条例》第三十六条第（二）项的规定，本机关决定予以公开" in docx
    assert "以电子文档形式，通过电子邮件方式向您提供" in docx
    assert "60日内依法申请行政复议" in docx
    assert "6个月内依法向人民法院提起行政诉讼" in docx
    assert docx.endswith("北京市西城区城市管理监督指挥中心\n2025年10月20日")
    pdf = letter.pdf.read()
    assert pdf.startswith(b"%PDF")
    assert "政府信息公开告知书" in pdf_text(pdf, tmp_path)
    assert letter.docx.name.endswith(".docx")
    assert letter.pdf.name.startswith("letters/")
    event = RequestEvent.objects.get(request=case, kind=EventKind.LETTER_ISSUED)
    assert event.payload == {
        "letter_id": letter.pk,
        "kind": "reply",
        "number": "西城城指公开〔2025〕1号",
    }
    assert event.effective_on == REPLIED

    second = letter_issue(
        request_id=register(agency, RECEIVED).pk, kind=LetterKind.ACKNOWLEDGEMENT
    )
    assert second.number == "西城城指公开〔2025〕2号"


def test_issuing_twice_returns_the_same_letter(agency, clerk):
    case = replied_case(agency, clerk)
    first = letter_issue(request_id=case.pk, kind=LetterKind.REPLY)

    again = letter_issue(request_id=case.pk, kind=LetterKind.REPLY)

    assert again.pk == first.pk
    assert Letter.objects.filter(request=case).count() == 1
    assert RequestEvent.objects.filter(kind=EventKind.LETTER_ISSUED).count() == 1
    assert Counter.objects.get(agency=agency, year=2025, kind="letter").last == 1


def test_explicit_issue_date_is_checked_and_sets_the_year(agency, clerk):
    case = replied_case(agency, clerk)
    with pytest.raises(ApplicationError) as error:
        letter_issue(
            request_id=case.pk, kind=LetterKind.REPLY, issued_on=date(2025, 9, 25)
        )
    assert error.value.message == "文书日期不能早于收到申请日期。"
    with pytest.raises(ApplicationError) as error:
        letter_issue(
            request_id=case.pk, kind=LetterKind.REPLY, issued_on=date(2099, 1, 4)
        )
    assert error.value.message == "文书日期不能晚于今天。"

    letter = letter_issue(
        request_id=case.pk, kind=LetterKind.REPLY, issued_on=date(2026, 1, 5)
    )

    assert (letter.issued_on, letter.number) == (
        date(2026, 1, 5),
        "西城城指公开〔2026〕1号",
    )
    assert docx_text(letter.docx.read()).endswith("2026年1月5日")


def test_agency_code_numbers_letters_when_there_is_no_prefix(agency, clerk):
    agency.letter_prefix = ""
    agency.save(update_fields=["letter_prefix"])
    case = register(agency, RECEIVED)

    letter = letter_issue(request_id=case.pk, kind=LetterKind.ACKNOWLEDGEMENT)

    assert letter.number == "XCCG〔2025〕1号"


# Title and the legal basis printed for every outcome a clerk's reply can have.
REPLY_LETTERS = {
    "disclosed": ("政府信息公开告知书", "《条例》第三十六条第（二）项"),
    "disclosed.already_public": ("政府信息公开告知书", "《条例》第三十六条第（一）项"),
    "partial": ("政府信息部分公开告知书", "《条例》第三十七条"),
    "refused.state_secret": ("政府信息不予公开告知书", "《条例》第十四条"),
    "refused.law_prohibits": ("政府信息不予公开告知书", "《条例》第十四条"),
    "refused.security_stability": ("政府信息不予公开告知书", "《条例》第十四条"),
    "refused.third_party": ("政府信息不予公开告知书", "《条例》第十五条"),
    "refused.internal_affairs": ("政府信息不予公开告知书", "《条例》第十六条第一款"),
    "refused.process_info": ("政府信息不予公开告知书", "《条例》第十六条第二款"),
    "refused.enforcement_file": ("政府信息不予公开告知书", "《条例》第十六条第二款"),
    "refused.query_matter": ("政府信息公开申请告知书", "《条例》第三十六条第（七）项"),
    "unavailable.not_held": ("政府信息不存在告知书", "《条例》第三十六条第（四）项"),
    "unavailable.other_agency": (
        "非本机关政府信息告知书",
        "《条例》第三十六条第（五）项",
    ),
    "unavailable.needs_creation": ("政府信息无法提供告知书", "《条例》第三十八条"),
    "unavailable.unclear": ("政府信息无法提供告知书", "《条例》第三十条"),
    "not_handled.petition": ("非政府信息公开申请告知书", "《条例》第三十九条第一款"),
    "not_handled.duplicate": (
        "重复申请政府信息公开告知书",
        "《条例》第三十六条第（六）项",
    ),
    "not_handled.publication": (
        "政府信息公开申请不予处理告知书",
        "《条例》第三十九条第二款",
    ),
    "not_handled.excessive": ("政府信息公开申请不予处理告知书", "《条例》第三十五条"),
    # No article: the office's practice; the letter says why the request is not one.
    "not_handled.confirmation": (
        "政府信息公开申请不予处理告知书",
        "不属于《条例》规定的政府信息公开申请",
    ),
    "other.other": ("政府信息公开申请答复书", "经研究，本申请按其他方式处理。"),
}


def test_reply_letters_are_listed_for_every_reply_outcome():
    assert set(REPLY_LETTERS) == set(Outcome.values) - CLOSING_ONLY
    cited = {code: basis for code, (_, basis) in REPLY_LETTERS.items()}
    without_article = {"not_handled.confirmation", "other.other"}
    assert {code: OUTCOMES[code].basis for code in cited.keys() - without_article} == {
        code: basis for code, basis in cited.items() if code not in without_article
    }


@pytest.mark.parametrize("outcome", sorted(REPLY_LETTERS))
def test_reply_letter_for_every_outcome(agency, outcome, clerk):
    title, basis = REPLY_LETTERS[outcome]
    case = register(agency, RECEIVED)
    if outcome == Outcome.UNAVAILABLE_UNCLEAR:
        request_request_supplement(
            actor=clerk,
            request_id=case.pk,
            requested_on=date(2025, 9, 29),
            items="请写明所需信息的名称或文号。",
            today=date(2025, 9, 29),
        )
        request_receive_supplement(
            actor=clerk,
            request_id=case.pk,
            received_on=date(2025, 10, 9),
            today=date(2025, 10, 9),
        )
    reasons = "经研究，本申请按其他方式处理。" if outcome == "other.other" else "理由甲"
    request_reply(
        actor=clerk,
        request_id=case.pk,
        outcome=outcome,
        replied_on=REPLIED,
        reasons=reasons,
        competent_agency_name="北京市西城区市场监督管理局",
        today=REPLIED,
    )

    letter = letter_issue(request_id=case.pk, kind=LetterKind.REPLY)

    assert letter.title == title
    assert basis in letter.body
    docx = docx_text(letter.docx.read())
    assert docx.startswith(f"{title}\n西城城指公开〔2025〕1号")
    assert basis in docx
    assert reasons in docx
    if outcome == Outcome.UNAVAILABLE_OTHER_AGENCY:
        assert "该政府信息由北京市西城区市场监督管理局负责公开" in docx
    if outcome == Outcome.UNAVAILABLE_UNCLEAR:
        assert (
            "本机关已于2025年9月29日告知您补正申请，您于2025年10月9日提交了补正" in docx
        )


def test_reply_letters_of_cases_closed_without_a_reply(agency, clerk):
    lapsed = register(agency, RECEIVED)
    request_request_supplement(
        actor=clerk,
        request_id=lapsed.pk,
        requested_on=date(2025, 9, 29),
        items="请写明所需信息的名称或文号。",
        today=date(2025, 9, 29),
    )
    request_close_lapsed(request_id=lapsed.pk, as_of=date(2025, 10, 28))
    unpaid = register(agency, RECEIVED)
    request_issue_fee_notice(
        actor=clerk,
        request_id=unpaid.pk,
        notice_on=date(2025, 10, 9),
        method="per_page",
        pages=250,
        today=date(2025, 10, 9),
    )
    request_close_lapsed(request_id=unpaid.pk, as_of=date(2025, 11, 6))
    withdrawn = register(agency, RECEIVED)
    request_withdraw(
        actor=clerk,
        request_id=withdrawn.pk,
        withdrawn_on=date(2025, 10, 10),
        today=date(2025, 10, 10),
    )

    letters = [
        letter_issue(request_id=case.pk, kind=LetterKind.REPLY)
        for case in (lapsed, unpaid, withdrawn)
    ]

    assert [(letter.title, letter.issued_on) for letter in letters] == [
        ("政府信息公开申请终止办理告知书", date(2025, 10, 28)),
        ("政府信息公开申请终止办理告知书", date(2025, 11, 6)),
        ("政府信息公开申请撤回确认书", date(2025, 10, 10)),
    ]
    assert (
        "本机关已于2025年9月29日告知您补正申请，补正期限为15个工作日（至2025年10月27日止）"
        "，您无正当理由逾期未补正。根据《条例》第三十条的规定，视为您放弃申请"
    ) in letters[0].body
    assert (
        "本机关已于2025年10月9日向您发出收费通知，缴费期限至2025年11月5日止"
    ) in letters[1].body
    assert "（国办函〔2020〕109号）" in letters[1].body
    assert "您已于2025年10月10日撤回该项政府信息公开申请" in letters[2].body


def test_reply_letter_needs_a_closed_case(agency):
    case = register(agency, RECEIVED)
    with pytest.raises(ApplicationError) as error:
        letter_issue(request_id=case.pk, kind=LetterKind.REPLY)
    assert error.value.message == "本申请尚未办结，不能生成答复书。"
    assert not Letter.objects.exists()


def test_unknown_kind_is_refused(agency):
    case = register(agency, RECEIVED)
    with pytest.raises(ApplicationError) as error:
        letter_issue(request_id=case.pk, kind="memo")
    assert error.value.field == "kind"


# --- notices during handling -----------------------------------------------------------


def test_acknowledgement_states_the_period_and_the_query_code(agency):
    case = register(agency, RECEIVED, channel="letter")

    letter = letter_issue(request_id=case.pk, kind=LetterKind.ACKNOWLEDGEMENT)

    assert letter.title == "政府信息公开申请接收回执"
    assert letter.issued_on == RECEIVED
    assert (
        f"本机关于2025年9月26日收到您通过信函方式提出的政府信息公开申请，申请编号为{case.reference}。"
    ) in letter.body
    assert (
        "自收到申请之日起20个工作日内作出答复（答复期限暂计至2025年10月30日）"
        in letter.body
    )
    assert f"您可以凭查询码{case.query_code}查询本申请的办理进度。" in letter.body


def test_supplement_notice_gives_items_period_last_day_and_consequence(agency, clerk):
    case = register(agency, RECEIVED)
    request_request_supplement(
        actor=clerk,
        request_id=case.pk,
        requested_on=date(2025, 9, 29),
        items="1.所需信息的名称或文号；\n2.身份证明。",
        today=date(2025, 9, 29),
    )

    letter = letter_issue(request_id=case.pk, kind=LetterKind.SUPPLEMENT)

    assert letter.title == "政府信息公开申请补正告知书"
    assert letter.issued_on == date(2025, 9, 29)
    paragraphs = letter.body.split("\n")
    assert paragraphs[3:5] == ["1.所需信息的名称或文号；", "2.身份证明。"]
    assert (
        "请您自本告知书发出之日起15个工作日内（即2025年10月27日之前，含当日）向本机关提交补正材料。"
    ) in letter.body
    assert "第三十条" in letter.body
    assert "您无正当理由逾期不补正的，视为放弃申请" in letter.body


def test_extension_notice_gives_the_new_due_date(agency, clerk):
    case = register(agency, RECEIVED)
    request_extend(
        actor=clerk,
        request_id=case.pk,
        approved_on=date(2025, 10, 20),
        reason="需要调取多个部门的档案",
        today=date(2025, 10, 20),
    )

    letter = letter_issue(request_id=case.pk, kind=LetterKind.EXTENSION)

    assert letter.title == "政府信息公开申请延期答复告知书"
    assert letter.issued_on == date(2025, 10, 20)
    assert (
        "因需要调取多个部门的档案，本机关不能在规定期限内作出答复。经本机关政府信息公开工作机构负责人同意，"
        "根据《中华人民共和国政府信息公开条例》第三十三条第二款的规定，答复期限延长20个工作日，"
        "本机关将于2025年11月27日之前作出答复。"
    ) in letter.body


def test_fee_notice_gives_method_amount_basis_and_last_day(agency, clerk):
    case = register(agency, RECEIVED)
    request_issue_fee_notice(
        actor=clerk,
        request_id=case.pk,
        notice_on=date(2025, 10, 9),
        method="per_page",
        pages=250,
        today=date(2025, 10, 9),
    )

    letter = letter_issue(request_id=case.pk, kind=LetterKind.FEE)

    assert letter.title == "政府信息公开申请收费通知书"
    assert "计收方式：按量计收。" in letter.body
    assert (
        "101—200页的部分，按20元/页收取；201页以上的部分，按40元/页收取。"
        in letter.body
    )
    assert "应缴金额：人民币4700.00元。" in letter.body
    assert "国办函〔2020〕109号" in letter.body
    assert (
        "请您自收到本通知书次日起20个工作日内（即2025年11月5日之前，含当日）缴纳。"
    ) in letter.body
    assert "您逾期未缴纳的，视为放弃申请" in letter.body


def test_consultation_letter_one_per_consultation_to_the_third_party(agency, clerk):
    case = register(agency, RECEIVED)
    request_start_consultation(
        actor=clerk,
        request_id=case.pk,
        party="北京某某科技有限公司",
        started_on=date(2025, 10, 9),
        today=date(2025, 10, 9),
    )

    first = letter_issue(request_id=case.pk, kind=LetterKind.CONSULTATION)
    again = letter_issue(request_id=case.pk, kind=LetterKind.CONSULTATION)
    request_start_consultation(
        actor=clerk,
        request_id=case.pk,
        party="李四",
        started_on=date(2025, 10, 10),
        today=date(2025, 10, 10),
    )
    second = letter_issue(request_id=case.pk, kind=LetterKind.CONSULTATION)

    assert again.pk == first.pk
    assert second.pk != first.pk
    assert first.title == "政府信息公开申请征求意见书"
    assert first.body.startswith("北京某某科技有限公司：\n")
    assert second.body.startswith("李四：\n")
    assert (
        "请你方自收到本征求意见书之日起15个工作日内（即2025年10月29日之前）向本机关提出书面意见"
    ) in first.body
    assert "第三十二条" in first.body
    # The third party is not told who applied.
    assert "张三" not in first.body
    assert [letter.number for letter in (first, second)] == [
        "西城城指公开〔2025〕1号",
        "西城城指公开〔2025〕2号",
    ]


def test_edited_template_is_used(agency, clerk):
    LetterTemplate.objects.filter(kind="reply", outcome="disclosed").update(
        title="政府信息公开答复书（予以公开）",
        body="经审查，予以公开（{basis}）。请于{closed_on}起十日内领取。",
    )
    case = replied_case(agency, clerk)

    letter = letter_issue(request_id=case.pk, kind=LetterKind.REPLY)

    assert letter.title == "政府信息公开答复书（予以公开）"
    assert (
        "经审查，予以公开（《条例》第三十六条第（二）项）。请于2025年10月20日起十日内领取。"
    ) in letter.body


def test_deleted_template_falls_back_to_the_default_text(agency, clerk):
    LetterTemplate.objects.filter(kind="reply").delete()
    case = replied_case(agency, clerk)

    letter = letter_issue(request_id=case.pk, kind=LetterKind.REPLY)

    assert letter.title == "政府信息公开告知书"
    assert "根据《条例》第三十六条第（二）项的规定，本机关决定予以公开" in letter.body


def test_bad_placeholder_stops_the_letter_and_uses_no_number(agency, clerk):
    LetterTemplate.objects.filter(kind="reply", outcome="").update(
        body="{decision}\n{remedy}"
    )
    case = replied_case(agency, clerk)

    with pytest.raises(ApplicationError) as error, transaction.atomic():
        letter_issue(request_id=case.pk, kind=LetterKind.REPLY)

    assert error.value.message == "文书模板中的占位符“{remedy}”无法识别。"
    assert not Letter.objects.exists()
    assert not Counter.objects.filter(kind="letter").exists()
    assert not RequestEvent.objects.filter(kind=EventKind.LETTER_ISSUED).exists()


def test_seeded_templates_are_editable_rows(db):
    assert LetterTemplate.objects.count() == len(default_templates()) == 30
    row = LetterTemplate.objects.get(kind="reply", outcome="refused.third_party")
    assert row.title == "政府信息不予公开告知书"


# --- downloads -------------------------------------------------------------------------


@pytest.fixture
def reply_letter(agency, clerk):
    return letter_issue(
        request_id=replied_case(agency, clerk).pk, kind=LetterKind.REPLY
    )


@pytest.mark.parametrize(
    ("file_format", "content_type", "magic"),
    [
        pytest.param("pdf", "application/pdf", b"%PDF", id="pdf_case"),
        pytest.param("docx", DOCX, b"PK", id="docx_case"),
    ],
)
def test_staff_download_of_own_agency_letter(
    client, clerk, reply_letter, file_format, content_type, magic
):
    client.force_login(clerk)
    url = reverse(
        "staff-letter-download",
        kwargs={"letter_id": reply_letter.pk, "file_format": file_format},
    )
    assert url == f"/staff/letters/{reply_letter.pk}/{file_format}/"

    response = client.get(url)

    assert response.status_code == 200
    assert response["Content-Type"] == content_type
    assert response["Content-Disposition"] == (
        "attachment; filename*=utf-8''"
        "%E8%A5%BF%E5%9F%8E%E5%9F%8E%E6%8C%87%E5%85%AC%E5%BC%80%E3%80%942025%E3%80%951"
        "%E5%8F%B7%E6%94%BF%E5%BA%9C%E4%BF%A1%E6%81%AF%E5%85%AC%E5%BC%80%E5%91%8A%E7%9F%A5"
        f"%E4%B9%A6.{file_format}"
    )
    assert b"".join(response.streaming_content).startswith(magic)


def test_staff_download_is_404_for_another_agency_and_missing_letters(
    client, other_clerk, supervisor, reply_letter
):
    client.force_login(other_clerk)
    assert client.get(f"/staff/letters/{reply_letter.pk}/pdf/").status_code == 404
    assert client.get(f"/staff/letters/{reply_letter.pk + 1}/pdf/").status_code == 404
    client.force_login(supervisor)
    assert client.get(f"/staff/letters/{reply_letter.pk}/docx/").status_code == 200


def test_staff_download_needs_a_login(client, reply_letter):
    response = client.get(f"/staff/letters/{reply_letter.pk}/pdf/")
    assert response.status_code == 302
    assert response["Location"] == (
        f"/admin/login/?next=/staff/letters/{reply_letter.pk}/pdf/"
    )


def test_public_download_with_the_query_code(client, agency, reply_letter):
    case = reply_letter.request
    other_case = register(agency, RECEIVED)
    other_letter = letter_issue(
        request_id=other_case.pk, kind=LetterKind.ACKNOWLEDGEMENT
    )
    url = f"/track/{case.query_code}/letters/{reply_letter.pk}.pdf"
    assert (
        reverse(
            "public-letter-pdf",
            kwargs={"query_code": case.query_code, "letter_id": reply_letter.pk},
        )
        == url
    )

    response = client.get(url)

    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"].startswith("attachment; filename*=utf-8''")
    assert response["Referrer-Policy"] == "no-referrer"
    assert b"".join(response.streaming_content).startswith(b"%PDF")
    assert (
        client.get(
            f"/track/{case.query_code}/letters/{other_letter.pk}.pdf"
        ).status_code
        == 404
    )
    assert client.get(f"/track/nope/letters/{reply_letter.pk}.pdf").status_code == 404


def test_public_download_never_serves_a_consultation_letter(client, agency, clerk):
    case = register(agency, RECEIVED)
    request_start_consultation(
        actor=clerk,
        request_id=case.pk,
        party="北京某某科技有限公司",
        started_on=date(2025, 10, 9),
        today=date(2025, 10, 9),
    )
    letter = letter_issue(request_id=case.pk, kind=LetterKind.CONSULTATION)

    response = client.get(f"/track/{case.query_code}/letters/{letter.pk}.pdf")

    assert response.status_code == 404


# --- control characters ------------------------------------------------------------------


def test_render_survives_control_characters(tmp_path):
    """A pasted vertical tab (Word's Shift+Enter) used to make python-docx refuse the
    letter ("All strings must be XML compatible")."""
    dirty = LetterData(
        "政府信息公开\x0b告知书",
        SAMPLE.number,
        "张\x00三",
        ("第一行\x0b第二行\x7f", "特此告知。"),
        SAMPLE.agency_name,
        SAMPLE.issued_on,
    )

    docx = docx_text(render_docx(dirty))
    html = render_pdf_html(dirty)

    assert docx.splitlines()[:5] == [
        "政府信息公开 告知书",
        "西城城指公开〔2025〕1号",
        "",
        "张 三：",
        "第一行 第二行 ",
    ]
    assert "\x0b" not in html
    assert "第一行 第二行" in html
    assert "第一行 第二行" in pdf_text(render_pdf(dirty), tmp_path)


def test_letter_issues_for_a_case_stored_with_a_control_character(agency, clerk):
    """A case registered before intake cleaned its text still gets its letter."""
    case = replied_case(
        agency, clerk, Outcome.PARTIAL, reasons="涉及第三方\x0b商业秘密"
    )
    DisclosureRequest.objects.filter(pk=case.pk).update(
        description="2025年\x0b城市管理案件统计", reasons="涉及第三方\x0b商业秘密"
    )

    letter = letter_issue(request_id=case.pk, kind=LetterKind.REPLY)

    assert "\x0b" not in letter.body
    assert "“2025年 城市管理案件统计”" in letter.body
    docx = docx_text(letter.docx.read())
    assert "涉及第三方 商业秘密" in docx
    assert letter.pdf.read().startswith(b"%PDF")


def test_letter_issues_for_a_case_registered_with_a_control_character(agency):
    case = request_register(
        agency=agency,
        applicant_data=applicant_data(name="张三\x0b"),
        registration=RegistrationData(
            channel="online",
            received_on=RECEIVED,
            description="2025年\x0b城市管理案件统计",
            formats=("electronic",),
            delivery=("email",),
        ),
        today=REPLIED,
    )
    assert DisclosureRequest.objects.get(pk=case.pk).description == (
        "2025年 城市管理案件统计"
    )

    letter = letter_issue(request_id=case.pk, kind=LetterKind.ACKNOWLEDGEMENT)

    docx = docx_text(letter.docx.read())
    assert docx.splitlines()[3] == "张三："
    assert "“2025年 城市管理案件统计”" in docx
