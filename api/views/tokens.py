"""The API-token page of a desk admin: every token with its owner and last use; create one
(shown once), revoke one. Writes go through api.services.

The new token is shown once, on the page the creation redirects to: it waits in the session
until that page pops it (a double-clicked form makes one token; a reload no longer shows it).
"""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import messages
from django.contrib.auth import get_user_model
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import path, reverse

from api import services
from api.models import ApiToken
from factcheck.errors import DomainError
from factcheck.pages import post_only
from factcheck.people_views import admin_required
from factcheck.submissions import once_per_submission

_NEW = "api_token_shown_once"


class TokenForm(forms.Form):
    owner = forms.ModelChoiceField(
        queryset=get_user_model().objects.filter(is_active=True).order_by("username"),
        label="Whose token (the API acts as this person)",
    )
    name = forms.CharField(max_length=100, label="Name (who or what uses it)")


def tokens_list() -> list[ApiToken]:
    """Every token, newest first, with its owner: one query."""
    return list(ApiToken.objects.select_related("owner").order_by("-created", "-id"))


@admin_required
@once_per_submission
def tokens_page(request: HttpRequest) -> HttpResponse:
    form = TokenForm()
    status = 200
    if request.method == "POST":
        form = TokenForm(request.POST)
        if form.is_valid():
            try:
                token, raw = services.api_token_create(
                    owner=form.cleaned_data["owner"],
                    name=form.cleaned_data["name"],
                    actor=request.user,
                )
            except DomainError as exc:
                form.add_error(None, exc.message)
            else:
                request.session[_NEW] = {"id": token.pk, "raw": raw}
                return redirect("api-tokens")
        status = 400
    shown = request.session.pop(_NEW, None)
    return render(
        request,
        "tokens/tokens.html",
        {"tokens": tokens_list(), "form": form, "shown": shown},
        status=status,
    )


def _back(**_kwargs: Any) -> str:
    return reverse("api-tokens")


@admin_required
@post_only(back=_back)
@once_per_submission
def token_revoke(request: HttpRequest, token_id: int) -> HttpResponse:
    token = get_object_or_404(ApiToken, pk=token_id)
    was_active = token.active
    services.api_token_revoke(token=token, actor=request.user)
    if was_active:
        messages.success(
            request, f"Token {token.name} ({token.prefix}…) is revoked: it no longer works."
        )
    else:
        messages.info(request, f"Token {token.name} ({token.prefix}…) was already revoked.")
    return redirect("api-tokens")


urlpatterns = [
    path("", tokens_page, name="api-tokens"),
    path("<int:token_id>/revoke/", token_revoke, name="api-token-revoke"),
]
