"""The citizen's pages: the application form, its confirmation, tracking, the language
switch and the submission rate limit."""

from __future__ import annotations

import re
from datetime import date, datetime
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.conf import settings
from django.core.cache import cache
from django.test import Client
from django.utils import translation

from disclosure.exceptions import ApplicationError
from requests_app.forms import ApplicationForm
from requests_app.models import Applicant, DisclosureRequest, Letter, LetterKind
from requests_app.services import (
    request_receive_supplement,
    request_reply,
    request_request_supplement,
)
from tests.factories import make_agency, make_resident_id, make_uscc, register

pytestmark = pytest.mark.django_db

SHANGHAI = ZoneInfo("Asia/Shanghai")
FRIDAY_26_SEPT_2025 = datetime(2025, 9, 26, 10, 0, tzinfo=SHANGHAI)
API_FIELDS = (
    "agency",
    "applicant_type",
    "name",
    "id_type",
    "id_number",
    "phone",
    "email",
    "address",
    "description",
    "formats",
    "delivery",
)
ID_NUMBER = make_resident_id(1)


@pytest.fixture(autouse=True)
def _fresh_rate_limits_and_language():
    # Rate-limit counters live in the cache, which outlives a test's transaction; and
    # LocaleMiddleware leaves the last request's language active in the thread, so an
    # English page would otherwise turn the following tests' output into English.
    cache.clear()
    yield
    cache.clear()
    translation.activate(settings.LANGUAGE_CODE)


def valid_post(agency, **overrides) -> dict[str, object]:
    data = {
        "agency": agency.code,
        "applicant_type": "natural_person",
        "name": "张三",
        "id_type": "resident_id",
        "id_number": ID_NUMBER,
        "phone": "13800000000",
        "email": "zhangsan@example.com",
        "address": "北京市西城区二龙路27号",
        "description": "请公开2025年西城区城市管理案件处置情况统计表",
        "formats": ["electronic"],
        "delivery": ["email"],
    }
    data.update(overrides)
    return data


def test_form_has_every_api_field_with_a_label(client, agency):
    response = client.get("/apply/")

    assert response.status_code == 200
    html = response.content.decode()
    assert 'name="csrfmiddlewaretoken"' in html
    for name in API_FIELDS:
        assert f'name="{name}"' in html, name
    for name in API_FIELDS:
        if name in ("formats", "delivery"):
            continue
        assert f'<label class="field__label" for="id_{name}">' in html, name
    # Checkbox groups: a legend for the group and a label for every box.
    assert html.count('<legend class="field__label">') == 2
    for index in range(4):
        assert f'<label for="id_formats_{index}">' in html
    for index in range(5):
        assert f'<label for="id_delivery_{index}">' in html
    assert f'<option value="{agency.code}">{agency.name}</option>' in html


def test_form_lists_only_agencies_that_accept_online(client, agency):
    letters_only = make_agency(
        "XCLO", name="只收信函的机关", accepted_channels=["letter"]
    )

    html = client.get("/apply/").content.decode()

    assert f'value="{agency.code}"' in html
    assert f'value="{letters_only.code}"' not in html


def test_organisations_must_pick_a_sub_type(client, agency):
    html = client.get("/apply/").content.decode()

    assert '<option value="natural_person">自然人</option>' in html
    group = re.search(r'<optgroup label="法人或其他组织">(.*?)</optgroup>', html, re.S)
    assert group is not None
    assert re.findall(r'value="([a-z_]+)"', group.group(1)) == [
        "enterprise",
        "research_institution",
        "public_interest_org",
        "legal_service_org",
        "other_org",
    ]


@time_machine.travel(FRIDAY_26_SEPT_2025, tick=False)
def test_valid_post_registers_and_redirects_to_confirmation(client, agency):
    response = client.post("/apply/", valid_post(agency))

    case = DisclosureRequest.objects.get()
    assert response.status_code == 302
    assert response["Location"] == f"/apply/done/{case.query_code}/"
    assert case.channel == "online"
    assert case.received_on == date(2025, 9, 26)
    assert case.due_on == date(2025, 10, 30)
    assert case.formats == ["electronic"]
    assert case.delivery == ["email"]
    assert case.applicant.name == "张三"

    page = client.get(response["Location"])

    assert page.status_code == 200
    html = page.content.decode()
    assert "XCCG-2025-00001" in html
    assert (
        f'<p class="query-code" id="query-code" translate="no">{case.query_code}</p>'
        in html
    )
    assert "2025年9月26日" in html
    assert (
        "我们将在2025年10月30日前答复您（20个工作日，不含收到申请当日，"
        "已扣除国庆节、中秋节假期，2025年9月28日、2025年10月11日调休上班，计为工作日）"
    ) in html
    assert "请务必保存好查询码。" in html
    assert "收到申请：2025年9月26日（不计当日）" in html
    assert "答复截止日为暂定日期" not in html
    assert ID_NUMBER not in html
    assert ID_NUMBER[:4] + "*" not in html
    assert "13800000000" not in html
    assert page["Cache-Control"].startswith("max-age=0")


