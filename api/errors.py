"""One JSON shape for every API error: {"error": {"code", "message", "fields"}}.

DomainError maps through its own http_status; DRF's exceptions (validation, parse, auth,
permission, throttling, 404, 405, 406, 415) map to the same shape, and anything unexpected is
logged and answered as a JSON 500.
"""

from __future__ import annotations

import logging
import math
from typing import Any

from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, JsonResponse
from django.views.decorators.csrf import csrf_exempt
from rest_framework import exceptions, status
from rest_framework.response import Response
from rest_framework.views import set_rollback

from factcheck.errors import DomainError

logger = logging.getLogger(__name__)

CODES = {
    exceptions.ParseError: "malformed",
    exceptions.ValidationError: "invalid",
    exceptions.NotAuthenticated: "not_authenticated",
    exceptions.AuthenticationFailed: "not_authenticated",
    exceptions.PermissionDenied: "forbidden",
    exceptions.NotFound: "not_found",
    exceptions.MethodNotAllowed: "method_not_allowed",
    exceptions.NotAcceptable: "not_acceptable",
    exceptions.UnsupportedMediaType: "unsupported_media_type",
    exceptions.Throttled: "throttled",
}


def error_body(
    code: str, message: str, fields: dict[str, list[str]] | None = None, **extra: Any
) -> dict[str, Any]:
    return {"error": {"code": code, "message": message, "fields": fields or {}, **extra}}


def _flatten(detail: Any, prefix: str = "") -> dict[str, list[str]]:
    """DRF's nested error detail as {"field" or "field.sub" or "items.0": [messages]}."""
    if isinstance(detail, dict):
        out: dict[str, list[str]] = {}
        for key, value in detail.items():
            name = f"{prefix}.{key}" if prefix else str(key)
            out.update(_flatten(value, name))
        return out
    if isinstance(detail, list):
        if all(not isinstance(item, dict | list) for item in detail):
            return {prefix or "non_field_errors": [str(item) for item in detail]}
        out = {}
        for index, item in enumerate(detail):
            out.update(_flatten(item, f"{prefix}.{index}" if prefix else str(index)))
        return out
    return {prefix or "non_field_errors": [str(detail)]}


def _validation_message(fields: dict[str, list[str]]) -> str:
    parts = [f"{name}: {' '.join(messages)}" for name, messages in list(fields.items())[:5]]
    return "The request is not valid. " + "; ".join(parts)


def exception_handler(exc: Exception, context: dict[str, Any]) -> Response | None:
    """DRF's EXCEPTION_HANDLER."""
    if isinstance(exc, DomainError):
        set_rollback()
        extra = {"current": exc.current} if exc.current is not None else {}
        return Response(
            error_body(exc.code, exc.message, exc.fields, **extra), status=exc.http_status
        )
    if isinstance(exc, Http404):
        exc = exceptions.NotFound()
    elif isinstance(exc, PermissionDenied):
        exc = exceptions.PermissionDenied()
    if isinstance(exc, exceptions.APIException):
        set_rollback()
        headers = {}
        if getattr(exc, "auth_header", None):
            headers["WWW-Authenticate"] = exc.auth_header
        code = next((c for cls, c in CODES.items() if isinstance(exc, cls)), "invalid")
        if isinstance(exc, exceptions.ValidationError):
            fields = _flatten(exc.detail)
            body = error_body(code, _validation_message(fields), fields)
        elif isinstance(exc, exceptions.Throttled):
            wait = math.ceil(exc.wait or 1)
            headers["Retry-After"] = str(wait)
            body = error_body(code, f"Too many requests: try again in {wait} s.")
        else:
            body = error_body(code, str(exc.detail))
        return Response(body, status=exc.status_code, headers=headers)
    request = context.get("request")
    logger.exception("unhandled error in API view %s", getattr(request, "path", "?"), exc_info=exc)
    set_rollback()
    return Response(
        error_body("server_error", "An unexpected error happened; it has been logged."),
        status=status.HTTP_500_INTERNAL_SERVER_ERROR,
    )


@csrf_exempt
def not_found(request: HttpRequest, *args: Any, **kwargs: Any) -> JsonResponse:
    """Any unknown path under /api/ answers in the same shape."""
    return JsonResponse(error_body("not_found", f"No API endpoint at {request.path}."), status=404)
