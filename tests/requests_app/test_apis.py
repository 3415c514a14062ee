"""The application API of contract §8: public form, tracking, tokens, staff case API."""

from __future__ import annotations

import json
from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.conf import settings
from django.core.cache import cache
from django.db import connection
from django.test import override_settings
from django.test.utils import CaptureQueriesContext
from rest_framework.authtoken.models import Token
from rest_framework.test import APIClient

from disclosure.identity import mask_id_number
from requests_app import services
from requests_app.models import (
    Appeal,
    Applicant,
    DisclosureRequest,
    EventKind,
    Letter,
    RequestEvent,
)
from tests.factories import (
    make_agency,
    make_resident_id,
    make_staff,
    make_uscc,
    register,
)

SHANGHAI = ZoneInfo("Asia/Shanghai")
RECEIVED = date(2025, 9, 26)  # due 2025-10-30 (contract §2 worked example)
PUBLIC_URL = "/api/v1/public/applications/"
LIST_URL = "/api/v1/requests/"


@pytest.fixture(autouse=True)
def _clear_throttle_counters():
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def on_2025_09_26():
    with time_machine.travel(datetime(2025, 9, 26, 10, tzinfo=SHANGHAI), tick=False):
        yield


@pytest.fixture
def on_2025_10_20():
    with time_machine.travel(datetime(2025, 10, 20, 10, tzinfo=SHANGHAI), tick=False):
        yield


def application(**overrides):
    payload = {
        "agency": "XCCG",
        "applicant_type": "natural_person",
        "name": "李四",
        "id_type": "resident_id",
        "id_number": make_resident_id(7),
        "phone": "13911112222",
        "email": "lisi@example.com",
        "address": "北京市西城区德胜门外大街1号",
        "description": "请公开2025年第三季度西城区共享单车停放治理情况",
        "formats": ["electronic"],
        "delivery": ["email"],
    }
    payload.update(overrides)
    return payload


def url(case: DisclosureRequest, action: str = "") -> str:
    return f"{LIST_URL}{case.pk}/{action + '/' if action else ''}"


def case_in(state: str, agency, actor) -> DisclosureRequest:
    """A case received 2025-09-26 brought into ``state`` through the services."""
    case = register(agency, RECEIVED, actor=actor)
    today = date(2025, 10, 20)
    if state == "awaiting_supplement":
        services.request_request_supplement(
            actor=actor, request_id=case.pk, requested_on=date(2025, 9, 29),
            items="请补充所需信息的文号", today=today,
        )  # fmt: skip
    elif state == "in_consultation":
        services.request_start_consultation(
            actor=actor, request_id=case.pk, party="北京某某物业有限公司",
            started_on=date(2025, 10, 10), today=today,
        )  # fmt: skip
    elif state == "awaiting_fee":
        services.request_issue_fee_notice(
            actor=actor, request_id=case.pk, notice_on=date(2025, 10, 13),
            method="per_page", pages=50, today=today,
        )  # fmt: skip
    elif state == "closed":
        services.request_withdraw(
            actor=actor, request_id=case.pk, withdrawn_on=date(2025, 10, 9),
            today=today,
        )  # fmt: skip
    case.refresh_from_db()
    return case


# --- public form -----------------------------------------------------------------------


def test_public_submit_returns_receipt_with_the_due_date(
    api_client, agency, on_2025_09_26
):
    response = api_client.post(PUBLIC_URL, application(), format="json")

    assert response.status_code == 201
    case = DisclosureRequest.objects.get()
    assert response.json() == {
        "reference": "XCCG-2025-00001",
        "query_code": case.query_code,
        "received_on": "2025-09-26",
        "due_on": "2025-10-30",
        "provisional": False,
    }
    assert len(case.query_code) == 27
    assert (case.channel, case.received_on, case.formats, case.delivery) == (
        "online",
        date(2025, 9, 26),
        ["electronic"],
        ["email"],
    )
    event = RequestEvent.objects.get()
    assert (event.kind, event.actor, event.due_after) == (
        EventKind.REGISTERED,
        None,
        date(2025, 10, 30),
    )


def test_public_submit_of_an_organisation(api_client, agency, on_2025_09_26):
    response = api_client.post(
        PUBLIC_URL,
        application(
            applicant_type="legal_service_org",
            name="北京某某律师事务所",
            id_type="uscc",
            id_number=make_uscc(3),
            contact_person="王五",
        ),
        format="json",
    )

    assert response.status_code == 201
    case = DisclosureRequest.objects.get()
    assert (case.applicant_type, case.applicant.contact_person) == (
        "legal_service_org",
        "王五",
    )


def test_bad_resident_id_check_digit_is_a_400_on_id_number(
    api_client, agency, on_2025_09_26
):
    good = make_resident_id(7)
    bad = good[:17] + ("0" if good[17] != "0" else "1")

    response = api_client.post(PUBLIC_URL, application(id_number=bad), format="json")

    assert response.status_code == 400
    assert response.json() == {
        "id_number": ["居民身份证号码无效（应为18位，校验码须正确）。"]
    }
    assert DisclosureRequest.objects.count() == 0


