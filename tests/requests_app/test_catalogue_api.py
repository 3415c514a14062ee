"""Staff API for publications and appeals: shapes, scoping (404 for another agency's
object), validation errors per field, and the OpenAPI document."""

from __future__ import annotations

from datetime import date

import pytest
from rest_framework.test import APIClient

from disclosure.models import Publication
from disclosure.publications import publication_create
from requests_app.appeals import appeal_create
from requests_app.models import Appeal
from tests.factories import register

pytestmark = pytest.mark.django_db


@pytest.fixture
def other_client(other_clerk):
    client = APIClient()
    client.force_authenticate(other_clerk)
    return client


@pytest.fixture
def publication(agency):
    return publication_create(
        agency=agency,
        reference="XCCG/2025-00001",
        title="2025年部门预算",
        category="fiscal",
        issued_on=date(2025, 9, 26),
        published_on=date(2025, 10, 31),
        key_area=True,
        channels=["website", "wechat"],
    )


def test_publication_detail_shape(clerk_client, publication):
    response = clerk_client.get(f"/api/v1/publications/{publication.pk}/")
    assert response.status_code == 200
    assert response.json() == {
        "id": publication.pk,
        "agency": "XCCG",
        "agency_name": "北京市西城区城市管理监督指挥中心",
        "reference": "XCCG/2025-00001",
        "title": "2025年部门预算",
        "document_number": "",
        "category": "fiscal",
        "category_label": "财政预决算、“三公”经费和行政经费",
        "key_area": True,
        "issued_on": "2025-09-26",
        "published_on": "2025-10-31",
        "repealed_on": None,
        "summary": "",
        "channels": ["website", "wechat"],
        "postings": [
            {"channel": "website", "posted_on": "2025-10-31", "url": ""},
            {"channel": "wechat", "posted_on": "2025-10-31", "url": ""},
        ],
        "publish_due_on": "2025-10-30",
        "late": True,
    }


def test_publication_of_another_agency_is_not_found(other_client, publication):
    response = other_client.get(f"/api/v1/publications/{publication.pk}/")
    assert (response.status_code, response.json()) == (404, {"detail": "未找到。"})
    missing = other_client.get("/api/v1/publications/999999/")
    assert (missing.status_code, missing.json()) == (404, {"detail": "未找到。"})
    patch = other_client.patch(
        f"/api/v1/publications/{publication.pk}/", {"title": "X"}, format="json"
    )
    assert patch.status_code == 404
    publication.refresh_from_db()
    assert publication.title == "2025年部门预算"


def test_publication_list_is_scoped_and_filtered(
    clerk_client, other_client, publication, agency
):
    publication_create(
        agency=agency,
        reference="R-2",
        title="规划",
        category="plan",
        published_on=date(2024, 5, 6),
    )
    body = clerk_client.get("/api/v1/publications/").json()
    assert body["count"] == 2
    assert [item["reference"] for item in body["results"]] == ["XCCG/2025-00001", "R-2"]
    filtered = clerk_client.get("/api/v1/publications/", {"year": 2024}).json()
    assert [item["reference"] for item in filtered["results"]] == ["R-2"]
    keyed = clerk_client.get("/api/v1/publications/", {"key_area": "true"}).json()
    assert [item["reference"] for item in keyed["results"]] == ["XCCG/2025-00001"]
    assert other_client.get("/api/v1/publications/").json()["count"] == 0


def test_publication_create_and_update(clerk_client):
    response = clerk_client.post(
        "/api/v1/publications/",
        {
            "agency": "XCCG",
            "reference": "R-9",
            "title": "行政处罚结果公示",
            "category": "penalty",
            "published_on": "2025-03-03",
            "issued_on": "2025-02-28",
            "channels": ["website"],
        },
        format="json",
    )
    assert response.status_code == 201
    created = response.json()
    assert (created["channels"], created["late"], created["publish_due_on"]) == (
        ["website"],
        False,
        "2025-03-28",
    )
    response = clerk_client.patch(
        f"/api/v1/publications/{created['id']}/",
        {"repealed_on": "2025-12-31", "channels": ["website", "bulletin"]},
        format="json",
    )
    assert response.status_code == 200
    assert response.json()["repealed_on"] == "2025-12-31"
    assert response.json()["channels"] == ["website", "bulletin"]


