"""Audit events: every editorial action and automated change, in the caller's transaction."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

from django.db import models
from django.db.models.signals import post_save

from factcheck.audit_actions import ACTIONS
from factcheck.models import AuditEvent
from factcheck.request_id import current_request_id


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
    event = _event(action, obj, actor, system_actor, claim, before, after, note)
    event.save(force_insert=True)
    return event


def audit_record_many(
    *,
    action: str,
    objs: Sequence[models.Model],
    actor: Any = None,
    system_actor: str = "",
    after: Callable[[Any], dict[str, Any]] | None = None,
) -> list[AuditEvent]:
    """One event per object, written in one INSERT (a batch of captures queued together).

    ``after(obj)`` gives each event's details. Like audit_record, call it inside the write's own
    transaction. A bulk insert sends no post_save per row, so the last event is announced once,
    with all of them as ``events``: receivers of AuditEvent's post_save learn what was written.
    """
    events = [
        _event(action, obj, actor, system_actor, None, None, after(obj) if after else None, "")
        for obj in objs
    ]
    if events:
        AuditEvent.objects.bulk_create(events)
        post_save.send(
            sender=AuditEvent, instance=events[-1], created=True, raw=False, events=events
        )
    return events


def _event(
    action: str,
    obj: models.Model,
    actor: Any,
    system_actor: str,
    claim: Any,
    before: dict[str, Any] | None,
    after: dict[str, Any] | None,
    note: str,
) -> AuditEvent:
    if action not in ACTIONS:
        raise ValueError(f"unknown audit action {action!r}: list it in factcheck/audit_actions.py")
    if claim is None and obj._meta.label == "claims.Claim":
        claim = obj
    person = getattr(actor, "is_authenticated", False)
    if not person and not system_actor:
        raise ValueError("an audit event needs a user or a named system process")
    return AuditEvent(
        actor=actor if person else None,
        system_actor="" if person else system_actor,
        actor_name=actor.get_username() if person else system_actor,
        request_id=current_request_id(),
        action=action,
        object_type=obj._meta.label_lower,
        object_id=str(obj.pk),
        object_repr=str(obj)[:200],
        claim=claim,
        before=before or {},
        after=after or {},
        note=note,
    )