def test_bad_uscc_check_character_is_a_400_on_id_number(
    api_client, agency, on_2025_09_26
):
    good = make_uscc(3)
    bad = good[:17] + ("0" if good[17] != "0" else "1")

    response = api_client.post(
        PUBLIC_URL,
        application(applicant_type="enterprise", id_type="uscc", id_number=bad),
        format="json",
    )

    assert response.status_code == 400
    assert response.json() == {
        "id_number": ["统一社会信用代码无效（应为18位，校验码须正确）。"]
    }


def test_unknown_agency_is_a_400_on_agency(api_client, agency, on_2025_09_26):
    response = api_client.post(PUBLIC_URL, application(agency="NOPE"), format="json")

    assert response.status_code == 400
    assert response.json() == {"agency": ["未找到机关代码为“NOPE”的机关。"]}


def test_every_field_error_of_the_service_is_returned(
    api_client, agency, on_2025_09_26
):
    response = api_client.post(
        PUBLIC_URL, application(id_type="uscc", id_number="91110102ABC"), format="json"
    )

    assert response.status_code == 400
    assert response.json() == {
        "id_number": ["统一社会信用代码无效（应为18位，校验码须正确）。"],
        "id_type": ["自然人不能使用统一社会信用代码。"],
    }


def test_agency_without_online_applications_is_a_400_on_agency(
    api_client, district, on_2025_09_26
):
    make_agency(
        "XCFY", name="西城区某分局", parent=district, accepted_channels=["letter"]
    )

    response = api_client.post(PUBLIC_URL, application(agency="XCFY"), format="json")

    assert response.status_code == 400
    assert response.json() == {"agency": ["西城区某分局不受理“网络申请”方式的申请。"]}


def test_missing_fields_are_named_each(api_client, agency, on_2025_09_26):
    response = api_client.post(
        PUBLIC_URL,
        {"agency": "XCCG", "formats": [], "delivery": ["pigeon"]},
        format="json",
    )

    assert response.status_code == 400
    required = ["该字段是必填项。"]
    assert response.json() == {
        "applicant_type": required,
        "name": required,
        "id_type": required,
        "id_number": required,
        "phone": required,
        "email": required,
        "address": required,
        "description": required,
        "formats": ["请至少选择一种信息提供形式。"],
        "delivery": {"0": ["“pigeon” 不是合法选项。"]},
    }


def test_public_submit_needs_no_csrf_token_even_with_a_session(
    agency, clerk, on_2025_09_26
):
    client = APIClient(enforce_csrf_checks=True)
    client.login(username="clerk", password="pass-Word-123")

    response = client.post(PUBLIC_URL, application(), format="json")

    assert response.status_code == 201
    # A citizen's application is never attributed to whoever is logged in.
    assert RequestEvent.objects.get().actor is None


def test_forty_rapid_submissions_from_one_address(api_client, agency, on_2025_09_26):
    codes = [
        api_client.post(PUBLIC_URL, application(), format="json").status_code
        for _ in range(40)
    ]

    assert codes == [201] * 20 + [429] * 20
    assert DisclosureRequest.objects.count() == 20
    limited = api_client.post(PUBLIC_URL, application(), format="json")
    assert limited.status_code == 429
    # Time stands still here, so the whole hour is still to wait.
    assert limited.json() == {
        "detail": "请求过于频繁，请稍后再试。 请在 3600 秒后重试。"
    }
    assert limited["Retry-After"] == "3600"


def rates(**overrides) -> dict:
    """REST_FRAMEWORK settings with some throttle rates replaced."""
    return {
        **settings.REST_FRAMEWORK,
        "DEFAULT_THROTTLE_RATES": {
            **settings.REST_FRAMEWORK["DEFAULT_THROTTLE_RATES"],
            **overrides,
        },
    }


def test_forged_forwarded_for_does_not_lift_the_limit(
    api_client, agency, on_2025_09_26
):
    with override_settings(REST_FRAMEWORK=rates(public_submit="2/hour")):
        first = [
            api_client.post(PUBLIC_URL, application(), format="json").status_code
            for _ in range(2)
        ]
        forged = api_client.post(
            PUBLIC_URL, application(), format="json", HTTP_X_FORWARDED_FOR="203.0.113.9"
        )
        other_address = api_client.post(
            PUBLIC_URL, application(), format="json", REMOTE_ADDR="198.51.100.7"
        )

    assert first == [201, 201]
    assert (forged.status_code, other_address.status_code) == (429, 201)


def test_tracking_rate_comes_from_settings(api_client, agency, clerk):
    case = register(agency, RECEIVED)

    with override_settings(REST_FRAMEWORK=rates(public_track="3/hour")):
        codes = [
            api_client.get(f"{PUBLIC_URL}{case.query_code}/").status_code
            for _ in range(4)
        ]

    assert codes == [200, 200, 200, 429]


