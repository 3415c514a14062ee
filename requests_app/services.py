"""Write functions for disclosure applications. Every state change goes through
``_transition``: one transaction, the row locked, the declared table checked, the clock
recomputed by the pure engine, an append-only event written, side effects after commit.
"""

from __future__ import annotations

import secrets
from collections.abc import Sequence
from dataclasses import dataclass, fields, replace
from datetime import date
from decimal import Decimal
from typing import TypeVar

from django.db import connection, transaction
from django.utils import timezone
from django.utils.translation import gettext

from disclosure.access import staff_scope
from disclosure.exceptions import ApplicationError
from disclosure.identity import is_valid_resident_id, is_valid_uscc, mask_id_number
from disclosure.models import Agency, Channel, User
from disclosure.selectors import calendar_get
from disclosure.text import text_clean
from requests_app import deadlines, fees
from requests_app.bulk_sql import (
    insert_ignoring_conflicts,
    model_rows,
    update_from_rows,
)
from requests_app.calendars_bridge import clock_input_for
from requests_app.clock_display import reader_wording, steps_json
from requests_app.crypto import encrypt, lookup_hash
from requests_app.models import (
    Applicant,
    ApplicantType,
    Consultation,
    Counter,
    Delivery,
    DisclosureRequest,
    EventKind,
    IdType,
    InfoFormat,
    LetterKind,
    RequestEvent,
)
from requests_app.notifications import LAPSED_NOTICE
from requests_app.outbox import outbox_enqueue, outbox_enqueue_many
from requests_app.outcomes import CLOSING_ONLY, OUTCOMES, REFUSALS, Outcome
from requests_app.selectors import applicant_count_in_month, request_get_for_update
from requests_app.workflow import NEW, Action, Status, next_status

LETTER_TASK = "requests_app.tasks.letter_issue_task"
NOTIFY_APPLICANT_TASK = "requests_app.tasks.applicant_notify_task"
ACKNOWLEDGE_TASK = "requests_app.tasks.acknowledgement_send_task"

ORGANISATION_TYPES = frozenset(ApplicantType.values) - {ApplicantType.NATURAL_PERSON}


# --- serials ---------------------------------------------------------------------------


def next_serial(*, agency: Agency, year: int, kind: str) -> int:
    """The next number of a per-agency, per-year series; numbers are never reused. One
    atomic upsert: concurrent registrations queue on the counter row, never collide."""
    table = Counter._meta.db_table
    with connection.cursor() as cursor:
        cursor.execute(
            f"INSERT INTO {table} (agency_id, year, kind, last) "  # noqa: S608
            "VALUES (%s, %s, %s, 1) "
            "ON CONFLICT (agency_id, year, kind) "
            f"DO UPDATE SET last = {table}.last + 1 RETURNING last",
            [agency.pk, year, kind],
        )
        return cursor.fetchone()[0]


def new_query_code() -> str:
    """A long random 查询码 (about 160 bits) for the public lookup."""
    return secrets.token_urlsafe(20)


# --- applicants ------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class ApplicantData:
    applicant_type: str
    name: str
    id_type: str = ""
    id_number: str = ""
    contact_person: str = ""
    phone: str = ""
    email: str = ""
    address: str = ""
    postcode: str = ""


def applicant_validate(data: ApplicantData) -> dict[str, str]:
    """Per-field problems with the applicant's identity (empty when valid)."""
    errors: dict[str, str] = {}
    if data.applicant_type not in ApplicantType.values:
        errors["applicant_type"] = gettext("申请人类型无效。")
    if not data.name.strip():
        errors["name"] = gettext("请填写姓名或名称。")
    if data.id_type and data.id_type not in IdType.values:
        errors["id_type"] = gettext("证件类型无效。")
    number = data.id_number.strip().upper()
    is_org = data.applicant_type in ORGANISATION_TYPES
    if data.id_type == IdType.RESIDENT_ID and not is_valid_resident_id(number):
        errors["id_number"] = gettext("居民身份证号码无效（应为18位，校验码须正确）。")
    elif data.id_type == IdType.USCC and not is_valid_uscc(number):
        errors["id_number"] = gettext(
            "统一社会信用代码无效（应为18位，校验码须正确）。"
        )
    elif data.id_type and not number:
        errors["id_number"] = gettext("请填写证件号码。")
    if is_org and data.id_type and data.id_type != IdType.USCC:
        errors["id_type"] = gettext("法人或其他组织请使用统一社会信用代码。")
    if not is_org and data.id_type == IdType.USCC:
        errors["id_type"] = gettext("自然人不能使用统一社会信用代码。")
    return errors


_Data = TypeVar("_Data", "ApplicantData", "RegistrationData")


def text_fields_clean(data: _Data) -> _Data:
    """``data`` (a dataclass) with control characters cleaned out of its text fields
    (:func:`disclosure.text.text_clean`)."""
    return replace(
        data,
        **{
            field.name: text_clean(value)
            for field in fields(data)
            if isinstance(value := getattr(data, field.name), str)
        },
    )


