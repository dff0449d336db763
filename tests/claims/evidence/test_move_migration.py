"""Evidence moved from sources to claims (claims 0010, sources 0006) without copying a row: a
database migrated from before the move keeps its links, suggestions, alerts and the evidence its
ratings rest on, and the content types (permissions, admin history) follow the models."""

from __future__ import annotations

import pytest
from django.contrib.contenttypes.models import ContentType
from django.core.management import call_command
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

BEFORE = [
    ("claims", "0009_verdicts_independence_claimant"),
    ("sources", "0005_pipeline_capture_text_status"),
]
AFTER = [
    ("claims", "0010_evidence_moves_from_sources"),
    ("sources", "0006_evidence_moves_to_claims"),
]


def _rows_before_the_move(old_apps) -> dict[str, int]:
    """A claim with a pinned passage, a suggestion, a re-check alert and a rating resting on the
    evidence, written with the models as they were (in sources)."""
    user = old_apps.get_model("auth", "User").objects.create(username="before-the-move")
    claim = old_apps.get_model("claims", "Claim").objects.create(
        text="The harbour handled 5,100 containers in June.", kind="quantity"
    )
    source = old_apps.get_model("sources", "Source").objects.create(
        url="https://harbour.example/june", domain="harbour.example"
    )
    captures = old_apps.get_model("sources", "Capture").objects
    text = "In June the harbour handled 5,100 containers, its port office said."
    old_capture = captures.create(source=source, state="archived", sha256="a" * 64, text=text)
    new_capture = captures.create(source=source, state="archived", sha256="b" * 64, text="Gone.")
    evidence = old_apps.get_model("sources", "Evidence").objects.create(
        claim=claim,
        source=source,
        relation="supports",
        capture=old_capture,
        passage_start=0,
        passage_end=len(text),
        passage_text=text,
        added_by=user,
    )
    suggestion = old_apps.get_model("sources", "EvidenceSuggestion").objects.create(
        claim=claim,
        capture=old_capture,
        passage_start=0,
        passage_end=len(text),
        passage_text=text,
        figure_start=28,
        figure_end=33,
        verdict="agrees",
        score=0.9,
        comparison="source says 5,100 containers; claim says 5,100 containers: agrees",
        status="confirmed",
        evidence=evidence,
    )
    alert = old_apps.get_model("sources", "RecheckAlert").objects.create(
        claim=claim,
        evidence=evidence,
        old_capture=old_capture,
        new_capture=new_capture,
        reason="missing",
        detail="the new capture has no sentence that keeps most of the passage's words",
    )
    scale = old_apps.get_model("claims", "RatingScale").objects.create(
        slug="checked-before", label="Checked before the move", order=99
    )
    rating = old_apps.get_model("claims", "Rating").objects.create(
        claim=claim, reviewer=user, scale=scale, rationale="The port office's figure."
    )
    rating.evidence.add(evidence)
    return {
        "claim": claim.pk,
        "evidence": evidence.pk,
        "suggestion": suggestion.pk,
        "alert": alert.pk,
        "rating": rating.pk,
        "old_capture": old_capture.pk,
    }


@pytest.mark.django_db(transaction=True)
def test_a_database_from_before_the_move_keeps_every_evidence_row():
    moved_type = ContentType.objects.get(app_label="claims", model="evidence")
    executor = MigrationExecutor(connection)
    executor.migrate(BEFORE)
    try:
        old_apps = executor.loader.project_state(BEFORE).apps
        # Going back relabelled the content type to where the model then lived.
        assert ContentType.objects.get(pk=moved_type.pk).app_label == "sources"
        ids = _rows_before_the_move(old_apps)

        executor = MigrationExecutor(connection)
        executor.loader.build_graph()
        executor.migrate(AFTER)
        new_apps = executor.loader.project_state(AFTER).apps
        evidence = new_apps.get_model("claims", "Evidence").objects.get(pk=ids["evidence"])
        assert (evidence.claim_id, evidence.relation) == (ids["claim"], "supports")
        assert (evidence.capture_id, evidence.passage_start) == (ids["old_capture"], 0)
        assert evidence.passage_text.startswith("In June the harbour handled 5,100 containers")
        suggestion = new_apps.get_model("claims", "EvidenceSuggestion").objects.get(
            pk=ids["suggestion"]
        )
        assert (suggestion.status, suggestion.evidence_id) == ("confirmed", ids["evidence"])
        alert = new_apps.get_model("claims", "RecheckAlert").objects.get(pk=ids["alert"])
        assert (alert.reason, alert.evidence_id) == ("missing", ids["evidence"])
        rating = new_apps.get_model("claims", "Rating").objects.get(pk=ids["rating"])
        assert list(rating.evidence.values_list("pk", flat=True)) == [ids["evidence"]]
        assert ContentType.objects.get(pk=moved_type.pk).app_label == "claims"
        assert not ContentType.objects.filter(app_label="sources", model="evidence").exists()
    finally:
        call_command("migrate", verbosity=0)

    # The models of today read the same rows from the same tables.
    from claims.evidence.models import Evidence, RecheckAlert

    assert Evidence._meta.db_table == "sources_evidence"
    assert Evidence.objects.get(pk=ids["evidence"]).ratings.get().pk == ids["rating"]
    assert RecheckAlert.objects.get(pk=ids["alert"]).claim_id == ids["claim"]
    assert Evidence.objects.filter(source__url="https://harbour.example/june").count() == 1
