"""Drafts keep only what staff write: the figure sentences that drafts were prefilled with
(sections 一, 五, 六; the pre-2019 一 and closing paragraph) are removed, since they are
now printed from the report's figures each time (reports.builder.figure_sentences).

Published versions are left exactly as they were published; the exporters and pages
recognise those lines and print the snapshot's figures in their place. The patterns are
copied here (not imported) so that this migration keeps doing what it did.
"""

import re

from django.db import migrations

PLACEHOLDER = "（请填写）"
FIGURE_LINES = tuple(
    re.compile(pattern)
    for pattern in (
        r"本年度，.+制发规章\d+件、行政规范性文件\d+件，废止规章\d+件、行政规范性文件\d+件；"
        r"截至年底，现行有效规章\d+件、行政规范性文件\d+件。",
        r"本年度新收政府信息公开申请\d+件，上年结转\d+件；办结\d+件，其中.*；"
        r"结转下年度继续办理\d+件。",
        r"本年度因政府信息公开工作被申请行政复议\d+件，被提起行政诉讼\d+件。",
        r"本年度有\d+件行政复议、行政诉讼案件结果被纠正，答复质量有待提高。",
        r"年末尚有\d+件申请结转下年度继续办理，将在法定期限内办结。",
        r"本年度(未发出收费通知|共发出收费通知\d+件，总金额[\d.]+元)[，；]"
        r"(未收取信息处理费|未实际收取信息处理费|实际收取信息处理费\d+件，共计[\d.]+元)。",
        r"本年度，.+共主动公开政府信息\d+条，其中重点领域公开政府信息\d+条；"
        r"收到政府信息公开申请\d+件，办结\d+件，按时办结\d+件。",
        r"本年度未发生依申请公开政府信息收费及诉讼有关费用。",
        r"本年度依申请公开政府信息收取费用[\d.]+元，因政府信息公开诉讼支出费用[\d.]+元。",
    )
)
FIELDS = ("overview", "problems", "other_matters")


def _strip(text):
    return "\n".join(
        line
        for line in (text or "").split("\n")
        if not any(pattern.fullmatch(line.strip()) for pattern in FIGURE_LINES)
    )


def strip_figures(apps, schema_editor):
    AnnualReport = apps.get_model("reports", "AnnualReport")
    for report in AnnualReport.objects.filter(status="draft").iterator():
        changed = []
        for field in FIELDS:
            before = getattr(report, field)
            after = _strip(before)
            if field == "overview" and before.strip() and not after.strip():
                # The pre-2019 一 held nothing but figures: ask for the staff's text.
                after = PLACEHOLDER
            if after != before:
                setattr(report, field, after)
                changed.append(field)
        if changed:
            report.save(update_fields=changed)


class Migration(migrations.Migration):
    dependencies = [("reports", "0002_annualreport_key_areas")]

    operations = [migrations.RunPython(strip_figures, migrations.RunPython.noop)]