def test_publication_create_errors(clerk_client, other_agency):
    bad = clerk_client.post(
        "/api/v1/publications/",
        {
            "agency": "XCCG",
            "reference": "R-1",
            "title": "T",
            "category": "gossip",
            "published_on": "2025-03-03",
        },
        format="json",
    )
    assert (bad.status_code, bad.json()) == (
        400,
        {"category": ["未知的信息类别“gossip”。"]},
    )
    other = clerk_client.post(
        "/api/v1/publications/",
        {
            "agency": other_agency.code,
            "reference": "R-1",
            "title": "T",
            "category": "plan",
            "published_on": "2025-03-03",
        },
        format="json",
    )
    assert (other.status_code, other.json()) == (
        400,
        {"agency": ["未知的机关代码“XCJW”。"]},
    )
    assert Publication.objects.count() == 0


def test_anonymous_is_told_to_authenticate(api_client, publication):
    """401 with ``WWW-Authenticate: Token``, as on /api/v1/requests/ (not 403)."""
    answers = [
        api_client.get(url)
        for url in (
            "/api/v1/publications/",
            f"/api/v1/publications/{publication.pk}/",
            "/api/v1/appeals/",
            "/api/v1/appeals/1/",
        )
    ]

    assert [
        (answer.status_code, answer["WWW-Authenticate"], answer.json())
        for answer in answers
    ] == [(401, "Token", {"detail": "身份认证信息未提供。"})] * 4


def test_appeal_create_detail_update(clerk_client, agency):
    case = register(agency, date(2025, 3, 3))
    response = clerk_client.post(
        "/api/v1/appeals/",
        {
            "agency": "XCCG",
            "reference": "西城复议〔2025〕1号",
            "kind": "reconsideration",
            "filed_on": "2025-04-01",
            "request_reference": case.reference,
            "body": "北京市西城区人民政府",
        },
        format="json",
    )
    assert response.status_code == 201
    appeal_id = response.json()["id"]
    assert response.json() == {
        "id": appeal_id,
        "agency": "XCCG",
        "agency_name": "北京市西城区城市管理监督指挥中心",
        "reference": "西城复议〔2025〕1号",
        "kind": "reconsideration",
        "kind_label": "行政复议",
        "filed_on": "2025-04-01",
        "body": "北京市西城区人民政府",
        "result": "",
        "result_label": "",
        "decided_on": None,
        "pending": True,
        "request": case.pk,
        "request_reference": case.reference,
        "notes": "",
    }
    response = clerk_client.patch(
        f"/api/v1/appeals/{appeal_id}/",
        {"result": "corrected", "decided_on": "2025-06-30", "request_reference": ""},
        format="json",
    )
    assert response.status_code == 200
    body = response.json()
    assert (body["result"], body["result_label"], body["pending"], body["request"]) == (
        "corrected",
        "结果纠正",
        False,
        None,
    )


def test_appeal_errors_and_scoping(clerk_client, other_client, agency, other_agency):
    other_case = register(other_agency, date(2025, 3, 3))
    unknown = clerk_client.post(
        "/api/v1/appeals/",
        {
            "agency": "XCCG",
            "reference": "FY-1",
            "kind": "reconsideration",
            "filed_on": "2025-04-01",
            "request_reference": other_case.reference,
        },
        format="json",
    )
    assert (unknown.status_code, unknown.json()) == (
        400,
        {"request_reference": [f"该机关没有编号为“{other_case.reference}”的申请。"]},
    )
    early = clerk_client.post(
        "/api/v1/appeals/",
        {
            "agency": "XCCG",
            "reference": "FY-1",
            "kind": "reconsideration",
            "filed_on": "2025-04-01",
            "result": "upheld",
            "decided_on": "2025-03-01",
        },
        format="json",
    )
    assert (early.status_code, early.json()) == (
        400,
        {"decided_on": ["决定或判决日期不能早于申请或起诉日期（2025-04-01）。"]},
    )
    assert Appeal.objects.count() == 0
    appeal = appeal_create(
        agency=agency, reference="FY-2", kind="complaint", filed_on=date(2025, 5, 6)
    )
    assert other_client.get(f"/api/v1/appeals/{appeal.pk}/").status_code == 404
    assert other_client.get("/api/v1/appeals/").json()["count"] == 0
    listed = clerk_client.get(
        "/api/v1/appeals/", {"pending": "true", "kind": "complaint"}
    )
    assert [item["reference"] for item in listed.json()["results"]] == ["FY-2"]


def test_schema_documents_the_catalogue(clerk_client):
    response = clerk_client.get("/api/schema/", {"format": "json"})
    assert response.status_code == 200
    paths = response.json()["paths"]
    assert set(paths["/api/v1/publications/"]) == {"get", "post"}
    assert set(paths["/api/v1/publications/{publication_id}/"]) == {
        "get",
        "put",
        "patch",
    }
    assert set(paths["/api/v1/appeals/"]) == {"get", "post"}
    assert set(paths["/api/v1/appeals/{appeal_id}/"]) == {"get", "put", "patch"}
