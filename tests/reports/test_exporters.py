"""The annual report's document exporters: HTML, DOCX, XLSX and PDF (pure: no database).

The reports are built by hand in the exact shape of contract §7: a 2021 report with a
few figures that reconcile, and the 2008 report of the seed report (西城区城市管理监督指挥
中心, 2017). Every file is opened again with its own reader and checked for the official
labels, the merged headers and the figures.
"""

from __future__ import annotations

import io
import os
import re
import shutil
import subprocess
import sys
from html.parser import HTMLParser
from pathlib import Path

import pytest
from docx import Document
from docx.oxml.ns import qn
from openpyxl import load_workbook

from reports import exporters, labels
from reports.exporters import html as html_exporter

AGENCY = {"code": "XCCG", "name": "北京市西城区城市管理监督指挥中心"}
TITLE_2021 = "北京市西城区城市管理监督指挥中心2024年政府信息公开工作年度报告"
COLUMNS = [key for key, _ in labels.TABLE3_COLUMNS]
OUTCOME_ROWS = [
    code
    for code in labels.TABLE3_ROW_LABELS
    if code.startswith("R3.") and code != "R3.7"
]
FEE_SENTENCE = (
    "本年度共发出收费通知2件，总金额300.00元；实际收取信息处理费1件，共计100.00元。"
)
REPO = Path(__file__).resolve().parents[2]


# --- Reports built by hand ---------------------------------------------------------------


def zero_report_2021(year: int = 2024) -> dict:
    """A 2021 report of contract §7 with every figure zero and every check passed."""
    return {
        "template": "2021",
        "agency": dict(AGENCY),
        "year": year,
        "rollup": False,
        "table2": {
            "regulations": {"issued": 0, "repealed": 0, "in_force": 0},
            "normative_documents": {"issued": 0, "repealed": 0, "in_force": 0},
            "licensing": {"decisions": 0},
            "penalties": {"decisions": 0},
            "coercive_measures": {"decisions": 0},
            "administrative_fees": {"amount_wan_yuan": "0.0000"},
        },
        "table3": {
            "columns": list(COLUMNS),
            "rows": {
                code: dict.fromkeys(COLUMNS, 0) for code in labels.TABLE3_ROW_LABELS
            },
        },
        "table4": {
            key: {"upheld": 0, "corrected": 0, "other": 0, "pending": 0, "total": 0}
            for key, _, _ in labels.TABLE4_GROUPS
        },
        "fees": {
            "notices_issued": 0,
            "notices_amount_yuan": "0.00",
            "paid_count": 0,
            "collected_yuan": "0.00",
        },
        "checks": [
            {"rule": rule, "level": level, "ok": True, "message": "通过。"}
            for rule, level in (
                ("V1", "error"),
                ("V2", "error"),
                ("V3", "error"),
                ("V4", "error"),
                ("V5", "warning"),
                ("V6", "error"),
            )
        ],
    }


def set_table3(report: dict, figures: dict[tuple[str, str], int]) -> dict:
    """Set table 三's figures and work out R3.7 and the 总计 column from them."""
    rows = report["table3"]["rows"]
    for (code, column), value in figures.items():
        rows[code][column] = value
    for column in COLUMNS[:-1]:
        rows["R3.7"][column] = sum(rows[code][column] for code in OUTCOME_ROWS)
    for cells in rows.values():
        cells["total"] = sum(cells[column] for column in COLUMNS[:-1])
    return report


def report_2021() -> dict:
    """13 new + 2 carried over = 12 handled + 3 carried forward."""
    report = set_table3(
        zero_report_2021(),
        {
            ("R1", "natural_person"): 10,
            ("R2", "natural_person"): 2,
            ("R3.1", "natural_person"): 5,
            ("R3.2", "natural_person"): 1,
            ("R3.3.4", "natural_person"): 1,
            ("R3.4.1", "natural_person"): 2,
            ("R3.6.3", "natural_person"): 1,
            ("R4", "natural_person"): 2,
            ("R1", "enterprise"): 3,
            ("R3.1", "enterprise"): 2,
            ("R4", "enterprise"): 1,
        },
    )
    report["table2"].update(
        regulations={"issued": 2, "repealed": 1, "in_force": 5},
        normative_documents={"issued": 3, "repealed": 0, "in_force": 12},
        licensing={"decisions": 120},
        penalties={"decisions": 45},
        coercive_measures={"decisions": 3},
        administrative_fees={"amount_wan_yuan": "12.5000"},
    )
    report["table4"]["reconsideration"] = {
        "upheld": 1,
        "corrected": 1,
        "other": 0,
        "pending": 1,
        "total": 3,
    }
    report["table4"]["litigation_after_reconsideration"] = {
        "upheld": 0,
        "corrected": 0,
        "other": 2,
        "pending": 0,
        "total": 2,
    }
    report["fees"] = {
        "notices_issued": 2,
        "notices_amount_yuan": "300.00",
        "paid_count": 1,
        "collected_yuan": "100.00",
    }
    return report


