"""Letters to applicants and third parties (文书、告知书): their texts, numbers and files.

Three layers, kept apart:

- the editable texts: ``LetterTemplate`` rows (seeded from ``templates/letters/defaults.toml``,
  which is also the fallback when a row has been deleted);
- pure functions: :func:`letter_context` turns a case into the placeholder values,
  :func:`letter_compose` fills the texts, :func:`render_docx`, :func:`render_pdf_html`
  and :func:`render_pdf` turn the result into files;
- :func:`letter_issue`, the one service that numbers a letter
  (``{prefix}〔YYYY〕{n}号``, never reused), stores both files and records the event.

The titles and the common content of reply letters follow ogi-rules §6.3; the legal
basis printed is the one recorded on the case (``OUTCOMES[code].basis``).
"""

from __future__ import annotations

import string
import tomllib
from collections.abc import Mapping
from dataclasses import dataclass, replace
from datetime import date
from functools import lru_cache
from io import BytesIO
from pathlib import Path
from types import MappingProxyType

from django.core.files.base import ContentFile
from django.db import transaction
from django.template.loader import render_to_string
from django.utils import timezone, translation

from disclosure.calendars import WorkingDayCalendar
from disclosure.exceptions import ApplicationError, NotFound
from disclosure.models import Channel, User
from disclosure.selectors import calendar_get
from disclosure.text import text_clean
from requests_app import deadlines, fees
from requests_app.models import (
    Consultation,
    Delivery,
    DisclosureRequest,
    EventKind,
    FeeMethodChoice,
    InfoFormat,
    Letter,
    LetterKind,
    LetterTemplate,
    RequestEvent,
)
from requests_app.outcomes import OUTCOMES, Outcome
from requests_app.selectors import (
    request_get_for_staff,
    request_get_for_update,
    request_get_public,
)
from requests_app.services import next_serial
from requests_app.workflow import Status

DEFAULTS_PATH = (
    Path(__file__).resolve().parent.parent / "templates" / "letters" / "defaults.toml"
)

# The applicant's own letters; a consultation letter goes to a third party and is never
# shown to the applicant.
APPLICANT_KINDS = frozenset(
    {
        LetterKind.ACKNOWLEDGEMENT,
        LetterKind.SUPPLEMENT,
        LetterKind.EXTENSION,
        LetterKind.FEE,
        LetterKind.REPLY,
    }
)

DOCX_CONTENT_TYPE = (
    "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
)
PDF_CONTENT_TYPE = "application/pdf"

# Every placeholder a letter text may use; each is always present (empty when the case
# has no such fact), so a template is checked against one fixed list.
CONTEXT_KEYS: tuple[str, ...] = (
    "addressee",
    "applicant",
    "reference",
    "query_code",
    "received_on",
    "channel",
    "description",
    "formats",
    "delivery",
    "agency",
    "agency_contact",
    "number",
    "issued_on",
    "reply_limit",
    "extension_days",
    "due_on",
    "outcome",
    "basis",
    "reasons",
    "competent_agency",
    "closed_on",
    "decision",
    "supplement_items",
    "supplement_period",
    "supplement_requested_on",
    "supplement_last_day",
    "supplement_received_on",
    "extension_reason",
    "extended_on",
    "extended_due_on",
    "party",
    "consultation_started_on",
    "consultation_reply_due_on",
    "fee_method",
    "fee_amount",
    "fee_detail",
    "fee_tiers",
    "fee_notice_on",
    "fee_last_day",
)

FEE_TIERS = {
    FeeMethodChoice.PER_ITEM: (
        "同一申请人一个自然月内累计申请10件以下（含10件）的，不收费；11—30件的部分，"
        "按100元/件收取；31件以上的部分，以10件为一档，每增加一档，收费标准提高100元/件。"
    ),
    FeeMethodChoice.PER_PAGE: (
        "同一申请30页以下（含30页）的，不收费；31—100页的部分，按10元/页收取；"
        "101—200页的部分，按20元/页收取；201页以上的部分，按40元/页收取。"
    ),
}

_FALLBACK_DECISION = "本申请的办理结果为：{outcome}（依据：{basis}）。\n{reasons}"
_FORMATTER = string.Formatter()


# --- pure: texts and context -------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class TemplateText:
    """The editable part of a letter: its title and its body with placeholders."""

    title: str
    body: str


