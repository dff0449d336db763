"""Context for the live navigation (factcheck/static/live.js): whether this person works at the
desk, and how often open pages ask for their counts. The desk role is read lazily: views behind
desk_required have already cached it on the user, so it costs no query there."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.http import HttpRequest
from django.utils.functional import SimpleLazyObject

from factcheck.roles import is_fact_checker


def live_navigation(request: HttpRequest) -> dict[str, Any]:
    user = getattr(request, "user", None)
    return {
        "desk_member": SimpleLazyObject(lambda: is_fact_checker(user)),
        "live_poll_ms": settings.LIVE_POLL_MS,
    }
