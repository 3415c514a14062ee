"""``import_ledger KIND FILE [--dry-run]`` (contract §5, §6): all-or-nothing import."""

from __future__ import annotations

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError, CommandParser

from requests_app.ledgers import IMPORT_KINDS, LedgerRefused, ledger_import

# Files below this size import in a blink: no progress bar for them.
PROGRESS_MIN_ROWS = 1000
BAR_WIDTH = 20


class Command(BaseCommand):
    help = (
        "导入台账（CSV 或 XLSX）：agencies | requests | appeals | publications | "
        "statistics。任何一行有错则全部不写入，并逐条列出 row N, column C: reason。"
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("kind", choices=IMPORT_KINDS)
        parser.add_argument("file", help="CSV (UTF-8) or XLSX file")
        parser.add_argument(
            "--dry-run",
            action="store_true",
            help="check every row and report what would change, write nothing",
        )

    def _progress(self, stage: str, done: int, total: int) -> None:
        if total < PROGRESS_MIN_ROWS:
            return
        filled = BAR_WIDTH * done // total
        bar = "#" * filled + "." * (BAR_WIDTH - filled)
        self.stderr.write(f"{stage} [{bar}] {100 * done // total:3d}% {done}/{total}")

    def handle(self, *args, **options) -> None:
        path = Path(options["file"])
        try:
            data = path.read_bytes()
        except OSError as exc:
            raise CommandError(f"无法读取文件 {path}：{exc}") from exc
        try:
            summary = ledger_import(
                kind=options["kind"],
                data=data,
                filename=path.name,
                dry_run=options["dry_run"],
                progress=self._progress,
            )
        except LedgerRefused as exc:
            for problem in exc.problems:
                self.stderr.write(str(problem))
            raise CommandError(
                f"台账有{len(exc.problems)}处错误，未写入任何数据。"
            ) from exc
        if summary.ignored_columns:
            self.stderr.write(
                "已忽略无法识别的列：" + "、".join(summary.ignored_columns)
            )
        if summary.dry_run:
            self.stderr.write("试运行（--dry-run）：未写入任何数据。")
        self.stdout.write(summary.line())