# --- public tracking -------------------------------------------------------------------


def test_tracking_view_of_an_open_case(api_client, agency, clerk, on_2025_10_20):
    case = case_in("awaiting_supplement", agency, clerk)

    response = api_client.get(f"{PUBLIC_URL}{case.query_code}/")

    assert response.status_code == 200
    assert response.json() == {
        "reference": "XCCG-2025-00001",
        "agency_name": "北京市西城区城市管理监督指挥中心",
        "state": {"code": "awaiting_supplement", "label": "待补正"},
        "received_on": "2025-09-26",
        "due_on": None,
        "provisional": False,
        "remaining_workdays": 20,
        "clock_steps": case.clock_steps,
        "outcome": None,
        "closed_on": None,
        "events": [
            {"kind": "registered", "label": "登记受理", "effective_on": "2025-09-26"},
            {
                "kind": "supplement_requested",
                "label": "告知补正",
                "effective_on": "2025-09-29",
            },
        ],
    }
    assert [step["code"] for step in case.clock_steps] == ["C2", "C1", "C3", "C3"]


def test_tracking_view_of_a_closed_case(api_client, agency, clerk, on_2025_10_20):
    case = register(agency, RECEIVED, actor=clerk)
    services.request_assign(actor=clerk, request_id=case.pk, clerk=clerk)
    services.request_reply(
        actor=clerk,
        request_id=case.pk,
        outcome="disclosed",
        replied_on=date(2025, 10, 20),
    )

    body = api_client.get(f"{PUBLIC_URL}{case.query_code}/").json()

    assert (body["state"], body["outcome"], body["closed_on"], body["due_on"]) == (
        {"code": "closed", "label": "已办结"},
        {"code": "disclosed", "label": "予以公开"},
        "2025-10-20",
        "2025-10-30",
    )
    # The assignment is internal; only the public facts are listed.
    assert [event["kind"] for event in body["events"]] == ["registered", "replied"]


def test_tracking_view_shows_nothing_of_the_applicant(api_client, agency, clerk):
    number = make_resident_id(42)
    case = register(
        agency,
        RECEIVED,
        actor=clerk,
        id_number=number,
        name="赵六",
        phone="13566667777",
        email="zhaoliu@example.com",
        address="北京市西城区金融大街9号",
        contact_person="赵六的代理人",
        postcode="100032",
    )

    response = api_client.get(f"{PUBLIC_URL}{case.query_code}/")

    assert response.status_code == 200
    body = response.content.decode()
    for secret in (
        number,
        mask_id_number(number),
        number[-4:] + '"',
        "赵六",
        "13566667777",
        "zhaoliu@example.com",
        "金融大街",
        "100032",
    ):
        assert secret not in body
    assert "applicant" not in json.loads(body)


def test_unknown_query_code_is_404(api_client, agency):
    response = api_client.get(f"{PUBLIC_URL}not-a-real-code-000000000000/")

    assert response.status_code == 404
    assert response.json() == {"detail": "未找到。"}


# --- tokens and authentication ---------------------------------------------------------


def test_token_auth_works(api_client, agency, clerk):
    register(agency, RECEIVED)

    response = api_client.post(
        "/api/v1/auth/token/",
        {"username": "clerk", "password": "pass-Word-123"},
        format="json",
    )

    assert response.status_code == 200
    token = Token.objects.get(user=clerk)
    assert response.json() == {
        "token": token.key,
        "expires_at": (token.created + timedelta(hours=12))
        .astimezone(ZoneInfo("Asia/Shanghai"))
        .isoformat(),
    }
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {response.json()['token']}")
    listing = client.get(LIST_URL)
    assert (listing.status_code, listing.json()["count"]) == (200, 1)


def test_a_token_expires_after_its_lifetime_and_a_new_one_is_issued(
    api_client, agency, clerk, settings
):
    settings.GONGKAI_API_TOKEN_HOURS = 8
    credentials = {"username": "clerk", "password": "pass-Word-123"}
    with time_machine.travel(datetime(2026, 11, 30, 9, 0, tzinfo=UTC), tick=False):
        first = api_client.post("/api/v1/auth/token/", credentials, format="json")
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {first.json()['token']}")

    with time_machine.travel(datetime(2026, 11, 30, 16, 59, tzinfo=UTC), tick=False):
        still_valid = client.get(LIST_URL)
        same = api_client.post("/api/v1/auth/token/", credentials, format="json")
    with time_machine.travel(datetime(2026, 11, 30, 17, 0, tzinfo=UTC), tick=False):
        expired = client.get(LIST_URL)
        renewed = api_client.post("/api/v1/auth/token/", credentials, format="json")
        client.credentials(HTTP_AUTHORIZATION=f"Token {renewed.json()['token']}")
        with_new_token = client.get(LIST_URL)

    assert first.json()["expires_at"] == "2026-12-01T01:00:00+08:00"
    assert still_valid.status_code == 200
    assert same.json() == first.json()
    assert expired.status_code == 401
    assert expired.json() == {"detail": "API 令牌已过期，请重新获取。"}
    assert renewed.json()["token"] != first.json()["token"]
    assert renewed.json()["expires_at"] == "2026-12-01T09:00:00+08:00"
    assert with_new_token.status_code == 200
    assert Token.objects.filter(user=clerk).count() == 1