NARRATIVE_2021 = {
    "overview": "（一）主动公开\n本年度主动公开工作平稳推进。\n\n第二段总体情况。",
    "problems": "（一）存在的主要问题\n答复质量有待提高。",
    "other_matters": "（二）落实上级年度政务公开工作要点情况\n已按要点落实。",
}
OVERVIEW_FIGURES = (
    "本年度，北京市西城区城市管理监督指挥中心制发规章2件、行政规范性文件3件，废止规章1件、"
    "行政规范性文件0件；截至年底，现行有效规章5件、行政规范性文件12件。",
    "本年度新收政府信息公开申请13件，上年结转2件；办结12件，其中予以公开7件、部分公开1件、"
    "不予公开1件、无法提供2件、不予处理0件、其他处理1件；结转下年度继续办理3件。",
    "本年度因政府信息公开工作被申请行政复议3件，被提起行政诉讼2件。",
)


def report_2008() -> dict:
    """The seed report's figures (2017, pre-2019 format)."""
    by_category = dict.fromkeys((key for key, _ in labels.LEGACY_CATEGORIES), 0)
    by_category.update(fiscal=9, government_decision=13, other=139)
    return {
        "template": "2008",
        "agency": dict(AGENCY),
        "year": 2017,
        "rollup": False,
        "proactive": {
            "items": 161,
            "key_area_items": 22,
            "by_category": by_category,
            "postings": {
                "website": 320,
                "weibo": 0,
                "wechat": 16,
                "newspaper": 0,
                "bulletin": 0,
                "other": 0,
                "total": 336,
            },
        },
        "responses": {"total": 1, "leader_online_interviews": 1},
        "applications": {
            "received": 3,
            "by_channel": {
                "online": 2,
                "email": 0,
                "letter": 1,
                "in_person": 0,
                "fax": 0,
                "other": 0,
            },
            "completed": 3,
            "completed_on_time": 3,
            "replies": {
                "agreed": 2,
                "partly_agreed": 0,
                "refused": 0,
                "not_this_agency": 1,
                "not_exist": 0,
                "amend": 0,
                "other_route": 0,
                "other": 0,
            },
        },
        "appeals": {"reconsideration": 0, "litigation": 0, "complaints": 0},
        "staff_and_costs": {
            "staff_full_time": 0,
            "staff_part_time": 1,
            "fees_collected_yuan": "0.00",
            "litigation_costs_yuan": "0.00",
            "meetings": 2,
            "trainees": 70,
        },
    }


NARRATIVE_2008 = {
    "overview": "（一）强化组织领导\n中心坚持把政府信息公开作为重要工作。",
    "problems": "（一）存在的问题\n需进一步深化拓展政务公开的深度广度。",
}


# --- Reading the files back --------------------------------------------------------------


class Cells(HTMLParser):
    """The page's text, and every table cell as (tag, attributes, text)."""

    def __init__(self) -> None:
        super().__init__()
        self.cells: list[tuple[str, dict, str]] = []
        self.paragraphs: list[str] = []
        self.headings: list[str] = []
        self.subheadings: list[str] = []
        self.text: list[str] = []
        self._open: tuple[str, dict] | None = None
        self._buffer: list[str] = []

    def handle_starttag(self, tag, attrs):
        if tag in ("td", "th", "p", "h2", "h3"):
            self._open, self._buffer = (tag, dict(attrs)), []

    def handle_endtag(self, tag):
        if self._open and tag == self._open[0]:
            text = "".join(self._buffer)
            if tag == "p":
                self.paragraphs.append(text)
            elif tag == "h2":
                self.headings.append(text)
            elif tag == "h3":
                self.subheadings.append(text)
            else:
                self.cells.append((tag, self._open[1], text))
            self._open = None

    def handle_data(self, data):
        self.text.append(data)
        if self._open:
            self._buffer.append(data)

    def cell(self, text: str) -> dict:
        (attrs,) = [attrs for _, attrs, cell_text in self.cells if cell_text == text]
        return attrs


def parse_html(content: bytes) -> Cells:
    parser = Cells()
    parser.feed(content.decode("utf-8"))
    return parser


def docx_text(document) -> list[str]:
    texts = [paragraph.text for paragraph in document.paragraphs]
    for table in document.tables:
        texts += [cell.text for row in table.rows for cell in row.cells]
    return texts


SUM = re.compile(r"^=SUM\(([A-Z]+\d+):([A-Z]+\d+)\)$")
BALANCE = re.compile(
    r'^=IF\(([A-Z]+\d+)\+([A-Z]+\d+)=([A-Z]+\d+)\+([A-Z]+\d+),"通过","不通过"\)$'
)


