"""The search page: one box over claims, articles and archived sources (claims.search).

Included from factcheck/urls.py as path("search/", include("claims.search_views")), so this
module carries its own one route.
"""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import path
from django.views.decorators.http import require_GET

from claims.search import MAX_QUERY_CHARS, search


@require_GET
def search_page(request: HttpRequest) -> HttpResponse:
    """Open to everyone; what it finds depends on the user's role (see claims.search)."""
    q = request.GET.get("q", "")[: MAX_QUERY_CHARS * 2]
    results = search(request.user, q) if q.strip() else None
    return render(
        request,
        "search.html",
        {"q": " ".join(q.split())[:MAX_QUERY_CHARS], "results": results},
    )


urlpatterns = [
    path("", search_page, name="search"),
]
