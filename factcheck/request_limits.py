"""Request bodies are weighed before anyone reads them.

Django spools a multipart body to disk as soon as anything touches request.POST or FILES, and
CSRF's check is the first to do so: an anonymous caller holding the login page's CSRF cookie
could fill the disk before the 403. So, after the session and user are known and before CSRF
and the views run, RequestBodyLimitMiddleware:

* refuses an upload (a multipart body over FORM_LIMIT) from a caller who may not upload,
  reading none of it: not signed in as a desk member (or staff), and with no Authorization
  header (the API's token callers are checked by DRF, after the size limits below). A
  visitor who is not signed in is sent to the login page, as by every desk page; a
  signed-in user without a desk role and an anonymous API caller get a 403;
* refuses (413) a body whose Content-Length is over its limit, reading none of it: an upload
  may hold one file of FETCH_MAX_BYTES (what claims.evidence.services.source_upload accepts) plus
  UPLOAD_FORM_OVERHEAD for its other fields; any other body DATA_UPLOAD_MAX_MEMORY_SIZE;
* and, for what it lets through, UploadLimitHandler (first of FILE_UPLOAD_HANDLERS) stops
  reading a file the moment it passes FETCH_MAX_BYTES, however the body was framed. Its
  exception stops the request before any view acts on half a form; the middleware answers 413.

API paths get the API's error shape; pages get the error page, with the limit in words.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.conf import settings
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import RequestDataTooBig
from django.core.files.uploadhandler import FileUploadHandler
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render

from factcheck.roles import is_fact_checker

UPLOAD_FORM_OVERHEAD = 1024 * 1024  # the other fields of an upload form and the part headers
# A multipart form from someone who may not upload (a login form sent as multipart): held in
# memory, never spooled to disk.
FORM_LIMIT = 64 * 1024
_TOO_LARGE = "_body_too_large"


class UploadTooLarge(RequestDataTooBig):
    """A file in the body passed the upload limit; reading stopped there."""


def _megabytes(n: int) -> str:
    return f"{n / (1024 * 1024):g} MB"


def upload_limit() -> int:
    return settings.FETCH_MAX_BYTES


def body_limit(request: HttpRequest) -> int:
    if _is_multipart(request):
        return upload_limit() + UPLOAD_FORM_OVERHEAD
    return settings.DATA_UPLOAD_MAX_MEMORY_SIZE


def _is_multipart(request: HttpRequest) -> bool:
    return request.META.get("CONTENT_TYPE", "").lower().startswith("multipart/")


def _content_length(request: HttpRequest) -> int | None:
    raw = request.META.get("CONTENT_LENGTH") or "0"
    try:
        return int(raw)
    except ValueError:
        return None


def _may_upload(request: HttpRequest) -> bool:
    if request.META.get("HTTP_AUTHORIZATION"):
        return True  # a token: DRF authenticates it (and the size limits still hold)
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return False
    return bool(user.is_staff or is_fact_checker(user))


def _refusal(request: HttpRequest, status: int, code: str, message: str) -> HttpResponse:
    if request.path.startswith("/api/"):
        response: HttpResponse = JsonResponse(
            {"error": {"code": code, "message": message, "fields": {}}}, status=status
        )
    else:
        template = "403.html" if status == 403 else "413.html"
        response = render(request, template, {"reason": message}, status=status)
    # What was not read cannot be answered on the same connection.
    response["Connection"] = "close"
    return response


def too_large(request: HttpRequest) -> HttpResponse:
    if _is_multipart(request):
        message = (
            f"The upload is larger than {_megabytes(upload_limit())}, the most the desk accepts "
            "for one file. Nothing was saved."
        )
    else:
        message = (
            f"The request is larger than {_megabytes(settings.DATA_UPLOAD_MAX_MEMORY_SIZE)}, the "
            "most the desk accepts. Nothing was saved."
        )
    return _refusal(request, 413, "too_large", message)


class RequestBodyLimitMiddleware:
    """Goes after AuthenticationMiddleware; its checks run before any middleware's process_view
    (CSRF's reads the body) and before the view."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        length = _content_length(request)
        if length is None:
            return _refusal(request, 400, "invalid", "The Content-Length header is not a number.")
        if length > FORM_LIMIT and _is_multipart(request) and not _may_upload(request):
            if not request.user.is_authenticated and not request.path.startswith("/api/"):
                # As every desk page answers a visitor who is not signed in (but unread).
                response = redirect_to_login(request.get_full_path())
                response["Connection"] = "close"
                return response
            return _refusal(
                request,
                403,
                "forbidden",
                "Log in as a fact-checker or an editor to upload files; nothing was read.",
            )
        if length > body_limit(request):
            return too_large(request)
        response = self.get_response(request)
        if getattr(request, _TOO_LARGE, False):
            return too_large(request)
        return response


class UploadLimitHandler(FileUploadHandler):
    """Counts each file's bytes as they arrive and stops the upload past the limit.

    It passes every chunk on unchanged to the handlers after it (memory, then temporary file).
    """

    def new_file(self, *args: Any, **kwargs: Any) -> None:
        super().new_file(*args, **kwargs)
        self.received = 0

    def receive_data_chunk(self, raw_data: bytes, start: int) -> bytes:
        self.received += len(raw_data)
        if self.received > upload_limit():
            setattr(self.request, _TOO_LARGE, True)
            # The handlers after this one hold the part read so far (a temporary file is
            # deleted when closed): drop it now rather than whenever the traceback goes.
            for handler in self.request.upload_handlers:
                partial = getattr(handler, "file", None)
                if handler is not self and partial is not None:
                    partial.close()
            raise UploadTooLarge(f"an uploaded file passed {_megabytes(upload_limit())}")
        return raw_data

    def file_complete(self, file_size: int) -> None:
        return None
