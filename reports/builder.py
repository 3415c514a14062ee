"""The annual report (政府信息公开工作年度报告) as the JSON of contract §7, built from the
selectors' aggregates.

Pure: no queries, no settings, no clock. Definitions of every figure (contract §4):

- R1 本年新收: cases received in the year. R2 上年结转: received before the year and not
  closed before it began. R3.x 本年度办理结果: closed in the year, in the row of the
  case's outcome code (contract §1.3); R3.7 is the sum of the outcome rows. R4 结转下年度:
  received by the year's end and not closed by then. Columns: the applicant type recorded
  on the case; ``total`` is the sum of the six columns.
- Table 二: regulations and normative documents from the publications (issued =
  COALESCE(issued_on, published_on) in the year, repealed = repealed_on in the year, in
  force = issued by the year's end and not repealed by then); the decisions and the fee
  amount (万元) from the annual statistics.
- Table 四: appeals filed in the year by kind; a result counts when decided by the year's
  end, otherwise the appeal is 尚未审结. Complaints are not in table 四.
- Fees (section 六): notices with fee_notice_on in the year; fees with fee_paid_on in the
  year; amounts in 元.
- The legacy (pre-2019) report: contract §4.6.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from decimal import Decimal
from typing import TYPE_CHECKING, Any, Protocol

from reports import labels
from reports.checks import run_checks
from requests_app.outcomes import OUTCOME_ROWS, OUTCOMES, TABLE3_ROWS

if TYPE_CHECKING:
    from reports.selectors import ReportAggregates

FALLBACK_ROW = "R3.6.3"
"""Where an outcome code unknown to contract §1.3 is counted (其他): never dropped."""
FALLBACK_COLUMN = "other_org"
"""Where an applicant type unknown to contract §1.2 is counted (其他): never dropped."""
PLACEHOLDER = "（请填写）"

TABLE4_KINDS = tuple(key for key, _, _ in labels.TABLE4_GROUPS)
APPEAL_FIELDS = ("upheld", "corrected", "other", "pending", "total")
CHANNELS = tuple(key for key, _ in labels.LEGACY_CHANNELS)
POSTING_CHANNELS = tuple(key for key, _ in labels.LEGACY_POSTINGS if key != "total")
CATEGORIES = tuple(key for key, _ in labels.LEGACY_CATEGORIES)
LEGACY_REPLY_CATEGORIES = tuple(key for key, _ in labels.LEGACY_REPLIES)


class AgencyLike(Protocol):
    code: str
    name: str


def outcome_row(code: str) -> str:
    """The table 三 row (R3.1 … R3.6.3) of an outcome code."""
    info = OUTCOMES.get(code)
    return info.row if info else FALLBACK_ROW


def legacy_category(code: str) -> str:
    """The pre-2019 reply category of an outcome code."""
    info = OUTCOMES.get(code)
    return info.legacy if info else "other"


def row_group(row: str) -> str:
    """The result group of a row: "R3.3.4" → "R3.3"; "R3.1" → "R3.1"."""
    return ".".join(row.split(".")[:2])


def yuan(amount: Decimal | int) -> str:
    """An amount in 元 as the report prints it: two decimals, e.g. "500.00"."""
    return format(Decimal(amount).quantize(Decimal("0.01")), "f")


def wan_yuan(amount: Decimal | int) -> str:
    """An amount in 万元 with four decimals, e.g. "12.5000"."""
    return format(Decimal(amount).quantize(Decimal("0.0001")), "f")


def _header(agency: AgencyLike, year: int, rollup: bool, template: str) -> dict:
    return {
        "template": template,
        "agency": {"code": agency.code, "name": agency.name},
        "year": year,
        "rollup": rollup,
    }


def _table3(aggregates: ReportAggregates) -> dict:
    columns = labels.APPLICANT_COLUMNS
    cells = {row: dict.fromkeys(columns, 0) for row in TABLE3_ROWS}
    for group in aggregates.cases:
        column = (
            group.applicant_type if group.applicant_type in columns else FALLBACK_COLUMN
        )
        cells["R1"][column] += group.new
        cells["R2"][column] += group.carried_over
        cells[outcome_row(group.outcome)][column] += group.closed
        cells["R4"][column] += group.carried_forward
    for column in columns:
        cells["R3.7"][column] = sum(cells[row][column] for row in OUTCOME_ROWS)
    for row_cells in cells.values():
        row_cells["total"] = sum(row_cells[column] for column in columns)
    return {
        "columns": [key for key, _ in labels.TABLE3_COLUMNS],
        "rows": cells,
    }


def _table2(aggregates: ReportAggregates) -> dict:
    by_category = {group.category: group for group in aggregates.publications}

    def documents(category: str) -> dict:
        group = by_category.get(category)
        return {
            "issued": group.issued if group else 0,
            "repealed": group.repealed if group else 0,
            "in_force": group.in_force if group else 0,
        }

    statistics = aggregates.statistics
    return {
        "regulations": documents("regulation"),
        "normative_documents": documents("normative_document"),
        "licensing": {"decisions": int(statistics.get("licensing_decisions", 0))},
        "penalties": {"decisions": int(statistics.get("penalty_decisions", 0))},
        "coercive_measures": {
            "decisions": int(statistics.get("coercion_decisions", 0))
        },
        "administrative_fees": {
            "amount_wan_yuan": wan_yuan(statistics.get("admin_fees_wan_yuan", 0))
        },
    }


def _table4(aggregates: ReportAggregates) -> dict:
    by_kind = {group.kind: group for group in aggregates.appeals}
    table: dict[str, dict[str, int]] = {}
    for kind in TABLE4_KINDS:
        group = by_kind.get(kind)
        table[kind] = {
            field: getattr(group, field) if group else 0 for field in APPEAL_FIELDS
        }
    return table


def _fees(aggregates: ReportAggregates) -> dict:
    fees = aggregates.fees
    return {
        "notices_issued": fees.notices_issued,
        "notices_amount_yuan": yuan(fees.notices_amount_yuan),
        "paid_count": fees.paid_count,
        "collected_yuan": yuan(fees.collected_yuan),
    }


def build_report_2021(
    agency: AgencyLike,
    year: int,
    rollup: bool,
    aggregates: ReportAggregates,
    *,
    previous: Mapping[str, Any] | None = None,
) -> dict:
    """The 2021-format report (国办公开办函〔2021〕30号) of contract §7, checks included.

    ``previous`` is the last published 2021 report of the year before (for V5), if any.
    """
    report = _header(agency, year, rollup, "2021")
    report["table2"] = _table2(aggregates)
    report["table3"] = _table3(aggregates)
    report["table4"] = _table4(aggregates)
    report["fees"] = _fees(aggregates)
    report["checks"] = run_checks(report, previous=previous)
    return report


def build_report_2008(
    agency: AgencyLike, year: int, rollup: bool, aggregates: ReportAggregates
) -> dict:
    """The pre-2019 report (the seed report's figures) of contract §4.6 and §7."""
    published = {group.category: group.published for group in aggregates.publications}
    postings = {
        channel: aggregates.postings.get(channel, 0) for channel in POSTING_CHANNELS
    }
    postings["total"] = sum(postings.values())

    by_channel = dict.fromkeys(CHANNELS, 0)
    replies = dict.fromkeys(LEGACY_REPLY_CATEGORIES, 0)
    completed = completed_on_time = 0
    for group in aggregates.cases:
        if group.new:
            channel = group.channel if group.channel in by_channel else "other"
            by_channel[channel] += group.new
        completed += group.closed
        completed_on_time += group.closed_on_time
        if group.closed:
            replies[legacy_category(group.outcome)] += group.closed

    appeals = {group.kind: group.total for group in aggregates.appeals}
    statistics = aggregates.statistics

    report = _header(agency, year, rollup, "2008")
    report["proactive"] = {
        "items": sum(group.published for group in aggregates.publications),
        "key_area_items": sum(group.key_area for group in aggregates.publications),
        "by_category": {
            category: published.get(category, 0) for category in CATEGORIES
        },
        "postings": postings,
    }
    report["responses"] = {
        "total": int(statistics.get("responses_total", 0)),
        "leader_online_interviews": int(
            statistics.get("responses_leader_online_interviews", 0)
        ),
    }
    report["applications"] = {
        "received": sum(by_channel.values()),
        "by_channel": by_channel,
        "completed": completed,
        "completed_on_time": completed_on_time,
        "replies": replies,
    }
    report["appeals"] = {
        "reconsideration": appeals.get("reconsideration", 0),
        "litigation": appeals.get("litigation_direct", 0)
        + appeals.get("litigation_after_reconsideration", 0),
        "complaints": appeals.get("complaint", 0),
    }
    report["staff_and_costs"] = {
        "staff_full_time": int(statistics.get("staff_full_time", 0)),
        "staff_part_time": int(statistics.get("staff_part_time", 0)),
        "fees_collected_yuan": yuan(statistics.get("fees_collected_yuan", 0)),
        "litigation_costs_yuan": yuan(statistics.get("litigation_costs_yuan", 0)),
        "meetings": int(statistics.get("meetings", 0)),
        "trainees": int(statistics.get("trainees", 0)),
    }
    return report


# --- Narrative ---------------------------------------------------------------------------


def fee_sentence(fees: Mapping[str, Any]) -> str:
    """Section 六's sentence on 信息处理费 from the report's ``fees`` (ogi-rules §3.7).

    >>> fee_sentence({"notices_issued": 0, "notices_amount_yuan": "0.00",
    ...               "paid_count": 0, "collected_yuan": "0.00"})
    '本年度未发出收费通知，未收取信息处理费。'
    """
    issued = int(fees["notices_issued"])
    paid = int(fees["paid_count"])
    if not issued and not paid:
        return "本年度未发出收费通知，未收取信息处理费。"
    notices = (
        f"本年度共发出收费通知{issued}件，总金额{yuan(Decimal(fees['notices_amount_yuan']))}元"
        if issued
        else "本年度未发出收费通知"
    )
    collected = (
        f"实际收取信息处理费{paid}件，共计{yuan(Decimal(fees['collected_yuan']))}元"
        if paid
        else "未实际收取信息处理费"
    )
    return f"{notices}；{collected}。"


# The outcome groups of table 三, each with the rows it sums: the breakdown in the
# draft always adds up to 办结 (R3.7).
OUTCOME_GROUPS = (
    ("予以公开", ("R3.1",)),
    ("部分公开", ("R3.2",)),
    ("不予公开", tuple(f"R3.3.{n}" for n in range(1, 9))),
    ("无法提供", ("R3.4.1", "R3.4.2", "R3.4.3")),
    ("不予处理", tuple(f"R3.5.{n}" for n in range(1, 6))),
    ("其他处理", ("R3.6.1", "R3.6.2", "R3.6.3")),
)


def _outcome_breakdown(rows: Mapping[str, Mapping[str, int]]) -> str:
    """ "予以公开2件、部分公开1件、…" over every group of table 三, all six listed."""
    return "、".join(
        f"{label}{sum(rows[row]['total'] for row in group)}件"
        for label, group in OUTCOME_GROUPS
    )


def _overview_figures_2021(report: Mapping[str, Any]) -> list[tuple[str, str]]:
    name = report["agency"]["name"]
    rows = report["table3"]["rows"]
    table2 = report["table2"]
    table4 = report["table4"]
    regulations, documents = table2["regulations"], table2["normative_documents"]
    litigation = (
        table4["litigation_direct"]["total"]
        + table4["litigation_after_reconsideration"]["total"]
    )
    heading = labels.OVERVIEW_SUBHEADINGS
    return [
        (
            heading[0],
            f"本年度，{name}制发规章{regulations['issued']}件、行政规范性文件"
            f"{documents['issued']}件，废止规章{regulations['repealed']}件、行政规范性文件"
            f"{documents['repealed']}件；截至年底，现行有效规章{regulations['in_force']}件、"
            f"行政规范性文件{documents['in_force']}件。",
        ),
        (
            heading[1],
            f"本年度新收政府信息公开申请{rows['R1']['total']}件，上年结转"
            f"{rows['R2']['total']}件；办结{rows['R3.7']['total']}件，其中"
            f"{_outcome_breakdown(rows)}；"
            f"结转下年度继续办理{rows['R4']['total']}件。",
        ),
        (
            heading[4],
            f"本年度因政府信息公开工作被申请行政复议{table4['reconsideration']['total']}件，"
            f"被提起行政诉讼{litigation}件。",
        ),
    ]


def _problem_figures_2021(report: Mapping[str, Any]) -> list[tuple[str, str]]:
    rows = report["table3"]["rows"]
    table4 = report["table4"]
    corrected = sum(table4[kind]["corrected"] for kind in TABLE4_KINDS)
    anchor = labels.PROBLEMS_SUBHEADINGS[0]
    sentences = []
    if corrected:
        sentences.append(
            (
                anchor,
                f"本年度有{corrected}件行政复议、行政诉讼案件结果被纠正，答复质量有待提高。",
            )
        )
    if rows["R4"]["total"]:
        sentences.append(
            (
                anchor,
                f"年末尚有{rows['R4']['total']}件申请结转下年度继续办理，将在法定期限内办结。",
            )
        )
    return sentences


def figure_sentences(
    report: Mapping[str, Any],
) -> dict[str, tuple[tuple[str | None, str], ...]]:
    """The sentences of the narrative sections that state figures, computed from
    ``report`` (the live figures of a draft, the snapshot of a published version) each
    time the report is shown or exported; they are never stored with the staff's text.

    Narrative key → ``(anchor, sentence)`` pairs: the sentence is printed right after
    the sub-heading ``anchor`` of the staff's text, or at the start of the section when
    the text has no such sub-heading (or ``anchor`` is None).

    The pre-2019 report has none: its figures are printed as sentences in 三、信息公开数据
    (costs included), and its 二 falls back to a sentence of its own when left empty.
    """
    if report["template"] == "2008":
        return {}
    return {
        "overview": tuple(_overview_figures_2021(report)),
        "problems": tuple(_problem_figures_2021(report)),
        "other_matters": (
            (labels.OTHER_MATTERS_SUBHEADINGS[0], fee_sentence(report["fees"])),
        ),
    }


# The figure sentences that drafts used to store with the staff's text (before they were
# computed at render time): recognised line by line, so that text written that way shows
# the current figures instead of stale ones.
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


def strip_figure_sentences(text: str) -> str:
    """``text`` without the lines that are generated figure sentences (``FIGURE_LINES``)."""
    return "\n".join(
        line
        for line in (text or "").split("\n")
        if not any(pattern.fullmatch(line.strip()) for pattern in FIGURE_LINES)
    )


def _draft_2021() -> dict[str, str]:
    heading = labels.OVERVIEW_SUBHEADINGS
    problems = labels.PROBLEMS_SUBHEADINGS
    other = labels.OTHER_MATTERS_SUBHEADINGS
    return {
        "overview": "\n".join(
            [
                heading[0],
                heading[1],
                heading[2],
                PLACEHOLDER,
                heading[3],
                PLACEHOLDER,
                heading[4],
            ]
        ),
        "problems": "\n".join([problems[0], PLACEHOLDER, problems[1], PLACEHOLDER]),
        "other_matters": "\n".join(
            [other[0]] + [line for title in other[1:] for line in (title, PLACEHOLDER)]
        ),
    }


def _draft_2008() -> dict[str, str]:
    problems = labels.LEGACY_PROBLEMS_SUBHEADINGS
    return {
        "overview": PLACEHOLDER,
        "key_areas": "",
        "problems": "\n".join([problems[0], PLACEHOLDER, problems[1], PLACEHOLDER]),
        "other_matters": "",
    }


def draft_narrative(template: str) -> dict[str, str]:
    """First drafts of the narrative sections of a report of ``template``: only what
    staff write, the parts they must write marked ``PLACEHOLDER``. The figures are not
    part of it: they are printed from the report each time (``figure_sentences``)."""
    if template == "2008":
        return _draft_2008()
    return {**_draft_2021(), "key_areas": ""}
