"""The statistics page (/stats/): the desk's figures for a chosen period, as charts and tables."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from claims.models import ClaimState
from claims.stats import Period, Statistics, default_period, desk_statistics, period_between
from factcheck.pages import desk_required
from factcheck.roles import is_editor

MAX_DAYS = 3 * 366
STATE_COLOURS = {
    ClaimState.NEW: "#6b6b6b",
    ClaimState.RESEARCHING: "#0b57d0",
    ClaimState.IN_REVIEW: "#8a5a00",
    ClaimState.AWAITING_APPROVAL: "#7b3fa0",
    ClaimState.PUBLISHED: "#1b7f3b",
    ClaimState.DISMISSED: "#b3261e",
}
CHART_WIDTH = 720


def period_from(params: Any) -> tuple[Period, list[str]]:
    """The period asked for in ?from=&to= (dates), or the default with what was wrong with it."""
    default = default_period()
    raw_from, raw_to = params.get("from", "").strip(), params.get("to", "").strip()
    if not raw_from and not raw_to:
        return default, []
    problems = []
    dates = []
    for name, raw, fallback in (
        ("from", raw_from, default.start.date()),
        ("to", raw_to, (default.end - dt.timedelta(days=1)).date()),
    ):
        try:
            dates.append(dt.date.fromisoformat(raw) if raw else fallback)
        except ValueError:
            problems.append(f"“{raw}” is not a date (use YYYY-MM-DD) for “{name}”")
            dates.append(fallback)
    first, last = dates
    if not problems and first > last:
        problems.append("the period ends before it starts")
    elif not problems and (last - first).days > MAX_DAYS:
        problems.append(f"a period may be at most {MAX_DAYS} days long")
    if problems:
        return default, problems
    return period_between(first, last), []


def week_chart(stats: Statistics) -> dict[str, Any]:
    """Stacked columns: claims entering each state, per week (SVG geometry, no inline styles)."""
    weeks = stats.weeks
    top = max([sum(w["counts"].values()) for w in weeks] + [1])
    base, height, left = 190, 170, 40
    step = (CHART_WIDTH - left) / max(len(weeks), 1)
    columns = []
    for index, week in enumerate(weeks):
        y = base
        segments = []
        for state, colour in STATE_COLOURS.items():
            n = week["counts"].get(state, 0)
            h = round(height * n / top, 1)
            y -= h
            if n:
                segments.append({"y": round(y, 1), "h": h, "colour": colour, "n": n})
        columns.append(
            {
                "x": round(left + index * step + step * 0.15, 1),
                "segments": segments,
                "label_x": round(left + index * step + step / 2, 1),
                "week": week["week"],
                "show_label": len(weeks) <= 14 or index % max(len(weeks) // 12, 1) == 0,
            }
        )
    return {
        "width": CHART_WIDTH,
        "height": base + 24,
        "base": base,
        "left": left,
        "top": top,
        "top_y": base - height,
        "column_width": round(step * 0.7, 1),
        "columns": columns,
        "label_y": base + 16,
        "legend": [(str(s), ClaimState(s).label) for s in STATE_COLOURS],
    }


def people_chart(stats: Statistics) -> dict[str, Any]:
    top = max([p.ratings for p in stats.people] + [1])
    label_width, bar_height, gap = 160, 18, 8
    bars = []
    for index, person in enumerate(stats.people):
        y = index * (bar_height + gap)
        width = round((CHART_WIDTH - label_width - 60) * person.ratings / top, 1)
        bars.append(
            {
                "person": person,
                "y": y,
                "text_y": y + bar_height - 4,
                "width": width,
                "value_x": label_width + 8 + width + 6,
            }
        )
    return {
        "width": CHART_WIDTH,
        "height": max(len(bars), 1) * (bar_height + gap),
        "bar_x": label_width + 8,
        "label_x": label_width,
        "bar_height": bar_height,
        "bars": bars,
    }


@desk_required
def desk_stats(request: HttpRequest) -> HttpResponse:
    """Figures for a desk lead: editors only (it compares named colleagues)."""
    if not is_editor(request.user):
        raise PermissionDenied("only editors may see the desk's statistics")
    period, problems = period_from(request.GET)
    stats = desk_statistics(period)
    return render(
        request,
        "claims/stats.html",
        {
            "stats": stats,
            "problems": problems,
            "first_day": period.start.date(),
            "last_day": (period.end - dt.timedelta(days=1)).date(),
            "week_chart": week_chart(stats),
            "people_chart": people_chart(stats),
            "states": [ClaimState(s).label for s in STATE_COLOURS],
            "state_keys": list(STATE_COLOURS),
        },
    )
