"""The clerks' admin: scoped lists, 404 for other agencies, registration through the add
form, the case actions end to end, refusals shown in Chinese, read-only events."""

from __future__ import annotations

from datetime import date, datetime
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.contrib.admin.helpers import ACTION_CHECKBOX_NAME
from django.contrib.messages import get_messages
from django.urls import reverse

from disclosure.identity import mask_id_number
from requests_app.admin import CASE_ACTIONS
from requests_app.models import Appeal, DisclosureRequest, Notification, RequestEvent
from tests.factories import make_resident_id, make_staff, register

pytestmark = pytest.mark.django_db

BEIJING = ZoneInfo("Asia/Shanghai")
CHANGELIST = "/admin/requests_app/disclosurerequest/"
ADD = "/admin/requests_app/disclosurerequest/add/"


def at(day: date):
    """Freeze the clock at 10:00 Beijing time on ``day``."""
    return time_machine.travel(
        datetime(day.year, day.month, day.day, 10, 0, tzinfo=BEIJING), tick=False
    )


def change_url(case: DisclosureRequest) -> str:
    return reverse("admin:requests_app_disclosurerequest_change", args=[case.pk])


def act_url(case: DisclosureRequest, action: str) -> str:
    return reverse("admin:requests_app_disclosurerequest_act", args=[case.pk, action])


def event_kinds(case: DisclosureRequest) -> list[str]:
    return list(
        # Creation order: the clock is frozen for some steps of a test, not others.
        RequestEvent.objects.filter(request=case)
        .order_by("id")
        .values_list("kind", flat=True)
    )


def message_texts(response) -> list[str]:
    return [str(message) for message in get_messages(response.wsgi_request)]


@pytest.fixture
def own_case(agency):
    return register(agency, date(2025, 9, 26))


@pytest.fixture
def foreign_case(other_agency):
    return register(other_agency, date(2025, 9, 26))


# --- scope -----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("user_fixture", "expected"),
    [
        pytest.param("clerk", ["XCCG-2025-00001"], id="clerk_case"),
        pytest.param("other_clerk", ["XCJW-2025-00001"], id="other_clerk_case"),
        pytest.param(
            "supervisor", ["XCCG-2025-00001", "XCJW-2025-00001"], id="supervisor_case"
        ),
    ],
)
def test_changelist_lists_only_the_cases_the_user_acts_for(
    request, client, own_case, foreign_case, user_fixture, expected
):
    client.force_login(request.getfixturevalue(user_fixture))

    response = client.get(CHANGELIST)

    assert response.status_code == 200
    references = sorted(case.reference for case in response.context["cl"].result_list)
    assert references == expected


def test_another_agencys_case_page_is_404_like_a_missing_one(
    client, other_clerk, own_case
):
    client.force_login(other_clerk)

    assert client.get(change_url(own_case)).status_code == 404
    assert client.get(act_url(own_case, "reply")).status_code == 404
    assert (
        client.post(
            act_url(own_case, "withdraw"), {"withdrawn_on": "2025-09-29"}
        ).status_code
        == 404
    )
    assert client.get(f"{CHANGELIST}999999/change/").status_code == 404
    assert event_kinds(own_case) == ["registered"]


def test_staff_without_any_agency_cannot_open_the_admin_pages(client, district):
    from tests.factories import UserFactory

    client.force_login(UserFactory(username="no_agency"))

    assert client.get(CHANGELIST).status_code == 403


# --- registration ----------------------------------------------------------------------


def registration_post(agency, clerk, **overrides):
    data = {
        "agency": agency.pk,
        "channel": "letter",
        "received_on": "2025-09-26",
        "receipt_note": "挂号信，本机关签收日期",
        "assigned_to": clerk.pk,
        "applicant_type": "natural_person",
        "name": "李四",
        "id_type": "resident_id",
        "id_number": make_resident_id(7),
        "contact_person": "",
        "phone": "13900000000",
        "email": "lisi@example.com",
        "address": "北京市西城区西长安街1号",
        "postcode": "100032",
        "description": "请公开2025年第三季度占道经营执法统计",
        "formats": ["paper"],
        "delivery": ["post"],
    }
    data.update(overrides)
    return data


