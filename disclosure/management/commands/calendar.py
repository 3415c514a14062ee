"""``calendar add-workdays DATE N | load FILE --notice TEXT | status`` (contract §6)."""

from __future__ import annotations

from datetime import date
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError, CommandParser

from disclosure.selectors import calendar_get, calendar_year_statuses
from disclosure.services import (
    CalendarFileError,
    calendar_file_parse,
    calendar_years_load,
)


class Command(BaseCommand):
    help = "The official working-day calendar: add working days, load a year, status."

    def add_arguments(self, parser: CommandParser) -> None:
        sub = parser.add_subparsers(dest="action", required=True)
        add = sub.add_parser("add-workdays", help="print WD(DATE, N)")
        add.add_argument("date")
        add.add_argument("n", type=int)
        load = sub.add_parser(
            "load", help="load a year's schedule (date,kind,name CSV)"
        )
        load.add_argument("file")
        load.add_argument("--notice", required=True, help="the State Council notice")
        sub.add_parser("status", help="list years and whether they are official")

    def handle(self, *args, **options) -> None:
        action = options["action"]
        if action == "add-workdays":
            self._add_workdays(options["date"], options["n"])
        elif action == "load":
            self._load(options["file"], options["notice"])
        else:
            self._status()

    def _add_workdays(self, raw: str, n: int) -> None:
        try:
            start = date.fromisoformat(raw)
        except ValueError as exc:
            raise CommandError(f"bad date {raw!r}: use YYYY-MM-DD") from exc
        if n < 0:
            raise CommandError("N must be 0 or more")
        calendar = calendar_get()
        result = calendar.add_workdays(start, n)
        provisional = calendar.is_provisional_range(start, result)
        self.stdout.write(result.isoformat() + (" provisional" if provisional else ""))

    def _load(self, file: str, notice: str) -> None:
        try:
            text = Path(file).read_text(encoding="utf-8")
        except (OSError, UnicodeDecodeError) as exc:
            raise CommandError(f"cannot read {file}: {exc}") from exc
        try:
            rows = calendar_file_parse(text)
        except CalendarFileError as exc:
            for error in exc.errors:
                self.stderr.write(error)
            raise CommandError(
                "the calendar file was refused; nothing was written"
            ) from exc
        years = calendar_years_load(rows=rows, notice=notice)
        self.stdout.write(
            f"loaded {len(rows)} dates; official now: {', '.join(map(str, years))}"
        )

    def _status(self) -> None:
        for year in calendar_year_statuses():
            state = "official" if year.official else "provisional"
            notice = f"  {year.notice}" if year.notice else ""
            self.stdout.write(f"{year.year} {state}{notice}")
