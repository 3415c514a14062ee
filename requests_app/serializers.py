"""Shapes of the application API (contract §8): the inputs shared by the public form and
staff registration, and every representation the API returns.

Validation here is about form only (types, lengths, known codes). The business rules
(identity check characters, accepted channels, dates) stay in ``requests_app.services``,
which the views call.
"""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema_field, extend_schema_serializer
from rest_framework import serializers

from disclosure.models import Agency, Channel
from requests_app.models import (
    ApplicantType,
    Delivery,
    DisclosureRequest,
    IdType,
    InfoFormat,
    Letter,
)
from requests_app.outcomes import Outcome
from requests_app.workflow import Status, allowed_actions

# Channels a clerk registers; ``online`` applications come only through the public form.
STAFF_CHANNELS = [(code, label) for code, label in Channel.choices if code != "online"]


def letter_download_paths(letter: Letter) -> dict[str, str]:
    """The staff download addresses of a generated letter (served by letter_urls)."""
    return {
        "docx_url": f"/staff/letters/{letter.pk}/docx/",
        "pdf_url": f"/staff/letters/{letter.pk}/pdf/",
    }


# --- inputs ----------------------------------------------------------------------------


class ApplicantInputSerializer(serializers.Serializer):
    """申请人信息 (Art. 29(2)(一)): name, proof of identity and contact details."""

    applicant_type = serializers.ChoiceField(
        choices=ApplicantType.choices, label=_("申请人类型")
    )
    name = serializers.CharField(max_length=200, label=_("姓名或名称"))
    id_type = serializers.ChoiceField(choices=IdType.choices, label=_("证件类型"))
    id_number = serializers.CharField(max_length=40, label=_("证件号码"))
    contact_person = serializers.CharField(
        max_length=100, required=False, allow_blank=True, label=_("联系人")
    )
    phone = serializers.CharField(max_length=50, label=_("联系电话"))
    email = serializers.EmailField(label=_("电子邮箱"))
    address = serializers.CharField(max_length=300, label=_("通信地址"))
    postcode = serializers.CharField(
        max_length=10, required=False, allow_blank=True, label=_("邮政编码")
    )


class ApplicationContentSerializer(serializers.Serializer):
    """所需信息 (Art. 29(2)(二)(三)): what is asked for, in what form, delivered how."""

    description = serializers.CharField(max_length=5000, label=_("所需信息内容描述"))
    formats = serializers.ListField(
        child=serializers.ChoiceField(choices=InfoFormat.choices),
        allow_empty=False,
        max_length=len(InfoFormat.choices),
        label=_("信息提供形式"),
        error_messages={"empty": _("请至少选择一种信息提供形式。")},
    )
    delivery = serializers.ListField(
        child=serializers.ChoiceField(choices=Delivery.choices),
        allow_empty=False,
        max_length=len(Delivery.choices),
        label=_("获取信息方式"),
        error_messages={"empty": _("请至少选择一种获取信息方式。")},
    )


class PublicApplicationInputSerializer(
    ApplicantInputSerializer, ApplicationContentSerializer
):
    """网络申请 — the citizen's online application form."""

    agency = serializers.SlugRelatedField(
        slug_field="code",
        queryset=Agency.objects.all(),
        label=_("受理机关代码"),
        error_messages={
            "does_not_exist": _("未找到机关代码为“{value}”的机关。"),
            "invalid": _("机关代码无效。"),
        },
    )


class StaffRegistrationInputSerializer(ApplicationContentSerializer):
    """A clerk registers a letter, counter, fax, e-mail or other application with its
    Art. 31 receipt date. Identity and contact fields may be blank: a letter may lack
    them, and the clerk then asks for them by a supplementation notice."""

    agency = serializers.CharField(
        max_length=32,
        required=False,
        allow_blank=True,
        label=_("机关代码（只在一个机关任职时可省略）"),
    )
    channel = serializers.ChoiceField(choices=STAFF_CHANNELS, label=_("申请方式"))
    received_on = serializers.DateField(label=_("收到申请日期（第三十一条）"))
    receipt_note = serializers.CharField(
        max_length=200, required=False, allow_blank=True, label=_("收到日期依据")
    )
    assigned_to = serializers.CharField(
        max_length=150,
        required=False,
        allow_blank=True,
        allow_null=True,
        label=_("经办人用户名"),
    )
    applicant_type = serializers.ChoiceField(
        choices=ApplicantType.choices, label=_("申请人类型")
    )
    name = serializers.CharField(max_length=200, label=_("姓名或名称"))
    id_type = serializers.ChoiceField(
        choices=IdType.choices, required=False, allow_blank=True, label=_("证件类型")
    )
    id_number = serializers.CharField(
        max_length=40, required=False, allow_blank=True, label=_("证件号码")
    )
    contact_person = serializers.CharField(
        max_length=100, required=False, allow_blank=True, label=_("联系人")
    )
    phone = serializers.CharField(
        max_length=50, required=False, allow_blank=True, label=_("联系电话")
    )
    email = serializers.EmailField(
        required=False, allow_blank=True, label=_("电子邮箱")
    )
    address = serializers.CharField(
        max_length=300, required=False, allow_blank=True, label=_("通信地址")
    )
    postcode = serializers.CharField(
        max_length=10, required=False, allow_blank=True, label=_("邮政编码")
    )
    formats = serializers.ListField(
        child=serializers.ChoiceField(choices=InfoFormat.choices),
        required=False,
        max_length=len(InfoFormat.choices),
        label=_("信息提供形式"),
    )
    delivery = serializers.ListField(
        child=serializers.ChoiceField(choices=Delivery.choices),
        required=False,
        max_length=len(Delivery.choices),
        label=_("获取信息方式"),
    )


