"""The shared-core admin: permissions from disclosure.access, agencies through their
services, entering a year's holiday schedule, publications and annual statistics."""

from __future__ import annotations

from datetime import date

import pytest

from disclosure.admin_forms import schedule_expand
from disclosure.models import (
    Agency,
    AnnualStatistics,
    CalendarDay,
    CalendarYear,
    Publication,
    PublicationPosting,
)
from disclosure.selectors import calendar_get
from tests.factories import make_agency, make_staff

LOAD = "/admin/disclosure/calendaryear/load/"
NOTICE = "国务院办公厅关于2027年部分节假日安排的通知（国办发明电〔2026〕7号）"
SCHEDULE_2027 = """\
2027-01-01~2027-01-03,元旦
2027-02-05~2027-02-12,春节
2027-02-14,workday,春节
2027-02-20,上班,春节
"""


@pytest.fixture
def administrator(district):
    return make_staff(district, "admin", username="administrator")


# --- the calendar ----------------------------------------------------------------------


def test_schedule_expand_turns_ranges_into_one_line_per_day():
    expanded = schedule_expand("2027-02-05~2027-02-07,春节\n2027-02-14,上班,春节\n")

    assert expanded.csv_text.splitlines() == [
        "2027-02-05,holiday,春节",
        "2027-02-06,holiday,春节",
        "2027-02-07,holiday,春节",
        "2027-02-14,workday,春节",
    ]
    assert expanded.source_lines == (1, 1, 1, 2)
    assert expanded.errors == ()


@pytest.mark.django_db
def test_loading_2027_from_the_admin_marks_it_official(client, administrator):
    client.force_login(administrator)

    form_page = client.get(LOAD)
    response = client.post(LOAD, {"notice": NOTICE, "schedule": SCHEDULE_2027})

    assert form_page.status_code == 200
    assert response.status_code == 302
    assert response.url == "/admin/disclosure/calendaryear/"
    year = CalendarYear.objects.get(year=2027)
    assert (year.official, year.notice, year.loaded_by) == (True, NOTICE, administrator)
    days = list(
        CalendarDay.objects.filter(day__year=2027).values_list(
            "day", "kind", "name", "notice"
        )
    )
    assert len(days) == 13
    assert days[0] == (date(2027, 1, 1), "holiday", "元旦", NOTICE)
    assert [(day, kind) for day, kind, _, _ in days if kind == "workday"] == [
        (date(2027, 2, 14), "workday"),
        (date(2027, 2, 20), "workday"),
    ]
    calendar = calendar_get()
    assert calendar.is_official_year(2027)
    assert calendar.is_workday(date(2027, 2, 14)) is True
    assert calendar.is_workday(date(2027, 2, 8)) is False


@pytest.mark.django_db
def test_a_malformed_schedule_names_its_lines_and_writes_nothing(client, administrator):
    before = list(CalendarDay.objects.filter(day__year=2027).values_list("day", "kind"))
    client.force_login(administrator)

    response = client.post(
        LOAD,
        {
            "notice": NOTICE,
            "schedule": "2027-01-01,holiday,元旦\n2027-02-12~2027-02-05,春节\n"
            "2027-13-01,holiday,错\n2027-02-14,rest,春节\n",
        },
    )

    assert response.status_code == 200
    assert response.context["form"].errors["schedule"] == [
        "第 2 行：区间的结束日期早于开始日期",
        "第 3 行: bad date '2027-13-01' (YYYY-MM-DD)",
        "第 4 行: unknown kind 'rest' (holiday or workday)",
    ]
    assert "第 3 行" in response.content.decode()
    assert CalendarYear.objects.get(year=2027).official is False
    assert (
        list(CalendarDay.objects.filter(day__year=2027).values_list("day", "kind"))
        == before
    )


@pytest.mark.django_db
def test_only_administrators_may_load_a_calendar(client, clerk, supervisor):
    for user in (clerk, supervisor):
        client.force_login(user)
        assert client.get(LOAD).status_code == 403
        assert (
            client.post(LOAD, {"notice": NOTICE, "schedule": SCHEDULE_2027}).status_code
            == 403
        )
    assert CalendarYear.objects.get(year=2027).official is False


@pytest.mark.django_db
def test_calendar_lists_are_read_only_for_staff(client, clerk):
    client.force_login(clerk)

    years = client.get("/admin/disclosure/calendaryear/")
    days = client.get("/admin/disclosure/calendarday/")

    assert years.status_code == 200
    assert "录入新一年节假日安排" not in years.content.decode()
    assert days.status_code == 200
    assert client.get("/admin/disclosure/calendarday/add/").status_code == 403


# --- agencies --------------------------------------------------------------------------


def agency_post(**overrides):
    data = {
        "code": "XCCZ",
        "name": "北京市西城区财政局",
        "parent": "",
        "accepted_channels": ["online", "letter"],
        "supplement_period_days": "10",
        "letter_prefix": "西城财公开",
        "address": "",
        "postcode": "",
        "phone": "",
        "email": "",
        "website": "",
    }
    data.update(overrides)
    return data


