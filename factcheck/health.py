"""Liveness and readiness probes for load balancers, compose healthchecks and operators."""

from __future__ import annotations

from collections.abc import Callable

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


# Checks of the apps above this floor (the archive's text extractor...), registered by their
# AppConfig.ready(): a readiness probe that knows no app. Each returns an error or None.
_APP_CHECKS: dict[str, Callable[[], str | None]] = {}


def readiness_check_register(name: str, check: Callable[[], str | None]) -> None:
    """Add ``check`` to /readyz under ``name`` (called once per process by an app's ready())."""
    _APP_CHECKS[name] = check


@never_cache
@require_GET
def readyz(request: HttpRequest) -> JsonResponse:
    """Ready when the database, the broker and every registered app check (the text extractor)
    work; 503 naming the failing part otherwise."""
    results = [("database", _check_database()), ("broker", _check_broker())]
    results += [(name, check()) for name, check in _APP_CHECKS.items()]
    failures = {name: error for name, error in results if error}
    checks = {name: "ok" if name not in failures else "failing" for name, _ in results}
    checks["broker"] = (
        "eager (no broker)"
        if settings.CELERY_TASK_ALWAYS_EAGER
        else ("ok" if "broker" not in failures else "failing")
    )
    if failures:
        return JsonResponse(
            {"status": "unavailable", "checks": checks, "errors": failures}, status=503
        )
    return JsonResponse({"status": "ok", "checks": checks})
