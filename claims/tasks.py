"""The desk's Celery tasks, where Celery's autodiscovery looks for them (``<app>.tasks``)."""

from claims.evidence.tasks import match_evidence_for_capture, match_evidence_for_claim

__all__ = ["match_evidence_for_capture", "match_evidence_for_claim"]
