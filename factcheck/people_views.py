"""The people page of a desk admin: who has an account, in which role; invite, change a role,
deactivate or reactivate, send an invitation again. Writes go through factcheck.people."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django import forms
from django.contrib import messages
from django.contrib.auth import get_user_model
from django.contrib.auth.views import PasswordResetConfirmView
from django.db import transaction
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import path, reverse

from factcheck import people
from factcheck.audit import audit_record
from factcheck.errors import DomainError
from factcheck.pages import post_only, role_required
from factcheck.roles import ROLES, is_desk_admin
from factcheck.submissions import once_per_submission

ROLE_CHOICES = [(r, r.replace("-", " ").capitalize()) for r in ROLES]


# A page for desk admins: anonymous visitors log in first, everyone else gets 403.
admin_required = role_required(is_desk_admin, people.NOT_ADMIN)


class InviteForm(forms.Form):
    username = forms.CharField(max_length=150)
    email = forms.EmailField(label="E-mail")
    role = forms.ChoiceField(choices=ROLE_CHOICES)


class RoleForm(forms.Form):
    role = forms.ChoiceField(choices=ROLE_CHOICES)


class ChoosePasswordView(PasswordResetConfirmView):
    """The invitation's set-password page (Django's reset-confirm view): the link works once;
    choosing the password is audited."""

    @transaction.atomic
    def form_valid(self, form: Any) -> HttpResponse:
        response = super().form_valid(form)
        audit_record(action="user.password_set", obj=form.user, actor=form.user)
        return response


def _site(request: HttpRequest) -> str:
    return request.build_absolute_uri("/")


def _page(request: HttpRequest, invite: InviteForm, status: int = 200) -> HttpResponse:
    return render(
        request,
        "people/people.html",
        {"rows": people.people_list(), "invite": invite, "roles": ROLE_CHOICES},
        status=status,
    )


@admin_required
@once_per_submission
def people_page(request: HttpRequest) -> HttpResponse:
    invite = InviteForm()
    if request.method == "POST":
        invite = InviteForm(request.POST)
        if invite.is_valid():
            try:
                person = people.person_invite(
                    actor=request.user, site=_site(request), **invite.cleaned_data
                )
            except DomainError as exc:
                field = next(iter(exc.fields), None)
                invite.add_error(field if field in invite.fields else None, exc.message)
            else:
                messages.success(
                    request,
                    f"{person.get_username()} is invited: an e-mail with a link to choose a "
                    f"password goes to {person.email}.",
                )
                return redirect("people")
        return _page(request, invite, status=400)
    return _page(request, invite)


def _act(request: HttpRequest, person_id: int, act: Callable[[Any], str]) -> HttpResponse:
    person = get_object_or_404(get_user_model(), pk=person_id)
    try:
        messages.success(request, act(person))
    except DomainError as exc:
        messages.error(request, exc.message)
    return redirect("people")


def _back(**_kwargs: Any) -> str:
    return reverse("people")


@admin_required
@post_only(back=_back)
@once_per_submission
def person_role(request: HttpRequest, person_id: int) -> HttpResponse:
    form = RoleForm(request.POST)
    if not form.is_valid():
        messages.error(request, "Choose one of the desk's roles.")
        return redirect("people")
    role = form.cleaned_data["role"]

    def act(person: Any) -> str:
        people.person_role_set(actor=request.user, person=person, role=role)
        return f"{person.get_username()} is now {role}."

    return _act(request, person_id, act)


@admin_required
@post_only(back=_back)
@once_per_submission
def person_active(request: HttpRequest, person_id: int) -> HttpResponse:
    active = request.POST.get("active") == "1"

    def act(person: Any) -> str:
        people.person_active_set(actor=request.user, person=person, active=active)
        if active:
            return f"{person.get_username()} can log in again."
        return (
            f"{person.get_username()} is deactivated: they can no longer log in or use their API "
            "tokens; their history stays under their name."
        )

    return _act(request, person_id, act)


@admin_required
@post_only(back=_back)
@once_per_submission
def person_invite_again(request: HttpRequest, person_id: int) -> HttpResponse:
    def act(person: Any) -> str:
        people.person_invite_again(actor=request.user, person=person, site=_site(request))
        return f"A new invitation e-mail goes to {person.email}."

    return _act(request, person_id, act)


urlpatterns = [
    path("", people_page, name="people"),
    path("<int:person_id>/role/", person_role, name="person-role"),
    path("<int:person_id>/active/", person_active, name="person-active"),
    path("<int:person_id>/invite/", person_invite_again, name="person-invite-again"),
]