@dataclass(frozen=True, slots=True)
class LetterFacts:
    """What a letter states beyond the case row itself (from its events)."""

    consultation: Consultation | None = None
    extended_due_on: date | None = None
    extension_reason: str = ""
    fee_nth_in_month: int | None = None


@dataclass(frozen=True, slots=True)
class LetterData:
    """A composed letter, ready to render: everything is final text."""

    title: str
    number: str
    addressee: str
    paragraphs: tuple[str, ...]
    agency_name: str
    issued_on: str

    @property
    def text(self) -> str:
        """The letter as plain text (stored on ``Letter.body``)."""
        return "\n".join((f"{self.addressee}：", *self.paragraphs))


@lru_cache(maxsize=1)
def default_templates() -> Mapping[tuple[str, str], TemplateText]:
    """The default texts by (kind, outcome), from ``templates/letters/defaults.toml``."""
    with DEFAULTS_PATH.open("rb") as handle:
        rows = tomllib.load(handle)["template"]
    return MappingProxyType(
        {
            (row["kind"], row["outcome"]): TemplateText(row["title"], row["body"])
            for row in rows
        }
    )


def letter_number(*, prefix: str, year: int, serial: int) -> str:
    """文号: ``西城城指公开〔2025〕1号``."""
    return f"{prefix}〔{year}〕{serial}号"


def _date(day: date | None, missing: str = "") -> str:
    return deadlines.format_date(day) if day else missing


def _labels(codes: list[str], choices: type[InfoFormat] | type[Delivery]) -> str:
    labels = [str(choices(code).label) for code in codes if code in choices.values]
    return "、".join(labels) or "适当"


def _agency_contact(disclosure_request: DisclosureRequest) -> str:
    agency = disclosure_request.agency
    parts = [
        f"{label}：{value}"
        for label, value in (
            ("联系地址", agency.address),
            ("邮政编码", agency.postcode),
            ("联系电话", agency.phone),
            ("电子邮箱", agency.email),
        )
        if value
    ]
    return "；".join(parts) + "。" if parts else ""


def _fee_detail(method: str, nth_in_month: int | None) -> str:
    if method == FeeMethodChoice.PER_ITEM and nth_in_month:
        return (
            f"本申请为您本自然月内向本机关提出的第{nth_in_month}件申请，"
            f"适用{fees.per_item_fee(nth_in_month)}元/件的标准。"
        )
    if method == FeeMethodChoice.PER_PAGE:
        return "按本申请需要提供的政府信息页数，分段累进计算。"
    return ""


