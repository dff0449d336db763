"""Celery tasks of evidence matching: thin wrappers that take ids and call the services.

Pure CPU and a few writes, so short limits; a lost run is repeated by the next capture or edit,
and each run is idempotent. The task names keep their "sources." prefix: messages already queued
under them when the code moved (#16) still find their task.
"""

from __future__ import annotations

from dataclasses import asdict
from typing import Any

from celery import shared_task
from django.db import OperationalError

_MATCHING: dict[str, Any] = {
    "acks_late": True,
    "reject_on_worker_lost": True,
    "soft_time_limit": 120,
    "time_limit": 150,
    "autoretry_for": (OperationalError,),
    "retry_backoff": True,
    "max_retries": 5,
    "ignore_result": True,
}


@shared_task(
    name="sources.match_evidence_for_capture",
    **_MATCHING,
)
def match_evidence_for_capture(capture_id: int) -> dict:
    """A capture was archived: suggest passages for its source's claims and re-check verdicts."""
    from claims.evidence.services import evidence_match_capture

    return asdict(evidence_match_capture(capture_id=capture_id))


@shared_task(
    name="sources.match_evidence_for_claim",
    **_MATCHING,
)
def match_evidence_for_claim(claim_id: int, source_id: int | None = None) -> dict:
    """A claim was edited, or an archived source was linked to it: match it again."""
    from claims.evidence.services import evidence_match_claim

    return asdict(evidence_match_claim(claim_id=claim_id, source_id=source_id))
