"""``sweep_deadlines [--as-of YYYY-MM-DD]``: the daily clock sweep, by hand (contract §6).

The same service as the Celery beat task; prints what it did, and that nothing was done
when run again for the same date.
"""

from __future__ import annotations

from datetime import date

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils import timezone

from requests_app.outcomes import Outcome
from requests_app.sweep import SweepResult, sweep_deadlines_run


def _as_date(value: str) -> date:
    try:
        return date.fromisoformat(value)
    except ValueError:
        raise CommandError(f"日期格式应为 YYYY-MM-DD：{value}") from None


def sweep_report(result: SweepResult) -> list[str]:
    """The lines the command prints for ``result``."""
    header = f"期限巡查 {result.as_of.isoformat()}"
    if result.nothing_done:
        return [f"{header}：无新事项（逾期终止、提醒均已处理过）"]
    lines = [header, f"逾期终止：{len(result.closed)}件"]
    lines += [
        f"  {case.reference} {case.outcome}（{Outcome(case.outcome).label}）"
        f" 办结日期 {case.closed_on.isoformat()}"
        for case in result.closed
    ]
    lines += [
        f"到期提醒：{result.reminders}件",
        f"逾期提醒：{result.overdue}件",
        f"征求意见到期提醒：{result.consultation_reminders}件",
    ]
    if result.calendar_warning_year:
        lines.append(
            f"日历提醒：{result.calendar_warning_year}年节假日安排尚未录入，已提醒管理员"
        )
    lines.append(f"站内提醒：{result.notifications}条")
    return lines


class Command(BaseCommand):
    help = (
        "期限巡查：逾期不补正、逾期未缴费的申请终止办理，发送到期、逾期和征求意见提醒。"
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--as-of",
            type=_as_date,
            default=None,
            help="巡查日期 YYYY-MM-DD，不晚于今天（默认今天，北京时间）",
        )

    def handle(
        self, *args: object, as_of: date | None = None, **options: object
    ) -> None:
        today = timezone.localdate()
        if as_of is not None and as_of > today:
            # A future date would close cases with a closed_on that has not come yet.
            raise CommandError(
                f"巡查日期不能晚于今天（北京时间{today.isoformat()}）：{as_of.isoformat()}"
            )
        result = sweep_deadlines_run(as_of=as_of or today)
        self.stdout.write("\n".join(sweep_report(result)))
