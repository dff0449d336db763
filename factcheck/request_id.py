"""A request id for every request, stamped on the audit events it writes and on the response.

The id is ours (a fresh UUID), never taken from the client: an X-Request-ID sent by someone else
could make two unrelated submissions look like one in the audit log.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable
from contextvars import ContextVar

from django.http import HttpRequest, HttpResponse

_current: ContextVar[uuid.UUID | None] = ContextVar("request_id", default=None)

HEADER = "X-Request-ID"


def current_request_id() -> uuid.UUID | None:
    """The id of the request being served in this context; None in workers and commands."""
    return _current.get()


class RequestIdMiddleware:
    """Give the request an id for the time it is served, and say it in the response."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        request_id = uuid.uuid4()
        request.request_id = request_id  # type: ignore[attr-defined]
        token = _current.set(request_id)
        try:
            response = self.get_response(request)
        finally:
            _current.reset(token)
        response[HEADER] = str(request_id)
        return response
