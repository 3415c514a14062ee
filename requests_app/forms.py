"""The citizen's application form (政府信息公开申请表): validation only.

The field names are those of the public API (contract §8), so a page and a client
send the same thing. The form checks what can be checked without the database beyond
the agency list; the registration service checks everything again and its per-field
errors are put back on these fields by the view.
"""

from __future__ import annotations

import unicodedata

from django import forms
from django.utils.translation import gettext_lazy as _

from disclosure.exceptions import ApplicationError
from disclosure.models import Agency, Channel
from requests_app.models import ApplicantType, Delivery, IdType, InfoFormat
from requests_app.services import ApplicantData, applicant_validate

DESCRIPTION_MAX_LENGTH = 2000

# The optgroup makes an organisation pick its sub-type: the report's table 三 has one
# column per sub-type, so a bare "organisation" could never be counted.
APPLICANT_TYPE_CHOICES = [
    ("", _("请选择")),
    (ApplicantType.NATURAL_PERSON.value, ApplicantType.NATURAL_PERSON.label),
    (
        _("法人或其他组织"),
        [
            (choice.value, choice.label)
            for choice in ApplicantType
            if choice != ApplicantType.NATURAL_PERSON
        ],
    ),
]
ID_TYPE_CHOICES = [("", _("请选择")), *IdType.choices]

# Messages of the service that concern a field the page calls differently.
SERVICE_FIELD_ALIASES = {"channel": "agency"}


def online_agencies() -> list[Agency]:
    """Agencies that accept applications through this web form (channel ``online``)."""
    return [
        agency
        for agency in Agency.objects.order_by("path")
        if not agency.accepted_channels or Channel.ONLINE in agency.accepted_channels
    ]


def normalise_id_number(value: str) -> str:
    """Full-width characters to half-width, spaces removed, upper case (x → X)."""
    return "".join(unicodedata.normalize("NFKC", value).split()).upper()


