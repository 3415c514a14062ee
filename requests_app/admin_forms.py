"""Forms of the applications admin: registering an application received on paper, the
small forms of the case actions, and appeals.

They validate and shape input only; the admin hands the cleaned data to the services in
``requests_app.services``, which keep every rule. Each action form's field names are the
keyword arguments of its service, so a service's error lands on the field it names.
"""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib.admin.widgets import AdminDateWidget
from django.db.models import QuerySet
from django.utils import timezone
from django.utils.text import format_lazy
from django.utils.translation import gettext_lazy as _

from disclosure.access import agencies_for_staff
from disclosure.models import Channel, User
from requests_app.appeals import appeal_validate
from requests_app.models import (
    Appeal,
    ApplicantType,
    Delivery,
    DisclosureRequest,
    FeeMethodChoice,
    IdType,
    InfoFormat,
)
from requests_app.outcomes import CLOSING_ONLY, Outcome
from requests_app.services import ApplicantData, RegistrationData

# Channels a clerk registers by hand; online applications register themselves.
STAFF_CHANNELS = (
    Channel.LETTER,
    Channel.IN_PERSON,
    Channel.FAX,
    Channel.EMAIL,
    Channel.OTHER,
)

RECEIPT_RULES: dict[str, str] = {
    Channel.LETTER: _(
        "信函：以行政机关签收之日为收到申请之日；平常信函等无需签收的，以与申请人确认之日为准。"
    ),
    Channel.IN_PERSON: _("当面提交：以提交之日为收到申请之日。"),
    Channel.FAX: _("传真：以双方确认之日为收到申请之日。"),
    Channel.EMAIL: _("电子邮件：以双方确认之日为收到申请之日。"),
    Channel.OTHER: _("其他方式：以登记的收到之日为准，并在“收到日期依据”中写明。"),
}


def staff_users_for(actor: User | None) -> QuerySet[User]:
    """The active staff of the agencies the actor acts for: who a case may be given to."""
    return (
        User.objects.filter(
            is_active=True, memberships__agency__in=agencies_for_staff(actor)
        )
        .distinct()
        .order_by("username")
    )


def _date_field(label: str, **kwargs: Any) -> forms.DateField:
    # Clerks record what happened today far more often than anything else.
    return forms.DateField(
        label=label, initial=timezone.localdate, widget=AdminDateWidget, **kwargs
    )


# --- registration ----------------------------------------------------------------------


class RegisterApplicationForm(forms.ModelForm):
    """登记申请: an application received by letter, in person, by fax, e-mail or otherwise.

    The receipt date is the Art. 31 date of the channel. The identity number is checked
    (MOD 11-2 / GB 32100) by the registration service, which reports per field.
    """

    channel = forms.ChoiceField(
        label=_("申请方式"),
        choices=[(code, Channel(code).label) for code in STAFF_CHANNELS],
        initial=Channel.LETTER,
    )
    received_on = forms.DateField(
        label=_("收到申请日期"),
        widget=AdminDateWidget,
        help_text=format_lazy(
            "{}" + " {}" * len(RECEIPT_RULES),
            _("《条例》第三十一条："),
            *RECEIPT_RULES.values(),
        ),
    )
    applicant_type = forms.ChoiceField(
        label=_("申请人类型"),
        choices=ApplicantType.choices,
        initial=ApplicantType.NATURAL_PERSON,
    )
    name = forms.CharField(label=_("姓名或名称"), max_length=200)
    id_type = forms.ChoiceField(
        label=_("证件类型"),
        choices=[("", "---------"), *IdType.choices],
        required=False,
        help_text=_("自然人填写身份证件；法人或其他组织填写统一社会信用代码。"),
    )
    id_number = forms.CharField(
        label=_("证件号码"),
        max_length=40,
        required=False,
        help_text=_("只保存加密后的号码，页面上只显示遮蔽后的号码。"),
    )
    contact_person = forms.CharField(label=_("联系人"), max_length=100, required=False)
    phone = forms.CharField(label=_("联系电话"), max_length=50, required=False)
    email = forms.EmailField(label=_("电子邮箱"), required=False)
    address = forms.CharField(label=_("通信地址"), max_length=300, required=False)
    postcode = forms.CharField(label=_("邮政编码"), max_length=10, required=False)
    formats = forms.MultipleChoiceField(
        label=_("信息提供形式"),
        choices=InfoFormat.choices,
        widget=forms.CheckboxSelectMultiple,
        required=False,
    )
    delivery = forms.MultipleChoiceField(
        label=_("获取信息方式"),
        choices=Delivery.choices,
        widget=forms.CheckboxSelectMultiple,
        required=False,
    )

    class Meta:
        model = DisclosureRequest
        fields = (
            "agency",
            "channel",
            "received_on",
            "receipt_note",
            "applicant_type",
            "description",
            "formats",
            "delivery",
            "assigned_to",
        )

    def applicant_data(self) -> ApplicantData:
        data = self.cleaned_data
        return ApplicantData(
            applicant_type=data["applicant_type"],
            name=data["name"],
            id_type=data["id_type"],
            id_number=data["id_number"],
            contact_person=data["contact_person"],
            phone=data["phone"],
            email=data["email"],
            address=data["address"],
            postcode=data["postcode"],
        )

    def registration_data(self) -> RegistrationData:
        data = self.cleaned_data
        return RegistrationData(
            channel=data["channel"],
            received_on=data["received_on"],
            description=data["description"],
            formats=tuple(data["formats"]),
            delivery=tuple(data["delivery"]),
            receipt_note=data["receipt_note"],
        )


