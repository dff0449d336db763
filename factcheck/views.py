"""The role check and the POST-only guard every desk page shares, and the error pages (the
dashboard is the desk's: claims/dashboard_views.py)."""

from __future__ import annotations

from collections.abc import Callable
from contextlib import suppress
from functools import wraps
from typing import Any

from django.contrib import messages
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import ObjectDoesNotExist, PermissionDenied
from django.http import (
    HttpRequest,
    HttpResponse,
    HttpResponseNotAllowed,
    HttpResponseServerError,
)
from django.shortcuts import redirect, render
from django.template import loader
from django.urls import reverse

from factcheck.roles import is_fact_checker

DESK_ONLY = "Only fact-checkers and editors work at the desk; ask an editor for a role."


def desk_required(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
    """A desk page: anonymous visitors go to the login page, users without a desk role get 403."""

    @wraps(view)
    def wrapped(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        if not request.user.is_authenticated:
            return redirect_to_login(request.get_full_path())
        if not is_fact_checker(request.user):
            raise PermissionDenied(DESK_ONLY)
        return view(request, *args, **kwargs)

    return wrapped


def refuse_unless_desk(request: HttpRequest) -> None:
    """For a desk action posted from a page: 403 (PermissionDenied) unless the user is signed in
    with a desk role (fact-checker or editor)."""
    if not request.user.is_authenticated:
        raise PermissionDenied("log in to work on claims")
    if not is_fact_checker(request.user):
        raise PermissionDenied("only fact-checkers and editors may do this")


POST_ONLY = (
    "That address only takes a submitted form, so nothing was done; here is the page it belongs to."
)


def post_only(
    back: Callable[..., str],
) -> Callable[[Callable[..., HttpResponse]], Callable[..., HttpResponse]]:
    """A view that acts on a submitted form (instead of Django's require_POST).

    A GET of its address (a reload after a validation error, a shared link, the back button) is
    sent to the page the form belongs to, ``back(**url_kwargs)``, with a message saying nothing
    was done, instead of an empty 405. Other methods get a 405 that says which one is allowed.
    """

    def decorate(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
        @wraps(view)
        def wrapped(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
            if request.method == "POST":
                return view(request, *args, **kwargs)
            if request.method not in ("GET", "HEAD"):
                return HttpResponseNotAllowed(
                    ["POST"], "Only POST is allowed here.", content_type="text/plain"
                )
            target = reverse("home")
            if request.user.is_authenticated:
                # The object is gone: the dashboard, not a 404 for an address nobody typed.
                with suppress(ObjectDoesNotExist):
                    target = back(*args, **kwargs)
                messages.info(request, POST_ONLY)
            return redirect(target)

        return wrapped

    return decorate


# Error pages ------------------------------------------------------------------------------------


def permission_denied(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    reason = str(exception) if exception and str(exception) else ""
    return render(request, "403.html", {"reason": reason}, status=403)


def page_not_found(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    return render(request, "404.html", {"request_path": request.path}, status=404)


def server_error(request: HttpRequest) -> HttpResponse:
    # No context processors and no database: whatever broke may be what they would need.
    return HttpResponseServerError(loader.get_template("500.html").render())
