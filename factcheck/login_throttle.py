"""Login throttling: django-axes counts failed logins per account and per client address.

Axes (its database handler, so the counts live in PostgreSQL beside the users) refuses a login
for LOGIN_LOCKOUT_SECONDS after LOGIN_FAILURE_LIMIT failures for the same username or from the
same address, whatever the password. This module gives axes the desk's pieces: the client
address as the API's throttle reads it (X-Forwarded-For behind API_NUM_PROXIES proxies), the
login page with a message that says what happened and when to try again (429), and one audit
event per lock-out.
"""

from __future__ import annotations

from typing import Any

from axes.models import AccessAttempt
from axes.signals import user_locked_out
from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.forms import AuthenticationForm
from django.db import transaction
from django.dispatch import receiver
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from rest_framework.throttling import BaseThrottle

from factcheck.audit import audit_record

SYSTEM_ACTOR = "login-throttle"


def client_address(request: HttpRequest) -> str:
    """The caller's address, counting API_NUM_PROXIES proxies in X-Forwarded-For."""
    return BaseThrottle().get_ident(request)


def lockout_message() -> str:
    minutes = max(1, round(settings.AXES_COOLOFF_TIME.total_seconds() / 60))
    return (
        "Too many failed logins for this account or from this address: logging in is locked "
        f"for {minutes} minute{'s' if minutes != 1 else ''}. Try again then; an administrator "
        "can lift it sooner (admin, Access attempts)."
    )


def lockout_response(
    request: HttpRequest, original_response: Any = None, credentials: Any = None
) -> HttpResponse:
    """The login page again, with the lock-out said in words, as a 429."""
    next_url = request.POST.get("next") or request.GET.get("next") or ""
    context = {"form": AuthenticationForm(request), "lockout": lockout_message(), "next": next_url}
    response = render(request, "registration/login.html", context, status=429)
    response["Retry-After"] = str(int(settings.AXES_COOLOFF_TIME.total_seconds()))
    return response


@receiver(user_locked_out, dispatch_uid="desk-login-lockout-audit")
def audit_lockout(sender: Any, request: HttpRequest, username: str, ip_address: str, **_: Any):
    """One audit event when a lock-out starts (axes signals again on every refused try)."""
    if getattr(request, "axes_failures_since_start", None) is None:
        return  # a try while already locked out: the lock-out was recorded when it began
    user = get_user_model().objects.filter(username=username).first() if username else None
    attempt = (
        AccessAttempt.objects.filter(username=username, ip_address=ip_address)
        .order_by("-attempt_time")
        .first()
    )
    obj = user or attempt
    if obj is None:
        return
    with transaction.atomic():
        audit_record(
            action="login.locked_out",
            obj=obj,
            system_actor=SYSTEM_ACTOR,
            after={
                "username": username or "",
                "ip_address": ip_address or "",
                "failures": request.axes_failures_since_start,
                "locked_for_seconds": int(settings.AXES_COOLOFF_TIME.total_seconds()),
            },
            note=lockout_message(),
        )