def test_wrong_password_gets_no_token(api_client, clerk):
    response = api_client.post(
        "/api/v1/auth/token/", {"username": "clerk", "password": "wrong"}, format="json"
    )

    assert response.status_code == 400
    assert response.json() == {"detail": "用户名或密码错误。"}
    assert Token.objects.count() == 0


def test_token_attempts_are_limited(api_client, clerk):
    codes = [
        api_client.post(
            "/api/v1/auth/token/", {"username": "clerk", "password": "x"}, format="json"
        ).status_code
        for _ in range(31)
    ]

    assert codes == [400] * 30 + [429]


def test_bad_token_is_401(api_client, db):
    api_client.credentials(HTTP_AUTHORIZATION="Token 0123456789abcdef")

    response = api_client.get(LIST_URL)

    assert response.status_code == 401
    assert response["WWW-Authenticate"] == "Token"


def test_session_writes_need_the_csrf_token(agency, clerk, on_2025_10_20):
    case = register(agency, RECEIVED, actor=clerk)
    client = APIClient(enforce_csrf_checks=True)
    client.login(username="clerk", password="pass-Word-123")

    response = client.post(url(case, "assign"), {"clerk": "clerk"}, format="json")

    assert response.status_code == 403
    assert RequestEvent.objects.filter(kind=EventKind.ASSIGNED).count() == 0
    token = Token.objects.create(user=clerk)
    client.credentials(HTTP_AUTHORIZATION=f"Token {token.key}")
    assert client.post(url(case, "assign"), {"clerk": "clerk"}).status_code == 200


# --- staff actions ---------------------------------------------------------------------

HAPPY_PATHS = [
    pytest.param(
        "in_progress", "request-supplement",
        {"requested_on": "2025-09-29", "items": "请补充所需信息的文号"},
        {"status": "awaiting_supplement", "due_on": None, "remaining_workdays": 20,
         "supplement_requested_on": "2025-09-29", "supplement_period_days": 15,
         "supplement_notice_late": False, "supplement_items": "请补充所需信息的文号"},
        EventKind.SUPPLEMENT_REQUESTED,
        id="request_supplement_case",
    ),
    pytest.param(
        "awaiting_supplement", "receive-supplement", {"received_on": "2025-10-09"},
        {"status": "in_progress", "due_on": "2025-11-05",
         "supplement_received_on": "2025-10-09"},
        EventKind.SUPPLEMENT_RECEIVED,
        id="receive_supplement_case",
    ),
    pytest.param(
        "in_progress", "start-consultation",
        {"party": "北京某某物业有限公司", "started_on": "2025-10-10"},
        {"status": "in_consultation", "due_on": None},
        EventKind.CONSULTATION_STARTED,
        id="start_consultation_case",
    ),
    pytest.param(
        "in_consultation", "end-consultation", {"ended_on": "2025-10-15"},
        {"status": "in_progress", "due_on": "2025-11-05"},
        EventKind.CONSULTATION_ENDED,
        id="end_consultation_case",
    ),
    pytest.param(
        "in_progress", "issue-fee-notice",
        {"notice_on": "2025-10-13", "method": "per_page", "pages": 50},
        {"status": "awaiting_fee", "due_on": None, "fee_method": "per_page",
         "fee_amount_yuan": "200.00", "fee_notice_on": "2025-10-13"},
        EventKind.FEE_NOTICE_ISSUED,
        id="issue_fee_notice_case",
    ),
    pytest.param(
        "awaiting_fee", "settle-fee", {"paid_on": "2025-10-15"},
        {"status": "in_progress", "due_on": "2025-11-03", "fee_paid_on": "2025-10-15"},
        EventKind.FEE_SETTLED,
        id="settle_fee_case",
    ),
    pytest.param(
        "in_progress", "extend", {"approved_on": "2025-10-20", "reason": "需要调取档案"},
        {"status": "in_progress", "due_on": "2025-11-27", "extended": True,
         "extended_on": "2025-10-20"},
        EventKind.EXTENDED,
        id="extend_case",
    ),
    pytest.param(
        "in_progress", "set-delay",
        {"decided_on": "2025-10-20", "delayed_due_on": "2025-12-31",
         "reason": "申请数量较大，确定延迟答复期限"},
        {"status": "in_progress", "due_on": "2025-12-31",
         "delayed_due_on": "2025-12-31"},
        EventKind.DELAY_SET,
        id="set_delay_case",
    ),
    pytest.param(
        "in_progress", "reply", {"outcome": "disclosed", "replied_on": "2025-10-20"},
        {"status": "closed", "outcome": "disclosed", "outcome_label": "予以公开",
         "outcome_basis": "《条例》第三十六条第（二）项", "closed_on": "2025-10-20",
         "on_time": True, "due_on": "2025-10-30", "allowed_actions": []},
        EventKind.REPLIED,
        id="reply_case",
    ),
    pytest.param(
        "in_consultation", "withdraw",
        {"withdrawn_on": "2025-10-20", "note": "申请人电话撤回"},
        {"status": "closed", "outcome": "other.withdrawn", "closed_on": "2025-10-20",
         "on_time": True},
        EventKind.WITHDRAWN,
        id="withdraw_case",
    ),
    pytest.param(
        "awaiting_fee", "assign", {"clerk": "clerk"},
        {"status": "awaiting_fee", "assigned_to": "clerk"},
        EventKind.ASSIGNED,
        id="assign_case",
    ),
]  # fmt: skip


