"""`user|desk_admin`: whether the navigation shows the people and token pages."""

from __future__ import annotations

from typing import Any

from django import template

from factcheck.roles import is_desk_admin

register = template.Library()


@register.filter
def desk_admin(user: Any) -> bool:
    return is_desk_admin(user)