def evaluate(sheet, address: str):
    """A cell's value, working out the SUM and 勾稽关系 formulas the exporter writes."""
    value = sheet[address].value
    if isinstance(value, str) and (match := SUM.match(value)):
        total = 0
        for row in sheet[f"{match[1]}:{match[2]}"]:
            for cell in row:
                part = evaluate(sheet, cell.coordinate)
                assert part is None or isinstance(part, int), cell.coordinate
                total += part or 0
        return total
    if isinstance(value, str) and (match := BALANCE.match(value)):
        r1, r2, r37, r4 = (evaluate(sheet, each) for each in match.groups())
        return "通过" if r1 + r2 == r37 + r4 else "不通过"
    return value


def row_of(sheet, label: str) -> int:
    (row,) = [cell.row for cell in sheet["A"] if cell.value == label]
    return row


# --- HTML --------------------------------------------------------------------------------


def test_html_is_a_standalone_printable_document():
    content = exporters.render("html", report_2021(), NARRATIVE_2021)

    text = content.decode("utf-8")
    assert text.startswith('<!DOCTYPE html>\n<html lang="zh-CN">')
    assert '<meta charset="utf-8">' in text
    assert f"<title>{TITLE_2021}</title>" in text
    assert "@page" in text
    assert "size: A4;" in text
    assert "margin: 2.5cm 2cm;" in text
    assert '"Noto Serif CJK SC", "SimSun", serif' in text
    assert "display: table-header-group" in text
    assert "<link" not in text
    assert "src=" not in text


def test_html_table3_has_the_official_layout():
    cells = parse_html(exporters.render("html", report_2021(), NARRATIVE_2021))

    texts = [text for _, _, text in cells.cells]
    for label in labels.TABLE3_ROW_LABELS.values():
        assert texts.count(label) == 1, label
    assert cells.cell(labels.TABLE3_NOTE) == {
        "class": "note",
        "rowspan": "3",
        "colspan": "3",
    }
    assert cells.cell("申请人情况") == {"class": "header", "colspan": "7"}
    assert cells.cell("自然人") == {"class": "header", "rowspan": "2"}
    assert cells.cell("法人或其他组织") == {"class": "header", "colspan": "5"}
    assert cells.cell("三、本年度办理结果") == {"class": "label", "rowspan": "22"}
    assert cells.cell("（三）不予公开") == {"class": "label", "rowspan": "8"}
    assert cells.cell("（四）无法提供") == {"class": "label", "rowspan": "3"}
    assert cells.cell("（五）不予处理") == {"class": "label", "rowspan": "5"}
    assert cells.cell("（六）其他处理") == {"class": "label", "rowspan": "3"}
    assert cells.cell(labels.TABLE3_ROW_LABELS["R1"]) == {
        "class": "label",
        "colspan": "3",
    }
    assert cells.cell(labels.TABLE3_ROW_LABELS["R3.7"]) == {
        "class": "label",
        "colspan": "2",
    }
    # The figures of R1 follow its label, 自然人 … 总计.
    start = texts.index(labels.TABLE3_ROW_LABELS["R1"])
    assert texts[start + 1 : start + 8] == ["10", "3", "0", "0", "0", "0", "13"]
    start = texts.index(labels.TABLE3_ROW_LABELS["R4"])
    assert texts[start + 1 : start + 8] == ["2", "1", "0", "0", "0", "0", "3"]


def test_html_tables_2_and_4_have_the_official_layout():
    cells = parse_html(exporters.render("html", report_2021(), NARRATIVE_2021))

    texts = [text for _, _, text in cells.cells]
    assert cells.cell("行政复议") == {"class": "header", "colspan": "5"}
    assert cells.cell("行政诉讼") == {"class": "header", "colspan": "10"}
    assert cells.cell("未经复议直接起诉") == {"class": "header", "colspan": "5"}
    assert cells.cell("复议后起诉") == {"class": "header", "colspan": "5"}
    # 行政复议's results stand under it in two header rows; the others in one.
    assert [attrs for tag, attrs, text in cells.cells if text == "结果维持"] == [
        {"class": "header", "rowspan": "2"},
        {"class": "header"},
        {"class": "header"},
    ]
    numbers = [text for _, attrs, text in cells.cells if attrs["class"] == "number"]
    assert numbers[-15:] == ["1", "1", "0", "1", "3"] + ["0"] * 5 + [
        "0",
        "0",
        "2",
        "0",
        "2",
    ]
    for sub in labels.TABLE2_SUBTABLES:
        assert cells.cell(sub.header) == {"class": "header", "colspan": "4"}
    start = texts.index("规章")
    assert texts[start + 1 : start + 4] == ["2", "1", "5"]
    assert cells.cell("12.5000") == {"class": "number", "colspan": "3"}


