"""How API callers prove who they are: a consumer's bearer token, or the browser's session."""

from __future__ import annotations

import datetime as dt
import hashlib
from dataclasses import dataclass, replace
from typing import Any

from django.contrib.auth.models import Group
from django.db.models import BooleanField, Exists, ExpressionWrapper, OuterRef, Q
from django.utils import timezone
from drf_spectacular.extensions import OpenApiAuthenticationExtension
from rest_framework import HTTP_HEADER_ENCODING, authentication, exceptions

from api.models import ApiToken
from factcheck.roles import ROLES

KEYWORD = "Bearer"
# last_used is written at most this often per token, so polling costs no write per request.
LAST_USED_RESOLUTION = dt.timedelta(minutes=1)


def token_hash(raw: str) -> str:
    """Tokens are 256 random bits, so a fast hash is enough (no password stretching needed)."""
    return hashlib.sha256(raw.encode("utf-8")).hexdigest()


def bearer_token(request: Any) -> str | None:
    """The raw token of `Authorization: Bearer <token>`; None without a Bearer header.

    DRF's get_authorization_header, read from META rather than request.headers, which would
    copy every header of the request first.
    """
    header = request.META.get("HTTP_AUTHORIZATION", b"")
    if isinstance(header, str):
        header = header.encode(HTTP_HEADER_ENCODING)
    header = header.split()
    if not header or header[0].lower() != KEYWORD.lower().encode():
        return None
    if len(header) != 2:
        raise exceptions.AuthenticationFailed(
            "Malformed Authorization header: send `Authorization: Bearer <token>`."
        )
    try:
        return header[1].decode("ascii")
    except UnicodeDecodeError:
        raise exceptions.AuthenticationFailed("The token contains invalid characters.") from None


def _owner_is_desk() -> ExpressionWrapper:
    """factcheck.roles.is_fact_checker of the token's owner, in the token's own query."""
    groups = Group.objects.filter(user=OuterRef("owner"), name__in=ROLES)
    return ExpressionWrapper(
        Q(owner__is_superuser=True) | Exists(groups), output_field=BooleanField()
    )


def active_token(key_hash: str) -> ApiToken | None:
    """The token with its owner, or None when it is unknown, revoked or its owner inactive."""
    token = (
        ApiToken.objects.select_related("owner")
        .annotate(owner_desk=_owner_is_desk())
        .filter(key_hash=key_hash, revoked_at__isnull=True)
        .first()
    )
    if token is None or not token.owner.is_active:
        return None
    return token


def note_use(token_id: int, last_used: dt.datetime | None) -> dt.datetime | None:
    """Record that the token was used (a write at most once a minute); its last_used now."""
    now = timezone.now()
    if last_used is None or now - last_used >= LAST_USED_RESOLUTION:
        ApiToken.objects.filter(pk=token_id).update(last_used=now)
        return now
    return last_used


class ApiTokenAuthentication(authentication.BaseAuthentication):
    """`Authorization: Bearer <token>`; a revoked, unknown or malformed token is a 401."""

    def authenticate(self, request: Any) -> tuple[Any, ApiToken] | None:
        raw = bearer_token(request)
        if raw is None:
            return None
        token = active_token(token_hash(raw))
        if token is None:
            raise exceptions.AuthenticationFailed("Unknown or revoked token.")
        token.last_used = note_use(token.pk, token.last_used)
        token.owner.desk_member = token.owner_desk  # read with the token: no roles query later
        return token.owner, token

    def authenticate_header(self, request: Any) -> str:
        return f'{KEYWORD} realm="api"'


# Tokens this process has read, for the polled 304 (api.polling), which should cost no query.
# An entry holds the data version it was read at and is trusted only while that version is
# current: revoking a token or any write to a user replaces it (api.versions.VERSIONED_MODELS).
KNOWN_TOKENS_MAX = 10_000


@dataclass(frozen=True)
class KnownToken:
    token_id: int
    owner_id: int
    last_used: dt.datetime | None
    version: str
    desk: bool  # the owner is of the desk (sees every claim: the desk's data version)


_known_tokens: dict[str, KnownToken] = {}


def known_token(key_hash: str) -> KnownToken | None:
    """What this process last read of an active token, at whatever data version it was."""
    return _known_tokens.get(key_hash)


def read_token(key_hash: str, version: str) -> KnownToken | None:
    """Read the token from the database and remember it as of `version`, a data version read
    before this query: a write racing the query replaces the version on commit, so an entry
    read from the old row is not trusted again."""
    token = active_token(key_hash)
    if token is None:
        _known_tokens.pop(key_hash, None)
        return None
    if len(_known_tokens) >= KNOWN_TOKENS_MAX:
        _known_tokens.clear()
    known = KnownToken(token.pk, token.owner_id, token.last_used, version, token.owner_desk)
    _known_tokens[key_hash] = known
    return known


def note_known_use(key_hash: str, known: KnownToken) -> None:
    last_used = note_use(known.token_id, known.last_used)
    if last_used is not known.last_used:
        _known_tokens[key_hash] = replace(known, last_used=last_used)


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
