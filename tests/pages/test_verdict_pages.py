"""The editor's side of a verdict on the page: who counts, stale ratings, preview before
publishing, corrections that start from the current verdict, and retracted sources."""

from __future__ import annotations

import re

from django.urls import reverse

from claims.models import Claim, ClaimState, VerdictVersion
from claims.services import claim_update, rating_submit
from factcheck.roles import EDITOR, FACT_CHECKER
from sources.models import Capture

S = ClaimState


def action(claim: Claim, name: str) -> str:
    return reverse("claims:action", args=[claim.pk, name])


def page_of(client, claim: Claim) -> str:
    return client.get(reverse("claims:detail", args=[claim.pk])).content.decode()


def approve_data(claim: Claim, scale, **changes) -> dict:
    data = {
        "approve-expected_version": claim.version,
        "approve-rating": scale("false").pk,
        "approve-conclusion": "False: fewer boxes left the port.",
        "approve-explanation": "The port's own ledger shows a drop.",
    }
    data.update({f"approve-{k}": v for k, v in changes.items()})
    return data


def test_an_editor_who_rated_is_told_their_rating_does_not_count(
    client_for, claim_in, make_user, scale
):
    claim = claim_in(S.IN_REVIEW)
    editor = make_user(EDITOR)
    for reviewer in (make_user(FACT_CHECKER), editor):
        rating_submit(actor=reviewer, claim=claim, scale=scale("false"), rationale="Port data.")
    client = client_for(editor)
    page = page_of(client, claim)
    assert "1 of 2 independent ratings count. Your own rating does not count" in page

    refused = client.post(action(claim, "approve"), approve_data(claim, scale))
    assert refused.status_code == 400
    assert "Cannot approve: 1 of 2 independent ratings count." in refused.content.decode()
    assert not VerdictVersion.objects.filter(claim=claim).exists()


def test_a_stale_rating_is_marked_and_its_reviewer_confirms_it(
    client_for, claim_in, make_user, scale
):
    claim = claim_in(S.RESEARCHING)
    reviewer = make_user(FACT_CHECKER)
    rating_submit(actor=reviewer, claim=claim, scale=scale("false"), rationale="Port data.")
    claim_update(
        actor=reviewer, claim=claim, expected_version=claim.version, value=12, unit="percent"
    )
    client = client_for(reviewer)
    page = page_of(client, claim)
    assert "Stale:" in page and "until you confirm or revise it" in page
    assert "Confirm my rating" in page

    response = client.post(action(claim, "confirm_rating"), {"confirm_rating-expected_revision": 1})
    assert response.status_code == 302
    page = client.get(response["Location"]).content.decode()
    assert "Your rating is confirmed" in page
    assert "Stale:" not in page and "Confirm my rating" not in page
    assert "confirmed their rating for the edited claim" in page  # the history says so


def test_publishing_goes_through_a_preview_and_a_confirmation(
    client_for, claim_in, make_user, scale
):
    claim = claim_in(S.AWAITING_APPROVAL, ratings=2, verdict=True)
    editor = make_user(EDITOR)
    client = client_for(editor)
    page = page_of(client, claim)
    preview_url = reverse("claims:preview", args=[claim.pk])
    assert preview_url in page and "Publish the verdict</button>" not in page

    # A POST without the confirmation (an old form, a crafted request) lands on the preview.
    unconfirmed = client.post(action(claim, "publish"), {"publish-expected_version": claim.version})
    assert unconfirmed.status_code == 302 and unconfirmed["Location"] == preview_url
    claim.refresh_from_db()
    assert claim.state == S.AWAITING_APPROVAL

    preview = client.get(preview_url).content.decode()
    assert "Preview: not published yet" in preview
    assert "False: exports fell." in preview and "The customs figures show a fall." in preview
    assert "application/ld+json" not in preview  # nothing for a crawler to pick up yet
    assert client_for(make_user(FACT_CHECKER)).get(preview_url).status_code == 403

    confirmed = client.post(
        action(claim, "publish"),
        {"publish-expected_version": claim.version, "publish-confirmed": "True"},
    )
    assert confirmed.status_code == 302
    claim.refresh_from_db()
    assert claim.state == S.PUBLISHED
    assert client.get(preview_url).status_code == 302  # nothing left to preview


def test_the_correction_form_starts_from_the_current_verdict_and_checks_its_words(
    client_for, claim_in, make_user, scale
):
    claim = claim_in(S.PUBLISHED)
    client = client_for(make_user(EDITOR))
    page = page_of(client, claim)
    form = page[page.index('id="correct"') :]
    assert 'value="False: exports fell."' in form
    assert "The customs figures show a fall.</textarea>" in form

    refused = client.post(
        action(claim, "correct"),
        {
            "correct-expected_version": claim.version,
            "correct-rating": scale("mostly-true").pk,
            "correct-conclusion": "False: exports fell.",
            "correct-explanation": "Newer figures show growth.",
            "correct-correction_note": "New figures.",
        },
    )
    assert refused.status_code == 400
    assert "The conclusion says “False” but the rating is “Mostly true”" in refused.content.decode()
    assert VerdictVersion.objects.filter(claim=claim).count() == 1


