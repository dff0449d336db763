"""Statistics a desk lead uses, for a chosen period: how long claims take, where they stand each
week, who rates how much and how fast, and whether independent raters agree.

Counts, sorts and medians run in the database and work on PostgreSQL and SQLite alike: a median
is the middle row (or two) of the durations sorted by the database, fetched with OFFSET, since
SQLite has no percentile function. The one figure computed in Python is Cohen's kappa, from the
pairs of ratings the database returns (kappa needs the whole contingency table). Every figure
costs a fixed number of queries, whatever the number of claims.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from typing import Any

from django.db.models import (
    Count,
    DurationField,
    ExpressionWrapper,
    F,
    Min,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
)
from django.db.models.fields.json import KeyTextTransform
from django.db.models.functions import TruncWeek
from django.utils import timezone

from claims.models import Claim, ClaimState, Rating, RatingScale, VerdictVersion
from factcheck.models import AuditEvent

SUBMITTED_FOR_REVIEW = "claim.submitted_for_review"  # the audit action of the move into review


@dataclass(frozen=True)
class Period:
    start: dt.datetime  # inclusive
    end: dt.datetime  # exclusive

    @property
    def days(self) -> int:
        return (self.end - self.start).days


DEFAULT_WEEKS = 12


def period_between(first: dt.date, last: dt.date) -> Period:
    """From the start of ``first`` to the end of ``last``, in the desk's time zone."""
    zone = timezone.get_current_timezone()
    start = dt.datetime.combine(first, dt.time.min, tzinfo=zone)
    end = dt.datetime.combine(last + dt.timedelta(days=1), dt.time.min, tzinfo=zone)
    return Period(start, end)


def default_period(today: dt.date | None = None) -> Period:
    """The last DEFAULT_WEEKS weeks, today included."""
    today = today or timezone.localdate()
    return period_between(today - dt.timedelta(weeks=DEFAULT_WEEKS) + dt.timedelta(days=1), today)


@dataclass(frozen=True)
class Median:
    value: dt.timedelta | None
    count: int  # how many durations it is the median of


@dataclass
class PersonStats:
    username: str
    ratings: int
    median_time_to_rate: dt.timedelta | None


@dataclass
class Agreement:
    claims: int  # claims with at least two ratings in the period
    agreeing: int  # ... whose first two ratings are the same scale entry
    graded_pairs: int  # pairs where both ratings are on the graded (true-to-false) axis
    kappa: float | None  # Cohen's kappa over those pairs (None when it is undefined)
    weighted_kappa: float | None  # the same with linear weights: one step apart is half-agreement

    @property
    def share(self) -> float | None:
        return self.agreeing / self.claims if self.claims else None


@dataclass
class Statistics:
    period: Period
    import_to_published: Median
    review_to_approved: Median
    weeks: list[dict[str, Any]] = field(default_factory=list)  # {"week", "counts": {state: n}}
    people: list[PersonStats] = field(default_factory=list)
    agreement: Agreement | None = None


def _duration(end: Any, start: Any) -> ExpressionWrapper:
    return ExpressionWrapper(F(end) - F(start), output_field=DurationField())


