"""The desk's dashboard, the role check and the POST-only guard every desk page shares, and the
error pages."""

from __future__ import annotations

from collections.abc import Callable
from contextlib import suppress
from functools import wraps
from typing import Any

from django.contrib import messages
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import ObjectDoesNotExist, PermissionDenied
from django.http import (
    HttpRequest,
    HttpResponse,
    HttpResponseNotAllowed,
    HttpResponseServerError,
)
from django.shortcuts import redirect, render
from django.template import loader
from django.urls import reverse

from claims import selectors
from factcheck.roles import is_fact_checker

DESK_ONLY = "Only fact-checkers and editors work at the desk; ask an editor for a role."


def desk_required(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
    """A desk page: anonymous visitors go to the login page, users without a desk role get 403."""

    @wraps(view)
    def wrapped(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        if not request.user.is_authenticated:
            return redirect_to_login(request.get_full_path())
        if not is_fact_checker(request.user):
            raise PermissionDenied(DESK_ONLY)
        return view(request, *args, **kwargs)

    return wrapped


POST_ONLY = (
    "That address only takes a submitted form, so nothing was done; here is the page it belongs to."
)


def post_only(
    back: Callable[..., str],
) -> Callable[[Callable[..., HttpResponse]], Callable[..., HttpResponse]]:
    """A view that acts on a submitted form (instead of Django's require_POST).

    A GET of its address (a reload after a validation error, a shared link, the back button) is
    sent to the page the form belongs to, ``back(**url_kwargs)``, with a message saying nothing
    was done, instead of an empty 405. Other methods get a 405 that says which one is allowed.
    """

    def decorate(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
        @wraps(view)
        def wrapped(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
            if request.method == "POST":
                return view(request, *args, **kwargs)
            if request.method not in ("GET", "HEAD"):
                return HttpResponseNotAllowed(
                    ["POST"], "Only POST is allowed here.", content_type="text/plain"
                )
            target = reverse("home")
            if request.user.is_authenticated:
                # The object is gone: the dashboard, not a 404 for an address nobody typed.
                with suppress(ObjectDoesNotExist):
                    target = back(*args, **kwargs)
                messages.info(request, POST_ONLY)
            return redirect(target)

        return wrapped

    return decorate


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
        },
    )


# Error pages ------------------------------------------------------------------------------------


def permission_denied(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    reason = str(exception) if exception and str(exception) else ""
    return render(request, "403.html", {"reason": reason}, status=403)


def page_not_found(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    return render(request, "404.html", {"request_path": request.path}, status=404)


def server_error(request: HttpRequest) -> HttpResponse:
    # No context processors and no database: whatever broke may be what they would need.
    return HttpResponseServerError(loader.get_template("500.html").render())
