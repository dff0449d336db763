"""The audit log keeps who acted after their account is gone; one request's events share an id."""

from __future__ import annotations

import re

import pytest
from django.db.models import ProtectedError
from django.urls import reverse

from claims.models import Claim
from claims.services import claim_create, rating_submit
from factcheck.models import AuditEvent
from factcheck.roles import FACT_CHECKER


def action(claim: Claim, name: str) -> str:
    return reverse("claims:action", args=[claim.pk, name])


def history(page: str) -> str:
    return page.split('id="history-h"', 1)[1]


def test_a_deleted_user_still_appears_by_name_in_the_claims_history(client_for, make_user, editor):
    checker = make_user(FACT_CHECKER, username="sokha")
    claim = claim_create(system_actor="test-setup", text="Rice exports fell 4% in March.")
    client = client_for(checker)
    assert (
        client.post(
            action(claim, "start_research"), {"start-expected_version": claim.version}
        ).status_code
        == 302
    )
    assert (
        client.post(
            reverse("evidence:add", args=[claim.pk]),
            {"url": "https://example.org/rice", "relation": "supports"},
        ).status_code
        == 302
    )

    checker.delete()  # an IntegrityError from the audit log's actor check before

    page = client_for(editor).get(reverse("claims:detail", args=[claim.pk])).content.decode()
    timeline = history(page)
    assert "<strong>sokha</strong> <small>(account removed)</small> started research" in timeline
    assert "<strong>sokha</strong> <small>(account removed)</small> linked a source" in timeline
    assert set(AuditEvent.objects.filter(claim=claim).values_list("actor_name", flat=True)) == {
        "test-setup",
        "sokha",
    }


def test_a_deactivated_user_keeps_their_history(client_for, make_user, editor):
    checker = make_user(FACT_CHECKER, username="dara")
    claim = claim_create(system_actor="test-setup", text="Port traffic rose 9% in 2023.")
    client_for(checker).post(
        action(claim, "start_research"), {"start-expected_version": claim.version}
    )
    checker.is_active = False
    checker.save(update_fields=["is_active"])

    page = client_for(editor).get(reverse("claims:detail", args=[claim.pk])).content.decode()
    assert "<strong>dara</strong> started research" in history(page)


def test_a_renamed_user_is_shown_under_the_name_they_acted_under(client_for, make_user, editor):
    checker = make_user(FACT_CHECKER, username="vanna")
    claim = claim_create(system_actor="test-setup", text="Garment orders fell 12% last year.")
    client_for(checker).post(
        action(claim, "start_research"), {"start-expected_version": claim.version}
    )
    checker.username = "vanna.k"
    checker.save(update_fields=["username"])

    page = client_for(editor).get(reverse("claims:detail", args=[claim.pk])).content.decode()
    assert "<strong>vanna</strong> started research" in history(page)


def test_deleting_someone_whose_rating_counts_is_refused_by_name(claim_in, make_user, scale):
    claim = claim_in("in_review")
    rater = make_user(FACT_CHECKER)
    rating_submit(
        actor=rater,
        claim=claim,
        scale=scale("false"),
        rationale="The port's own figures say otherwise.",
        evidence_ids=[],
        expected_revision=0,
    )
    with pytest.raises(ProtectedError) as refused:
        rater.delete()
    assert "Rating" in str(refused.value)
    # Nothing was lost: deactivating the account is the way to stop them signing in.
    assert claim.ratings.filter(reviewer=rater).exists()


def test_the_events_of_one_request_share_its_request_id(client_for, fact_checker):
    claim = claim_create(system_actor="test-setup", text="Tourist arrivals rose 20% in 2024.")
    client = client_for(fact_checker)
    first = client.post(action(claim, "start_research"), {"start-expected_version": 1})
    claim.refresh_from_db()
    second = client.post(
        action(claim, "comment"), {"comment-body": "The ministry's figure is for arrivals."}
    )

    started = AuditEvent.objects.get(claim=claim, action="claim.research_started")
    commented = AuditEvent.objects.get(claim=claim, action="claim.commented")
    assert str(started.request_id) == first["X-Request-ID"]
    assert str(commented.request_id) == second["X-Request-ID"]
    assert started.request_id != commented.request_id
    # Written outside a request (a command, a worker): no request id.
    assert AuditEvent.objects.get(claim=claim, action="claim.created").request_id is None


def test_an_admin_deletes_a_user_who_acted_and_one_who_rated_is_refused_with_the_reason(
    client_for, make_user, claim_in, scale, django_user_model
):
    admin = django_user_model.objects.create_superuser(username="root1", password="x", email="")
    acted = make_user(FACT_CHECKER, username="chan")
    claim = claim_create(system_actor="test-setup", text="Timber exports fell 15% in 2020.")
    client_for(acted).post(action(claim, "start_research"), {"start-expected_version": 1})
    client = client_for(admin)
    delete = reverse("admin:auth_user_delete", args=[acted.pk])
    assert client.post(delete, {"post": "yes"}).status_code == 302
    assert not django_user_model.objects.filter(pk=acted.pk).exists()
    assert AuditEvent.objects.get(action="claim.research_started").actor_name == "chan"

    rater = make_user(FACT_CHECKER)
    rating_submit(
        actor=rater,
        claim=claim_in("in_review"),
        scale=scale("true"),
        rationale="The ministry's table matches.",
        evidence_ids=[],
        expected_revision=0,
    )
    page = client.get(reverse("admin:auth_user_delete", args=[rater.pk])).content.decode()
    # The title names the user inside an isolate (untrusted text in the admin: bidi-safe).
    assert re.search(r"<title>\W?Cannot delete user", page) and "Rating" in page