# --- small shapes ----------------------------------------------------------------------


class CodeLabelSerializer(serializers.Serializer):
    code = serializers.CharField()
    label = serializers.CharField()


def code_label(choices: type, value: str) -> dict[str, str] | None:
    """``{"code", "label"}`` of a choice value; None when empty (an open case's outcome)."""
    if not value:
        return None
    return {"code": value, "label": str(choices(value).label)}


class ClockStepSerializer(serializers.Serializer):
    """One line of the due-date explanation; ``code`` is the contract's clock rule."""

    code = serializers.CharField()
    text = serializers.CharField()
    on = serializers.DateField(allow_null=True)
    days = serializers.IntegerField()


class ErrorSerializer(serializers.Serializer):
    """Errors without a field: 401, 403, 404, 409, 429."""

    detail = serializers.CharField()


class TokenInputSerializer(serializers.Serializer):
    username = serializers.CharField(label=_("用户名"))
    password = serializers.CharField(
        label=_("密码"), style={"input_type": "password"}, trim_whitespace=False
    )


class TokenSerializer(serializers.Serializer):
    token = serializers.CharField(source="key")
    expires_at = serializers.DateTimeField()


# --- public ----------------------------------------------------------------------------


class RegistrationReceiptSerializer(serializers.Serializer):
    """What the applicant keeps after submitting: the number and the query code."""

    reference = serializers.CharField()
    query_code = serializers.CharField()
    received_on = serializers.DateField()
    due_on = serializers.DateField(allow_null=True)
    provisional = serializers.BooleanField()


class PublicEventSerializer(serializers.Serializer):
    kind = serializers.CharField()
    label = serializers.CharField(source="get_kind_display")
    effective_on = serializers.DateField(allow_null=True)


class PublicRequestSerializer(serializers.Serializer):
    """The applicant's tracking view. Nothing about the applicant is in it: whoever holds
    the query code sees the progress of the case, not who asked."""

    reference = serializers.CharField()
    agency_name = serializers.CharField(source="agency.name")
    state = serializers.SerializerMethodField()
    received_on = serializers.DateField()
    due_on = serializers.DateField(allow_null=True)
    provisional = serializers.BooleanField()
    remaining_workdays = serializers.IntegerField(allow_null=True)
    clock_steps = ClockStepSerializer(many=True)
    outcome = serializers.SerializerMethodField()
    closed_on = serializers.DateField(allow_null=True)
    events = serializers.SerializerMethodField()

    @extend_schema_field(CodeLabelSerializer)
    def get_state(self, obj: DisclosureRequest) -> dict[str, str] | None:
        return code_label(Status, obj.status)

    @extend_schema_field(CodeLabelSerializer(allow_null=True))
    def get_outcome(self, obj: DisclosureRequest) -> dict[str, str] | None:
        return code_label(Outcome, obj.outcome)

    @extend_schema_field(PublicEventSerializer(many=True))
    def get_events(self, obj: DisclosureRequest) -> list[dict]:
        return PublicEventSerializer(self.context["events"], many=True).data


# --- staff -----------------------------------------------------------------------------


class RequestListItemSerializer(serializers.Serializer):
    """One row of the staff case list."""

    id = serializers.IntegerField()
    reference = serializers.CharField()
    agency = serializers.CharField(source="agency.code")
    applicant_type = serializers.CharField()
    channel = serializers.CharField()
    received_on = serializers.DateField()
    status = serializers.CharField()
    due_on = serializers.DateField(allow_null=True)
    provisional = serializers.BooleanField()
    outcome = serializers.CharField()
    closed_on = serializers.DateField(allow_null=True)
    on_time = serializers.BooleanField(allow_null=True)
    assigned_to = serializers.CharField(source="assigned_to.username", allow_null=True)
    id_number_masked = serializers.CharField(source="applicant.id_number_masked")


