"""Streamed exports of claims and their verdicts for the desk: CSV or JSON Lines of any claim
filter the list takes (claims.export writes them in keyset batches, in constant memory)."""

from __future__ import annotations

from typing import Any

from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework.views import APIView

from api.filters import ClaimFilter, apply_filters, reject_unknown_parameters
from api.permissions import IsDeskMember
from api.responses import errors
from claims.export import export_response
from claims.selectors import claims_visible_to


class ExportView(APIView):
    """GET /api/v1/{claims|verdicts}/export.{csv|jsonl}?<claim filters>."""

    permission_classes = [IsDeskMember]
    what = "claims"

    @extend_schema(
        summary="Export claims or their verdicts (desk)",
        description="Every claim matching the filters (the claim list's), streamed as CSV or JSON "
        "Lines: figures, period, state, priority, due date, ratings (a fact-checker sees a "
        "claim's ratings once they have rated it), the latest published verdict, sources and "
        "the SHA-256 of their archived captures. The verdicts export has one row per published "
        "verdict version, corrections included. CSV cells that would start a formula are "
        "prefixed with an apostrophe.",
        parameters=[
            OpenApiParameter(
                "fmt",
                OpenApiTypes.STR,
                OpenApiParameter.PATH,
                enum=["csv", "jsonl"],
                description="`csv` or `jsonl` (JSON Lines).",
            )
        ],
        responses={
            (200, "text/csv"): OpenApiResponse(OpenApiTypes.STR),
            (200, "application/x-ndjson"): OpenApiResponse(OpenApiTypes.STR),
            **errors(400, 403, 404),
        },
    )
    def get(self, request: Any, fmt: str) -> Any:
        reject_unknown_parameters(request, set(ClaimFilter.base_filters))
        claims = apply_filters(ClaimFilter, request, claims_visible_to(request.user))
        return export_response(claims, request.user, fmt=fmt, what=self.what)


class ClaimExport(ExportView):
    what = "claims"


class VerdictExport(ExportView):
    what = "verdicts"
