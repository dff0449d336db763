"""Re-check alerts: a source captured again no longer shows the passage a published verdict rests
on, and the claim is flagged for the editor."""

from __future__ import annotations

import pytest

from claims.evidence.models import EvidenceSuggestion, RecheckAlert
from claims.evidence.selectors import open_recheck_alerts
from claims.evidence.services import (
    evidence_confirm_suggestion,
    evidence_match_capture,
    recheck_alert_resolve,
)
from factcheck.errors import DomainError
from factcheck.models import AuditEvent
from tests.claims.evidence.test_matching import CONTAINERS, DECOY, shipped

pytestmark = pytest.mark.django_db

PASSAGE = shipped("1,200 containers")


@pytest.fixture
def published(make_claim, archive, fact_checker, publish):
    """Capture 1 has the passage; it is confirmed as evidence and the claim is published on it."""
    claim = make_claim(**{**CONTAINERS, "qualifier": "more_than"})
    first = archive(claim, DECOY, PASSAGE)
    evidence_match_capture(capture_id=first.pk)
    suggestion = EvidenceSuggestion.objects.get(claim=claim, verdict="agrees")
    evidence = evidence_confirm_suggestion(actor=fact_checker, suggestion=suggestion)
    publish(claim, [evidence])
    return claim, evidence, first


def test_a_changed_figure_in_a_new_capture_flags_the_published_claim(published, recapture):
    claim, evidence, first = published
    second = recapture(first, DECOY, shipped("900 containers"))
    evidence_match_capture(capture_id=second.pk)  # what the capture_finished task runs
    alert = RecheckAlert.objects.get()
    assert (alert.claim, alert.evidence, alert.old_capture, alert.new_capture) == (
        claim,
        evidence,
        first,
        second,
    )
    assert alert.reason == "changed"
    assert alert.new_passage_text == shipped("900 containers")
    assert alert.detail == "figures were 1,200 containers; now 900 containers"
    assert alert.resolved_at is None
    event = AuditEvent.objects.get(action="recheck.alert_raised")
    assert event.system_actor == "recheck" and event.actor is None
    assert event.claim_id == claim.pk
    assert event.after["old_capture"] == first.pk and event.after["new_capture"] == second.pk
    assert list(open_recheck_alerts()) == [alert]
    assert list(open_recheck_alerts(claim=claim)) == [alert]


def test_checking_the_same_capture_again_raises_no_second_alert(published, recapture):
    _claim, _evidence, first = published
    second = recapture(first, DECOY, shipped("900 containers"))
    evidence_match_capture(capture_id=second.pk)
    evidence_match_capture(capture_id=second.pk)
    third = recapture(first)  # still 900: the same change, already flagged
    evidence_match_capture(capture_id=third.pk)
    assert RecheckAlert.objects.count() == 1
    assert AuditEvent.objects.filter(action="recheck.alert_raised").count() == 1


def test_a_passage_that_disappeared_is_flagged_as_missing(published, recapture):
    _claim, _evidence, first = published
    second = recapture(first, DECOY, "The ministry declined to comment on shipments.")
    evidence_match_capture(capture_id=second.pk)
    alert = RecheckAlert.objects.get()
    assert alert.reason == "missing" and alert.new_passage_text == ""


@pytest.mark.parametrize(
    "paragraphs",
    [
        (DECOY, PASSAGE),  # the same bytes
        ("A new paragraph came first.", DECOY, PASSAGE),  # the passage moved
        (DECOY, PASSAGE, "A correction was appended below."),
    ],
    ids=["same-bytes", "passage-moved", "text-added"],
)
def test_an_intact_passage_raises_nothing(published, recapture, paragraphs):
    _claim, _evidence, first = published
    second = recapture(first, *paragraphs)
    evidence_match_capture(capture_id=second.pk)
    assert not RecheckAlert.objects.exists()


def test_claims_not_yet_published_are_not_flagged(make_claim, archive, fact_checker, recapture):
    claim = make_claim(**{**CONTAINERS, "qualifier": "more_than"})
    first = archive(claim, DECOY, PASSAGE)
    evidence_match_capture(capture_id=first.pk)
    suggestion = EvidenceSuggestion.objects.get(claim=claim, verdict="agrees")
    evidence_confirm_suggestion(actor=fact_checker, suggestion=suggestion)
    second = recapture(first, DECOY, shipped("900 containers"))
    evidence_match_capture(capture_id=second.pk)
    assert not RecheckAlert.objects.exists()


def test_an_editor_resolves_the_alert_and_a_fact_checker_cannot(
    published, recapture, fact_checker, editor
):
    claim, _evidence, first = published
    evidence_match_capture(capture_id=recapture(first, DECOY, shipped("900 containers")).pk)
    alert = RecheckAlert.objects.get()
    with pytest.raises(DomainError) as refused:
        recheck_alert_resolve(actor=fact_checker, alert=alert)
    assert refused.value.code == "forbidden"
    recheck_alert_resolve(actor=editor, alert=alert, note="Verdict stands: the ministry revised.")
    alert.refresh_from_db()
    assert alert.resolved_by == editor and alert.resolved_at is not None
    assert list(open_recheck_alerts(claim=claim)) == []
    event = AuditEvent.objects.get(action="recheck.alert_resolved")
    assert event.actor == editor and event.after["note"].startswith("Verdict stands")
    with pytest.raises(DomainError) as again:
        recheck_alert_resolve(actor=editor, alert=alert)
    assert again.value.code == "conflict"
