"""Writes of the desk's evidence: linking sources and uploads to claims, matching, confirming
or discarding suggested passages, and re-check alerts."""

from claims.evidence.services.confirming import (
    evidence_confirm_suggestion,
    evidence_discard_suggestion,
)
from claims.evidence.services.linking import source_link, source_upload
from claims.evidence.services.recheck import (
    RECHECK,
    evidence_recheck_capture,
    recheck_alert_resolve,
)
from claims.evidence.services.suggestions import (
    MATCHER,
    MatchSummary,
    capture_text_facts,
    claim_facts,
    evidence_match_capture,
    evidence_match_claim,
    evidence_match_request,
)

__all__ = [
    "MATCHER",
    "RECHECK",
    "MatchSummary",
    "capture_text_facts",
    "claim_facts",
    "evidence_confirm_suggestion",
    "evidence_discard_suggestion",
    "evidence_match_capture",
    "evidence_match_claim",
    "evidence_match_request",
    "evidence_recheck_capture",
    "recheck_alert_resolve",
    "source_link",
    "source_upload",
]
