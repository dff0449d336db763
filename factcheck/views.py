"""The desk's landing page."""

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from claims import selectors


@login_required
def home(request: HttpRequest) -> HttpResponse:
    return render(
        request,
        "home.html",
        {
            "state_counts": selectors.claim_counts_by_state(),
            "articles": selectors.article_list()[:20],
        },
    )