@pytest.mark.parametrize(
    ("state", "action", "payload", "expected", "kind"), HAPPY_PATHS
)
def test_action_happy_path(
    clerk_client, agency, clerk, on_2025_10_20, state, action, payload, expected, kind
):
    case = case_in(state, agency, clerk)
    events_before = RequestEvent.objects.count()

    response = clerk_client.post(url(case, action), payload, format="json")

    assert response.status_code == 200, response.json()
    body = response.json()
    assert {key: body[key] for key in expected} == expected
    assert body["id"] == case.pk
    assert RequestEvent.objects.count() == events_before + 1
    event = RequestEvent.objects.latest("id")
    assert (event.kind, event.actor) == (kind, clerk)
    assert body["events"][-1]["kind"] == kind
    assert body["events"][-1]["actor"] == "clerk"


def test_consultation_is_listed_on_the_case(clerk_client, agency, clerk, on_2025_10_20):
    case = case_in("in_consultation", agency, clerk)

    body = clerk_client.get(url(case)).json()

    assert [
        {key: value for key, value in row.items() if key != "id"}
        for row in body["consultations"]
    ] == [
        {
            "party": "北京某某物业有限公司",
            "started_on": "2025-10-10",
            "reply_due_on": "2025-10-30",
            "ended_on": None,
        }
    ]


REFUSED = [
    pytest.param("closed", "request-supplement",
                 {"requested_on": "2025-09-29", "items": "请补充"}, "已办结", "告知补正",
                 id="request_supplement_case"),
    pytest.param("in_progress", "receive-supplement", {"received_on": "2025-10-09"},
                 "办理中", "收到补正", id="receive_supplement_case"),
    pytest.param("awaiting_supplement", "start-consultation",
                 {"party": "某公司", "started_on": "2025-10-10"}, "待补正", "开始征求意见",
                 id="start_consultation_case"),
    pytest.param("in_progress", "end-consultation", {"ended_on": "2025-10-15"},
                 "办理中", "征求意见结束", id="end_consultation_case"),
    pytest.param("in_consultation", "issue-fee-notice",
                 {"notice_on": "2025-10-13", "method": "per_page", "pages": 50},
                 "征求意见中", "发出收费通知", id="issue_fee_notice_case"),
    pytest.param("in_progress", "settle-fee", {"paid_on": "2025-10-15"},
                 "办理中", "已缴费", id="settle_fee_case"),
    pytest.param("awaiting_fee", "extend", {"approved_on": "2025-10-20", "reason": "x"},
                 "待缴费", "延期答复", id="extend_case"),
    pytest.param("in_consultation", "set-delay",
                 {"decided_on": "2025-10-20", "delayed_due_on": "2025-12-31", "reason": "x"},
                 "征求意见中", "确定延迟答复期限", id="set_delay_case"),
    pytest.param("awaiting_supplement", "reply",
                 {"outcome": "disclosed", "replied_on": "2025-10-20"},
                 "待补正", "答复", id="reply_case"),
    pytest.param("closed", "withdraw", {"withdrawn_on": "2025-10-20"},
                 "已办结", "申请人撤回", id="withdraw_case"),
]  # fmt: skip


@pytest.fixture
def case_by_state(agency, clerk, on_2025_10_20):
    """One case in each state; the refused and invalid calls below leave them as they are."""
    states = ("in_progress", "awaiting_supplement", "in_consultation", "awaiting_fee",
              "closed")  # fmt: skip
    return {state: case_in(state, agency, clerk) for state in states}


def test_refused_transitions_are_409(clerk_client, case_by_state):
    events_before = RequestEvent.objects.count()
    answers, expected = {}, {}

    for param in REFUSED:
        state, action, payload, status, label = param.values
        case = case_by_state[state]
        response = clerk_client.post(url(case, action), payload, format="json")
        answers[action] = (response.status_code, response.json())
        expected[action] = (
            409,
            {"detail": f"当前状态为“{status}”，不能执行“{label}”。"},
        )

    assert answers == expected
    assert RequestEvent.objects.count() == events_before
    assert {
        state: DisclosureRequest.objects.get(pk=case.pk).status
        for state, case in case_by_state.items()
    } == {state: state for state in case_by_state}


