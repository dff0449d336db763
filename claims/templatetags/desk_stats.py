"""Template helpers for the desk's statistics: durations in words, the dashboard's summary."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django import template

from claims.stats import default_period, desk_statistics
from factcheck.roles import is_editor

register = template.Library()


@register.filter
def duration_text(value: dt.timedelta | None) -> str:
    """3 d 4 h, 5 h 20 min, 12 min; "—" when there is nothing to measure."""
    if value is None:
        return "—"
    minutes = int(value.total_seconds() // 60)
    days, rest = divmod(minutes, 24 * 60)
    hours, minutes = divmod(rest, 60)
    if days:
        return f"{days} d {hours} h"
    if hours:
        return f"{hours} h {minutes} min"
    return f"{minutes} min"


@register.filter
def share_text(value: float | None) -> str:
    return "—" if value is None else f"{value:.0%}"


@register.filter
def kappa_text(value: float | None) -> str:
    return "—" if value is None else f"{value:.2f}"


@register.filter
def state_count(counts: dict[str, int], state: str) -> int:
    return counts.get(state, 0)


@register.inclusion_tag("claims/_stats_summary.html")
def stats_summary(user: Any) -> dict[str, Any]:
    """The dashboard's headline figures for the default period (editors only)."""
    if not is_editor(user):
        return {"show": False}
    return {"show": True, "stats": desk_statistics(default_period())}