# --- case actions ----------------------------------------------------------------------


class CaseActionForm(forms.Form):
    """Base of the action forms; ``actor`` narrows choices to what the user may pick."""

    def __init__(
        self,
        *args: Any,
        actor: User | None,
        disclosure_request: DisclosureRequest | None = None,
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        self.actor = actor
        self.disclosure_request = disclosure_request


class RequestSupplementForm(CaseActionForm):
    """告知补正 (Art. 30)."""

    requested_on = _date_field(_("补正告知日期"))
    items = forms.CharField(
        label=_("需要补正的事项"),
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("应一次性告知申请人需要补正的全部事项。"),
    )
    period_days = forms.IntegerField(
        label=_("补正期限（工作日）"),
        min_value=1,
        required=False,
        help_text=_("留空则使用本机关设置的补正期限。"),
    )


class ReceiveSupplementForm(CaseActionForm):
    """收到补正: the reply period restarts from this day."""

    received_on = _date_field(_("补正收到日期"))


class StartConsultationForm(CaseActionForm):
    """征求意见 (Art. 32, 34)."""

    party = forms.CharField(label=_("征求意见对象"), max_length=200)
    started_on = _date_field(_("征求意见日期"))


class EndConsultationForm(CaseActionForm):
    ended_on = _date_field(_("征求意见结束日期"))


class IssueFeeNoticeForm(CaseActionForm):
    """收费通知 (国办函〔2020〕109号)."""

    notice_on = _date_field(_("收费通知日期"))
    method = forms.ChoiceField(label=_("收费方式"), choices=FeeMethodChoice.choices)
    pages = forms.IntegerField(
        label=_("页数"),
        min_value=1,
        required=False,
        help_text=_("按量计收时填写提供信息的页数。"),
    )


class SettleFeeForm(CaseActionForm):
    paid_on = _date_field(_("缴费日期"))


class ExtendForm(CaseActionForm):
    """延期答复 (Art. 33(2))."""

    approved_on = _date_field(
        _("延期批准日期"), help_text=_("须在当前答复期限届满前批准并告知申请人。")
    )
    reason = forms.CharField(
        label=_("延期理由"), widget=forms.Textarea(attrs={"rows": 3})
    )


class SetDelayForm(CaseActionForm):
    """确定延迟答复期限 (Art. 35)."""

    decided_on = _date_field(_("决定日期"))
    delayed_due_on = forms.DateField(label=_("延迟答复期限"), widget=AdminDateWidget)
    reason = forms.CharField(label=_("理由"), widget=forms.Textarea(attrs={"rows": 3}))


REPLY_OUTCOMES = [
    (code, label) for code, label in Outcome.choices if code not in CLOSING_ONLY
]


class ReplyForm(CaseActionForm):
    """答复: one outcome of contract §1.3 with its reasons."""

    outcome = forms.ChoiceField(
        label=_("办理结果"), choices=[("", "---------"), *REPLY_OUTCOMES]
    )
    replied_on = _date_field(_("答复日期"))
    reasons = forms.CharField(
        label=_("理由"),
        widget=forms.Textarea(attrs={"rows": 4}),
        required=False,
        help_text=_("不予公开、部分公开的，应当告知理由。"),
    )
    competent_agency_name = forms.CharField(
        label=_("有权机关名称"),
        max_length=200,
        required=False,
        help_text=_("非本机关负责的，告知负责公开该政府信息的机关名称。"),
    )


class WithdrawForm(CaseActionForm):
    withdrawn_on = _date_field(_("撤回日期"))
    note = forms.CharField(
        label=_("说明"), widget=forms.Textarea(attrs={"rows": 2}), required=False
    )


class CorrectApplicantTypeForm(CaseActionForm):
    applicant_type = forms.ChoiceField(
        label=_("申请人类型"),
        choices=ApplicantType.choices,
        help_text=_("决定该申请计入年度报告表三的哪一列。"),
    )
    reason = forms.CharField(
        label=_("更正理由"), widget=forms.Textarea(attrs={"rows": 2})
    )


class AssignForm(CaseActionForm):
    clerk = forms.ModelChoiceField(
        label=_("经办人"),
        queryset=User.objects.none(),
        required=False,
        help_text=_("留空表示取消分配。"),
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["clerk"].queryset = staff_users_for(self.actor)


# --- appeals ---------------------------------------------------------------------------

# The fields the appeals service takes (the document upload is not among them yet).
APPEAL_FIELDS = (
    "agency",
    "reference",
    "kind",
    "filed_on",
    "body",
    "request",
    "result",
    "decided_on",
    "notes",
)


class AppealForm(forms.ModelForm):
    """行政复议、行政诉讼、投诉举报: checked by the appeals service's own rules, so that
    a decision dated before the filing is refused on its field."""

    class Meta:
        model = Appeal
        fields = APPEAL_FIELDS

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean()
        agency = cleaned.get("agency")
        if agency is None and self.instance.agency_id:
            agency = self.instance.agency  # fixed once the appeal is recorded
        errors = appeal_validate(
            reference=cleaned.get("reference") or "",
            kind=cleaned.get("kind") or "",
            filed_on=cleaned.get("filed_on"),
            result=cleaned.get("result") or "",
            decided_on=cleaned.get("decided_on"),
            agency=agency,
            request=cleaned.get("request"),
        )
        for field, message in errors.items():
            if field in self.fields and field not in self.errors:
                self.add_error(field, message)
        return cleaned