def applicant_get_or_create(data: ApplicantData) -> Applicant:
    """The applicant with this identity number (recognised by its keyed hash), with its
    contact details brought up to date; a new applicant otherwise. ``data`` has been
    through :func:`text_fields_clean` (:func:`request_register` does it)."""
    number = data.id_number.strip().upper()
    id_hash = lookup_hash(data.id_type, number) if number else ""
    applicant = None
    if id_hash:
        applicant = (
            Applicant.objects.filter(id_type=data.id_type, id_number_hash=id_hash)
            .order_by("id")
            .first()
        )
    if applicant is None:
        applicant = Applicant(
            id_type=data.id_type,
            id_number_encrypted=encrypt(number),
            id_number_hash=id_hash,
            id_number_masked=mask_id_number(number) if number else "",
        )
    applicant.applicant_type = data.applicant_type
    applicant.name = data.name.strip()
    for field in ("contact_person", "phone", "email", "address", "postcode"):
        value = getattr(data, field).strip()
        if value:
            setattr(applicant, field, value)
    applicant.full_clean(validate_unique=False, validate_constraints=False)
    applicant.save()
    return applicant


# --- the clock -------------------------------------------------------------------------

# Set from rows just read or locked: validating them would re-read each (one query).
FOREIGN_KEYS = ["agency", "applicant", "assigned_to"]

CLOCK_FIELDS = [
    "due_on",
    "provisional",
    "remaining_workdays",
    "clock_explanation",
    "clock_steps",
]


def clock_apply(
    disclosure_request: DisclosureRequest,
    *,
    calendar: deadlines.WorkingDayCalendar,
    consultations: list[Consultation] | None = None,
) -> deadlines.ClockResult:
    """Recompute due date, provisional flag and explanation (C1–C9) onto the instance."""
    if consultations is None:
        consultations = (
            list(disclosure_request.consultations.all())
            if disclosure_request.pk
            else []
        )
    result = deadlines.compute_clock(
        clock_input_for(disclosure_request, consultations), calendar
    )
    disclosure_request.due_on = result.due_on
    disclosure_request.provisional = result.provisional
    disclosure_request.remaining_workdays = result.remaining_workdays
    disclosure_request.clock_explanation = result.explanation()
    disclosure_request.clock_steps = steps_json(result.steps)
    return result


# --- registration ----------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class RegistrationData:
    channel: str
    received_on: date
    description: str
    formats: tuple[str, ...] = ()
    delivery: tuple[str, ...] = ()
    receipt_note: str = ""


# The 2008 Regulation (国务院令第492号) took effect on this day: no application under it
# can have been received earlier.
REGULATION_2008_IN_FORCE = date(2008, 5, 1)


def registration_validate(
    *, agency: Agency, data: RegistrationData, today: date
) -> dict[str, str]:
    errors: dict[str, str] = {}
    if data.channel not in Channel.values:
        errors["channel"] = gettext("申请方式无效。")
    elif agency.accepted_channels and data.channel not in agency.accepted_channels:
        errors["channel"] = gettext("%(agency)s不受理“%(channel)s”方式的申请。") % {
            "agency": agency.name,
            "channel": Channel(data.channel).label,
        }
    if data.received_on > today:
        errors["received_on"] = gettext("收到申请日期不能晚于今天。")
    elif data.received_on < REGULATION_2008_IN_FORCE:
        errors["received_on"] = gettext(
            "收到申请日期不能早于2008年5月1日（《政府信息公开条例》施行之日）。"
        )
    if not data.description.strip():
        errors["description"] = gettext("请描述所需政府信息的名称、文号或其他特征。")
    bad_formats = set(data.formats) - set(InfoFormat.values)
    if bad_formats:
        errors["formats"] = gettext("信息提供形式无效：%(values)s") % {
            "values": "、".join(sorted(bad_formats))
        }
    bad_delivery = set(data.delivery) - set(Delivery.values)
    if bad_delivery:
        errors["delivery"] = gettext("获取信息方式无效：%(values)s") % {
            "values": "、".join(sorted(bad_delivery))
        }
    return errors