class ApplicationForm(forms.Form):
    agency = forms.ChoiceField(
        label=_("受理机关"),
        help_text=_("向掌握所需信息的行政机关提出申请。"),
    )
    applicant_type = forms.ChoiceField(
        label=_("申请人类型"),
        choices=APPLICANT_TYPE_CHOICES,
        help_text=_("法人或其他组织请选择具体类别。"),
    )
    name = forms.CharField(
        label=_("姓名或名称"),
        max_length=200,
        help_text=_("自然人填写姓名，法人或其他组织填写全称。"),
        widget=forms.TextInput(attrs={"autocomplete": "name"}),
    )
    id_type = forms.ChoiceField(
        label=_("证件类型"),
        choices=ID_TYPE_CHOICES,
        help_text=_("法人或其他组织请选择“统一社会信用代码”。"),
    )
    id_number = forms.CharField(
        label=_("证件号码"),
        max_length=40,
        help_text=_("居民身份证为18位，最后一位可能是X。"),
        widget=forms.TextInput(
            attrs={
                "autocomplete": "off",
                "spellcheck": "false",
                "autocapitalize": "characters",
            }
        ),
    )
    phone = forms.CharField(
        label=_("联系电话"),
        max_length=50,
        help_text=_("用于确认收到申请和送达答复。"),
        widget=forms.TextInput(
            attrs={"autocomplete": "tel", "type": "tel", "inputmode": "tel"}
        ),
    )
    email = forms.EmailField(
        label=_("电子邮箱"),
        required=False,
        help_text=_("选择以电子邮件获取信息时必填。"),
        widget=forms.EmailInput(attrs={"autocomplete": "email"}),
    )
    address = forms.CharField(
        label=_("通信地址"),
        max_length=300,
        required=False,
        help_text=_("选择邮寄时必填，请写明邮政编码。"),
        widget=forms.TextInput(attrs={"autocomplete": "street-address"}),
    )
    description = forms.CharField(
        label=_("所需政府信息的名称、文号或特征描述"),
        max_length=DESCRIPTION_MAX_LENGTH,
        help_text=_(
            "请写明信息的名称、文号，或者便于机关查找的其他特征（如制作机关、时间、事项）。"
            "一份申请最好只涉及一件事项。"
        ),
        widget=forms.Textarea(attrs={"rows": 6}),
    )
    formats = forms.MultipleChoiceField(
        label=_("信息的提供形式"),
        choices=InfoFormat.choices,
        widget=forms.CheckboxSelectMultiple,
        help_text=_("可多选。"),
    )
    delivery = forms.MultipleChoiceField(
        label=_("获取信息的方式"),
        choices=Delivery.choices,
        widget=forms.CheckboxSelectMultiple,
        help_text=_("可多选。"),
    )

    default_error_messages = {
        "required": _("此项为必填项。"),
    }

    def __init__(self, *args, agencies: list[Agency] | None = None, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        agencies = online_agencies() if agencies is None else agencies
        self.agencies_by_code = {agency.code: agency for agency in agencies}
        self.fields["agency"].choices = [
            ("", _("请选择")),
            *((agency.code, agency.name) for agency in agencies),
        ]
        for name, field in self.fields.items():
            if field.required:
                field.error_messages["required"] = self._required_message(name)
                field.widget.attrs["aria-required"] = "true"
        self.fields["formats"].error_messages["invalid_choice"] = _(
            "所选提供形式无效。"
        )
        self.fields["delivery"].error_messages["invalid_choice"] = _(
            "所选获取方式无效。"
        )
        self.fields["email"].error_messages["invalid"] = _("请输入有效的电子邮箱地址。")

    @staticmethod
    def _required_message(name: str) -> str:
        messages = {
            "agency": _("请选择受理机关。"),
            "applicant_type": _("请选择申请人类型。"),
            "name": _("请填写姓名或名称。"),
            "id_type": _("请选择证件类型。"),
            "id_number": _("请填写证件号码。"),
            "phone": _("请填写联系电话。"),
            "description": _("请描述所需政府信息的名称、文号或其他特征。"),
            "formats": _("请至少选择一种提供形式。"),
            "delivery": _("请至少选择一种获取方式。"),
        }
        return messages.get(name, _("此项为必填项。"))

    def clean_agency(self) -> Agency:
        code = self.cleaned_data["agency"]
        agency = self.agencies_by_code.get(code)
        if agency is None:
            raise forms.ValidationError(_("该机关不受理网上申请，请选择其他机关。"))
        return agency

    def clean_name(self) -> str:
        return self.cleaned_data["name"].strip()

    def clean_id_number(self) -> str:
        return normalise_id_number(self.cleaned_data["id_number"])

    def clean_phone(self) -> str:
        return self.cleaned_data["phone"].strip()

    def clean_address(self) -> str:
        return self.cleaned_data["address"].strip()

    def clean_description(self) -> str:
        return self.cleaned_data["description"].strip()

    def clean(self) -> dict:
        cleaned = super().clean()
        delivery = cleaned.get("delivery") or []
        if (
            Delivery.EMAIL in delivery
            and not cleaned.get("email")
            and "email" not in self.errors
        ):
            self.add_error("email", _("选择以电子邮件获取信息时，请填写电子邮箱。"))
        if Delivery.POST in delivery and not cleaned.get("address"):
            self.add_error("address", _("选择邮寄时，请填写通信地址。"))
        identity_fields = ("applicant_type", "name", "id_type", "id_number")
        if all(cleaned.get(name) for name in identity_fields):
            # The same pure check the registration service makes, so the citizen sees
            # every identity problem at once rather than after the other fields pass.
            problems = applicant_validate(
                ApplicantData(
                    applicant_type=cleaned["applicant_type"],
                    name=cleaned["name"],
                    id_type=cleaned["id_type"],
                    id_number=cleaned["id_number"],
                )
            )
            for name, message in problems.items():
                if name in self.fields and name not in self.errors:
                    self.add_error(name, message)
        return cleaned

    def add_service_errors(self, error: ApplicationError) -> None:
        """Put the registration service's per-field errors back on the fields."""
        errors = error.extra.get("errors") or {error.field or "": error.message}
        for name, message in errors.items():
            field = SERVICE_FIELD_ALIASES.get(name, name)
            self.add_error(field if field in self.fields else None, message)
