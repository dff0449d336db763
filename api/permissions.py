"""Who may call what: reads are open (visibility is filtered), writes belong to the desk."""

from __future__ import annotations

from typing import Any

from rest_framework.permissions import BasePermission

from factcheck.roles import is_fact_checker


class IsDeskMember(BasePermission):
    """Fact-checkers and editors (and staff admins)."""

    message = "Only fact-checkers and editors may do this."

    def has_permission(self, request: Any, view: Any) -> bool:
        return bool(request.user and request.user.is_authenticated) and is_fact_checker(
            request.user
        )


class ReadsOpenWritesForDesk(BasePermission):
    """Anyone may read (what they see is filtered); only the desk may write."""

    message = IsDeskMember.message

    def has_permission(self, request: Any, view: Any) -> bool:
        if request.method in ("GET", "HEAD", "OPTIONS"):
            return True
        return IsDeskMember().has_permission(request, view)
