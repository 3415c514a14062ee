"""Attachments of proactive publications: checked by content and size when uploaded in
the admin, and served publicly with the type their content shows."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest
from django.core.files.base import ContentFile
from django.core.files.uploadedfile import SimpleUploadedFile

from disclosure.exceptions import ApplicationError
from disclosure.models import Publication, PublicationAttachment
from disclosure.publications import publication_create
from disclosure.uploads import (
    download_name,
    size_in_words,
    upload_check_size,
    upload_content_type,
)

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
EXECUTABLE = b"MZ\x90\x00\x03\x00\x00\x00\x04\x00\x00\x00\xff\xff\x00\x00"
ADD_URL = "/admin/disclosure/publication/add/"


# --- the pure checks -------------------------------------------------------------------


@pytest.mark.parametrize(
    ("name", "content_type", "expected"),
    [
        pytest.param("a.pdf", "application/pdf", "a.pdf", id="matching_case"),
        pytest.param("a.PDF", "application/pdf", "a.PDF", id="upper_case_case"),
        pytest.param("photo.jpeg", "image/jpeg", "photo.jpeg", id="alias_case"),
        pytest.param("x.html", "application/pdf", "x.pdf", id="wrong_extension_case"),
        pytest.param("notice", "text/plain", "notice.txt", id="no_extension_case"),
        pytest.param(
            "publications/2025/表.xlsx",
            "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
            "表.xlsx",
            id="directory_dropped_case",
        ),
        pytest.param("evil.pdf", None, "evil.pdf", id="unknown_type_case"),
    ],
)
def test_download_name_follows_the_real_type(name, content_type, expected):
    assert download_name(name, content_type) == expected


@pytest.mark.parametrize(
    ("size", "expected"),
    [
        pytest.param(10 * 1024 * 1024, "10MB", id="whole_megabytes_case"),
        pytest.param(1536 * 1024, "1.5MB", id="fractional_megabytes_case"),
        pytest.param(2048, "2KB", id="kilobytes_case"),
        pytest.param(10, "10字节", id="bytes_case"),
    ],
)
def test_size_in_words(size, expected):
    assert size_in_words(size) == expected


@pytest.mark.parametrize(
    ("data", "limit", "reason"),
    [
        pytest.param(EXECUTABLE, 1024, "wrong_type", id="executable_case"),
        pytest.param(PDF, 10, "too_large", id="too_large_case"),
        pytest.param(b"", 1024, "empty", id="empty_case"),
    ],
)
def test_upload_content_type_refuses(data, limit, reason):
    with pytest.raises(ApplicationError) as excinfo:
        upload_content_type(data=data, limit=limit)

    assert (excinfo.value.field, excinfo.value.extra["reason"]) == (
        "attachment",
        reason,
    )


def test_size_is_checked_before_reading():
    with pytest.raises(ApplicationError, match="附件不能超过2KB。"):
        upload_check_size(size=2049, limit=2048)


def test_a_real_pdf_passes():
    assert upload_content_type(data=PDF, limit=1024) == "application/pdf"


# --- the admin -------------------------------------------------------------------------


def publication_post(agency, upload: SimpleUploadedFile) -> dict[str, object]:
    return {
        "agency": agency.pk,
        "reference": "XCCG-GK-10",
        "title": "关于占道经营整治的通告",
        "document_number": "",
        "category": "penalty",
        "issued_on": "2025-03-03",
        "published_on": "2025-03-05",
        "repealed_on": "",
        "summary": "",
        "postings-TOTAL_FORMS": "0",
        "postings-INITIAL_FORMS": "0",
        "attachments-TOTAL_FORMS": "1",
        "attachments-INITIAL_FORMS": "0",
        "attachments-0-title": "通告全文",
        "attachments-0-file": upload,
    }


def stored_files(root: Path) -> list[Path]:
    return [path for path in root.rglob("*") if path.is_file()]


@pytest.mark.django_db
def test_executable_named_pdf_is_refused_and_nothing_saved(
    client, clerk, agency, settings, tmp_path
):
    settings.MEDIA_ROOT = tmp_path
    client.force_login(clerk)
    upload = SimpleUploadedFile("evil.pdf", EXECUTABLE, content_type="application/pdf")

    response = client.post(ADD_URL, publication_post(agency, upload))

    assert response.status_code == 200
    formset = response.context["inline_admin_formsets"][1].formset
    assert formset.errors == [
        {
            "file": [
                "文件“evil.pdf”未保存："
                "只接受PDF、PNG、JPEG、DOCX、XLSX或纯文本文件（按文件内容判断）。"
            ]
        }
    ]
    assert "文件“evil.pdf”未保存" in response.content.decode()
    assert (Publication.objects.count(), PublicationAttachment.objects.count()) == (
        0,
        0,
    )
    assert stored_files(tmp_path) == []


@pytest.mark.django_db
def test_too_large_file_is_refused_and_nothing_saved(
    client, clerk, agency, settings, tmp_path
):
    settings.MEDIA_ROOT = tmp_path
    settings.GONGKAI_MAX_ATTACHMENT_BYTES = 2048
    client.force_login(clerk)
    upload = SimpleUploadedFile(
        "big.pdf", PDF + b"0" * 2048, content_type="application/pdf"
    )

    response = client.post(ADD_URL, publication_post(agency, upload))

    assert response.status_code == 200
    formset = response.context["inline_admin_formsets"][1].formset
    assert formset.errors == [{"file": ["文件“big.pdf”未保存：附件不能超过2KB。"]}]
    assert (Publication.objects.count(), PublicationAttachment.objects.count()) == (
        0,
        0,
    )
    assert stored_files(tmp_path) == []


@pytest.mark.django_db
def test_real_pdf_is_accepted_and_served_as_pdf(
    client, clerk, agency, settings, tmp_path
):
    settings.MEDIA_ROOT = tmp_path
    client.force_login(clerk)
    upload = SimpleUploadedFile("tonggao.pdf", PDF, content_type="application/pdf")

    response = client.post(ADD_URL, publication_post(agency, upload))

    assert response.status_code == 302
    attachment = PublicationAttachment.objects.get()
    assert (attachment.publication.reference, attachment.title) == (
        "XCCG-GK-10",
        "通告全文",
    )
    client.logout()
    download = client.get(
        f"/publications/{attachment.publication_id}/attachments/{attachment.pk}/"
    )
    assert download.status_code == 200
    assert download["Content-Type"] == "application/pdf"
    assert download["Content-Disposition"] == 'attachment; filename="tonggao.pdf"'
    assert download["X-Content-Type-Options"] == "nosniff"
    assert b"".join(download.streaming_content) == PDF


@pytest.mark.django_db
def test_a_stored_attachment_does_not_block_editing_the_publication(
    client, clerk, agency, settings, tmp_path
):
    """Files already stored were checked when uploaded (or predate the check): saving
    the publication again does not re-judge them."""
    settings.MEDIA_ROOT = tmp_path
    publication = publication_create(
        agency=agency,
        reference="XCCG-GK-11",
        title="旧通告",
        category="penalty",
        published_on=date(2025, 3, 5),
    )
    attachment = PublicationAttachment(publication=publication, title="旧附件")
    attachment.file.save("old.bin", ContentFile(EXECUTABLE), save=True)

    attachment.full_clean()

    assert PublicationAttachment.objects.get().title == "旧附件"


# --- serving ---------------------------------------------------------------------------


@pytest.mark.django_db
def test_a_stored_file_is_served_by_its_content_not_its_name(
    client, agency, settings, tmp_path
):
    """A file that reached storage before the check (or around it) is never served
    under the type its name claims."""
    settings.MEDIA_ROOT = tmp_path
    publication = publication_create(
        agency=agency,
        reference="XCCG-GK-12",
        title="旧通告",
        category="penalty",
        published_on=date(2025, 3, 5),
    )
    evil = PublicationAttachment(publication=publication)
    evil.file.save("evil.pdf", ContentFile(EXECUTABLE), save=True)
    renamed = PublicationAttachment(publication=publication)
    renamed.file.save("scan.html", ContentFile(PDF), save=True)
    base = f"/publications/{publication.pk}/attachments/"

    evil_response = client.get(f"{base}{evil.pk}/")
    renamed_response = client.get(f"{base}{renamed.pk}/")

    assert (
        evil_response["Content-Type"],
        evil_response["Content-Disposition"],
        evil_response["X-Content-Type-Options"],
    ) == ("application/octet-stream", 'attachment; filename="evil.pdf"', "nosniff")
    assert (
        renamed_response["Content-Type"],
        renamed_response["Content-Disposition"],
    ) == ("application/pdf", 'attachment; filename="scan.pdf"')


@pytest.mark.django_db
def test_plain_text_is_served_as_utf8(client, agency, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    publication = publication_create(
        agency=agency,
        reference="XCCG-GK-13",
        title="说明",
        category="penalty",
        published_on=date(2025, 3, 5),
    )
    attachment = PublicationAttachment(publication=publication)
    attachment.file.save("readme.txt", ContentFile("说明文字".encode()), save=True)

    response = client.get(
        f"/publications/{publication.pk}/attachments/{attachment.pk}/"
    )

    assert response["Content-Type"] == "text/plain; charset=utf-8"
    assert b"".join(response.streaming_content).decode() == "说明文字"
