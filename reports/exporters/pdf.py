"""The annual report (政府信息公开工作年度报告) as PDF: the HTML export printed by WeasyPrint.

Pure: no database, no settings, no clock. The fonts are the Noto CJK fonts of the
machine (Debian's fonts-noto-cjk), found through fontconfig; WeasyPrint embeds the
subset of glyphs the report uses, so the file reads the same on any computer.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from weasyprint import HTML

from reports.exporters.html import TEMPLATE_DIR, render_html


def render(
    report: Mapping[str, Any], narrative: Mapping[str, str] | None = None
) -> bytes:
    """The report as an A4 PDF with embedded Chinese fonts."""
    document = HTML(string=render_html(report, narrative), base_url=str(TEMPLATE_DIR))
    return document.write_pdf()
