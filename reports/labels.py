"""The exact wording of the annual report (政府信息公开工作年度报告): section titles, the
cells of tables 二, 三 and 四 of the 2021 format (国办公开办函〔2021〕30号) and the figures of
the pre-2019 report.

Pure data (ogi-rules §3.2, §3.4, §3.5, §3.6; contract §4.6). The HTML, DOCX, XLSX and PDF
exporters and the report pages all take their labels from here, so the official wording
exists once.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Final

# --- Sections (ogi-rules §3.2, §3.3) ---------------------------------------------------

SECTION_TITLES: Final = (
    "一、总体情况",
    "二、主动公开政府信息情况",
    "三、收到和处理政府信息公开申请情况",
    "四、政府信息公开行政复议、行政诉讼情况",
    "五、存在的主要问题及改进情况",
    "六、其他需要报告的事项",
)
"""The six canonical section titles of the 2019 and 2021 formats, in order."""

OVERVIEW_SUBHEADINGS: Final = (
    "（一）主动公开",
    "（二）依申请公开",
    "（三）政府信息管理",
    "（四）政府信息公开平台建设",
    "（五）监督保障",
)
"""The five sub-headings real reports use in section 一 (ogi-rules §3.3)."""

PROBLEMS_SUBHEADINGS: Final = ("（一）存在的主要问题", "（二）改进情况")
"""The two sub-headings of section 五 (2021 format)."""

OTHER_MATTERS_SUBHEADINGS: Final = (
    "（一）收取信息处理费情况",
    "（二）落实上级年度政务公开工作要点情况",
    "（三）人大代表建议和政协提案办理结果公开情况",
    "（四）年度政务公开工作创新情况",
)
"""The sub-headings of section 六 (2021 format); the first is followed by the fee sentence."""

NARRATIVE_KEYS: Final = ("overview", "key_areas", "problems", "other_matters")
"""The editable narrative sections: 一 (overview), 五 (problems), 六 (other matters);
``key_areas`` is 二、重点领域信息公开情况 of the pre-2019 report only."""

NARRATIVE_KEYS_BY_TEMPLATE: Final = {
    "2021": ("overview", "problems", "other_matters"),
    "2008": ("overview", "key_areas", "other_matters", "problems"),
}
"""The narrative sections each format prints, in the order of the report."""

REQUIRED_NARRATIVE: Final = {"2021": ("problems",), "2008": ("problems",)}
"""Sections that must not be empty: 存在的主要问题及改进情况 (Regulation of 2019 Art. 50
(五); of 2008 Art. 32 (四))."""


def report_title(agency_name: str, year: int) -> str:
    """The report's title line, e.g. "北京市西城区城市管理监督指挥中心2024年政府信息公开工作年度报告"."""
    return f"{agency_name}{year}年政府信息公开工作年度报告"


# --- Table 二 (ogi-rules §3.4, 2021 format) ----------------------------------------------


@dataclass(frozen=True, slots=True)
class SubTable:
    """One of the four stacked sub-tables of table 二, headed by the Art. 20 item it reports.

    ``columns`` are (JSON key, label) of the data columns; ``rows`` are (JSON key, label).
    The JSON keys are those of contract §7 (``table2[row][column]``).
    """

    header: str
    first_column: str
    columns: tuple[tuple[str, str], ...]
    rows: tuple[tuple[str, str], ...]


TABLE2_SUBTABLES: Final = (
    SubTable(
        header="第二十条第（一）项",
        first_column="信息内容",
        columns=(
            ("issued", "本年制发件数"),
            ("repealed", "本年废止件数"),
            ("in_force", "现行有效件数"),
        ),
        rows=(("regulations", "规章"), ("normative_documents", "行政规范性文件")),
    ),
    SubTable(
        header="第二十条第（五）项",
        first_column="信息内容",
        columns=(("decisions", "本年处理决定数量"),),
        rows=(("licensing", "行政许可"),),
    ),
    SubTable(
        header="第二十条第（六）项",
        first_column="信息内容",
        columns=(("decisions", "本年处理决定数量"),),
        rows=(("penalties", "行政处罚"), ("coercive_measures", "行政强制")),
    ),
    SubTable(
        header="第二十条第（八）项",
        first_column="信息内容",
        columns=(("amount_wan_yuan", "本年收费金额（单位：万元）"),),
        rows=(("administrative_fees", "行政事业性收费"),),
    ),
)

# --- Table 三 (ogi-rules §3.5) -----------------------------------------------------------

TABLE3_NOTE: Final = (
    "（本列数据的勾稽关系为：第一项加第二项之和，等于第三项加第四项之和）"
)
"""The exact text of the top-left header cell."""

TABLE3_APPLICANT_HEADER: Final = "申请人情况"
TABLE3_ORGANISATION_HEADER: Final = "法人或其他组织"

