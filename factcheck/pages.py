"""What every desk page shares: the one role guard, the POST-only guard, and the one mapping of a
DomainError to what a page shows (a message beside its field, or at the top, with its status).

The API maps the same errors to JSON in api.errors, through DomainError.http_status
(factcheck.errors.HTTP_STATUS): one table of codes to statuses for both.
"""

from __future__ import annotations

from collections.abc import Callable
from contextlib import suppress
from dataclasses import dataclass
from functools import wraps
from typing import Any

from django import forms
from django.contrib import messages
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import ObjectDoesNotExist, PermissionDenied
from django.http import HttpRequest, HttpResponse, HttpResponseNotAllowed
from django.shortcuts import redirect
from django.urls import reverse

from factcheck.errors import DomainError
from factcheck.roles import is_editor, is_fact_checker

View = Callable[..., HttpResponse]

DESK_ONLY = "Only fact-checkers and editors work at the desk; ask an editor for a role."
EDITORS_ONLY = "Only an editor may do this; ask an editor."


def role_required(allowed: Callable[[Any], bool], refusal: str) -> Callable[[View], View]:
    """A page for some roles: anonymous visitors go to the login page (never a 403), signed-in
    users whose role `allowed` refuses get the 403 page saying `refusal`."""

    def decorate(view: View) -> View:
        @wraps(view)
        def wrapped(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
            if not request.user.is_authenticated:
                return redirect_to_login(request.get_full_path())
            if not allowed(request.user):
                raise PermissionDenied(refusal)
            return view(request, *args, **kwargs)

        return wrapped

    return decorate


desk_required = role_required(is_fact_checker, DESK_ONLY)
editor_required = role_required(is_editor, EDITORS_ONLY)


POST_ONLY = (
    "That address only takes a submitted form, so nothing was done; here is the page it belongs to."
)


def post_only(back: Callable[..., str]) -> Callable[[View], View]:
    """A view that acts on a submitted form (instead of Django's require_POST).

    A GET of its address (a reload after a validation error, a shared link, the back button) is
    sent to the page the form belongs to, ``back(**url_kwargs)``, with a message saying nothing
    was done, instead of an empty 405. Other methods get a 405 that says which one is allowed.
    """

    def decorate(view: View) -> View:
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


# DomainError -> page ---------------------------------------------------------------------------


@dataclass(frozen=True)
class PageError:
    """A refusal shown at the top of a page; a conflict offers to reload."""

    message: str
    conflict: bool = False


def place_error(form: forms.Form, exc: DomainError) -> PageError | None:
    """Put a refusal next to the fields it names (a form with rows of its own, such as the
    figures, places what belongs to a row through its `place_error(name, message)`); what names
    no visible field comes back as the PageError for the top of the page."""
    if exc.code == "conflict":
        return PageError(exc.message, conflict=True)
    placed = False
    place_in_rows = getattr(form, "place_error", None)
    for name, problems in exc.fields.items():
        detail = "" if problems in (["required"], []) else f" ({', '.join(problems)})"
        if name in form.fields and not form.fields[name].widget.is_hidden:
            form.add_error(name, exc.message + detail)
            placed = True
        elif place_in_rows is not None and place_in_rows(name, exc.message + detail):
            placed = True
    return None if placed else PageError(exc.message)


def place_error_in_form(form: forms.Form, exc: DomainError) -> None:
    """As place_error, for a page that shows every refusal inside the form: what names no field
    becomes the form's own error."""
    if (top := place_error(form, exc)) is not None:
        form.add_error(None, top.message)