@time_machine.travel(datetime(2026, 12, 10, 9, 0, tzinfo=SHANGHAI), tick=False)
def test_confirmation_flags_a_provisional_due_date(client, agency):
    client.post("/apply/", valid_post(agency))
    case = DisclosureRequest.objects.get()

    html = client.get(f"/apply/done/{case.query_code}/").content.decode()

    assert case.provisional is True
    assert "答复截止日为暂定日期。" in html


@time_machine.travel(FRIDAY_26_SEPT_2025, tick=False)
def test_bad_id_number_shows_the_chinese_error_next_to_the_field(client, agency):
    wrong_check = ID_NUMBER[:17] + ("0" if ID_NUMBER[17] != "0" else "1")

    response = client.post("/apply/", valid_post(agency, id_number=wrong_check))

    assert response.status_code == 200
    html = response.content.decode()
    message = "居民身份证号码无效（应为18位，校验码须正确）。"
    assert (
        '<p class="field__error" id="id_id_number_error">'
        f'<span class="visually-hidden">错误：</span>{message}</p>'
    ) in html
    field = re.search(r'<input[^>]*name="id_number"[^>]*>', html).group(0)
    assert 'aria-invalid="true"' in field
    assert 'aria-describedby="id_id_number_helptext id_id_number_error"' in field
    assert f'<li><a href="#id_id_number">证件号码：{message}</a></li>' in html
    assert DisclosureRequest.objects.count() == 0
    assert Applicant.objects.count() == 0


@time_machine.travel(FRIDAY_26_SEPT_2025, tick=False)
def test_missing_fields_are_reported_per_field_in_chinese(client, agency):
    response = client.post(
        "/apply/", {"agency": agency.code, "delivery": ["post", "email"]}
    )

    html = response.content.decode()
    errors = dict(
        re.findall(
            r'<p class="field__error" id="id_(\w+?)_error">'
            r'<span class="visually-hidden">错误：</span>(.*?)</p>',
            html,
        )
    )
    assert errors == {
        "applicant_type": "请选择申请人类型。",
        "name": "请填写姓名或名称。",
        "id_type": "请选择证件类型。",
        "id_number": "请填写证件号码。",
        "phone": "请填写联系电话。",
        "email": "选择以电子邮件获取信息时，请填写电子邮箱。",
        "address": "选择邮寄时，请填写通信地址。",
        "description": "请描述所需政府信息的名称、文号或其他特征。",
        "formats": "请至少选择一种提供形式。",
    }
    assert DisclosureRequest.objects.count() == 0


@time_machine.travel(FRIDAY_26_SEPT_2025, tick=False)
def test_an_organisation_registers_with_its_credit_code(client, agency):
    response = client.post(
        "/apply/",
        valid_post(
            agency,
            applicant_type="legal_service_org",
            name="北京某律师事务所",
            id_type="uscc",
            id_number=make_uscc(3).lower(),
        ),
    )

    case = DisclosureRequest.objects.get()
    assert response.status_code == 302
    assert case.applicant_type == "legal_service_org"
    assert case.applicant.id_type == "uscc"


@time_machine.travel(FRIDAY_26_SEPT_2025, tick=False)
def test_an_organisation_with_a_resident_id_is_refused(client, agency):
    response = client.post(
        "/apply/", valid_post(agency, applicant_type="enterprise", name="某公司")
    )

    assert response.status_code == 200
    assert "法人或其他组织请使用统一社会信用代码。" in response.content.decode()
    assert DisclosureRequest.objects.count() == 0


def test_tracking_page_shows_dates_and_no_identity(client, agency):
    case = register(agency, date(2025, 9, 26))

    response = client.get(f"/track/{case.query_code}/")

    assert response.status_code == 200
    html = response.content.decode()
    assert case.reference in html
    assert agency.name in html
    assert "办理中" in html
    assert '<time datetime="2025-09-26">2025年9月26日</time>' in html
    assert '<time datetime="2025-10-30">2025年10月30日</time>' in html
    assert "<li>答复期限：20个工作日（《条例》第三十三条第二款）</li>" in html
    assert "<li>答复截止日：2025年10月30日（第20个工作日）</li>" in html
    assert '<span class="timeline__what">登记受理</span>' in html
    applicant = case.applicant
    for private in (
        make_resident_id(1),
        applicant.id_number_masked,
        applicant.name,
        applicant.phone,
        applicant.email,
        applicant.address,
        case.description,
    ):
        assert private not in html, private