BAD_DATES = [
    pytest.param("in_progress", "request-supplement", "requested_on",
                 {"items": "请补充"}, "补正告知日期", id="request_supplement_case"),
    pytest.param("awaiting_supplement", "receive-supplement", "received_on", {},
                 "补正收到日期", id="receive_supplement_case"),
    pytest.param("in_progress", "start-consultation", "started_on", {"party": "某公司"},
                 "征求意见日期", id="start_consultation_case"),
    pytest.param("in_consultation", "end-consultation", "ended_on", {},
                 "征求意见结束日期", id="end_consultation_case"),
    pytest.param("in_progress", "issue-fee-notice", "notice_on",
                 {"method": "per_page", "pages": 50}, "收费通知日期",
                 id="issue_fee_notice_case"),
    pytest.param("awaiting_fee", "settle-fee", "paid_on", {}, "缴费日期",
                 id="settle_fee_case"),
    pytest.param("in_progress", "extend", "approved_on", {"reason": "x"},
                 "延期批准日期", id="extend_case"),
    pytest.param("in_progress", "set-delay", "decided_on",
                 {"delayed_due_on": "2026-03-31", "reason": "x"}, "决定日期",
                 id="set_delay_case"),
    pytest.param("in_progress", "reply", "replied_on", {"outcome": "disclosed"},
                 "答复日期", id="reply_case"),
    pytest.param("in_progress", "withdraw", "withdrawn_on", {}, "撤回日期",
                 id="withdraw_case"),
]  # fmt: skip


def test_bad_dates_are_400_on_the_date_field(clerk_client, case_by_state):
    events_before = RequestEvent.objects.count()
    answers, expected = {}, {}

    for param in BAD_DATES:
        state, action, field, payload, label = param.values
        case = case_by_state[state]
        for value, message in (
            ("2025-10-21", f"{label}不能晚于今天。"),
            ("2025-02-30", "日期格式错误。请从这些格式中选择：YYYY-MM-DD。"),
            ("2025-09-25", f"{label}不能早于收到申请日期。"),
        ):
            response = clerk_client.post(
                url(case, action), {**payload, field: value}, format="json"
            )
            answers[action, value] = (response.status_code, response.json())
            expected[action, value] = (400, {field: [message]})

    assert answers == expected
    assert RequestEvent.objects.count() == events_before


def test_extension_after_the_due_date_is_refused(clerk_client, agency, clerk):
    case = register(agency, RECEIVED, actor=clerk)

    with time_machine.travel(datetime(2025, 11, 3, 10, tzinfo=SHANGHAI), tick=False):
        response = clerk_client.post(
            url(case, "extend"),
            {"approved_on": "2025-10-31", "reason": "需要调取档案"},
            format="json",
        )

    assert response.status_code == 400
    assert list(response.json()) == ["approved_on"]


def test_reply_refusal_needs_reasons(clerk_client, agency, clerk, on_2025_10_20):
    case = register(agency, RECEIVED, actor=clerk)

    response = clerk_client.post(
        url(case, "reply"),
        {"outcome": "refused.third_party", "replied_on": "2025-10-20"},
        format="json",
    )

    assert response.status_code == 400
    assert response.json() == {
        "reasons": ["不予公开应当告知理由（第三十六条第（三）项）。"]
    }


def test_assign_to_staff_of_another_agency_is_refused(
    clerk_client, agency, clerk, other_clerk, on_2025_10_20
):
    case = register(agency, RECEIVED, actor=clerk)

    response = clerk_client.post(
        url(case, "assign"), {"clerk": "other_clerk"}, format="json"
    )
    unassign = clerk_client.post(url(case, "assign"), {"clerk": None}, format="json")

    assert response.status_code == 400
    assert response.json() == {"clerk": ["未找到该经办人，或其不在本申请的机关任职。"]}
    assert (unassign.status_code, unassign.json()["assigned_to"]) == (200, None)


# --- staff registration ----------------------------------------------------------------


def test_staff_registers_a_letter(clerk_client, agency, clerk, on_2025_10_20):
    response = clerk_client.post(
        LIST_URL,
        {
            "channel": "letter",
            "received_on": "2025-09-26",
            "receipt_note": "EMS 签收",
            "assigned_to": "clerk",
            "applicant_type": "natural_person",
            "name": "钱七",
            "description": "请公开某路段占道施工审批文件",
            "formats": ["paper"],
            "delivery": ["post"],
        },
        format="json",
    )

    assert response.status_code == 201
    body = response.json()
    assert {
        key: body[key]
        for key in (
            "reference", "agency", "channel", "received_on", "receipt_note",
            "assigned_to", "status", "due_on", "provisional",
        )
    } == {
        "reference": "XCCG-2025-00001", "agency": "XCCG", "channel": "letter",
        "received_on": "2025-09-26", "receipt_note": "EMS 签收", "assigned_to": "clerk",
        "status": "in_progress", "due_on": "2025-10-30", "provisional": False,
    }  # fmt: skip
    assert RequestEvent.objects.get().actor == clerk


