"""Claims in the API: list, detail, status, create and edit, transitions, ratings, verdicts,
linked sources and ClaimReview. Views validate and delegate to selectors and services."""

from __future__ import annotations

from typing import Any

from django.contrib.auth import get_user_model
from django.db import transaction
from django.http import HttpResponse
from drf_spectacular.utils import extend_schema
from rest_framework.exceptions import NotFound
from rest_framework.parsers import JSONParser, MultiPartParser
from rest_framework.views import APIView

from api import representations as rep
from api import selectors
from api.claimreview import claimreview_for
from api.conditional import VersionValidator, body_etag
from api.filters import LIST_PARAMETERS, ClaimFilter, apply_filters, reject_unknown_parameters
from api.pagination import check_page_request, orderings, paginate
from api.permissions import IsDeskMember, ReadsOpenWritesForDesk
from api.polling import PolledView
from api.responses import (
    CONDITIONAL_HEADERS,
    ETAG_ONLY,
    JSON,
    NOT_MODIFIED,
    claims_base,
    errors,
    get_or_404,
    json_response,
    list_parameters,
    pick_ordering,
)
from api.serializers import (
    ClaimCreate,
    ClaimDetail,
    ClaimPage,
    ClaimReviewDocument,
    ClaimReviewPage,
    ClaimStatus,
    ClaimUpdate,
    EvidenceItem,
    RatingConfirm,
    RatingItem,
    RatingScaleItem,
    RatingSubmit,
    SourceLink,
    SourceRetract,
    SourceUpload,
    SuggestionItem,
    Transition,
    TransitionResult,
    VerdictItem,
)
from claims import services as claim_services
from claims.models import Article, Claim, Rating, RatingScale
from claims.selectors import claim_actions_for, claims_visible_to, ratings_visible_to
from factcheck.bidi import balance_data
from factcheck.errors import DomainError
from factcheck.roles import is_fact_checker
from sources.models import Evidence
from sources.selectors import evidence_for_claim, evidence_public, evidence_suggestions_for_claim
from sources.services import source_link, source_upload

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
CLAIMREVIEW_ORDERINGS = orderings("-published_at", "published_at", "-id", "id")


def _visible_claim(request: Any, pk: int) -> Claim:
    return get_or_404(claims_visible_to(request.user), pk, "claim")


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


def _rating_entry(slug: str | None, field: str = "rating") -> RatingScale:
    if not slug:
        raise DomainError("Say which rating (a scale slug).", fields={field: ["required"]})
    scale = RatingScale.objects.filter(slug=slug).first()
    if scale is None:
        raise DomainError(f"No rating {slug!r} on the scale.", fields={field: ["unknown rating"]})
    return scale


def _user(username: str | None) -> Any:
    if username is None:
        return None
    user = get_user_model().objects.filter(username=username).first()
    if user is None:
        raise DomainError(f"No user named {username!r}.", fields={"assignee": ["unknown user"]})
    return user


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
        reject_unknown_parameters(request, LIST_PARAMETERS | set(ClaimFilter.base_filters))
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
        data = ClaimCreate(data=request.data)
        data.is_valid(raise_exception=True)
        fields = dict(data.validated_data)
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
        description="Runs claims.services.claim_update, the edit the claim page makes, with "
        "optimistic locking: send the `version` you read as `expected_version`; a stale one "
        "is a 409. `figures` replaces the claim's list of figures; value, qualifier, unit and "
        "scale on their own edit its first figure. A change to the text, figures or period "
        "queues evidence matching of the claim again. Published claims are corrected through "
        "the `correct` transition instead. `priority` and `due_date` (editors, open claims) "
        "run claims.services.claim_schedule, the claim page's schedule form.",
        request=ClaimUpdate,
        responses={200: ClaimDetail, **errors(400, 403, 404, 409)},
    )
    def patch(self, request: Any, pk: int) -> Any:
        claim = _visible_claim(request, pk)
        data = ClaimUpdate(data=request.data)
        data.is_valid(raise_exception=True)
        changes = dict(data.validated_data)
        expected = changes.pop("expected_version")
        if "span" in changes:
            changes["span"] = tuple(changes["span"]) if changes["span"] else None
        schedule = {k: changes.pop(k) for k in ("priority", "due_date") if k in changes}
        with transaction.atomic():
            if changes or not schedule:
                claim_services.claim_update(
                    actor=request.user, claim=claim, expected_version=expected, **changes
                )
            if schedule:
                # The same write as the claim page's: its own role check and audit event.
                if changes:
                    claim.refresh_from_db(fields=["version"])
                    expected = claim.version
                claim_services.claim_schedule(
                    actor=request.user,
                    claim=claim,
                    priority=schedule.get("priority"),
                    due_date=schedule.get("due_date", claim_services.KEEP),
                    expected_version=expected,
                )
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


