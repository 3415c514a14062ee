"""Attachments to an application: checked by content (not by name), size-limited, stored
outside the web root and served only after an access check."""

from __future__ import annotations

import zipfile
from datetime import timedelta
from io import BytesIO

from django.conf import settings
from django.core.files.base import ContentFile
from django.db import transaction
from django.utils import timezone

from disclosure.exceptions import ApplicationError
from disclosure.models import User
from requests_app.models import Attachment, DisclosureRequest
from requests_app.selectors import request_get_for_staff
from requests_app.workflow import Status

ALLOWED_TYPES = {
    "application/pdf": ".pdf",
    "image/png": ".png",
    "image/jpeg": ".jpg",
    "application/vnd.openxmlformats-officedocument.wordprocessingml.document": ".docx",
    "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet": ".xlsx",
    "text/plain": ".txt",
}


def sniff_content_type(data: bytes) -> str | None:
    """The file's type from its first bytes; None when it is not an allowed type."""
    if data.startswith(b"%PDF-"):
        return "application/pdf"
    if data.startswith(b"\x89PNG\r\n\x1a\n"):
        return "image/png"
    if data.startswith(b"\xff\xd8\xff"):
        return "image/jpeg"
    if data.startswith(b"PK\x03\x04"):
        try:
            names = set(zipfile.ZipFile(BytesIO(data)).namelist())
        except zipfile.BadZipFile:
            return None
        if "word/document.xml" in names:
            return "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
        if "xl/workbook.xml" in names:
            return "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
        return None
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError:
        return None
    if "\x00" in text:
        return None
    return "text/plain"


@transaction.atomic
def attachment_add(
    *, disclosure_request: DisclosureRequest, name: str, data: bytes
) -> Attachment:
    """Store an uploaded file on the case after checking its size and real type."""
    limit = settings.GONGKAI_MAX_ATTACHMENT_BYTES
    if len(data) > limit:
        raise ApplicationError(
            f"附件不能超过{limit // (1024 * 1024)}MB。", field="attachment"
        )
    if not data:
        raise ApplicationError("附件是空文件。", field="attachment")
    content_type = sniff_content_type(data)
    if content_type is None:
        raise ApplicationError(
            "只接受PDF、PNG、JPEG、DOCX、XLSX或纯文本文件（按文件内容判断）。",
            field="attachment",
        )
    safe_name = (name or "attachment").replace("/", "_").replace("\\", "_")[-200:]
    attachment = Attachment(
        request=disclosure_request,
        original_name=safe_name,
        content_type=content_type,
        size=len(data),
    )
    attachment.file.save(
        f"{disclosure_request.pk}{ALLOWED_TYPES[content_type]}",
        ContentFile(data),
        save=False,
    )
    attachment.full_clean()
    attachment.save()
    return attachment


def attachment_get_for_staff(*, actor: User | None, attachment_id: int) -> Attachment:
    """The attachment, if its case is visible to the user (else NotFound, like missing)."""
    attachment = Attachment.objects.filter(pk=attachment_id).first()
    request_get_for_staff(
        actor=actor, request_id=attachment.request_id if attachment else -1
    )
    return attachment


def attachments_purge_expired(*, today=None) -> int:
    """Delete the files of closed cases older than the retention period (PIPL: keep
    personal data no longer than needed). The case and its events stay."""
    today = today or timezone.localdate()
    cutoff = today - timedelta(days=settings.GONGKAI_ATTACHMENT_RETENTION_DAYS)
    expired = Attachment.objects.filter(
        request__status=Status.CLOSED, request__closed_on__lt=cutoff
    )
    count = 0
    for attachment in expired:
        attachment.file.delete(save=False)
        attachment.delete()
        count += 1
    return count
