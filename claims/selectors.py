"""Reads that pages and the API share; they own select_related/prefetch_related."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from django.db.models import Count, QuerySet

from claims import workflow
from claims.models import (
    Article,
    Claim,
    ClaimComment,
    ClaimState,
    Rating,
    RatingRevision,
    RatingScale,
    VerdictVersion,
)
from factcheck.models import AuditEvent
from factcheck.roles import is_editor, is_fact_checker

CLOSED_STATES = (ClaimState.PUBLISHED, ClaimState.DISMISSED)


def article_list() -> QuerySet[Article]:
    return Article.objects.annotate(claim_count=Count("claims")).order_by("-published_on", "-id")


def claim_counts_by_state() -> list[tuple[str, str, int]]:
    """(state, label, count) for every state, zeros included, in workflow order."""
    counts = dict(Claim.objects.values_list("state").annotate(n=Count("id")).order_by())
    return [(value, label, counts.get(value, 0)) for value, label in ClaimState.choices]


def claims_visible_to(user: Any) -> QuerySet[Claim]:
    """The one visibility rule: the desk (fact-checkers, editors) sees every claim; anyone else,
    signed in without a role or anonymous, sees published claims only."""
    claims = Claim.objects.select_related("article", "rating")
    if is_fact_checker(user):
        return claims
    return claims.filter(state=ClaimState.PUBLISHED)


def my_queue(user: Any) -> QuerySet[Claim]:
    """The claims assigned to this user that are still open, most recently changed first."""
    if not getattr(user, "is_authenticated", False):
        return Claim.objects.none()
    return (
        Claim.objects.filter(assignee_id=user.pk)
        .exclude(state__in=CLOSED_STATES)
        .select_related("article", "assignee", "rating")
        .order_by("-updated_at", "-id")
    )


def claim_actions_for(user: Any, claim: Claim) -> list[str]:
    """The workflow actions (claims.workflow.ACTIONS names) to offer this user on this claim."""
    return workflow.allowed_actions(user, claim)


def ratings_visible_to(user: Any, claim: Claim) -> list[Rating]:
    """The blind rule: a reviewer sees the claim's ratings only once they have rated it.

    Editors and staff admins see every rating; a fact-checker who has not rated sees none (not
    even a count); users without a desk role see none.
    """
    if not is_fact_checker(user):
        return []
    ratings = Rating.objects.filter(claim_id=claim.pk)
    if not is_editor(user) and not ratings.filter(reviewer_id=user.pk).exists():
        return []
    return list(
        ratings.select_related("reviewer", "scale")
        .prefetch_related("evidence")
        .order_by("created_at", "id")
    )


def rating_disagreement(claim: Claim, ratings: list[Rating] | None = None) -> bool:
    """True when two ratings of the claim lie more than one step apart on the rating scale.

    Steps are positions in the scale ordered by RatingScale.order (gaps in `order` do not count).
    Pass the ratings already loaded (with their scale) to save a query.
    """
    if ratings is None:
        orders = list(
            Rating.objects.filter(claim_id=claim.pk).values_list("scale__order", flat=True)
        )
    else:
        orders = [r.scale.order for r in ratings]
    if len(set(orders)) < 2:
        return False
    position = {
        order: i
        for i, order in enumerate(
            RatingScale.objects.order_by("order").values_list("order", flat=True)
        )
    }
    steps = [position[o] for o in orders]
    return max(steps) - min(steps) > 1


def rating_revisions(rating: Rating) -> QuerySet[RatingRevision]:
    """The superseded states of a rating, latest first (the current one is the rating itself)."""
    return (
        RatingRevision.objects.filter(rating=rating).select_related("scale").order_by("-revision")
    )


def verdict_history(claim: Claim, *, include_draft: bool = False) -> QuerySet[VerdictVersion]:
    """The claim's verdict versions, latest first: published ones, plus the approved draft when
    asked (for editors). Each correction carries its public note."""
    verdicts = VerdictVersion.objects.filter(claim_id=claim.pk)
    if not include_draft:
        verdicts = verdicts.filter(published_at__isnull=False)
    return verdicts.select_related("rating", "approved_by").order_by("-number")


def claim_comments(claim: Claim) -> QuerySet[ClaimComment]:
    """Send-back comments, dismissal reasons and notes, oldest first."""
    return (
        ClaimComment.objects.filter(claim_id=claim.pk)
        .select_related("author")
        .order_by("created_at", "id")
    )


def claim_history(claim: Claim) -> QuerySet[AuditEvent]:
    """Every audit event of the claim (its own and its ratings', verdicts', comments'), in order."""
    return (
        AuditEvent.objects.filter(claim_id=claim.pk)
        .select_related("actor")
        .order_by("created_at", "id")
    )


# Articles and their candidate claims -----------------------------------------------------------


@dataclass
class CandidateRow:
    """A highlighted stretch of an article: an extracted candidate, an accepted claim, or both."""

    number: int
    start: int
    end: int
    status: str  # open, accepted or dismissed
    candidate: Any = None  # claims.extraction.Candidate, when the extractor found one here
    claim_ids: list[int] = field(default_factory=list)

    @property
    def claim_id(self) -> int | None:
        return self.claim_ids[0] if self.claim_ids else None


def article_candidates(article: Article) -> list[CandidateRow]:
    """Candidates (extracted now: fast enough to need no storage) and claims, in body order."""
    from claims.extraction import extract_claims

    if not article.body:
        return []
    claims = list(
        Claim.objects.filter(article=article, span_start__isnull=False)
        .order_by("span_start", "pk")
        .values_list("pk", "span_start", "span_end")
    )
    dismissed = {tuple(s) for s in article.dismissed_spans}
    rows: list[CandidateRow] = []
    matched: set[int] = set()
    for candidate in extract_claims(article.body, article.published_on):
        start, end = candidate.span.start, candidate.span.end
        ids = [pk for pk, s, e in claims if s < end and start < e]
        matched.update(ids)
        status = "accepted" if ids else "dismissed" if (start, end) in dismissed else "open"
        rows.append(CandidateRow(0, start, end, status, candidate, ids))
    for pk, start, end in claims:
        if pk not in matched:
            rows.append(CandidateRow(0, start, end, "accepted", None, [pk]))
    rows.sort(key=lambda r: (r.start, r.end))
    for number, row in enumerate(rows, 1):
        row.number = number
    return rows


def article_segments(article: Article, rows: list[CandidateRow]) -> list[tuple[str, Any]]:
    """The body cut into (text, row-or-None) pieces so the page can highlight them."""
    body = article.body
    pieces: list[tuple[str, Any]] = []
    cursor = 0
    for row in rows:
        if row.start < cursor:
            continue  # overlapping stretches: the first one keeps the highlight
        if row.start > cursor:
            pieces.append((body[cursor : row.start], None))
        pieces.append((body[row.start : row.end], row))
        cursor = row.end
    if cursor < len(body):
        pieces.append((body[cursor:], None))
    return pieces