def test_the_add_form_offers_the_paper_channels_with_the_art31_rules(client, clerk):
    client.force_login(clerk)

    with at(date(2025, 9, 29)):
        response = client.get(ADD)

    assert response.status_code == 200
    form = response.context["adminform"].form
    assert [code for code, _ in form.fields["channel"].choices] == [
        "letter",
        "in_person",
        "fax",
        "email",
        "other",
    ]
    assert form.initial["received_on"] == date(2025, 9, 29)
    assert "以行政机关签收之日为收到申请之日" in str(
        form.fields["received_on"].help_text
    )
    assert "以提交之日为收到申请之日" in str(form.fields["received_on"].help_text)


def test_registering_a_letter_through_the_add_form_fixes_reference_and_due_date(
    client, agency, clerk
):
    client.force_login(clerk)
    id_number = make_resident_id(7)

    with at(date(2025, 9, 29)):
        response = client.post(
            ADD, registration_post(agency, clerk, id_number=id_number)
        )

    case = DisclosureRequest.objects.get()
    assert response.status_code == 302
    assert response.url == change_url(case)
    assert case.reference == "XCCG-2025-00001"
    assert case.channel == "letter"
    assert case.received_on == date(2025, 9, 26)
    assert case.due_on == date(2025, 10, 30)
    assert case.provisional is False
    assert case.assigned_to == clerk
    assert case.formats == ["paper"]
    assert case.delivery == ["post"]
    assert case.receipt_note == "挂号信，本机关签收日期"
    assert case.applicant.name == "李四"
    assert case.applicant.id_number_masked == mask_id_number(id_number)
    event = RequestEvent.objects.get(request=case)
    assert (event.kind, event.actor, event.due_after) == (
        "registered",
        clerk,
        date(2025, 10, 30),
    )
    assert message_texts(response) == [
        "已登记申请 XCCG-2025-00001，答复期限：2025年10月30日。"
    ]


@pytest.mark.parametrize(
    ("overrides", "field", "message"),
    [
        pytest.param(
            {"id_number": "110105198504120000"},
            "id_number",
            "居民身份证号码无效（应为18位，校验码须正确）。",
            id="bad_check_digit_case",
        ),
        pytest.param(
            {"received_on": "2025-09-30"},
            "received_on",
            "收到申请日期不能晚于今天。",
            id="future_receipt_case",
        ),
        pytest.param(
            {"applicant_type": "enterprise"},
            "id_type",
            "法人或其他组织请使用统一社会信用代码。",
            id="organisation_with_resident_id_case",
        ),
    ],
)
def test_the_services_refusal_is_shown_on_its_field_and_nothing_is_written(
    client, agency, clerk, overrides, field, message
):
    client.force_login(clerk)

    with at(date(2025, 9, 29)):
        response = client.post(ADD, registration_post(agency, clerk, **overrides))

    assert response.status_code == 200
    assert response.context["adminform"].form.errors[field] == [message]
    assert message in response.content.decode()
    assert DisclosureRequest.objects.count() == 0
    assert RequestEvent.objects.count() == 0


def test_the_agency_choices_of_the_add_form_are_the_clerks_own(
    client, agency, other_agency, clerk
):
    client.force_login(clerk)

    with at(date(2025, 9, 29)):
        response = client.get(ADD)

    agencies = response.context["adminform"].form.fields["agency"].queryset
    assert [a.code for a in agencies] == ["XCCG"]


# --- the case page ---------------------------------------------------------------------


def test_the_case_page_is_read_only_and_explains_the_due_date(client, clerk, own_case):
    client.force_login(clerk)

    with at(date(2025, 9, 29)):
        response = client.get(change_url(own_case))
        post = client.post(change_url(own_case), {"description": "改写"})

    assert response.status_code == 200
    assert response.context["has_change_permission"] is False
    content = response.content.decode()
    assert "答复期限：为什么是这一天" in content
    assert "2025年10月30日" in content
    for step in own_case.clock_steps:
        assert step["text"] in content
    assert mask_id_number(make_resident_id(1)) in content
    assert make_resident_id(1) not in content
    assert [button["label"] for button in response.context["case_buttons"]] == [
        "告知补正",
        "开始征求意见",
        "发出收费通知",
        "延期答复",
        "确定延迟答复期限",
        "答复",
        "申请人撤回",
        "分配经办人",
        "更正申请人类型",
    ]
    assert post.status_code == 403