def test_html_sections_narrative_and_figure_sentences():
    """The figure sentences come from the report, each after its sub-heading; the
    narrative holds only what staff wrote."""
    cells = parse_html(exporters.render("html", report_2021(), NARRATIVE_2021))

    assert cells.headings == list(labels.SECTION_TITLES)
    assert cells.paragraphs == [
        OVERVIEW_FIGURES[0],
        "本年度主动公开工作平稳推进。",
        "第二段总体情况。",
        OVERVIEW_FIGURES[1],
        OVERVIEW_FIGURES[2],
        "本年度有1件行政复议、行政诉讼案件结果被纠正，答复质量有待提高。",
        "年末尚有3件申请结转下年度继续办理，将在法定期限内办结。",
        "答复质量有待提高。",
        FEE_SENTENCE,
        "已按要点落实。",
    ]
    # a sub-heading the staff's text lacks is added in its place, in order
    assert cells.subheadings == [
        "（一）主动公开",
        "（二）依申请公开",
        "（五）监督保障",
        "（一）存在的主要问题",
        "（一）收取信息处理费情况",
        "（二）落实上级年度政务公开工作要点情况",
    ]


def test_html_prints_the_reports_figures_not_stored_ones():
    """Text stored with the figures of the day the draft was made (before they were
    computed) prints the report's figures instead, once."""
    narrative = dict(
        NARRATIVE_2021,
        overview="（二）依申请公开\n本年度新收政府信息公开申请0件，上年结转0件；办结0件，其中"
        "予以公开0件、部分公开0件、不予公开0件、无法提供0件、不予处理0件、其他处理0件；"
        "结转下年度继续办理0件。\n工作平稳。",
        other_matters="（一）收取信息处理费情况\n本年度未发出收费通知，未收取信息处理费。",
    )

    text = exporters.render("html", report_2021(), narrative).decode("utf-8")

    assert text.count(FEE_SENTENCE) == 1
    assert "未发出收费通知" not in text
    assert "申请0件" not in text
    assert text.count(OVERVIEW_FIGURES[1]) == 1
    assert text.index(OVERVIEW_FIGURES[1]) < text.index("工作平稳。")


@pytest.mark.parametrize(
    ("text", "number"),
    [("（一）主动公开", 1), ("（五）", 5), ("（十）", 10), ("（十二）", 12),
     ("（二十一）", 21), ("正文", None)],
)  # fmt: skip
def test_heading_number(text, number):
    assert html_exporter.heading_number(text) == number


def test_html_lines_of_a_paragraph_stay_together():
    narrative = {"overview": "第一行\n第二行\n\n\n第二段"}

    cells = parse_html(exporters.render("html", zero_report_2021(), narrative))

    assert cells.paragraphs[:2] == ["第一行第二行", "第二段"]
    text = exporters.render("html", zero_report_2021(), narrative).decode("utf-8")
    assert (
        '<p><span class="line">第一行</span><span class="line">第二行</span></p>'
        in text
    )


def test_html_escapes_all_text():
    report = zero_report_2021()
    report["agency"]["name"] = "<script>alert(1)</script>&某局"
    narrative = {"overview": '<img src=x onerror="alert(2)">'}

    text = exporters.render("html", report, narrative).decode("utf-8")

    assert "<script>" not in text
    assert "<img" not in text
    assert "&lt;script&gt;alert(1)&lt;/script&gt;&amp;某局" in text
    assert "&lt;img src=x onerror=&quot;alert(2)&quot;&gt;" in text


@pytest.mark.parametrize("fmt", ["html", "docx", "xlsx"])
def test_documents_never_print_the_checks(fmt):
    """The checks are for staff (the preview); a document never shows them, failed or
    not checked."""
    report = report_2021()
    report["checks"][0] = {
        "rule": "V1",
        "level": "error",
        "ok": False,
        "message": "“自然人”列：第一项加第二项之和为12（10+2），两者不相等。",
        "state": "failed",
    }
    report["checks"][4] = {
        "rule": "V5",
        "level": "warning",
        "ok": False,
        "message": "未核对：未找到2023年度已发布的年度报告，无法核对上年结转数。",
        "state": "not_checked",
    }

    content = exporters.render(fmt, report, NARRATIVE_2021)

    if fmt == "html":
        text = content.decode("utf-8")
    elif fmt == "docx":
        text = "".join(docx_text(Document(io.BytesIO(content))))
    else:
        workbook = load_workbook(io.BytesIO(content))
        text = "".join(
            str(value)
            for sheet in workbook
            for row in sheet.iter_rows(values_only=True)
            for value in row
            if value is not None
        )
    for absent in ("数据校验", "V1", "V5", "两者不相等", "未核对", "（提示）"):
        assert absent not in text


def test_html_rollup_report_says_so():
    report = zero_report_2021()
    report["rollup"] = True

    text = exporters.render("html", report, {}).decode("utf-8")

    assert html_exporter.ROLLUP_NOTE in text


