"""ClaimReview (schema.org) JSON-LD for a published verdict: the API's feed and the public page.

`claimreview_for(claim, verdict)` is a plain function: it reads `claim.article` only, so
select it when building many (the feed does). The claim it reviews is the one made in the
article: its date is the article's date, its appearance the article's URL; our own evidence
(the sources we checked it against) is no appearance of the claim and is not listed here.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.conf import settings

from claims.defaults import BEST_RATING, WORST_RATING
from claims.models import Claim, ClaimantKind, VerdictVersion

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
    """Where the claim was made: the article it was found in (none for a claim typed in)."""
    article = claim.article if claim.article_id else None
    if article is None:
        return []
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
    return [work]


def _claim_author(claim: Claim) -> dict[str, Any] | None:
    """Who made the claim: its claimant (a Person or an Organization, as the desk says), else
    the article's author, else its publisher."""
    if claim.claimant:
        kind = "Organization" if claim.claimant_kind == ClaimantKind.ORGANIZATION else "Person"
        return {"@type": kind, "name": claim.claimant}
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
    alternateName), url, author (the desk's organisation), datePublished, itemReviewed (a Claim
    with its author, the date it was made and where it appeared: the article). A correction
    keeps the first publication date and adds dateModified.
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
    # The date the claim was made: the article's. Unknown (a claim typed in, an undated
    # article) is left out rather than replaced by the day we happened to record it.
    if article is not None and article.published_on:
        item["datePublished"] = _date(article.published_on)
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
