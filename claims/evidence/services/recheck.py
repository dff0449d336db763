"""Re-check alerts: a source captured again no longer shows a published verdict's passage as
it was; an editor resolves the alert."""

from __future__ import annotations

from typing import Any

from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from claims.evidence.matching import (
    content_words,
)
from claims.evidence.models import (
    Evidence,
    RecheckAlert,
    RecheckReason,
)
from claims.extraction import find_figures, split_sentences
from claims.models import ClaimState
from factcheck.audit import audit_record
from factcheck.errors import DomainError
from factcheck.roles import is_editor
from sources.models import Capture, CaptureState

RECHECK = "recheck"

_CHANGED_OVERLAP = 0.6


def _squash(text: str) -> str:
    return " ".join(text.split())


class _NewCapture:
    """A new capture's text, with its sentences and their words read once, when first needed."""

    def __init__(self, capture: Capture) -> None:
        self.capture = capture
        self.text = capture.text
        self._squashed: str | None = None
        self._sentences: list[tuple[int, int, frozenset[str]]] | None = None

    @property
    def squashed(self) -> str:
        if self._squashed is None:
            self._squashed = _squash(self.text)
        return self._squashed

    def sentences(self) -> list[tuple[int, int, frozenset[str]]]:
        if self._sentences is None:
            self._sentences = [
                (s.start, s.end, content_words(self.text[s.start : s.end]))
                for s in split_sentences(self.text)
            ]
        return self._sentences


def _figures_in(text: str) -> list[str]:
    return [" ".join(f.raw.split()) for f in find_figures(text, 0, len(text))]


def _passage_change(evidence: Evidence, new: _NewCapture) -> tuple[str, str, str] | None:
    """(reason, what the new capture says instead, detail) or None when the passage is intact."""
    old = evidence.capture
    passage = evidence.passage_text
    start, end = evidence.passage_start, evidence.passage_end
    if old is not None and old.sha256 == new.capture.sha256:
        return None
    if new.text[start:end] == passage or passage in new.text:
        return None
    if _squash(passage) in new.squashed:
        return None  # only the line breaks or spacing moved
    wanted = content_words(passage)
    best, best_share = None, 0.0
    if wanted:
        for s_start, s_end, words in new.sentences():
            share = len(wanted & words) / len(wanted)
            if share > best_share:
                best, best_share = (s_start, s_end), share
    if best is None or best_share < _CHANGED_OVERLAP:
        return (
            RecheckReason.MISSING,
            "",
            "the new capture has no sentence that keeps most of the passage's words",
        )
    now = new.text[best[0] : best[1]]
    was_figures, now_figures = _figures_in(passage), _figures_in(now)
    if was_figures != now_figures:
        detail = (
            f"figures were {', '.join(was_figures) or 'none'}; "
            f"now {', '.join(now_figures) or 'none'}"
        )
    else:
        detail = "the wording changed; the figures read the same"
    return RecheckReason.CHANGED, now, detail[:500]


def evidence_recheck_capture(*, capture_id: int) -> list[RecheckAlert]:
    """A source was captured again: flag published claims whose passage changed or vanished.

    Looks at confirmed evidence pinned to a passage of an earlier capture of the same source,
    on claims that are published. A passage found again (at its offsets, elsewhere, or with only
    its spacing changed) is intact. Otherwise a RecheckAlert is raised for the editor, with an
    audit event by the system actor "recheck". Idempotent: an alert is not raised twice for the
    same capture, nor again for the same change already flagged (open or resolved).
    """
    capture = Capture.objects.filter(pk=capture_id, state=CaptureState.ARCHIVED).first()
    if capture is None:
        return []
    pinned = (
        Evidence.objects.filter(
            source_id=capture.source_id,
            capture__isnull=False,
            passage_start__isnull=False,
            claim__state=ClaimState.PUBLISHED,
            capture__queued_at__lt=capture.queued_at,
        )
        .exclude(capture_id=capture.pk)
        .select_related("claim", "capture")
        .defer("capture__text", "capture__headers")
        .order_by("pk")
    )
    new = _NewCapture(capture)
    alerts = []
    for evidence in pinned:
        change = _passage_change(evidence, new)
        if change is None:
            continue
        reason, now, detail = change
        flagged = RecheckAlert.objects.filter(evidence=evidence).filter(
            Q(new_capture=capture) | Q(reason=reason, new_passage_text=now)
        )
        if flagged.exists():
            continue
        assert evidence.capture_id is not None  # pinned passages always name their capture
        with transaction.atomic():
            alert = RecheckAlert.objects.create(
                claim=evidence.claim,
                evidence=evidence,
                old_capture_id=evidence.capture_id,
                new_capture=capture,
                reason=reason,
                new_passage_text=now,
                detail=detail,
            )
            audit_record(
                action="recheck.alert_raised",
                obj=alert,
                system_actor=RECHECK,
                claim=evidence.claim,
                after={
                    "evidence": evidence.pk,
                    "old_capture": evidence.capture_id,
                    "new_capture": capture.pk,
                    "reason": reason,
                    "detail": detail,
                },
            )
        alerts.append(alert)
    return alerts


@transaction.atomic
def recheck_alert_resolve(*, actor: Any, alert: RecheckAlert, note: str = "") -> RecheckAlert:
    """An editor has looked at the verdict again: close the alert, with an optional note."""
    if not is_editor(actor):
        raise DomainError("only an editor may resolve a re-check alert", code="forbidden")
    locked = RecheckAlert.objects.select_for_update().filter(pk=alert.pk).first()
    if locked is None:
        raise DomainError("this alert no longer exists", code="not_found")
    if locked.resolved_at is not None:
        raise DomainError("this alert was already resolved", code="conflict")
    locked.resolved_at = timezone.now()
    locked.resolved_by = actor
    locked.resolution_note = note.strip()
    locked.save(update_fields=["resolved_at", "resolved_by", "resolution_note"])
    audit_record(
        action="recheck.alert_resolved",
        obj=locked,
        actor=actor,
        claim=locked.claim,
        after={"note": locked.resolution_note, "reason": locked.reason},
    )
    if alert is not locked:
        for name in ("resolved_at", "resolved_by_id", "resolution_note"):
            setattr(alert, name, getattr(locked, name))
    return alert
