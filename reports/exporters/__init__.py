"""The report's file formats. ``render(fmt, report, narrative)`` imports
``reports.exporters.<fmt>`` only when that format is asked for (WeasyPrint and
python-docx are heavy) and calls its ``render(report, narrative) -> bytes``.

Each exporter is pure: it takes the report JSON (contract §7) and the narrative sections
``{"overview", "key_areas", "problems", "other_matters"}`` (cleaned of characters XML
cannot carry, ``disclosure.text.text_clean``) and returns the file's bytes.
"""

from __future__ import annotations

import importlib
from collections.abc import Mapping
from typing import Any, Final

from disclosure.text import text_clean

FORMATS: Final = ("json", "html", "docx", "xlsx", "pdf")

CONTENT_TYPES: Final = {
    "json": "application/json; charset=utf-8",
    "html": "text/html; charset=utf-8",
    "docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "pdf": "application/pdf",
}

FORMAT_LABELS: Final = {
    "json": "JSON",
    "html": "HTML",
    "docx": "Word",
    "xlsx": "Excel",
    "pdf": "PDF",
}


class ExporterError(Exception):
    """A format cannot be produced: unknown, its exporter is missing, or it failed."""


def render(fmt: str, report: Mapping[str, Any], narrative: Mapping[str, str]) -> bytes:
    """The report as a file of format ``fmt`` (one of ``FORMATS``)."""
    if fmt not in FORMATS:
        raise ExporterError(f"不支持的格式：{fmt}（可选：{'、'.join(FORMATS)}）")
    try:
        module = importlib.import_module(f"reports.exporters.{fmt}")
    except ImportError as exc:
        raise ExporterError(f"{fmt} 格式的导出模块不可用：{exc}") from exc
    # A control character pasted into the text (Word's \x0b line break) is not valid in
    # XML: openpyxl and python-docx would refuse the whole file.
    narrative = {
        key: text_clean(value) if isinstance(value, str) else value
        for key, value in (narrative or {}).items()
    }
    try:
        content = module.render(report, narrative)
    except Exception as exc:  # any failure of a format is reported as that format's
        raise ExporterError(f"{fmt} 格式导出失败：{type(exc).__name__}: {exc}") from exc
    if not isinstance(content, bytes):
        raise ExporterError(f"{fmt} 格式导出结果不是字节串。")
    return content
