"""The letter templates are deployment-wide: only administrators (role admin or a
superuser) add, change or delete them; supervisors and clerks may read them."""

from __future__ import annotations

import pytest

from requests_app.models import LetterTemplate
from tests.factories import UserFactory, make_staff

pytestmark = pytest.mark.django_db

LIST_URL = "/admin/requests_app/lettertemplate/"


@pytest.fixture
def template() -> LetterTemplate:
    return LetterTemplate.objects.get(kind="reply", outcome="disclosed")


@pytest.fixture
def sub_agency_supervisor(agency):
    return make_staff(agency, "supervisor", username="sub_supervisor")


def change_post(template: LetterTemplate) -> dict[str, str]:
    return {
        "kind": template.kind,
        "outcome": template.outcome,
        "title": "被篡改的标题",
        "body": "{applicant}：被篡改的正文。",
    }


@pytest.mark.parametrize("role", ["sub_agency_supervisor", "supervisor", "clerk"])
def test_staff_below_admin_may_read_but_not_write(client, request, template, role):
    client.force_login(request.getfixturevalue(role))
    before = (template.title, template.body, template.updated_at)
    count = LetterTemplate.objects.count()
    url = f"{LIST_URL}{template.pk}/change/"

    listing = client.get(LIST_URL)
    page = client.get(url)
    changed = client.post(url, change_post(template))
    added = client.post(
        f"{LIST_URL}add/",
        {"kind": "reply", "outcome": "", "title": "新模板", "body": "x"},
    )
    deleted = client.post(f"{LIST_URL}{template.pk}/delete/", {"post": "yes"})

    assert (listing.status_code, page.status_code) == (200, 200)
    assert page.context["has_change_permission"] is False
    assert (changed.status_code, added.status_code, deleted.status_code) == (
        403,
        403,
        403,
    )
    template.refresh_from_db()
    assert (template.title, template.body, template.updated_at) == before
    assert LetterTemplate.objects.count() == count


@pytest.mark.parametrize("kind", ["role_admin", "superuser"])
def test_administrators_change_templates(client, district, template, kind):
    if kind == "role_admin":
        user = make_staff(district, "admin", username="administrator")
    else:
        user = UserFactory(username="root", is_staff=True, is_superuser=True)
    client.force_login(user)

    response = client.post(f"{LIST_URL}{template.pk}/change/", change_post(template))

    assert response.status_code == 302
    template.refresh_from_db()
    assert (template.title, template.body) == (
        "被篡改的标题",
        "{applicant}：被篡改的正文。",
    )
