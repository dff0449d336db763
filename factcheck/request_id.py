"""A request id for every request, stamped on the audit events it writes and on the response.

A Celery task run gets one too (factcheck.celery, task_prerun): the events one capture run
writes (claimed, archived, its evidence matched) belong together as a request's do.

The id is ours (a fresh UUID), never taken from the client: an X-Request-ID sent by someone else
could make two unrelated submissions look like one in the audit log.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable
from contextvars import ContextVar, Token

from django.http import HttpRequest, HttpResponse

_current: ContextVar[uuid.UUID | None] = ContextVar("request_id", default=None)

HEADER = "X-Request-ID"


def current_request_id() -> uuid.UUID | None:
    """The id of the request (or task run) being served in this context; None in commands."""
    return _current.get()


def begin_unit_of_work() -> Token[uuid.UUID | None]:
    """A fresh id for work that is not an HTTP request (a task run); end it with end()."""
    return _current.set(uuid.uuid4())


def end_unit_of_work(token: Token[uuid.UUID | None]) -> None:
    _current.reset(token)


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
