"""Write functions of the shared core: agencies, staff, and the official calendar."""

from __future__ import annotations

import csv
import io
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import date

from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext

from disclosure.calendar_seed import (
    official_notice_for_year,
    official_special_days,
    statutory_holidays,
)
from disclosure.calendars import DayKind
from disclosure.exceptions import ApplicationError
from disclosure.models import (
    Agency,
    CalendarDay,
    CalendarDayKind,
    CalendarYear,
    StaffMembership,
    StaffRole,
    User,
)

# Called with the loaded years after the calendar changed. requests_app registers the
# recomputation of open cases' due dates here: disclosure must not import requests_app.
CALENDAR_CHANGED_LISTENERS: list[Callable[[list[int], User | None], object]] = []

FIRST_OFFICIAL_YEAR = 2004
LAST_SEEDED_OFFICIAL_YEAR = 2026
PROVISIONAL_SEED_YEARS = range(2027, 2031)


def _path_for(code: str, parent: Agency | None) -> str:
    return f"{parent.path if parent else '/'}{code}/"


@transaction.atomic
def agency_create(
    *,
    code: str,
    name: str,
    parent: Agency | None = None,
    **fields: object,
) -> Agency:
    """Create an agency under ``parent`` (None for a root)."""
    agency = Agency(code=code, name=name, parent=parent, **fields)
    agency.path = _path_for(code, parent)
    agency.full_clean()
    agency.save()
    return agency


@transaction.atomic
def agency_update(*, agency: Agency, **fields: object) -> Agency:
    """Update an agency; a new parent or code moves its whole subtree's paths."""
    old_path = agency.path
    for name, value in fields.items():
        setattr(agency, name, value)
    if agency.parent_id and agency.parent_id == agency.pk:
        raise ApplicationError(gettext("机关不能是自己的上级机关。"), field="parent")
    new_path = _path_for(agency.code, agency.parent)
    if agency.parent and agency.parent.path.startswith(old_path) and old_path:
        raise ApplicationError(
            gettext("不能把机关移到自己的下级机关之下。"), field="parent"
        )
    agency.path = new_path
    agency.full_clean()
    agency.save()
    if old_path and new_path != old_path:
        descendants = list(
            Agency.objects.filter(path__startswith=old_path).exclude(pk=agency.pk)
        )
        for descendant in descendants:
            descendant.path = new_path + descendant.path[len(old_path) :]
        Agency.objects.bulk_update(descendants, ["path"])
    return agency


@transaction.atomic
def staff_create(
    *,
    username: str,
    agency: Agency,
    role: str = StaffRole.CLERK,
    password: str,
    email: str = "",
    display_name: str = "",
) -> User:
    """Create a staff user attached to ``agency`` with ``role``."""
    if role not in StaffRole.values:
        raise ApplicationError(
            gettext("未知角色：%(role)s") % {"role": role}, field="role"
        )
    if User.objects.filter(username=username).exists():
        raise ApplicationError(
            gettext("用户名 %(username)s 已存在。") % {"username": username},
            field="username",
        )
    user = User(
        username=username,
        email=email,
        display_name=display_name,
        is_staff=True,
        is_superuser=False,
    )
    try:
        validate_password(password, user)
    except ValidationError as exc:
        raise ApplicationError("；".join(exc.messages), field="password") from exc
    user.set_password(password)
    user.full_clean()
    user.save()
    StaffMembership.objects.create(user=user, agency=agency, role=role)
    return user


# --- The official calendar -------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class CalendarRow:
    day: date
    kind: str
    name: str


class CalendarFileError(ApplicationError):
    """A calendar file was refused; ``errors`` lists every bad line."""

    def __init__(self, errors: list[str]) -> None:
        super().__init__(
            gettext("日历文件有误，未写入任何数据：") + "\n" + "\n".join(errors)
        )
        self.errors = errors