def test_the_list_marks_overdue_cases_and_filters_them(client, clerk, agency):
    overdue = register(agency, date(2025, 9, 26))  # due 2025-10-30
    on_track = register(agency, date(2025, 10, 29))
    client.force_login(clerk)

    with at(date(2025, 10, 31)):
        listing = client.get(CHANGELIST)
        filtered = client.get(CHANGELIST, {"deadline": "overdue"})

    states = {
        case.reference: case.gongkai_deadline
        for case in listing.context["cl"].result_list
    }
    assert states == {overdue.reference: "overdue", on_track.reference: "on_track"}
    assert "● 2025-10-30 已逾期" in listing.content.decode()
    assert [case.reference for case in filtered.context["cl"].result_list] == [
        overdue.reference
    ]


def test_the_due_soon_filter_matches_the_marker(client, clerk, agency):
    case = register(agency, date(2025, 9, 26))  # due 2025-10-30 (Thursday)
    client.force_login(clerk)

    with at(date(2025, 10, 23)):  # 5 working days left: 24, 27, 28, 29, 30
        soon = client.get(CHANGELIST, {"deadline": "due_soon"})
    with at(date(2025, 10, 22)):  # 6 left
        not_yet = client.get(CHANGELIST, {"deadline": "due_soon"})

    assert [c.gongkai_deadline for c in soon.context["cl"].result_list] == ["due_soon"]
    assert [c.reference for c in soon.context["cl"].result_list] == [case.reference]
    assert list(not_yet.context["cl"].result_list) == []


# --- actions on one case ---------------------------------------------------------------


def test_supplement_receive_and_reply_through_the_case_pages(client, clerk, own_case):
    client.force_login(clerk)

    with at(date(2025, 10, 20)):
        form_page = client.get(act_url(own_case, "request_supplement"))
        supplement = client.post(
            act_url(own_case, "request_supplement"),
            {
                "requested_on": "2025-09-29",
                "items": "请写明所需信息的文号或名称",
                "period_days": "",
            },
        )
        own_case.refresh_from_db()
        after_supplement = (
            own_case.status,
            own_case.due_on,
            own_case.supplement_period_days,
        )
        receive = client.post(
            act_url(own_case, "receive_supplement"), {"received_on": "2025-10-09"}
        )
        own_case.refresh_from_db()
        after_receipt = (own_case.status, own_case.due_on)
        reply = client.post(
            act_url(own_case, "reply"),
            {
                "outcome": "disclosed",
                "replied_on": "2025-10-20",
                "reasons": "",
                "competent_agency_name": "",
            },
        )

    assert form_page.status_code == 200
    assert form_page.context["form"]["requested_on"].value() == date(2025, 10, 20)
    assert [r.status_code for r in (supplement, receive, reply)] == [302, 302, 302]
    assert supplement.url == change_url(own_case)
    assert after_supplement == ("awaiting_supplement", None, 15)
    assert after_receipt == ("in_progress", date(2025, 11, 5))
    own_case.refresh_from_db()
    assert (
        own_case.status,
        own_case.outcome,
        own_case.closed_on,
        own_case.on_time,
    ) == (
        "closed",
        "disclosed",
        date(2025, 10, 20),
        True,
    )
    assert event_kinds(own_case) == [
        "registered",
        "supplement_requested",
        "supplement_received",
        "replied",
    ]
    assert set(
        RequestEvent.objects.filter(request=own_case)
        .exclude(kind="registered")
        .values_list("actor__username", flat=True)
    ) == {"clerk"}


def test_a_refused_transition_shows_the_chinese_reason_and_records_nothing(
    client, clerk, own_case
):
    client.force_login(clerk)

    with at(date(2025, 10, 9)):
        response = client.post(
            act_url(own_case, "receive_supplement"), {"received_on": "2025-10-09"}
        )

    assert response.status_code == 200
    assert response.context["form"].non_field_errors() == [
        "当前状态为“办理中”，不能执行“收到补正”。"
    ]
    assert "当前状态为“办理中”，不能执行“收到补正”。" in response.content.decode()
    assert event_kinds(own_case) == ["registered"]


def test_a_service_error_lands_on_the_field_it_names(client, clerk, own_case):
    client.force_login(clerk)

    with at(date(2025, 10, 9)):
        response = client.post(
            act_url(own_case, "reply"),
            {
                "outcome": "refused.third_party",
                "replied_on": "2025-10-09",
                "reasons": "",
            },
        )

    assert response.status_code == 200
    assert response.context["form"].errors["reasons"] == [
        "不予公开应当告知理由（第三十六条第（三）项）。"
    ]
    assert event_kinds(own_case) == ["registered"]


