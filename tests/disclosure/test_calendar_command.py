"""The ``calendar`` and ``create_staff`` commands (contract §6, §3) on the seeded calendar."""

from datetime import date
from io import StringIO

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from disclosure.models import CalendarDay, CalendarYear, StaffMembership, User
from requests_app.models import EventKind, RequestEvent
from tests.factories import register

pytestmark = pytest.mark.django_db

SCHEDULE_2027 = """date,kind,name
2027-01-01,holiday,元旦
2027-02-05,holiday,春节
2027-02-08,holiday,春节
2027-02-09,holiday,春节
2027-02-10,holiday,春节
2027-02-11,holiday,春节
2027-02-12,holiday,春节
2027-02-20,workday,春节
"""


def run(*args):
    out = StringIO()
    call_command("calendar", *args, stdout=out, stderr=StringIO())
    return out.getvalue().strip()


@pytest.mark.parametrize(
    ("start", "n", "expected"),
    [
        ("2025-09-26", "20", "2025-10-30"),
        ("2026-09-25", "20", "2026-10-29"),
        ("2017-09-26", "15", "2017-10-23"),
        ("2026-12-18", "20", "2027-01-18 provisional"),
        ("2025-01-24", "1", "2025-01-26"),  # Sunday 01-26 was a make-up working day
        ("2024-02-09", "1", "2024-02-18"),  # 02-10…02-17 off, Sunday 02-18 worked
    ],
)
def test_add_workdays(start, n, expected):
    assert run("add-workdays", start, n) == expected


def test_add_workdays_rejects_bad_date():
    with pytest.raises(CommandError, match="bad date"):
        run("add-workdays", "2025-13-01", "3")


def test_load_2027_changes_results_and_marks_official(tmp_path, agency):
    case = register(agency, date(2026, 12, 18))
    file = tmp_path / "2027.csv"
    file.write_text(SCHEDULE_2027, encoding="utf-8")
    assert run("add-workdays", "2027-02-04", "1") == "2027-02-09 provisional"
    out = run(
        "load", str(file), "--notice", "国务院办公厅关于2027年部分节假日安排的通知"
    )
    assert "2027" in out
    assert CalendarYear.objects.get(year=2027).official is True
    assert CalendarDay.objects.filter(day__year=2027).count() == 8
    assert run("add-workdays", "2027-02-04", "1") == "2027-02-15"
    assert run("add-workdays", "2027-02-19", "1") == "2027-02-20"
    # The open case's due date was recomputed and the change recorded on the case.
    case.refresh_from_db()
    assert case.provisional is False
    assert case.due_on == date(2027, 1, 18)
    event = RequestEvent.objects.get(request=case, kind=EventKind.DUE_DATE_RECOMPUTED)
    assert event.payload["provisional_before"] is True
    assert event.payload["provisional_after"] is False
    assert "2027 official" in run("status")


def test_load_recomputes_due_dates_that_move(tmp_path, agency):
    case = register(agency, date(2026, 12, 31))
    before = case.due_on
    file = tmp_path / "2027.csv"
    file.write_text(SCHEDULE_2027 + "2027-01-25,holiday,测试调休\n", encoding="utf-8")
    run("load", str(file), "--notice", "测试通知")
    case.refresh_from_db()
    assert case.due_on > before
    assert (
        RequestEvent.objects.filter(
            request=case, kind=EventKind.DUE_DATE_RECOMPUTED, due_before=before
        ).count()
        == 1
    )


@pytest.mark.parametrize(
    ("content", "message"),
    [
        ("2027-02-30,holiday,春节\n", "line 1: bad date"),
        (
            "date,kind,name\n2027-01-01,holiday,元旦\n2027-02-05,vacation,春节\n",
            "line 3: unknown kind",
        ),
        (
            "2027-01-01,holiday,元旦\n2027-02-20,workday,春节\n2027-02-20,holiday,春节\n",
            "line 3: 2027-02-20 listed twice",
        ),
    ],
)
def test_malformed_file_is_refused_whole(tmp_path, content, message):
    file = tmp_path / "bad.csv"
    file.write_text(content, encoding="utf-8")
    days_before = CalendarDay.objects.count()
    err = StringIO()
    with pytest.raises(CommandError, match="nothing was written"):
        call_command("calendar", "load", str(file), "--notice", "x", stderr=err)
    assert message in err.getvalue()
    assert CalendarDay.objects.count() == days_before
    assert CalendarYear.objects.get(year=2027).official is False


def test_create_staff(monkeypatch, agency):
    monkeypatch.setenv("GONGKAI_PASSWORD", "a-Long-pass-2025")
    call_command(
        "create_staff",
        "wang",
        "--agency",
        "XCCG",
        "--role",
        "supervisor",
        stdout=StringIO(),
    )
    user = User.objects.get(username="wang")
    assert user.check_password("a-Long-pass-2025")
    assert user.is_staff
    assert not user.is_superuser
    membership = StaffMembership.objects.get(user=user)
    assert (membership.agency.code, membership.role) == ("XCCG", "supervisor")
    with pytest.raises(CommandError, match="unknown agency"):
        call_command("create_staff", "li", "--agency", "NOPE", stdout=StringIO())
