"""The polled endpoints' 304, answered by a middleware before sessions, CSRF and DRF.

Consumers poll a claim's status (and the claims list, ClaimReview) with the ETag they hold. The
answer is nearly always 304, and the middleware below it plus DRF's dispatch (request wrapping,
negotiation, authenticators, permissions, exception handling) cost several times the answer
itself. So PolledNotModifiedMiddleware, placed after the security and response-header
middleware, tries a GET with If-None-Match to a PolledView first, under the full path's rules:

* who is calling: no credentials (and no session cookie) is anonymous; `Bearer <token>` is the
  token's owner (and whether the owner is of the desk), read from this process's memory while
  the public data version it was read at is current (api.authentication.read_token), else from
  the database. Anything else (a session,
  another scheme, a malformed, unknown or revoked token) is left to DRF, which answers as
  always (a 401 for a bad token).
* the budget: the request is counted in the caller's throttle window, in the same round trip
  that reads the data versions (api.throttling); over budget, DRF answers the 429 from that
  count without counting again.
* the answer: a 304 only for an exact ETag match (api.conditional.VersionValidator
  .etag_matches), which proves the caller was shown this URL at this data version, with the
  headers of DRF's 304, against the data version of the caller's scope (the desk's for a
  desk member's token, the public one otherwise: api.versions). Anything else goes on to the
  view, with the count and the data versions left on the request so neither is read twice.
"""

from __future__ import annotations

import functools
from collections.abc import Callable
from typing import Any

from django.conf import settings
from django.http import HttpResponse
from django.urls import Resolver404, get_resolver
from rest_framework import exceptions
from rest_framework.views import APIView

from api import authentication as auth
from api import versions
from api.conditional import VersionValidator
from api.throttling import anonymous_ident, count_request, token_ident


class PolledView(APIView):
    """An APIView whose GET any caller may make, validated by VersionValidator: what each caller
    may see is bound into the ETag, so a matching If-None-Match is answered early. Its own GET
    still checks etag_matches first (for sessions) and `*`/If-Modified-Since after visibility."""


class PolledNotModifiedMiddleware:
    """Goes after SecurityMiddleware (HTTPS redirect, its headers) and the middleware that add
    headers to every response (X-Frame-Options, CSP), before sessions, CSRF and the rest."""

    def __init__(self, get_response: Callable[[Any], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: Any) -> HttpResponse:
        if request.method == "GET" and request.META.get("HTTP_IF_NONE_MATCH"):
            response = not_modified_early(request)
            if response is not None:
                return response
        return self.get_response(request)


def not_modified_early(request: Any) -> HttpResponse | None:
    """A 304 for a poll whose ETag still matches; None to leave the request to the view."""
    view = _polled_view(request)
    if view is None:
        return None
    request.get_host()  # an unknown host is the usual 400, before anything is counted
    caller = _counted_caller(request)
    if caller is None:
        return None
    validator = VersionValidator.for_request(request, *caller)
    if not validator.etag_matches(request):
        return None
    response = validator.not_modified_response()
    response["Allow"] = _allowed_methods(view)  # as DRF's finalize_response adds it
    return response


def _polled_view(request: Any) -> type[PolledView] | None:
    return _polled_view_at(get_resolver(getattr(request, "urlconf", None)), request.path_info)


@functools.lru_cache(maxsize=4096)
def _polled_view_at(resolver: Any, path: str) -> type[PolledView] | None:
    """Remembered per path: pollers ask for the same few URLs again and again. The resolver is
    part of the key, so a changed URL configuration (get_resolver's cache cleared) starts anew."""
    try:
        match = resolver.resolve(path)
    except Resolver404:
        return None
    view = getattr(match.func, "view_class", None)
    return view if isinstance(view, type) and issubclass(view, PolledView) else None


def _allowed_methods(view: type[APIView]) -> str:
    """APIView.allowed_methods of an instance, whose setup() adds `head` to views with `get`."""
    return ", ".join(
        m.upper()
        for m in view.http_method_names
        if hasattr(view, m) or (m == "head" and hasattr(view, "get"))
    )


def _counted_caller(request: Any) -> tuple[str, str] | None:
    """Count the request; the caller's ETag scope and data version scope, or None to leave the
    request to DRF."""
    try:
        raw = auth.bearer_token(request)
    except exceptions.AuthenticationFailed:
        return None
    if raw is None:
        if request.META.get("HTTP_AUTHORIZATION"):
            return None  # another scheme: DRF decides what it means
        if settings.SESSION_COOKIE_NAME in request.COOKIES:
            return None  # a browser's session: DRF reads it
        allowed, _ = count_request(request, *anonymous_ident(request))
        return ("anon", versions.PUBLIC) if allowed else None

    key_hash = auth.token_hash(raw)
    known = auth.known_token(key_hash)
    if known is None:  # first sight in this process: the version is read before the row
        known = auth.read_token(key_hash, versions.read(request, versions.PUBLIC)[0])
        if known is None:
            return None
    allowed, _ = count_request(request, *token_ident(known.token_id))
    version = versions.read(request, versions.PUBLIC)[0]  # as the count's round trip read it
    if known.version != version:
        known = auth.read_token(key_hash, version)
        if known is None:
            return None
    auth.note_known_use(key_hash, known)
    if not allowed:
        return None
    return f"u{known.owner_id}", versions.DESK if known.desk else versions.PUBLIC
