"""A claim's workflow in the API: transitions, ratings, comments and verdict versions.

Every write is one entry of the claim workflow's action table (claims.actions), the one the
claim page calls: the API parses its JSON (usernames, scale slugs) into the table's inputs and
nothing else.
"""

from __future__ import annotations

from typing import Any

from drf_spectacular.utils import extend_schema

from api import representations as rep
from api import selectors
from api.conditional import body_etag
from api.responses import errors, json_response
from api.serializers import (
    CommentCreate,
    CommentItem,
    RatingConfirm,
    RatingItem,
    RatingSubmit,
    Transition,
    TransitionResult,
    VerdictItem,
)
from api.views.base import DeskClaimView, parsed, perform, visible_claim
from claims import selectors as claim_selectors
from claims.actions import rating_by_slug, user_by_username
from claims.models import Claim, Rating


def transition_inputs(data: dict[str, Any]) -> dict[str, Any]:
    """A Transition body as the action table's inputs: people by username, ratings by slug."""
    inputs = {k: v for k, v in data.items() if k != "action"}
    if "assignee" in inputs:
        inputs["assignee"] = user_by_username(inputs["assignee"])
    if data["action"] in ("approve", "correct"):
        inputs["rating"] = rating_by_slug(inputs.get("rating"))
    return inputs


class ClaimTransitionView(DeskClaimView):
    """Move a claim through the workflow, one entry of the action table per action."""

    @extend_schema(
        operation_id="claims_transition",
        summary="Take a workflow action (desk)",
        description="`action` is one of: start_research (assignee optional), assign "
        "(assignee), submit_for_review, request_approval, send_back (comment), approve "
        "(rating, conclusion, explanation, evidence_ids), publish, correct (rating, "
        "conclusion, explanation, correction_note, evidence_ids), dismiss (reason), restore "
        "(reason optional). Each runs the claim page's action (claims.actions), whose service "
        "checks the caller's role (403), the claim's state (400) and `expected_version` (409).",
        request=Transition,
        responses={200: TransitionResult, **errors(400, 403, 404, 409)},
    )
    def post(self, request: Any, pk: int) -> Any:
        claim = visible_claim(request, pk)
        data = parsed(Transition, request)
        outcome = perform(data["action"], request, claim, transition_inputs(data))
        verdict = outcome.result if data["action"] in ("approve", "correct") else None
        claim = Claim.objects.select_related("rating").get(pk=claim.pk)
        return json_response(
            {
                "claim": rep.claim_status_of(claim),
                "verdict": rep.verdict_public(verdict),
                "approval_withdrawn": outcome.approval_withdrawn,
            }
        )


class ClaimRatingsView(DeskClaimView):
    """Ratings of a claim, under the blind rule; a reviewer's own rating."""

    @extend_schema(
        operation_id="claims_ratings_list",
        summary="Ratings of a claim (desk)",
        description="The blind rule (claims.selectors.ratings_visible_to): a fact-checker sees "
        "no rating, not even a count, until their own is in; editors see all.",
        responses={200: RatingItem(many=True), **errors(403, 404)},
    )
    def get(self, request: Any, pk: int) -> Any:
        claim = visible_claim(request, pk)
        ratings = claim_selectors.ratings_visible_to(request.user, claim)
        return body_etag(request, json_response([rep.rating_item(r) for r in ratings]))

    @extend_schema(
        operation_id="claims_ratings_submit",
        summary="Rate a claim, or revise your rating (desk)",
        description="Runs the claim page's `rate` action (claims.services.rating_submit). 201 "
        "for a first rating, 200 for a revision. `expected_revision` (0 for none yet) turns a "
        "stale tab into a 409.",
        request=RatingSubmit,
        responses={201: RatingItem, 200: RatingItem, **errors(400, 403, 404, 409)},
    )
    def post(self, request: Any, pk: int) -> Any:
        claim = visible_claim(request, pk)
        values = parsed(RatingSubmit, request)
        had = Rating.objects.filter(claim_id=claim.pk, reviewer_id=request.user.pk).exists()
        inputs = {
            "scale": rating_by_slug(values["rating"]),
            "rationale": values["rationale"],
            "evidence_ids": values.get("evidence_ids", []),
            "expected_revision": values.get("expected_revision"),
        }
        rating = perform("rate", request, claim, inputs).result
        return json_response(rep.rating_item(rating), status=200 if had else 201)


class ClaimRatingConfirmView(DeskClaimView):
    @extend_schema(
        operation_id="claims_ratings_confirm",
        summary="Confirm your stale rating (desk)",
        description="Runs the claim page's `confirm_rating` action (claims.services."
        "rating_confirm): your rating, given before the claim's statement or figures were "
        "edited, stands for the claim as it now reads and counts again. A rating that is not "
        "stale, or none, is a 400.",
        request=RatingConfirm,
        responses={200: RatingItem, **errors(400, 403, 404, 409)},
    )
    def post(self, request: Any, pk: int) -> Any:
        claim = visible_claim(request, pk)
        values = parsed(RatingConfirm, request)
        inputs = {"expected_revision": values.get("expected_revision")}
        rating = perform("confirm_rating", request, claim, inputs).result
        return json_response(rep.rating_item(rating))


class ClaimCommentsView(DeskClaimView):
    @extend_schema(
        operation_id="claims_comments_list",
        summary="Comments on a claim (desk)",
        description="Notes, send-back comments and dismissal reasons, oldest first.",
        responses={200: CommentItem(many=True), **errors(403, 404)},
    )
    def get(self, request: Any, pk: int) -> Any:
        claim = visible_claim(request, pk)
        comments = claim_selectors.claim_comments(claim)
        return body_etag(request, json_response([rep.comment_item(c) for c in comments]))

    @extend_schema(
        operation_id="claims_comments_create",
        summary="Comment on a claim (desk)",
        description="Runs the claim page's `comment` action (claims.services.claim_comment_add).",
        request=CommentCreate,
        responses={201: CommentItem, **errors(400, 403, 404)},
    )
    def post(self, request: Any, pk: int) -> Any:
        claim = visible_claim(request, pk)
        values = parsed(CommentCreate, request)
        comment = perform("comment", request, claim, {"body": values["body"]}).result
        return json_response(rep.comment_item(comment), status=201)


class ClaimVerdictsView(DeskClaimView):
    @extend_schema(
        operation_id="claims_verdicts_list",
        summary="Verdict versions of a claim (desk)",
        description="Published versions, latest first, each correction with its public note; "
        "editors also see the approved, unpublished draft (published_at null).",
        responses={200: VerdictItem(many=True), **errors(403, 404)},
    )
    def get(self, request: Any, pk: int) -> Any:
        claim = visible_claim(request, pk)
        verdicts = selectors.verdicts_for(request.user, claim)
        return body_etag(request, json_response([rep.verdict_item(v) for v in verdicts]))
