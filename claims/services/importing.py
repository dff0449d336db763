"""Importing articles (pasted text, a file, a URL) and deciding on their candidate claims."""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Mapping, Sequence
from decimal import Decimal
from typing import IO, Any

from django.core.files.storage import default_storage
from django.db import transaction

from claims.extraction import UnreadableTextError, check_text
from claims.models import Article, ArticleImportState, Claim
from claims.services.articles import article_content_hash, article_import
from claims.services.editing import claim_create
from factcheck.audit import audit_record
from factcheck.errors import DomainError
from factcheck.roles import is_fact_checker
from sources.models import CaptureState
from sources.normalise import InvalidURL, normalise_url
from sources.services import capture_request, source_for_url, upload_store
from sources.text import decode_text
from sources.warc import WarcReadError, read_response_payload

logger = logging.getLogger(__name__)

MAX_UPLOAD_BYTES = 10 * 1024 * 1024
IMPORTER = "article-importer"


def _require_researcher(actor: Any) -> None:
    if not is_fact_checker(actor):
        raise DomainError("only fact-checkers and editors may import articles", code="forbidden")


def _checked_body(body: str) -> str:
    if not body.strip():
        raise DomainError("the article has no text", fields={"body": ["empty"]})
    try:
        check_text(body)
    except UnreadableTextError as exc:
        raise DomainError(
            f"this is not readable text: {exc}", fields={"body": ["binary"]}
        ) from None
    return body.replace("\r\n", "\n")


def article_import_text(
    *,
    actor: Any,
    body: str,
    title: str = "",
    publisher: str = "",
    author: str = "",
    published_on: dt.date | None = None,
    url: str = "",
) -> tuple[Article, bool]:
    """Import pasted text; the first line is the title when none is given."""
    _require_researcher(actor)
    body = _checked_body(body)
    if not title.strip():
        title = next((line.strip() for line in body.splitlines() if line.strip()), "")[:500]
    return article_import(
        actor=actor,
        title=title,
        body=body,
        publisher=publisher,
        author=author,
        published_on=published_on,
        url=url,
    )


def page_metadata(payload: bytes, content_type: str | None, url: str | None) -> dict[str, Any]:
    """Title, author, publisher and publication date from a page's metadata, where present."""
    if "html" not in (content_type or "").lower() and not payload.lstrip()[:15].lower().startswith(
        (b"<!doctype", b"<html")
    ):
        return {}
    try:
        import trafilatura

        html, _ = decode_text(payload, None, html=True)
        meta = trafilatura.extract_metadata(html, default_url=url)
    except Exception:  # noqa: BLE001 - metadata is a convenience; the text import goes on
        logger.info("no metadata from %s", url, exc_info=True)
        return {}
    if meta is None:
        return {}
    published = None
    if meta.date:
        try:
            published = dt.date.fromisoformat(str(meta.date)[:10])
        except ValueError:
            published = None
    return {
        "title": (meta.title or "").strip(),
        "author": (meta.author or "").strip(),
        "publisher": (meta.sitename or "").strip(),
        "published_on": published,
    }


@transaction.atomic
def article_import_file(
    *, actor: Any, upload: IO[bytes], filename: str, content_type: str | None = None
) -> tuple[Article, bool]:
    """Import an uploaded HTML, PDF or text file: typed by its content, stored and hashed here,
    its text read by a worker in a limited child, like any upload.

    The article waits (import_state "waiting") until that reading ends, as an import from a URL
    does; see article_complete_from_capture. ``content_type`` (the browser's label) is not used:
    the bytes say what the file is.
    """
    _require_researcher(actor)

    source, capture = upload_store(
        actor=actor,
        upload=upload,
        filename=filename,
        title=filename,
        accept=("text/html", "text/plain", "application/pdf"),
        max_bytes=MAX_UPLOAD_BYTES,
    )
    content_hash = article_content_hash(f"upload:{source.upload_sha256}")
    existing = Article.objects.filter(import_capture__source=source).first()
    if existing is None:
        existing = Article.objects.filter(content_hash=content_hash).first()
    if existing is not None:
        return existing, False
    article = Article.objects.create(
        title=filename[:500] or "Uploaded article",
        content_hash=content_hash,
        import_state=ArticleImportState.WAITING,
        import_capture=capture,
        created_by=actor,
    )
    audit_record(
        action="article.import_requested",
        obj=article,
        actor=actor,
        after={"upload": filename, "sha256": source.upload_sha256, "capture": capture.pk},
    )
    if not capture.is_pending:  # the same file was read before: take its text now
        capture_id = capture.pk
        transaction.on_commit(lambda: article_complete_from_capture(capture_id=capture_id))
    return article, True


