"""Writes for articles, claims, ratings and verdicts: the only code that changes these rows.

Every function is keyword-only, runs in one transaction, checks the actor's role and the claim's
state (claims.workflow), writes an audit event, and raises factcheck.errors.DomainError when it
refuses: "forbidden" (role), "invalid" (state or input), "conflict" (someone changed the claim
first; `current` holds the claim as it now is), "not_found".
"""

from claims.services._base import claim_snapshot
from claims.services.articles import MAX_ARTICLE_CHARS, article_content_hash, article_import
from claims.services.editing import (
    EDITABLE_FIELDS,
    claim_comment_add,
    claim_create,
    claim_update,
)
from claims.services.evidence import evidence_retract
from claims.services.importing import (
    article_complete_from_capture,
    article_import_file,
    article_import_text,
    article_import_url,
    article_update_facts,
    candidate_accept,
    candidate_dismiss,
    candidate_restore,
    candidates_merge_span,
)
from claims.services.ratings import rating_confirm, rating_submit
from claims.services.schedule import KEEP, claim_schedule
from claims.services.transitions import (
    claim_assign,
    claim_dismiss,
    claim_request_approval,
    claim_restore,
    claim_send_back,
    claim_start_research,
    claim_submit_for_review,
)
from claims.services.verdicts import claim_publish, verdict_approve, verdict_correct

__all__ = [
    "EDITABLE_FIELDS",
    "KEEP",
    "article_complete_from_capture",
    "article_import_file",
    "article_import_text",
    "article_import_url",
    "article_update_facts",
    "candidate_accept",
    "candidate_dismiss",
    "candidate_restore",
    "candidates_merge_span",
    "MAX_ARTICLE_CHARS",
    "article_content_hash",
    "article_import",
    "claim_assign",
    "claim_comment_add",
    "claim_create",
    "claim_dismiss",
    "claim_publish",
    "claim_request_approval",
    "claim_restore",
    "claim_schedule",
    "claim_send_back",
    "claim_snapshot",
    "claim_start_research",
    "claim_submit_for_review",
    "claim_update",
    "evidence_retract",
    "rating_confirm",
    "rating_submit",
    "verdict_approve",
    "verdict_correct",
]
