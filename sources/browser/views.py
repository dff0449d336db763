"""Pages of browser captures: ask for one, its screenshot (archived content, served sandboxed
like every archived byte), and its provenance as a page to read."""

from __future__ import annotations

from django.contrib import messages
from django.core.files.storage import default_storage
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render
from django.urls import reverse
from django.views.decorators.http import require_GET

from factcheck.errors import DomainError
from factcheck.pages import desk_required, post_only
from factcheck.redirects import redirect_next
from factcheck.submissions import once_per_submission
from sources.browser.capture import browser_capture_request
from sources.models import Source
from sources.views import SANDBOX_POLICY, _playback_capture


@post_only(back=lambda source_id: reverse("home"))
@desk_required
@once_per_submission
def source_capture_browser(request: HttpRequest, source_id: int) -> HttpResponse:
    """A person asks for a browser capture of a source (audited as capture.queued by them)."""
    source = get_object_or_404(Source, pk=source_id)
    try:
        browser_capture_request(actor=request.user, source=source)
    except DomainError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(
            request,
            "A browser capture is queued (screenshot and the page as rendered); earlier "
            "captures are kept.",
        )
    return redirect_next(request, "home")


@require_GET
def capture_screenshot(request: HttpRequest, capture_id: int) -> FileResponse:
    """The full-page screenshot of a browser capture (a PNG: never markup; sandboxed anyway)."""
    capture = _playback_capture(request, capture_id)
    if not capture.screenshot:
        raise Http404("this capture has no screenshot")
    response = FileResponse(
        default_storage.open(capture.screenshot.name, "rb"), content_type="image/png"
    )
    if request.GET.get("download"):
        response["Content-Disposition"] = f'attachment; filename="capture-{capture.pk}.png"'
    response["X-Content-Type-Options"] = "nosniff"
    response["Content-Security-Policy"] = SANDBOX_POLICY
    response["Cross-Origin-Resource-Policy"] = "same-origin"
    return response


@require_GET
def capture_provenance(request: HttpRequest, capture_id: int) -> HttpResponse:
    """What was captured, when, by what software, under which budgets, and what was refused."""
    capture = _playback_capture(request, capture_id)
    if not capture.provenance:
        raise Http404("this capture has no provenance record")
    return render(
        request,
        "sources/capture_provenance.html",
        {"capture": capture, "provenance": capture.provenance},
    )