def test_assigning_a_clerk_from_the_case_page(client, clerk, agency, own_case):
    colleague = make_staff(agency, "clerk", username="colleague")
    client.force_login(clerk)

    response = client.post(act_url(own_case, "assign"), {"clerk": colleague.pk})

    own_case.refresh_from_db()
    assert response.status_code == 302
    assert own_case.assigned_to == colleague
    assert event_kinds(own_case) == ["registered", "assigned"]


def test_an_unknown_action_is_404(client, clerk, own_case):
    client.force_login(clerk)

    assert client.get(act_url(own_case, "approve")).status_code == 404


# --- actions on the selected cases -----------------------------------------------------


def test_a_bulk_action_asks_for_its_form_then_runs_each_case(client, clerk, agency):
    first = register(agency, date(2025, 9, 26))
    second = register(agency, date(2025, 9, 29))
    closed = register(agency, date(2025, 9, 30))
    client.force_login(clerk)
    with at(date(2025, 10, 9)):
        client.post(
            act_url(closed, "withdraw"), {"withdrawn_on": "2025-10-09", "note": ""}
        )
    selected = [first.pk, second.pk, closed.pk]

    with at(date(2025, 10, 10)):
        intermediate = client.post(
            CHANGELIST,
            {"action": "act_extend", ACTION_CHECKBOX_NAME: selected, "index": 0},
        )
        applied = client.post(
            CHANGELIST,
            {
                "action": "act_extend",
                ACTION_CHECKBOX_NAME: selected,
                "approved_on": "2025-10-10",
                "reason": "需要调取多个部门档案",
                "apply": "确定",
            },
        )

    assert intermediate.status_code == 200
    assert sorted(c.reference for c in intermediate.context["cases"]) == sorted(
        [first.reference, second.reference, closed.reference]
    )
    assert intermediate.context["form"]["approved_on"].value() == date(2025, 10, 10)
    assert applied.status_code == 302
    assert sorted(message_texts(applied)) == sorted(
        [
            f"{closed.reference}：当前状态为“已办结”，不能执行“延期答复”。",
            f"已对 2 件申请执行“延期答复”：{second.reference}、{first.reference}",
        ]
    )
    first.refresh_from_db()
    second.refresh_from_db()
    assert (first.extended, first.due_on) == (True, date(2025, 11, 27))
    assert (second.extended, second.due_on) == (True, date(2025, 12, 1))
    assert event_kinds(closed) == ["registered", "withdrawn"]


def test_a_bulk_action_with_an_invalid_form_shows_the_form_again(
    client, clerk, own_case
):
    client.force_login(clerk)

    response = client.post(
        CHANGELIST,
        {
            "action": "act_start_consultation",
            ACTION_CHECKBOX_NAME: [own_case.pk],
            "party": "",
            "started_on": "2025-10-09",
            "apply": "确定",
        },
    )

    assert response.status_code == 200
    assert response.context["form"].errors["party"] == ["该字段是必填项。"]
    assert event_kinds(own_case) == ["registered"]


# --- events, appeals, notifications ----------------------------------------------------


def test_request_events_are_read_only_for_everyone(
    client, clerk, own_case, foreign_case
):
    from django.contrib.admin import site

    event = RequestEvent.objects.get(request=own_case)
    client.force_login(clerk)
    base = "/admin/requests_app/requestevent/"

    listing = client.get(base)
    view = client.get(f"{base}{event.pk}/change/")
    change = client.post(f"{base}{event.pk}/change/", {"kind": "replied"})
    delete = client.get(f"{base}{event.pk}/delete/")
    add = client.get(f"{base}add/")

    assert listing.status_code == 200
    assert [e.request.reference for e in listing.context["cl"].result_list] == [
        own_case.reference
    ]
    assert listing.context["action_form"] is None
    assert view.status_code == 200
    assert (change.status_code, delete.status_code, add.status_code) == (403, 403, 403)
    model_admin = site.get_model_admin(RequestEvent)
    request = listing.wsgi_request
    assert model_admin.has_change_permission(request, event) is False
    assert model_admin.has_delete_permission(request, event) is False
    assert model_admin.has_add_permission(request) is False
    assert RequestEvent.objects.get(pk=event.pk).kind == "registered"