def test_html_2008_report_reads_like_the_seed_report():
    cells = parse_html(exporters.render("html", report_2008(), NARRATIVE_2008))

    assert cells.headings == list(labels.LEGACY_SECTION_TITLES)
    assert cells.paragraphs == [
        "中心坚持把政府信息公开作为重要工作。",
        "本年度重点领域公开政府信息数22条。",
        "本单位2017年共主动公开政府信息161条，重点领域公开政府信息数22条。",
        "其中：主动公开财政预算决算、“三公”经费和行政经费信息数9条，"
        "主动公开本级政府决定主动公开的其他信息数13条，主动公开其他信息数139条，"
        "通过不同渠道和方式公开政府信息的情况336条，"
        "其中政府网站公开政府信息数320条，政务微信公开政府信息数16条。",
        "通过不同渠道和方式回应解读的情况数为1，其中主要负责同志参加政府网站在线访谈次数为1。",
        "本单位2017年度共收到政府信息公开申请3件，网络申请数2件，信函申请数1件。"
        "申请办结数和按时办结数均为3件。",
        "申请答复数3件，同意公开答复数2件，不属于本行政机关公开数1件。",
        "2017年，针对本机关政府信息公开的行政复议申请数0件，"
        "针对本机关政府信息公开的行政诉讼案件数0件，"
        "针对本机关政府信息公开的举报投诉（申诉）案件数0件。",
        "从事政府信息公开工作的兼职人员数1人。2017年度未发生依申请公开政府信息收费及诉讼有关费用。"
        "召开政府信息公开工作会议或专题会议数2次，接受培训人员数70人。",
        "需进一步深化拓展政务公开的深度广度。",
    ]
    texts = [text for _, _, text in cells.cells]
    start = texts.index("政府网站公开政府信息数")
    assert texts[start - 2 : start + 2] == [
        "通过不同渠道和方式公开政府信息的情况",
        "336",
        "政府网站公开政府信息数",
        "320",
    ]
    start = texts.index("申请答复数")
    assert texts[start : start + 4] == ["申请答复数", "3", "同意公开答复数", "2"]


def test_html_2008_closing_text_follows_the_generated_costs():
    narrative = dict(
        NARRATIVE_2008,
        other_matters="本年度未发生依申请公开政府信息收费及诉讼有关费用。\n较上年无变化。",
    )

    cells = parse_html(exporters.render("html", report_2008(), narrative))

    staff, closing = cells.paragraphs[-3:-1]
    assert staff == (
        "从事政府信息公开工作的兼职人员数1人。2017年度未发生依申请公开政府信息收费及诉讼有关费用。"
        "召开政府信息公开工作会议或专题会议数2次，接受培训人员数70人。"
    )
    # the figure sentence the draft used to store is not printed twice
    assert closing == "较上年无变化。"


def test_html_2008_key_areas_written_by_staff():
    narrative = dict(
        NARRATIVE_2008,
        key_areas="（一）加强关注，推进规范性文件的公开\n加大了对各类规范性文件的关注力度。",
    )

    cells = parse_html(exporters.render("html", report_2008(), narrative))

    assert "（一）加强关注，推进规范性文件的公开" in cells.subheadings
    assert "加大了对各类规范性文件的关注力度。" in cells.paragraphs
    assert "本年度重点领域公开政府信息数22条。" not in cells.paragraphs


def test_header_lines_break_between_two_character_words():
    assert html_exporter.balanced_lines("结果维持", 3) == ("结果", "维持")
    assert html_exporter.balanced_lines("社会公益组织", 3) == ("社会", "公益", "组织")
    assert html_exporter.balanced_lines("社会公益组织", 4) == ("社会公益", "组织")
    assert html_exporter.balanced_lines("自然人", 3) == ("自然人",)
    assert html_exporter.balanced_lines("总计", 0) == ("总计",)


# --- DOCX --------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def docx_2021():
    return exporters.render("docx", report_2021(), NARRATIVE_2021)


def test_docx_opens_on_a4_with_every_label(docx_2021):
    document = Document(io.BytesIO(docx_2021))

    section = document.sections[0]
    # Word stores lengths in twentieths of a point: compare to the tenth of a millimetre.
    assert (round(section.page_width.mm, 1), round(section.page_height.mm, 1)) == (
        210.0,
        297.0,
    )
    assert (round(section.top_margin.mm, 1), round(section.left_margin.mm, 1)) == (
        25.0,
        20.0,
    )
    texts = set(docx_text(document))
    assert document.paragraphs[0].text == (
        "北京市西城区城市管理监督指挥中心\n2024年政府信息公开工作年度报告"
    )
    expected = {
        *labels.SECTION_TITLES,
        *labels.TABLE3_ROW_LABELS.values(),
        labels.TABLE3_NOTE,
        labels.TABLE3_APPLICANT_HEADER,
        labels.TABLE3_ORGANISATION_HEADER,
        "三、本年度办理结果",
        "行政复议",
        "行政诉讼",
        "未经复议直接起诉",
        "复议后起诉",
        "第二十条第（八）项",
        "本年收费金额（单位：万元）",
        "12.5000",
        FEE_SENTENCE,
    }
    assert expected - texts == set()
    # Two-character words on lines of their own in the narrow header cells.
    assert {"结果\n维持", "社会\n公益\n组织", "（三）\n不予公开"} - texts == set()


