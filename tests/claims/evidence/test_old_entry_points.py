"""The names that moved from sources to the desk (#16) still answer at their old paths, for the
evaluation scorers and scripts written before: sources.services, sources.selectors,
sources.models and sources.matching resolve them through settings and the app registry."""

from __future__ import annotations

import datetime as dt
import io

import pytest

import claims.evidence.matching as matching
import claims.evidence.models as evidence_models
import claims.evidence.selectors as evidence_selectors
import claims.evidence.services as evidence_services
import sources.matching as old_matching
import sources.models as old_models
import sources.selectors as old_selectors
import sources.services as old_services
from sources.models import Capture
from sources.services import capture_perform

pytestmark = pytest.mark.django_db

SENTENCE = "The ferry line carried 4,200 passengers in March 2022, its operator reported."


def test_each_moved_name_is_the_desk_s_own_object():
    for name in evidence_services.__all__:
        assert getattr(old_services, name) is getattr(evidence_services, name), name
    for name in ("evidence_suggestions_for_claim", "evidence_for_claim", "open_recheck_alerts"):
        assert getattr(old_selectors, name) is getattr(evidence_selectors, name), name
    for name in ("Evidence", "EvidenceSuggestion", "RecheckAlert", "Relation", "SuggestionStatus"):
        assert getattr(old_models, name) is getattr(evidence_models, name), name
    for name in ("ClaimFacts", "analyse_text", "match_claim", "content_words"):
        assert getattr(old_matching, name) is getattr(matching, name), name


def test_a_name_that_never_existed_is_still_refused():
    for module in (old_services, old_selectors, old_models, old_matching):
        with pytest.raises(AttributeError):
            module.no_such_name  # noqa: B018 - the attribute access is the test
    with pytest.raises(ImportError):
        exec("from sources.services import no_such_name")  # noqa: S102 - a fixed string


def test_the_scorers_path_works_through_the_old_names(make_claim, fact_checker):
    """What score_matching_dev.py does: upload a source to a claim, match it, read the
    suggestions, and run the matcher by hand, every step through the old module paths."""
    claim = make_claim(
        "The ferry line carried 4,200 passengers in March 2022.",
        value="4200",
        unit="passenger",
        period=(dt.date(2022, 3, 1), dt.date(2022, 3, 31), "month"),
    )
    evidence = old_services.source_upload(
        actor=fact_checker,
        claim=claim,
        upload=io.BytesIO(f"Harbour notes\n\n{SENTENCE}\n".encode()),
        filename="ferry.txt",
        content_type="text/plain; charset=utf-8",
        title="ferry",
    )
    assert isinstance(evidence, old_models.Evidence)
    capture = Capture.objects.get(source=evidence.source)
    capture_perform(capture_id=capture.pk)
    summary = old_services.evidence_match_capture(capture_id=capture.pk)
    assert summary.claims == 1
    (top, *_) = old_selectors.evidence_suggestions_for_claim(claim.pk)
    assert (top.verdict, top.passage_text) == ("agrees", SENTENCE)

    capture.refresh_from_db()
    facts = old_matching.analyse_text(capture.text)
    by_hand = old_matching.match_claim(old_services.claim_facts(claim), facts)
    assert by_hand and by_hand[0].verdict == "agrees"


def test_linking_a_url_through_the_old_name_records_the_desk_s_evidence(
    make_claim, fact_checker, server
):
    claim = make_claim("The ferry line carried 4,200 passengers in March 2022.")
    evidence = old_services.source_link(actor=fact_checker, claim=claim, url=server.url("/ferry"))
    assert evidence_models.Evidence.objects.filter(pk=evidence.pk, claim=claim).exists()
    assert Capture.objects.filter(source=evidence.source, state="queued").exists()