def test_a_correction_is_previewed_then_published_on_confirmation(
    client_for, claim_in, make_user, scale
):
    claim = claim_in(S.PUBLISHED)
    editor_client = client_for(make_user(EDITOR))
    correction = {
        "correct-expected_version": claim.version,
        "correct-rating": scale("mostly-false").pk,
        "correct-conclusion": "Mostly false: exports dipped slightly.",
        "correct-explanation": "Revised customs figures show a small dip.",
        "correct-correction_note": "Customs revised its figures downward.",
    }
    preview = editor_client.post(action(claim, "correct"), correction)
    assert preview.status_code == 200
    page = preview.content.decode()
    assert "Preview: not published yet" in page and "this correction is not published" in page
    assert "Mostly false: exports dipped slightly." in page
    assert "Customs revised its figures downward." in page  # in the correction history
    # Nothing was kept: no version 2, no audit event, the public page unchanged.
    assert VerdictVersion.objects.filter(claim=claim).count() == 1
    assert not claim.audit_events.filter(action="verdict.corrected").exists()
    public = client_for().get(reverse("claims:verdict", args=[claim.pk])).content.decode()
    assert "Mostly false: exports dipped slightly." not in public
    assert 'name="correct-confirmed" value="True"' in page
    corrected = editor_client.post(
        action(claim, "correct"), {**correction, "correct-confirmed": "True"}
    )
    assert corrected.status_code == 302
    assert VerdictVersion.objects.filter(claim=claim).count() == 2
    # The public page of two versions: the current rating once, the history below it.
    page = client_for().get(reverse("claims:verdict", args=[claim.pk])).content.decode()
    ratings = re.findall(r'class="rating rating-large rating-([a-z-]+)"', page)
    assert ratings == ["mostly-false"]
    assert "rated False" not in page and ">False<" not in page
    assert page.index("Mostly false: exports dipped slightly.") < page.index("Correction history")
    assert "Customs revised its figures downward." in page


def test_a_retracted_source_is_marked_for_the_desk_and_gone_for_readers(
    client_for, claim_in, make_user, scale, evidence_for
):
    claim = claim_in(S.PUBLISHED)
    evidence = evidence_for(claim)
    capture = Capture.objects.create(source=evidence.source, state="archived", sha256="b" * 64)
    public = reverse("claims:verdict", args=[claim.pk])
    archived_copy = reverse("sources:capture", args=[capture.pk])
    assert evidence.source.url in client_for().get(public).content.decode()
    assert client_for().get(archived_copy).status_code == 200

    editor = client_for(make_user(EDITOR))
    assert 'name="correct-evidence_ids"' in page_of(editor, claim)
    empty = editor.post(
        action(claim, "retract_source"),
        {"retract_source-evidence": evidence.pk, "retract_source-reason": ""},
    )
    assert empty.status_code == 400 and 'id="retract-error"' in empty.content.decode()

    response = editor.post(
        action(claim, "retract_source"),
        {"retract_source-evidence": evidence.pk, "retract_source-reason": "The report is a fake"},
    )
    assert response.status_code == 302
    desk = editor.get(response["Location"]).content.decode()
    assert "Retracted" in desk and "The report is a fake" in desk
    assert "retracted a source" in desk
    assert evidence.source.url not in client_for().get(public).content.decode()
    assert client_for().get(archived_copy).status_code == 404  # its archive is the desk's only
    # Nor can a rating or verdict rest on it: it is no longer a choice of the forms.
    assert 'name="correct-evidence_ids"' not in desk


def test_failed_and_blocked_sources_are_not_shown_to_readers_nor_offered_to_rest_on(
    client_for, claim_in, make_user, evidence_for
):
    claim = claim_in(S.PUBLISHED)
    archived, failed, blocked = evidence_for(claim), evidence_for(claim), evidence_for(claim)
    Capture.objects.create(source=archived.source, state="archived", sha256="d" * 64)
    Capture.objects.create(source=failed.source, state="failed", failure_reason="HTTP 500")
    Capture.objects.create(source=blocked.source, state="blocked", failure_reason="private host")
    public = client_for().get(reverse("claims:verdict", args=[claim.pk])).content.decode()
    assert archived.source.url in public
    assert failed.source.url not in public and blocked.source.url not in public

    desk = page_of(client_for(make_user(EDITOR)), claim)
    form = desk[desk.index('id="correct"') :]
    assert f'name="correct-evidence_ids" value="{archived.pk}"' in form
    # The desk still sees them and why, in the sources list; the form does not offer them.
    assert "HTTP 500" in desk and "private host" in desk
    for unusable in (failed, blocked):
        assert f'name="correct-evidence_ids" value="{unusable.pk}"' not in form