class ClaimTransitionView(APIView):
    """Move a claim through the workflow, one service per action."""

    permission_classes = [IsDeskMember]

    @extend_schema(
        operation_id="claims_transition",
        summary="Take a workflow action (desk)",
        description="`action` is one of: start_research (assignee optional), assign "
        "(assignee), submit_for_review, request_approval, send_back (comment), approve "
        "(rating, conclusion, explanation, evidence_ids), publish, correct (rating, "
        "conclusion, explanation, correction_note, evidence_ids), dismiss (reason), restore "
        "(reason optional). Each runs its claims.services function, which checks the "
        "caller's role (403), the claim's state (400) and `expected_version` (409).",
        request=Transition,
        responses={200: TransitionResult, **errors(400, 403, 404, 409)},
    )
    def post(self, request: Any, pk: int) -> Any:
        claim = _visible_claim(request, pk)
        data = Transition(data=request.data)
        data.is_valid(raise_exception=True)
        verdict = _transition(request.user, claim, data.validated_data)
        claim = Claim.objects.select_related("rating").get(pk=claim.pk)
        return json_response(
            {"claim": rep.claim_status_of(claim), "verdict": rep.verdict_public(verdict)}
        )


def _transition(actor: Any, claim: Claim, data: dict[str, Any]) -> Any:
    s = claim_services
    action, version = data["action"], data["expected_version"]
    common = {"actor": actor, "claim": claim, "expected_version": version}
    if action == "start_research":
        s.claim_start_research(**common, assignee=_user(data.get("assignee")))
    elif action == "assign":
        assignee = _user(data.get("assignee"))
        if assignee is None:
            raise DomainError("Say whom to assign (a username).", fields={"assignee": ["required"]})
        s.claim_assign(**common, assignee=assignee)
    elif action == "submit_for_review":
        s.claim_submit_for_review(**common)
    elif action == "request_approval":
        s.claim_request_approval(**common)
    elif action == "send_back":
        s.claim_send_back(**common, comment=data.get("comment", ""))
    elif action == "publish":
        s.claim_publish(**common)
    elif action == "dismiss":
        s.claim_dismiss(**common, reason=data.get("reason", ""))
    elif action == "restore":
        s.claim_restore(**common, reason=data.get("reason", ""))
    elif action == "approve":
        return s.verdict_approve(
            **common,
            rating=_rating_entry(data.get("rating")),
            conclusion=data.get("conclusion", ""),
            explanation=data.get("explanation", ""),
            evidence_ids=data.get("evidence_ids", []),
        )
    elif action == "correct":
        return s.verdict_correct(
            **common,
            rating=_rating_entry(data.get("rating")),
            conclusion=data.get("conclusion", ""),
            explanation=data.get("explanation", ""),
            correction_note=data.get("correction_note", ""),
            evidence_ids=data.get("evidence_ids", []),
        )
    return None


class ClaimRatingsView(APIView):
    """Ratings of a claim, under the blind rule; a reviewer's own rating."""

    permission_classes = [IsDeskMember]

    @extend_schema(
        operation_id="claims_ratings_list",
        summary="Ratings of a claim (desk)",
        description="The blind rule (claims.selectors.ratings_visible_to): a fact-checker sees "
        "no rating, not even a count, until their own is in; editors see all.",
        responses={200: RatingItem(many=True), **errors(403, 404)},
    )
    def get(self, request: Any, pk: int) -> Any:
        claim = _visible_claim(request, pk)
        ratings = ratings_visible_to(request.user, claim)
        return body_etag(request, json_response([rep.rating_item(r) for r in ratings]))

    @extend_schema(
        operation_id="claims_ratings_submit",
        summary="Rate a claim, or revise your rating (desk)",
        description="Runs claims.services.rating_submit. 201 for a first rating, 200 for a "
        "revision. `expected_revision` (0 for none yet) turns a stale tab into a 409.",
        request=RatingSubmit,
        responses={201: RatingItem, 200: RatingItem, **errors(400, 403, 404, 409)},
    )
    def post(self, request: Any, pk: int) -> Any:
        claim = _visible_claim(request, pk)
        data = RatingSubmit(data=request.data)
        data.is_valid(raise_exception=True)
        values = data.validated_data
        had = Rating.objects.filter(claim_id=claim.pk, reviewer_id=request.user.pk).exists()
        rating = claim_services.rating_submit(
            actor=request.user,
            claim=claim,
            scale=_rating_entry(values["rating"]),
            rationale=values["rationale"],
            evidence_ids=values.get("evidence_ids", []),
            expected_revision=values.get("expected_revision"),
        )
        return json_response(rep.rating_item(rating), status=200 if had else 201)


