"""Letter downloads: staff get DOCX or PDF of their agencies' letters; the applicant gets
the PDF of their own letters with the case's query code. Files are served only here
(MEDIA_ROOT lies outside the web root); anything not visible answers 404."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import FileResponse, Http404, HttpRequest
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

from disclosure.exceptions import NotFound
from requests_app.letters import (
    DOCX_CONTENT_TYPE,
    PDF_CONTENT_TYPE,
    letter_get_for_applicant,
    letter_get_for_staff,
)
from requests_app.models import Letter

_CONTENT_TYPES = {"docx": DOCX_CONTENT_TYPE, "pdf": PDF_CONTENT_TYPE}


def _letter_file_response(letter: Letter, file_format: str) -> FileResponse:
    stored = letter.docx if file_format == "docx" else letter.pdf
    if not stored:
        raise Http404("该文书尚未生成文件。")
    try:
        handle = stored.open("rb")
    except FileNotFoundError:
        raise Http404("该文书文件不存在。") from None
    response = FileResponse(
        handle,
        as_attachment=True,
        filename=f"{letter.number}{letter.title}.{file_format}",
        content_type=_CONTENT_TYPES[file_format],
    )
    response["X-Content-Type-Options"] = "nosniff"
    return response


@require_GET
@never_cache
@login_required
def staff_letter_download(
    request: HttpRequest, letter_id: int, file_format: str
) -> FileResponse:
    try:
        letter = letter_get_for_staff(actor=request.user, letter_id=letter_id)
    except NotFound as exc:
        raise Http404(exc.message) from None
    return _letter_file_response(letter, file_format)


@require_GET
@never_cache
def public_letter_pdf(
    request: HttpRequest, query_code: str, letter_id: int
) -> FileResponse:
    try:
        letter = letter_get_for_applicant(query_code=query_code, letter_id=letter_id)
    except NotFound as exc:
        raise Http404(exc.message) from None
    response = _letter_file_response(letter, "pdf")
    # The query code is in the address: do not hand it on to other sites.
    response["Referrer-Policy"] = "no-referrer"
    return response
