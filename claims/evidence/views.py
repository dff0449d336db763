"""Desk pages of evidence: add a URL or a file to a claim, the claim page's live capture poll,
reading a capture's text again from the claim page, suggested evidence (confirm, discard, match
again) and re-check alerts."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404, redirect
from django.urls import reverse
from django.views.decorators.http import require_GET

from claims.evidence import selectors, services
from claims.evidence.models import EvidenceSuggestion, RecheckAlert
from claims.models import Claim
from factcheck.errors import DomainError
from factcheck.pages import desk_required, post_only
from factcheck.submissions import once_per_submission
from sources import services as archive
from sources.models import Capture


def _claim_page(claim_id: int, **_: object) -> str:
    return reverse("claims:detail", args=[claim_id])


def _claim_page_of(model: type[EvidenceSuggestion] | type[RecheckAlert], key: str):
    """back= for a POST-only view of an object that belongs to a claim: that claim's page."""

    def back(**kwargs: int) -> str:
        return _claim_page(model.objects.values_list("claim_id", flat=True).get(pk=kwargs[key]))

    return back


@post_only(back=_claim_page)
@desk_required
@once_per_submission
def source_add(request: HttpRequest, claim_id: int) -> HttpResponse:
    claim = get_object_or_404(Claim, pk=claim_id)
    try:
        services.source_link(
            actor=request.user,
            claim=claim,
            url=request.POST.get("url", ""),
            relation=request.POST.get("relation", "cited"),
            note=request.POST.get("note", ""),
        )
    except DomainError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, "Source linked; its capture is queued.")
    return redirect("claims:detail", claim_id=claim.pk)


@post_only(back=_claim_page)
@desk_required
@once_per_submission
def source_upload(request: HttpRequest, claim_id: int) -> HttpResponse:
    claim = get_object_or_404(Claim, pk=claim_id)
    upload = request.FILES.get("file")
    if upload is None:
        messages.error(request, "Choose a file to upload.")
        return redirect("claims:detail", claim_id=claim.pk)
    try:
        services.source_upload(
            actor=request.user,
            claim=claim,
            upload=upload,
            filename=upload.name,
            content_type=upload.content_type,
            relation=request.POST.get("relation", "cited"),
            title=request.POST.get("title", ""),
        )
    except DomainError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, f"{upload.name} is stored; its text is being read.")
    return redirect("claims:detail", claim_id=claim.pk)


@desk_required
@require_GET
def claim_captures(request: HttpRequest, claim_id: int) -> JsonResponse:
    """Latest capture state of each of a claim's sources (polled by the claim page)."""
    rows = selectors.claim_capture_states(claim_id)
    return JsonResponse({"captures": rows, "pending": any(r.get("pending") for r in rows)})


@post_only(back=lambda capture_id: reverse("sources:capture", args=[capture_id]))
@desk_required
@once_per_submission
def capture_text_rerun(request: HttpRequest, capture_id: int) -> HttpResponse:
    """Read a capture's text again from its archive (queued for a worker)."""
    capture = get_object_or_404(Capture.objects.select_related("source"), pk=capture_id)
    try:
        archive.capture_text_rerun(actor=request.user, capture=capture)
    except DomainError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, "The text is being read again from the archived copy.")
    claim_id = capture.source.evidence.values_list("claim_id", flat=True).first()
    if claim_id is not None:
        return redirect("claims:detail", claim_id=claim_id)
    return redirect("sources:capture", capture_id=capture.pk)


def _back_to_claim(claim_id: int, anchor: str) -> HttpResponse:
    return redirect(_claim_page(claim_id) + f"#{anchor}")


@post_only(back=_claim_page_of(EvidenceSuggestion, "suggestion_id"))
@desk_required
@once_per_submission
def suggestion_confirm(request: HttpRequest, suggestion_id: int) -> HttpResponse:
    suggestion = get_object_or_404(EvidenceSuggestion, pk=suggestion_id)
    try:
        evidence = services.evidence_confirm_suggestion(actor=request.user, suggestion=suggestion)
    except DomainError as exc:
        messages.error(request, exc.message)
    else:
        label = evidence.get_relation_display().lower()
        messages.success(request, f"Passage confirmed as evidence ({label}).")
    return _back_to_claim(suggestion.claim_id, "suggested-evidence")


@post_only(back=_claim_page_of(EvidenceSuggestion, "suggestion_id"))
@desk_required
@once_per_submission
def suggestion_discard(request: HttpRequest, suggestion_id: int) -> HttpResponse:
    suggestion = get_object_or_404(EvidenceSuggestion, pk=suggestion_id)
    try:
        services.evidence_discard_suggestion(actor=request.user, suggestion=suggestion)
    except DomainError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, "Suggestion discarded.")
    return _back_to_claim(suggestion.claim_id, "suggested-evidence")


@post_only(back=_claim_page)
@desk_required
@once_per_submission
def claim_match_again(request: HttpRequest, claim_id: int) -> HttpResponse:
    """Look for evidence again in the claim's archived sources (queued; the page shows it soon)."""
    claim = get_object_or_404(Claim, pk=claim_id)
    services.evidence_match_request(claim_id=claim.pk)
    messages.success(request, "Matching the claim against its archived sources again.")
    return _back_to_claim(claim.pk, "suggested-evidence")


@post_only(back=_claim_page_of(RecheckAlert, "alert_id"))
@desk_required
@once_per_submission
def recheck_alert_resolve(request: HttpRequest, alert_id: int) -> HttpResponse:
    alert = get_object_or_404(RecheckAlert, pk=alert_id)
    try:
        services.recheck_alert_resolve(
            actor=request.user, alert=alert, note=request.POST.get("note", "")
        )
    except DomainError as exc:
        if exc.code == "forbidden":
            raise PermissionDenied(exc.message) from None
        messages.error(request, exc.message)
    else:
        messages.success(request, "Re-check alert resolved.")
    return _back_to_claim(alert.claim_id, "recheck-alerts")