def test_staff_cannot_register_online_or_future_applications(
    clerk_client, agency, on_2025_10_20
):
    base = {
        "agency": "XCCG",
        "applicant_type": "natural_person",
        "name": "钱七",
        "description": "请公开某文件",
    }

    online = clerk_client.post(
        LIST_URL, {**base, "channel": "online", "received_on": "2025-10-20"}
    )
    future = clerk_client.post(
        LIST_URL, {**base, "channel": "fax", "received_on": "2025-10-21"}
    )

    assert (online.status_code, online.json()) == (
        400,
        {"channel": ["“online” 不是合法选项。"]},
    )
    assert (future.status_code, future.json()) == (
        400,
        {"received_on": ["收到申请日期不能晚于今天。"]},
    )
    assert DisclosureRequest.objects.count() == 0


# --- staff list and detail -------------------------------------------------------------


@pytest.fixture
def listed_cases(agency, other_agency, clerk, on_2025_10_20):
    overdue = register(agency, date(2025, 9, 1), actor=clerk)
    services.request_assign(actor=clerk, request_id=overdue.pk, clerk=clerk)
    on_track = register(agency, RECEIVED, actor=clerk)
    waiting = case_in("awaiting_supplement", agency, clerk)
    closed = register(agency, date(2025, 9, 1), actor=clerk)
    services.request_withdraw(
        actor=clerk, request_id=closed.pk, withdrawn_on=date(2025, 9, 10)
    )
    register(other_agency, date(2025, 10, 10))
    return {
        "overdue": overdue,
        "on_track": on_track,
        "waiting": waiting,
        "closed": closed,
    }


LIST_FILTERS = {
    "": ["waiting", "on_track", "closed", "overdue"],
    "state=in_progress": ["on_track", "overdue"],
    "state=awaiting_supplement": ["waiting"],
    "state=closed": ["closed"],
    "overdue=true": ["overdue"],
    "overdue=false": ["waiting", "on_track", "closed"],
    "due_after=2025-09-01&due_before=2025-09-30": ["closed", "overdue"],
    "due_after=2025-10-30&due_before=2025-10-30": ["on_track"],
    "due_after=2025-10-31": [],
    "clerk=clerk": ["overdue"],
    "clerk=nobody": [],
    "agency=XCCG": ["waiting", "on_track", "closed", "overdue"],
    "agency=XCJW": [],
    "received_from=2025-09-26&received_to=2025-09-26": ["waiting", "on_track"],
    "q=XCCG-2025-00002": ["on_track"],
    "q=城市管理": ["waiting", "on_track", "closed", "overdue"],
    "state=in_progress&overdue=false": ["on_track"],
}


def test_list_filters(clerk_client, listed_cases, clerk):
    names = {case.pk: name for name, case in listed_cases.items()}
    expected = {**LIST_FILTERS, f"clerk={clerk.pk}": ["overdue"]}
    answers = {}

    for query in expected:
        response = clerk_client.get(f"{LIST_URL}?{query}")
        body = response.json()
        assert (response.status_code, body["count"]) == (200, len(body["results"]))
        answers[query] = [names[row["id"]] for row in body["results"]]

    assert answers == expected


def test_list_rejects_a_bad_filter(clerk_client):
    response = clerk_client.get(f"{LIST_URL}?state=lost&due_before=tomorrow")

    assert response.status_code == 400
    assert set(response.json()) == {"state", "due_before"}


def test_list_item_shape(clerk_client, agency, clerk, on_2025_10_20):
    case = register(agency, date(2025, 9, 1), actor=clerk)
    services.request_assign(actor=clerk, request_id=case.pk, clerk=clerk)

    rows = clerk_client.get(LIST_URL).json()["results"]

    assert rows == [
        {
            "id": case.pk,
            "reference": "XCCG-2025-00001",
            "agency": "XCCG",
            "applicant_type": "natural_person",
            "channel": "online",
            "received_on": "2025-09-01",
            "status": "in_progress",
            # 20 working days after 2025-09-01 end on the 调休 Sunday 2025-09-28.
            "due_on": "2025-09-28",
            "provisional": False,
            "outcome": "",
            "closed_on": None,
            "on_time": None,
            "assigned_to": "clerk",
            "id_number_masked": mask_id_number(make_resident_id(1)),
        }
    ]


def test_supervisor_sees_the_whole_district(agency, other_agency, supervisor):
    register(agency, RECEIVED)
    register(other_agency, RECEIVED)
    client = APIClient()
    client.force_authenticate(supervisor)

    assert client.get(LIST_URL).json()["count"] == 2
    assert client.get(f"{LIST_URL}?agency=XCJW").json()["count"] == 1


