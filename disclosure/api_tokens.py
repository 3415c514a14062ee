"""Staff API tokens (API 令牌) that expire.

DRF's own tokens never expire; a token copied into a script or a shell history would
open a clerk's cases for ever. Here a token is valid for ``GONGKAI_API_TOKEN_HOURS``
after it was issued; asking for a token again while it is valid returns the same
one, after that a new one.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from django.conf import settings
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from rest_framework.authentication import TokenAuthentication
from rest_framework.authtoken.models import Token
from rest_framework.exceptions import AuthenticationFailed

from disclosure.models import User


def api_token_lifetime() -> timedelta:
    return timedelta(hours=settings.GONGKAI_API_TOKEN_HOURS)


def api_token_expires_at(token: Token) -> datetime:
    return token.created + api_token_lifetime()


@dataclass(frozen=True)
class IssuedToken:
    key: str
    expires_at: datetime


@transaction.atomic
def api_token_issue(*, user: User, now: datetime | None = None) -> IssuedToken:
    """The user's valid token, or a new one when there is none or it has expired."""
    now = now or timezone.now()
    token = Token.objects.select_for_update().filter(user=user).first()
    if token is not None and api_token_expires_at(token) <= now:
        token.delete()
        token = None
    if token is None:
        token = Token.objects.create(user=user)
    return IssuedToken(key=token.key, expires_at=api_token_expires_at(token))


class ExpiringTokenAuthentication(TokenAuthentication):
    """``Authorization: Token …`` refused once the token's lifetime is over."""

    def authenticate_credentials(self, key: str):
        user, token = super().authenticate_credentials(key)
        if api_token_expires_at(token) <= timezone.now():
            raise AuthenticationFailed(_("API 令牌已过期，请重新获取。"))
        return user, token