@pytest.mark.django_db
def test_an_administrator_creates_an_agency_through_the_service(
    client, administrator, district
):
    client.force_login(administrator)

    response = client.post(
        "/admin/disclosure/agency/add/", agency_post(parent=district.pk)
    )

    assert response.status_code == 302
    agency = Agency.objects.get(code="XCCZ")
    assert (
        agency.path,
        agency.parent,
        agency.accepted_channels,
        agency.supplement_period_days,
    ) == (
        "/XC/XCCZ/",
        district,
        ["online", "letter"],
        10,
    )


@pytest.mark.django_db
def test_moving_an_agency_moves_its_subtree(client, administrator, district, agency):
    child = make_agency("XCCG1", parent=agency)
    root = make_agency("DC", name="北京市东城区人民政府")
    client.force_login(administrator)

    response = client.post(
        f"/admin/disclosure/agency/{agency.pk}/change/",
        agency_post(
            code="XCCG",
            name=agency.name,
            parent=root.pk,
            letter_prefix=agency.letter_prefix,
            supplement_period_days="15",
        ),
    )

    assert response.status_code == 302
    agency.refresh_from_db()
    child.refresh_from_db()
    assert (agency.path, child.path) == ("/DC/XCCG/", "/DC/XCCG/XCCG1/")


@pytest.mark.django_db
def test_the_services_refusal_shows_on_the_parent_field(
    client, administrator, district, agency
):
    client.force_login(administrator)

    response = client.post(
        f"/admin/disclosure/agency/{district.pk}/change/",
        agency_post(code="XC", name=district.name, parent=agency.pk),
    )

    assert response.status_code == 200
    assert response.context["adminform"].form.errors["parent"] == [
        "不能把机关移到自己的下级机关之下。"
    ]
    district.refresh_from_db()
    assert (district.path, district.parent) == ("/XC/", None)


@pytest.mark.django_db
def test_staff_see_their_own_agencies_and_cannot_change_them(
    client, clerk, supervisor, agency, other_agency
):
    client.force_login(clerk)
    clerk_list = client.get("/admin/disclosure/agency/")
    clerk_add = client.get("/admin/disclosure/agency/add/")
    clerk_post = client.post(
        f"/admin/disclosure/agency/{agency.pk}/change/", agency_post(code="XCCG")
    )
    foreign = client.get(f"/admin/disclosure/agency/{other_agency.pk}/change/")
    client.force_login(supervisor)
    supervisor_list = client.get("/admin/disclosure/agency/")

    assert [a.code for a in clerk_list.context["cl"].result_list] == ["XCCG"]
    assert (clerk_add.status_code, clerk_post.status_code, foreign.status_code) == (
        403,
        403,
        404,
    )
    assert [a.code for a in supervisor_list.context["cl"].result_list] == [
        "XC",
        "XCCG",
        "XCJW",
    ]


@pytest.mark.django_db
def test_users_are_managed_by_administrators_only(client, administrator, clerk):
    client.force_login(clerk)
    assert client.get("/admin/disclosure/user/").status_code == 403

    client.force_login(administrator)
    page = client.get(f"/admin/disclosure/user/{clerk.pk}/change/")

    assert page.status_code == 200
    assert "display_name" in page.context["adminform"].form.fields
    assert "is_superuser" not in page.context["adminform"].form.fields
    assert (
        page.context["inline_admin_formsets"][0].formset.queryset.get().role == "clerk"
    )


# --- publications ----------------------------------------------------------------------


@pytest.mark.django_db
def test_the_art26_column_flags_publications_published_late(
    client, clerk, agency, other_agency
):
    late = Publication.objects.create(
        agency=agency,
        reference="XCCG-GK-1",
        title="2025年第三季度执法统计",
        category="statistics",
        issued_on=date(2025, 9, 1),
        published_on=date(2025, 9, 29),  # 21 working days after issue
    )
    on_time = Publication.objects.create(
        agency=agency,
        reference="XCCG-GK-2",
        title="城市管理工作规划",
        category="plan",
        issued_on=date(2025, 9, 1),
        published_on=date(2025, 9, 28),  # 20: the make-up Sunday is the 20th
    )
    undated = Publication.objects.create(
        agency=agency,
        reference="XCCG-GK-3",
        title="机构职能",
        category="organisation",
        published_on=date(2025, 9, 30),
    )
    Publication.objects.create(
        agency=other_agency,
        reference="XCJW-GK-1",
        title="别的机关",
        category="other",
        published_on=date(2025, 9, 30),
    )
    client.force_login(clerk)

    response = client.get("/admin/disclosure/publication/")

    lateness = {p.reference: p.gongkai_late for p in response.context["cl"].result_list}
    assert lateness == {
        late.reference: True,
        on_time.reference: False,
        undated.reference: None,
    }
    assert response.content.decode().count("超过20个工作日") == 1


