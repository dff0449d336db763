"""Storing suggestions idempotently, and confirming or discarding them: roles, the audit log, and
the check that a confirmed passage points into the exact archived bytes."""

from __future__ import annotations

import pytest
from django.core.files.storage import default_storage

from claims.evidence.models import Evidence, EvidenceSuggestion
from claims.evidence.services import (
    evidence_confirm_suggestion,
    evidence_discard_suggestion,
    evidence_match_capture,
    evidence_match_claim,
)
from claims.services import claim_update
from factcheck.errors import DomainError
from factcheck.models import AuditEvent
from sources.models import Capture
from tests.claims.evidence.conftest import suggestions_for
from tests.claims.evidence.test_matching import CONTAINERS, DECOY, shipped

pytestmark = pytest.mark.django_db

MORE_THAN = {**CONTAINERS, "qualifier": "more_than"}


@pytest.fixture
def matched(make_claim, archive):
    """A claim "more than 1,000 containers" and an archived page with an agreeing passage, a
    disagreeing one and a mention, matched."""
    claim = make_claim(**MORE_THAN)
    capture = archive(
        claim,
        DECOY,
        shipped("1,200 containers"),
        "North Korea sent 800 containers of munitions to Russia in October 2023, a think tank "
        "estimated.",
        "North Korea sent containers of munitions to Russia by rail in October 2023.",
    )
    evidence_match_capture(capture_id=capture.pk)
    return claim, capture


def by_verdict(claim, verdict: str) -> EvidenceSuggestion:
    return EvidenceSuggestion.objects.get(claim=claim, verdict=verdict)


def test_matching_again_changes_nothing(matched):
    claim, capture = matched
    before = {(s.pk, s.verdict, s.score, s.comparison) for s in suggestions_for(claim)}
    audits = AuditEvent.objects.filter(action="evidence.matched").count()
    summary = evidence_match_capture(capture_id=capture.pk)
    assert (summary.created, summary.updated, summary.removed) == (0, 0, 0)
    assert {(s.pk, s.verdict, s.score, s.comparison) for s in suggestions_for(claim)} == before
    assert AuditEvent.objects.filter(action="evidence.matched").count() == audits == 1


def test_a_discarded_passage_stays_discarded_when_matched_again(matched, fact_checker):
    claim, capture = matched
    mention = by_verdict(claim, "mentions")
    evidence_discard_suggestion(actor=fact_checker, suggestion=mention)
    evidence_match_capture(capture_id=capture.pk)
    evidence_match_claim(claim_id=claim.pk)
    mention.refresh_from_db()
    assert mention.status == "discarded"
    assert mention.decided_by == fact_checker
    event = AuditEvent.objects.get(action="evidence.suggestion_discarded")
    assert event.actor == fact_checker and event.claim_id == claim.pk


def test_editing_the_claim_and_matching_again_updates_the_verdicts(matched, fact_checker):
    claim, _capture = matched
    agreed = by_verdict(claim, "agrees")
    claim_update(
        actor=fact_checker, claim=claim, expected_version=claim.version, qualifier="less_than"
    )
    summary = evidence_match_claim(claim_id=claim.pk)
    assert summary.updated >= 2
    agreed.refresh_from_db()
    assert agreed.verdict == "disagrees"  # 1,200 is not less than 1,000
    assert agreed.comparison.endswith("claim says less than 1,000 containers: disagrees")
    assert by_verdict(claim, "agrees").passage_text.startswith("North Korea sent 800 containers")


def test_removing_the_figure_and_period_clears_open_suggestions(matched, fact_checker):
    claim, _capture = matched
    evidence_confirm_suggestion(actor=fact_checker, suggestion=by_verdict(claim, "agrees"))
    claim_update(
        actor=fact_checker,
        claim=claim,
        expected_version=claim.version,
        value=None,
        unit="",
        period_start=None,
        period_end=None,
        date_precision="",
    )
    evidence_match_claim(claim_id=claim.pk)
    assert list(
        EvidenceSuggestion.objects.filter(claim=claim).values_list("status", flat=True)
    ) == ["confirmed"]


def test_a_new_capture_supersedes_the_open_suggestions_of_the_last(matched, recapture):
    claim, capture = matched
    again = recapture(capture)
    evidence_match_capture(capture_id=again.pk)
    open_rows = EvidenceSuggestion.objects.filter(claim=claim, status="open")
    assert set(open_rows.values_list("capture_id", flat=True)) == {again.pk}
    assert open_rows.count() == 3


def test_an_earlier_capture_finishing_late_does_not_replace_the_newer(matched, recapture):
    claim, capture = matched
    again = recapture(capture)
    evidence_match_capture(capture_id=again.pk)
    evidence_match_capture(capture_id=capture.pk)  # a slow retry of the old one, reported late
    open_rows = EvidenceSuggestion.objects.filter(claim=claim, status="open")
    assert set(open_rows.values_list("capture_id", flat=True)) == {again.pk}