def test_tracking_a_closed_case_shows_outcome_closing_date_and_letters(
    client, agency, clerk
):
    case = register(agency, date(2025, 9, 26))
    request_reply(
        actor=clerk,
        request_id=case.pk,
        outcome="disclosed",
        replied_on=date(2025, 10, 20),
        today=date(2025, 10, 20),
    )
    reply = Letter.objects.create(
        request=case,
        kind=LetterKind.REPLY,
        title="政府信息公开申请答复书",
        number="西城城指公开〔2025〕1号",
        year=2025,
        serial=1,
        issued_on=date(2025, 10, 20),
        body="……",
    )
    Letter.objects.create(
        request=case,
        kind=LetterKind.CONSULTATION,
        title="政府信息公开申请征求意见书",
        number="西城城指公开〔2025〕2号",
        year=2025,
        serial=2,
        issued_on=date(2025, 10, 9),
        body="……",
    )

    html = client.get(f"/track/{case.query_code}/").content.decode()

    assert '<span class="status status--closed">已办结</span>' in html
    assert "<span>2025年10月20日办结</span>" in html
    assert "<dt>办理结果</dt><dd>予以公开</dd>" in html
    assert '<span class="timeline__what">作出答复</span>' in html
    assert f'href="/track/{case.query_code}/letters/{reply.pk}.pdf"' in html
    # A consultation letter goes to a third party, not to the applicant.
    assert "/letters/" in html
    assert html.count("/letters/") == 1
    assert "我们将在" not in html


def test_unknown_code_is_a_friendly_404(client, agency):
    response = client.get("/track/no-such-code/")

    assert response.status_code == 404
    assert "未找到该申请" in response.content.decode()
    assert client.get("/apply/done/no-such-code/").status_code == 404


def test_track_search_redirects_to_the_case_page(client, agency):
    case = register(agency, date(2025, 9, 26))

    by_get = client.get("/track/", {"code": f"  {case.query_code} "})
    by_post = client.post("/track/", {"code": case.query_code})
    empty = client.get("/track/", {"code": ""})
    malformed = client.get("/track/", {"code": "../admin/"})

    assert by_get.status_code == 302
    assert by_get["Location"] == f"/track/{case.query_code}/"
    assert by_post["Location"] == f"/track/{case.query_code}/"
    assert empty.status_code == 400
    assert "请输入查询码。" in empty.content.decode()
    assert malformed.status_code == 404
    assert client.get("/track/").status_code == 200


def test_english_switch_renders_english_labels(client, agency):
    switched = client.post("/i18n/setlang/", {"language": "en", "next": "/"})

    response = client.get("/")

    assert switched.status_code == 302
    html = response.content.decode()
    assert '<html lang="en">' in html
    assert "Ask for government information" in html
    assert ">Apply online</a>" in html
    assert "Time limits" in html
    assert "依申请公开政府信息" not in html


def test_home_explains_channels_limits_and_fees_in_chinese(client, agency):
    html = client.get("/").content.decode()

    assert '<html lang="zh-CN">' in html
    assert '<form class="lang-switch" action="/i18n/setlang/" method="post">' in html
    assert '<th scope="row">北京市西城区城市管理监督指挥中心</th>' in html
    assert '<span class="tag">网络申请</span>' in html
    assert "国办函〔2020〕109号" in html
    assert "第二十九条" in html
    for link in (
        'href="/apply/"',
        'href="/track/"',
        'href="/publications/"',
        'href="/reports/"',
    ):
        assert link in html


@time_machine.travel(FRIDAY_26_SEPT_2025, tick=False)
def test_21st_post_within_the_hour_is_refused_with_429(client, agency):
    for _ in range(20):
        assert client.post("/apply/", {}).status_code == 200

    response = client.post("/apply/", valid_post(agency))

    assert response.status_code == 429
    assert response["Retry-After"] == "3600"
    assert "操作过于频繁" in response.content.decode()
    assert DisclosureRequest.objects.count() == 0
    # A forged X-Forwarded-For header does not buy a fresh budget (no proxy configured).
    forged = client.post("/apply/", valid_post(agency), HTTP_X_FORWARDED_FOR="1.2.3.4")
    assert forged.status_code == 429
    # Another address still has its own budget.
    other = client.post("/apply/", valid_post(agency), REMOTE_ADDR="10.0.0.9")
    assert other.status_code == 302


