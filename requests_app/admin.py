"""The clerks' workbench: disclosure applications, their events, appeals, letter texts and
notifications.

Thin by design: querysets come from the scoped selectors, every change of a case goes
through its service in ``requests_app.services`` (registration and each transition), and a
service's Chinese refusal is shown to the clerk instead of an error page. Statuses and
clock fields are never edited here.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import date
from typing import Any

from django import forms
from django.conf import settings
from django.contrib import admin, messages
from django.contrib.admin.helpers import ACTION_CHECKBOX_NAME
from django.contrib.admin.utils import unquote
from django.core.exceptions import PermissionDenied
from django.db.models import QuerySet, TextChoices
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils import timezone
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _

from disclosure.admin import (
    AgencyListFilter,
    ParentAccessInline,
    StaffAccessAdmin,
    adopt,
    request_scope,
)
from disclosure.admin_forms import form_add_application_error
from disclosure.calendars import WorkingDayCalendar
from disclosure.exceptions import ApplicationError
from disclosure.models import Channel, User
from disclosure.selectors import calendar_get
from requests_app.admin_forms import (
    APPEAL_FIELDS,
    RECEIPT_RULES,
    AppealForm,
    AssignForm,
    CaseActionForm,
    CorrectApplicantTypeForm,
    EndConsultationForm,
    ExtendForm,
    IssueFeeNoticeForm,
    ReceiveSupplementForm,
    RegisterApplicationForm,
    ReplyForm,
    RequestSupplementForm,
    SetDelayForm,
    SettleFeeForm,
    StartConsultationForm,
    WithdrawForm,
    staff_users_for,
)
from requests_app.appeals import appeal_create, appeal_list_for_staff, appeal_update
from requests_app.clock_display import clock_display
from requests_app.deadlines import DeadlineState, deadline_state, format_date
from requests_app.models import (
    Appeal,
    Delivery,
    DisclosureRequest,
    FeeMethodChoice,
    InfoFormat,
    LedgerChange,
    LetterTemplate,
    Notification,
    RequestEvent,
)
from requests_app.outcomes import Outcome
from requests_app.selectors import request_events, request_list_for_staff
from requests_app.services import (
    request_assign,
    request_correct_applicant_type,
    request_end_consultation,
    request_extend,
    request_issue_fee_notice,
    request_receive_supplement,
    request_register,
    request_reply,
    request_request_supplement,
    request_set_delay,
    request_settle_fee,
    request_start_consultation,
    request_withdraw,
)
from requests_app.workflow import ACTION_LABELS, OPEN, Action, Status, allowed_actions

# --- the case actions ------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class CaseAction:
    """One thing a clerk does to a case: its form and the service that does it.

    The form's fields are the service's keyword arguments. ``transition`` is the row of
    the workflow table it applies (None: assigning a clerk changes no status).
    """

    name: str
    label: str
    form_class: type[CaseActionForm]
    service: Callable[..., DisclosureRequest]
    transition: Action | None


def _transition(
    action: Action, form_class: type[CaseActionForm], service: Callable[..., Any]
) -> CaseAction:
    return CaseAction(action.value, ACTION_LABELS[action], form_class, service, action)


CASE_ACTIONS: tuple[CaseAction, ...] = (
    _transition(
        Action.REQUEST_SUPPLEMENT, RequestSupplementForm, request_request_supplement
    ),
    _transition(
        Action.RECEIVE_SUPPLEMENT, ReceiveSupplementForm, request_receive_supplement
    ),
    _transition(
        Action.START_CONSULTATION, StartConsultationForm, request_start_consultation
    ),
    _transition(Action.END_CONSULTATION, EndConsultationForm, request_end_consultation),
    _transition(Action.ISSUE_FEE_NOTICE, IssueFeeNoticeForm, request_issue_fee_notice),
    _transition(Action.SETTLE_FEE, SettleFeeForm, request_settle_fee),
    _transition(Action.EXTEND, ExtendForm, request_extend),
    _transition(Action.SET_DELAY, SetDelayForm, request_set_delay),
    _transition(Action.REPLY, ReplyForm, request_reply),
    _transition(Action.WITHDRAW, WithdrawForm, request_withdraw),
    CaseAction("assign", "分配经办人", AssignForm, request_assign, None),
    CaseAction(
        "correct_applicant_type",
        "更正申请人类型",
        CorrectApplicantTypeForm,
        request_correct_applicant_type,
        None,
    ),
)
CASE_ACTIONS_BY_NAME = {case_action.name: case_action for case_action in CASE_ACTIONS}


def case_actions_available(disclosure_request: DisclosureRequest) -> list[CaseAction]:
    """The actions the workflow table allows in the case's status (closed: none)."""
    if not disclosure_request.is_open:
        return []
    allowed = set(allowed_actions(disclosure_request.status))
    return [
        case_action
        for case_action in CASE_ACTIONS
        if case_action.transition is None or case_action.transition in allowed
    ]