def calendar_file_parse(text: str) -> list[CalendarRow]:
    """Parse a ``date,kind,name`` CSV (header optional); every problem is reported as
    ``line N: reason`` and the whole file is refused."""
    errors: list[str] = []
    rows: dict[date, tuple[int, CalendarRow]] = {}
    reader = csv.reader(io.StringIO(text.lstrip("\ufeff")))
    for line_number, record in enumerate(reader, start=1):
        if not record or all(not cell.strip() for cell in record):
            continue
        cells = [cell.strip() for cell in record]
        if line_number == 1 and cells[0].lower() in {"date", "日期"}:
            continue
        if len(cells) < 2:
            errors.append(f"line {line_number}: expected date,kind,name")
            continue
        raw_date, kind = cells[0], cells[1]
        name = cells[2] if len(cells) > 2 else ""
        try:
            day = date.fromisoformat(raw_date)
        except ValueError:
            errors.append(f"line {line_number}: bad date {raw_date!r} (YYYY-MM-DD)")
            continue
        if kind not in CalendarDayKind.values:
            errors.append(
                f"line {line_number}: unknown kind {kind!r} (holiday or workday)"
            )
            continue
        row = CalendarRow(day, kind, name)
        if day in rows:
            first_line, first = rows[day]
            if first.kind != kind:
                errors.append(
                    f"line {line_number}: {day.isoformat()} listed twice with "
                    f"different kinds (line {first_line}: {first.kind})"
                )
            continue
        rows[day] = (line_number, row)
    if errors:
        raise CalendarFileError(errors)
    if not rows:
        raise CalendarFileError(["line 1: the file holds no dates"])
    return [row for _, row in sorted(rows.values(), key=lambda item: item[1].day)]


@transaction.atomic
def calendar_years_load(
    *, rows: Iterable[CalendarRow], notice: str, actor: User | None = None
) -> list[int]:
    """Replace the special dates of every year in ``rows`` with ``rows`` and mark those
    years official; then every open case's due date is recomputed (contract §3)."""
    rows = list(rows)
    if not notice.strip():
        raise ApplicationError(
            gettext("请填写国务院通知的名称或文号。"), field="notice"
        )
    years = sorted({row.day.year for row in rows})
    CalendarDay.objects.filter(day__year__in=years).delete()
    CalendarDay.objects.bulk_create(
        CalendarDay(day=row.day, kind=row.kind, name=row.name, notice=notice)
        for row in rows
    )
    for year in years:
        CalendarYear.objects.update_or_create(
            year=year,
            defaults={"official": True, "notice": notice, "loaded_by": actor},
        )
    for listener in CALENDAR_CHANGED_LISTENERS:
        listener(years, actor)
    return years


@transaction.atomic
def calendar_seed() -> int:
    """Seed the official years 2004–2026 from chinesecalendar and the statutory holidays
    of the next provisional years. Idempotent: seeded years are left as they are."""
    existing = set(CalendarYear.objects.values_list("year", flat=True))
    created = 0
    official_rows = [
        day
        for day in official_special_days(FIRST_OFFICIAL_YEAR, LAST_SEEDED_OFFICIAL_YEAR)
        if day.day.year not in existing
    ]
    CalendarDay.objects.bulk_create(
        CalendarDay(
            day=day.day,
            kind=str(day.kind),
            name=day.name,
            notice=official_notice_for_year(day.day.year),
        )
        for day in official_rows
    )
    created += len(official_rows)
    for year in range(FIRST_OFFICIAL_YEAR, LAST_SEEDED_OFFICIAL_YEAR + 1):
        if year not in existing:
            CalendarYear.objects.create(
                year=year, official=True, notice=official_notice_for_year(year)
            )
    for year in PROVISIONAL_SEED_YEARS:
        if year in existing:
            continue
        provisional_rows = statutory_holidays(year)
        CalendarDay.objects.bulk_create(
            CalendarDay(
                day=day.day,
                kind=DayKind.HOLIDAY.value,
                name=day.name,
                notice="法定节假日（暂定，待国务院通知）",
            )
            for day in provisional_rows
        )
        created += len(provisional_rows)
        CalendarYear.objects.create(year=year, official=False, notice="")
    return created
