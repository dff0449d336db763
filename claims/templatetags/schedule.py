"""`{% schedule_badges claim %}`: a claim's due date (overdue and due today highlighted) and
priority, the same in every claim list (queue, dashboard, article page, My work)."""

from __future__ import annotations

from typing import Any

from django import template

from claims import deadlines
from claims.deadlines import schedule_of

register = template.Library()


@register.inclusion_tag("claims/_schedule.html")
def schedule_badges(claim: Any) -> dict[str, Any]:
    return {"s": schedule_of(claim.due_date, claim.priority, claim.state)}


@register.filter
def priority_label(value: int) -> str:
    """A priority's label on the desk's scale (CLAIM_PRIORITIES)."""
    return deadlines.priority_label(value)