def _bulk_action(case_action: CaseAction) -> Callable[..., HttpResponse | None]:
    def run(
        model_admin: DisclosureRequestAdmin,
        request: HttpRequest,
        queryset: QuerySet[DisclosureRequest],
    ) -> HttpResponse | None:
        return model_admin.run_bulk_action(request, queryset, case_action)

    run.__name__ = f"act_{case_action.name}"
    return admin.action(permissions=["act"], description=case_action.label)(run)


# --- the clock as staff see it ---------------------------------------------------------

DEADLINE_LABELS = {
    DeadlineState.OVERDUE: _("已逾期"),
    DeadlineState.DUE_SOON: _("即将到期"),
    DeadlineState.PAUSED: _("暂停计时"),
    DeadlineState.ON_TRACK: _("期限内"),
}
DEADLINE_COLOURS = {
    DeadlineState.OVERDUE: "#ba2121",
    DeadlineState.DUE_SOON: "#b26a00",
    DeadlineState.PAUSED: "#666",
}


def warn_within_workdays() -> int:
    """The earliest due-soon reminder (working days before the due date)."""
    return max(settings.GONGKAI_REMINDER_WORKDAYS, default=5)


def case_deadline_state(
    disclosure_request: DisclosureRequest, *, today: date, calendar: WorkingDayCalendar
) -> DeadlineState | None:
    """How an open case stands against its due date today; None once it is closed."""
    if not disclosure_request.is_open:
        return None
    return deadline_state(
        due_on=disclosure_request.due_on,
        today=today,
        calendar=calendar,
        warn_within_workdays=warn_within_workdays(),
    )


class DeadlineFilter(admin.SimpleListFilter):
    """期限状态: overdue, due soon or paused, worked out from the due date when read."""

    title = _("期限状态")
    parameter_name = "deadline"

    def lookups(
        self, request: HttpRequest, model_admin: Any
    ) -> Iterable[tuple[str, Any]]:
        return [
            (DeadlineState.OVERDUE.value, DEADLINE_LABELS[DeadlineState.OVERDUE]),
            (DeadlineState.DUE_SOON.value, DEADLINE_LABELS[DeadlineState.DUE_SOON]),
            (DeadlineState.PAUSED.value, DEADLINE_LABELS[DeadlineState.PAUSED]),
        ]

    def queryset(
        self, request: HttpRequest, queryset: QuerySet[DisclosureRequest]
    ) -> QuerySet[DisclosureRequest]:
        value = self.value()
        if not value:
            return queryset
        today = timezone.localdate()
        open_cases = queryset.filter(status__in=OPEN)
        if value == DeadlineState.OVERDUE:
            return open_cases.filter(due_on__lt=today)
        if value == DeadlineState.PAUSED:
            return open_cases.filter(due_on__isnull=True)
        if value == DeadlineState.DUE_SOON:
            # At most N working days left <=> due before the (N+1)-th working day.
            first_not_soon = calendar_get().add_workdays(
                today, warn_within_workdays() + 1
            )
            return open_cases.filter(due_on__gte=today, due_on__lt=first_not_soon)
        return queryset


# --- what the event timeline shows of a payload -----------------------------------------

_PAYLOAD_LABELS = {
    "reason": _("理由"),
    "party": _("征求意见对象"),
    "reply_due_on": _("第三方答复期限"),
    "outcome": _("办理结果"),
    "note": _("说明"),
    "period_days": _("补正期限（工作日）"),
    "late": _("告知逾期"),
    "method": _("收费方式"),
    "amount_yuan": _("金额（元）"),
    "clerk": _("经办人"),
    "channel": _("申请方式"),
    "number": _("文号"),
    "last_day": _("期限最后一日"),
    "years": _("日历年份"),
}
_PAYLOAD_CHOICES: dict[str, Any] = {
    "outcome": Outcome,
    "channel": Channel,
    "method": FeeMethodChoice,
}


