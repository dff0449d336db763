"""Writes for articles and claims: one function per operation, each with its audit event."""

from __future__ import annotations

import datetime as dt
import hashlib
import re
from decimal import Decimal
from typing import Any

from django.db import IntegrityError, transaction

from claims.models import Article, Claim, ClaimKind, DatePrecision, Qualifier, Scale
from factcheck.audit import audit_record
from factcheck.errors import DomainError

MAX_ARTICLE_CHARS = 1_000_000


def article_content_hash(body: str) -> str:
    """Hash of the body with whitespace runs collapsed, so a re-paste is the same article."""
    normalised = re.sub(r"\s+", " ", body).strip()
    return hashlib.sha256(normalised.encode("utf-8")).hexdigest()


@transaction.atomic
def article_import(
    *,
    actor: Any = None,
    system_actor: str = "",
    title: str,
    body: str,
    publisher: str = "",
    author: str = "",
    published_on: dt.date | None = None,
    url: str = "",
    language: str = "en",
) -> tuple[Article, bool]:
    """Store an article, or find the one already imported with the same text or URL."""
    title = title.strip()
    if not title:
        raise DomainError("an article needs a title", fields={"title": ["required"]})
    if len(body) > MAX_ARTICLE_CHARS:
        raise DomainError(
            f"the article is {len(body):,} characters; the limit is {MAX_ARTICLE_CHARS:,}",
            fields={"body": ["too long"]},
        )
    if "\x00" in body:
        raise DomainError("the text contains binary data (NUL bytes)", fields={"body": ["binary"]})
    # Without a body the bibliographic facts identify the article.
    key = body if body.strip() or url else f"{title}\n{publisher}\n{published_on or ''}"
    content_hash = article_content_hash(key)
    existing = Article.objects.filter(content_hash=content_hash).first()
    if existing is None and url:
        existing = Article.objects.filter(url=url).first()
    if existing is not None:
        return existing, False
    article = Article.objects.create(
        title=title,
        body=body,
        publisher=publisher.strip(),
        author=author.strip(),
        published_on=published_on,
        url=url,
        language=language,
        content_hash=content_hash,
        created_by=actor if getattr(actor, "is_authenticated", False) else None,
    )
    audit_record(
        action="article.imported",
        obj=article,
        actor=actor,
        system_actor=system_actor,
        after={"title": title, "url": url, "chars": len(body)},
    )
    return article, True


def _figure_fields(value: Decimal | None, qualifier: str, unit: str, scale: str) -> dict[str, Any]:
    errors: dict[str, list[str]] = {}
    if qualifier and qualifier not in Qualifier.values:
        errors["qualifier"] = [f"unknown qualifier {qualifier!r}"]
    if scale and scale not in Scale.values:
        errors["scale"] = [f"unknown scale {scale!r}"]
    if value is not None and not unit:
        errors["unit"] = ["a figure needs a unit (container, barrel, USD, percent ...)"]
    if errors:
        raise DomainError("the figure is not valid", fields=errors)
    return {
        "value": value,
        "qualifier": qualifier or ("exact" if value is not None else ""),
        "unit": unit,
        "scale": scale,
    }


def claim_snapshot(claim: Claim) -> dict[str, Any]:
    """The fields an audit event records before and after a change."""
    return {
        "text": claim.text,
        "kind": claim.kind,
        "state": claim.state,
        "value": str(claim.value) if claim.value is not None else None,
        "qualifier": claim.qualifier,
        "unit": claim.unit,
        "scale": claim.scale,
        "period_start": claim.period_start.isoformat() if claim.period_start else None,
        "period_end": claim.period_end.isoformat() if claim.period_end else None,
        "date_precision": claim.date_precision,
        "claimant": claim.claimant,
        "span": [claim.span_start, claim.span_end] if claim.span_start is not None else None,
        "version": claim.version,
    }


@transaction.atomic
def claim_create(
    *,
    actor: Any = None,
    system_actor: str = "",
    text: str,
    kind: str = ClaimKind.OTHER,
    article: Article | None = None,
    span: tuple[int, int] | None = None,
    value: Decimal | None = None,
    qualifier: str = "",
    unit: str = "",
    scale: str = "",
    period_start: dt.date | None = None,
    period_end: dt.date | None = None,
    date_precision: str = "",
    claimant: str = "",
    check_worthiness: float = 0.5,
) -> Claim:
    """Create a claim in state new, with its figure, period and span checked."""
    text = text.strip()
    if not text:
        raise DomainError("a claim needs its statement", fields={"text": ["required"]})
    if kind not in ClaimKind.values:
        raise DomainError(f"unknown kind {kind!r}", fields={"kind": ["invalid"]})
    fields = _figure_fields(value, qualifier, unit, scale)
    if period_start and not period_end:
        period_end = period_start
    if period_start and period_end and period_end < period_start:
        raise DomainError(
            "the period ends before it starts", fields={"period_end": ["before start"]}
        )
    if period_start and date_precision not in DatePrecision.values:
        raise DomainError(
            "a period needs its precision (day, month or year)",
            fields={"date_precision": ["required"]},
        )
    span_start = span_end = None
    span_text = ""
    if span is not None:
        if article is None:
            raise DomainError(
                "a span needs the article it points into", fields={"span": ["no article"]}
            )
        span_start, span_end = span
        if not 0 <= span_start < span_end <= len(article.body):
            raise DomainError(
                f"the span {span_start}-{span_end} is outside the article (0-{len(article.body)})",
                fields={"span": ["out of range"]},
            )
        span_text = article.body[span_start:span_end]
    if not 0 <= check_worthiness <= 1:
        raise DomainError("the check-worthiness score lies between 0 and 1")
    try:
        claim = Claim.objects.create(
            article=article,
            text=text,
            kind=kind,
            span_start=span_start,
            span_end=span_end,
            span_text=span_text,
            period_start=period_start,
            period_end=period_end,
            date_precision=date_precision if period_start else "",
            claimant=claimant.strip(),
            check_worthiness=check_worthiness,
            created_by=actor if getattr(actor, "is_authenticated", False) else None,
            **fields,
        )
    except IntegrityError as exc:
        raise DomainError(f"the claim was refused by the database: {exc}") from exc
    audit_record(
        action="claim.created",
        obj=claim,
        actor=actor,
        system_actor=system_actor,
        after=claim_snapshot(claim),
    )
    return claim
