"""Plain functions that turn rows into the API's JSON shapes (documented in api.serializers).

Hand-written rather than ModelSerializer: the polled lists serialise values() rows, which is what
makes them fast (see DESIGN.md's figures). Each shape here has a documenting serializer of the
same name in api/serializers.py; the schemathesis test checks that they agree.

One module over 400 lines: it mirrors api/serializers.py shape for shape, so the two are read
(and tested) side by side.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from decimal import Decimal
from typing import Any

from django.conf import settings
from django.urls import reverse

from claims.deadlines import due_status, priority_slug
from claims.evidence.models import Evidence, EvidenceSuggestion
from claims.models import SCALE_FACTORS, Claim, Rating, VerdictVersion
from claims.services.figures import FIGURE_FIELDS, figure_values
from sources.models import Capture, Source
from sources.package_status import package_status

CLAIM_ROW_FIELDS = (
    "id",
    "text",
    "kind",
    "state",
    "value",
    "qualifier",
    "unit",
    "scale",
    "period_start",
    "period_end",
    "date_precision",
    "claimant",
    "published_at",
    "updated_at",
    "version",
    "article_id",
    "article__title",
    "rating__slug",
    "rating__label",
    "rating__rating_value",
    "due_date",
    "priority",
)
STATUS_ROW_FIELDS = (
    "id",
    "state",
    "updated_at",
    "published_at",
    "version",
    "rating__slug",
    "rating__label",
    "rating__rating_value",
)


def decimal_text(value: Decimal | None) -> str | None:
    if value is None:
        return None
    text = format(value.normalize(), "f")
    return "0" if text in ("-0", "") else text


def public_url(claim_id: int, state: str) -> str | None:
    """Where readers find the published verdict (the public page), None until published."""
    if state != "published":
        return None
    return f"{settings.FACTCHECK_PUBLIC_URL}/verdicts/{claim_id}/"


def rating_object(slug: str | None, label: str | None, value: int | None) -> dict | None:
    if slug is None:
        return None
    return {"slug": slug, "label": label, "rating_value": value}


def figure(value: Decimal | None, qualifier: str, unit: str, scale: str) -> dict | None:
    if value is None:
        return None
    return {
        "value": decimal_text(value),
        "amount": decimal_text(value * SCALE_FACTORS.get(scale, Decimal(1))),
        "qualifier": qualifier,
        "unit": unit,
        "scale": scale,
    }


def period(start: dt.date | None, end: dt.date | None, precision: str) -> dict | None:
    if start is None:
        return None
    return {"start": start, "end": end or start, "precision": precision}


FIGURE_ROW_FIELDS = ("claim_id", "position", *FIGURE_FIELDS)


def figure_item(row: dict[str, Any]) -> dict[str, Any]:
    """One of a claim's figures, from a values(*FIGURE_ROW_FIELDS) row; `period` is null when
    the figure is about the claim's period."""
    factor = SCALE_FACTORS.get(row["scale"], Decimal(1))
    high = row["value_high"]
    return {
        "value": decimal_text(row["value"]),
        "value_high": decimal_text(high),
        "amount": decimal_text(row["value"] * factor),
        "amount_high": decimal_text(high * factor) if high is not None else None,
        "qualifier": row["qualifier"],
        "unit": row["unit"],
        "scale": row["scale"],
        "currency": row["currency"],
        "direction": row["direction"],
        "change": row["change"],
        "baseline": row["baseline"],
        "concept": row["concept"],
        "concept_words": list(row["concept_words"] or []),
        "period": period(row["period_start"], row["period_end"], row["date_precision"]),
    }


def figures_by_claim(rows: Iterable[dict[str, Any]]) -> dict[int, list[dict[str, Any]]]:
    """Figure rows (ordered by claim and position) grouped as each claim's list of figures."""
    grouped: dict[int, list[dict[str, Any]]] = {}
    for row in rows:
        grouped.setdefault(row["claim_id"], []).append(figure_item(row))
    return grouped


def claim_row(
    row: dict[str, Any], detail_base: str, figures: list[dict[str, Any]] | None = None
) -> dict[str, Any]:
    """A claim in a list, from a values(*CLAIM_ROW_FIELDS) row and its figure items."""
    pk = row["id"]
    article_id = row["article_id"]
    return {
        "id": pk,
        "url": f"{detail_base}{pk}/",
        "text": row["text"],
        "kind": row["kind"],
        "state": row["state"],
        "figure": figure(row["value"], row["qualifier"], row["unit"], row["scale"]),
        "figures": figures or [],
        "period": period(row["period_start"], row["period_end"], row["date_precision"]),
        "claimant": row["claimant"],
        "article": None
        if article_id is None
        else {"id": article_id, "title": row["article__title"]},
        "rating": rating_object(
            row["rating__slug"], row["rating__label"], row["rating__rating_value"]
        ),
        "published_at": row["published_at"],
        "updated_at": row["updated_at"],
        "version": row["version"],
        "public_url": public_url(pk, row["state"]),
        "due_date": row["due_date"],
        "priority": priority_slug(row["priority"]),
        "overdue": due_status(row["due_date"], row["state"]) == "overdue",
    }


