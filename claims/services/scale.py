"""Writes of the rating scale (the admin's add and change pages and its list edits)."""

from __future__ import annotations

from typing import Any

from django.db import transaction
from django.forms.models import model_to_dict

from claims.models import RatingScale
from factcheck.audit import audit_record
from factcheck.errors import DomainError
from factcheck.roles import is_editor

SCALE_FIELDS = ("slug", "label", "rating_value", "colour", "meaning", "order", "active", "graded")


@transaction.atomic
def rating_scale_save(*, actor: Any, entry: RatingScale) -> RatingScale:
    """Add the entry or save its changes, with an audit event holding what it was and is.

    Entries are never deleted (ratings and verdicts keep pointing at them): make one inactive
    to take it out of use.
    """
    if not is_editor(actor):
        raise DomainError("Only editors may change the rating scale.", code="forbidden")
    old = RatingScale.objects.select_for_update().filter(pk=entry.pk).first() if entry.pk else None
    before = {f: v for f, v in model_to_dict(old, SCALE_FIELDS).items()} if old else {}
    entry.save()
    after = model_to_dict(entry, SCALE_FIELDS)
    if old is not None and after == before:
        return entry
    changed = {f: after[f] for f in SCALE_FIELDS if before.get(f) != after[f]}
    audit_record(
        action="rating_scale.updated" if old else "rating_scale.created",
        obj=entry,
        actor=actor,
        before={f: before[f] for f in changed} if old else {},
        after=changed if old else after,
    )
    return entry
