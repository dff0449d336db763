"""{% capture_package capture as package %}: a capture's WACZ status for its card or reader."""

from __future__ import annotations

from typing import Any

from django import template

from sources.package_status import package_status
from sources.wacz_verify import signature_check

register = template.Library()


@register.simple_tag
def capture_package(capture: Any) -> dict[str, Any]:
    return package_status(capture)


@register.simple_tag
def package_check(capture: Any) -> dict[str, Any]:
    """The signature and timestamp of the stored WACZ, checked now (reader view only)."""
    report = signature_check(capture.wacz.name)
    key = next((c for c in report.checks if c.name == "signing key"), None)
    notes = ["Not timestamped."] if report.ok and not report.timestamped_by else []
    return {
        "ok": report.ok,
        "failures": report.failures,
        "timestamped_by": report.timestamped_by,
        "timestamped_at": report.timestamped_at,
        "key_is_desks": key is not None and key.ok and key.detail == "the desk's published key",
        "notes": notes,
    }
