"""Validators for conditional GETs (ETag, Last-Modified) that are never stale after a change.

Two kinds:

* The data version: a token in the shared cache, replaced whenever a row the API shows is
  written (post_save/post_delete/m2m_changed of those models, and every audit event, which each
  service writes in its transaction, also for `.update()` writes). It is replaced at once and
  again on commit, so a reader that raced the transaction cannot keep an old page under the new
  token. A response's ETag is an HMAC of (token, URL, caller, the settings the body shows)
  under SECRET_KEY, so ETags cannot be forged for other URLs or callers, and the 304 path reads
  one cache key and no database row (api.polling answers it in a middleware, before the view).
  Polled endpoints (claims list, claim status, ClaimReview) use it.
* A hash of the body, for the rest: computed after rendering, so always exact, saving bandwidth
  but not work.

Last-Modified is the time of the last write. It has one-second resolution, so it is sent only
once that second is over: a later write then always lands in a later second (If-None-Match wins
over If-Modified-Since anyway).
"""

from __future__ import annotations

import functools
import hashlib
import hmac
import time
import uuid
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.cache import cache
from django.db import transaction
from django.http import HttpResponse, HttpResponseNotModified
from django.utils.http import http_date, parse_http_date_safe, quote_etag

VERSION_KEY = "api:data-version"
# Rendered bodies of version-validated responses, keyed by their ETag: a new data version means
# new ETags, so a cached body is never served after a change. The TTL only bounds memory.
BODY_TTL = 300


def bump_data_version(**kwargs: Any) -> None:
    """Signal receiver: the data changed; replace the token now and again on commit."""
    _write_version()
    if transaction.get_connection().in_atomic_block:
        transaction.on_commit(_write_version, robust=True)


def _write_version() -> tuple[str, float]:
    value = (uuid.uuid4().hex, time.time())
    cache.set(VERSION_KEY, value, timeout=None)
    return value


def data_version(request: Any = None) -> tuple[str, float]:
    """(token, time of the last write); made on first use (e.g. after a cache flush).

    Read once per request: the throttle reads it in its own round trip to Redis and leaves it
    on the request, as this does when it reads it itself.
    """
    value = getattr(request, "_api_data_version", None)
    if value is None:
        value = cache.get(VERSION_KEY)
        if value is None:
            value = _write_version()
        if request is not None:
            request._api_data_version = value
    return value


def caller_scope(request: Any) -> str:
    user = getattr(request, "user", None)
    if user is not None and user.is_authenticated:
        return f"u{user.pk}"
    return "anon"


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


def _strip(tag: str) -> str:
    tag = tag.strip()
    if tag.startswith("W/"):
        tag = tag[2:]
    return tag.strip('"')


def _matches(request: Any, etag: str) -> bool | None:
    """True/False for If-None-Match, None when the header is absent."""
    header = request.META.get("HTTP_IF_NONE_MATCH")
    if not header:
        return None
    if header.strip() == "*":
        return True
    return any(_strip(part) == etag for part in header.split(","))


@dataclass
class VersionValidator:
    """The ETag and Last-Modified of one URL for one caller at the current data version."""

    etag: str
    last_write: float

    @classmethod
    def for_request(cls, request: Any, scope: str | None = None) -> VersionValidator:
        """`scope` is caller_scope(request), for callers that know it without request.user."""
        token, written = data_version(request)
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
        header = request.META.get("HTTP_IF_NONE_MATCH")
        return bool(header) and any(_strip(part) == self.etag for part in header.split(","))

    def not_modified(self, request: Any) -> bool:
        match = _matches(request, self.etag)
        if match is not None:
            return match
        since = parse_http_date_safe(request.META.get("HTTP_IF_MODIFIED_SINCE", ""))
        modified = self.last_modified
        return since is not None and modified is not None and modified <= since

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
        response["Cache-Control"] = "private, no-cache"
        response["Vary"] = "Authorization, Cookie"
        return response


def body_etag(request: Any, response: HttpResponse) -> HttpResponse:
    """ETag from the rendered body; a matching If-None-Match turns the answer into a 304."""
    if response.status_code != 200 or getattr(response, "streaming", False):
        return response
    if hasattr(response, "render") and not getattr(response, "is_rendered", True):
        response.render()
    etag = hashlib.sha256(response.content).hexdigest()[:32]
    if _matches(request, etag):
        response = HttpResponseNotModified()
    response["ETag"] = quote_etag(etag)
    response["Cache-Control"] = "private, no-cache"
    response["Vary"] = "Authorization, Cookie"
    return response
