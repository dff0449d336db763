"""The dashboard page: where the claims stand, what is mine, what the archive struggles with."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from claims import selectors
from claims.evidence.selectors import open_recheck_alerts
from factcheck.pages import desk_required
from factcheck.roles import is_editor

# Charts: inline SVG drawn on the server (the CSP allows no inline script or style). ------------

CHART_WIDTH = 640
BAR_HEIGHT = 26
LABEL_WIDTH = 130


def rating_bars(counts: list[tuple[Any, int]]) -> dict[str, Any]:
    """Geometry of a horizontal bar chart: one bar per rating, in the rating's colour."""
    top = max((n for _, n in counts), default=0) or 1
    span = CHART_WIDTH - LABEL_WIDTH - 50
    bars = []
    for i, (entry, n) in enumerate(counts):
        width = round(span * n / top) if n else 0
        bars.append(
            {
                "entry": entry,
                "count": n,
                "y": i * (BAR_HEIGHT + 8),
                "text_y": i * (BAR_HEIGHT + 8) + BAR_HEIGHT * 0.68,
                "x": LABEL_WIDTH,
                "width": width,
                "value_x": LABEL_WIDTH + width + 6,
            }
        )
    return {
        "bars": bars,
        "width": CHART_WIDTH,
        "height": max(len(bars) * (BAR_HEIGHT + 8), BAR_HEIGHT),
        "bar_height": BAR_HEIGHT,
        "label_x": LABEL_WIDTH - 8,
        "total": sum(n for _, n in counts),
    }


def weekly_columns(weeks: list[dict[str, Any]]) -> dict[str, Any]:
    """Geometry of a column chart: claims created and verdicts published, week by week."""
    plot_height, base, left = 160, 180, 36
    step = (CHART_WIDTH - left) / max(len(weeks), 1)
    column = step * 0.36
    top = max((max(w["created"], w["published"]) for w in weeks), default=0) or 1
    columns = []
    for i, week in enumerate(weeks):
        x = left + i * step + step * 0.1
        created_h = round(plot_height * week["created"] / top)
        published_h = round(plot_height * week["published"] / top)
        columns.append(
            {
                **week,
                "created_x": round(x, 1),
                "created_y": base - created_h,
                "created_h": created_h,
                "published_x": round(x + column, 1),
                "published_y": base - published_h,
                "published_h": published_h,
                "label_x": round(x + column, 1),
                "show_label": (len(weeks) - 1 - i) % 2 == 0 or len(weeks) <= 6,
            }
        )
    return {
        "columns": columns,
        "width": CHART_WIDTH,
        "height": base + 24,
        "base": base,
        "left": left,
        "column_width": round(column, 1),
        "top": top,
        "top_y": base - plot_height,
        "label_y": base + 16,
    }


@desk_required
def home(request: HttpRequest) -> HttpResponse:
    """The dashboard: where the claims stand, what is mine, what the archive is struggling with."""
    state_counts = selectors.claim_counts_by_state()
    rating_counts = selectors.claim_counts_by_rating()
    weeks = selectors.claims_over_time(weeks=12)
    return render(
        request,
        "home.html",
        {
            "state_counts": state_counts,
            "total_claims": sum(n for _, _, n in state_counts),
            "rating_counts": rating_counts,
            "rating_chart": rating_bars(rating_counts),
            "weeks": weeks,
            "week_chart": weekly_columns(weeks),
            "captures": selectors.capture_problems(limit=8),
            "my_claims": list(selectors.my_queue(request.user)[:10]),
            "due": selectors.claims_due(limit=10),
            "articles": list(selectors.article_list()[:10]),
            # Editors resolve re-check alerts: theirs to see first.
            "recheck_alerts": list(open_recheck_alerts()[:8]) if is_editor(request.user) else None,
        },
    )
