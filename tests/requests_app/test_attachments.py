"""Attachments: type by content, size limit, private storage, access-checked download,
retention."""

from datetime import date
from pathlib import Path

import pytest
from django.conf import settings
from django.test import Client

from disclosure.exceptions import ApplicationError
from requests_app.attachments import (
    attachment_add,
    attachments_purge_expired,
    sniff_content_type,
)
from requests_app.models import Attachment
from requests_app.services import request_reply
from tests.factories import register

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


@pytest.mark.parametrize(
    ("data", "expected"),
    [
        (PDF, "application/pdf"),
        (b"\x89PNG\r\n\x1a\n" + b"\x00" * 20, "image/png"),
        (b"\xff\xd8\xff\xe0" + b"\x00" * 20, "image/jpeg"),
        ("申请内容补充说明".encode(), "text/plain"),
        (b"MZ\x90\x00\x03\x00\x00\x00", None),  # a Windows executable named .pdf
        (b"PK\x03\x04garbage", None),
    ],
)
def test_sniff_by_content(data, expected):
    assert sniff_content_type(data) == expected


@pytest.fixture
def private_root(tmp_path, settings):
    settings.MEDIA_ROOT = tmp_path
    return tmp_path


@pytest.mark.django_db
def test_add_and_download(agency, clerk, other_clerk, private_root):
    case = register(agency, date(2025, 9, 26))
    attachment = attachment_add(
        disclosure_request=case, name="../../证明.pdf", data=PDF
    )
    assert attachment.content_type == "application/pdf"
    assert attachment.original_name == ".._.._证明.pdf"
    assert str(private_root) in attachment.file.path
    assert not attachment.file.path.startswith(str(settings.STATIC_ROOT))
    client = Client()
    url = f"/staff/attachments/{attachment.pk}/"
    assert client.get(url).status_code == 302  # to the login page
    client.force_login(other_clerk)
    assert client.get(url).status_code == 404
    client.force_login(clerk)
    response = client.get(url)
    assert response.status_code == 200
    assert b"".join(response.streaming_content) == PDF


@pytest.mark.django_db
def test_refuses_wrong_type_and_oversize(agency, private_root, settings):
    case = register(agency, date(2025, 9, 26))
    with pytest.raises(ApplicationError) as excinfo:
        attachment_add(disclosure_request=case, name="x.pdf", data=b"MZ\x90\x00")
    assert excinfo.value.field == "attachment"
    settings.GONGKAI_MAX_ATTACHMENT_BYTES = 10
    with pytest.raises(ApplicationError, match="不能超过"):
        attachment_add(disclosure_request=case, name="x.pdf", data=PDF)
    assert Attachment.objects.count() == 0


@pytest.mark.django_db
def test_retention_purges_closed_cases_only(agency, clerk, private_root, settings):
    settings.GONGKAI_ATTACHMENT_RETENTION_DAYS = 365
    closed = register(agency, date(2024, 3, 1))
    request_reply(
        actor=clerk,
        request_id=closed.pk,
        outcome="disclosed",
        replied_on=date(2024, 3, 15),
        today=date(2026, 11, 29),
    )
    still_open = register(agency, date(2024, 3, 1))
    old = attachment_add(disclosure_request=closed, name="a.pdf", data=PDF)
    kept = attachment_add(disclosure_request=still_open, name="b.pdf", data=PDF)
    path = old.file.path
    assert attachments_purge_expired(today=date(2025, 3, 16)) == 1
    assert not Attachment.objects.filter(pk=old.pk).exists()
    assert Attachment.objects.filter(pk=kept.pk).exists()
    assert not Path(path).exists()