class ApplicantOutputSerializer(serializers.Serializer):
    """The applicant as staff see it: the identity number only masked."""

    applicant_type = serializers.CharField()
    name = serializers.CharField()
    id_type = serializers.CharField()
    id_number_masked = serializers.CharField()
    contact_person = serializers.CharField()
    phone = serializers.CharField()
    email = serializers.CharField()
    address = serializers.CharField()
    postcode = serializers.CharField()


class EventSerializer(serializers.Serializer):
    kind = serializers.CharField()
    label = serializers.CharField(source="get_kind_display")
    actor = serializers.CharField(source="actor.username", allow_null=True)
    occurred_at = serializers.DateTimeField()
    effective_on = serializers.DateField(allow_null=True)
    due_before = serializers.DateField(allow_null=True)
    due_after = serializers.DateField(allow_null=True)
    status_before = serializers.CharField()
    status_after = serializers.CharField()
    payload = serializers.JSONField()


class ConsultationSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    party = serializers.CharField()
    started_on = serializers.DateField()
    reply_due_on = serializers.DateField(allow_null=True)
    ended_on = serializers.DateField(allow_null=True)


class LetterSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    kind = serializers.CharField()
    title = serializers.CharField()
    number = serializers.CharField()
    issued_on = serializers.DateField()
    docx_url = serializers.SerializerMethodField()
    pdf_url = serializers.SerializerMethodField()

    def get_docx_url(self, obj: Letter) -> str:
        return letter_download_paths(obj)["docx_url"]

    def get_pdf_url(self, obj: Letter) -> str:
        return letter_download_paths(obj)["pdf_url"]


class AppealSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    reference = serializers.CharField()
    kind = serializers.CharField()
    filed_on = serializers.DateField()
    body = serializers.CharField()
    result = serializers.CharField()
    decided_on = serializers.DateField(allow_null=True)


@extend_schema_serializer(component_name="RequestDetail")
class RequestDetailSerializer(serializers.Serializer):
    """One case as staff see it. ``events`` and ``appeals`` come from the selectors
    through the serializer context."""

    id = serializers.IntegerField()
    reference = serializers.CharField()
    query_code = serializers.CharField()
    agency = serializers.CharField(source="agency.code")
    agency_name = serializers.CharField(source="agency.name")
    applicant = ApplicantOutputSerializer()
    applicant_type = serializers.CharField()
    channel = serializers.CharField()
    received_on = serializers.DateField()
    receipt_note = serializers.CharField()
    description = serializers.CharField()
    formats = serializers.ListField(child=serializers.CharField())
    delivery = serializers.ListField(child=serializers.CharField())
    assigned_to = serializers.CharField(source="assigned_to.username", allow_null=True)
    status = serializers.CharField()
    status_label = serializers.CharField(source="get_status_display")
    allowed_actions = serializers.SerializerMethodField()
    due_on = serializers.DateField(allow_null=True)
    provisional = serializers.BooleanField()
    remaining_workdays = serializers.IntegerField(allow_null=True)
    clock_explanation = serializers.CharField()
    clock_steps = ClockStepSerializer(many=True)
    supplement_notice_due_on = serializers.DateField(allow_null=True)
    supplement_requested_on = serializers.DateField(allow_null=True)
    supplement_received_on = serializers.DateField(allow_null=True)
    supplement_period_days = serializers.IntegerField(allow_null=True)
    supplement_notice_late = serializers.BooleanField()
    supplement_items = serializers.CharField()
    extended = serializers.BooleanField()
    extended_on = serializers.DateField(allow_null=True)
    delayed_due_on = serializers.DateField(allow_null=True)
    fee_method = serializers.CharField()
    fee_amount_yuan = serializers.DecimalField(
        max_digits=12, decimal_places=2, allow_null=True
    )
    fee_notice_on = serializers.DateField(allow_null=True)
    fee_paid_on = serializers.DateField(allow_null=True)
    outcome = serializers.CharField()
    outcome_label = serializers.CharField(source="get_outcome_display")
    outcome_basis = serializers.CharField()
    reasons = serializers.CharField()
    competent_agency_name = serializers.CharField()
    closed_on = serializers.DateField(allow_null=True)
    on_time = serializers.BooleanField(allow_null=True)
    events = serializers.SerializerMethodField()
    consultations = ConsultationSerializer(many=True, source="consultations.all")
    letters = LetterSerializer(many=True, source="letters.all")
    appeals = serializers.SerializerMethodField()

    def get_allowed_actions(self, obj: DisclosureRequest) -> list[str]:
        return [str(action) for action in allowed_actions(obj.status)]

    @extend_schema_field(EventSerializer(many=True))
    def get_events(self, obj: DisclosureRequest) -> list[dict]:
        return EventSerializer(self.context["events"], many=True).data

    @extend_schema_field(AppealSerializer(many=True))
    def get_appeals(self, obj: DisclosureRequest) -> list[dict]:
        return AppealSerializer(self.context["appeals"], many=True).data
