"""The desk's roles (Django groups) and what each may do in the admin."""

from __future__ import annotations

from typing import Any

from factcheck.errors import DomainError

FACT_CHECKER = "fact-checker"
EDITOR = "editor"
# Between editor and superuser: an editor who also manages people and API tokens on the desk's
# own pages (not in the Django admin).
ADMIN = "admin"
ROLES = (FACT_CHECKER, EDITOR, ADMIN)

# Editors work in the admin; fact-checkers only read there.
_EDITOR_MODELS = {
    "claims": ["article", "claim", "rating", "verdictversion", "ratingscale", "evidence"],
    "sources": ["source", "capture"],
}
# Written only through the workflow services; editors may read them in the admin.
_READ_ONLY_MODELS = {
    "factcheck": ["auditevent"],
    "claims": ["claimcomment", "ratingrevision", "evidencesuggestion", "recheckalert"],
}


def role_names(user: Any) -> set[str]:
    if not getattr(user, "is_authenticated", False):
        return set()
    cached = getattr(user, "_desk_roles", None)
    if cached is None:
        cached = set(user.groups.values_list("name", flat=True))
        user._desk_roles = cached
    return cached


def is_staff_admin(user: Any) -> bool:
    """A superuser: may take every action of every role."""
    return bool(getattr(user, "is_authenticated", False) and getattr(user, "is_superuser", False))


def is_desk_admin(user: Any) -> bool:
    """May invite people, change their role, deactivate them and manage API tokens."""
    return is_staff_admin(user) or ADMIN in role_names(user)


def is_editor(user: Any) -> bool:
    return is_desk_admin(user) or EDITOR in role_names(user)


def role_of(user: Any) -> str:
    """The user's desk role (the highest one held), or "" without one."""
    names = role_names(user)
    return next((role for role in reversed(ROLES) if role in names), "")


def is_fact_checker(user: Any) -> bool:
    """Anyone who may research and rate: fact-checkers and editors."""
    return is_editor(user) or FACT_CHECKER in role_names(user)


def require_fact_checker(actor: Any, what: str, *, system_ok: bool = False) -> None:
    """Refuse (DomainError "forbidden") an actor who is not a fact-checker or an editor.

    ``system_ok``: no actor at all (None) is a named system process acting, and may.
    """
    if actor is None and system_ok:
        return
    if not getattr(actor, "is_authenticated", False) or not is_fact_checker(actor):
        raise DomainError(f"only fact-checkers and editors may {what}", code="forbidden")


def grant_role_permissions(**kwargs: Any) -> None:
    """post_migrate hook: the roles and their admin permissions (idempotent).

    It also runs after a test database flush, which empties what the data migrations created.
    (The desk's own defaults, such as the rating scale, are claims' post_migrate hook.)
    """
    from django.contrib.auth.models import Group, Permission  # the auth app, loaded by now

    editor, _ = Group.objects.get_or_create(name=EDITOR)
    checker, _ = Group.objects.get_or_create(name=FACT_CHECKER)
    admin, _ = Group.objects.get_or_create(name=ADMIN)
    editor_perms = (
        Permission.objects.filter(
            content_type__app_label__in=list(_EDITOR_MODELS),
        )
        .filter(
            content_type__model__in=[m for models in _EDITOR_MODELS.values() for m in models],
        )
        .exclude(codename__startswith="delete_")
    )
    view_perms = Permission.objects.filter(codename__startswith="view_").filter(
        content_type__model__in=[
            m for models in (*_EDITOR_MODELS.values(), *_READ_ONLY_MODELS.values()) for m in models
        ]
    )
    editor.permissions.add(*editor_perms, *view_perms)
    admin.permissions.add(*editor_perms, *view_perms)
    checker.permissions.add(*view_perms)
