"""Writes for a claim's content: create it with its figures, edit it under optimistic locking (the
one edit the claim page and the API share), comment on it."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence
from decimal import Decimal
from typing import Any

from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils import timezone

from claims import notifications, workflow
from claims.evidence.services import evidence_match_request
from claims.models import (
    Article,
    Claim,
    ClaimantKind,
    ClaimComment,
    ClaimKind,
    ClaimState,
    CommentKind,
)
from claims.services._base import Actor, check_version, claim_snapshot, required_text
from claims.services.figures import (
    PERIOD_FIELDS,
    PRIMARY_FIELDS,
    figure_check,
    figure_values,
    figures_check,
    figures_in_period,
    figures_store,
    period_check,
    primary_columns,
)
from claims.services.verdicts import discard_draft_verdict
from factcheck.audit import audit_record
from factcheck.errors import DomainError

# What claim_update may change; state, assignee, rating and version move only by transitions.
# value/qualifier/unit/scale edit the first figure; `figures` replaces the list.
EDITABLE_FIELDS = frozenset(
    {
        "text",
        "kind",
        "span",
        *PRIMARY_FIELDS,
        *PERIOD_FIELDS,
        "figures",
        "claimant",
        "claimant_kind",
        "check_worthiness",
    }
)
# What evidence matching reads of a claim: a change to any of these queues it again.
MATCHED_FIELDS = frozenset({"text", "kind", *PRIMARY_FIELDS, *PERIOD_FIELDS, "figures"})
# What a rating judges: an edit of these makes the ratings given before it stale.
CONTENT_FIELDS = frozenset({"text", *PRIMARY_FIELDS, *PERIOD_FIELDS, "figures"})


def _claim_fields(
    *,
    article: Article | None,
    text: str,
    kind: str,
    span: tuple[int, int] | None,
    claimant: str,
    check_worthiness: float,
    claimant_kind: str = ClaimantKind.PERSON,
) -> dict[str, Any]:
    """Check a claim's own content (not its figures) and return the column values to store."""
    text = text.strip()
    if not text:
        raise DomainError("a claim needs its statement", fields={"text": ["required"]})
    if kind not in ClaimKind.values:
        raise DomainError(f"unknown kind {kind!r}", fields={"kind": ["invalid"]})
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
        "claimant": claimant.strip(),
        "claimant_kind": claimant_kind,
        "check_worthiness": check_worthiness,
    }


def _edit_first_figure(
    figures: list[dict[str, Any]], primary: dict[str, Any]
) -> list[dict[str, Any]]:
    """Apply value/qualifier/unit/scale given on their own to the first figure.

    A value of None removes the first figure; with no figure, one is made when a value is given.
    """
    if not primary:
        return figures
    if "value" in primary and primary["value"] is None:
        return figures[1:]
    if not figures and primary.get("value") is None:
        return figures  # a qualifier or unit without a value: no figure to give it to
    base = figures[0] if figures else {}
    first = figure_check({**base, **primary})
    return [first, *figures[1:]]


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
    figures: Sequence[Mapping[str, Any]] | None = None,
    claimant_kind: str = ClaimantKind.PERSON,
) -> Claim:
    """Create a claim in state new, with its figures, period and span checked.

    Either one figure as value/qualifier/unit/scale, or `figures`, a list of FIGURE_FIELDS
    mappings; a figure with no period of its own is about the claim's period.
    """
    if figures is not None and value is not None:
        raise DomainError(
            "give the figure as value and unit, or as a list of figures, not both",
            fields={"figures": ["and value given"]},
        )
    fields = _claim_fields(
        article=article,
        text=text,
        kind=kind,
        span=span,
        claimant=claimant,
        check_worthiness=check_worthiness,
        claimant_kind=claimant_kind,
    )
    if figures is None:
        checked = _edit_first_figure(
            [], {"value": value, "qualifier": qualifier, "unit": unit, "scale": scale}
        )
    else:
        checked = figures_check(figures)
    period = period_check(period_start, period_end, date_precision)
    if period[0] is None and checked and checked[0]["period_start"] is not None:
        # A claim given no period of its own is about its first figure's.
        period = (
            checked[0]["period_start"],
            checked[0]["period_end"],
            checked[0]["date_precision"],
        )
    checked = figures_in_period(checked, period)
    try:
        claim = Claim.objects.create(
            article=article,
            created_by=actor if getattr(actor, "is_authenticated", False) else None,
            **fields,
            **primary_columns(checked),
            **dict(zip(PERIOD_FIELDS, period, strict=True)),
        )
        figures_store(claim, checked)
    except IntegrityError as exc:
        raise DomainError(f"the claim was refused by the database: {exc}") from exc
    audit_record(
        action="claim.created",
        obj=claim,
        actor=actor,
        system_actor=system_actor,
        after=claim_snapshot(claim, figures=checked),
    )
    return claim


