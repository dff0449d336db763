"""What every API view shares: fast JSON responses, the list parameters, schema snippets."""

from __future__ import annotations

from typing import Any

import orjson
from django.http import HttpResponse
from django.urls import reverse
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse
from rest_framework.exceptions import NotFound, ValidationError

from api.pagination import Ordering
from api.serializers import Error

JSON = "application/json"


def json_response(data: Any, status: int = 200) -> HttpResponse:
    """Serialise with orjson (datetimes, dates and UUIDs natively); no DRF renderer pass."""
    return HttpResponse(orjson.dumps(data), status=status, content_type=JSON)


def claims_base(request: Any) -> str:
    """The absolute URL of the claims collection; a claim's URL is this plus "<id>/"."""
    return request.build_absolute_uri(reverse("api:claim-list"))


def pick_ordering(request: Any, allowed: dict[str, Ordering], default: str) -> Ordering:
    name = request.query_params.get("ordering", default)  # empty is no ordering: refused
    if name not in allowed:
        raise ValidationError({"ordering": [f"choose one of: {', '.join(allowed)}"]})
    return allowed[name]


def get_or_404(queryset: Any, pk: int, what: str) -> Any:
    obj = queryset.filter(pk=pk).first()
    if obj is None:
        raise NotFound(f"No {what} {pk} that you may see.")
    return obj


# Schema snippets -------------------------------------------------------------------------------

ERROR_TEXT = {
    400: "Invalid input, unknown query parameter, bad cursor or page size, or a refused "
    "workflow action (error.fields says which).",
    401: "Missing, unknown or revoked credentials.",
    403: "Your role may not do this.",
    404: "No such object that you may see.",
    409: "Someone changed the claim first (error.current holds it as it is now).",
    415: "Send JSON (Content-Type: application/json).",
    429: "Too many requests; the Retry-After header says how many seconds to wait.",
}


def errors(*codes: int) -> dict[int, OpenApiResponse]:
    """Error responses for the schema: the given codes plus 401 and 429, which any call may get."""
    wanted = sorted({*codes, 401, 429})
    return {code: OpenApiResponse(Error, description=ERROR_TEXT[code]) for code in wanted}


NOT_MODIFIED = {
    304: OpenApiResponse(
        description="Not modified: your If-None-Match (or If-Modified-Since) still holds."
    )
}
CONDITIONAL_HEADERS = [
    OpenApiParameter(
        "If-None-Match",
        OpenApiTypes.STR,
        OpenApiParameter.HEADER,
        description="An ETag this endpoint gave you: 304 while nothing changed.",
    ),
    OpenApiParameter(
        "If-Modified-Since",
        OpenApiTypes.STR,
        OpenApiParameter.HEADER,
        description="An HTTP date (Last-Modified): 304 when nothing changed since.",
    ),
]
ETAG_ONLY = CONDITIONAL_HEADERS[:1]


def list_parameters(orderings: dict[str, Ordering], default: str) -> list[OpenApiParameter]:
    from django.conf import settings

    return [
        OpenApiParameter(
            "cursor",
            OpenApiTypes.STR,
            description="The `next` link's cursor; opaque. Empty or absent: the first page. A "
            "cursor from another ordering is a 400.",
        ),
        OpenApiParameter(
            "page_size",
            {"type": "integer", "minimum": 1, "maximum": settings.API_MAX_PAGE_SIZE},
            description=f"Rows per page, 1 to {settings.API_MAX_PAGE_SIZE} (default "
            f"{settings.API_PAGE_SIZE}); more is a 400.",
        ),
        OpenApiParameter(
            "ordering",
            OpenApiTypes.STR,
            enum=list(orderings),
            default=default,
            description="Sort order (id breaks ties).",
        ),
    ]