TABLE3_COLUMNS: Final = (
    ("natural_person", "自然人"),
    ("enterprise", "商业企业"),
    ("research_institution", "科研机构"),
    ("public_interest_org", "社会公益组织"),
    ("legal_service_org", "法律服务机构"),
    ("other_org", "其他"),
    ("total", "总计"),
)
"""The seven data columns (JSON key, label); the five organisation columns sit under
``TABLE3_ORGANISATION_HEADER``. The official format has no organisation subtotal."""

APPLICANT_COLUMNS: Final = tuple(key for key, _ in TABLE3_COLUMNS[:-1])
"""The six applicant-type columns, without ``total``."""


@dataclass(frozen=True, slots=True)
class Table3Line:
    """A line of table 三: a data row (``code`` set) or a group header (``code`` None,
    no numbers of its own). ``level`` is the indentation: 0 for 一/二/三/四, 1 for
    （一）…（七）, 2 for the numbered sub-rows."""

    code: str | None
    label: str
    level: int


TABLE3_LINES: Final = (
    Table3Line("R1", "一、本年新收政府信息公开申请数量", 0),
    Table3Line("R2", "二、上年结转政府信息公开申请数量", 0),
    Table3Line(None, "三、本年度办理结果", 0),
    Table3Line("R3.1", "（一）予以公开", 1),
    Table3Line("R3.2", "（二）部分公开（区分处理的，只计这一情形，不计其他情形）", 1),
    Table3Line(None, "（三）不予公开", 1),
    Table3Line("R3.3.1", "1.属于国家秘密", 2),
    Table3Line("R3.3.2", "2.其他法律行政法规禁止公开", 2),
    Table3Line("R3.3.3", "3.危及“三安全一稳定”", 2),
    Table3Line("R3.3.4", "4.保护第三方合法权益", 2),
    Table3Line("R3.3.5", "5.属于三类内部事务信息", 2),
    Table3Line("R3.3.6", "6.属于四类过程性信息", 2),
    Table3Line("R3.3.7", "7.属于行政执法案卷", 2),
    Table3Line("R3.3.8", "8.属于行政查询事项", 2),
    Table3Line(None, "（四）无法提供", 1),
    Table3Line("R3.4.1", "1.本机关不掌握相关政府信息", 2),
    Table3Line("R3.4.2", "2.没有现成信息需要另行制作", 2),
    Table3Line("R3.4.3", "3.补正后申请内容仍不明确", 2),
    Table3Line(None, "（五）不予处理", 1),
    Table3Line("R3.5.1", "1.信访举报投诉类申请", 2),
    Table3Line("R3.5.2", "2.重复申请", 2),
    Table3Line("R3.5.3", "3.要求提供公开出版物", 2),
    Table3Line("R3.5.4", "4.无正当理由大量反复申请", 2),
    Table3Line("R3.5.5", "5.要求行政机关确认或重新出具已获取信息", 2),
    Table3Line(None, "（六）其他处理", 1),
    Table3Line(
        "R3.6.1",
        "1.申请人无正当理由逾期不补正、行政机关不再处理其政府信息公开申请",
        2,
    ),
    Table3Line(
        "R3.6.2",
        "2.申请人逾期未按收费通知要求缴纳费用、行政机关不再处理其政府信息公开申请",
        2,
    ),
    Table3Line("R3.6.3", "3.其他", 2),
    Table3Line("R3.7", "（七）总计", 1),
    Table3Line("R4", "四、结转下年度继续办理", 0),
)
"""Every line of table 三 in order: the 25 data rows and the 5 group headers."""

TABLE3_ROW_LABELS: Final = {line.code: line.label for line in TABLE3_LINES if line.code}
"""Row code (R1 … R4) → exact label."""

TABLE3_GROUPS: Final = (
    ("R3.1", "予以公开"),
    ("R3.2", "部分公开"),
    ("R3.3", "不予公开"),
    ("R3.4", "无法提供"),
    ("R3.5", "不予处理"),
    ("R3.6", "其他处理"),
)
"""The six result groups of 三 (short names, for charts); a row belongs to the group
whose code prefixes it."""

# --- Table 四 (ogi-rules §3.6) -----------------------------------------------------------

TABLE4_GROUPS: Final = (
    ("reconsideration", "行政复议", ""),
    ("litigation_direct", "行政诉讼", "未经复议直接起诉"),
    ("litigation_after_reconsideration", "行政诉讼", "复议后起诉"),
)
"""(JSON key, top header, second header) of the three groups of five columns."""

TABLE4_RESULTS: Final = (
    ("upheld", "结果维持"),
    ("corrected", "结果纠正"),
    ("other", "其他结果"),
    ("pending", "尚未审结"),
    ("total", "总计"),
)

# --- The pre-2019 report (contract §4.6; the seed report's wording) ---------------------