def test_appeal_decided_before_filed_is_refused_on_the_field(
    client, clerk, agency, own_case
):
    client.force_login(clerk)
    data = {
        "agency": agency.pk,
        "reference": "西城复议〔2025〕12号",
        "kind": "reconsideration",
        "filed_on": "2025-11-10",
        "body": "北京市西城区人民政府",
        "request": own_case.pk,
        "result": "upheld",
        "decided_on": "2025-11-01",
        "notes": "",
    }

    refused = client.post("/admin/requests_app/appeal/add/", data)
    accepted = client.post(
        "/admin/requests_app/appeal/add/", {**data, "decided_on": "2026-01-05"}
    )

    assert refused.status_code == 200
    assert refused.context["adminform"].form.errors["decided_on"] == [
        "决定或判决日期不能早于申请或起诉日期（2025-11-10）。"
    ]
    assert accepted.status_code == 302
    appeal = Appeal.objects.get()
    assert (appeal.agency, appeal.request, appeal.decided_on) == (
        agency,
        own_case,
        date(2026, 1, 5),
    )


def test_appeal_choices_and_list_are_limited_to_the_users_agencies(
    client, clerk, other_clerk, agency, other_agency
):
    Appeal.objects.create(
        agency=other_agency,
        reference="XCJW-1",
        kind="complaint",
        filed_on=date(2025, 3, 1),
    )
    mine = Appeal.objects.create(
        agency=agency, reference="XCCG-1", kind="complaint", filed_on=date(2025, 3, 1)
    )
    client.force_login(clerk)

    listing = client.get("/admin/requests_app/appeal/")
    add = client.get("/admin/requests_app/appeal/add/")
    foreign = Appeal.objects.get(reference="XCJW-1")

    assert [a.reference for a in listing.context["cl"].result_list] == [mine.reference]
    assert [
        a.code for a in add.context["adminform"].form.fields["agency"].queryset
    ] == ["XCCG"]
    assert (
        client.get(f"/admin/requests_app/appeal/{foreign.pk}/change/").status_code
        == 404
    )


def test_notifications_list_only_the_users_own(client, clerk, other_clerk):
    Notification.objects.create(user=clerk, key="a", title="申请即将到期")
    Notification.objects.create(user=other_clerk, key="a", title="别人的通知")
    client.force_login(clerk)

    response = client.get("/admin/requests_app/notification/")

    assert [n.title for n in response.context["cl"].result_list] == ["申请即将到期"]


def test_an_appeal_is_decided_later_through_the_appeals_service(client, clerk, agency):
    appeal = Appeal.objects.create(
        agency=agency,
        reference="XCCG-2",
        kind="reconsideration",
        filed_on=date(2025, 3, 1),
    )
    client.force_login(clerk)
    data = {
        "reference": "XCCG-2",
        "kind": "reconsideration",
        "filed_on": "2025-03-01",
        "body": "",
        "request": "",
        "result": "corrected",
        "decided_on": "",
        "notes": "",
    }

    missing_date = client.post(f"/admin/requests_app/appeal/{appeal.pk}/change/", data)
    decided = client.post(
        f"/admin/requests_app/appeal/{appeal.pk}/change/",
        {**data, "decided_on": "2025-05-20"},
    )

    assert missing_date.status_code == 200
    assert missing_date.context["adminform"].form.errors["decided_on"] == [
        "已填写结果，必须填写决定或判决日期。"
    ]
    assert decided.status_code == 302
    appeal.refresh_from_db()
    assert (appeal.agency, appeal.result, appeal.decided_on) == (
        agency,
        "corrected",
        date(2025, 5, 20),
    )


def test_the_list_costs_the_same_queries_for_3_or_30_cases(client, clerk, agency):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    client.force_login(clerk)
    counts = []
    for total in (3, 30):
        while DisclosureRequest.objects.count() < total:
            register(agency, date(2025, 9, 26))
        with at(date(2025, 10, 31)), CaptureQueriesContext(connection) as queries:
            response = client.get(CHANGELIST)
        assert response.context["cl"].result_count == total
        counts.append(len(queries))

    assert counts[0] == counts[1]


@pytest.mark.parametrize(
    "case_action",
    [pytest.param(action, id=f"{action.name}_case") for action in CASE_ACTIONS],
)
def test_each_action_form_asks_for_exactly_its_services_arguments(case_action):
    import inspect

    parameters = set(inspect.signature(case_action.service).parameters)
    fields = case_action.form_class(actor=None).fields

    assert set(fields) == parameters - {"actor", "request_id", "today"}