class ClaimRatingConfirmView(APIView):
    permission_classes = [IsDeskMember]

    @extend_schema(
        operation_id="claims_ratings_confirm",
        summary="Confirm your stale rating (desk)",
        description="Runs claims.services.rating_confirm: your rating, given before the claim's "
        "statement or figures were edited, stands for the claim as it now reads and counts "
        "again. A rating that is not stale, or none, is a 400.",
        request=RatingConfirm,
        responses={200: RatingItem, **errors(400, 403, 404, 409)},
    )
    def post(self, request: Any, pk: int) -> Any:
        claim = _visible_claim(request, pk)
        data = RatingConfirm(data=request.data)
        data.is_valid(raise_exception=True)
        rating = claim_services.rating_confirm(
            actor=request.user,
            claim=claim,
            expected_revision=data.validated_data.get("expected_revision"),
        )
        return json_response(rep.rating_item(rating))


class ClaimVerdictsView(APIView):
    permission_classes = [IsDeskMember]

    @extend_schema(
        operation_id="claims_verdicts_list",
        summary="Verdict versions of a claim (desk)",
        description="Published versions, latest first, each correction with its public note; "
        "editors also see the approved, unpublished draft (published_at null).",
        responses={200: VerdictItem(many=True), **errors(403, 404)},
    )
    def get(self, request: Any, pk: int) -> Any:
        claim = _visible_claim(request, pk)
        verdicts = selectors.verdicts_for(request.user, claim)
        return body_etag(request, json_response([rep.verdict_item(v) for v in verdicts]))


class ClaimSourcesView(APIView):
    permission_classes = [IsDeskMember]
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
        claim = _visible_claim(request, pk)
        if (request.content_type or "").startswith("multipart/"):
            upload = SourceUpload(data=request.data)
            upload.is_valid(raise_exception=True)
            values = upload.validated_data
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
            data = SourceLink(data=request.data)
            data.is_valid(raise_exception=True)
            evidence = source_link(actor=request.user, claim=claim, **data.validated_data)
        evidence = next(e for e in evidence_for_claim(claim.pk) if e.pk == evidence.pk)
        return json_response(rep.evidence_item(evidence), status=201)


class ClaimSourceRetractView(APIView):
    permission_classes = [IsDeskMember]

    @extend_schema(
        operation_id="claims_sources_retract",
        summary="Retract a source from a claim (desk)",
        description="Runs claims.services.evidence_retract: the link and its archive stay, "
        "marked retracted with the reason; no rating or verdict can rest on it and readers no "
        "longer see it. Editors only once the claim is published.",
        request=SourceRetract,
        responses={200: EvidenceItem, **errors(400, 403, 404, 409)},
    )
    def post(self, request: Any, pk: int, evidence_id: int) -> Any:
        claim = _visible_claim(request, pk)
        data = SourceRetract(data=request.data)
        data.is_valid(raise_exception=True)
        evidence = Evidence.objects.filter(claim_id=claim.pk, pk=evidence_id).first()
        if evidence is None:
            raise NotFound(f"Claim {pk} has no source link {evidence_id}.")
        claim_services.evidence_retract(
            actor=request.user, claim=claim, evidence=evidence, reason=data.validated_data["reason"]
        )
        evidence = next(e for e in evidence_for_claim(claim.pk) if e.pk == evidence_id)
        return json_response(rep.evidence_item(evidence))


class ClaimSuggestionsView(APIView):
    permission_classes = [IsDeskMember]

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
        claim = _visible_claim(request, pk)
        rows = evidence_suggestions_for_claim(claim.pk)
        rows.sort(key=lambda s: not s.is_comparison)
        return body_etag(request, json_response([rep.suggestion_item(s) for s in rows]))


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
