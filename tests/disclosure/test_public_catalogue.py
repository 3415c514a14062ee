"""The public catalogue of proactively disclosed information (政府信息公开目录) and the
date filter the public pages use."""

from __future__ import annotations

import re
from datetime import date, datetime
from zoneinfo import ZoneInfo

import pytest
from django.core.files.base import ContentFile
from django.utils import translation

from disclosure.models import Publication, PublicationAttachment, PublicationPosting
from disclosure.templatetags.gongkai import cn_date, cn_weekday


def publish(agency, reference: str, **fields) -> Publication:
    fields.setdefault("title", f"公开信息{reference}")
    fields.setdefault("category", "other")
    fields.setdefault("published_on", date(2017, 3, 3))
    return Publication.objects.create(agency=agency, reference=reference, **fields)


def titles(html: str) -> list[str]:
    return re.findall(
        r'<h3 class="pub__title"><a href="/publications/\d+/">(.*?)</a></h3>', html
    )


@pytest.fixture
def catalogue(agency, other_agency):
    """Items that differ in one filter each from the one matching every filter."""
    match = {"category": "fiscal", "key_area": True, "published_on": date(2017, 6, 30)}
    return {
        "all_filters": publish(
            agency,
            "A1",
            title="2017年部门预算公开说明",
            document_number="西城城指发〔2017〕3号",
            **match,
        ),
        "other_agency": publish(
            other_agency, "B1", title="2017年部门预算（教委）", **match
        ),
        "other_category": publish(
            agency,
            "A2",
            title="2017年部门预算调整方案",
            **{**match, "category": "plan"},
        ),
        "other_year": publish(
            agency,
            "A3",
            title="2018年部门预算公开说明",
            **{**match, "published_on": date(2018, 1, 5)},
        ),
        "not_key_area": publish(
            agency, "A4", title="2017年部门预算附表", **{**match, "key_area": False}
        ),
        "other_title": publish(agency, "A5", title="2017年政府采购目录", **match),
    }


def test_search_by_title_finds_the_item(client, catalogue):
    response = client.get("/publications/", {"q": "预算公开说明"})

    assert response.status_code == 200
    html = response.content.decode()
    assert titles(html) == ["2018年部门预算公开说明", "2017年部门预算公开说明"]
    assert "共 2 条" in html


def test_search_by_document_number(client, catalogue):
    html = client.get("/publications/", {"q": "城指发〔2017〕3号"}).content.decode()

    assert titles(html) == ["2017年部门预算公开说明"]


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        pytest.param({}, 6, id="no_filter"),
        pytest.param({"q": "部门预算"}, 5, id="q"),
        pytest.param({"q": "部门预算", "category": "fiscal"}, 4, id="q_category"),
        pytest.param(
            {"q": "部门预算", "category": "fiscal", "year": "2017"}, 3, id="plus_year"
        ),
        pytest.param(
            {"q": "部门预算", "category": "fiscal", "year": "2017", "agency": "XCCG"},
            2,
            id="plus_agency",
        ),
        pytest.param(
            {
                "q": "部门预算",
                "category": "fiscal",
                "year": "2017",
                "agency": "XCCG",
                "key_area": "1",
            },
            1,
            id="all_filters",
        ),
        pytest.param({"key_area": "0"}, 1, id="not_key_area"),
        pytest.param(
            {"year": "1999", "category": "nonsense"}, 6, id="invalid_values_ignored"
        ),
    ],
)
def test_filters_combine_with_exact_counts(client, catalogue, query, expected):
    html = client.get("/publications/", query).content.decode()

    assert len(titles(html)) == expected
    assert f"共 {expected} 条" in html


def test_all_filters_select_exactly_the_matching_item(client, catalogue):
    html = client.get(
        "/publications/?q=部门预算&category=fiscal&year=2017&agency=XCCG&key_area=1"
    ).content.decode()

    assert titles(html) == ["2017年部门预算公开说明"]
    assert '<option value="2017" selected>2017</option>' in html
    assert '<option value="fiscal" selected>' in html