@transaction.atomic
def request_register(
    *,
    agency: Agency,
    applicant_data: ApplicantData,
    registration: RegistrationData,
    actor: User | None = None,
    assigned_to: User | None = None,
    today: date | None = None,
) -> DisclosureRequest:
    """Register an application (online by the citizen, or letter / in person / fax by a
    clerk) with its Art. 31 receipt date, and fix its first due date."""
    today = today or timezone.localdate()
    # Control characters (a pasted \x0b) would be stored and break the letters.
    applicant_data = text_fields_clean(applicant_data)
    registration = text_fields_clean(registration)
    errors = applicant_validate(applicant_data) | registration_validate(
        agency=agency, data=registration, today=today
    )
    if errors:
        field, message = next(iter(errors.items()))
        raise ApplicationError(message, field=field, extra={"errors": errors})
    applicant = applicant_get_or_create(applicant_data)
    year = registration.received_on.year
    serial = next_serial(agency=agency, year=year, kind="request")
    calendar = calendar_get()
    disclosure_request = DisclosureRequest(
        agency=agency,
        reference=f"{agency.code}-{year}-{serial:05d}",
        year=year,
        serial=serial,
        query_code=new_query_code(),
        applicant=applicant,
        applicant_type=applicant.applicant_type,
        channel=registration.channel,
        received_on=registration.received_on,
        receipt_note=registration.receipt_note,
        description=registration.description.strip(),
        formats=list(registration.formats),
        delivery=list(registration.delivery),
        assigned_to=assigned_to,
        status=next_status(NEW, Action.REGISTER),
        supplement_notice_due_on=deadlines.supplement_notice_due(
            registration.received_on, calendar
        ),
    )
    clock_apply(disclosure_request, calendar=calendar, consultations=[])
    # Field validation here; uniqueness and check constraints are enforced by the
    # database itself (validating them in Python costs one query each per save).
    disclosure_request.full_clean(
        exclude=FOREIGN_KEYS, validate_unique=False, validate_constraints=False
    )
    disclosure_request.save()
    RequestEvent.objects.create(
        request=disclosure_request,
        kind=EventKind.REGISTERED,
        actor=actor,
        effective_on=registration.received_on,
        due_after=disclosure_request.due_on,
        status_before="",
        status_after=disclosure_request.status,
        payload={"channel": registration.channel},
    )
    outbox_enqueue(ACKNOWLEDGE_TASK, request_id=disclosure_request.pk)
    return disclosure_request


# --- transitions -----------------------------------------------------------------------


def _lock_for(
    *,
    actor: User | None,
    request_id: int,
    action: Action,
    on: date,
    label: str,
    field: str,
    today: date | None,
) -> DisclosureRequest:
    """Lock the case for ``action`` dated ``on``: refuse an action the table does not
    allow before looking at its date, then dates before the receipt or in the future."""
    today = today or timezone.localdate()
    disclosure_request = request_get_for_update(actor=actor, request_id=request_id)
    next_status(disclosure_request.status, action)
    if on < disclosure_request.received_on:
        raise ApplicationError(
            gettext("%(label)s不能早于收到申请日期。") % {"label": label}, field=field
        )
    if on > today:
        raise ApplicationError(
            gettext("%(label)s不能晚于今天。") % {"label": label}, field=field
        )
    return disclosure_request


def _transition(
    disclosure_request: DisclosureRequest,
    *,
    action: Action,
    kind: EventKind,
    actor: User | None,
    effective_on: date | None,
    fields: dict[str, object] | None = None,
    payload: dict[str, object] | None = None,
    calendar: deadlines.WorkingDayCalendar | None = None,
    after_save=None,
) -> DisclosureRequest:
    """Apply one row of the transition table to a locked case and record it."""
    update_fields, event = _transition_apply(
        disclosure_request,
        action=action,
        kind=kind,
        actor=actor,
        effective_on=effective_on,
        fields=fields,
        payload=payload,
        calendar=calendar,
        after_save=after_save,
    )
    disclosure_request.save(update_fields=update_fields)
    event.save()
    return disclosure_request


def _transition_apply(
    disclosure_request: DisclosureRequest,
    *,
    action: Action,
    kind: EventKind,
    actor: User | None,
    effective_on: date | None,
    fields: dict[str, object] | None = None,
    payload: dict[str, object] | None = None,
    calendar: deadlines.WorkingDayCalendar | None = None,
    after_save=None,
) -> tuple[list[str], RequestEvent]:
    """The one place a transition is worked out: check the table, set the fields, the
    clock (or, on closing, C8's on-time), validate, and return the fields to save with
    the event to record, both unsaved, so that one case or many are written alike."""
    status_before = disclosure_request.status
    due_before = disclosure_request.due_on
    disclosure_request.status = next_status(status_before, action)
    for name, value in (fields or {}).items():
        setattr(disclosure_request, name, value)
    if after_save is not None:
        after_save(disclosure_request)
    if disclosure_request.status == Status.CLOSED:
        disclosure_request.on_time = deadlines.is_on_time(
            closed_on=disclosure_request.closed_on, due_on=disclosure_request.due_on
        )
        clock_fields: list[str] = []
    else:
        clock_apply(disclosure_request, calendar=calendar or calendar_get())
        clock_fields = CLOCK_FIELDS
    # Field validation here; uniqueness and check constraints are enforced by the
    # database itself (validating them in Python costs one query each per save).
    disclosure_request.full_clean(
        exclude=FOREIGN_KEYS, validate_unique=False, validate_constraints=False
    )
    update_fields = sorted(
        {"status", "updated_at", "on_time", *clock_fields, *(fields or {})}
    )
    event = RequestEvent(
        request=disclosure_request,
        kind=kind,
        actor=actor,
        effective_on=effective_on,
        due_before=due_before,
        due_after=disclosure_request.due_on,
        status_before=status_before,
        status_after=disclosure_request.status,
        payload=payload or {},
    )
    return update_fields, event