def test_docx_tables_merge_the_official_header_cells(docx_2021):
    table2, table3, table4 = Document(io.BytesIO(docx_2021)).tables

    assert table2.style.name == "Table Grid"
    assert (len(table3.rows), len(table3.columns)) == (28, 10)
    assert table3.cell(0, 0)._tc is table3.cell(2, 2)._tc  # the note
    assert table3.cell(0, 3)._tc is table3.cell(0, 9)._tc  # 申请人情况
    assert table3.cell(5, 0)._tc is table3.cell(26, 0)._tc  # 三、本年度办理结果
    assert [cell.text for cell in table3.rows[3].cells] == [
        labels.TABLE3_ROW_LABELS["R1"],
    ] * 3 + ["10", "3", "0", "0", "0", "0", "13"]
    assert table4.cell(0, 5)._tc is table4.cell(0, 14)._tc  # 行政诉讼
    assert table4.cell(1, 0)._tc is table4.cell(2, 0)._tc  # 结果维持 of 行政复议
    assert [cell.text for cell in table4.rows[3].cells][10:] == [
        "0",
        "0",
        "2",
        "0",
        "2",
    ]
    header = table3.rows[0]._tr.trPr.find(qn("w:tblHeader"))
    assert header is not None


def test_docx_sets_an_east_asian_font_on_every_run(docx_2021):
    document = Document(io.BytesIO(docx_2021))

    runs = [run for paragraph in document.paragraphs for run in paragraph.runs]
    for table in document.tables:
        for row in table.rows:
            for cell in row.cells:
                runs += [run for paragraph in cell.paragraphs for run in paragraph.runs]
    fonts = {run._element.rPr.rFonts.get(qn("w:eastAsia")) for run in runs}
    assert fonts == {"宋体", "黑体", "楷体", "仿宋"}
    title_run = document.paragraphs[0].runs[0]
    assert title_run._element.rPr.rFonts.get(qn("w:eastAsia")) == "宋体"
    assert title_run.font.size.pt == 22
    body_run = next(p for p in document.paragraphs if p.text == FEE_SENTENCE).runs[0]
    assert (body_run.font.size.pt, body_run.font.name) == (16, "Times New Roman")


def test_docx_2008_report_has_the_seed_figures():
    document = Document(
        io.BytesIO(exporters.render("docx", report_2008(), NARRATIVE_2008))
    )

    texts = docx_text(document)
    assert set(labels.LEGACY_SECTION_TITLES) - set(texts) == set()
    assert (
        "本单位2017年度共收到政府信息公开申请3件，网络申请数2件，信函申请数1件。申请办结数和按时办结数均为3件。"
        in texts
    )
    assert len(document.tables) == len(labels.LEGACY_DATA_HEADINGS)
    proactive = document.tables[0]
    figures = {row.cells[0].text: row.cells[1].text for row in proactive.rows}
    assert figures["主动公开政府信息数"] == "161"
    assert figures["通过不同渠道和方式公开政府信息的情况"] == "336"
    assert figures["政务微信公开政府信息数"] == "16"


def test_docx_and_xlsx_depend_on_the_report_alone(docx_2021):
    assert exporters.render("docx", report_2021(), NARRATIVE_2021) == docx_2021
    first = exporters.render("xlsx", report_2021(), NARRATIVE_2021)
    assert exporters.render("xlsx", report_2021(), NARRATIVE_2021) == first


# --- XLSX --------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def workbook_2021():
    return load_workbook(
        io.BytesIO(exporters.render("xlsx", report_2021(), NARRATIVE_2021))
    )


