"""Uploaded files: their real type, judged by content (never by name or by what the
browser claims), and the size limit. Pure: no database, no settings, no storage.

Used for the attachments of an application (``requests_app.attachments``) and of a
proactive publication (``PublicationAttachment``); the caller passes the limit, which
is ``settings.GONGKAI_MAX_ATTACHMENT_BYTES`` for both.
"""

from __future__ import annotations

import zipfile
from io import BytesIO
from pathlib import PurePath
from typing import BinaryIO

from disclosure.exceptions import ApplicationError

ALLOWED_TYPES = {
    "application/pdf": ".pdf",
    "image/png": ".png",
    "image/jpeg": ".jpg",
    "application/vnd.openxmlformats-officedocument.wordprocessingml.document": ".docx",
    "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet": ".xlsx",
    "text/plain": ".txt",
}
"""The accepted types and the file extension each is stored and served under."""

# Other spellings of an extension that already name the right type.
_EXTENSION_ALIASES = {".jpeg": ".jpg", ".jpe": ".jpg", ".text": ".txt"}

WRONG_TYPE_MESSAGE = "只接受PDF、PNG、JPEG、DOCX、XLSX或纯文本文件（按文件内容判断）。"
EMPTY_MESSAGE = "附件是空文件。"


def sniff_content_type(data: bytes) -> str | None:
    """The file's type from its content; None when it is not an allowed type."""
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


def size_in_words(size: int) -> str:
    """A size as people write it: 10MB, 512KB, 300字节."""
    if size >= 1024 * 1024 and size % (1024 * 1024) == 0:
        return f"{size // (1024 * 1024)}MB"
    if size >= 1024 * 1024:
        return f"{size / (1024 * 1024):.1f}MB"
    if size >= 1024:
        return f"{size // 1024}KB"
    return f"{size}字节"


def upload_check_size(*, size: int, limit: int) -> None:
    """Refuse a file over ``limit`` bytes, or an empty one (before reading it)."""
    if size > limit:
        raise ApplicationError(
            f"附件不能超过{size_in_words(limit)}。",
            field="attachment",
            extra={"reason": "too_large", "limit": limit, "size": size},
        )
    if size == 0:
        raise ApplicationError(
            EMPTY_MESSAGE, field="attachment", extra={"reason": "empty"}
        )


def upload_content_type(*, data: bytes, limit: int) -> str:
    """The real type of an uploaded file, after its size; ApplicationError saying why
    when the file is refused (too large, empty, or not an allowed type by content)."""
    upload_check_size(size=len(data), limit=limit)
    content_type = sniff_content_type(data)
    if content_type is None:
        raise ApplicationError(
            WRONG_TYPE_MESSAGE, field="attachment", extra={"reason": "wrong_type"}
        )
    return content_type


def sniff_stored(handle: BinaryIO, *, limit: int) -> str | None:
    """The real type of a stored file (None when not allowed, or larger than ``limit``
    and so never checked); the handle is left at the start for serving."""
    handle.seek(0)
    data = handle.read(limit + 1)
    handle.seek(0)
    if len(data) > limit:
        return None
    return sniff_content_type(data)


def download_name(name: str, content_type: str | None) -> str:
    """The file name to offer for download: the extension follows the real type, so a
    PDF uploaded as ``x.html`` is saved as ``x.pdf``. Unknown types keep their name."""
    name = PurePath(name.replace("\\", "/")).name or "attachment"
    extension = ALLOWED_TYPES.get(content_type or "")
    if extension is None:
        return name
    path = PurePath(name)
    current = path.suffix.lower()
    if _EXTENSION_ALIASES.get(current, current) == extension:
        return name
    return f"{path.stem if current else name}{extension}"