def payload_summary(payload: dict[str, Any]) -> str:
    parts = []
    for key, label in _PAYLOAD_LABELS.items():
        value = payload.get(key)
        if value in (None, "", []):
            continue
        choices = _PAYLOAD_CHOICES.get(key)
        if choices is not None and value in choices.values:
            value = choices(value).label
        elif isinstance(value, bool):
            value = _("是") if value else _("否")
        elif isinstance(value, list):
            value = "、".join(map(str, value))
        parts.append(f"{label}：{value}")
    return "；".join(parts)


# --- applications ----------------------------------------------------------------------


class AppealInline(ParentAccessInline, admin.TabularInline):
    model = Appeal
    read_only = True
    extra = 0
    fields = ("reference", "kind", "filed_on", "body", "result", "decided_on")
    readonly_fields = fields
    show_change_link = True


ADD_FIELDSETS = (
    (
        _("收到申请"),
        {"fields": ("agency", "channel", "received_on", "receipt_note", "assigned_to")},
    ),
    (
        _("申请人"),
        {
            "fields": (
                "applicant_type",
                "name",
                "id_type",
                "id_number",
                "contact_person",
                "phone",
                "email",
                "address",
                "postcode",
            )
        },
    ),
    (_("所需信息"), {"fields": ("description", "formats", "delivery")}),
)
CHANGE_FIELDSETS = (
    (
        _("申请"),
        {
            "fields": (
                "reference",
                "agency",
                "status",
                "channel",
                "received_on",
                "receipt_note",
                "assigned_to",
            )
        },
    ),
    (
        _("申请人"),
        {
            "fields": (
                "applicant_name",
                "applicant_type",
                "applicant_identity",
                "applicant_contact",
            )
        },
    ),
    (_("所需信息"), {"fields": ("description", "formats_display", "delivery_display")}),
    (
        _("期限"),
        {
            "fields": (
                "due_display",
                "provisional",
                "supplement_notice_due_on",
                "supplement_requested_on",
                "supplement_notice_late",
                "supplement_items",
                "supplement_period_days",
                "supplement_received_on",
                "extended",
                "extended_on",
                "delayed_due_on",
            )
        },
    ),
    (
        _("收费"),
        {"fields": ("fee_method", "fee_amount_yuan", "fee_notice_on", "fee_paid_on")},
    ),
    (
        _("办理结果"),
        {
            "fields": (
                "outcome",
                "outcome_basis",
                "reasons",
                "competent_agency_name",
                "closed_on",
                "on_time",
            )
        },
    ),
)


def _flatten(fieldsets: Iterable[tuple[Any, dict[str, Any]]]) -> tuple[str, ...]:
    return tuple(name for _title, options in fieldsets for name in options["fields"])