def letter_context(
    disclosure_request: DisclosureRequest,
    *,
    kind: str,
    number: str,
    issued_on: date,
    calendar: WorkingDayCalendar,
    facts: LetterFacts | None = None,
) -> dict[str, str]:
    """The placeholder values of a letter about ``disclosure_request``, all text.

    Pure: reads the case (with its agency and applicant already loaded), ``facts`` and
    the calendar value object; dates come out as 2025年10月30日. The last day to
    supplement is WD(supplement_requested_on, P) (C3); the last day to pay is
    WD(fee_notice_on, 20) (C5); a consulted party answers by WD(started_on, 15) (C4).
    """
    facts = facts or LetterFacts()
    case = disclosure_request
    regime = deadlines.regime_for(case.received_on)
    supplement_last_day = None
    if case.supplement_requested_on:
        supplement_last_day, _ = deadlines.supplement_lapse(
            case.supplement_requested_on,
            case.supplement_period_days or case.agency.supplement_period_days,
            calendar,
        )
    fee_last_day = None
    if case.fee_notice_on:
        fee_last_day, _ = deadlines.fee_lapse(case.fee_notice_on, calendar)
    consultation = facts.consultation
    outcome = case.outcome
    return {
        "addressee": consultation.party
        if kind == LetterKind.CONSULTATION and consultation
        else case.applicant.name,
        "applicant": case.applicant.name,
        "reference": case.reference,
        "query_code": case.query_code,
        "received_on": _date(case.received_on),
        "channel": str(Channel(case.channel).label)
        if case.channel in Channel.values
        else case.channel,
        # Quoted inside a sentence (“…”。): its own closing full stop would double it.
        "description": case.description.strip().rstrip("。.；;"),
        "formats": _labels(case.formats, InfoFormat),
        "delivery": _labels(case.delivery, Delivery),
        "agency": case.agency.name,
        "agency_contact": _agency_contact(case),
        "number": number,
        "issued_on": _date(issued_on),
        "reply_limit": str(regime.reply_limit),
        "extension_days": str(regime.extension_days),
        "due_on": _date(case.due_on, "另行告知的日期"),
        "outcome": str(Outcome(outcome).label) if outcome in Outcome.values else "",
        "basis": case.outcome_basis
        or (OUTCOMES[outcome].basis if outcome in OUTCOMES else ""),
        "reasons": case.reasons,
        "competent_agency": case.competent_agency_name,
        "closed_on": _date(case.closed_on),
        "decision": "",
        "supplement_items": case.supplement_items,
        "supplement_period": str(case.supplement_period_days or ""),
        "supplement_requested_on": _date(case.supplement_requested_on),
        "supplement_last_day": _date(supplement_last_day),
        "supplement_received_on": _date(case.supplement_received_on),
        "extension_reason": facts.extension_reason or "工作需要",
        "extended_on": _date(case.extended_on),
        "extended_due_on": _date(
            facts.extended_due_on, "依法扣除不计入期限的时间后确定的期限届满日"
        ),
        "party": consultation.party if consultation else "",
        "consultation_started_on": _date(consultation.started_on)
        if consultation
        else "",
        "consultation_reply_due_on": _date(
            consultation.reply_due_on
            or deadlines.consultation_reply_due(consultation.started_on, calendar)
        )
        if consultation
        else "",
        "fee_method": str(FeeMethodChoice(case.fee_method).label)
        if case.fee_method in FeeMethodChoice.values
        else "",
        "fee_amount": f"{case.fee_amount_yuan:.2f}"
        if case.fee_amount_yuan is not None
        else "",
        "fee_detail": _fee_detail(case.fee_method, facts.fee_nth_in_month),
        "fee_tiers": FEE_TIERS.get(case.fee_method, ""),
        "fee_notice_on": _date(case.fee_notice_on),
        "fee_last_day": _date(fee_last_day),
    }


def fill(text: str, context: Mapping[str, str]) -> str:
    """``text`` with its ``{placeholders}`` replaced (``str.format_map``).

    Only bare names of ``context`` are accepted: an unknown name, an attribute or index
    lookup or a format spec raises ApplicationError, so a mistyped template stops the
    letter instead of printing ``{typo}`` in an official document.
    """
    try:
        fields = [
            (name, spec, conversion)
            for _, name, spec, conversion in _FORMATTER.parse(text)
            if name is not None
        ]
    except ValueError as exc:
        raise ApplicationError(
            "文书模板中的花括号不成对，请检查占位符。", field="template"
        ) from exc
    for name, spec, conversion in fields:
        if name not in context or spec or conversion:
            raise ApplicationError(
                f"文书模板中的占位符“{{{name}}}”无法识别。", field="template"
            )
    return text.format_map(context)


def letter_template_validate(*, body: str) -> None:
    """Raise ApplicationError when a letter text uses a placeholder that letters do not
    have (for the template editing form: better refused there than at issue time)."""
    fill(body, dict.fromkeys(CONTEXT_KEYS, ""))


def _paragraphs(text: str) -> tuple[str, ...]:
    return tuple(line.strip() for line in text.splitlines() if line.strip())


def letter_compose(
    *,
    frame: TemplateText,
    specific: TemplateText | None,
    context: Mapping[str, str],
) -> LetterData:
    """Fill the texts. A reply letter is its outcome's text (``specific``) set into the
    frame at ``{decision}``, under the outcome's title; other letters are the frame.

    Control characters in the values are replaced by spaces first (:func:`text_clean`):
    a pasted \\x0b would otherwise split a quoted description into two paragraphs
    (``str.splitlines`` breaks on it) or make the DOCX unwritable.
    """
    title = frame.title
    context = {name: text_clean(value) for name, value in context.items()}
    values = dict(context)
    if specific is not None:
        title = specific.title
        values["decision"] = "\n".join(_paragraphs(fill(specific.body, context)))
    return LetterData(
        title=title,
        number=context["number"],
        addressee=context["addressee"],
        paragraphs=_paragraphs(fill(frame.body, values)),
        agency_name=context["agency"],
        issued_on=context["issued_on"],
    )


