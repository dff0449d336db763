"""Writes for articles: import once, whatever the number of pastes."""

from __future__ import annotations

import datetime as dt
import hashlib
import re
from typing import Any

from django.db import transaction

from claims.models import Article
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
