"""Pages for sources: add a URL or a file to a claim, the live capture poll, safe playback, and
suggested evidence (confirm, discard, match again) and re-check alerts."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.core.files.storage import default_storage
from django.http import FileResponse, Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.views.decorators.http import require_GET

from claims.models import Claim
from factcheck.errors import DomainError
from factcheck.pages import post_only
from factcheck.redirects import redirect_next
from factcheck.roles import is_fact_checker
from factcheck.submissions import once_per_submission
from sources import selectors, services
from sources.models import Capture, CaptureState, EvidenceSuggestion, RecheckAlert, Source
from sources.reader import reader_html, reader_html_with_passage
from sources.text import is_pdf
from sources.warc import WarcReadError, read_response_payload


def _claim_page(claim_id: int, **_: object) -> str:
    return reverse("claims:detail", args=[claim_id])


def _claim_page_of(model: type[EvidenceSuggestion] | type[RecheckAlert], key: str):
    """back= for a POST-only view of an object that belongs to a claim: that claim's page."""

    def back(**kwargs: int) -> str:
        return _claim_page(model.objects.values_list("claim_id", flat=True).get(pk=kwargs[key]))

    return back


# The archived original is someone else's markup: never let it run as our origin.
SANDBOX_POLICY = (
    "sandbox; default-src 'none'; img-src data:; style-src 'unsafe-inline'; "
    "font-src data:; media-src 'none'; form-action 'none'; base-uri 'none'"
)
# A partial capture, or a failed one whose broken body arrived, keeps those bytes in its WARC.
_KEPT_STATES = (CaptureState.ARCHIVED, CaptureState.PARTIAL, CaptureState.FAILED)


def _researcher(request: HttpRequest) -> None:
    if not request.user.is_authenticated:
        raise PermissionDenied("log in to work on claims")
    if not is_fact_checker(request.user):
        raise PermissionDenied("only fact-checkers and editors may do this")


@post_only(back=_claim_page)
@once_per_submission
def source_add(request: HttpRequest, claim_id: int) -> HttpResponse:
    _researcher(request)
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
@once_per_submission
def source_upload(request: HttpRequest, claim_id: int) -> HttpResponse:
    _researcher(request)
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


@post_only(back=lambda source_id: reverse("home"))
@once_per_submission
def source_capture_again(request: HttpRequest, source_id: int) -> HttpResponse:
    _researcher(request)
    source = get_object_or_404(Source, pk=source_id)
    try:
        services.capture_request(actor=request.user, source=source)
    except DomainError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, "A new capture is queued; earlier captures are kept.")
    return redirect_next(request, "home")


@require_GET
def claim_captures(request: HttpRequest, claim_id: int) -> JsonResponse:
    """Latest capture state of each of a claim's sources (polled by the claim page)."""
    _researcher(request)
    rows = selectors.claim_capture_states(claim_id)
    return JsonResponse({"captures": rows, "pending": any(r.get("pending") for r in rows)})


def _playback_capture(request: HttpRequest, capture_id: int):
    capture = selectors.capture_for_playback(capture_id)
    if capture is None:
        raise Http404("no such capture")
    if not selectors.capture_visible_to(request.user, capture):
        if not request.user.is_authenticated:
            raise Http404("no such capture")
        raise PermissionDenied("this capture is not public")
    return capture


@require_GET
def capture_reader(request: HttpRequest, capture_id: int) -> HttpResponse:
    """The reader view: extracted text and the facts of the capture, never the live markup."""
    capture = _playback_capture(request, capture_id)
    # ?passage=start-end marks a passage (offsets into capture.text) and scrolls to it.
    passage = selectors.capture_passage(capture, request.GET.get("passage"))
    body = (
        reader_html_with_passage(capture.text, passage.start, passage.end)
        if passage
        else reader_html(capture.text)
    )
    return render(
        request,
        "sources/capture_reader.html",
        {"capture": capture, "passage": passage, "body": body},
    )


@require_GET
def capture_warc(request: HttpRequest, capture_id: int) -> FileResponse:
    capture = _playback_capture(request, capture_id)
    if capture.state not in _KEPT_STATES or not capture.warc:
        raise Http404("this capture has no WARC")
    response = FileResponse(
        default_storage.open(capture.warc.name, "rb"),
        as_attachment=True,
        filename=f"capture-{capture.pk}.warc.gz",
        content_type="application/warc",
    )
    response["X-Content-Type-Options"] = "nosniff"
    return response


