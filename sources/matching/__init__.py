"""Compatibility layer: evidence matching moved to claims.evidence.matching (#16).

The archive imports nothing of the desk, yet scripts written before the move (the evaluation
scorers among them) import ``sources.matching.ClaimFacts``, ``analyse_text`` and ``match_claim``.
Every public name of the matcher resolves here on first use through the module the setting
SOURCES_MOVED_MATCHING names (factcheck.moved), not through an import. This is a package, not a
module, so that git sees sources/matching.py as renamed to claims/evidence/matching.py and
parallel edits of it merge there. New code imports claims.evidence.matching.
"""

from __future__ import annotations

from factcheck.moved import moved_to

__getattr__ = moved_to("SOURCES_MOVED_MATCHING", __name__)
