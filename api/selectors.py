"""The API's reads: the claims app's visibility rules, shaped for lists and details."""

from __future__ import annotations

from typing import Any

from django.db.models import Count, Exists, OuterRef, Prefetch, Q, QuerySet, Subquery
from django.db.models.functions import Length

from api.models import WebhookDelivery, WebhookSubscription
from claims.evidence.models import Evidence
from claims.models import Article, Claim, ClaimFigure, ClaimState, VerdictVersion
from claims.selectors import claims_visible_to, verdict_history
from factcheck.roles import is_editor, is_fact_checker
from sources.models import Capture, CaptureState, Source


def claim_detail_for(user: Any, claim_id: int) -> Claim | None:
    return (
        claims_visible_to(user)
        .select_related("assignee")
        .prefetch_related("figures")
        .filter(pk=claim_id)
        .first()
    )


def figure_rows_of(claim_ids: list[int], fields: tuple[str, ...]) -> QuerySet[ClaimFigure]:
    """The figures of these claims as values rows, by claim and position, in one query."""
    return (
        ClaimFigure.objects.filter(claim_id__in=claim_ids)
        .order_by("claim_id", "position")
        .values(*fields)
    )


def latest_published_verdict(claim: Claim) -> VerdictVersion | None:
    return verdict_history(claim).first()


def verdicts_for(user: Any, claim: Claim) -> QuerySet[VerdictVersion]:
    """Published versions for the desk; editors also see the approved, unpublished draft."""
    return verdict_history(claim, include_draft=is_editor(user)).prefetch_related(
        Prefetch("evidence", queryset=Evidence.objects.only("pk"))
    )


def articles_visible_to(user: Any) -> QuerySet[Article]:
    """The desk sees every article; others see the articles of published claims."""
    if is_fact_checker(user):
        return Article.objects.annotate(claim_count=Count("claims"))
    published = Claim.objects.filter(article=OuterRef("pk"), state=ClaimState.PUBLISHED)
    return Article.objects.filter(Exists(published)).annotate(
        claim_count=Count("claims", filter=Q(claims__state=ClaimState.PUBLISHED))
    )


def sources_visible_to(user: Any) -> QuerySet[Source]:
    """The desk sees every source; others see the sources of published claims (not retracted)."""
    latest = Capture.objects.latest_per_source().filter(source=OuterRef("pk"))
    sources = Source.objects.annotate(latest_capture_id=Subquery(latest.values("pk")[:1]))
    if is_fact_checker(user):
        return sources
    linked = Evidence.objects.filter(
        source=OuterRef("pk"), claim__state=ClaimState.PUBLISHED, retracted_at__isnull=True
    )
    return sources.filter(Exists(linked))


def captures_by_id(ids: list[int]) -> dict[int, Capture]:
    return {
        c.pk: c
        for c in Capture.objects.filter(pk__in=[i for i in ids if i]).defer("text", "headers")
    }


def captures_visible_to(user: Any, *, with_text: bool = False) -> QuerySet[Capture]:
    """The desk sees every capture; others the archived captures behind a published verdict
    (the rule of claims.evidence.selectors.capture_visible_to, as a queryset)."""
    captures = Capture.objects.all()
    if not with_text:
        captures = captures.defer("text", "headers", "provenance").annotate(
            text_chars=Length("text")
        )
    if is_fact_checker(user):
        return captures
    linked = Evidence.objects.filter(
        source=OuterRef("source_id"), claim__state=ClaimState.PUBLISHED, retracted_at__isnull=True
    )
    return captures.filter(Exists(linked), state=CaptureState.ARCHIVED)


def published_claims_for_claimreview() -> QuerySet[Claim]:
    """Published claims with what ClaimReview needs: article and rating (our evidence is no
    appearance of the claim, so it is not read)."""
    return Claim.objects.filter(state=ClaimState.PUBLISHED).select_related("article", "rating")


def latest_verdicts_of(claim_ids: list[int]) -> dict[int, VerdictVersion]:
    """The latest published verdict of each claim, in one query."""
    latest: dict[int, VerdictVersion] = {}
    verdicts = (
        VerdictVersion.objects.filter(claim_id__in=claim_ids, published_at__isnull=False)
        .select_related("rating")
        .order_by("claim_id", "-number")
    )
    for verdict in verdicts:
        latest.setdefault(verdict.claim_id, verdict)
    return latest


def subscriptions_of(user: Any) -> QuerySet[WebhookSubscription]:
    return WebhookSubscription.objects.filter(owner_id=user.pk)


def deliveries_of(subscription: WebhookSubscription) -> QuerySet[WebhookDelivery]:
    return WebhookDelivery.objects.filter(subscription_id=subscription.pk)
