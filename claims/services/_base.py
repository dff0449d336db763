"""What every claim write shares: locking the row, checking the version, keeping callers in sync."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import TYPE_CHECKING, Any

from django.db import models

from claims import workflow
from claims.evidence.models import Evidence
from claims.evidence.selectors import evidence_usable
from claims.models import Claim, RatingScale
from claims.services.figures import figure_snapshot
from claims.signals import claim_state_changed, send_on_commit
from factcheck.audit import audit_record
from factcheck.errors import DomainError

if TYPE_CHECKING:
    from django.contrib.auth.models import User

    Actor = User
else:
    Actor = Any


def claim_snapshot(
    claim: Claim, *, figures: Iterable[Mapping[str, Any]] | None = None
) -> dict[str, Any]:
    """The fields an audit event records before and after a change (with the figures, when
    the change is to them)."""
    snapshot: dict[str, Any] = {
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
        "claimant_kind": claim.claimant_kind,
        "span": [claim.span_start, claim.span_end] if claim.span_start is not None else None,
        "check_worthiness": claim.check_worthiness,
        "assignee": claim.assignee_id,
        "rating": claim.rating_id,
        "published_at": claim.published_at.isoformat() if claim.published_at else None,
        "version": claim.version,
        "due_date": claim.due_date.isoformat() if claim.due_date else None,
        "priority": claim.priority,
    }
    if figures is not None:
        snapshot["figures"] = [figure_snapshot(f) for f in figures]
    return snapshot


def _lock_claim(claim: Claim) -> Claim:
    """Read the claim's row FOR UPDATE: concurrent writers of the same claim queue here.

    Call it inside transaction.atomic. The concurrency tests replace it with an unlocked read to
    show the race it prevents.
    """
    locked = Claim.objects.select_for_update().filter(pk=claim.pk).first()
    if locked is None:
        raise DomainError("This claim no longer exists.", code="not_found")
    return locked


def check_version(claim: Claim, expected_version: int | None) -> None:
    """Refuse with a conflict when the caller acted on an older version of the claim."""
    if expected_version is not None and claim.version != expected_version:
        raise DomainError(
            f"Someone else changed this claim while you were working on it (you had version "
            f"{expected_version}, it is now version {claim.version}, {claim.get_state_display()}"
            f"). Reload it and try again.",
            code="conflict",
            current=claim_snapshot(claim),
        )


def save_claim(claim: Claim, fields: Iterable[str]) -> None:
    """Save the named fields of a locked claim, bumping its version."""
    claim.version += 1
    claim.save(update_fields=[*fields, "version", "updated_at"])


def sync_instance(target: models.Model, source: models.Model) -> None:
    """Copy the fresh row's field values onto the caller's instance, so it is not stale."""
    if target is source:
        return
    for field in source._meta.concrete_fields:
        setattr(target, field.attname, getattr(source, field.attname))


def claim_evidence(claim: Claim, evidence_ids: Iterable[int]) -> list[Evidence]:
    """The evidence rows with these ids, refused unless each is linked to this claim and usable
    (not retracted, not a source whose capture failed or was blocked)."""
    try:
        ids = list(dict.fromkeys(int(i) for i in evidence_ids))
    except (TypeError, ValueError):
        raise DomainError(
            "Evidence is given by its numeric id.", fields={"evidence_ids": ["not an id"]}
        ) from None
    if not ids:
        return []
    found = {
        e.pk: e
        for e in Evidence.objects.select_related("source").filter(claim_id=claim.pk, pk__in=ids)
    }
    missing = [i for i in ids if i not in found]
    if missing:
        listed = ", ".join(str(i) for i in missing)
        raise DomainError(
            f"Evidence {listed} is not linked to this claim.",
            fields={"evidence_ids": [f"not linked to this claim: {listed}"]},
        )
    usable = set(evidence_usable(claim.pk).filter(pk__in=ids).values_list("pk", flat=True))
    unusable = [found[i] for i in ids if i not in usable]
    if unusable:
        listed = "; ".join(
            f"{e.source} ({'retracted' if e.is_retracted else 'its capture failed'})"
            for e in unusable
        )
        raise DomainError(
            f"Nothing can rest on a retracted source or one that could not be archived: {listed}.",
            fields={"evidence_ids": [f"not usable: {listed}"]},
        )
    return [found[i] for i in ids]


def check_scale(scale: RatingScale, field: str = "scale") -> None:
    if scale is None or scale.pk is None or not scale.active:
        raise DomainError(
            f"{scale} is not an entry of the rating scale in use.",
            fields={field: ["not an active rating"]},
        )


def required_text(value: str, field: str, message: str) -> str:
    value = (value or "").strip()
    if not value:
        raise DomainError(message, fields={field: ["required"]})
    return value


def begin(*, actor: Actor, claim: Claim, action: str, expected_version: int | None) -> Claim:
    """Lock the claim, then check role, version and state for `action`; return the locked row.

    Checks run on the locked row, not the caller's instance: its assignee and state are the ones
    that count, and nobody can change them until this transaction ends.
    """
    locked = _lock_claim(claim)
    workflow.require_role(actor, action, locked)
    check_version(locked, expected_version)
    workflow.require_state(action, locked)
    return locked


def record_change(
    *,
    actor: Actor,
    claim: Claim,
    before: dict[str, Any],
    action: str,
    fields: Iterable[str],
    note: str = "",
    extra: dict[str, Any] | None = None,
) -> None:
    """Save a locked claim, write its audit event, and announce a state change on commit."""
    save_claim(claim, fields)
    audit_record(
        action=action,
        obj=claim,
        actor=actor,
        before=before,
        after={**claim_snapshot(claim), **(extra or {})},
        note=note,
    )
    if before["state"] != claim.state:
        send_on_commit(
            claim_state_changed,
            sender=Claim,
            claim_id=claim.pk,
            from_state=before["state"],
            to_state=claim.state,
            action=action,
            actor_id=actor.pk,
        )