@require_GET
def capture_original(request: HttpRequest, capture_id: int) -> HttpResponse:
    """The archived bytes, sandboxed: no scripts, no same-origin, no sniffing."""
    capture = _playback_capture(request, capture_id)
    if capture.state not in _KEPT_STATES or not capture.warc:
        raise Http404("this capture has no archived payload")
    try:
        with default_storage.open(capture.warc.name, "rb") as warc_file:
            headers, payload = read_response_payload(warc_file)
    except (OSError, WarcReadError) as exc:
        return HttpResponse(
            f"The archive could not be read: {exc}",
            status=500,
            content_type="text/plain; charset=utf-8",
        )
    content_type = next((v for k, v in headers if k.lower() == "content-type"), "")
    response = HttpResponse(payload, content_type=content_type or "application/octet-stream")
    response["Content-Security-Policy"] = SANDBOX_POLICY
    response["X-Content-Type-Options"] = "nosniff"
    response["Cross-Origin-Resource-Policy"] = "same-origin"
    response["Referrer-Policy"] = "no-referrer"
    pdf = is_pdf(payload, content_type)
    # A browser's PDF viewer runs the PDF's JavaScript and ignores the sandbox policy: a PDF is
    # only ever a download. The reader view shows its text and its first page as an image.
    disposition = "attachment" if pdf or request.GET.get("download") else "inline"
    name = f"capture-{capture.pk}-original" + (".pdf" if pdf else "")
    response["Content-Disposition"] = f'{disposition}; filename="{name}"'
    return response


@require_GET
def capture_page_image(request: HttpRequest, capture_id: int) -> FileResponse:
    """A PDF capture's first page, drawn as a PNG by the limited text-extraction child."""
    capture = _playback_capture(request, capture_id)
    if not capture.page_image:
        raise Http404("this capture has no page image")
    response = FileResponse(
        default_storage.open(capture.page_image.name, "rb"), content_type="image/png"
    )
    response["X-Content-Type-Options"] = "nosniff"
    response["Content-Security-Policy"] = SANDBOX_POLICY
    response["Cross-Origin-Resource-Policy"] = "same-origin"
    return response


@post_only(back=lambda capture_id: reverse("sources:capture", args=[capture_id]))
@once_per_submission
def capture_text_rerun(request: HttpRequest, capture_id: int) -> HttpResponse:
    """Read a capture's text again from its archive (queued for a worker)."""
    _researcher(request)
    capture = get_object_or_404(Capture.objects.select_related("source"), pk=capture_id)
    try:
        services.capture_text_rerun(actor=request.user, capture=capture)
    except DomainError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, "The text is being read again from the archived copy.")
    claim_id = capture.source.evidence.values_list("claim_id", flat=True).first()
    if claim_id is not None:
        return redirect("claims:detail", claim_id=claim_id)
    return redirect("sources:capture", capture_id=capture.pk)


# Suggested evidence and re-check alerts ------------------------------------------------------


def _back_to_claim(claim_id: int, anchor: str) -> HttpResponse:
    return redirect(_claim_page(claim_id) + f"#{anchor}")


@post_only(back=_claim_page_of(EvidenceSuggestion, "suggestion_id"))
@once_per_submission
def suggestion_confirm(request: HttpRequest, suggestion_id: int) -> HttpResponse:
    _researcher(request)
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
@once_per_submission
def suggestion_discard(request: HttpRequest, suggestion_id: int) -> HttpResponse:
    _researcher(request)
    suggestion = get_object_or_404(EvidenceSuggestion, pk=suggestion_id)
    try:
        services.evidence_discard_suggestion(actor=request.user, suggestion=suggestion)
    except DomainError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, "Suggestion discarded.")
    return _back_to_claim(suggestion.claim_id, "suggested-evidence")


@post_only(back=_claim_page)
@once_per_submission
def claim_match_again(request: HttpRequest, claim_id: int) -> HttpResponse:
    """Look for evidence again in the claim's archived sources (queued; the page shows it soon)."""
    _researcher(request)
    claim = get_object_or_404(Claim, pk=claim_id)
    services.evidence_match_request(claim_id=claim.pk)
    messages.success(request, "Matching the claim against its archived sources again.")
    return _back_to_claim(claim.pk, "suggested-evidence")


@post_only(back=_claim_page_of(RecheckAlert, "alert_id"))
@once_per_submission
def recheck_alert_resolve(request: HttpRequest, alert_id: int) -> HttpResponse:
    _researcher(request)
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
