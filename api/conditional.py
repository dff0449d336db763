"""Validators for conditional GETs (ETag, Last-Modified) that are never stale after a change.

Two kinds:

* The data version of the caller's scope (api.versions: the desk sees every claim, anyone else
  published ones only). A response's ETag is an HMAC of (that version, URL, caller, the settings
  the body shows) under SECRET_KEY, so ETags cannot be forged for other URLs or callers, and the
  304 path reads one cache key and no database row (api.polling answers it in a middleware,
  before the view). Polled endpoints (claims list, claim status, ClaimReview) use it.
* A hash of the body, for the rest (Django's set_response_etag): computed after rendering, so
  always exact, saving bandwidth but not work.

The headers are parsed and answered by Django's own helpers (django.utils.cache
get_conditional_response, django.utils.http parse_etags), so If-None-Match, `*`, weak tags and
If-Modified-Since follow RFC 9110 as Django implements it.

Last-Modified is the time of the last write. It has one-second resolution, so it is sent only
once that second is over: a later write then always lands in a later second (If-None-Match wins
over If-Modified-Since anyway).
"""

from __future__ import annotations

import functools
import hashlib
import hmac
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.cache import cache
from django.http import HttpResponse, HttpResponseNotModified
from django.utils.cache import get_conditional_response, patch_vary_headers, set_response_etag
from django.utils.http import http_date, parse_etags, quote_etag

from api import versions
from factcheck.roles import is_fact_checker

# Rendered bodies of version-validated responses, keyed by their ETag: a new data version means
# new ETags, so a cached body is never served after a change. The TTL only bounds memory.
BODY_TTL = 300


def caller_scope(request: Any) -> str:
    user = getattr(request, "user", None)
    if user is not None and user.is_authenticated:
        return f"u{user.pk}"
    return "anon"


def version_scope(user: Any) -> str:
    """Whose data version validates this caller's responses: the desk's or the public one.

    A token's owner arrives with `desk_member` read in the token's query (api.authentication)."""
    desk = getattr(user, "desk_member", None)
    if desk is None:
        desk = is_fact_checker(user)
    return versions.DESK if desk else versions.PUBLIC


def _shown_settings() -> str:
    """The settings and code that polled bodies depend on. The data version outlives a restart
    (it is in Redis), so a changed public URL, page size or release (a deploy that changes what
    a response looks like) must change the ETags by itself."""
    return (
        f"{settings.FACTCHECK_PUBLIC_URL}|{settings.FACTCHECK_ORGANISATION}|"
        f"{settings.API_PAGE_SIZE}|{settings.API_MAX_PAGE_SIZE}|{release()}"
    )


def release() -> str:
    """FACTCHECK_RELEASE when the deploy names one, else a digest of the code this process runs."""
    return settings.FACTCHECK_RELEASE or _code_digest()


@functools.cache
def _code_digest() -> str:
    root = Path(settings.BASE_DIR)
    files = sorted(
        path
        for folder in ("api", "claims", "factcheck", "sources", "templates")
        for path in (root / folder).rglob("*")
        if path.suffix in (".py", ".html") and path.is_file()
    )
    digest = hashlib.sha256()
    for path in files:
        digest.update(str(path.relative_to(root)).encode() + b"\0" + path.read_bytes() + b"\0")
    return digest.hexdigest()[:16]


def _names(request: Any, etag: str) -> bool:
    """If-None-Match names this ETag itself (weakly: W/ is ignored), not `*`."""
    header = request.META.get("HTTP_IF_NONE_MATCH")
    if not header:
        return False
    quoted = quote_etag(etag)
    return any(tag.removeprefix("W/") == quoted for tag in parse_etags(header) if tag != "*")


@dataclass
class VersionValidator:
    """The ETag and Last-Modified of one URL for one caller at its scope's data version."""

    etag: str
    last_write: float

    @classmethod
    def for_request(
        cls, request: Any, scope: str | None = None, version: str | None = None
    ) -> VersionValidator:
        """`scope` is caller_scope(request) and `version` the data version's scope, for callers
        that know them without request.user (api.polling)."""
        if version is None:
            version = version_scope(getattr(request, "user", None))
        token, written = versions.read(request, version)
        where = f"{request.scheme}://{request.get_host()}{request.get_full_path()}"
        message = f"{token}|{where}|{scope or caller_scope(request)}|{_shown_settings()}".encode()
        digest = hmac.new(settings.SECRET_KEY.encode(), message, hashlib.sha256).hexdigest()
        return cls(etag=digest[:32], last_write=written)

    @property
    def last_modified(self) -> int | None:
        second = int(self.last_write)
        return second if time.time() >= second + 1 else None

    def etag_matches(self, request: Any) -> bool:
        """If-None-Match names this ETag itself (not `*`).

        The ETag is given out only with a 200 and is bound to the data version, the URL and the
        caller, so a match proves this caller may see this URL as it is now: it may be answered
        with a 304 before looking anything up. `*` and If-Modified-Since prove nothing of the
        kind (anyone can send them) and are answered by not_modified() once the view knows the
        caller may see the object, or a 304 for a hidden claim would tell that it exists.
        """
        return _names(request, self.etag)

    def not_modified(self, request: Any) -> bool:
        answer = get_conditional_response(
            request, etag=quote_etag(self.etag), last_modified=self.last_modified
        )
        return isinstance(answer, HttpResponseNotModified)

    def cached_body(self) -> bytes | None:
        return cache.get(f"api:body:{self.etag}")

    def store_body(self, body: bytes) -> None:
        cache.set(f"api:body:{self.etag}", body, timeout=BODY_TTL)

    def not_modified_response(self) -> HttpResponse:
        return self.apply(HttpResponseNotModified())

    def apply(self, response: HttpResponse) -> HttpResponse:
        response["ETag"] = quote_etag(self.etag)
        if self.last_modified is not None:
            response["Last-Modified"] = http_date(self.last_modified)
        return _private(response)


def _private(response: HttpResponse) -> HttpResponse:
    response["Cache-Control"] = "private, no-cache"
    patch_vary_headers(response, ("Authorization", "Cookie"))
    return response


def body_etag(request: Any, response: HttpResponse) -> HttpResponse:
    """ETag from the rendered body; a matching If-None-Match turns the answer into a 304."""
    if response.status_code != 200 or getattr(response, "streaming", False):
        return response
    if hasattr(response, "render") and not getattr(response, "is_rendered", True):
        response.render()
    set_response_etag(response)
    answer = get_conditional_response(request, etag=response["ETag"], response=response)
    return _private(answer if answer is not None else response)
