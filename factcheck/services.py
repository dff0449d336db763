"""Account writes: operators create desk users with a role."""

from __future__ import annotations

from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.db import transaction

from factcheck.errors import DomainError
from factcheck.roles import EDITOR, ROLES


@transaction.atomic
def user_create(
    *, username: str, role: str, password: str, email: str = "", staff_admin: bool = False
):
    """Create a user in one role. Editors get the admin; a staff admin gets everything."""
    if role not in ROLES:
        raise DomainError(f"unknown role {role!r}: choose one of {', '.join(ROLES)}")
    username = username.strip()
    if not username:
        raise DomainError("a username is required", fields={"username": ["required"]})
    User = get_user_model()
    if User.objects.filter(username__iexact=username).exists():
        raise DomainError(f"a user named {username!r} already exists", code="conflict")
    user = User(username=username, email=email, is_staff=role == EDITOR or staff_admin)
    user.is_superuser = staff_admin
    user.set_password(password)
    user.save()
    user.groups.add(Group.objects.get(name=role))
    return user