def test_pagination_keeps_the_filters(client, agency, other_agency):
    for number in range(45):
        publish(
            agency,
            f"F{number:03d}",
            category="fiscal",
            published_on=date(2017, 1, 1 + number % 28),
        )
    for number in range(5):
        publish(other_agency, f"G{number:03d}", category="fiscal")

    first = client.get(
        "/publications/", {"category": "fiscal", "agency": "XCCG"}
    ).content.decode()
    third = client.get(
        "/publications/", {"category": "fiscal", "agency": "XCCG", "page": "3"}
    ).content.decode()

    assert len(titles(first)) == 20
    assert "共 45 条" in first
    assert '<a href="?category=fiscal&amp;agency=XCCG&amp;page=2">2</a>' in first
    assert '<a href="?category=fiscal&amp;agency=XCCG&amp;page=3">3</a>' in first
    assert 'href="?category=fiscal&amp;agency=XCCG&amp;page=2" rel="next"' in first
    assert len(titles(third)) == 5
    assert '<ol class="pub-list" start="41">' in third
    assert 'href="?category=fiscal&amp;agency=XCCG&amp;page=2" rel="prev"' in third
    assert '<span aria-current="page">3</span>' in third


def test_list_runs_a_fixed_number_of_queries(client, agency, django_assert_num_queries):
    for number in range(30):
        publish(agency, f"Q{number:03d}")

    # agencies for the filter, years for the filter, the count, one page of items
    with django_assert_num_queries(4):
        response = client.get("/publications/", {"page": "2"})

    assert len(titles(response.content.decode())) == 10


def test_item_page_shows_index_number_dates_postings_and_attachments(
    client, agency, settings, tmp_path
):
    settings.MEDIA_ROOT = tmp_path
    item = publish(
        agency,
        "11010200-2017-000123",
        title="关于2017年度部门决算的公告",
        document_number="西城城指发〔2017〕9号",
        category="fiscal",
        key_area=True,
        issued_on=date(2017, 8, 30),
        published_on=date(2017, 9, 1),
        summary="第一段。\n\n第二段。",
    )
    PublicationPosting.objects.create(
        publication=item,
        channel="website",
        posted_on=date(2017, 9, 1),
        url="https://www.bjxch.gov.cn/x.html",
    )
    PublicationPosting.objects.create(
        publication=item, channel="wechat", posted_on=date(2017, 9, 2)
    )
    attachment = PublicationAttachment(publication=item, title="决算表.xlsx")
    attachment.file.save("juesuan.xlsx", ContentFile(b"PK-table"), save=True)

    response = client.get(f"/publications/{item.pk}/")

    assert response.status_code == 200
    html = response.content.decode()
    assert "<h1>关于2017年度部门决算的公告</h1>" in html
    assert '<dd translate="no">11010200-2017-000123</dd>' in html
    assert "<dd>西城城指发〔2017〕9号</dd>" in html
    assert agency.name in html
    assert "财政预决算、“三公”经费和行政经费" in html
    assert '<time datetime="2017-08-30">2017年8月30日</time>' in html
    assert '<time datetime="2017-09-01">2017年9月1日</time>' in html
    assert (
        '<a href="https://www.bjxch.gov.cn/x.html" rel="noopener noreferrer external">查看原文'
        in html
    )
    assert '<span class="tag">政务微信</span>' in html
    assert "<p>第一段。</p>" in html
    download = f"/publications/{item.pk}/attachments/{attachment.pk}/"
    assert f'<a href="{download}" download>决算表.xlsx</a>' in html

    file_response = client.get(download)

    assert file_response.status_code == 200
    assert b"".join(file_response.streaming_content) == b"PK-table"


def test_unknown_item_is_404(client, agency):
    item = publish(agency, "Z1")

    assert client.get(f"/publications/{item.pk + 1}/").status_code == 404
    assert client.get(f"/publications/{item.pk}/attachments/999/").status_code == 404


@pytest.mark.parametrize(
    ("language", "value", "expected"),
    [
        pytest.param("zh-hans", date(2025, 10, 30), "2025年10月30日", id="zh_date"),
        pytest.param("en", date(2025, 10, 30), "Oct. 30, 2025", id="en_date"),
        pytest.param("en", date(2025, 5, 1), "May 1, 2025", id="en_short_month"),
        pytest.param("zh-hans", "2025-09-28", "2025年9月28日", id="iso_string"),
        pytest.param(
            "zh-hans",
            datetime(2025, 9, 30, 17, 0, tzinfo=ZoneInfo("UTC")),
            "2025年10月1日",
            id="aware_datetime_in_shanghai",
        ),
        pytest.param("zh-hans", None, "", id="none"),
    ],
)
def test_cn_date(language, value, expected):
    with translation.override(language):
        assert cn_date(value) == expected


def test_cn_weekday():
    with translation.override("zh-hans"):
        assert cn_weekday(date(2025, 9, 28)) == "星期日"
    with translation.override("en"):
        assert cn_weekday(date(2025, 9, 28)) == "Sunday"