# --- pure: rendering -------------------------------------------------------------------


def letter_text_clean(letter_data: LetterData) -> LetterData:
    """``letter_data`` with control characters replaced (:func:`text_clean`).

    A safety net: the services clean free text on the way in, but a case stored before
    that (or an edited template) may still hold a pasted \\x0b, and one such character
    makes python-docx refuse the whole letter ("All strings must be XML compatible").
    """
    return replace(
        letter_data,
        title=text_clean(letter_data.title),
        number=text_clean(letter_data.number),
        addressee=text_clean(letter_data.addressee),
        paragraphs=tuple(text_clean(text) for text in letter_data.paragraphs),
        agency_name=text_clean(letter_data.agency_name),
        issued_on=text_clean(letter_data.issued_on),
    )


_BODY_FONT = "仿宋"
_TITLE_FONT = "宋体"
_LATIN_FONT = "Times New Roman"


def _set_run_font(run, *, east_asian: str, size_pt: float, bold: bool = False) -> None:
    from docx.oxml.ns import qn
    from docx.shared import Pt

    run.font.name = _LATIN_FONT
    run.font.size = Pt(size_pt)
    run.font.bold = bold
    # python-docx's font.name sets only the Latin slots; Chinese text uses w:eastAsia.
    run._element.get_or_add_rPr().get_or_add_rFonts().set(qn("w:eastAsia"), east_asian)


def render_docx(letter_data: LetterData) -> bytes:
    """The letter as a DOCX: A4 with official-document margins (GB/T 9704), the title in
    宋体 二号 centred, the number right-aligned, the body in 仿宋 三号 with a two-character
    indent, the agency and the date right-aligned."""
    from docx import Document
    from docx.enum.text import WD_ALIGN_PARAGRAPH, WD_LINE_SPACING
    from docx.shared import Mm, Pt

    letter_data = letter_text_clean(letter_data)
    document = Document()
    section = document.sections[0]
    section.page_width, section.page_height = Mm(210), Mm(297)
    section.top_margin, section.bottom_margin = Mm(37), Mm(35)
    section.left_margin, section.right_margin = Mm(28), Mm(26)
    document.core_properties.title = letter_data.title

    def paragraph(
        text: str,
        *,
        align=WD_ALIGN_PARAGRAPH.LEFT,
        indent: bool = False,
        keep_with_next: bool = False,
        east_asian: str = _BODY_FONT,
        size_pt: float = 16,
        bold: bool = False,
    ):
        block = document.add_paragraph()
        block.alignment = align
        layout = block.paragraph_format
        layout.keep_with_next = keep_with_next
        layout.space_before = layout.space_after = Pt(0)
        layout.line_spacing_rule = WD_LINE_SPACING.EXACTLY
        layout.line_spacing = Pt(29)
        if indent:
            layout.first_line_indent = Pt(2 * size_pt)
        if text:
            _set_run_font(
                block.add_run(text), east_asian=east_asian, size_pt=size_pt, bold=bold
            )
        return block

    title = paragraph(
        letter_data.title,
        align=WD_ALIGN_PARAGRAPH.CENTER,
        east_asian=_TITLE_FONT,
        size_pt=22,
        bold=True,
    )
    title.paragraph_format.line_spacing = Pt(40)
    title.paragraph_format.space_after = Pt(12)
    paragraph(letter_data.number, align=WD_ALIGN_PARAGRAPH.RIGHT)
    paragraph("")
    paragraph(f"{letter_data.addressee}：")
    last = len(letter_data.paragraphs)
    for position, text in enumerate(letter_data.paragraphs, start=1):
        # The last paragraph keeps with the signature, which never stands alone.
        paragraph(
            text,
            align=WD_ALIGN_PARAGRAPH.JUSTIFY,
            indent=True,
            keep_with_next=position == last,
        )
    paragraph("", keep_with_next=True)
    paragraph(
        letter_data.agency_name, align=WD_ALIGN_PARAGRAPH.RIGHT, keep_with_next=True
    )
    paragraph(letter_data.issued_on, align=WD_ALIGN_PARAGRAPH.RIGHT)
    buffer = BytesIO()
    document.save(buffer)
    return buffer.getvalue()