@transaction.atomic
def article_import_url(*, actor: Any, url: str) -> tuple[Article, bool]:
    """Import from a URL: archive it through the capture pipeline, then take its text.

    The article waits (import_state "waiting") until the capture ends; see
    article_complete_from_capture, called when any capture finishes.
    """
    _require_researcher(actor)

    try:
        normalised = normalise_url(url)
    except InvalidURL as exc:
        raise DomainError(
            f"this URL cannot be imported: {exc}", fields={"url": [str(exc)]}
        ) from None
    existing = Article.objects.filter(url=normalised).first()
    if existing is not None:
        return existing, False
    source, _ = source_for_url(normalised, actor=actor)
    article = Article.objects.create(
        title=normalised[:500],
        url=normalised,
        content_hash=article_content_hash(f"url:{normalised}"),
        import_state=ArticleImportState.WAITING,
        created_by=actor,
    )
    capture = capture_request(actor=actor, source=source)
    Article.objects.filter(pk=article.pk).update(import_capture=capture)
    article.import_capture = capture
    audit_record(
        action="article.import_requested",
        obj=article,
        actor=actor,
        after={"url": normalised, "capture": capture.pk},
    )
    return article, True


def article_complete_from_capture(*, capture_id: int) -> list[int]:
    """Fill in the articles that were waiting for this capture; returns their ids."""
    waiting_for_it = Article.objects.filter(
        import_capture_id=capture_id, import_state=ArticleImportState.WAITING
    )
    if not waiting_for_it.exists():  # most captures are sources, not article imports
        return []
    return _complete_waiting_articles(capture_id)


@transaction.atomic
def _complete_waiting_articles(capture_id: int) -> list[int]:

    waiting = list(
        Article.objects.select_for_update()
        .select_related("import_capture")
        .filter(import_capture_id=capture_id, import_state=ArticleImportState.WAITING)
    )
    for article in waiting:
        capture = article.import_capture
        assert capture is not None  # the filter matched on it
        if capture.state in (CaptureState.FAILED, CaptureState.BLOCKED, CaptureState.PARTIAL):
            article.import_state = ArticleImportState.FAILED
            article.import_error = capture.failure_reason[:500]
            article.save(update_fields=["import_state", "import_error", "updated_at"])
            audit_record(
                action="article.import_failed",
                obj=article,
                system_actor=IMPORTER,
                after={"reason": capture.failure_reason, "capture": capture.pk},
            )
            continue
        if capture.state != CaptureState.ARCHIVED:
            continue
        meta: dict[str, Any] = {}
        try:
            with default_storage.open(capture.warc.name, "rb") as warc_file:
                headers, payload = read_response_payload(warc_file)
            content_type = next((v for k, v in headers if k.lower() == "content-type"), "")
            meta = page_metadata(payload, content_type, capture.final_url)
        except (OSError, WarcReadError):
            logger.warning("could not read capture %s for metadata", capture.pk, exc_info=True)
        body = capture.text.replace("\r\n", "\n")
        if not body.strip():
            article.import_state = ArticleImportState.FAILED
            article.import_error = (
                "the page was archived but no readable text was found in it"
                + (f" ({capture.text_reason})" if capture.text_reason else "")
            )[:500]
            article.save(update_fields=["import_state", "import_error", "updated_at"])
            audit_record(
                action="article.import_failed",
                obj=article,
                system_actor=IMPORTER,
                after={"reason": article.import_error, "capture": capture.pk},
            )
            continue
        article.body = body
        article.title = (meta.get("title") or capture.title or article.title)[:500]
        article.author = meta.get("author", "")[:200]
        article.publisher = (meta.get("publisher") or capture.source.domain)[:200]
        article.published_on = meta.get("published_on")
        article.import_state = ArticleImportState.READY
        content_hash = article_content_hash(body)
        if not Article.objects.filter(content_hash=content_hash).exclude(pk=article.pk).exists():
            article.content_hash = content_hash
        article.save()
        audit_record(
            action="article.imported",
            obj=article,
            system_actor=IMPORTER,
            after={"title": article.title, "url": article.url, "chars": len(body)},
        )
    return [a.pk for a in waiting]