def _letter_after_commit(disclosure_request: DisclosureRequest, kind: str) -> None:
    outbox_enqueue(LETTER_TASK, request_id=disclosure_request.pk, kind=kind)


@transaction.atomic
def request_request_supplement(
    *,
    actor: User | None,
    request_id: int,
    requested_on: date,
    items: str,
    period_days: int | None = None,
    today: date | None = None,
) -> DisclosureRequest:
    """补正 (Art. 30): tell the applicant once and completely what to supplement. The notice
    is due by WD(received_on, 7); a later one is flagged. The clock stops (C3)."""
    disclosure_request = _lock_for(
        actor=actor,
        request_id=request_id,
        action=Action.REQUEST_SUPPLEMENT,
        on=requested_on,
        label=gettext("补正告知日期"),
        field="requested_on",
        today=today,
    )
    items = text_clean(items).strip()
    if not items:
        raise ApplicationError(gettext("请写明需要补正的事项。"), field="items")
    if disclosure_request.supplement_requested_on is not None:
        raise ApplicationError(
            gettext("补正应一次性告知（第三十条），本申请已告知过补正。"),
            field="requested_on",
        )
    period = period_days or disclosure_request.agency.supplement_period_days
    if period < 1:
        raise ApplicationError(
            gettext("补正期限至少为1个工作日。"), field="period_days"
        )
    late = (
        disclosure_request.supplement_notice_due_on is not None
        and requested_on > disclosure_request.supplement_notice_due_on
    )
    _transition(
        disclosure_request,
        action=Action.REQUEST_SUPPLEMENT,
        kind=EventKind.SUPPLEMENT_REQUESTED,
        actor=actor,
        effective_on=requested_on,
        fields={
            "supplement_requested_on": requested_on,
            "supplement_period_days": period,
            "supplement_notice_late": late,
            "supplement_items": items,
        },
        payload={"period_days": period, "late": late},
    )
    _letter_after_commit(disclosure_request, LetterKind.SUPPLEMENT)
    return disclosure_request


@transaction.atomic
def request_receive_supplement(
    *,
    actor: User | None,
    request_id: int,
    received_on: date,
    today: date | None = None,
) -> DisclosureRequest:
    """The supplement arrived: the reply period restarts from this day (C2). Refused
    after the last day to supplement, WD(supplement_requested_on, P) (C3): the
    application is then deemed withdrawn and closes as ``other.no_supplement``."""
    disclosure_request = _lock_for(
        actor=actor,
        request_id=request_id,
        action=Action.RECEIVE_SUPPLEMENT,
        on=received_on,
        label=gettext("补正收到日期"),
        field="received_on",
        today=today,
    )
    requested_on = disclosure_request.supplement_requested_on
    calendar = calendar_get()
    if requested_on:
        if received_on < requested_on:
            raise ApplicationError(
                gettext("补正收到日期不能早于补正告知日期。"), field="received_on"
            )
        last_day, _ = deadlines.supplement_lapse(
            requested_on,
            disclosure_request.supplement_period_days
            or disclosure_request.agency.supplement_period_days,
            calendar,
        )
        if received_on > last_day:
            raise ApplicationError(
                gettext(
                    "补正期限已于%(last_day)s届满，申请人逾期未补正，"
                    "视为放弃申请（第三十条），不能再接收补正。"
                )
                % {"last_day": format(last_day, "%Y年%m月%d日")},
                field="received_on",
            )
    return _transition(
        disclosure_request,
        action=Action.RECEIVE_SUPPLEMENT,
        kind=EventKind.SUPPLEMENT_RECEIVED,
        actor=actor,
        effective_on=received_on,
        fields={"supplement_received_on": received_on},
        calendar=calendar,
    )


@transaction.atomic
def request_start_consultation(
    *,
    actor: User | None,
    request_id: int,
    party: str,
    started_on: date,
    today: date | None = None,
) -> DisclosureRequest:
    """征求意见 (Art. 32, 34): the consultation's days are excluded from the period (C4)."""
    disclosure_request = _lock_for(
        actor=actor,
        request_id=request_id,
        action=Action.START_CONSULTATION,
        on=started_on,
        label=gettext("征求意见日期"),
        field="started_on",
        today=today,
    )
    party = text_clean(party).strip()
    if not party:
        raise ApplicationError(gettext("请填写征求意见对象。"), field="party")
    calendar = calendar_get()
    reply_due_on = deadlines.consultation_reply_due(started_on, calendar)

    def add_consultation(instance: DisclosureRequest) -> None:
        Consultation.objects.create(
            request=instance,
            party=party,
            started_on=started_on,
            reply_due_on=reply_due_on,
        )

    _transition(
        disclosure_request,
        action=Action.START_CONSULTATION,
        kind=EventKind.CONSULTATION_STARTED,
        actor=actor,
        effective_on=started_on,
        payload={"party": party, "reply_due_on": reply_due_on.isoformat()},
        calendar=calendar,
        after_save=add_consultation,
    )
    _letter_after_commit(disclosure_request, LetterKind.CONSULTATION)
    return disclosure_request


