"""Identity numbers at rest (PIPL): Fernet encryption with a key from the environment,
and a keyed hash (HMAC-SHA256) so the same applicant can be recognised without
decrypting anything."""

from __future__ import annotations

import base64
import hashlib
import hmac

from cryptography.fernet import Fernet
from django.conf import settings


def _key_bytes() -> bytes:
    configured = settings.GONGKAI_FIELD_KEY
    if configured:
        return configured.encode()
    digest = hashlib.sha256(("gongkai-field-key:" + settings.SECRET_KEY).encode())
    return base64.urlsafe_b64encode(digest.digest())


def encrypt(value: str) -> str:
    return Fernet(_key_bytes()).encrypt(value.encode()).decode() if value else ""


def decrypt(token: str) -> str:
    return Fernet(_key_bytes()).decrypt(token.encode()).decode() if token else ""


def lookup_hash(kind: str, value: str) -> str:
    if not value:
        return ""
    message = f"{kind}:{value.strip().upper()}".encode()
    return hmac.new(_key_bytes(), message, hashlib.sha256).hexdigest()