def test_submission_budget_returns_after_an_hour(client, agency, settings):
    rates = settings.REST_FRAMEWORK["DEFAULT_THROTTLE_RATES"]
    settings.REST_FRAMEWORK = {
        **settings.REST_FRAMEWORK,
        "DEFAULT_THROTTLE_RATES": {**rates, "public_submit": "2/hour"},
    }
    with time_machine.travel(FRIDAY_26_SEPT_2025, tick=False) as traveller:
        client.post("/apply/", {})
        client.post("/apply/", {})
        refused = client.post("/apply/", valid_post(agency))
        traveller.shift(3601)
        accepted = client.post("/apply/", valid_post(agency))

    assert refused.status_code == 429
    assert accepted.status_code == 302
    assert DisclosureRequest.objects.count() == 1


def test_service_errors_land_on_the_form_fields(agency):
    form = ApplicationForm(valid_post(agency))
    assert form.is_valid()

    form.add_service_errors(
        ApplicationError(
            "x",
            field="channel",
            extra={
                "errors": {
                    "channel": "该机关不受理“网络申请”方式的申请。",
                    "id_number": "请填写证件号码。",
                    "received_on": "收到申请日期不能晚于今天。",
                }
            },
        )
    )

    assert form.errors == {
        "agency": ["该机关不受理“网络申请”方式的申请。"],
        "id_number": ["请填写证件号码。"],
        "__all__": ["收到申请日期不能晚于今天。"],
    }


def test_unknown_codes_are_rate_limited_but_not_known_ones(client, agency, settings):
    rates = settings.REST_FRAMEWORK["DEFAULT_THROTTLE_RATES"]
    settings.REST_FRAMEWORK = {
        **settings.REST_FRAMEWORK,
        "DEFAULT_THROTTLE_RATES": {**rates, "public_track": "2/hour"},
    }
    case = register(agency, date(2025, 9, 26))

    known = [client.get(f"/track/{case.query_code}/").status_code for _ in range(3)]
    misses = [client.get(f"/track/guess{n}/").status_code for n in range(3)]
    after = client.get(f"/track/{case.query_code}/")

    assert known == [200, 200, 200]
    assert misses == [404, 404, 429]
    assert after.status_code == 429
    assert "您填写的内容没有提交" not in after.content.decode()


def test_due_date_in_words_in_english(client, agency):
    case = register(agency, date(2025, 9, 26))
    client.post("/i18n/setlang/", {"language": "en", "next": "/"})

    html = client.get(f"/track/{case.query_code}/").content.decode()

    assert (
        "We will reply by Oct. 30, 2025 (20 working days; not counting the day of "
        "receipt; excluding the National Day, Mid-Autumn Festival holidays; "
        "Sept. 28, 2025, Oct. 11, 2025 are make-up working days and count)."
    ) in html
    assert '<time datetime="2025-09-26">Sept. 26, 2025</time>' in html


def test_the_form_is_csrf_protected(agency):
    strict = Client(enforce_csrf_checks=True)
    page = strict.get("/apply/")
    token = re.search(
        r'name="csrfmiddlewaretoken" value="([^"]+)"', page.content.decode()
    ).group(1)

    without = strict.post("/apply/", valid_post(agency))
    with_token = strict.post(
        "/apply/", {**valid_post(agency), "csrfmiddlewaretoken": token}
    )

    assert without.status_code == 403
    assert with_token.status_code == 302
    assert DisclosureRequest.objects.count() == 1


def test_after_a_supplement_the_period_counts_from_its_arrival(client, agency, clerk):
    case = register(agency, date(2025, 9, 26))
    request_request_supplement(
        actor=clerk,
        request_id=case.pk,
        requested_on=date(2025, 9, 29),
        items="请写明所需统计表的年度",
        today=date(2025, 9, 29),
    )
    request_receive_supplement(
        actor=clerk,
        request_id=case.pk,
        received_on=date(2025, 10, 9),
        today=date(2025, 10, 9),
    )

    html = client.get(f"/track/{case.query_code}/").content.decode()

    assert (
        "我们将在2025年11月5日前答复您（20个工作日，不含收到补正当日，"
        "2025年10月11日调休上班，计为工作日）"
    ) in html
    assert '<span class="timeline__what">收到补正</span>' in html
