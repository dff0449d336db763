"""ClaimReview in the API (one claim's JSON-LD, and the feed of every published claim) and the
rating scale its ratings come from."""

from __future__ import annotations

from typing import Any

from drf_spectacular.utils import extend_schema
from rest_framework.exceptions import NotFound
from rest_framework.views import APIView

from api import selectors
from api.conditional import VersionValidator, body_etag
from api.filters import LIST_PARAMETERS, reject_unknown_parameters
from api.pagination import check_page_request, orderings, paginate
from api.polling import PolledView
from api.responses import (
    CONDITIONAL_HEADERS,
    ETAG_ONLY,
    NOT_MODIFIED,
    errors,
    json_response,
    list_parameters,
    pick_ordering,
)
from api.serializers import ClaimReviewDocument, ClaimReviewPage, RatingScaleItem
from claims.claimreview import claimreview_for
from claims.models import RatingScale
from factcheck.bidi import balance_data

CLAIMREVIEW_ORDERINGS = orderings("-published_at", "published_at", "-id", "id")


class ClaimReviewView(PolledView):
    @extend_schema(
        operation_id="claims_claimreview",
        summary="ClaimReview JSON-LD of a published claim",
        description="schema.org ClaimReview for the latest published verdict (404 until "
        "published).",
        parameters=CONDITIONAL_HEADERS,
        responses={
            (200, "application/ld+json"): ClaimReviewDocument,
            **NOT_MODIFIED,
            **errors(404),
        },
    )
    def get(self, request: Any, pk: int) -> Any:
        validator = VersionValidator.for_request(request)
        if validator.etag_matches(request):
            return validator.not_modified_response()
        claim = selectors.published_claims_for_claimreview().filter(pk=pk).first()
        verdict = selectors.latest_verdicts_of([pk]).get(pk) if claim else None
        if verdict is None:
            raise NotFound(f"Claim {pk} has no published verdict.")
        if validator.not_modified(request):  # `*` or If-Modified-Since, now that it exists
            return validator.not_modified_response()
        response = json_response(balance_data(claimreview_for(claim, verdict)))
        response["Content-Type"] = "application/ld+json"
        return validator.apply(response)


class ClaimReviewFeed(PolledView):
    @extend_schema(
        operation_id="claimreview_list",
        summary="ClaimReview feed",
        description="One ClaimReview per published claim (its latest verdict), latest "
        "publication first. Same pagination and validators as the claims list.",
        parameters=[*list_parameters(CLAIMREVIEW_ORDERINGS, "-published_at"), *CONDITIONAL_HEADERS],
        responses={200: ClaimReviewPage, **NOT_MODIFIED, **errors(400)},
    )
    def get(self, request: Any) -> Any:
        reject_unknown_parameters(request, LIST_PARAMETERS)
        ordering = pick_ordering(request, CLAIMREVIEW_ORDERINGS, "-published_at")
        check_page_request(request, ordering)
        validator = VersionValidator.for_request(request)
        if validator.not_modified(request):
            return validator.not_modified_response()
        claims, next_link = paginate(
            request, selectors.published_claims_for_claimreview(), ordering
        )
        verdicts = selectors.latest_verdicts_of([c.pk for c in claims])
        results = [
            balance_data(claimreview_for(c, verdicts[c.pk])) for c in claims if c.pk in verdicts
        ]
        return validator.apply(json_response({"next": next_link, "results": results}))


class RatingScaleView(APIView):
    @extend_schema(
        operation_id="rating_scale_list",
        summary="The rating scale",
        description="Every entry, in order; `slug` is what the `rating` filter and the rating "
        "and verdict inputs take.",
        parameters=ETAG_ONLY,
        responses={200: RatingScaleItem(many=True), **NOT_MODIFIED, **errors()},
    )
    def get(self, request: Any) -> Any:
        rows = RatingScale.objects.order_by("order").values(
            "slug", "label", "rating_value", "meaning", "colour", "order", "active"
        )
        return body_etag(request, json_response(list(rows)))