@transaction.atomic
def claim_update(*, actor: Actor, claim: Claim, expected_version: int, **changes: Any) -> Claim:
    """Edit a claim's text and figures if nobody changed it since `expected_version`.

    The one edit of a claim's content, for the claim page and the API alike. Optimistic: one
    `UPDATE ... WHERE id = ? AND version = ?` that bumps the version; when it matches no row the
    caller gets a conflict carrying the claim as it now is. Never once published. `span` is a
    (start, end) pair or None; `figures` replaces the list of figures; value, qualifier, unit
    and scale given on their own edit the first figure (a value of None removes it); the
    period is the claim's, shared by every figure without its own. Changing nothing writes
    nothing; a change to what matching reads (text, figures, period) queues evidence matching
    of the claim when the transaction commits.
    Changing the statement or its figures (CONTENT_FIELDS) bumps content_revision: the
    ratings given before are stale.
    """
    workflow.require_role(actor, "edit", claim)
    unknown = sorted(set(changes) - EDITABLE_FIELDS)
    if unknown:
        raise DomainError(
            f"These fields cannot be edited here: {', '.join(unknown)}.",
            fields={name: ["not editable"] for name in unknown},
        )
    current = (
        Claim.objects.select_related("article")
        .prefetch_related("figures")
        .filter(pk=claim.pk)
        .first()
    )
    if current is None:
        raise DomainError("This claim no longer exists.", code="not_found")
    check_version(current, expected_version)
    workflow.require_state("edit", current)

    before_figures = [figure_values(f) for f in current.figures.all()]
    merged: dict[str, Any] = {
        "text": current.text,
        "kind": current.kind,
        "span": (current.span_start, current.span_end) if current.span_start is not None else None,
        "claimant": current.claimant,
        "claimant_kind": current.claimant_kind,
        "check_worthiness": current.check_worthiness,
    }
    merged.update({k: v for k, v in changes.items() if k in merged})
    fields = _claim_fields(article=current.article, **merged)

    figures = before_figures
    if "figures" in changes:
        figures = figures_check(changes["figures"])
    figures = _edit_first_figure(figures, {k: changes[k] for k in PRIMARY_FIELDS if k in changes})
    period = (current.period_start, current.period_end, current.date_precision)
    period_changes = {k: changes[k] for k in PERIOD_FIELDS if k in changes}
    if period_changes:
        given = dict(zip(PERIOD_FIELDS, period, strict=True)) | period_changes
        if given["period_start"] is None and "period_end" not in period_changes:
            given["period_end"] = None  # clearing the start clears the period
        period = period_check(given["period_start"], given["period_end"], given["date_precision"])
    figures = figures_in_period(figures, period)
    fields.update(primary_columns(figures))
    fields.update(zip(PERIOD_FIELDS, period, strict=True))
    changed = {name: v for name, v in fields.items() if getattr(current, name) != v}
    figures_changed = figures != before_figures
    if not changed and not figures_changed:
        return claim

    before = claim_snapshot(current, figures=before_figures)
    now = timezone.now()
    bumps: dict[str, Any] = {"version": F("version") + 1}
    if figures_changed or CONTENT_FIELDS & set(changed):
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
                if figures_changed:
                    figures_store(current, figures)
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
        after=claim_snapshot(current, figures=figures),
    )
    for name in [*changed, "version", "content_revision", "updated_at"]:
        setattr(claim, name, getattr(current, name))
    if figures_changed and hasattr(claim, "_prefetched_objects_cache"):
        claim._prefetched_objects_cache.pop("figures", None)
    if figures_changed or MATCHED_FIELDS & set(changed):
        # New figures or dates: compare them with the archived sources again (a task, on commit).
        evidence_match_request(claim_id=current.pk)
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
    notifications.notify_mentions(claim=claim, comment=comment, actor=actor)
    return comment
