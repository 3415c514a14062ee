"""Staff download of an application's attachment, through the access check."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import FileResponse, Http404, HttpRequest

from disclosure.exceptions import NotFound
from requests_app.attachments import attachment_get_for_staff


@login_required
def attachment_download(request: HttpRequest, attachment_id: int) -> FileResponse:
    try:
        attachment = attachment_get_for_staff(
            actor=request.user, attachment_id=attachment_id
        )
    except NotFound as exc:
        raise Http404(exc.message) from exc
    return FileResponse(
        attachment.file.open("rb"),
        as_attachment=True,
        filename=attachment.original_name,
        content_type=attachment.content_type,
    )
