"""Reads that pages and the API share; they own select_related/prefetch_related."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any

from django.contrib.auth import get_user_model
from django.contrib.auth.models import AnonymousUser
from django.db.models import (
    Count,
    IntegerField,
    OuterRef,
    Prefetch,
    Q,
    QuerySet,
    Subquery,
)
from django.db.models.functions import Coalesce, TruncDate
from django.utils import timezone

from claims import deadlines, workflow
from claims.candidates import CandidateSummary, candidate_summary
from claims.evidence.models import Evidence
from claims.evidence.selectors import evidence_public
from claims.filters import ClaimFilter
from claims.models import (
    Article,
    Claim,
    ClaimComment,
    ClaimFigure,
    ClaimState,
    Rating,
    RatingRevision,
    RatingScale,
    VerdictVersion,
)
from factcheck import keyset
from factcheck.models import AuditEvent
from factcheck.roles import ROLES, is_editor, is_fact_checker
from sources.models import Capture

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
        ratings.select_related("reviewer", "scale", "claim")
        .prefetch_related(Prefetch("evidence", Evidence.objects.select_related("source")))
        .order_by("created_at", "id")
    )


def rating_disagreement(claim: Claim, ratings: list[Rating] | None = None) -> bool:
    """True when the claim's ratings disagree: two graded ratings (on the true ... false axis)
    more than one step apart, or two different ratings of which one is off that axis
    (misleading, unproven: another kind of judgement, so never "close" to anything else).

    Steps are positions among the graded entries ordered by RatingScale.order (gaps in `order`
    do not count). Pass the ratings already loaded (with their scale) to save a query.
    """
    if ratings is None:
        rows = list(
            Rating.objects.filter(claim_id=claim.pk).values_list("scale_id", "scale__graded")
        )
    else:
        rows = [(r.scale_id, r.scale.graded) for r in ratings]
    if len({scale_id for scale_id, _ in rows}) < 2:
        return False
    if not all(graded for _, graded in rows):
        return True
    position = {
        scale_id: i
        for i, scale_id in enumerate(
            RatingScale.objects.filter(graded=True).order_by("order").values_list("pk", flat=True)
        )
    }
    steps = [position[scale_id] for scale_id, _ in rows]
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
    # The accepted claim's due date and priority (claims.deadlines.Schedule), for the list.
    schedule: deadlines.Schedule | None = None

    @property
    def claim_id(self) -> int | None:
        return self.claim_ids[0] if self.claim_ids else None

    @property
    def summary(self) -> CandidateSummary | None:
        """The candidate in a person's words (kind, check-worthiness, figures, period)."""
        return candidate_summary(self.candidate) if self.candidate is not None else None


def article_candidates(article: Article) -> list[CandidateRow]:
    """Candidates (extracted now: fast enough to need no storage) and claims, in body order."""
    from claims.extraction import extract_claims

    if not article.body:
        return []
    claims = list(
        Claim.objects.filter(article=article, span_start__isnull=False)
        .order_by("span_start", "pk")
        .values_list("pk", "span_start", "span_end", "due_date", "priority", "state")
    )
    today = deadlines.today()
    schedules = {
        pk: deadlines.schedule_of(due, priority, state, today)
        for pk, _s, _e, due, priority, state in claims
    }
    dismissed = {tuple(s) for s in article.dismissed_spans}
    rows: list[CandidateRow] = []
    matched: set[int] = set()
    for candidate in extract_claims(article.body, article.published_on):
        start, end = candidate.span.start, candidate.span.end
        ids = [pk for pk, s, e, *_ in claims if s < end and start < e]
        matched.update(ids)
        status = "accepted" if ids else "dismissed" if (start, end) in dismissed else "open"
        rows.append(CandidateRow(0, start, end, status, candidate, ids))
    for pk, start, end, *_ in claims:
        if pk not in matched:
            rows.append(CandidateRow(0, start, end, "accepted", None, [pk]))
    rows.sort(key=lambda r: (r.start, r.end))
    for number, row in enumerate(rows, 1):
        row.number = number
        if row.claim_ids:
            row.schedule = schedules.get(row.claim_ids[0])
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


# The claim queue and the dashboard -------------------------------------------------------------

QUEUE_PAGE_SIZE = 50
QUEUE_MAX_PAGE_SIZE = 100

# Sort name -> (label, the ordering field, descending?); ties are broken by id in the same
# direction, so every ordering is total and a keyset cursor is (value, id).
QUEUE_SORTS: dict[str, tuple[str, str, bool]] = {
    "recent": ("recently changed", "updated_at", True),
    "stale": ("longest unchanged", "updated_at", False),
    "newest": ("newest", "created_at", True),
    "worthiness": ("most check-worthy", "check_worthiness", True),
    "priority": ("most urgent", "priority", True),
    # Claims without a due date come after every dated one (NULLS LAST, as claim_due_idx).
    "due": ("due soonest", "due_date", False),
}
NULLABLE_SORT_FIELDS = frozenset({"due_date"})
CAPTURE_PENDING_STATES = ("queued", "fetching")
CAPTURE_FAILING_STATES = ("failed", "blocked", "partial")


