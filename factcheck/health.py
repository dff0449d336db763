"""Liveness and readiness probes for load balancers, compose healthchecks and operators."""

from __future__ import annotations

from django.conf import settings
from django.db import connection
from django.http import HttpRequest, JsonResponse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET


@never_cache
@require_GET
def healthz(request: HttpRequest) -> JsonResponse:
    """The process is alive; touches neither the database nor the broker."""
    return JsonResponse({"status": "ok"})


def _check_database() -> str | None:
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
    except Exception as exc:  # noqa: BLE001 - any failure means "not ready", reported by name
        return f"{type(exc).__name__}: {exc}".strip()[:300]
    return None


def _check_broker() -> str | None:
    if settings.CELERY_TASK_ALWAYS_EAGER:
        return None  # development mode runs tasks in-process: there is no broker to reach
    from factcheck.celery import app

    try:
        with app.connection_for_write() as conn:
            conn.ensure_connection(max_retries=1, timeout=2)
    except Exception as exc:  # noqa: BLE001
        return f"{type(exc).__name__}: {exc}".strip()[:300]
    return None


# A page whose text the extractor must find: a missing or broken parser reads nothing from it.
_PROBE_PAGE = (
    b"<!doctype html><html><head><title>Probe</title></head><body><article>"
    b"<p>The readiness probe page holds one paragraph of ordinary text for the extractor.</p>"
    b"</article></body></html>"
)
_PROBE_TEXT = "The readiness probe page holds one paragraph"


def _check_text_extractor() -> str | None:
    """Each parser the archive reads with is importable, and HTML text comes out as expected.

    Run in this process, not the limited child: it is a probe of the installed libraries.
    """
    import importlib

    from sources.text import extract_text

    for module in ("lxml.html", "lxml_html_clean", "trafilatura", "pypdf", "pypdfium2"):
        try:
            importlib.import_module(module)
        except Exception as exc:  # noqa: BLE001 - reported by name
            return f"{module} cannot be imported: {type(exc).__name__}: {exc}"[:300]
    try:
        text = extract_text(_PROBE_PAGE, "text/html; charset=utf-8", strict=True).text
    except Exception as exc:  # noqa: BLE001
        return f"HTML text extraction raised {type(exc).__name__}: {exc}"[:300]
    if _PROBE_TEXT not in text:
        return "HTML text extraction returned no text for a page that has some"
    return None


@never_cache
@require_GET
def readyz(request: HttpRequest) -> JsonResponse:
    """Ready when the database, the broker and the text extractor work; 503 naming the failing
    part otherwise."""
    failures = {
        name: error
        for name, error in (
            ("database", _check_database()),
            ("broker", _check_broker()),
            ("text_extractor", _check_text_extractor()),
        )
        if error
    }
    checks = {
        "database": "ok" if "database" not in failures else "failing",
        "text_extractor": "ok" if "text_extractor" not in failures else "failing",
        "broker": "eager (no broker)"
        if settings.CELERY_TASK_ALWAYS_EAGER
        else ("ok" if "broker" not in failures else "failing"),
    }
    if failures:
        return JsonResponse(
            {"status": "unavailable", "checks": checks, "errors": failures}, status=503
        )
    return JsonResponse({"status": "ok", "checks": checks})