@pytest.mark.django_db
def test_a_clerk_adds_a_publication_with_its_postings(
    client, clerk, agency, other_agency
):
    client.force_login(clerk)
    data = {
        "agency": agency.pk,
        "reference": "XCCG-GK-9",
        "title": "关于占道经营整治的通告",
        "document_number": "",
        "category": "penalty",
        "issued_on": "2025-03-03",
        "published_on": "2025-03-05",
        "repealed_on": "",
        "summary": "",
        "postings-TOTAL_FORMS": "2",
        "postings-INITIAL_FORMS": "0",
        "postings-0-channel": "website",
        "postings-0-posted_on": "2025-03-05",
        "postings-0-url": "www.bjxch.gov.cn/gk/9.html",
        "postings-1-channel": "wechat",
        "postings-1-posted_on": "2025-03-06",
        "postings-1-url": "",
        "attachments-TOTAL_FORMS": "0",
        "attachments-INITIAL_FORMS": "0",
    }

    add_page = client.get("/admin/disclosure/publication/add/")
    response = client.post("/admin/disclosure/publication/add/", data)
    foreign = client.post(
        "/admin/disclosure/publication/add/",
        {**data, "agency": other_agency.pk, "reference": "XCJW-GK-9"},
    )

    assert [
        a.code for a in add_page.context["adminform"].form.fields["agency"].queryset
    ] == ["XCCG"]
    assert response.status_code == 302
    publication = Publication.objects.get()
    assert list(
        PublicationPosting.objects.filter(publication=publication)
        .order_by("channel")
        .values_list("channel", "posted_on", "url")
    ) == [
        ("website", date(2025, 3, 5), "https://www.bjxch.gov.cn/gk/9.html"),
        ("wechat", date(2025, 3, 6), ""),
    ]
    assert foreign.status_code == 200
    assert "agency" in foreign.context["adminform"].form.errors
    assert Publication.objects.count() == 1


# --- annual statistics -----------------------------------------------------------------


@pytest.mark.django_db
def test_annual_statistics_are_for_supervisors_grouped_by_report_section(
    client, clerk, supervisor, agency
):
    client.force_login(clerk)
    clerk_page = client.get("/admin/disclosure/annualstatistics/")
    client.force_login(supervisor)
    form_page = client.get("/admin/disclosure/annualstatistics/add/")
    saved = client.post(
        "/admin/disclosure/annualstatistics/add/",
        {
            "agency": agency.pk,
            "year": "2024",
            "licensing_decisions": "12",
            "admin_fees_wan_yuan": "3.5",
        },
    )

    assert clerk_page.status_code == 403
    assert [fieldset.name for fieldset in form_page.context["adminform"]] == [
        None,
        "表二 主动公开政府信息情况",
        "旧版年报（2019年以前格式）",
        "旧版年报 各渠道公开条数",
    ]
    content = form_page.content.decode()
    assert "表二 第二十条第（五）项 行政许可 本年处理决定数量" in content
    assert saved.status_code == 302
    statistics = AnnualStatistics.objects.get()
    assert (statistics.agency, statistics.year, statistics.licensing_decisions) == (
        agency,
        2024,
        12,
    )
    assert str(statistics.admin_fees_wan_yuan) == "3.5000"


# --- every page of these admins renders for every role ---------------------------------

OWN_MODELS = (
    "disclosure/agency",
    "disclosure/user",
    "disclosure/calendaryear",
    "disclosure/calendarday",
    "disclosure/publication",
    "disclosure/annualstatistics",
    "requests_app/disclosurerequest",
    "requests_app/requestevent",
    "requests_app/appeal",
    "requests_app/lettertemplate",
    "requests_app/notification",
)
EXPECTED_LIST_STATUS = {
    # model: (clerk, supervisor, administrator)
    "disclosure/user": (403, 403, 200),
    "disclosure/annualstatistics": (403, 200, 200),
}


@pytest.mark.django_db
@pytest.mark.parametrize("model", OWN_MODELS)
def test_every_list_and_add_page_answers_without_error(
    client, model, clerk, supervisor, administrator, agency
):
    from tests.factories import register

    register(agency, date(2025, 9, 26))
    statuses = []
    for user in (clerk, supervisor, administrator):
        client.force_login(user)
        listing = client.get(f"/admin/{model}/")
        add = client.get(f"/admin/{model}/add/")
        assert add.status_code in (200, 403)
        statuses.append(listing.status_code)

    assert tuple(statuses) == EXPECTED_LIST_STATUS.get(model, (200, 200, 200))


@pytest.mark.django_db
def test_the_admin_index_lists_the_models_by_role(client, clerk, administrator):
    client.force_login(clerk)
    clerk_models = {
        model["object_name"]
        for app in client.get("/admin/").context["app_list"]
        for model in app["models"]
        if app["app_label"] in ("disclosure", "requests_app")
    }
    client.force_login(administrator)
    admin_models = {
        model["object_name"]
        for app in client.get("/admin/").context["app_list"]
        for model in app["models"]
        if app["app_label"] in ("disclosure", "requests_app")
    }

    assert clerk_models == {
        "Agency",
        "CalendarYear",
        "CalendarDay",
        "Publication",
        "DisclosureRequest",
        "RequestEvent",
        "LedgerChange",
        "Appeal",
        "LetterTemplate",
        "Notification",
    }
    assert admin_models == clerk_models | {"User", "AnnualStatistics"}