@admin.register(DisclosureRequest)
class DisclosureRequestAdmin(StaffAccessAdmin):
    """公开申请: register paper applications, follow the clock, act on cases.

    The change page is read-only; each transition is an action with its own small form,
    both for the selected cases of the list and for one case from its page.
    """

    add_level = "staff"
    form = RegisterApplicationForm
    list_display = (
        "reference",
        "agency",
        "applicant_type",
        "channel",
        "received_on",
        "status",
        "due_display",
        "provisional",
        "outcome",
        "assigned_to",
    )
    list_filter = (
        "status",
        "channel",
        ("agency", AgencyListFilter),
        "outcome",
        DeadlineFilter,
    )
    search_fields = ("reference", "description")
    actions = [_bulk_action(case_action) for case_action in CASE_ACTIONS]

    # --- permissions and scope ---

    def has_act_permission(self, request: HttpRequest) -> bool:
        """Acting on cases: any staff; the services refuse other agencies' cases."""
        return request_scope(request).is_staff_of_anything

    def get_queryset(self, request: HttpRequest) -> QuerySet[DisclosureRequest]:
        return request_list_for_staff(actor=request.user)

    def formfield_for_foreignkey(
        self, db_field: Any, request: HttpRequest, **kwargs: Any
    ) -> Any:
        if db_field.name == "assigned_to":
            kwargs["queryset"] = staff_users_for(request.user)
        return super().formfield_for_foreignkey(db_field, request, **kwargs)

    # --- the list ---

    def prepare_page(self, request: HttpRequest, objects: list[Any]) -> None:
        calendar = calendar_get()
        today = timezone.localdate()
        for case in objects:
            case.gongkai_deadline = case_deadline_state(
                case, today=today, calendar=calendar
            )

    @admin.display(description=_("答复期限"), ordering="due_on")
    def due_display(self, case: DisclosureRequest) -> str:
        state = getattr(case, "gongkai_deadline", None)
        if case.due_on is None:
            if state == DeadlineState.PAUSED and case.remaining_workdays is not None:
                return format_html(
                    '<span style="color:#666">{}</span>',
                    _("暂停计时（恢复后剩余%(days)s个工作日）")
                    % {"days": case.remaining_workdays},
                )
            return "—"
        due = case.due_on.isoformat()
        colour = DEADLINE_COLOURS.get(state) if state else None
        if colour is None:
            return due
        return format_html(
            '<strong style="color:{}">● {} {}</strong>',
            colour,
            due,
            DEADLINE_LABELS[state],
        )

    # --- registration (the add form) ---

    def get_fieldsets(self, request: HttpRequest, obj: Any = None) -> Any:
        return CHANGE_FIELDSETS if obj is not None else ADD_FIELDSETS

    def get_readonly_fields(self, request: HttpRequest, obj: Any = None) -> Any:
        return _flatten(CHANGE_FIELDSETS) if obj is not None else ()

    def get_inlines(self, request: HttpRequest, obj: Any) -> Any:
        return (AppealInline,) if obj is not None else ()

    def get_form(
        self, request: HttpRequest, obj: Any = None, change: bool = False, **kwargs: Any
    ) -> Any:
        if obj is not None:
            # The change page only displays; nothing of a case is edited through a form.
            kwargs["form"] = forms.ModelForm
            kwargs["fields"] = ()
        return super().get_form(request, obj, change=change, **kwargs)

    def get_changeform_initial_data(self, request: HttpRequest) -> dict[str, Any]:
        initial: dict[str, Any] = {
            "received_on": timezone.localdate(),
            "assigned_to": request.user.pk,
        }
        agencies = list(self.agency_choices(request)[:2])
        if len(agencies) == 1:
            initial["agency"] = agencies[0].pk
        return {**initial, **super().get_changeform_initial_data(request)}

    def save_model(
        self, request: HttpRequest, obj: DisclosureRequest, form: Any, change: bool
    ) -> None:
        if change:
            raise PermissionDenied  # the change page is read-only
        created = request_register(
            agency=form.cleaned_data["agency"],
            applicant_data=form.applicant_data(),
            registration=form.registration_data(),
            actor=request.user,
            assigned_to=form.cleaned_data.get("assigned_to"),
        )
        adopt(obj, created)

    def response_add(
        self,
        request: HttpRequest,
        obj: DisclosureRequest,
        post_url_continue: str | None = None,
    ) -> HttpResponse:
        due = format_date(obj.due_on) if obj.due_on else _("暂无")
        self.message_user(
            request,
            _("已登记申请 %(reference)s，答复期限：%(due)s%(provisional)s。")
            % {
                "reference": obj.reference,
                "due": due,
                "provisional": _("（暂定）") if obj.provisional else "",
            },
            messages.SUCCESS,
        )
        if "_addanother" in request.POST:
            return HttpResponseRedirect(request.path)
        return HttpResponseRedirect(self._change_url(obj))

    # --- the case page ---

    def change_view(
        self,
        request: HttpRequest,
        object_id: str,
        form_url: str = "",
        extra_context: dict[str, Any] | None = None,
    ) -> HttpResponse:
        case = self.get_object(request, unquote(object_id))
        context = {**self._case_context(request, case), **(extra_context or {})}
        return super().change_view(request, object_id, form_url, context)

    def add_view(
        self,
        request: HttpRequest,
        form_url: str = "",
        extra_context: dict[str, Any] | None = None,
    ) -> HttpResponse:
        context = {
            "receipt_rules": {code: str(rule) for code, rule in RECEIPT_RULES.items()},
            **(extra_context or {}),
        }
        return super().add_view(request, form_url, context)

    def _case_context(
        self, request: HttpRequest, case: DisclosureRequest
    ) -> dict[str, Any]:
        calendar = calendar_get()
        state = case_deadline_state(case, today=timezone.localdate(), calendar=calendar)
        can_act = self.has_act_permission(request)
        consultations = list(case.consultations.all())
        return {
            "clock": {
                "due_on": case.due_on,
                "provisional": case.provisional,
                "state": state,
                # A paused clock is already said in words next to the (missing) date.
                "state_label": (
                    DEADLINE_LABELS[state]
                    if state and state != DeadlineState.PAUSED
                    else None
                ),
                "colour": DEADLINE_COLOURS.get(state) if state else None,
                "remaining_workdays": case.remaining_workdays,
                "steps": clock_display(case, calendar, consultations=consultations),
                "explanation": case.clock_explanation,
            },
            "events": [
                {"event": event, "summary": payload_summary(event.payload or {})}
                for event in request_events(disclosure_request=case)
            ],
            "consultations": consultations,
            "letters": [
                {
                    "letter": letter,
                    "docx_url": f"/staff/letters/{letter.pk}/docx/",
                    "pdf_url": f"/staff/letters/{letter.pk}/pdf/",
                }
                for letter in case.letters.all()
            ],
            "case_buttons": [
                {"label": case_action.label, "url": self._act_url(case, case_action)}
                for case_action in (case_actions_available(case) if can_act else [])
            ],
        }

    @admin.display(description=_("申请人"))
    def applicant_name(self, case: DisclosureRequest) -> str:
        return case.applicant.name

    @admin.display(description=_("证件"))
    def applicant_identity(self, case: DisclosureRequest) -> str:
        applicant = case.applicant
        if not applicant.id_type:
            return "—"
        return f"{applicant.get_id_type_display()} {applicant.id_number_masked}"

    @admin.display(description=_("联系方式"))
    def applicant_contact(self, case: DisclosureRequest) -> str:
        applicant = case.applicant
        parts = [
            applicant.contact_person,
            applicant.phone,
            applicant.email,
            applicant.address,
        ]
        return "；".join(part for part in parts if part) or "—"

    @admin.display(description=_("信息提供形式"))
    def formats_display(self, case: DisclosureRequest) -> str:
        return _labels(case.formats, InfoFormat)

    @admin.display(description=_("获取信息方式"))
    def delivery_display(self, case: DisclosureRequest) -> str:
        return _labels(case.delivery, Delivery)

    # --- actions ---

    def get_urls(self) -> list[Any]:
        info = self.opts.app_label, self.opts.model_name
        return [
            path(
                "<path:object_id>/act/<slug:action_name>/",
                self.admin_site.admin_view(self.act_view),
                name="{}_{}_act".format(*info),
            ),
            *super().get_urls(),
        ]

    def _change_url(self, case: DisclosureRequest) -> str:
        return reverse("admin:requests_app_disclosurerequest_change", args=[case.pk])

    def _act_url(self, case: DisclosureRequest, case_action: CaseAction) -> str:
        return reverse(
            "admin:requests_app_disclosurerequest_act", args=[case.pk, case_action.name]
        )

    def _perform(
        self,
        request: HttpRequest,
        case_action: CaseAction,
        case: DisclosureRequest,
        form: CaseActionForm,
    ) -> DisclosureRequest:
        return case_action.service(
            actor=request.user, request_id=case.pk, **form.cleaned_data
        )

    def _render_action_form(
        self,
        request: HttpRequest,
        case_action: CaseAction,
        form: CaseActionForm,
        *,
        cases: list[DisclosureRequest],
        case: DisclosureRequest | None = None,
        hidden: list[tuple[str, Any]] | None = None,
        cancel_url: str,
    ) -> HttpResponse:
        context = {
            **self.admin_site.each_context(request),
            "opts": self.opts,
            "title": case_action.label,
            "form": form,
            "cases": cases,
            "case": case,
            "hidden": hidden or [],
            "submit_label": _("确定"),
            "cancel_url": cancel_url,
            "media": self.media + form.media,
        }
        return TemplateResponse(request, "admin/gongkai/form_page.html", context)

    def act_view(
        self, request: HttpRequest, object_id: str, action_name: str
    ) -> HttpResponse:
        """One action on one case, from the buttons of the case page."""
        case = self.get_object(request, unquote(object_id))
        case_action = CASE_ACTIONS_BY_NAME.get(action_name)
        if case_action is None:
            raise Http404(_("没有这项操作。"))
        if not self.has_act_permission(request):
            raise PermissionDenied
        data = request.POST if request.method == "POST" else None
        form = case_action.form_class(data, actor=request.user, disclosure_request=case)
        if data is not None and form.is_valid():
            try:
                self._perform(request, case_action, case, form)
            except ApplicationError as exc:
                form_add_application_error(form, exc)
            else:
                self.message_user(
                    request,
                    _("%(reference)s：已%(action)s。")
                    % {"reference": case.reference, "action": case_action.label},
                    messages.SUCCESS,
                )
                return HttpResponseRedirect(self._change_url(case))
        return self._render_action_form(
            request,
            case_action,
            form,
            cases=[case],
            case=case,
            cancel_url=self._change_url(case),
        )

    def run_bulk_action(
        self,
        request: HttpRequest,
        queryset: QuerySet[DisclosureRequest],
        case_action: CaseAction,
    ) -> HttpResponse | None:
        """The same action for the selected cases: ask for its form, then run the
        service case by case, reporting each refusal with the service's message."""
        cases = list(queryset)
        applying = "apply" in request.POST
        form = case_action.form_class(
            request.POST if applying else None, actor=request.user
        )
        if applying and form.is_valid():
            done: list[str] = []
            for case in cases:
                try:
                    self._perform(request, case_action, case, form)
                except ApplicationError as exc:
                    self.message_user(
                        request, f"{case.reference}：{exc.message}", messages.ERROR
                    )
                else:
                    done.append(case.reference)
            if done:
                self.message_user(
                    request,
                    _("已对 %(count)s 件申请执行“%(action)s”：%(references)s")
                    % {
                        "count": len(done),
                        "action": case_action.label,
                        "references": "、".join(done),
                    },
                    messages.SUCCESS,
                )
            return None
        hidden = [("action", f"act_{case_action.name}")] + [
            (ACTION_CHECKBOX_NAME, case.pk) for case in cases
        ]
        return self._render_action_form(
            request,
            case_action,
            form,
            cases=cases,
            hidden=hidden,
            cancel_url=request.get_full_path(),
        )


