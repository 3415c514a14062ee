"""Service errors, report checks and dashboard labels in English; the Chinese text (the
default) is unchanged, and a published report's snapshot stays in the site's language."""

from __future__ import annotations

from datetime import date

import pytest
from django.test import Client
from django.utils import translation

from disclosure.exceptions import ApplicationError
from reports import checks, services
from reports.selectors import MonthFigures
from reports.views import _month_chart
from requests_app.services import request_reply
from tests.factories import register
from tests.reports.cases import apply, finish_narrative, reply

pytestmark = pytest.mark.django_db

BAD_RESIDENT_ID = "110105198504120010"  # wrong check character


def test_registration_error_in_english_and_in_chinese(agency):
    with translation.override("en"), pytest.raises(ApplicationError) as excinfo:
        register(agency, date(2025, 9, 26), id_number=BAD_RESIDENT_ID)
    assert excinfo.value.field == "id_number"
    assert excinfo.value.message == (
        "Invalid resident identity number (18 characters, with a correct check "
        "character)."
    )

    with pytest.raises(ApplicationError) as excinfo:
        register(agency, date(2025, 9, 26), id_number=BAD_RESIDENT_ID)
    assert excinfo.value.message == "居民身份证号码无效（应为18位，校验码须正确）。"


def test_reply_dated_in_the_future_in_english(agency, clerk):
    case = register(agency, date(2025, 9, 26))
    with translation.override("en"), pytest.raises(ApplicationError) as excinfo:
        request_reply(
            actor=clerk,
            request_id=case.pk,
            outcome="disclosed",
            replied_on=date(2025, 10, 9),
            today=date(2025, 10, 8),
        )
    assert excinfo.value.field == "replied_on"
    assert excinfo.value.message == "“Reply date” cannot be later than today."


def test_report_check_messages_in_english():
    rows = {"R1": {"natural_person": 1, "total": 2}}
    with translation.override("en"):
        message = checks.check_v3(rows)["message"]
    assert message.startswith(
        "Row “一、本年新收政府信息公开申请数量” has missing or invalid values; "
    )
    assert message.endswith("values.")
    chinese = checks.check_v3(rows)["message"]
    assert chinese.startswith(
        "“一、本年新收政府信息公开申请数量”行缺少数据或含非法数值；"
    )
    assert chinese.endswith("数值。")

    report = {"year": 2024, "table3": {"rows": {}}, "table4": {}}
    # The checks stored with a report are in the site's language whatever the
    # user's; a page asks for the user's.
    with translation.override("en"):
        stored = checks.run_checks(report)
        shown = checks.run_checks(report, language="en")
    assert stored[4]["message"] == (
        "未核对：未找到2023年度已发布的年度报告，无法核对上年结转数。"
    )
    assert shown[4]["message"] == (
        "Not checked: No published annual report for 2023 was found, so the figures "
        "carried over cannot be checked."
    )


def test_dashboard_month_labels_in_english():
    months = tuple(MonthFigures(month, 0, 0) for month in range(1, 13))
    months = (*months[:2], MonthFigures(3, 1, 0), *months[3:])

    chart = _month_chart(months)
    assert chart["labels"][0]["text"] == "1月"
    assert "3月收到1件" in [bar["title"] for bar in chart["bars"]]

    with translation.override("en"):
        chart = _month_chart(months)
    assert [label["text"] for label in chart["labels"]][:3] == ["Jan", "Feb", "Mar"]
    assert "Mar: Received 1" in [bar["title"] for bar in chart["bars"]]


def test_report_preview_checks_in_english_snapshot_in_chinese(supervisor, agency):
    case = apply(agency, date(2024, 3, 4))
    reply(supervisor, case, "disclosed", date(2024, 3, 11))
    draft = finish_narrative(
        supervisor,
        services.report_draft_get_or_create(
            actor=supervisor, agency=agency, year=2024, template="2021", rollup=False
        ),
    )
    client = Client()
    client.force_login(supervisor)
    client.post("/i18n/setlang/", {"language": "en", "next": "/dashboard/"})

    html = client.get(f"/reports/staff/{draft.pk}/").content.decode()
    assert "In every column, item 1 plus item 2 equals item 3 plus item 4." in html
    assert "各列第一项加第二项之和均等于第三项加第四项之和。" not in html

    with translation.override("en"):
        published = services.report_publish(
            actor=supervisor, report_id=draft.pk, formats=("json",)
        )
    assert published.snapshot["checks"][0]["message"] == (
        "各列第一项加第二项之和均等于第三项加第四项之和。"
    )
