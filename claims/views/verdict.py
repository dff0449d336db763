"""The public verdict page, and the editor's preview of it before publishing.

Readers see the current version of a published verdict with its correction history below and
the sources that stand (archived, not retracted); the preview draws the same page from the
approved draft, with the one button that publishes it.
"""

from __future__ import annotations

import json
from typing import Any

from django import forms
from django.conf import settings
from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.safestring import mark_safe
from django.views.decorators.http import require_GET

from claims import selectors
from claims.claimreview import claimreview_for
from claims.models import Claim, VerdictVersion
from factcheck.bidi import balance_data
from factcheck.pages import role_required
from factcheck.roles import is_editor


class PublishForm(forms.Form):
    """Publishing names the claim version the editor previewed (optimistic locking)."""

    expected_version = forms.IntegerField(widget=forms.HiddenInput, min_value=1)
    # Set only by the preview page's button: publishing is confirmed on what the public will see.
    confirmed = forms.BooleanField(widget=forms.HiddenInput, required=True)


# JSON inside <script> must not be able to close the element or open a comment.
_SCRIPT_ESCAPES = {ord("<"): "\\u003C", ord(">"): "\\u003E", ord("&"): "\\u0026"}


def json_ld(data: dict[str, Any]) -> str:
    """The text of a <script type="application/ld+json"> data block (never executed)."""
    data = balance_data(data)  # no direction control left open for what a reader prints next
    return json.dumps(data, ensure_ascii=False, indent=2).translate(_SCRIPT_ESCAPES)


def public_context(
    claim: Claim, current: VerdictVersion, published: list[VerdictVersion]
) -> dict[str, Any]:
    """What the public page shows: the current version on top, earlier ones as the correction
    history below (their notes and dates, not their ratings: one rating on the page)."""
    return {
        "claim": claim,
        "verdict": current,
        # Latest first; each correction's note says what it changed.
        "corrections": [v for v in published if v.number > 1],
        "first_version": published[-1] if published else current,
        "sources": selectors.public_sources(claim),
        "public_url": settings.FACTCHECK_PUBLIC_URL + reverse("claims:verdict", args=[claim.pk]),
        "organisation": settings.FACTCHECK_ORGANISATION,
    }


@require_GET
def verdict_public(request: HttpRequest, claim_id: int) -> HttpResponse:
    """A published verdict for readers: no login, published claims only (404 otherwise)."""
    claim = selectors.published_claim(claim_id)
    if claim is None:
        raise Http404("no published verdict")
    versions = list(selectors.verdict_history(claim))
    if not versions:
        raise Http404("no published verdict")
    current = versions[0]
    return render(
        request,
        "claims/verdict_public.html",
        {
            **public_context(claim, current, versions),
            "claimreview": mark_safe(json_ld(claimreview_for(claim, current))),  # noqa: S308
        },
    )


@role_required(is_editor, "Only an editor may preview a verdict before it is published.")
@require_GET
def verdict_preview(request: HttpRequest, claim_id: int) -> HttpResponse:
    """An editor sees the approved verdict as readers will, then confirms its publication."""
    claim = get_object_or_404(Claim.objects.select_related("article", "rating"), pk=claim_id)
    versions = list(selectors.verdict_history(claim, include_draft=True))
    draft = next((v for v in versions if v.published_at is None), None)
    if draft is None or "publish" not in selectors.claim_actions_for(request.user, claim):
        messages.info(request, "There is no approved verdict waiting to be published.")
        return redirect("claims:detail", claim_id=claim.pk)
    # A draft is always version 1 (a correction is published at once), so nothing is published.
    published = [v for v in versions if v.published_at is not None]
    form = PublishForm(
        initial={"expected_version": claim.version, "confirmed": True}, prefix="publish"
    )
    return render(
        request,
        "claims/verdict_public.html",
        {**public_context(claim, draft, published), "preview": True, "publish_form": form},
    )
