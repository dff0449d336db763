"""ClaimReview (schema.org) JSON-LD for a published verdict: the API's feed and the public page.

`claimreview_for(claim, verdict)` is a plain function: it reads `claim.article` and
`claim.evidence.all()` (with each evidence's source), so select/prefetch those when building
many (the feed does) and expect one or two queries when calling it for one claim.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.conf import settings

from claims.defaults import BEST_RATING, WORST_RATING
from claims.models import Claim, VerdictVersion
from sources.models import Relation

CONTEXT = "https://schema.org"


def _date(value: dt.datetime | dt.date | None) -> str | None:
    if value is None:
        return None
    if isinstance(value, dt.datetime):
        return value.isoformat()
    return value.isoformat()


def organisation() -> dict[str, Any]:
    return {
        "@type": "Organization",
        "name": settings.FACTCHECK_ORGANISATION,
        "url": settings.FACTCHECK_PUBLIC_URL + "/",
    }


def _appearances(claim: Claim) -> list[dict[str, Any]]:
    """Where the claim was made: the article, then the sources the article cites for it."""
    out: list[dict[str, Any]] = []
    article = claim.article if claim.article_id else None
    if article is not None:
        work: dict[str, Any] = {"@type": "NewsArticle" if article.publisher else "CreativeWork"}
        if article.url:
            work["url"] = article.url
        work["headline"] = article.title
        if article.published_on:
            work["datePublished"] = _date(article.published_on)
        if article.author:
            work["author"] = {"@type": "Person", "name": article.author}
        if article.publisher:
            work["publisher"] = {"@type": "Organization", "name": article.publisher}
        out.append(work)
    seen = {w.get("url") for w in out}
    for evidence in claim.evidence.all():
        url = evidence.source.url
        if evidence.relation != Relation.CITED or not url or url in seen:
            continue
        seen.add(url)
        work = {"@type": "CreativeWork", "url": url}
        if evidence.source.title:
            work["headline"] = evidence.source.title
        out.append(work)
    return out


def _claim_author(claim: Claim) -> dict[str, Any] | None:
    if claim.claimant:
        return {"@type": "Person", "name": claim.claimant}
    article = claim.article if claim.article_id else None
    if article is not None and article.author:
        return {"@type": "Person", "name": article.author}
    if article is not None and article.publisher:
        return {"@type": "Organization", "name": article.publisher}
    return None


def claimreview_for(claim: Claim, verdict: VerdictVersion) -> dict[str, Any]:
    """The ClaimReview of `claim` as judged by `verdict` (a published version), as a dict.

    Carries what Google lists as required and recommended: claimReviewed, reviewRating
    (ratingValue, bestRating, worstRating when the rating is on the numeric scale, and always
    alternateName), url, author, datePublished, itemReviewed (a Claim with author, datePublished
    and appearance). A correction keeps the first publication date and adds dateModified.
    """
    rating = verdict.rating
    review_rating: dict[str, Any] = {"@type": "Rating", "alternateName": rating.label}
    if rating.rating_value is not None:
        review_rating.update(
            ratingValue=rating.rating_value, bestRating=BEST_RATING, worstRating=WORST_RATING
        )
    article = claim.article if claim.article_id else None
    item: dict[str, Any] = {"@type": "Claim"}
    author = _claim_author(claim)
    if author is not None:
        item["author"] = author
    made_on = article.published_on if article is not None and article.published_on else None
    item["datePublished"] = _date(made_on or claim.created_at.date())
    appearances = _appearances(claim)
    if appearances:
        item["appearance"] = appearances
        item["firstAppearance"] = appearances[0]
    first_published = claim.published_at or verdict.published_at
    review: dict[str, Any] = {
        "@context": CONTEXT,
        "@type": "ClaimReview",
        "url": f"{settings.FACTCHECK_PUBLIC_URL}/verdicts/{claim.pk}/",
        "claimReviewed": claim.text,
        "author": organisation(),
        "datePublished": _date(first_published),
        "reviewRating": review_rating,
        "itemReviewed": item,
        "headline": verdict.conclusion,
    }
    if verdict.number > 1 and verdict.published_at and verdict.published_at != first_published:
        review["dateModified"] = _date(verdict.published_at)
    return review