LEGACY_SECTION_TITLES: Final = (
    "一、重点工作情况",
    "二、重点领域信息公开情况",
    "三、信息公开数据",
    "四、存在的不足及改进措施",
)
LEGACY_PROBLEMS_SUBHEADINGS: Final = ("（一）存在的问题", "（二）改进措施")
LEGACY_COSTS_TITLE: Final = "三、信息公开数据（五）人员和收支情况"
"""Where the ``other_matters`` text of the pre-2019 report is printed."""
LEGACY_DATA_HEADINGS: Final = (
    ("proactive", "（一）主动公开情况"),
    ("responses", "（二）回应解读情况"),
    ("applications", "（三）依申请公开情况"),
    ("appeals", "（四）行政复议、诉讼及举报情况"),
    ("staff_and_costs", "（五）人员和收支情况"),
)

LEGACY_PROACTIVE: Final = (
    ("items", "主动公开政府信息数"),
    ("key_area_items", "重点领域公开政府信息数"),
)
LEGACY_CATEGORIES: Final = (
    ("regulation", "主动公开规章数"),
    ("normative_document", "主动公开规范性文件数"),
    ("organisation", "主动公开机构职能信息数"),
    ("plan", "主动公开规划计划信息数"),
    ("fiscal", "主动公开财政预算决算、“三公”经费和行政经费信息数"),
    ("government_decision", "主动公开本级政府决定主动公开的其他信息数"),
    ("licensing", "主动公开行政许可信息数"),
    ("penalty", "主动公开行政处罚信息数"),
    ("coercion", "主动公开行政强制信息数"),
    ("fees", "主动公开行政事业性收费信息数"),
    ("procurement", "主动公开政府采购信息数"),
    ("statistics", "主动公开统计信息数"),
    ("personnel", "主动公开人事信息数"),
    ("other", "主动公开其他信息数"),
)
LEGACY_POSTINGS: Final = (
    ("total", "通过不同渠道和方式公开政府信息的情况"),
    ("website", "政府网站公开政府信息数"),
    ("weibo", "政务微博公开政府信息数"),
    ("wechat", "政务微信公开政府信息数"),
    ("newspaper", "报刊公开政府信息数"),
    ("bulletin", "政府公报公开政府信息数"),
    ("other", "其他方式公开政府信息数"),
)
LEGACY_RESPONSES: Final = (
    ("total", "通过不同渠道和方式回应解读的情况数"),
    ("leader_online_interviews", "主要负责同志参加政府网站在线访谈次数"),
)
LEGACY_APPLICATIONS: Final = (
    ("received", "收到申请数"),
    ("completed", "申请办结数"),
    ("completed_on_time", "按时办结数"),
)
LEGACY_CHANNELS: Final = (
    ("online", "网络申请数"),
    ("email", "电子邮件申请数"),
    ("letter", "信函申请数"),
    ("in_person", "当面申请数"),
    ("fax", "传真申请数"),
    ("other", "其他形式申请数"),
)
LEGACY_REPLIES: Final = (
    ("agreed", "同意公开答复数"),
    ("partly_agreed", "同意部分公开答复数"),
    ("refused", "不同意公开答复数"),
    ("not_this_agency", "不属于本行政机关公开数"),
    ("not_exist", "申请信息不存在数"),
    ("amend", "告知作出更改补充数"),
    ("other_route", "告知通过其他途径办理数"),
    ("other", "其他答复数"),
)
LEGACY_APPEALS: Final = (
    ("reconsideration", "针对本机关政府信息公开的行政复议申请数"),
    ("litigation", "针对本机关政府信息公开的行政诉讼案件数"),
    ("complaints", "针对本机关政府信息公开的举报投诉（申诉）案件数"),
)
LEGACY_STAFF_AND_COSTS: Final = (
    ("staff_full_time", "从事政府信息公开工作的专职人员数"),
    ("staff_part_time", "从事政府信息公开工作的兼职人员数"),
    ("fees_collected_yuan", "依申请公开政府信息收取的费用（元）"),
    ("litigation_costs_yuan", "因政府信息公开诉讼支出的费用（元）"),
    ("meetings", "召开政府信息公开工作会议或专题会议数"),
    ("trainees", "接受培训人员数"),
)


def narrative_title(template: str, key: str) -> str:
    """The title of the section a narrative key is printed as, in ``template``."""
    if template == "2008":
        titles = dict(
            zip(("overview", "key_areas"), LEGACY_SECTION_TITLES[:2], strict=True)
        )
        titles.update(
            problems=LEGACY_SECTION_TITLES[3], other_matters=LEGACY_COSTS_TITLE
        )
    else:
        titles = {
            "overview": SECTION_TITLES[0],
            "key_areas": LEGACY_SECTION_TITLES[1],
            "problems": SECTION_TITLES[4],
            "other_matters": SECTION_TITLES[5],
        }
    return titles[key]