@transaction.atomic
def request_end_consultation(
    *,
    actor: User | None,
    request_id: int,
    ended_on: date,
    today: date | None = None,
) -> DisclosureRequest:
    """The consulted parties answered (or their 15 working days ran out): the clock runs
    again. Ends every consultation still running on the case."""
    disclosure_request = _lock_for(
        actor=actor,
        request_id=request_id,
        action=Action.END_CONSULTATION,
        on=ended_on,
        label=gettext("征求意见结束日期"),
        field="ended_on",
        today=today,
    )
    running = list(disclosure_request.consultations.filter(ended_on__isnull=True))
    if running and ended_on < max(c.started_on for c in running):
        raise ApplicationError(
            gettext("征求意见结束日期不能早于开始日期。"), field="ended_on"
        )

    def end_consultations(instance: DisclosureRequest) -> None:
        instance.consultations.filter(ended_on__isnull=True).update(ended_on=ended_on)

    return _transition(
        disclosure_request,
        action=Action.END_CONSULTATION,
        kind=EventKind.CONSULTATION_ENDED,
        actor=actor,
        effective_on=ended_on,
        after_save=end_consultations,
    )


@transaction.atomic
def request_issue_fee_notice(
    *,
    actor: User | None,
    request_id: int,
    notice_on: date,
    method: str,
    pages: int | None = None,
    today: date | None = None,
) -> DisclosureRequest:
    """收费通知 (国办函〔2020〕109号): one method per application; the amount follows the
    tiers. The payment wait is excluded from the period (C5)."""
    disclosure_request = _lock_for(
        actor=actor,
        request_id=request_id,
        action=Action.ISSUE_FEE_NOTICE,
        on=notice_on,
        label=gettext("收费通知日期"),
        field="notice_on",
        today=today,
    )
    if disclosure_request.fee_notice_on is not None:
        raise ApplicationError(gettext("本申请已发出过收费通知。"), field="method")
    nth = None
    if method == fees.FeeMethod.PER_ITEM:
        nth = applicant_count_in_month(disclosure_request=disclosure_request)
    try:
        amount = fees.fee_amount(fees.FeeMethod(method), nth_in_month=nth, pages=pages)
    except ValueError as exc:
        raise ApplicationError(str(exc), field="method") from exc
    if amount <= 0:
        raise ApplicationError(
            gettext(
                "按收费标准本申请不应收费（每月前10件、每件前30页免费），无需发出收费通知。"
            ),
            field="method",
        )
    _transition(
        disclosure_request,
        action=Action.ISSUE_FEE_NOTICE,
        kind=EventKind.FEE_NOTICE_ISSUED,
        actor=actor,
        effective_on=notice_on,
        fields={
            "fee_method": method,
            "fee_amount_yuan": Decimal(amount),
            "fee_notice_on": notice_on,
        },
        payload={"method": method, "amount_yuan": str(amount), "nth_in_month": nth},
    )
    _letter_after_commit(disclosure_request, LetterKind.FEE)
    return disclosure_request


@transaction.atomic
def request_settle_fee(
    *, actor: User | None, request_id: int, paid_on: date, today: date | None = None
) -> DisclosureRequest:
    disclosure_request = _lock_for(
        actor=actor,
        request_id=request_id,
        action=Action.SETTLE_FEE,
        on=paid_on,
        label=gettext("缴费日期"),
        field="paid_on",
        today=today,
    )
    if disclosure_request.fee_notice_on and paid_on < disclosure_request.fee_notice_on:
        raise ApplicationError(
            gettext("缴费日期不能早于收费通知日期。"), field="paid_on"
        )
    calendar = calendar_get()
    last_day, _ = deadlines.fee_lapse(disclosure_request.fee_notice_on, calendar)
    if paid_on > last_day:
        raise ApplicationError(
            gettext("缴费期限已于%(last_day)s届满，申请应按逾期未缴费终止。")
            % {"last_day": format(last_day, "%Y年%m月%d日")},
            field="paid_on",
        )
    return _transition(
        disclosure_request,
        action=Action.SETTLE_FEE,
        kind=EventKind.FEE_SETTLED,
        actor=actor,
        effective_on=paid_on,
        fields={"fee_paid_on": paid_on},
        calendar=calendar,
    )


@transaction.atomic
def request_extend(
    *,
    actor: User | None,
    request_id: int,
    approved_on: date,
    reason: str,
    today: date | None = None,
) -> DisclosureRequest:
    """延期答复 (Art. 33(2)): once, approved and notified on or before the due date (C6)."""
    disclosure_request = _lock_for(
        actor=actor,
        request_id=request_id,
        action=Action.EXTEND,
        on=approved_on,
        label=gettext("延期批准日期"),
        field="approved_on",
        today=today,
    )
    reason = text_clean(reason).strip()
    if not reason:
        raise ApplicationError(gettext("请写明延期理由。"), field="reason")
    try:
        deadlines.check_extension(
            approved_on=approved_on,
            current_due_on=disclosure_request.due_on,
            already_extended=disclosure_request.extended,
        )
    except deadlines.ExtensionRefused as exc:
        raise ApplicationError(exc.text(reader_wording()), field="approved_on") from exc
    _transition(
        disclosure_request,
        action=Action.EXTEND,
        kind=EventKind.EXTENDED,
        actor=actor,
        effective_on=approved_on,
        fields={"extended": True, "extended_on": approved_on},
        payload={"reason": reason},
    )
    _letter_after_commit(disclosure_request, LetterKind.EXTENSION)
    return disclosure_request