def test_xlsx_has_a_sheet_per_table_with_merged_headers(workbook_2021):
    assert workbook_2021.sheetnames == [
        "概况",
        "表二 主动公开",
        "表三 依申请公开",
        "表四 复议诉讼",
    ]
    table3 = workbook_2021["表三 依申请公开"]
    merged = {str(cell_range) for cell_range in table3.merged_cells.ranges}
    assert {"A3:A5", "B3:H3", "B4:B5", "C4:G4", "H4:H5"} <= merged
    assert table3["A3"].value == labels.TABLE3_NOTE
    assert [table3.cell(5, column).value for column in range(3, 8)] == [
        label for _, label in labels.TABLE3_COLUMNS[1:-1]
    ]
    assert table3.freeze_panes == "B6"
    assert table3["B3"].fill.fgColor.rgb == "00D9D9D9"
    table4 = workbook_2021["表四 复议诉讼"]
    merged = {str(cell_range) for cell_range in table4.merged_cells.ranges}
    assert {"A3:E3", "F3:O3", "F4:J4", "K4:O4", "A4:A5"} <= merged
    assert (
        table4["A3"].value,
        table4["F3"].value,
        table4["F4"].value,
        table4["K4"].value,
    ) == (
        "行政复议",
        "行政诉讼",
        "未经复议直接起诉",
        "复议后起诉",
    )
    table2 = workbook_2021["表二 主动公开"]
    assert [table2[f"A{row}"].value for row in (3, 4, 5, 6)] == [
        "第二十条第（一）项",
        "信息内容",
        "规章",
        "行政规范性文件",
    ]
    assert [table2[f"{column}5"].value for column in "BCD"] == [2, 1, 5]


def test_xlsx_table3_formulas_reconcile_with_the_report(workbook_2021):
    sheet = workbook_2021["表三 依申请公开"]
    rows = report_2021()["table3"]["rows"]

    for code, label in labels.TABLE3_ROW_LABELS.items():
        row = row_of(sheet, label)
        for column, key in enumerate(COLUMNS, start=2):
            assert (
                evaluate(sheet, sheet.cell(row, column).coordinate) == rows[code][key]
            ), (code, key)
        assert sheet.cell(row, 8).value == f"=SUM(B{row}:G{row})"
    total_row = row_of(sheet, labels.TABLE3_ROW_LABELS["R3.7"])
    first = row_of(sheet, labels.TABLE3_ROW_LABELS["R3.1"])
    last = row_of(sheet, labels.TABLE3_ROW_LABELS["R3.6.3"])
    assert sheet.cell(total_row, 2).value == f"=SUM(B{first}:B{last})"
    # The group rows （三）…（六） carry no numbers.
    group = row_of(sheet, "（三）不予公开")
    assert [sheet.cell(group, column).value for column in range(2, 9)] == [None] * 7
    check = row_of(sheet, "勾稽关系校验")
    assert [
        evaluate(sheet, sheet.cell(check, column).coordinate) for column in range(2, 9)
    ] == ["通过"] * 7


def test_xlsx_balance_row_shows_a_column_that_does_not_reconcile():
    report = report_2021()
    report["table3"]["rows"]["R4"]["enterprise"] = 5  # 3 + 0 ≠ 2 + 5
    sheet = load_workbook(io.BytesIO(exporters.render("xlsx", report, {})))[
        "表三 依申请公开"
    ]

    check = row_of(sheet, "勾稽关系校验")

    assert [
        evaluate(sheet, sheet.cell(check, column).coordinate) for column in range(2, 9)
    ] == [
        "通过",
        "不通过",
        "通过",
        "通过",
        "通过",
        "通过",
        "不通过",
    ]


def test_xlsx_table4_totals_are_sums_of_the_four_results(workbook_2021):
    sheet = workbook_2021["表四 复议诉讼"]
    table4 = report_2021()["table4"]

    assert [sheet.cell(6, column).value for column in (5, 10, 15)] == [
        "=SUM(A6:D6)",
        "=SUM(F6:I6)",
        "=SUM(K6:N6)",
    ]
    figures = [
        evaluate(sheet, sheet.cell(6, column).coordinate) for column in range(1, 16)
    ]
    expected = [
        table4[key][result]
        for key, _, _ in labels.TABLE4_GROUPS
        for result, _ in labels.TABLE4_RESULTS
    ]
    assert figures == expected


def test_xlsx_summary_sheet(workbook_2021):
    sheet = workbook_2021["概况"]

    values = {
        row[0]: row[1]
        for row in sheet.iter_rows(min_row=3, max_col=2, values_only=True)
        if row[0]
    }
    assert sheet["A1"].value == TITLE_2021
    assert values["机关名称"] == AGENCY["name"]
    assert values["报告年度"] == 2024
    assert values["信息处理费"] == FEE_SENTENCE
    assert values["发出收费通知（件）"] == 2
    assert "V1" not in values
    assert values["一、总体情况"] == "\n".join(
        [
            "（一）主动公开",
            OVERVIEW_FIGURES[0],
            "本年度主动公开工作平稳推进。",
            "第二段总体情况。",
            "（二）依申请公开",
            OVERVIEW_FIGURES[1],
            "（五）监督保障",
            OVERVIEW_FIGURES[2],
        ]
    )


