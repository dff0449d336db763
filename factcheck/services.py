"""Account writes: operators create desk users with a role."""

from __future__ import annotations

from typing import Any

from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.db import transaction

from factcheck.audit import audit_record
from factcheck.errors import DomainError
from factcheck.roles import ADMIN, EDITOR, ROLES


@transaction.atomic
def user_create(
    *,
    username: str,
    role: str,
    password: str,
    email: str = "",
    staff_admin: bool = False,
    actor: Any = None,
    system_actor: str = "accounts",
    note: str = "",
):
    """Create a user in one role. Editors get the admin; a staff admin gets everything.

    The audit event names who made the account: a person (``actor``) or the process that did
    (``system_actor``, e.g. the create_user command).
    """
    if role not in ROLES:
        raise DomainError(f"unknown role {role!r}: choose one of {', '.join(ROLES)}")
    username = username.strip()
    if not username:
        raise DomainError("a username is required", fields={"username": ["required"]})
    User = get_user_model()
    if User.objects.filter(username__iexact=username).exists():
        raise DomainError(f"a user named {username!r} already exists", code="conflict")
    user = User(username=username, email=email, is_staff=role in (EDITOR, ADMIN) or staff_admin)
    user.is_superuser = staff_admin
    user.set_password(password)
    user.save()
    user.groups.add(Group.objects.get(name=role))
    audit_record(
        action="user.created",
        obj=user,
        actor=actor,
        system_actor=system_actor,
        after={"username": user.username, "role": role, "staff_admin": staff_admin},
        note=note,
    )
    return user