def median_duration(queryset: QuerySet, end: str, start: str) -> Median:
    """The median of ``end - start`` over the rows where both are set: two queries."""
    rows = queryset.filter(**{f"{end}__isnull": False, f"{start}__isnull": False}).annotate(
        took=_duration(end, start)
    )
    count = rows.count()
    if not count:
        return Median(None, 0)
    middle = list(
        rows.order_by("took").values_list("took", flat=True)[(count - 1) // 2 : count // 2 + 1]
    )
    return Median(sum(middle, dt.timedelta()) / len(middle), count)


def _entered_review(claim_ref: str = "pk") -> Subquery:
    """When the claim (``claim_ref`` of the outer row) first entered review: its audit history."""
    return Subquery(
        AuditEvent.objects.filter(claim_id=OuterRef(claim_ref), action=SUBMITTED_FOR_REVIEW)
        .values("claim_id")
        .annotate(first=Min("created_at"))
        .values("first")[:1]
    )


def _first_approval() -> Subquery:
    return Subquery(
        VerdictVersion.objects.filter(claim_id=OuterRef("pk"), number=1).values("approved_at")[:1]
    )


def claims_per_state_per_week(period: Period) -> list[dict[str, Any]]:
    """How many claims entered each state in each week of the period (one query)."""
    moves = (
        AuditEvent.objects.filter(
            object_type="claims.claim",
            created_at__gte=period.start,
            created_at__lt=period.end,
        )
        .annotate(
            to_state=KeyTextTransform("state", "after"),
            from_state=KeyTextTransform("state", "before"),
        )
        .filter(Q(from_state__isnull=True) | ~Q(from_state=F("to_state")), to_state__isnull=False)
        .annotate(week=TruncWeek("created_at"))
        .values("week", "to_state")
        .annotate(claims=Count("claim_id", distinct=True))
        .order_by("week", "to_state")
    )
    weeks: dict[dt.date, Counter] = defaultdict(Counter)
    for row in moves:
        week = row["week"].date() if isinstance(row["week"], dt.datetime) else row["week"]
        weeks[week][row["to_state"]] += row["claims"]
    first = (period.start - dt.timedelta(days=period.start.weekday())).date()
    out = []
    day = first
    while day < period.end.date():
        out.append({"week": day, "counts": {s: weeks[day].get(s, 0) for s in ClaimState.values}})
        day += dt.timedelta(days=7)
    return out


def people_stats(period: Period) -> list[PersonStats]:
    """Ratings given per person in the period, and the median time from review to their rating.

    One query of (reviewer, duration) sorted by the database; the per-person median is taken
    from that sorted list (a grouped median has no portable SQL)."""
    rows = (
        Rating.objects.filter(created_at__gte=period.start, created_at__lt=period.end)
        .annotate(in_review_at=_entered_review("claim_id"))
        .annotate(took=_duration("created_at", "in_review_at"))
        .values_list("reviewer__username", "took")
        .order_by("reviewer__username", "took")
    )
    by_person: dict[str, list[dt.timedelta | None]] = defaultdict(list)
    for username, took in rows:
        by_person[username].append(took)
    people = []
    for username, durations in by_person.items():
        known = [d for d in durations if d is not None and d >= dt.timedelta()]
        middle = known[(len(known) - 1) // 2 : len(known) // 2 + 1] if known else []
        median = sum(middle, dt.timedelta()) / len(middle) if middle else None
        people.append(PersonStats(username, len(durations), median))
    return sorted(people, key=lambda p: (-p.ratings, p.username))


def cohen_kappa(pairs: list[tuple[Any, Any]], order: dict[Any, int] | None = None) -> float | None:
    """Cohen's kappa of two raters over ``pairs`` of categories; with ``order`` (category ->
    position on the scale) linearly weighted: disagreement counts |i - j| / (k - 1)."""
    n = len(pairs)
    if not n:
        return None
    categories = sorted({c for pair in pairs for c in pair}, key=lambda c: (order or {}).get(c, 0))
    first = Counter(a for a, _ in pairs)
    second = Counter(b for _, b in pairs)
    if order:
        span = max(order.values()) - min(order.values()) or 1

        def weight(a: Any, b: Any) -> float:
            return abs(order[a] - order[b]) / span
    else:

        def weight(a: Any, b: Any) -> float:
            return 0.0 if a == b else 1.0

    observed = sum(weight(a, b) for a, b in pairs) / n
    expected = sum(weight(a, b) * first[a] * second[b] for a in categories for b in categories) / (
        n * n
    )
    if expected == 0:
        return None  # every rating the same category: agreement by chance is total
    return 1 - observed / expected


def agreement(period: Period) -> Agreement:
    """The first two ratings of each claim rated in the period: two independent raters (ratings
    are blind until one has rated), compared as Cohen's two raters (one query)."""
    rows = (
        Rating.objects.filter(created_at__gte=period.start, created_at__lt=period.end)
        .order_by("claim_id", "created_at", "id")
        .values_list("claim_id", "scale_id", "scale__graded")
    )
    firsts: dict[int, list[tuple[int, bool]]] = defaultdict(list)
    for claim_id, scale_id, on_axis in rows:
        if len(firsts[claim_id]) < 2:
            firsts[claim_id].append((scale_id, on_axis))
    pairs = [(r[0], r[1]) for r in firsts.values() if len(r) == 2]
    graded_pairs = [(a[0], b[0]) for a, b in pairs if a[1] and b[1]]
    # Steps of the whole graded axis (true 0, mostly true 1 ...), used or not: one query.
    steps = RatingScale.objects.filter(graded=True).order_by("order").values_list("pk", flat=True)
    order = {scale_id: step for step, scale_id in enumerate(steps)}
    return Agreement(
        claims=len(pairs),
        agreeing=sum(1 for a, b in pairs if a[0] == b[0]),
        graded_pairs=len(graded_pairs),
        kappa=cohen_kappa(graded_pairs),
        weighted_kappa=cohen_kappa(graded_pairs, order=order) if graded_pairs else None,
    )


def desk_statistics(period: Period) -> Statistics:
    in_period = Claim.objects.filter(published_at__gte=period.start, published_at__lt=period.end)
    approved = Claim.objects.annotate(
        in_review_at=_entered_review(), approved_at=_first_approval()
    ).filter(approved_at__gte=period.start, approved_at__lt=period.end)
    return Statistics(
        period=period,
        import_to_published=median_duration(in_period, "published_at", "created_at"),
        review_to_approved=median_duration(approved, "approved_at", "in_review_at"),
        weeks=claims_per_state_per_week(period),
        people=people_stats(period),
        agreement=agreement(period),
    )