@transaction.atomic
def request_set_delay(
    *,
    actor: User | None,
    request_id: int,
    decided_on: date,
    delayed_due_on: date,
    reason: str,
    today: date | None = None,
) -> DisclosureRequest:
    """Art. 35: a reasonable delayed reply date set for a large or frequent application
    becomes the due date (C9)."""
    disclosure_request = _lock_for(
        actor=actor,
        request_id=request_id,
        action=Action.SET_DELAY,
        on=decided_on,
        label=gettext("决定日期"),
        field="decided_on",
        today=today,
    )
    if delayed_due_on <= decided_on:
        raise ApplicationError(
            gettext("延迟答复期限应晚于决定日期。"), field="delayed_due_on"
        )
    reason = text_clean(reason).strip()
    if not reason:
        raise ApplicationError(gettext("请写明延迟答复的理由。"), field="reason")
    calendar = calendar_get()
    try:
        deadlines.check_delay(
            decided_on=decided_on,
            delayed_due_on=delayed_due_on,
            statutory_due_on=deadlines.statutory_due_date(
                clock_input_for(
                    disclosure_request, list(disclosure_request.consultations.all())
                ),
                calendar,
            ),
            current_due_on=disclosure_request.due_on,
        )
    except deadlines.DelayRefused as exc:
        raise ApplicationError(exc.text(reader_wording()), field=exc.field) from exc
    return _transition(
        disclosure_request,
        action=Action.SET_DELAY,
        kind=EventKind.DELAY_SET,
        actor=actor,
        effective_on=decided_on,
        fields={"delayed_due_on": delayed_due_on},
        payload={"reason": reason},
        calendar=calendar,
    )


@transaction.atomic
def request_reply(
    *,
    actor: User | None,
    request_id: int,
    outcome: str,
    replied_on: date,
    reasons: str = "",
    competent_agency_name: str = "",
    today: date | None = None,
) -> DisclosureRequest:
    """答复: close the case with one outcome code (contract §1.3) and its legal basis.

    The reply may not be dated before the supplement was received, the fee paid, or
    the latest consultation ended: the case was not in hand before then.
    """
    reasons = text_clean(reasons)
    competent_agency_name = text_clean(competent_agency_name)
    disclosure_request = _lock_for(
        actor=actor,
        request_id=request_id,
        action=Action.REPLY,
        on=replied_on,
        label=gettext("答复日期"),
        field="replied_on",
        today=today,
    )
    if outcome not in OUTCOMES:
        raise ApplicationError(
            gettext("未知的办理结果：%(outcome)s") % {"outcome": outcome},
            field="outcome",
        )
    if outcome in CLOSING_ONLY:
        raise ApplicationError(
            gettext("撤回、逾期不补正和逾期未缴费由相应操作办结，不能作为答复结果。"),
            field="outcome",
        )
    if outcome in REFUSALS and not reasons.strip():
        raise ApplicationError(
            gettext("不予公开应当告知理由（第三十六条第（三）项）。"), field="reasons"
        )
    if outcome == Outcome.PARTIAL and not reasons.strip():
        raise ApplicationError(
            gettext("部分公开应说明不予公开部分的理由（第三十七条）。"), field="reasons"
        )
    if (
        outcome == Outcome.UNAVAILABLE_OTHER_AGENCY
        and not competent_agency_name.strip()
    ):
        raise ApplicationError(
            gettext("非本机关负责的，应告知有权机关的名称（第三十六条第（五）项）。"),
            field="competent_agency_name",
        )
    if (
        outcome == Outcome.UNAVAILABLE_UNCLEAR
        and disclosure_request.supplement_received_on is None
    ):
        raise ApplicationError(
            gettext("“补正后申请内容仍不明确”只适用于已收到补正的申请。"),
            field="outcome",
        )
    for date_field, label in (
        ("supplement_received_on", gettext("补正收到日期")),
        ("fee_paid_on", gettext("缴费日期")),
    ):
        earlier = getattr(disclosure_request, date_field)
        if earlier and replied_on < earlier:
            raise ApplicationError(
                gettext("答复日期不能早于%(label)s。") % {"label": label},
                field="replied_on",
            )
    consultation_ended_on = max(
        (
            ended_on
            for ended_on in disclosure_request.consultations.values_list(
                "ended_on", flat=True
            )
            if ended_on is not None
        ),
        default=None,
    )
    if consultation_ended_on and replied_on < consultation_ended_on:
        raise ApplicationError(
            gettext("答复日期不能早于征求意见结束日期（%(ended_on)s）。")
            % {"ended_on": format(consultation_ended_on, "%Y年%m月%d日")},
            field="replied_on",
        )
    _transition(
        disclosure_request,
        action=Action.REPLY,
        kind=EventKind.REPLIED,
        actor=actor,
        effective_on=replied_on,
        fields={
            "outcome": outcome,
            "outcome_basis": OUTCOMES[outcome].basis,
            "reasons": reasons.strip(),
            "competent_agency_name": competent_agency_name.strip(),
            "closed_on": replied_on,
        },
        payload={"outcome": outcome},
    )
    _letter_after_commit(disclosure_request, LetterKind.REPLY)
    return disclosure_request


