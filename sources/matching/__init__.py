"""Compatibility layer: evidence matching moved to claims.evidence.matching (#16).

The archive imports nothing of the desk, yet scripts written before the move (the evaluation
scorers among them) import ``sources.matching.ClaimFacts``, ``analyse_text`` and ``match_claim``.
Every public name of the matcher resolves here on first use through the module the setting
SOURCES_MOVED_MATCHING names (import_string), not through an import. This is a package, not a
module, so that git sees sources/matching.py as renamed to claims/evidence/matching.py and
parallel edits of it merge there. New code imports claims.evidence.matching.
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.utils.module_loading import import_string


def __getattr__(name: str) -> Any:
    if name.startswith("__"):
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    try:
        return import_string(f"{settings.SOURCES_MOVED_MATCHING}.{name}")
    except ImportError:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}") from None