def test_xlsx_2008_has_a_sheet_per_group_and_its_sums():
    workbook = load_workbook(
        io.BytesIO(exporters.render("xlsx", report_2008(), NARRATIVE_2008))
    )

    assert workbook.sheetnames == [
        "概况",
        "主动公开情况",
        "回应解读情况",
        "依申请公开情况",
        "行政复议、诉讼及举报情况",
        "人员和收支情况",
    ]
    proactive = workbook["主动公开情况"]
    total = row_of(proactive, "通过不同渠道和方式公开政府信息的情况")
    assert proactive.cell(total, 2).value.startswith("=SUM(")
    assert evaluate(proactive, f"B{total}") == 336
    assert proactive.cell(row_of(proactive, "主动公开政府信息数"), 2).value == 161
    applications = workbook["依申请公开情况"]
    assert evaluate(applications, f"B{row_of(applications, '收到申请数')}") == 3
    assert evaluate(applications, f"B{row_of(applications, '申请答复数')}") == 3
    staff = workbook["人员和收支情况"]
    assert staff.cell(row_of(staff, "接受培训人员数"), 2).value == 70


# --- PDF ---------------------------------------------------------------------------------


def _tool_output(tool: str, *arguments: str) -> str:
    """The standard output of a command-line tool of the machine ("" when missing)."""
    executable = shutil.which(tool)
    if executable is None:
        return ""
    return subprocess.run(  # noqa: S603 - fixed tools, arguments of our own
        [executable, *arguments], capture_output=True, text=True, check=True
    ).stdout


def _cjk_font_installed() -> bool:
    fonts = _tool_output("fc-list")
    return "Noto Serif CJK" in fonts or "Noto Sans CJK" in fonts


needs_pdf_tools = pytest.mark.skipif(
    not (
        shutil.which("pdftotext") and shutil.which("pdffonts") and _cjk_font_installed()
    ),
    reason="needs poppler-utils (pdftotext, pdffonts) and fonts-noto-cjk",
)


@pytest.fixture(scope="module")
def pdf_2021(tmp_path_factory):
    path = tmp_path_factory.mktemp("pdf") / "report.pdf"
    path.write_bytes(exporters.render("pdf", report_2021(), NARRATIVE_2021))
    return path


@needs_pdf_tools
def test_pdf_has_the_report_text(pdf_2021):
    text = _tool_output("pdftotext", str(pdf_2021), "-")

    assert pdf_2021.read_bytes().startswith(b"%PDF")
    assert "本年新收政府信息公开申请数量" in text
    assert "结转下年度继续办理" in text
    assert AGENCY["name"] in text
    assert "（本列数据的勾稽关系为：第一项加第二项之和，" in text


@needs_pdf_tools
def test_pdf_embeds_a_noto_cjk_font(pdf_2021):
    fonts = _tool_output("pdffonts", str(pdf_2021)).splitlines()[2:]

    cjk = [
        line.split()
        for line in fonts
        if "Noto-Serif-CJK" in line or "Noto-Sans-CJK" in line
    ]
    assert cjk
    # Columns: name, type…, encoding, emb, sub, uni, object id: "emb" is the fifth from the end.
    assert {line[-5] for line in cjk} == {"yes"}


# --- Purity ------------------------------------------------------------------------------


def test_exporters_need_no_django_settings(tmp_path):
    script = (
        "import sys; sys.path.insert(0, sys.argv[1]); "
        "from tests.reports.test_exporters import report_2021; "
        "from reports.exporters import html, docx, xlsx; "
        "print(all(m.render(report_2021(), {}) for m in (html, docx, xlsx)))"
    )
    environment = {
        key: value
        for key, value in os.environ.items()
        if key != "DJANGO_SETTINGS_MODULE"
    }

    result = subprocess.run(  # noqa: S603
        [sys.executable, "-c", script, str(REPO)],
        capture_output=True,
        text=True,
        env=environment,
        cwd=tmp_path,
        check=False,
    )

    assert (result.returncode, result.stdout.strip()) == (0, "True"), result.stderr


@pytest.mark.parametrize("fmt", ["xlsx", "docx", "html"])
def test_control_characters_in_the_narrative_are_cleaned(fmt):
    """A vertical tab pasted from Word (\x0b) made openpyxl refuse the workbook
    (IllegalCharacterError) and blocked publishing: it is printed as a space."""
    narrative = dict(NARRATIVE_2021, problems="答复质量\x0b有待提高。\x00\x1f\t完")

    content = exporters.render(fmt, report_2021(), narrative)

    if fmt == "xlsx":
        sheet = load_workbook(io.BytesIO(content))["概况"]
        values = {row[0]: row[1] for row in sheet.iter_rows(values_only=True)}
        text = values["五、存在的主要问题及改进情况"]
    elif fmt == "docx":
        text = "\n".join(docx_text(Document(io.BytesIO(content))))
    else:
        text = content.decode("utf-8")
    assert "答复质量 有待提高。  \t完" in text
    assert not re.search("[\x00-\x08\x0b\x0c\x0e-\x1f]", text)
