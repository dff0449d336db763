"""Writes for a claim's content: create it, edit it under optimistic locking, comment on it."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal, InvalidOperation
from typing import Any

from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils import timezone

from claims import workflow
from claims.models import (
    Article,
    Claim,
    ClaimantKind,
    ClaimComment,
    ClaimKind,
    ClaimState,
    CommentKind,
    DatePrecision,
    Qualifier,
    Scale,
)
from claims.services._base import Actor, check_version, claim_snapshot, required_text
from claims.services.verdicts import discard_draft_verdict
from factcheck.audit import audit_record
from factcheck.errors import DomainError

# What claim_update may change; state, assignee, rating and version move only by transitions.
EDITABLE_FIELDS = frozenset(
    {
        "text",
        "kind",
        "span",
        "value",
        "qualifier",
        "unit",
        "scale",
        "period_start",
        "period_end",
        "date_precision",
        "claimant",
        "claimant_kind",
        "check_worthiness",
    }
)

# What a rating judges: an edit of these makes the ratings given before it stale.
CONTENT_FIELDS = frozenset(
    {"text", "value", "qualifier", "unit", "scale", "period_start", "period_end", "date_precision"}
)


def _figure_fields(value: Any, qualifier: str, unit: str, scale: str) -> dict[str, Any]:
    errors: dict[str, list[str]] = {}
    if value is not None and not isinstance(value, Decimal):
        try:
            value = Decimal(str(value))
        except InvalidOperation:
            errors["value"] = [f"not a number: {value!r}"]
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


def _claim_fields(
    *,
    article: Article | None,
    text: str,
    kind: str,
    span: tuple[int, int] | None,
    value: Any,
    qualifier: str,
    unit: str,
    scale: str,
    period_start: dt.date | None,
    period_end: dt.date | None,
    date_precision: str,
    claimant: str,
    check_worthiness: float,
    claimant_kind: str = ClaimantKind.PERSON,
) -> dict[str, Any]:
    """Check a claim's content as a whole and return the column values to store."""
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
    if claimant_kind not in ClaimantKind.values:
        raise DomainError(
            "the claimant is a person or an organisation",
            fields={"claimant_kind": [f"unknown kind {claimant_kind!r}"]},
        )
    return {
        "text": text,
        "kind": kind,
        "span_start": span_start,
        "span_end": span_end,
        "span_text": span_text,
        "period_start": period_start,
        "period_end": period_end,
        "date_precision": date_precision if period_start else "",
        "claimant": claimant.strip(),
        "claimant_kind": claimant_kind,
        "check_worthiness": check_worthiness,
        **fields,
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
    claimant_kind: str = ClaimantKind.PERSON,
) -> Claim:
    """Create a claim in state new, with its figure, period and span checked."""
    fields = _claim_fields(
        article=article,
        text=text,
        kind=kind,
        span=span,
        value=value,
        qualifier=qualifier,
        unit=unit,
        scale=scale,
        period_start=period_start,
        period_end=period_end,
        date_precision=date_precision,
        claimant=claimant,
        check_worthiness=check_worthiness,
        claimant_kind=claimant_kind,
    )
    try:
        claim = Claim.objects.create(
            article=article,
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


@transaction.atomic
def claim_update(*, actor: Actor, claim: Claim, expected_version: int, **changes: Any) -> Claim:
    """Edit a claim's content if nobody changed it since `expected_version`; never once published.

    Optimistic: one `UPDATE ... WHERE id = ? AND version = ?` that bumps the version; when it
    matches no row the caller gets a conflict carrying the claim as it now is. `span` is given as
    a (start, end) pair or None. Changing nothing writes nothing. Changing the statement or its
    figures (CONTENT_FIELDS) bumps content_revision: the ratings given before are stale.
    """
    workflow.require_role(actor, "edit", claim)
    unknown = sorted(set(changes) - EDITABLE_FIELDS)
    if unknown:
        raise DomainError(
            f"These fields cannot be edited here: {', '.join(unknown)}.",
            fields={name: ["not editable"] for name in unknown},
        )
    current = Claim.objects.select_related("article").filter(pk=claim.pk).first()
    if current is None:
        raise DomainError("This claim no longer exists.", code="not_found")
    check_version(current, expected_version)
    workflow.require_state("edit", current)

    merged: dict[str, Any] = {
        "text": current.text,
        "kind": current.kind,
        "span": (current.span_start, current.span_end) if current.span_start is not None else None,
        "value": current.value,
        "qualifier": current.qualifier,
        "unit": current.unit,
        "scale": current.scale,
        "period_start": current.period_start,
        "period_end": current.period_end,
        "date_precision": current.date_precision,
        "claimant": current.claimant,
        "claimant_kind": current.claimant_kind,
        "check_worthiness": current.check_worthiness,
    }
    if changes.get("value", "") is None and "qualifier" not in changes:
        changes["qualifier"] = ""  # no figure, no qualifier
    merged.update(changes)
    fields = _claim_fields(article=current.article, **merged)
    changed = {name: v for name, v in fields.items() if getattr(current, name) != v}
    if not changed:
        return claim

    before = claim_snapshot(current)
    now = timezone.now()
    bumps: dict[str, Any] = {"version": F("version") + 1}
    if CONTENT_FIELDS & set(changed):
        # Ratings judged the old statement or figures: they stand again only once confirmed.
        bumps["content_revision"] = F("content_revision") + 1
    try:
        with transaction.atomic():
            rows = (
                Claim.objects.filter(pk=current.pk, version=expected_version)
                .exclude(state=ClaimState.PUBLISHED)
                .update(**changed, **bumps, updated_at=now)
            )
            if rows:
                # The approval was given on the claim as it was: it must be given again.
                discard_draft_verdict(
                    actor=actor,
                    claim=current,
                    note="the claim was edited after the verdict was approved; approve it again",
                )
    except IntegrityError as exc:
        raise DomainError(f"the claim was refused by the database: {exc}") from exc
    if rows == 0:
        # Changed between our read and our write: report it as it is now.
        fresh = Claim.objects.filter(pk=current.pk).first()
        if fresh is None:
            raise DomainError("This claim no longer exists.", code="not_found")
        check_version(fresh, expected_version)
        workflow.require_state("edit", fresh)
        raise DomainError("The claim could not be saved; reload it.", code="conflict")
    for name, v in changed.items():
        setattr(current, name, v)
    current.version = expected_version + 1
    current.content_revision += 1 if "content_revision" in bumps else 0
    current.updated_at = now
    audit_record(
        action="claim.updated",
        obj=current,
        actor=actor,
        before=before,
        after=claim_snapshot(current),
    )
    for name in [*changed, "version", "content_revision", "updated_at"]:
        setattr(claim, name, getattr(current, name))
    return claim


def comment_create(*, claim: Claim, author: Actor, kind: str, body: str) -> ClaimComment:
    """Store a comment; the caller records the audit event of the action it belongs to."""
    return ClaimComment.objects.create(
        claim=claim, author=author, kind=kind, body=body, claim_state=claim.state
    )


@transaction.atomic
def claim_comment_add(*, actor: Actor, claim: Claim, body: str) -> ClaimComment:
    """A note on a claim, readable by the desk in its history."""
    workflow.require_role(actor, "comment", claim)
    body = required_text(body, "body", "A comment needs some text.")
    state = Claim.objects.filter(pk=claim.pk).values_list("state", flat=True).first()
    if state is None:
        raise DomainError("This claim no longer exists.", code="not_found")
    claim.state = state
    comment = comment_create(claim=claim, author=actor, kind=CommentKind.NOTE, body=body)
    audit_record(
        action="claim.commented",
        obj=comment,
        actor=actor,
        claim=claim,
        after={"kind": comment.kind, "body": body, "state": claim.state},
    )
    return comment