@transaction.atomic
def request_withdraw(
    *,
    actor: User | None,
    request_id: int,
    withdrawn_on: date,
    note: str = "",
    today: date | None = None,
) -> DisclosureRequest:
    disclosure_request = _lock_for(
        actor=actor,
        request_id=request_id,
        action=Action.WITHDRAW,
        on=withdrawn_on,
        label=gettext("撤回日期"),
        field="withdrawn_on",
        today=today,
    )
    return _transition(
        disclosure_request,
        action=Action.WITHDRAW,
        kind=EventKind.WITHDRAWN,
        actor=actor,
        effective_on=withdrawn_on,
        fields={
            "outcome": Outcome.OTHER_WITHDRAWN,
            "outcome_basis": OUTCOMES[Outcome.OTHER_WITHDRAWN].basis,
            "closed_on": withdrawn_on,
        },
        payload={"note": text_clean(note).strip()},
    )


@dataclass(frozen=True, slots=True)
class Lapse:
    outcome: str
    last_day: date
    closed_on: date


def request_lapse(
    disclosure_request: DisclosureRequest, calendar: deadlines.WorkingDayCalendar
) -> Lapse | None:
    """When the case lapses by the clock (C3 no supplement, C5 fee unpaid), if it can."""
    if (
        disclosure_request.status == Status.AWAITING_SUPPLEMENT
        and disclosure_request.supplement_requested_on
    ):
        last_day, closed_on = deadlines.supplement_lapse(
            disclosure_request.supplement_requested_on,
            disclosure_request.supplement_period_days
            or disclosure_request.agency.supplement_period_days,
            calendar,
        )
        return Lapse(Outcome.OTHER_NO_SUPPLEMENT, last_day, closed_on)
    if (
        disclosure_request.status == Status.AWAITING_FEE
        and disclosure_request.fee_notice_on
    ):
        last_day, closed_on = deadlines.fee_lapse(
            disclosure_request.fee_notice_on, calendar
        )
        return Lapse(Outcome.OTHER_FEE_UNPAID, last_day, closed_on)
    return None


@transaction.atomic
def request_close_lapsed(
    *,
    request_id: int,
    as_of: date,
    calendar: deadlines.WorkingDayCalendar | None = None,
) -> DisclosureRequest | None:
    """Close one case whose supplementation or payment period has lapsed, with the
    ``closed_on`` of C3/C5 (not the day of the sweep): :func:`requests_close_lapsed`
    for one case. None if it has not lapsed (yet); NotFound for an unknown id."""
    request_get_for_update(actor=None, request_id=request_id, system=True)
    closed = requests_close_lapsed(
        request_ids=[request_id], as_of=as_of, calendar=calendar
    )
    return closed[0] if closed else None


# No savepoint of its own inside the sweep's transaction: two statements fewer, and
# nothing in it is meant to fail and be recovered from.
@transaction.atomic(savepoint=False)
def requests_close_lapsed(
    *,
    request_ids: Sequence[int],
    as_of: date,
    calendar: deadlines.WorkingDayCalendar | None = None,
) -> list[DisclosureRequest]:
    """Close, for the office itself (the daily sweep), every case among
    ``request_ids`` whose supplementation or payment period has lapsed by ``as_of``
    (C3, C5), in a constant number of queries: one lock of all the rows, one update,
    one insert of the events and one of the applicants' e-mails (视为放弃申请; no
    letter is issued). A supplement or payment recorded meanwhile wins: the rows are
    read again under the lock."""
    calendar = calendar or calendar_get()
    cases = (
        DisclosureRequest.objects.select_for_update(of=("self",))
        .select_related("agency")
        .filter(pk__in=list(request_ids))
        .order_by("pk")
    )
    closed: list[DisclosureRequest] = []
    events: list[RequestEvent] = []
    update_fields: set[str] = set()
    for disclosure_request in cases:
        lapse = request_lapse(disclosure_request, calendar)
        if lapse is None or lapse.closed_on > as_of:
            continue
        fields_to_save, event = _transition_apply(
            disclosure_request,
            action=Action.CLOSE_LAPSED,
            kind=EventKind.CLOSED_LAPSED,
            actor=None,
            effective_on=lapse.closed_on,
            fields={
                "outcome": lapse.outcome,
                "outcome_basis": OUTCOMES[lapse.outcome].basis,
                "closed_on": lapse.closed_on,
            },
            payload={"last_day": lapse.last_day.isoformat()},
            calendar=calendar,
        )
        closed.append(disclosure_request)
        events.append(event)
        update_fields.update(fields_to_save)
    if not closed:
        return []
    now = timezone.now()
    attnames = [
        DisclosureRequest._meta.get_field(name).attname
        for name in sorted(update_fields)
    ]
    for disclosure_request in closed:
        disclosure_request.updated_at = now
    update_from_rows(DisclosureRequest, model_rows(closed, ["id", *attnames]))
    for event in events:
        event.occurred_at = now
    insert_ignoring_conflicts(
        RequestEvent, model_rows(events, exclude=["id"]), returning=["id"]
    )
    outbox_enqueue_many(
        NOTIFY_APPLICANT_TASK,
        [{"request_id": case.pk, "kind": LAPSED_NOTICE} for case in closed],
    )
    return closed


