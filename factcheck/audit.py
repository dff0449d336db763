"""Audit events: every editorial action and automated change, in the caller's transaction."""

from __future__ import annotations

from typing import Any

from django.db import models

from factcheck.models import AuditEvent


def audit_record(
    *,
    action: str,
    obj: models.Model,
    actor: Any = None,
    system_actor: str = "",
    claim: Any = None,
    before: dict[str, Any] | None = None,
    after: dict[str, Any] | None = None,
    note: str = "",
) -> AuditEvent:
    """Record who did what to which object. Call it inside the write's own transaction."""
    if actor is None and not system_actor:
        raise ValueError("an audit event needs a user or a named system process")
    if claim is None and obj._meta.label == "claims.Claim":
        claim = obj
    return AuditEvent.objects.create(
        actor=actor if getattr(actor, "is_authenticated", False) else None,
        system_actor="" if getattr(actor, "is_authenticated", False) else system_actor,
        action=action,
        object_type=obj._meta.label_lower,
        object_id=str(obj.pk),
        object_repr=str(obj)[:200],
        claim=claim,
        before=before or {},
        after=after or {},
        note=note,
    )
