"""The API's front door: /api/ (and /api/v1/) list the entry points and say where the docs are."""

from __future__ import annotations

from typing import Any

from django.urls import reverse
from drf_spectacular.utils import extend_schema
from rest_framework.response import Response
from rest_framework.views import APIView

# (name, URL name, what it gives), in the order a new consumer would want them.
ENTRY_POINTS = [
    ("claims", "api:claim-list", "Claims with their state, figures and verdict; filterable."),
    ("claimreview", "api:claimreview-list", "Published verdicts as ClaimReview JSON-LD."),
    ("rating-scale", "api:rating-scale", "The rating scale: labels, ratingValue, meaning."),
    ("articles", "api:article-list", "Imported articles (desk staff)."),
    ("sources", "api:source-list", "Sources and their captures (desk staff)."),
    ("captures", "api:capture-list", "Archived captures: state, hashes, WARC (desk staff)."),
    ("webhooks", "api:webhook-list", "Your webhook subscriptions and their deliveries."),
]

AUTHENTICATION = (
    "Send `Authorization: Bearer <token>`. An operator makes a token for a user with "
    "`manage.py api_token create USERNAME --name WHO-USES-IT` (printed once). Public data "
    "(published claims, ClaimReview, the rating scale) needs no token."
)


class ApiIndex(APIView):
    """What the API offers, as links: the answer to a GET of /api/ instead of a 404."""

    @extend_schema(exclude=True)
    def get(self, request: Any) -> Response:
        def link(name: str) -> str:
            return request.build_absolute_uri(reverse(name))

        return Response(
            {
                "name": "Fact-checking desk API",
                "version": "v1",
                "docs": link("api:docs"),
                "schema": link("api:schema"),
                "authentication": AUTHENTICATION,
                "errors": 'Every error has the shape {"error": {"code", "message", "fields"}}.',
                "entry_points": [
                    {"name": name, "url": link(url_name), "description": description}
                    for name, url_name, description in ENTRY_POINTS
                ],
            }
        )
