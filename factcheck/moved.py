"""Old import paths of names that moved to a higher floor (#16), answered without an import.

A module of a lower floor that lost names to a higher one (sources.services to
claims.evidence.services, say) sets ``__getattr__ = moved_to("SOURCES_MOVED_SERVICES",
__name__)``: on first use, a name the module no longer defines is looked up in the module that
setting names (django.utils.module_loading.import_string). Scripts written before the move keep
working, and the lower floor still imports nothing of the higher one.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.conf import settings
from django.utils.module_loading import import_string


def moved_to(setting: str, module: str) -> Callable[[str], Any]:
    """A module ``__getattr__`` resolving missing public names in the module ``setting`` names."""

    def __getattr__(name: str) -> Any:  # noqa: N807 - a module __getattr__ (PEP 562)
        if not name.startswith("_"):
            try:
                return import_string(f"{getattr(settings, setting)}.{name}")
            except ImportError:
                pass
        raise AttributeError(f"module {module!r} has no attribute {name!r}")

    return __getattr__
