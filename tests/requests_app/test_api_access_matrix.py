"""Who may call which staff endpoint: every endpoint × every kind of caller.

Anonymous callers are told to authenticate (401); a clerk of another agency, or a user
of no agency, is answered exactly as for a missing case (404; in the list the case is
simply absent); the agency's clerk and the district's supervisor are served. A refused
call writes nothing.
"""

from __future__ import annotations

from datetime import date, datetime
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.core.cache import cache
from rest_framework.test import APIClient

from requests_app import services
from requests_app.models import DisclosureRequest, RequestEvent
from tests.factories import UserFactory, register

RECEIVED = date(2025, 9, 26)
LIST_URL = "/api/v1/requests/"

# (endpoint, state the case must be in, HTTP method, path under the case or None for
# the list itself, payload, status when served)
ENDPOINTS = [
    ("list", "in_progress", "get", None, None, 200),
    ("detail", "in_progress", "get", "", None, 200),
    ("create", "in_progress", "post", None, {
        "agency": "XCCG", "channel": "letter", "received_on": "2025-10-20",
        "applicant_type": "natural_person", "name": "孙八",
        "description": "请公开某路段占道施工审批文件",
    }, 201),
    ("request-supplement", "in_progress", "post", "request-supplement/",
     {"requested_on": "2025-09-29", "items": "请补充所需信息的文号"}, 200),
    ("receive-supplement", "awaiting_supplement", "post", "receive-supplement/",
     {"received_on": "2025-10-09"}, 200),
    ("start-consultation", "in_progress", "post", "start-consultation/",
     {"party": "北京某某物业有限公司", "started_on": "2025-10-10"}, 200),
    ("end-consultation", "in_consultation", "post", "end-consultation/",
     {"ended_on": "2025-10-15"}, 200),
    ("issue-fee-notice", "in_progress", "post", "issue-fee-notice/",
     {"notice_on": "2025-10-13", "method": "per_page", "pages": 50}, 200),
    ("settle-fee", "awaiting_fee", "post", "settle-fee/", {"paid_on": "2025-10-15"}, 200),
    ("extend", "in_progress", "post", "extend/",
     {"approved_on": "2025-10-20", "reason": "需要调取档案"}, 200),
    ("set-delay", "in_progress", "post", "set-delay/",
     {"decided_on": "2025-10-20", "delayed_due_on": "2025-12-31", "reason": "数量较大"},
     200),
    ("reply", "in_progress", "post", "reply/",
     {"outcome": "disclosed", "replied_on": "2025-10-20"}, 200),
    ("withdraw", "in_progress", "post", "withdraw/", {"withdrawn_on": "2025-10-20"}, 200),
    ("assign", "in_progress", "post", "assign/", {"clerk": "clerk"}, 200),
]  # fmt: skip


@pytest.fixture(autouse=True)
def _clear_throttle_counters():
    cache.clear()
    yield
    cache.clear()


@pytest.fixture(autouse=True)
def _on_2025_10_20():
    moment = datetime(2025, 10, 20, 10, tzinfo=ZoneInfo("Asia/Shanghai"))
    with time_machine.travel(moment, tick=False):
        yield


def case_in(state: str, agency, actor) -> DisclosureRequest:
    """A case received 2025-09-26 brought into ``state`` through the services."""
    case = register(agency, RECEIVED, actor=actor)
    if state == "awaiting_supplement":
        services.request_request_supplement(
            actor=actor, request_id=case.pk, requested_on=date(2025, 9, 29),
            items="请补充所需信息的文号",
        )  # fmt: skip
    elif state == "in_consultation":
        services.request_start_consultation(
            actor=actor, request_id=case.pk, party="北京某某物业有限公司",
            started_on=date(2025, 10, 10),
        )  # fmt: skip
    elif state == "awaiting_fee":
        services.request_issue_fee_notice(
            actor=actor, request_id=case.pk, notice_on=date(2025, 10, 13),
            method="per_page", pages=50,
        )  # fmt: skip
    case.refresh_from_db()
    return case


def client_for(user) -> APIClient:
    client = APIClient()
    if user is not None:
        client.force_authenticate(user)
    return client


def call(client: APIClient, case: DisclosureRequest, endpoint: tuple) -> str:
    """The answer as one comparable word: the status code, or for the list whether
    the case is in it."""
    _name, _state, method, path, payload, _served = endpoint
    target = LIST_URL if path is None else f"{LIST_URL}{case.pk}/{path}"
    if method == "get":
        response = client.get(target)
    else:
        response = client.post(target, payload, format="json")
    if endpoint[0] == "list" and response.status_code == 200:
        ids = [row["id"] for row in response.json()["results"]]
        return "200 listed" if case.pk in ids else "200 absent"
    return str(response.status_code)


def written() -> tuple[int, int, list[str]]:
    return (
        RequestEvent.objects.count(),
        DisclosureRequest.objects.count(),
        list(DisclosureRequest.objects.order_by("id").values_list("status", flat=True)),
    )


@pytest.mark.parametrize("endpoint", ENDPOINTS, ids=[e[0] + "_case" for e in ENDPOINTS])
def test_access_matrix(agency, clerk, other_clerk, supervisor, endpoint):
    name, state, _method, _path, _payload, served = endpoint
    outsider = UserFactory(username="outsider")  # logged in, but staff of no agency
    case = case_in(state, agency, clerk)
    answers = {}

    # Refused callers first, on the case the clerk then acts on: they change nothing.
    for role, user in (("anonymous", None), ("other_clerk", other_clerk),
                       ("outsider", outsider)):  # fmt: skip
        before = written()
        answers[role] = call(client_for(user), case, endpoint)
        assert written() == before, role
    answers["clerk"] = call(client_for(clerk), case, endpoint)
    fresh = case_in(state, agency, clerk)
    answers["supervisor"] = call(client_for(supervisor), fresh, endpoint)

    allowed = "200 listed" if name == "list" else str(served)
    assert answers == {
        "anonymous": "401",
        "other_clerk": "200 absent" if name == "list" else "404",
        "outsider": "200 absent" if name == "list" else "404",
        "clerk": allowed,
        "supervisor": allowed,
    }


def test_refused_calls_name_nothing(agency, clerk, other_clerk):
    case = case_in("in_progress", agency, clerk)

    anonymous = APIClient().post(f"{LIST_URL}{case.pk}/reply/", {}, format="json")
    foreign = client_for(other_clerk).post(
        f"{LIST_URL}{case.pk}/reply/",
        {"outcome": "disclosed", "replied_on": "2025-10-20"},
        format="json",
    )
    missing = client_for(other_clerk).post(
        f"{LIST_URL}{case.pk + 1000}/reply/",
        {"outcome": "disclosed", "replied_on": "2025-10-20"},
        format="json",
    )

    assert (anonymous.status_code, anonymous.json()) == (
        401,
        {"detail": "身份认证信息未提供。"},
    )
    # Another agency's case and a case that does not exist cannot be told apart.
    assert (foreign.status_code, foreign.json()) == (404, {"detail": "未找到。"})
    assert (missing.status_code, missing.json()) == (404, {"detail": "未找到。"})