@dataclass(frozen=True)
class QueueFilters:
    """What the queue is narrowed to; empty strings mean "any"."""

    state: str = ""
    kind: str = ""
    # "me", "none" (unassigned) or a user id.
    assignee: str = ""
    article: int | None = None
    # A rating scale slug: the rating of the claim's published verdict.
    rating: str = ""
    q: str = ""
    # A priority slug of claims.deadlines (or "none"), and one of deadlines.DUE_FILTERS.
    priority: str = ""
    due: str = ""
    sort: str = "recent"

    def filter_data(self) -> dict[str, str]:
        """As claims.filters.ClaimFilter's data: the filters set (sorting is the queue's)."""
        names = ("state", "kind", "assignee", "rating", "q", "priority", "due")
        data = {k: getattr(self, k) for k in names}
        data["article"] = str(self.article) if self.article else ""
        return {k: v for k, v in data.items() if v}


@dataclass
class QueuePage:
    rows: list[Claim]
    # Cursors for the neighbouring pages; None where there is none.
    next_cursor: str | None
    previous_cursor: str | None


def _decode_cursor(cursor: str, field_name: str) -> tuple[Any, int] | None:
    """(value, id) from a queue cursor (factcheck.keyset), or None when it is not one of ours."""
    values = keyset.decode(cursor)
    try:
        raw, pk = values or ()
        pk = int(pk)
        if field_name in ("updated_at", "created_at"):
            return dt.datetime.fromisoformat(raw), pk
        if field_name in NULLABLE_SORT_FIELDS:
            return (None if raw is None else dt.date.fromisoformat(raw)), pk
        return float(raw), pk
    except (ValueError, TypeError):
        return None


def _capture_health(claims: QuerySet[Claim]) -> QuerySet[Claim]:
    """Annotate evidence_count and, by each linked source's latest capture, how many sources are
    archived, pending or failing (retracted links left out): correlated subqueries, so a page of
    rows is one query."""
    latest_state = (
        Capture.objects.latest_per_source()
        .filter(source_id=OuterRef("source_id"))
        .values("state")[:1]
    )
    linked = (
        Evidence.objects.filter(claim_id=OuterRef("pk"), retracted_at__isnull=True)
        .order_by()
        .annotate(latest_state=Subquery(latest_state))
    )

    def count(evidence: QuerySet) -> Coalesce:
        counted = evidence.values("claim_id").annotate(n=Count("id")).values("n")
        return Coalesce(Subquery(counted, output_field=IntegerField()), 0)

    return claims.annotate(
        evidence_count=count(linked),
        sources_archived=count(linked.filter(latest_state="archived")),
        sources_pending=count(linked.filter(latest_state__in=CAPTURE_PENDING_STATES)),
        sources_failing=count(linked.filter(latest_state__in=CAPTURE_FAILING_STATES)),
    )


def _figure_summary(claims: QuerySet[Claim]) -> QuerySet[Claim]:
    """Annotate figure_count and the first figure's range end, direction and change (the
    claim's own columns hold the rest of it): correlated subqueries on (claim, position)."""
    figures = ClaimFigure.objects.filter(claim_id=OuterRef("pk")).order_by()
    counted = figures.values("claim_id").annotate(n=Count("id")).values("n")
    first = figures.filter(position=0)
    return claims.annotate(
        figure_count=Coalesce(Subquery(counted, output_field=IntegerField()), 0),
        first_value_high=Subquery(first.values("value_high")[:1]),
        first_direction=Subquery(first.values("direction")[:1]),
        first_change=Subquery(first.values("change")[:1]),
    )


def filter_queue(claims: QuerySet[Claim], filters: QueueFilters) -> QuerySet[Claim]:
    """`claims` narrowed by the queue's filters as the desk filters (an operator's export)."""
    return ClaimFilter(
        filters.filter_data(), queryset=claims.select_related("assignee"), desk=True
    ).qs


def queue_claims(user: Any, filters: QueueFilters) -> QuerySet[Claim]:
    """The claims this user may see, narrowed by the queue's filters (claims.filters.ClaimFilter,
    unordered): what the queue pages through, and what bulk actions and exports act on."""
    return ClaimFilter(
        filters.filter_data(),
        queryset=claims_visible_to(user).select_related("assignee"),
        user=user,
    ).qs