def render_pdf_html(letter_data: LetterData) -> str:
    """The HTML (with print CSS and the Noto CJK fonts) that WeasyPrint turns into the
    PDF; ``templates/letters/letter.html``."""
    return render_to_string(
        "letters/letter.html", {"letter": letter_text_clean(letter_data)}
    )


def render_pdf(letter_data: LetterData) -> bytes:
    """The letter as a PDF (WeasyPrint)."""
    # Imported here: WeasyPrint loads Pango and fonts, which only letter issuing needs.
    from weasyprint import HTML

    return HTML(string=render_pdf_html(letter_data)).write_pdf()


# --- service ---------------------------------------------------------------------------


def _templates_for(kind: str, outcome: str) -> tuple[TemplateText, TemplateText | None]:
    """The frame of ``kind`` and, for a reply, its outcome's text: the edited row if
    there is one, else the default text."""
    wanted = {""} | ({outcome} if kind == LetterKind.REPLY and outcome else set())
    rows = {
        row.outcome: TemplateText(row.title, row.body)
        for row in LetterTemplate.objects.filter(kind=kind, outcome__in=wanted)
    }
    defaults = default_templates()
    frame = rows.get("") or defaults[kind, ""]
    if kind != LetterKind.REPLY:
        return frame, None
    specific = rows.get(outcome) or defaults.get((kind, outcome))
    return frame, specific or TemplateText(frame.title, _FALLBACK_DECISION)


def _letter_facts(
    disclosure_request: DisclosureRequest, consultation: Consultation | None
) -> LetterFacts:
    """The facts a letter may state that live on the case's events, not its row."""
    extended_due_on, extension_reason, nth_in_month = None, "", None
    if disclosure_request.extended:
        event = disclosure_request.events.filter(kind=EventKind.EXTENDED).last()
        if event is not None:
            extended_due_on = event.due_after
            extension_reason = str(event.payload.get("reason", ""))
    if disclosure_request.fee_notice_on:
        event = disclosure_request.events.filter(
            kind=EventKind.FEE_NOTICE_ISSUED
        ).last()
        if event is not None:
            nth_in_month = event.payload.get("nth_in_month")
    return LetterFacts(
        consultation=consultation,
        extended_due_on=extended_due_on,
        extension_reason=extension_reason,
        fee_nth_in_month=nth_in_month,
    )


def _event_date(
    disclosure_request: DisclosureRequest, kind: str, consultation: Consultation | None
) -> date:
    """The day of the act the letter records: a letter carries that date (and that
    year's number) even when it is generated later."""
    case = disclosure_request
    if kind == LetterKind.ACKNOWLEDGEMENT:
        return case.received_on
    if kind == LetterKind.SUPPLEMENT:
        if case.supplement_requested_on is None:
            raise ApplicationError(
                "本申请未告知补正，不能生成补正告知书。", field="kind"
            )
        return case.supplement_requested_on
    if kind == LetterKind.EXTENSION:
        if not case.extended or case.extended_on is None:
            raise ApplicationError(
                "本申请未延期答复，不能生成延期答复告知书。", field="kind"
            )
        return case.extended_on
    if kind == LetterKind.FEE:
        if case.fee_notice_on is None:
            raise ApplicationError(
                "本申请未发出收费通知，不能生成收费通知书。", field="kind"
            )
        return case.fee_notice_on
    if kind == LetterKind.CONSULTATION:
        if consultation is None:
            raise ApplicationError(
                "本申请没有征求意见记录，不能生成征求意见书。", field="kind"
            )
        return consultation.started_on
    if case.status != Status.CLOSED or case.closed_on is None:
        raise ApplicationError("本申请尚未办结，不能生成答复书。", field="kind")
    return case.closed_on


def _existing_letter(
    disclosure_request: DisclosureRequest, kind: str, consultation: Consultation | None
) -> Letter | None:
    if consultation is None:
        return disclosure_request.letters.filter(kind=kind).order_by("id").first()
    # Letter has no link to its consultation; the issuing event records it.
    event = (
        disclosure_request.events.filter(
            kind=EventKind.LETTER_ISSUED,
            payload__kind=kind,
            payload__consultation_id=consultation.pk,
        )
        .order_by("id")
        .first()
    )
    if event is None:
        return None
    return disclosure_request.letters.filter(pk=event.payload["letter_id"]).first()


