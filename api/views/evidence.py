"""A claim's evidence in the API: linking or uploading a source, retracting one (the claim page's
`retract_source` action, claims.actions), and the suggested passages."""

from __future__ import annotations

from typing import Any

from drf_spectacular.utils import extend_schema
from rest_framework.exceptions import NotFound
from rest_framework.parsers import JSONParser, MultiPartParser

from api import representations as rep
from api.conditional import body_etag
from api.responses import errors, json_response
from api.serializers import (
    EvidenceItem,
    SourceLink,
    SourceRetract,
    SourceUpload,
    SuggestionItem,
)
from api.views.base import DeskClaimView, parsed, perform, visible_claim
from claims.evidence.selectors import evidence_for_claim, evidence_suggestions_for_claim
from claims.evidence.services import source_link, source_upload
from factcheck.errors import DomainError


class ClaimSourcesView(DeskClaimView):
    parser_classes = [JSONParser, MultiPartParser]

    @extend_schema(
        operation_id="claims_sources_link",
        summary="Link a source to a claim, or upload one (desk)",
        description="JSON: runs sources.services.source_link (the URL is normalised, its source "
        "reused, and a capture queued unless one exists). multipart/form-data with `file`: runs "
        "sources.services.source_upload (the file is archived, hashed, its text extracted and "
        "matched against the claim, as an upload on the claim page is).",
        request={"application/json": SourceLink, "multipart/form-data": SourceUpload},
        responses={201: EvidenceItem, **errors(400, 403, 404)},
    )
    def post(self, request: Any, pk: int) -> Any:
        claim = visible_claim(request, pk)
        if (request.content_type or "").startswith("multipart/"):
            values = parsed(SourceUpload, request)
            sent = values["file"]
            evidence = source_upload(
                actor=request.user,
                claim=claim,
                upload=sent,
                filename=sent.name or "upload",
                content_type=sent.content_type,
                relation=values["relation"],
                title=values["title"],
            )
        else:
            evidence = source_link(actor=request.user, claim=claim, **parsed(SourceLink, request))
        evidence = next(e for e in evidence_for_claim(claim.pk) if e.pk == evidence.pk)
        return json_response(rep.evidence_item(evidence), status=201)


class ClaimSourceRetractView(DeskClaimView):
    @extend_schema(
        operation_id="claims_sources_retract",
        summary="Retract a source from a claim (desk)",
        description="Runs the claim page's `retract_source` action (claims.services."
        "evidence_retract): the link and its archive stay, marked retracted with the reason; "
        "no rating or verdict can rest on it and readers no longer see it. Editors only once "
        "the claim is published.",
        request=SourceRetract,
        responses={200: EvidenceItem, **errors(400, 403, 404, 409)},
    )
    def post(self, request: Any, pk: int, evidence_id: int) -> Any:
        claim = visible_claim(request, pk)
        reason = parsed(SourceRetract, request)["reason"]
        try:
            perform("retract_source", request, claim, {"evidence": evidence_id, "reason": reason})
        except DomainError as exc:
            if exc.code == "not_found":
                raise NotFound(f"Claim {pk} has no source link {evidence_id}.") from None
            raise
        evidence = next(e for e in evidence_for_claim(claim.pk) if e.pk == evidence_id)
        return json_response(rep.evidence_item(evidence))


class ClaimSuggestionsView(DeskClaimView):
    @extend_schema(
        operation_id="claims_suggestions_list",
        summary="Suggested evidence for a claim (desk)",
        description="The passages the claim page shows (sources.selectors."
        "evidence_suggestions_for_claim, open ones, best first, at most 20): comparisons "
        "(agrees, disagrees) with their arithmetic, then mentions with why they were not "
        "compared.",
        responses={200: SuggestionItem(many=True), **errors(403, 404)},
    )
    def get(self, request: Any, pk: int) -> Any:
        claim = visible_claim(request, pk)
        rows = evidence_suggestions_for_claim(claim.pk)
        rows.sort(key=lambda s: not s.is_comparison)
        return body_etag(request, json_response([rep.suggestion_item(s) for s in rows]))
