"""Claims in the API: the list (cursor-paginated, filtered by claims.filters.ClaimFilter, the
queue page's too), one claim in full, its polled status, creating one and editing it (the claim
page's `edit` action, claims.actions)."""

from __future__ import annotations

from typing import Any

from django.db import transaction
from django.http import HttpResponse
from drf_spectacular.utils import extend_schema
from rest_framework.exceptions import NotFound
from rest_framework.views import APIView

from api import representations as rep
from api import selectors
from api.conditional import VersionValidator, body_etag
from api.filters import LIST_PARAMETERS, ClaimFilter, apply_filters, reject_unknown_parameters
from api.pagination import check_page_request, orderings, paginate
from api.permissions import ReadsOpenWritesForDesk
from api.polling import PolledView
from api.responses import (
    CONDITIONAL_HEADERS,
    ETAG_ONLY,
    JSON,
    NOT_MODIFIED,
    claims_base,
    errors,
    json_response,
    list_parameters,
    pick_ordering,
)
from api.serializers import ClaimCreate, ClaimDetail, ClaimPage, ClaimStatus, ClaimUpdate
from api.views.base import parsed, perform, visible_claim
from claims import services as claim_services
from claims.evidence.selectors import evidence_for_claim, evidence_public
from claims.models import Article, Claim
from claims.selectors import claim_actions_for, claims_visible_to
from factcheck.errors import DomainError
from factcheck.roles import is_fact_checker

CLAIM_ORDERINGS = orderings(
    "-updated_at",
    "updated_at",
    "-created_at",
    "created_at",
    "-id",
    "id",
    "due_date",
    "-due_date",
    "-priority",
    "priority",
    kinds={"due_date": "date", "priority": "int"},
    nullable=frozenset({"due_date"}),
)


def _claim_detail_body(request: Any, claim: Claim) -> dict[str, Any]:
    return rep.claim_detail(
        claim,
        detail_base=claims_base(request),
        verdict=selectors.latest_published_verdict(claim),
        # The desk sees every link, retracted ones marked; readers only what stands, archived.
        evidence=list(
            evidence_for_claim(claim.pk)
            if is_fact_checker(request.user)
            else evidence_public(claim.pk)
        ),
        actions=claim_actions_for(request.user, claim) if is_fact_checker(request.user) else [],
        show_assignee=is_fact_checker(request.user),
    )


class ClaimList(PolledView):
    """GET: claims you may see, newest change first. POST: a new claim (desk)."""

    permission_classes = [ReadsOpenWritesForDesk]
    filterset_class = ClaimFilter

    @extend_schema(
        operation_id="claims_list",
        summary="List claims",
        description="Anonymous callers and consumer tokens see published claims only; the desk "
        "sees every claim. Cursor-paginated (follow `next`); unknown query parameters are a "
        "400. ETag and Last-Modified validate against the data version: a conditional GET "
        "answers 304 without touching the database while nothing changed.",
        parameters=[*list_parameters(CLAIM_ORDERINGS, "-updated_at"), *CONDITIONAL_HEADERS],
        responses={200: ClaimPage, **NOT_MODIFIED, **errors(400)},
    )
    def get(self, request: Any) -> Any:
        reject_unknown_parameters(
            request, LIST_PARAMETERS | ClaimFilter.parameters_for(request.user)
        )
        ordering = pick_ordering(request, CLAIM_ORDERINGS, "-updated_at")
        check_page_request(request, ordering)
        validator = VersionValidator.for_request(request)
        if validator.not_modified(request):
            return validator.not_modified_response()
        if (cached := validator.cached_body()) is not None:
            return validator.apply(HttpResponse(cached, content_type=JSON))
        claims = apply_filters(ClaimFilter, request, claims_visible_to(request.user))
        fields = rep.CLAIM_ROW_FIELDS
        if ordering.field not in fields:
            fields = (*fields, ordering.field)
        rows, next_link = paginate(request, claims, ordering, fields=fields)
        base = claims_base(request)
        figures = rep.figures_by_claim(
            selectors.figure_rows_of([row["id"] for row in rows], rep.FIGURE_ROW_FIELDS)
        )
        body = {
            "next": next_link,
            "results": [rep.claim_row(row, base, figures.get(row["id"])) for row in rows],
        }
        response = json_response(body)
        validator.store_body(response.content)
        return validator.apply(response)

    @extend_schema(
        operation_id="claims_create",
        summary="Create a claim (desk)",
        description="Runs claims.services.claim_create: the claim starts in state `new`.",
        request=ClaimCreate,
        responses={201: ClaimDetail, **errors(400, 403)},
    )
    def post(self, request: Any) -> Any:
        fields = parsed(ClaimCreate, request)
        article_id = fields.pop("article", None)
        article = None
        if article_id is not None:
            article = Article.objects.filter(pk=article_id).first()
            if article is None:
                raise DomainError(
                    f"No article {article_id}.", fields={"article": ["unknown article"]}
                )
        span = fields.pop("span", None)
        claim = claim_services.claim_create(
            actor=request.user,
            article=article,
            span=tuple(span) if span else None,
            **fields,
        )
        claim = selectors.claim_detail_for(request.user, claim.pk)
        return json_response(_claim_detail_body(request, claim), status=201)