@transaction.atomic
def letter_issue(
    *,
    request_id: int,
    kind: str,
    issued_on: date | None = None,
    actor: User | None = None,
) -> Letter:
    """Issue (number, render and store) a letter of ``kind`` on a case.

    Idempotent: a case has one acknowledgement, supplement notice, extension notice, fee
    notice and reply letter, and one consultation letter per consultation (the latest
    one is the one issued); asking again returns the letter already issued, so a task
    that runs twice does no harm. ``issued_on`` defaults to the day of the act the
    letter records (the reply date for a reply). Without ``actor`` the office itself
    acts (the background task); with one, the case must be in the actor's agencies.
    """
    if kind not in LetterKind.values:
        raise ApplicationError(f"未知的文书类型：{kind}", field="kind")
    disclosure_request = request_get_for_update(
        actor=actor, request_id=request_id, system=actor is None
    )
    consultation = None
    if kind == LetterKind.CONSULTATION:
        consultation = disclosure_request.consultations.order_by(
            "-started_on", "-id"
        ).first()
    event_on = _event_date(disclosure_request, kind, consultation)
    existing = _existing_letter(disclosure_request, kind, consultation)
    if existing is not None:
        return existing
    if issued_on is None:
        # Already checked against the day it happened by the service that recorded it.
        issued_on = event_on
    elif issued_on < disclosure_request.received_on:
        raise ApplicationError("文书日期不能早于收到申请日期。", field="issued_on")
    elif issued_on > timezone.localdate():
        raise ApplicationError("文书日期不能晚于今天。", field="issued_on")

    agency = disclosure_request.agency
    serial = next_serial(agency=agency, year=issued_on.year, kind="letter")
    number = letter_number(
        prefix=agency.letter_prefix or agency.code, year=issued_on.year, serial=serial
    )
    frame, specific = _templates_for(kind, disclosure_request.outcome)
    with translation.override("zh-hans"):
        context = letter_context(
            disclosure_request,
            kind=kind,
            number=number,
            issued_on=issued_on,
            calendar=calendar_get(),
            facts=_letter_facts(disclosure_request, consultation),
        )
    # Cleaned once here as well, so that the stored text matches the files.
    letter_data = letter_text_clean(
        letter_compose(frame=frame, specific=specific, context=context)
    )
    stem = f"{disclosure_request.reference}-{kind}-{issued_on.year}-{serial}"
    letter = Letter(
        request=disclosure_request,
        kind=kind,
        title=letter_data.title,
        number=number,
        year=issued_on.year,
        serial=serial,
        issued_on=issued_on,
        body=letter_data.text,
        docx=ContentFile(render_docx(letter_data), name=f"{stem}.docx"),
        pdf=ContentFile(render_pdf(letter_data), name=f"{stem}.pdf"),
    )
    letter.full_clean()
    letter.save()
    payload: dict[str, object] = {
        "letter_id": letter.pk,
        "kind": kind,
        "number": number,
    }
    if consultation is not None:
        payload["consultation_id"] = consultation.pk
    RequestEvent.objects.create(
        request=disclosure_request,
        kind=EventKind.LETTER_ISSUED,
        actor=actor,
        effective_on=issued_on,
        status_before=disclosure_request.status,
        status_after=disclosure_request.status,
        payload=payload,
    )
    return letter


# --- selectors (downloads) -------------------------------------------------------------


def letter_get_for_staff(*, actor: User | None, letter_id: int) -> Letter:
    """A letter of a case the staff user may see; NotFound otherwise (never 403)."""
    letter = Letter.objects.filter(pk=letter_id).first()
    if letter is None:
        raise NotFound("未找到该文书。")
    request_get_for_staff(actor=actor, request_id=letter.request_id)
    return letter


def letter_get_for_applicant(*, query_code: str, letter_id: int) -> Letter:
    """One of the applicant's own letters of the case with this query code."""
    disclosure_request = request_get_public(query_code=query_code)
    letter = disclosure_request.letters.filter(
        pk=letter_id, kind__in=APPLICANT_KINDS
    ).first()
    if letter is None:
        raise NotFound("未找到该文书。")
    return letter


def letters_for_applicant(*, disclosure_request: DisclosureRequest) -> list[Letter]:
    """The letters the applicant may download from the tracking page, oldest first."""
    return list(
        disclosure_request.letters.filter(kind__in=APPLICANT_KINDS).order_by(
            "issued_on", "id"
        )
    )
