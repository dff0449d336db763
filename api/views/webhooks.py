"""Webhook subscriptions in the API: a consumer registers URLs and reads its delivery log."""

from __future__ import annotations

from typing import Any

from django.http import HttpResponse
from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework.permissions import IsAuthenticated
from rest_framework.views import APIView

from api import representations as rep
from api import selectors, services
from api.filters import LIST_PARAMETERS, reject_unknown_parameters
from api.pagination import orderings, paginate
from api.responses import errors, get_or_404, json_response, list_parameters, pick_ordering
from api.serializers import (
    DeliveryPage,
    SubscriptionCreate,
    SubscriptionCreated,
    SubscriptionItem,
    SubscriptionPage,
)

SUBSCRIPTION_ORDERINGS = orderings("-created_at", "created_at", "-id", "id")
DELIVERY_ORDERINGS = orderings("-created_at", "created_at", "-id", "id")

SIGNING = (
    " Each delivery is a JSON POST with X-Desk-Event, signed as Standard Webhooks specifies: "
    "webhook-id (the same on retries: drop one you handled), webhook-timestamp and "
    "webhook-signature (v1,<base64 HMAC-SHA256 of '<id>.<timestamp>.<body>' with the "
    "subscription's secret>); verify with any Standard Webhooks library. Any status but 2xx is "
    "retried with exponential backoff. "
    "Consumers hear only of claims they may read (published ones)."
)


class SubscriptionList(APIView):
    permission_classes = [IsAuthenticated]

    @extend_schema(
        operation_id="webhooks_list",
        summary="Your webhook subscriptions",
        parameters=list_parameters(SUBSCRIPTION_ORDERINGS, "-created_at"),
        responses={200: SubscriptionPage, **errors(400)},
    )
    def get(self, request: Any) -> Any:
        reject_unknown_parameters(request, LIST_PARAMETERS)
        ordering = pick_ordering(request, SUBSCRIPTION_ORDERINGS, "-created_at")
        rows, next_link = paginate(request, selectors.subscriptions_of(request.user), ordering)
        return json_response(
            {"next": next_link, "results": [rep.subscription_item(s) for s in rows]}
        )

    @extend_schema(
        operation_id="webhooks_create",
        summary="Subscribe a URL to events",
        description="Events: verdict.published, verdict.corrected, claim.state_changed. The "
        "response holds the signing secret, shown this once." + SIGNING,
        request=SubscriptionCreate,
        responses={201: SubscriptionCreated, **errors(400)},
    )
    def post(self, request: Any) -> Any:
        data = SubscriptionCreate(data=request.data)
        data.is_valid(raise_exception=True)
        subscription = services.webhook_subscribe(owner=request.user, **data.validated_data)
        return json_response(rep.subscription_item(subscription, secret=True), status=201)


class SubscriptionDetail(APIView):
    permission_classes = [IsAuthenticated]

    @extend_schema(
        operation_id="webhooks_retrieve",
        summary="One of your subscriptions",
        responses={200: SubscriptionItem, **errors(404)},
    )
    def get(self, request: Any, pk: int) -> Any:
        subscription = get_or_404(selectors.subscriptions_of(request.user), pk, "subscription")
        return json_response(rep.subscription_item(subscription))

    @extend_schema(
        operation_id="webhooks_destroy",
        summary="Unsubscribe",
        description="Deletes the subscription and its delivery log.",
        responses={204: OpenApiResponse(description="Deleted."), **errors(404)},
    )
    def delete(self, request: Any, pk: int) -> Any:
        subscription = get_or_404(selectors.subscriptions_of(request.user), pk, "subscription")
        services.webhook_unsubscribe(actor=request.user, subscription=subscription)
        return HttpResponse(status=204)


class DeliveryList(APIView):
    permission_classes = [IsAuthenticated]

    @extend_schema(
        operation_id="webhooks_deliveries_list",
        summary="The delivery log of a subscription",
        description="Every event sent to it: state, attempts, the receiver's status and the "
        "start of its answer, errors, timings, and one log entry per attempt.",
        parameters=list_parameters(DELIVERY_ORDERINGS, "-created_at"),
        responses={200: DeliveryPage, **errors(400, 404)},
    )
    def get(self, request: Any, pk: int) -> Any:
        reject_unknown_parameters(request, LIST_PARAMETERS)
        subscription = get_or_404(selectors.subscriptions_of(request.user), pk, "subscription")
        ordering = pick_ordering(request, DELIVERY_ORDERINGS, "-created_at")
        rows, next_link = paginate(request, selectors.deliveries_of(subscription), ordering)
        return json_response({"next": next_link, "results": [rep.delivery_item(d) for d in rows]})