@transaction.atomic
def request_assign(
    *, actor: User | None, request_id: int, clerk: User | None
) -> DisclosureRequest:
    disclosure_request = request_get_for_update(actor=actor, request_id=request_id)
    if clerk is not None and not staff_scope(clerk).can_act_for(
        disclosure_request.agency
    ):
        raise ApplicationError(
            gettext("%(clerk)s不是%(agency)s的工作人员。")
            % {"clerk": clerk, "agency": disclosure_request.agency.name},
            field="clerk",
        )
    disclosure_request.assigned_to = clerk
    disclosure_request.save(update_fields=["assigned_to", "updated_at"])
    RequestEvent.objects.create(
        request=disclosure_request,
        kind=EventKind.ASSIGNED,
        actor=actor,
        payload={"clerk": clerk.username if clerk else None},
    )
    return disclosure_request


@transaction.atomic
def request_correct_applicant_type(
    *, actor: User | None, request_id: int, applicant_type: str, reason: str
) -> DisclosureRequest:
    """Staff correct the applicant category the form recorded (contract §1.2): it decides
    the column of report table 三, so the change is recorded with its reason."""
    disclosure_request = request_get_for_update(actor=actor, request_id=request_id)
    if applicant_type not in ApplicantType.values:
        raise ApplicationError(gettext("申请人类型无效。"), field="applicant_type")
    reason = text_clean(reason).strip()
    if not reason:
        raise ApplicationError(gettext("请写明更正理由。"), field="reason")
    before = disclosure_request.applicant_type
    if before == applicant_type:
        return disclosure_request
    disclosure_request.applicant_type = applicant_type
    disclosure_request.save(update_fields=["applicant_type", "updated_at"])
    RequestEvent.objects.create(
        request=disclosure_request,
        kind=EventKind.APPLICANT_TYPE_CORRECTED,
        actor=actor,
        status_before=disclosure_request.status,
        status_after=disclosure_request.status,
        payload={"before": before, "after": applicant_type, "reason": reason},
    )
    return disclosure_request


def requests_recompute_due_dates(years: list[int], actor: User | None = None) -> int:
    """After a calendar change: recompute every open case's clock; record each change of
    due date, provisional flag or remaining working days. A waiting case (no due date,
    never flagged provisional) may change only its explanation, which is saved too.
    Closed cases are left untouched (contract §3). Returns the number of cases saved."""
    from requests_app.workflow import OPEN

    calendar = calendar_get()
    open_requests = DisclosureRequest.objects.filter(status__in=OPEN).select_related(
        "agency"
    )
    consultations: dict[int, list[Consultation]] = {}
    for consultation in Consultation.objects.filter(request__status__in=OPEN):
        consultations.setdefault(consultation.request_id, []).append(consultation)
    to_update: list[DisclosureRequest] = []
    events: list[RequestEvent] = []
    for disclosure_request in open_requests.iterator(chunk_size=2000):
        before = (
            disclosure_request.due_on,
            disclosure_request.provisional,
            disclosure_request.remaining_workdays,
        )
        explanation_before = disclosure_request.clock_explanation
        clock_apply(
            disclosure_request,
            calendar=calendar,
            consultations=consultations.get(disclosure_request.pk, []),
        )
        after = (
            disclosure_request.due_on,
            disclosure_request.provisional,
            disclosure_request.remaining_workdays,
        )
        if after != before or disclosure_request.clock_explanation != (
            explanation_before
        ):
            to_update.append(disclosure_request)
        if after != before:
            events.append(
                RequestEvent(
                    request=disclosure_request,
                    kind=EventKind.DUE_DATE_RECOMPUTED,
                    actor=actor,
                    due_before=before[0],
                    due_after=disclosure_request.due_on,
                    status_before=disclosure_request.status,
                    status_after=disclosure_request.status,
                    payload={
                        "years": years,
                        "provisional_before": before[1],
                        "provisional_after": disclosure_request.provisional,
                        "remaining_before": before[2],
                        "remaining_after": disclosure_request.remaining_workdays,
                    },
                )
            )
    DisclosureRequest.objects.bulk_update(to_update, CLOCK_FIELDS, batch_size=1000)
    RequestEvent.objects.bulk_create(events, batch_size=1000)
    return len(to_update)