@pytest.mark.parametrize(
    ("verdict", "relation"),
    [("agrees", "supports"), ("disagrees", "refutes"), ("mentions", "context")],
)
def test_confirming_makes_pinned_evidence_with_the_relation_of_the_verdict(
    matched, fact_checker, verdict, relation
):
    claim, capture = matched
    suggestion = by_verdict(claim, verdict)
    evidence = evidence_confirm_suggestion(actor=fact_checker, suggestion=suggestion)
    assert evidence.relation == relation
    assert evidence.capture == capture and evidence.source == capture.source
    assert capture.text[evidence.passage_start : evidence.passage_end] == evidence.passage_text
    assert evidence.passage_text == suggestion.passage_text
    assert evidence.note == suggestion.comparison
    assert evidence.added_by == fact_checker
    assert suggestion.status == "confirmed" and suggestion.evidence_id == evidence.pk
    event = AuditEvent.objects.get(action="evidence.suggestion_confirmed")
    assert event.actor == fact_checker and event.claim_id == claim.pk
    assert event.after["sha256"] == capture.sha256
    assert event.after["verified"] == ["archived", "text_at_offsets", "warc_payload_sha256"]
    assert event.after["passage"] == [evidence.passage_start, evidence.passage_end]


def test_an_editor_may_confirm_too(matched, editor):
    claim, _capture = matched
    evidence = evidence_confirm_suggestion(actor=editor, suggestion=by_verdict(claim, "agrees"))
    assert evidence.relation == "supports"


def test_people_outside_the_desk_cannot_confirm_or_discard(matched, outsider):
    claim, _capture = matched
    suggestion = by_verdict(claim, "agrees")
    for service in (evidence_confirm_suggestion, evidence_discard_suggestion):
        with pytest.raises(DomainError) as refused:
            service(actor=outsider, suggestion=suggestion)
        assert refused.value.code == "forbidden"
    with pytest.raises(DomainError):
        evidence_confirm_suggestion(actor=None, suggestion=suggestion)
    suggestion.refresh_from_db()
    assert suggestion.status == "open"
    assert not Evidence.objects.filter(claim=claim, passage_start__isnull=False).exists()


def test_a_suggestion_is_decided_once(matched, fact_checker, editor):
    claim, _capture = matched
    suggestion = by_verdict(claim, "agrees")
    evidence_confirm_suggestion(actor=fact_checker, suggestion=suggestion)
    stale = EvidenceSuggestion.objects.get(pk=suggestion.pk)
    stale.status = "open"  # what a second browser tab still shows
    with pytest.raises(DomainError) as refused:
        evidence_confirm_suggestion(actor=editor, suggestion=stale)
    assert refused.value.code == "conflict"
    with pytest.raises(DomainError):
        evidence_discard_suggestion(actor=editor, suggestion=stale)
    assert Evidence.objects.filter(claim=claim, passage_start__isnull=False).count() == 1


def test_a_passage_that_no_longer_matches_the_archived_text_is_refused(matched, fact_checker):
    claim, capture = matched
    suggestion = by_verdict(claim, "agrees")
    Capture.objects.filter(pk=capture.pk).update(text=capture.text.replace("1,200", "1,300"))
    with pytest.raises(DomainError) as refused:
        evidence_confirm_suggestion(actor=fact_checker, suggestion=suggestion)
    assert "no longer matches" in refused.value.message
    assert not Evidence.objects.filter(passage_start__isnull=False).exists()


def test_a_capture_whose_bytes_do_not_hash_to_its_sha256_is_refused(matched, fact_checker):
    claim, capture = matched
    Capture.objects.filter(pk=capture.pk).update(sha256="0" * 64)
    with pytest.raises(DomainError) as refused:
        evidence_confirm_suggestion(actor=fact_checker, suggestion=by_verdict(claim, "agrees"))
    assert "SHA-256" in refused.value.message


def test_a_missing_warc_is_refused(matched, fact_checker):
    claim, capture = matched
    default_storage.delete(capture.warc.name)
    with pytest.raises(DomainError) as refused:
        evidence_confirm_suggestion(actor=fact_checker, suggestion=by_verdict(claim, "agrees"))
    assert "could not be checked" in refused.value.message


def test_a_gzip_served_page_is_verified_on_its_stored_bytes(make_claim, server, fact_checker):
    import gzip

    from claims.evidence.services import source_link
    from sources.services import capture_perform
    from tests.claims.evidence.conftest import HTML, page
    from tests.sources.httpserver import Reply

    claim = make_claim(**MORE_THAN)
    body = gzip.compress(page(shipped("1,200 containers")))
    server.route("/gz", Reply(body=body, headers=[*HTML, ("Content-Encoding", "gzip")]))
    capture = source_link(
        actor=fact_checker, claim=claim, url=server.url("/gz")
    ).source.captures.get()
    capture_perform(capture_id=capture.pk)
    evidence_match_capture(capture_id=capture.pk)
    evidence = evidence_confirm_suggestion(
        actor=fact_checker, suggestion=by_verdict(claim, "agrees")
    )
    assert evidence.relation == "supports"