class ClaimDetailView(APIView):
    """GET: one claim with figures, verdict, sources and captures. PATCH: edit it (desk)."""

    permission_classes = [ReadsOpenWritesForDesk]

    @extend_schema(
        operation_id="claims_retrieve",
        summary="A claim in full",
        description="Figures, state, the latest published verdict, linked sources with their "
        "latest capture. ETag is a hash of the body.",
        parameters=ETAG_ONLY,
        responses={200: ClaimDetail, **NOT_MODIFIED, **errors(404)},
    )
    def get(self, request: Any, pk: int) -> Any:
        claim = selectors.claim_detail_for(request.user, pk)
        if claim is None:
            raise NotFound(f"No claim {pk} that you may see.")
        return body_etag(request, json_response(_claim_detail_body(request, claim)))

    @extend_schema(
        operation_id="claims_partial_update",
        summary="Edit a claim's content (desk)",
        description="Runs the claim page's `edit` action (claims.services.claim_update), with "
        "optimistic locking: send the `version` you read as `expected_version`; a stale one "
        "is a 409. `figures` replaces the claim's list of figures; value, qualifier, unit and "
        "scale on their own edit its first figure. A change to the text, figures or period "
        "queues evidence matching of the claim again. Published claims are corrected through "
        "the `correct` transition instead. `priority` and `due_date` (editors, open claims) "
        "run the `schedule` action of the workflow table, the claim page's schedule form.",
        request=ClaimUpdate,
        responses={200: ClaimDetail, **errors(400, 403, 404, 409)},
    )
    def patch(self, request: Any, pk: int) -> Any:
        claim = visible_claim(request, pk)
        changes = parsed(ClaimUpdate, request)
        if "span" in changes:
            changes["span"] = tuple(changes["span"]) if changes["span"] else None
        schedule = {k: changes.pop(k) for k in ("priority", "due_date") if k in changes}
        with transaction.atomic():
            if set(changes) - {"expected_version"} or not schedule:
                perform("edit", request, claim, changes)
            if schedule:
                # The claim page's schedule form: its own role check and audit event.
                if set(changes) - {"expected_version"}:
                    claim.refresh_from_db(fields=["version"])
                    changes["expected_version"] = claim.version
                schedule["expected_version"] = changes["expected_version"]
                perform("schedule", request, claim, schedule)
        claim = selectors.claim_detail_for(request.user, pk)
        return json_response(_claim_detail_body(request, claim))


class ClaimStatusView(PolledView):
    """The light, polled view of a claim."""

    @extend_schema(
        operation_id="claims_status",
        summary="A claim's status",
        description="State, rating, updated_at and the public verdict URL. Made for polling: "
        "send the ETag back in If-None-Match and get a 304 (no database query) until "
        "something changes.",
        parameters=CONDITIONAL_HEADERS,
        responses={200: ClaimStatus, **NOT_MODIFIED, **errors(404)},
    )
    def get(self, request: Any, pk: int) -> Any:
        validator = VersionValidator.for_request(request)
        if validator.etag_matches(request):
            return validator.not_modified_response()
        if (body := validator.cached_body()) is None:
            row = claims_visible_to(request.user).filter(pk=pk).values(*rep.STATUS_ROW_FIELDS)
            if (row := row.first()) is None:
                raise NotFound(f"No claim {pk} that you may see.")
            body = json_response(rep.claim_status(row)).content
            validator.store_body(body)
        if validator.not_modified(request):  # `*` or If-Modified-Since, now that it is visible
            return validator.not_modified_response()
        return validator.apply(HttpResponse(body, content_type=JSON))