def _labels(codes: Iterable[str], choices: type[TextChoices]) -> str:
    labels = [choices(code).label if code in choices.values else code for code in codes]
    return "、".join(str(label) for label in labels) or "—"


# --- events, appeals, letter texts, notifications -------------------------------------


@admin.display(description=_("申请编号"), ordering="request__reference")
def case_reference(obj: RequestEvent | Notification) -> str:
    return obj.request.reference if obj.request_id else "—"


@admin.register(LedgerChange)
class LedgerChangeAdmin(StaffAccessAdmin):
    """台账导入变更: what a ledger import changed on a publication, an appeal or the
    annual statistics; append-only, read here."""

    agency_lookup = "agency"
    list_display = ("occurred_at", "kind", "agency", "reference", "source", "row")
    list_filter = ("kind",)
    list_select_related = ("agency",)
    search_fields = ("reference", "source")
    date_hierarchy = "occurred_at"
    fields = (
        "occurred_at",
        "kind",
        "agency",
        "reference",
        "source",
        "row",
        "changed_fields",
    )
    readonly_fields = fields

    @admin.display(description=_("变更内容"))
    def changed_fields(self, change: LedgerChange) -> str:
        return "；".join(
            f"{name}: {values.get('before')!s} → {values.get('after')!s}"
            for name, values in (change.changes or {}).items()
        )


