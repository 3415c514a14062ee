"""annual_report --agency CODE --year Y [--template 2021|2008] [--rollup]
[--format json|html|docx|xlsx|pdf] [--output PATH] (contract §6).

With ``--rollup`` a progress bar on standard error goes through the agencies of the
subtree one by one (each one's own report is generated, and written to ``--parts DIR``
when asked), then the roll-up itself is printed or written."""

from __future__ import annotations

import sys
from datetime import date
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError, CommandParser

from disclosure.exceptions import ApplicationError
from disclosure.models import Agency
from disclosure.selectors import agency_get_by_code
from reports.exporters import FORMATS
from reports.services import report_export, report_render, reports_generate_tree

BAR_WIDTH = 30
TEXT_FORMATS = ("json", "html")


class Command(BaseCommand):
    help = "生成政府信息公开工作年度报告（JSON 输出到标准输出，其他格式需 --output）。"

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--agency", required=True, help="机关代码")
        parser.add_argument("--year", required=True, type=int, help="年度")
        parser.add_argument("--template", choices=("2021", "2008"), default="2021")
        parser.add_argument(
            "--rollup", action="store_true", help="汇总本机关及全部下级机关"
        )
        parser.add_argument("--format", dest="fmt", choices=FORMATS, default="json")
        parser.add_argument("--output", help="输出文件路径（缺省为标准输出）")
        parser.add_argument(
            "--as-of", type=date.fromisoformat, help="统计截止日期 YYYY-MM-DD"
        )
        parser.add_argument(
            "--parts",
            metavar="DIR",
            help="与 --rollup 同用：另将每个下级机关的年报分别写入该目录",
        )

    def handle(self, *args, **options) -> None:
        try:
            agency = agency_get_by_code(options["agency"])
        except Agency.DoesNotExist:
            raise CommandError(f"未找到机关代码 {options['agency']}。") from None
        if options["parts"] and not options["rollup"]:
            raise CommandError("--parts 只能与 --rollup 同用。")
        try:
            if options["rollup"]:
                self._each_agency(agency, options)
            content = report_export(
                agency=agency,
                year=options["year"],
                template=options["template"],
                rollup=options["rollup"],
                fmt=options["fmt"],
                as_of=options["as_of"],
            )
        except ApplicationError as exc:
            raise CommandError(exc.message) from exc
        self._write(content, options["fmt"], options["output"])

    def _write(self, content: bytes, fmt: str, output: str | None) -> None:
        if output:
            Path(output).write_bytes(content)
        elif fmt in TEXT_FORMATS:
            self.stdout.write(content.decode("utf-8"), ending="")
        else:
            self.stdout.flush()
            sys.stdout.buffer.write(content)
            sys.stdout.buffer.flush()

    def _each_agency(self, agency: Agency, options: dict) -> None:
        """Every agency of the subtree in turn, with a progress bar on stderr; with
        ``--parts DIR`` each one's own report is written into DIR."""
        directory = Path(options["parts"]) if options["parts"] else None
        if directory is not None:
            directory.mkdir(parents=True, exist_ok=True)
        fmt, year = options["fmt"], options["year"]

        def progress(done: int, total: int, each: Agency, report: dict) -> None:
            if directory is not None:
                content = report_render(agency=each, report=report, fmt=fmt)
                (directory / f"{each.code}-{year}.{fmt}").write_bytes(content)
            filled = BAR_WIDTH * done // total
            bar = "#" * filled + "-" * (BAR_WIDTH - filled)
            self.stderr.write(
                f"\r[{bar}] {done}/{total} {each.code}",
                ending="\n" if done == total else "",
            )
            self.stderr.flush()

        reports_generate_tree(
            agency=agency,
            year=year,
            template=options["template"],
            as_of=options["as_of"],
            on_progress=progress,
        )
