"""Reads that pages and the API share; they own select_related/prefetch_related."""

from __future__ import annotations

from django.db.models import Count, QuerySet

from claims.models import Article, Claim, ClaimState


def article_list() -> QuerySet[Article]:
    return Article.objects.annotate(claim_count=Count("claims")).order_by("-published_on", "-id")


def claim_counts_by_state() -> list[tuple[str, str, int]]:
    """(state, label, count) for every state, zeros included, in workflow order."""
    counts = dict(Claim.objects.values_list("state").annotate(n=Count("id")).order_by())
    return [(value, label, counts.get(value, 0)) for value, label in ClaimState.choices]
