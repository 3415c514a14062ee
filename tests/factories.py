"""factory_boy factories that build valid, reachable states through the services."""

from __future__ import annotations

import itertools
import random
from datetime import date

import factory

from disclosure.identity import resident_id_check_char, uscc_check_char
from disclosure.models import Agency, StaffMembership, StaffRole, User
from disclosure.services import agency_create

_agency_numbers = itertools.count(1)


def make_resident_id(seed: int | None = None, birth: str = "19850412") -> str:
    rng = random.Random(seed)
    body = f"110105{birth}{rng.randint(0, 999):03d}"
    return body + resident_id_check_char(body)


def make_uscc(seed: int | None = None) -> str:
    rng = random.Random(seed)
    body = "91110102" + "".join(
        rng.choice("0123456789ABCDEFGHJKLMNPQRTUWXY") for _ in range(9)
    )
    return body + uscc_check_char(body)


def make_agency(
    code: str | None = None, *, parent: Agency | None = None, **fields
) -> Agency:
    number = next(_agency_numbers)
    code = code or f"AG{number:03d}"
    fields.setdefault("letter_prefix", f"{code}公开")
    fields.setdefault(
        "accepted_channels", ["online", "email", "letter", "in_person", "fax", "other"]
    )
    return agency_create(
        code=code, name=fields.pop("name", f"测试机关{number}"), parent=parent, **fields
    )


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = User
        django_get_or_create = ("username",)
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"user{n}")
    is_staff = True
    password = factory.PostGenerationMethodCall("set_password", "pass-Word-123")

    @factory.post_generation
    def saved(self, create, extracted, **kwargs):
        if create:
            self.save()


def make_staff(
    agency: Agency, role: str = StaffRole.CLERK, username: str | None = None
) -> User:
    user = UserFactory(username=username) if username else UserFactory()
    StaffMembership.objects.create(user=user, agency=agency, role=role)
    return user


def applicant_data(**overrides):
    from requests_app.services import ApplicantData

    values = {
        "applicant_type": "natural_person",
        "name": "张三",
        "id_type": "resident_id",
        "id_number": make_resident_id(1),
        "phone": "13800000000",
        "email": "zhangsan@example.com",
        "address": "北京市西城区二龙路27号",
    }
    values.update(overrides)
    return ApplicantData(**values)


def register(
    agency: Agency,
    received_on: date,
    *,
    channel: str = "online",
    actor=None,
    **applicant,
):
    from requests_app.services import RegistrationData, request_register

    return request_register(
        agency=agency,
        applicant_data=applicant_data(**applicant),
        registration=RegistrationData(
            channel=channel,
            received_on=received_on,
            description="请公开2025年城市管理案件处置情况统计",
            formats=("electronic",),
            delivery=("email",),
        ),
        actor=actor,
        today=max(received_on, date(2026, 11, 29)),
    )


def report_written(actor, report):
    """The draft ``report`` with every ``（请填写）`` of its narrative replaced by text,
    as a supervisor writes it before publishing."""
    from reports import services as report_services

    sections = ("overview", "problems", "other_matters") + (
        ("key_areas",) if report.template == "2008" else ()
    )
    return report_services.report_narrative_update(
        actor=actor,
        report_id=report.pk,
        **{
            name: (getattr(report, name) or "").replace(
                "（请填写）", "本年度工作按计划完成。"
            )
            or "本年度工作按计划完成。"
            for name in sections
        },
    )