@admin.register(RequestEvent)
class RequestEventAdmin(StaffAccessAdmin):
    """办理记录: append-only; nobody adds, changes or deletes an event here."""

    agency_lookup = "request__agency"
    list_display = (
        "occurred_at",
        case_reference,
        "kind",
        "actor",
        "effective_on",
        "due_before",
        "due_after",
    )
    list_filter = ("kind",)
    list_select_related = ("request", "actor")
    search_fields = ("request__reference",)
    date_hierarchy = "occurred_at"
    fields = (
        case_reference,
        "kind",
        "actor",
        "occurred_at",
        "effective_on",
        "due_before",
        "due_after",
        "status_change",
        "summary",
    )
    readonly_fields = fields

    @admin.display(description=_("状态变化"))
    def status_change(self, event: RequestEvent) -> str:
        def label(code: str) -> str:
            return str(Status(code).label) if code in Status.values else code or "—"

        return f"{label(event.status_before)} → {label(event.status_after)}"

    @admin.display(description=_("说明"))
    def summary(self, event: RequestEvent) -> str:
        return payload_summary(event.payload or {}) or "—"

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


@admin.register(Appeal)
class AppealAdmin(StaffAccessAdmin):
    """复议诉讼投诉: entered by the staff of the agency concerned."""

    form = AppealForm
    add_level = "staff"
    change_level = "staff"
    delete_level = "admin"
    agency_fixed = True
    fieldsets = ((None, {"fields": APPEAL_FIELDS}),)
    list_display = (
        "reference",
        "agency",
        "kind",
        "filed_on",
        "result_display",
        "decided_on",
        "request",
    )
    list_filter = ("kind", "result", ("agency", AgencyListFilter))
    list_select_related = ("agency", "request")
    search_fields = ("reference", "body", "notes", "request__reference")
    raw_id_fields = ("request",)
    date_hierarchy = "filed_on"

    @admin.display(description=_("结果"), ordering="result")
    def result_display(self, appeal: Appeal) -> str:
        return appeal.get_result_display() if appeal.result else str(_("尚未审结"))

    def get_queryset(self, request: HttpRequest) -> QuerySet[Appeal]:
        return appeal_list_for_staff(actor=request.user)

    def save_model(
        self, request: HttpRequest, obj: Appeal, form: Any, change: bool
    ) -> None:
        fields = {
            name: form.cleaned_data[name]
            for name in APPEAL_FIELDS
            if name != "agency" and name in form.cleaned_data
        }
        if change:
            changed = {
                name: fields[name] for name in form.changed_data if name in fields
            }
            appeal_update(appeal=obj, actor=request.user, **changed)
        else:
            created = appeal_create(
                agency=form.cleaned_data["agency"], actor=request.user, **fields
            )
            adopt(obj, created)

    def formfield_for_foreignkey(
        self, db_field: Any, request: HttpRequest, **kwargs: Any
    ) -> Any:
        if db_field.name == "request":
            kwargs["queryset"] = request_list_for_staff(actor=request.user)
        return super().formfield_for_foreignkey(db_field, request, **kwargs)


