"""Pages of the archive: capture a source again, and safe playback of a capture (the reader
view, the WARC, the sandboxed original, a PDF's first page). Who may see a capture is asked of
the desk through the setting CAPTURE_VISIBLE_TO (sources.selectors.capture_visible_to)."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.core.files.storage import default_storage
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render
from django.urls import reverse
from django.views.decorators.http import require_GET

from factcheck.errors import DomainError
from factcheck.pages import desk_required, post_only
from factcheck.redirects import redirect_next
from factcheck.submissions import once_per_submission
from sources import selectors, services
from sources.models import CaptureState, Source
from sources.reader import reader_html, reader_html_with_passage
from sources.text import is_pdf
from sources.warc import WarcReadError, read_response_payload

# The archived original is someone else's markup: never let it run as our origin.
SANDBOX_POLICY = (
    "sandbox; default-src 'none'; img-src data:; style-src 'unsafe-inline'; "
    "font-src data:; media-src 'none'; form-action 'none'; base-uri 'none'"
)


# A partial capture, or a failed one whose broken body arrived, keeps those bytes in its WARC.
_KEPT_STATES = (CaptureState.ARCHIVED, CaptureState.PARTIAL, CaptureState.FAILED)


@post_only(back=lambda source_id: reverse("home"))
@desk_required
@once_per_submission
def source_capture_again(request: HttpRequest, source_id: int) -> HttpResponse:
    source = get_object_or_404(Source, pk=source_id)
    try:
        services.capture_request(actor=request.user, source=source)
    except DomainError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, "A new capture is queued; earlier captures are kept.")
    return redirect_next(request, "home")


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