def test_list_query_count_does_not_grow_with_the_page(clerk_client, agency, clerk):
    def count_queries() -> int:
        with CaptureQueriesContext(connection) as queries:
            assert clerk_client.get(LIST_URL).status_code == 200
        return len(queries)

    for day in (1, 2, 3):
        case = register(agency, date(2025, 9, day), name=f"申请人{day}")
        services.request_assign(actor=clerk, request_id=case.pk, clerk=clerk)
    three = count_queries()
    # 27 more rows like the registered ones, each with its own applicant and clerk:
    # what a list row touches (agency, applicant, assigned clerk) is all there.
    template = DisclosureRequest.objects.get(serial=1)
    clones = []
    for serial in range(4, 31):
        applicant = Applicant.objects.get(pk=template.applicant_id)
        applicant.pk = None
        applicant.save()
        clone = DisclosureRequest.objects.get(pk=template.pk)
        clone.pk = None
        clone.serial = serial
        clone.reference = f"XCCG-2025-{serial:05d}"
        clone.query_code = f"query-code-{serial}"
        clone.applicant = applicant
        clone.assigned_to = make_staff(agency, username=f"clerk{serial}")
        clones.append(clone)
    DisclosureRequest.objects.bulk_create(clones)
    thirty = count_queries()

    assert clerk_client.get(LIST_URL).json()["count"] == 30
    assert three == thirty


def test_detail_with_letters_appeals_and_clock(
    clerk_client, agency, clerk, on_2025_10_20
):
    case = register(agency, RECEIVED, actor=clerk)
    letter = Letter.objects.create(
        request=case,
        kind="acknowledgement",
        title="政府信息公开申请接收回执",
        number="西城城指公开〔2025〕1号",
        year=2025,
        serial=1,
        issued_on=date(2025, 9, 26),
        body="……",
    )
    appeal = Appeal.objects.create(
        agency=agency,
        reference="西城复〔2025〕12号",
        kind="reconsideration",
        filed_on=date(2025, 10, 15),
        request=case,
    )

    response = clerk_client.get(url(case))

    assert response.status_code == 200
    body = response.json()
    assert body["letters"] == [
        {
            "id": letter.pk,
            "kind": "acknowledgement",
            "title": "政府信息公开申请接收回执",
            "number": "西城城指公开〔2025〕1号",
            "issued_on": "2025-09-26",
            "docx_url": f"/staff/letters/{letter.pk}/docx/",
            "pdf_url": f"/staff/letters/{letter.pk}/pdf/",
        }
    ]
    assert body["appeals"] == [
        {
            "id": appeal.pk,
            "reference": "西城复〔2025〕12号",
            "kind": "reconsideration",
            "filed_on": "2025-10-15",
            "body": "",
            "result": "",
            "decided_on": None,
        }
    ]
    assert body["clock_explanation"] == case.clock_explanation
    assert (
        body["clock_explanation"].splitlines()[0]
        == "收到申请：2025年9月26日（不计当日）"
    )
    assert [
        {key: event[key] for key in ("kind", "label", "actor", "effective_on",
                                     "due_before", "due_after")}
        for event in body["events"]
    ] == [
        {"kind": "registered", "label": "登记受理", "actor": "clerk",
         "effective_on": "2025-09-26", "due_before": None, "due_after": "2025-10-30"}
    ]  # fmt: skip
    assert body["applicant"]["id_number_masked"] == mask_id_number(make_resident_id(1))
    assert make_resident_id(1) not in response.content.decode()
    assert body["allowed_actions"] == [
        "request_supplement", "start_consultation", "issue_fee_notice", "extend",
        "set_delay", "reply", "withdraw",
    ]  # fmt: skip


# --- OpenAPI ---------------------------------------------------------------------------


def test_schema_documents_every_operation(api_client):
    response = api_client.get(
        "/api/schema/", HTTP_ACCEPT="application/vnd.oai.openapi+json"
    )

    assert response.status_code == 200
    paths = json.loads(response.content)["paths"]
    ours = {path: sorted(ops) for path, ops in paths.items() if "requests" in path
            or "public/applications" in path or "auth/token" in path}  # fmt: skip
    assert ours == {
        "/api/v1/auth/token/": ["post"],
        "/api/v1/public/applications/": ["post"],
        "/api/v1/public/applications/{query_code}/": ["get"],
        "/api/v1/requests/": ["get", "post"],
        "/api/v1/requests/{request_id}/": ["get"],
        **{
            f"/api/v1/requests/{{request_id}}/{slug}/": ["post"]
            for slug in (
                "request-supplement", "receive-supplement", "start-consultation",
                "end-consultation", "issue-fee-notice", "settle-fee", "extend",
                "set-delay", "reply", "withdraw", "assign",
            )
        },
    }  # fmt: skip


def test_docs_are_served_offline(api_client):
    response = api_client.get("/api/docs/")

    assert response.status_code == 200
    assert "drf_spectacular_sidecar/swagger-ui-dist/" in response.content.decode()
