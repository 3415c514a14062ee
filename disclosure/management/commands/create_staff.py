"""``create_staff USERNAME --agency CODE [--role clerk|supervisor|admin]`` (contract §6)."""

from __future__ import annotations

import getpass
import os

from django.core.management.base import BaseCommand, CommandError, CommandParser

from disclosure.exceptions import ApplicationError
from disclosure.models import Agency, StaffRole
from disclosure.services import staff_create


class Command(BaseCommand):
    help = "Create a staff user attached to an agency (password from GONGKAI_PASSWORD)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("username")
        parser.add_argument("--agency", required=True, help="agency code")
        parser.add_argument("--role", default=StaffRole.CLERK, choices=StaffRole.values)
        parser.add_argument("--email", default="")

    def handle(self, *args, **options) -> None:
        try:
            agency = Agency.objects.get(code=options["agency"])
        except Agency.DoesNotExist as exc:
            raise CommandError(f"unknown agency code {options['agency']!r}") from exc
        password = os.environ.get("GONGKAI_PASSWORD") or getpass.getpass("Password: ")
        try:
            user = staff_create(
                username=options["username"],
                agency=agency,
                role=options["role"],
                password=password,
                email=options["email"],
            )
        except ApplicationError as exc:
            raise CommandError(exc.message) from exc
        self.stdout.write(
            f"created {user.username} ({options['role']}) at {agency.code} {agency.name}"
        )
