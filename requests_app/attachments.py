"""Attachments to an application: checked by content (not by name), size-limited, stored
outside the web root and served only after an access check. The checks themselves are
``disclosure.uploads``, shared with the attachments of proactive publications."""

from __future__ import annotations

from datetime import timedelta

from django.conf import settings
from django.core.files.base import ContentFile
from django.db import transaction
from django.utils import timezone

from disclosure.models import User
from disclosure.uploads import ALLOWED_TYPES, upload_content_type
from disclosure.uploads import sniff_content_type as sniff_content_type
from requests_app.models import Attachment, DisclosureRequest
from requests_app.selectors import request_get_for_staff
from requests_app.workflow import Status


@transaction.atomic
def attachment_add(
    *, disclosure_request: DisclosureRequest, name: str, data: bytes
) -> Attachment:
    """Store an uploaded file on the case after checking its size and real type."""
    content_type = upload_content_type(
        data=data, limit=settings.GONGKAI_MAX_ATTACHMENT_BYTES
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
