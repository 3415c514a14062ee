"""``export_ledger KIND [--agency CODE] [--format csv|xlsx] [--output PATH]`` (contract
§5, §6): CSV to standard output when no path is given."""

from __future__ import annotations

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError, CommandParser

from disclosure.models import Agency
from requests_app.ledgers.export import (
    EXPORT_KINDS,
    FORMATS,
    csv_write,
    ledger_export,
    ledger_header,
    ledger_rows,
)


class Command(BaseCommand):
    help = "导出台账：requests | appeals | publications（CSV 或 XLSX，可再次导入）。"

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("kind", choices=EXPORT_KINDS)
        parser.add_argument("--agency", help="only this agency's rows (its code)")
        parser.add_argument(
            "--format",
            choices=FORMATS,
            help="csv (default) or xlsx; taken from the --output suffix when omitted",
        )
        parser.add_argument(
            "--output", help="file to write; standard output if omitted"
        )

    def handle(self, *args, **options) -> None:
        agency = None
        if options["agency"]:
            agency = Agency.objects.filter(code=options["agency"]).first()
            if agency is None:
                raise CommandError(f"未知的机关代码：{options['agency']}")
        output = Path(options["output"]) if options["output"] else None
        file_format = options["format"] or (
            "xlsx" if output and output.suffix.lower() == ".xlsx" else "csv"
        )
        kind = options["kind"]
        if output is None:
            if file_format == "xlsx":
                raise CommandError("XLSX 格式请用 --output 指定文件。")
            csv_write(
                self.stdout, ledger_header(kind), ledger_rows(kind=kind, agency=agency)
            )
            return
        content = ledger_export(kind=kind, agency=agency, file_format=file_format)
        try:
            output.write_bytes(content)
        except OSError as exc:
            raise CommandError(f"无法写入 {output}：{exc}") from exc
        self.stderr.write(f"已导出到 {output}")