@admin.register(LetterTemplate)
class LetterTemplateAdmin(StaffAccessAdmin):
    """文书模板: the editable texts of the letters (告知书).

    The templates are deployment-wide (one set for every agency), so only deployment
    administrators (role admin or superuser) add, change or delete them; a supervisor
    of one sub-agency must not rewrite every agency's letters. Clerks and supervisors
    may read them.
    """

    agency_lookup = None
    view_level = "staff"
    add_level = "admin"
    change_level = "admin"
    delete_level = "admin"
    list_display = ("title", "kind", "outcome", "updated_at")
    list_filter = ("kind",)
    search_fields = ("title", "body")


@admin.register(Notification)
class NotificationAdmin(StaffAccessAdmin):
    """通知: each user sees only their own."""

    agency_lookup = None
    list_display = ("title", case_reference, "created", "read")
    list_select_related = ("request",)
    fields = ("title", "body", case_reference, "created", "read")
    readonly_fields = fields

    @admin.display(description=_("时间"), ordering="created_at")
    def created(self, notification: Notification) -> str:
        return timezone.localtime(notification.created_at).strftime("%Y-%m-%d %H:%M")

    @admin.display(description=_("已读"), boolean=True)
    def read(self, notification: Notification) -> bool:
        return notification.read_at is not None

    def get_queryset(self, request: HttpRequest) -> QuerySet[Notification]:
        user: User = request.user  # type: ignore[assignment]
        return super().get_queryset(request).filter(user=user)