def claim_queue(
    user: Any,
    filters: QueueFilters,
    *,
    after: str = "",
    before: str = "",
    size: int = QUEUE_PAGE_SIZE,
) -> QueuePage:
    """One page of the claims this user may see, filtered and sorted, with a keyset cursor.

    No COUNT(*): a page is found by the last (or first) row's sort value and id, and one extra
    row is read to know whether another page follows. `after` pages forward, `before` back.
    """
    size = max(1, min(size, QUEUE_MAX_PAGE_SIZE))
    _label, field_name, descending = QUEUE_SORTS.get(filters.sort, QUEUE_SORTS["recent"])
    claims = queue_claims(user, filters)
    nullable = field_name in NULLABLE_SORT_FIELDS

    backwards = bool(before) and not after
    cursor = (
        _decode_cursor(before if backwards else after, field_name) if (after or before) else None
    )
    # Reading backwards walks the same order reversed, then flips the rows back.
    walk_descending = descending != backwards
    rows, more = keyset.page(
        _figure_summary(_capture_health(claims)),
        field_name,
        descending=walk_descending,
        size=size,
        start=cursor,
        # Claims without the value (no due date) come last; reading backwards, first.
        nulls_last=(not backwards) if nullable else None,
    )
    if backwards:
        rows.reverse()

    def cursor_of(claim: Claim) -> str:
        return keyset.encode(getattr(claim, field_name), claim.pk)

    has_next = more if not backwards else True
    has_previous = (cursor is not None) if not backwards else more
    return QueuePage(
        rows=rows,
        next_cursor=cursor_of(rows[-1]) if rows and has_next else None,
        previous_cursor=cursor_of(rows[0]) if rows and has_previous else None,
    )


def claims_due(*, limit: int = 10, on: dt.date | None = None) -> dict[str, Any]:
    """Open claims that are overdue or due today (soonest first), and how many of each."""
    on = on or deadlines.today()
    open_claims = Claim.objects.exclude(state__in=CLOSED_STATES)
    counts = open_claims.filter(due_date__lte=on).aggregate(
        overdue=Count("id", filter=Q(due_date__lt=on)), today=Count("id", filter=Q(due_date=on))
    )
    rows = (
        open_claims.filter(due_date__lte=on)
        .select_related("article", "assignee")
        .order_by("due_date", "-priority", "id")[:limit]
    )
    return {"overdue": counts["overdue"], "today": counts["today"], "claims": list(rows)}


def desk_members() -> QuerySet[Any]:
    """Active users in a desk role (fact-checkers and editors), by name: who claims go to."""
    return (
        get_user_model()
        .objects.filter(is_active=True, groups__name__in=ROLES)
        .distinct()
        .order_by("username")
    )


def claim_counts_by_rating() -> list[tuple[RatingScale, int]]:
    """(scale entry, number of published claims with that rating), every entry, in scale order."""
    counts = dict(
        Claim.objects.filter(state=ClaimState.PUBLISHED)
        .values_list("rating_id")
        .annotate(n=Count("id"))
        .order_by()
    )
    return [(entry, counts.get(entry.pk, 0)) for entry in RatingScale.objects.order_by("order")]


def claims_over_time(*, weeks: int = 12, today: Any = None) -> list[dict[str, Any]]:
    """Claims created and verdicts published in each of the last `weeks` weeks (Monday first),
    oldest first, zeros included."""
    today = today or timezone.localdate()
    first = today - dt.timedelta(days=today.weekday() + 7 * (weeks - 1))
    starts = [first + dt.timedelta(weeks=i) for i in range(weeks)]

    def per_week(queryset: QuerySet, field_name: str) -> dict[dt.date, int]:
        days = (
            queryset.filter(**{f"{field_name}__date__gte": first})
            .annotate(day=TruncDate(field_name))
            .values_list("day")
            .annotate(n=Count("id"))
            .order_by()
        )
        totals: dict[dt.date, int] = {}
        for day, n in days:
            week = day - dt.timedelta(days=day.weekday())
            totals[week] = totals.get(week, 0) + n
        return totals

    created = per_week(Claim.objects.all(), "created_at")
    published = per_week(VerdictVersion.objects.filter(published_at__isnull=False), "published_at")
    return [
        {"week": start, "created": created.get(start, 0), "published": published.get(start, 0)}
        for start in starts
    ]


def capture_problems(*, limit: int = 10) -> dict[str, Any]:
    """Captures waiting (queued, fetching) and sources whose latest capture failed or was
    blocked, with the most recent failures to look at."""
    latest = Capture.objects.latest_per_source()
    counts = dict(
        latest.filter(state__in=(*CAPTURE_PENDING_STATES, *CAPTURE_FAILING_STATES))
        .values_list("state")
        .annotate(n=Count("id"))
        .order_by()
    )
    failing = (
        latest.filter(state__in=CAPTURE_FAILING_STATES)
        .select_related("source")
        .defer("text", "headers")
        .order_by("-queued_at", "-id")[:limit]
    )
    return {
        "queued": counts.get("queued", 0) + counts.get("fetching", 0),
        "failing": counts.get("failed", 0) + counts.get("blocked", 0),
        "recent_failures": list(failing),
    }


# The public verdict page -----------------------------------------------------------------------


def published_claim(claim_id: int) -> Claim | None:
    """A published claim as the public sees it (anyone may read it), or None."""
    return claims_visible_to(AnonymousUser()).filter(pk=claim_id).first()


def public_sources(claim: Claim) -> list[Any]:
    """The claim's evidence for the public page, each with its latest archived capture: only
    standing links with an archived copy are public (no retracted, failed or blocked source)."""
    rows = list(evidence_public(claim.pk))
    for evidence in rows:
        evidence.archived_capture = next(
            (c for c in evidence.source.captures.all() if c.state == "archived"), None
        )
    return rows