def claim_status(row: dict[str, Any]) -> dict[str, Any]:
    """The light status of a claim, from a values(*STATUS_ROW_FIELDS) row."""
    return {
        "id": row["id"],
        "state": row["state"],
        "rating": rating_object(
            row["rating__slug"], row["rating__label"], row["rating__rating_value"]
        ),
        "updated_at": row["updated_at"],
        "published_at": row["published_at"],
        "version": row["version"],
        "public_url": public_url(row["id"], row["state"]),
    }


def claim_status_of(claim: Claim) -> dict[str, Any]:
    rating = claim.rating if claim.rating_id else None
    return claim_status(
        {
            "id": claim.pk,
            "state": claim.state,
            "updated_at": claim.updated_at,
            "published_at": claim.published_at,
            "version": claim.version,
            "rating__slug": rating.slug if rating else None,
            "rating__label": rating.label if rating else None,
            "rating__rating_value": rating.rating_value if rating else None,
        }
    )


def capture_summary(capture: Capture | None) -> dict[str, Any] | None:
    if capture is None:
        return None
    return {
        "id": capture.pk,
        "state": capture.state,
        "pending": capture.is_pending,
        "attempts": capture.attempts,
        "http_status": capture.http_status,
        "size": capture.size,
        "sha256": capture.sha256,
        "failure_reason": capture.failure_reason,
        "text_status": capture.text_status,
        "text_reason": capture.text_reason,
        "queued_at": capture.queued_at,
        "finished_at": capture.finished_at,
    }


def source_brief(source: Source) -> dict[str, Any]:
    return {
        "id": source.pk,
        "url": source.url,
        "title": source.title,
        "domain": source.domain,
        "kind": source.kind,
    }


def suggestion_item(suggestion: EvidenceSuggestion) -> dict[str, Any]:
    """A suggested passage with its comparison, as the claim page's card shows it."""
    found = suggestion.found or {}
    _before, figure, _after = suggestion.passage_parts
    return {
        "id": suggestion.pk,
        "verdict": suggestion.verdict,
        "compared": suggestion.is_comparison,
        "score": suggestion.score,
        "status": suggestion.status,
        "comparison": suggestion.comparison,
        "not_compared": found.get("not_compared", ""),
        "arithmetic": found.get("arithmetic") or {},
        "source_date": found.get("source_date"),
        "source_date_basis": found.get("source_date_basis", ""),
        "searched": found.get("searched", ""),
        "found": found,
        "passage": {
            "start": suggestion.passage_start,
            "end": suggestion.passage_end,
            "text": suggestion.passage_text,
            "capture": suggestion.capture_id,
        },
        "figure": {"start": suggestion.figure_start, "end": suggestion.figure_end, "text": figure},
        "source": source_brief(suggestion.capture.source),
    }


def source_item(source: Source, latest: Capture | None) -> dict[str, Any]:
    return {
        **source_brief(source),
        "created_at": source.created_at,
        "latest_capture": capture_summary(latest),
    }


def evidence_item(evidence: Evidence) -> dict[str, Any]:
    """A source linked to a claim, with the latest capture of that source."""
    captures = list(evidence.source.captures.all())  # prefetched, newest first
    passage = None
    if evidence.passage_start is not None:
        passage = {
            "start": evidence.passage_start,
            "end": evidence.passage_end,
            "text": evidence.passage_text,
            "capture": evidence.capture_id,
        }
    return {
        "id": evidence.pk,
        "relation": evidence.relation,
        "note": evidence.note,
        "passage": passage,
        "source": source_brief(evidence.source),
        "capture": capture_summary(captures[0] if captures else None),
        "retracted": {"at": evidence.retracted_at, "reason": evidence.retraction_reason}
        if evidence.retracted_at
        else None,
    }


def verdict_public(verdict: VerdictVersion | None) -> dict[str, Any] | None:
    if verdict is None:
        return None
    return {
        "number": verdict.number,
        "rating": rating_object(
            verdict.rating.slug, verdict.rating.label, verdict.rating.rating_value
        ),
        "conclusion": verdict.conclusion,
        "explanation": verdict.explanation,
        "published_at": verdict.published_at,
        "correction_note": verdict.correction_note,
    }


def verdict_item(verdict: VerdictVersion) -> dict[str, Any]:
    """A verdict version for the desk: the public fields, who approved it, its evidence."""
    return {
        **verdict_public(verdict),
        "id": verdict.pk,
        "approved_by": verdict.approved_by.get_username(),
        "approved_at": verdict.approved_at,
        "evidence": sorted(e.pk for e in verdict.evidence.all()),
    }