@transaction.atomic
def article_update_facts(
    *,
    actor: Any,
    article: Article,
    title: str,
    publisher: str = "",
    author: str = "",
    published_on: dt.date | None = None,
) -> Article:
    """Correct the bibliographic facts taken from the page."""
    _require_researcher(actor)
    if not title.strip():
        raise DomainError("an article needs a title", fields={"title": ["required"]})
    before = {
        "title": article.title,
        "publisher": article.publisher,
        "author": article.author,
        "published_on": article.published_on.isoformat() if article.published_on else None,
    }
    article.title, article.publisher, article.author = (
        title.strip(),
        publisher.strip(),
        author.strip(),
    )
    article.published_on = published_on
    article.save(update_fields=["title", "publisher", "author", "published_on", "updated_at"])
    audit_record(
        action="article.updated",
        obj=article,
        actor=actor,
        before=before,
        after={
            "title": article.title,
            "publisher": article.publisher,
            "author": article.author,
            "published_on": published_on.isoformat() if published_on else None,
        },
    )
    return article


# Candidate decisions ---------------------------------------------------------------------------


def _check_span(article: Article, start: int, end: int) -> None:
    if not 0 <= start < end <= len(article.body):
        raise DomainError(
            f"the span {start}-{end} is outside the article (0-{len(article.body)})",
            fields={"span": ["out of range"]},
        )


@transaction.atomic
def candidate_accept(
    *,
    actor: Any,
    article: Article,
    span: tuple[int, int],
    text: str,
    kind: str,
    value: Decimal | None = None,
    qualifier: str = "",
    unit: str = "",
    scale: str = "",
    period_start: dt.date | None = None,
    period_end: dt.date | None = None,
    date_precision: str = "",
    claimant: str = "",
    score: float = 0.5,
    figures: Sequence[Mapping[str, Any]] | None = None,
) -> Claim:
    """Accept a candidate (as found, or edited) as a claim in state new, keeping its span and
    all its figures (`figures`, as claim_create takes them)."""
    _require_researcher(actor)
    start, end = span
    _check_span(article, start, end)
    existing = Claim.objects.filter(article=article, span_start=start, span_end=end).first()
    if existing is not None:
        raise DomainError(
            "this candidate was already accepted", code="conflict", current={"claim": existing.pk}
        )
    claim = claim_create(
        actor=actor,
        text=text,
        kind=kind,
        article=article,
        span=(start, end),
        value=value,
        qualifier=qualifier,
        unit=unit,
        scale=scale,
        period_start=period_start,
        period_end=period_end,
        date_precision=date_precision,
        claimant=claimant,
        check_worthiness=min(max(score, 0.0), 1.0),
        figures=figures,
    )
    _forget_dismissal(article, start, end)
    return claim


def _forget_dismissal(article: Article, start: int, end: int) -> None:
    remaining = [s for s in article.dismissed_spans if not (s[0] < end and start < s[1])]
    if remaining != article.dismissed_spans:
        article.dismissed_spans = remaining
        article.save(update_fields=["dismissed_spans", "updated_at"])


@transaction.atomic
def candidate_dismiss(*, actor: Any, article: Article, span: tuple[int, int]) -> Article:
    """Set a candidate aside as not check-worthy (it can be accepted later)."""
    _require_researcher(actor)
    article = Article.objects.select_for_update().get(pk=article.pk)
    start, end = span
    _check_span(article, start, end)
    if [start, end] not in article.dismissed_spans:
        article.dismissed_spans = [*article.dismissed_spans, [start, end]]
        article.save(update_fields=["dismissed_spans", "updated_at"])
        audit_record(
            action="candidate.dismissed",
            obj=article,
            actor=actor,
            after={"span": [start, end], "text": article.body[start:end][:200]},
        )
    return article


@transaction.atomic
def candidate_restore(*, actor: Any, article: Article, span: tuple[int, int]) -> Article:
    _require_researcher(actor)
    article = Article.objects.select_for_update().get(pk=article.pk)
    start, end = span
    if [start, end] in article.dismissed_spans:
        article.dismissed_spans = [s for s in article.dismissed_spans if s != [start, end]]
        article.save(update_fields=["dismissed_spans", "updated_at"])
        audit_record(
            action="candidate.restored", obj=article, actor=actor, after={"span": [start, end]}
        )
    return article


def candidates_merge_span(article: Article, spans: list[tuple[int, int]]) -> tuple[int, int]:
    """The one span covering several candidates that make a single claim."""
    if len(spans) < 2:
        raise DomainError("choose at least two candidates to merge", fields={"spans": ["two"]})
    for start, end in spans:
        _check_span(article, start, end)
    return min(s for s, _ in spans), max(e for _, e in spans)
