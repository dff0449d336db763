"""People on the desk, managed by a desk admin: invite by e-mail, change a role, deactivate.

Writes are keyword-only services, each in one transaction with its audit event; the invitation
e-mail goes out through Django's e-mail backend after the commit (never inside the transaction
that made the account), and a failed send is audited and shown on the people page, with a way to
send it again. The set-password link is Django's password-reset token: it works once (setting
the password changes what the token is made of) and expires after PASSWORD_RESET_TIMEOUT.
A deactivated person keeps their history: audit events carry the actor's name as text.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.contrib.auth.tokens import default_token_generator
from django.core.exceptions import ValidationError
from django.core.mail import send_mail
from django.core.validators import validate_email
from django.db import transaction
from django.db.models import Prefetch, QuerySet
from django.urls import reverse
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode

from factcheck.audit import audit_record
from factcheck.errors import DomainError
from factcheck.models import AuditEvent
from factcheck.roles import ADMIN, EDITOR, ROLES, is_desk_admin, is_staff_admin, role_of

log = logging.getLogger(__name__)

NOT_ADMIN = "Only a desk admin manages people and API tokens."
INVITE_ACTIONS = (
    "user.invited",
    "user.invited_again",
    "user.invite_sent",
    "user.invite_email_failed",
)


def _require_admin(actor: Any) -> None:
    if not is_desk_admin(actor):
        raise DomainError(NOT_ADMIN, code="forbidden")


def _check_target(actor: Any, person: Any) -> None:
    if is_staff_admin(person) and not is_staff_admin(actor):
        raise DomainError("A superuser's account is changed only by a superuser.", code="forbidden")
    if person.pk == actor.pk:
        raise DomainError(
            "You cannot change your own role or account here; ask another admin.", code="conflict"
        )


def set_password_path(person: Any) -> str:
    """The one-time set-password address of an invited person (Django's reset token)."""
    uid = urlsafe_base64_encode(force_bytes(person.pk))
    token = default_token_generator.make_token(person)
    return reverse("password_reset_confirm", kwargs={"uidb64": uid, "token": token})


def _send_invitation(person_id: int, site: str, actor_name: str) -> None:
    """Runs after the commit: the e-mail, and an audit event saying whether it went."""
    person = get_user_model().objects.get(pk=person_id)
    link = site.rstrip("/") + set_password_path(person)
    body = (
        f"{actor_name} has invited you to the fact-checking desk as {person.get_username()}.\n\n"
        f"Choose your password here (the link works once):\n{link}\n\n"
        "Then log in with your username and that password."
    )
    try:
        send_mail(
            "You are invited to the fact-checking desk",
            body,
            settings.DEFAULT_FROM_EMAIL,
            [person.email],
            fail_silently=False,
        )
    except Exception as exc:  # noqa: BLE001 - any transport error is recorded, never swallowed
        log.warning("invitation e-mail to %s failed: %s", person.email, exc)
        with transaction.atomic():
            audit_record(
                action="user.invite_email_failed",
                obj=person,
                system_actor="mailer",
                note=f"{type(exc).__name__}: {exc}"[:500],
            )
        return
    with transaction.atomic():
        audit_record(
            action="user.invite_sent", obj=person, system_actor="mailer", after={"to": person.email}
        )


@transaction.atomic
def person_invite(*, actor: Any, username: str, email: str, role: str, site: str) -> Any:
    """A new account in `role` with no usable password; the invitation e-mail (a set-password
    link on `site`) is sent once the account is committed."""
    _require_admin(actor)
    if role not in ROLES:
        raise DomainError(f"Unknown role {role!r}.", fields={"role": ["unknown"]})
    username, email = (username or "").strip(), (email or "").strip()
    if not username:
        raise DomainError("A username is required.", fields={"username": ["required"]})
    try:
        validate_email(email)
    except ValidationError:
        raise DomainError("An e-mail address is required.", fields={"email": ["invalid"]}) from None
    User = get_user_model()
    if User.objects.filter(username__iexact=username).exists():
        raise DomainError(
            f"A person named {username!r} already exists.",
            code="conflict",
            fields={"username": ["taken"]},
        )
    person = User(username=username, email=email, is_staff=role in (EDITOR, ADMIN))
    person.set_unusable_password()
    person.save()
    person.groups.add(Group.objects.get(name=role))
    audit_record(
        action="user.invited",
        obj=person,
        actor=actor,
        after={"username": username, "email": email, "role": role},
    )
    name = actor.get_username()
    transaction.on_commit(lambda: _send_invitation(person.pk, site, name))
    return person


@transaction.atomic
def person_invite_again(*, actor: Any, person: Any, site: str) -> None:
    """Send a new set-password link to someone who has not joined yet."""
    _require_admin(actor)
    if person.has_usable_password():
        raise DomainError(
            f"{person.get_username()} has already chosen a password.", code="conflict"
        )
    audit_record(action="user.invited_again", obj=person, actor=actor, after={"to": person.email})
    name = actor.get_username()
    transaction.on_commit(lambda: _send_invitation(person.pk, site, name))


@transaction.atomic
def person_role_set(*, actor: Any, person: Any, role: str) -> Any:
    _require_admin(actor)
    _check_target(actor, person)
    if role not in ROLES:
        raise DomainError(f"Unknown role {role!r}.", fields={"role": ["unknown"]})
    locked = get_user_model().objects.select_for_update().get(pk=person.pk)
    before = role_of(locked)
    if before == role:
        return locked
    locked.groups.remove(*Group.objects.filter(name__in=ROLES))
    locked.groups.add(Group.objects.get(name=role))
    locked.is_staff = role in (EDITOR, ADMIN) or locked.is_superuser
    locked.save(update_fields=["is_staff"])
    audit_record(
        action="user.role_changed",
        obj=locked,
        actor=actor,
        before={"role": before},
        after={"role": role},
    )
    return locked


@transaction.atomic
def person_active_set(*, actor: Any, person: Any, active: bool) -> Any:
    """Deactivate (or reactivate) an account: a deactivated person cannot log in or use their
    API tokens; what they did stays in the history under their name."""
    _require_admin(actor)
    _check_target(actor, person)
    locked = get_user_model().objects.select_for_update().get(pk=person.pk)
    if locked.is_active == active:
        return locked
    locked.is_active = active
    locked.save(update_fields=["is_active"])
    audit_record(
        action="user.reactivated" if active else "user.deactivated",
        obj=locked,
        actor=actor,
        before={"active": not active},
        after={"active": active},
    )
    return locked


# Reads -----------------------------------------------------------------------------------------


@dataclass(frozen=True)
class PersonRow:
    person: Any
    role: str
    joined: bool  # has chosen a password
    invitation: str  # for someone not joined yet: what became of the last invitation e-mail


def people_list() -> list[PersonRow]:
    """Everyone with an account, with their role and invitation state, in three queries."""
    invites = AuditEvent.objects.filter(
        object_type="auth.user", action__in=INVITE_ACTIONS
    ).order_by("object_id", "-created_at", "-id")
    people: QuerySet[Any] = (
        get_user_model()
        .objects.order_by("username")
        .prefetch_related(Prefetch("groups", queryset=Group.objects.filter(name__in=ROLES)))
    )
    rows = list(people)
    pending = [str(p.pk) for p in rows if not p.has_usable_password()]
    latest: dict[str, AuditEvent] = {}
    if pending:
        for event in invites.filter(object_id__in=pending).only(
            "object_id", "action", "note", "created_at"
        ):
            latest.setdefault(event.object_id, event)
    out = []
    for person in rows:
        names = {g.name for g in person.groups.all()}
        role = next((r for r in reversed(ROLES) if r in names), "")
        joined = person.has_usable_password()
        found: AuditEvent | None = latest.get(str(person.pk))
        invitation = ""
        if not joined:
            if found is None or found.action in ("user.invited", "user.invited_again"):
                invitation = "invitation e-mail being sent"
            elif found.action == "user.invite_sent":
                invitation = "invited, has not chosen a password yet"
            else:
                invitation = f"the invitation e-mail failed: {found.note}"
        out.append(PersonRow(person, role, joined, invitation))
    return out
