"""``seed_demo``: demonstration data — the seed report's agency and its 2017 figures,
loaded through the ledgers (contract §5), demo staff users, and a few current cases in
every state. Safe to run again: what exists is left as it is."""

from __future__ import annotations

import os
from datetime import date, timedelta
from pathlib import Path

from django.core.management import call_command
from django.core.management.base import BaseCommand
from django.db import transaction
from django.utils import timezone

from disclosure.models import Agency, StaffMembership, StaffRole, User
from requests_app.models import DisclosureRequest
from requests_app.services import (
    ApplicantData,
    RegistrationData,
    request_register,
    request_reply,
    request_request_supplement,
    request_start_consultation,
)

DEMO_DIR = Path(__file__).resolve().parent.parent.parent / "demo"
DEFAULT_PASSWORD = "gongkai-demo-2025"  # noqa: S105 - demo accounts only, printed by make run


class Command(BaseCommand):
    help = "Load demonstration data (the 2017 seed report's agency and figures, demo staff)."

    def handle(self, *args, **options) -> None:
        for kind, name in (
            ("agencies", "agencies.csv"),
            ("publications", "publications_2017.csv"),
            ("statistics", "statistics_2017.csv"),
            ("requests", "requests_2017.csv"),
        ):
            call_command(
                "import_ledger", kind, str(DEMO_DIR / name), stdout=self.stdout
            )
        self._agency_settings()
        self._staff()
        created = self._current_cases()
        self.stdout.write(f"seed_demo: done ({created} current demo cases added)")

    def _agency_settings(self) -> None:
        Agency.objects.filter(code="XCCG", letter_prefix="").update(
            letter_prefix="西城城指公开",
            address="北京市西城区二龙路27号",
            postcode="100032",
            phone="010-88064954",
            email="cgjdzhzx-xxgk@bjxch.gov.cn",
            accepted_channels=["online", "email", "letter", "in_person", "fax"],
        )

    def _staff(self) -> None:
        password = os.environ.get("GONGKAI_DEMO_PASSWORD", DEFAULT_PASSWORD)
        if not User.objects.filter(username="admin").exists():
            User.objects.create_superuser("admin", "admin@example.gov.cn", password)
        for username, code, role in (
            ("supervisor", "XC", StaffRole.SUPERVISOR),
            ("clerk", "XCCG", StaffRole.CLERK),
        ):
            if User.objects.filter(username=username).exists():
                continue
            user = User.objects.create_user(
                username, f"{username}@example.gov.cn", password, is_staff=True
            )
            StaffMembership.objects.create(
                user=user, agency=Agency.objects.get(code=code), role=role
            )

    @transaction.atomic
    def _current_cases(self) -> int:
        agency = Agency.objects.get(code="XCCG")
        today = timezone.localdate()
        if DisclosureRequest.objects.filter(agency=agency, year=today.year).exists():
            return 0
        clerk = User.objects.get(username="clerk")
        people = [
            ("张伟", "11010519491231002X"),
            ("刘芳", ""),
            ("陈静", ""),
            ("杨洋", ""),
        ]
        cases = []
        for offset, (name, id_number) in zip((40, 25, 12, 3), people, strict=True):
            received_on = _previous_weekday(today - timedelta(days=offset))
            cases.append(
                request_register(
                    agency=agency,
                    applicant_data=ApplicantData(
                        applicant_type="natural_person",
                        name=name,
                        id_type="resident_id" if id_number else "",
                        id_number=id_number,
                        phone="13800000000",
                        email="applicant@example.com",
                        address="北京市西城区",
                    ),
                    registration=RegistrationData(
                        channel="online",
                        received_on=received_on,
                        description=f"申请公开{received_on.year}年本街道城市管理案件处置情况",
                        formats=("electronic",),
                        delivery=("email",),
                    ),
                    assigned_to=clerk,
                    today=today,
                )
            )
        oldest, second, third, _ = cases
        request_reply(
            actor=clerk,
            request_id=oldest.pk,
            outcome="disclosed",
            replied_on=_previous_weekday(oldest.received_on + timedelta(days=14)),
            today=today,
        )
        request_request_supplement(
            actor=clerk,
            request_id=second.pk,
            requested_on=_previous_weekday(second.received_on + timedelta(days=3)),
            items="请写明所需信息的时间范围和具体街道名称。",
            today=today,
        )
        request_start_consultation(
            actor=clerk,
            request_id=third.pk,
            party="北京某物业管理有限公司",
            started_on=_previous_weekday(third.received_on + timedelta(days=4)),
            today=today,
        )
        return len(cases)


def _previous_weekday(day: date) -> date:
    while day.weekday() >= 5:
        day -= timedelta(days=1)
    return day
