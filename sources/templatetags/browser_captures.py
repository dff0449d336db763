"""`{% latest_browser_capture source as capture %}`: a source's newest browser capture, read from
its prefetched captures (the claim page prefetches them newest first: no query of its own)."""

from __future__ import annotations

from typing import Any

from django import template

from sources.selectors import browser_capture_of

register = template.Library()


@register.simple_tag
def latest_browser_capture(source: Any) -> Any:
    return browser_capture_of(source)
