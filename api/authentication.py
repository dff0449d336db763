"""How API callers prove who they are: a consumer's bearer token, or the browser's session."""

from __future__ import annotations

import datetime as dt
import hashlib
from typing import Any

from django.utils import timezone
from drf_spectacular.extensions import OpenApiAuthenticationExtension
from rest_framework import authentication, exceptions

from api.models import ApiToken

KEYWORD = "Bearer"
# last_used is written at most this often per token, so polling costs no write per request.
LAST_USED_RESOLUTION = dt.timedelta(minutes=1)


def token_hash(raw: str) -> str:
    """Tokens are 256 random bits, so a fast hash is enough (no password stretching needed)."""
    return hashlib.sha256(raw.encode("utf-8")).hexdigest()


class ApiTokenAuthentication(authentication.BaseAuthentication):
    """`Authorization: Bearer <token>`; a revoked, unknown or malformed token is a 401."""

    def authenticate(self, request: Any) -> tuple[Any, ApiToken] | None:
        header = authentication.get_authorization_header(request).split()
        if not header or header[0].lower() != KEYWORD.lower().encode():
            return None
        if len(header) != 2:
            raise exceptions.AuthenticationFailed(
                "Malformed Authorization header: send `Authorization: Bearer <token>`."
            )
        try:
            raw = header[1].decode("ascii")
        except UnicodeDecodeError:
            raise exceptions.AuthenticationFailed(
                "The token contains invalid characters."
            ) from None
        token = (
            ApiToken.objects.select_related("owner")
            .filter(key_hash=token_hash(raw), revoked_at__isnull=True)
            .first()
        )
        if token is None or not token.owner.is_active:
            raise exceptions.AuthenticationFailed("Unknown or revoked token.")
        now = timezone.now()
        if token.last_used is None or now - token.last_used >= LAST_USED_RESOLUTION:
            ApiToken.objects.filter(pk=token.pk).update(last_used=now)
            token.last_used = now
        return token.owner, token

    def authenticate_header(self, request: Any) -> str:
        return f'{KEYWORD} realm="api"'


class CsrfSessionAuthentication(authentication.SessionAuthentication):
    """The browser's session; unsafe methods need the CSRF token (DRF enforces it)."""


class ApiTokenScheme(OpenApiAuthenticationExtension):
    target_class = "api.authentication.ApiTokenAuthentication"
    name = "tokenAuth"

    def get_security_definition(self, auto_schema: Any) -> dict[str, Any]:
        return {
            "type": "http",
            "scheme": "bearer",
            "description": "A consumer token (`manage.py api_token create`), sent as "
            "`Authorization: Bearer <token>`.",
        }


class SessionScheme(OpenApiAuthenticationExtension):
    target_class = "api.authentication.CsrfSessionAuthentication"
    name = "sessionAuth"

    def get_security_definition(self, auto_schema: Any) -> dict[str, Any]:
        return {
            "type": "apiKey",
            "in": "cookie",
            "name": "sessionid",
            "description": "The desk's browser session; POST, PATCH and DELETE also need the "
            "`X-CSRFToken` header.",
        }
