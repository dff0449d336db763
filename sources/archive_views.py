"""Downloads of a capture's WACZ package, and the desk's public archive key at a stable URL."""

from __future__ import annotations

from django.core.files.storage import default_storage
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.views.decorators.http import require_GET

from sources import signing
from sources.views import SANDBOX_POLICY
from sources.views import _playback_capture as playback_capture

PUBLIC_KEY_PATH = ".well-known/factcheck-archive-key.pem"


@require_GET
def capture_wacz(request: HttpRequest, capture_id: int) -> FileResponse:
    """The WACZ, streamed as a download (never opened in our origin); same roles as the reader."""
    capture = playback_capture(request, capture_id)
    if not capture.wacz:
        raise Http404(capture.wacz_problem or "this capture has no WACZ package")
    response = FileResponse(
        default_storage.open(capture.wacz.name, "rb"),
        as_attachment=True,
        filename=f"capture-{capture.pk}.wacz",
        content_type="application/wacz",
    )
    response["X-Content-Type-Options"] = "nosniff"
    response["Content-Security-Policy"] = SANDBOX_POLICY
    return response


@require_GET
def archive_public_key(request: HttpRequest) -> HttpResponse:
    """The public half of the key that signs every WACZ, for anyone to verify them with."""
    try:
        key = signing.desk_public_key()
    except signing.SigningKeyError:
        key = None
    if key is None:
        return HttpResponse(
            "This desk has no archive signing key configured: its packages are unsigned.\n",
            status=404,
            content_type="text/plain; charset=utf-8",
        )
    response = HttpResponse(signing.public_key_pem(key), content_type="application/x-pem-file")
    response["X-Content-Type-Options"] = "nosniff"
    response["Access-Control-Allow-Origin"] = "*"
    response["X-Key-Fingerprint-SHA256"] = signing.fingerprint(signing.public_key_der(key))
    return response