def claim_detail(
    claim: Claim,
    *,
    detail_base: str,
    verdict: VerdictVersion | None,
    evidence: list[Evidence],
    actions: list[str],
    show_assignee: bool,
) -> dict[str, Any]:
    row = claim_row(
        {
            **{name: getattr(claim, name) for name in CLAIM_ROW_FIELDS if "__" not in name},
            "article__title": claim.article.title if claim.article_id else None,
            "rating__slug": claim.rating.slug if claim.rating_id else None,
            "rating__label": claim.rating.label if claim.rating_id else None,
            "rating__rating_value": claim.rating.rating_value if claim.rating_id else None,
        },
        detail_base,
        [
            figure_item({"claim_id": claim.pk, "position": n, **figure_values(f)})
            for n, f in enumerate(claim.figures.all())
        ],
    )
    span = None
    if claim.span_start is not None:
        span = {"start": claim.span_start, "end": claim.span_end, "text": claim.span_text}
    return {
        **row,
        "created_at": claim.created_at,
        "span": span,
        "check_worthiness": claim.check_worthiness,
        "claimant_kind": claim.claimant_kind,
        "assignee": claim.assignee.get_username() if show_assignee and claim.assignee_id else None,
        "verdict": verdict_public(verdict),
        "sources": [evidence_item(e) for e in evidence],
        "actions": actions,
    }


def rating_item(rating: Rating) -> dict[str, Any]:
    return {
        "id": rating.pk,
        "claim": rating.claim_id,
        "reviewer": rating.reviewer.get_username(),
        "rating": rating_object(rating.scale.slug, rating.scale.label, rating.scale.rating_value),
        "rationale": rating.rationale,
        "evidence": sorted(e.pk for e in rating.evidence.all()),
        "revision": rating.revision,
        "stale": rating.content_revision < rating.claim.content_revision,
        "created_at": rating.created_at,
        "updated_at": rating.updated_at,
    }


def comment_item(comment: Any) -> dict[str, Any]:
    return {
        "id": comment.pk,
        "author": comment.author.get_username(),
        "kind": comment.kind,
        "body": comment.body,
        "claim_state": comment.claim_state,
        "created_at": comment.created_at,
    }


def article_item(article: Any, *, with_body: bool = False) -> dict[str, Any]:
    item = {
        "id": article.pk,
        "title": article.title,
        "publisher": article.publisher,
        "author": article.author,
        "published_on": article.published_on,
        "url": article.url,
        "language": article.language,
        "claim_count": article.claim_count,
        "created_at": article.created_at,
        "updated_at": article.updated_at,
    }
    if with_body:
        item["body"] = article.body
    return item


def screenshot_url(capture: Capture) -> str | None:
    if not capture.screenshot:
        return None
    path = reverse("sources:capture-screenshot", args=[capture.pk])
    return f"{settings.FACTCHECK_PUBLIC_URL}{path}"


def capture_item(capture: Capture, *, with_text: bool = False) -> dict[str, Any]:
    item = {
        **capture_summary(capture),
        "source": capture.source_id,
        "requested_url": capture.requested_url,
        "final_url": capture.final_url,
        "content_type": capture.content_type,
        "title": capture.title,
        "started_at": capture.started_at,
        "fetch_ms": capture.fetch_ms,
        "same_payload_as": capture.same_payload_as_id,
        "package": capture_package(capture),
    }
    item.update(
        kind=capture.kind,
        screenshot_url=screenshot_url(capture),
        text_chars=getattr(capture, "text_chars", None),
    )
    if with_text:
        item["redirect_chain"] = capture.redirect_chain
        item["text"] = capture.text
        item["text_chars"] = len(capture.text)
        item["provenance"] = capture.provenance or None
    return item


def capture_package(capture: Capture) -> dict[str, Any]:
    """The capture's WACZ: where to download it, its hash, whether signed and timestamped."""
    status = package_status(capture)
    wacz = f"{settings.FACTCHECK_PUBLIC_URL}{status['wacz_url']}" if status["wacz_url"] else None
    return {
        "state": status["state"],
        "wacz": wacz,
        "wacz_sha256": capture.wacz_sha256,
        "wacz_size": capture.wacz_size,
        "signed": capture.is_signed,
        "signed_at": capture.wacz_signed_at,
        "signing_key": capture.wacz_signing_key,
        "timestamped": capture.is_timestamped,
        "timestamped_at": capture.wacz_timestamped_at,
        "timestamped_by": capture.wacz_timestamped_by,
        "problem": capture.wacz_problem,
    }


def subscription_item(subscription: Any, *, secret: bool = False) -> dict[str, Any]:
    item = {
        "id": subscription.pk,
        "url": subscription.url,
        "events": subscription.events,
        "description": subscription.description,
        "active": subscription.active,
        "created_at": subscription.created_at,
    }
    if secret:
        item["secret"] = subscription.secret
    return item


def delivery_item(delivery: Any) -> dict[str, Any]:
    return {
        "id": delivery.pk,
        "uuid": str(delivery.uuid),
        "event": delivery.event,
        "state": delivery.state,
        "attempts": delivery.attempts,
        "created_at": delivery.created_at,
        "last_attempt_at": delivery.last_attempt_at,
        "next_attempt_at": delivery.next_attempt_at,
        "delivered_at": delivery.delivered_at,
        "response_status": delivery.response_status,
        "response_body": delivery.response_body,
        "error": delivery.error,
        "duration_ms": delivery.duration_ms,
        "log": delivery.log,
    }
