"""The claim page: edits under optimistic locking, ratings (blind), the editor's actions, and
every refusal shown on the page (next to its field or at the top), never a 500."""

from __future__ import annotations

import re

import pytest
from django.urls import reverse

from claims.models import Claim, ClaimState, Rating, VerdictVersion
from claims.services import claim_update, rating_submit
from factcheck.roles import FACT_CHECKER


def action(claim: Claim, name: str) -> str:
    return reverse("claims:action", args=[claim.pk, name])


def detail(claim: Claim) -> str:
    return reverse("claims:detail", args=[claim.pk])


FIGURE_FIELDS = {"qualifier", "value", "value_high", "scale", "unit", "direction", "change"}


def edit_data(claim: Claim, **changes) -> dict:
    """The claim form as posted: the claim's fields and one figure row (edit-figure-0-...)."""
    data = {
        "edit-expected_version": claim.version,
        "edit-text": claim.text,
        "edit-kind": claim.kind,
        "edit-period_start": "2023-10-01",
        "edit-period_end": "2023-10-31",
        "edit-date_precision": "month",
        "edit-claimant": "",
        "edit-figure-TOTAL_FORMS": "1",
        "edit-figure-INITIAL_FORMS": "0",
        "edit-figure-0-qualifier": "more_than",
        "edit-figure-0-value": "1000",
        "edit-figure-0-scale": "",
        "edit-figure-0-unit": "container",
        "edit-figure-0-direction": "none",
        "edit-figure-0-change": "level",
    }
    for name, value in changes.items():
        data[f"edit-figure-0-{name}" if name in FIGURE_FIELDS else f"edit-{name}"] = value
    return data


def field_errors(html: str, field_id: str) -> str:
    """The error list Django renders just before the field with this id (in the same div)."""
    match = re.search(
        r'<ul class="errorlist"[^>]*id="' + re.escape(field_id) + r'_error">(.*?)</ul>', html, re.S
    )
    return match.group(1) if match else ""


def test_a_fact_checker_edits_the_figures_and_the_version_moves_on(client_for, fact_checker):
    claim = Claim.objects.create(text="North Korea sent containers to Russia.", kind="quantity")
    client = client_for(fact_checker)
    response = client.post(action(claim, "edit"), edit_data(claim))
    assert response.status_code == 302
    page = client.get(response["Location"]).content.decode()
    assert "more than 1,000 container" in page
    assert "October 2023" in page
    assert "Claim saved." in page
    claim.refresh_from_db()
    assert claim.version == 2


def test_a_stale_edit_is_a_conflict_with_a_reload_link_and_keeps_the_input(
    client_for, fact_checker, make_user
):
    claim = Claim.objects.create(text="Exports rose 43% in 2022.", kind="percentage")
    seen = claim.version
    claim_update(actor=make_user(FACT_CHECKER), claim=claim, expected_version=seen, text="Changed")
    response = client_for(fact_checker).post(
        action(claim, "edit"),
        edit_data(claim, expected_version=seen, text="My careful rewording"),
    )
    assert response.status_code == 409
    page = response.content.decode()
    assert "Someone else changed this claim" in page
    assert f'href="{detail(claim)}"' in page and "Reload the claim" in page
    assert "My careful rewording" in page  # the user's input survives
    claim.refresh_from_db()
    assert claim.text == "Changed"


def test_an_invalid_figure_is_reported_next_to_its_field(client_for, fact_checker):
    claim = Claim.objects.create(text="Exports rose.", kind="quantity")
    response = client_for(fact_checker).post(action(claim, "edit"), edit_data(claim, unit=""))
    assert response.status_code == 400
    page = response.content.decode()
    assert "a figure needs a unit" in field_errors(page, "id_edit-figure-0-unit").lower()


def test_a_rating_without_rationale_is_refused_next_to_the_field(
    client_for, fact_checker, claim_in, scale
):
    claim = claim_in(ClaimState.IN_REVIEW)
    response = client_for(fact_checker).post(
        action(claim, "rate"),
        {"rate-expected_revision": 0, "rate-scale": scale("false").pk, "rate-rationale": " "},
    )
    assert response.status_code == 400
    assert field_errors(response.content.decode(), "id_rate-rationale")
    assert not Rating.objects.exists()


def test_ratings_are_blind_until_you_rate(client_for, fact_checker, make_user, claim_in, scale):
    claim = claim_in(ClaimState.IN_REVIEW)
    other = make_user(FACT_CHECKER)
    rating_submit(
        actor=other, claim=claim, scale=scale("mostly-false"), rationale="Customs ledger says 870."
    )
    client = client_for(fact_checker)
    before = client.get(detail(claim)).content.decode()
    assert "Customs ledger says 870." not in before
    assert other.username not in before  # not even who rated (the history hides it too)
    assert "Ratings are blind" in before

    response = client.post(
        action(claim, "rate"),
        {
            "rate-expected_revision": 0,
            "rate-scale": scale("false").pk,
            "rate-rationale": "The figure is 1,000 rounded up from 870.",
        },
    )
    assert response.status_code == 302
    after = client.get(detail(claim)).content.decode()
    assert "Customs ledger says 870." in after
    assert "The figure is 1,000 rounded up from 870." in after


def test_revising_a_rating_after_approval_says_the_approval_was_withdrawn(
    client_for, claim_in, scale
):
    claim = claim_in(ClaimState.AWAITING_APPROVAL, ratings=2, verdict=True)
    mine = claim.ratings.order_by("pk").first()
    client = client_for(mine.reviewer)
    response = client.post(
        action(claim, "rate"),
        {
            "rate-expected_revision": mine.revision,
            "rate-scale": scale("false").pk,
            "rate-rationale": "The revised customs series shows a fall.",
        },
        follow=True,
    )
    page = response.content.decode()
    assert "Your rating is saved." in page
    assert "This change withdrew the approved verdict" in page
    assert not VerdictVersion.objects.filter(claim=claim).exists()
    # Saving the same rating again changes nothing and says nothing about a verdict.
    again = client.post(
        action(claim, "rate"),
        {
            "rate-expected_revision": mine.revision + 1,
            "rate-scale": scale("false").pk,
            "rate-rationale": "The revised customs series shows a fall.",
        },
        follow=True,
    ).content.decode()
    assert "Your rating is saved." in again and "withdrew the approved verdict" not in again


def test_a_refused_transition_is_a_message_at_the_top_not_a_500(client_for, fact_checker, claim_in):
    claim = claim_in(ClaimState.IN_REVIEW, assignee=fact_checker, ratings=1)
    response = client_for(fact_checker).post(
        action(claim, "request_approval"), {"request_approval-expected_version": claim.version}
    )
    assert response.status_code == 400
    page = response.content.decode()
    assert 'id="page-error"' in page and "too few ratings (1 of 2)" in page


def test_a_fact_checker_posting_an_editor_action_gets_403_with_the_reason(
    client_for, fact_checker, claim_in, scale
):
    claim = claim_in(ClaimState.AWAITING_APPROVAL, ratings=2)
    response = client_for(fact_checker).post(
        action(claim, "approve"),
        {
            "approve-expected_version": claim.version,
            "approve-rating": scale("false").pk,
            "approve-conclusion": "False.",
            "approve-explanation": "Because.",
        },
    )
    assert response.status_code == 403
    assert "Only an editor may approve the verdict." in response.content.decode()
    assert not VerdictVersion.objects.exists()


def test_a_fact_checker_sees_no_editor_controls_and_an_editor_does(
    client_for, fact_checker, editor, claim_in
):
    claim = claim_in(ClaimState.AWAITING_APPROVAL, ratings=2, verdict=True)
    checker_page = client_for(fact_checker).get(detail(claim)).content.decode()
    editor_page = client_for(editor).get(detail(claim)).content.decode()
    for name in ("approve", "send_back"):
        assert action(claim, name) not in checker_page
        assert action(claim, name) in editor_page
    # Publishing starts from the preview of the public page.
    preview = reverse("claims:preview", args=[claim.pk])
    assert preview not in checker_page and preview in editor_page
    assert 'id="editor"' not in checker_page and 'id="editor"' in editor_page
    new = claim_in(ClaimState.NEW)
    assert action(new, "dismiss") not in client_for(fact_checker).get(detail(new)).content.decode()
    assert action(new, "dismiss") in client_for(editor).get(detail(new)).content.decode()


def test_an_editor_approves_publishes_and_corrects(client_for, editor, claim_in, scale):
    claim = claim_in(ClaimState.AWAITING_APPROVAL, ratings=2)
    client = client_for(editor)
    response = client.post(
        action(claim, "approve"),
        {
            "approve-expected_version": claim.version,
            "approve-rating": scale("mostly-false").pk,
            "approve-conclusion": "Mostly false: the shipments were smaller.",
            "approve-explanation": "Port records show fewer containers.",
        },
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    claim.refresh_from_db()
    response = client.post(
        action(claim, "publish"),
        {"publish-expected_version": claim.version, "publish-confirmed": "True"},
    )
    assert response.status_code == 302
    claim.refresh_from_db()
    assert claim.state == ClaimState.PUBLISHED
    response = client.post(
        action(claim, "correct"),
        {
            "correct-expected_version": claim.version,
            "correct-rating": scale("false").pk,
            "correct-conclusion": "False: no such shipments.",
            "correct-explanation": "A later customs release.",
            "correct-correction_note": "We had misread the port records.",
            "correct-confirmed": "True",
        },
    )
    assert response.status_code == 302
    page = client.get(detail(claim)).content.decode()
    assert "We had misread the port records." in page
    assert reverse("claims:verdict", args=[claim.pk]) in page


def test_publishing_an_old_version_is_a_conflict(client_for, editor, claim_in):
    claim = claim_in(ClaimState.AWAITING_APPROVAL, ratings=2, verdict=True)
    response = client_for(editor).post(
        action(claim, "publish"),
        {"publish-expected_version": claim.version - 1 or 99, "publish-confirmed": "True"},
    )
    assert response.status_code == 409
    assert "Someone else changed this claim" in response.content.decode()
    claim.refresh_from_db()
    assert claim.state == ClaimState.AWAITING_APPROVAL


@pytest.mark.parametrize(
    ("name", "state", "field"),
    [
        ("send_back", ClaimState.AWAITING_APPROVAL, "comment"),
        ("dismiss", ClaimState.NEW, "reason"),
        ("approve", ClaimState.AWAITING_APPROVAL, "conclusion"),
    ],
)
def test_editor_forms_name_the_missing_field(client_for, editor, claim_in, name, state, field):
    claim = claim_in(state, ratings=2 if state == ClaimState.AWAITING_APPROVAL else 0)
    response = client_for(editor).post(
        action(claim, name), {f"{name}-expected_version": claim.version}
    )
    assert response.status_code == 400
    assert field_errors(response.content.decode(), f"id_{name}-{field}")


def test_a_form_without_the_version_is_refused(client_for, fact_checker, claim_in):
    claim = claim_in(ClaimState.NEW)
    response = client_for(fact_checker).post(action(claim, "start_research"), {})
    assert response.status_code == 400
    assert "reload the page" in response.content.decode()
    claim.refresh_from_db()
    assert claim.state == ClaimState.NEW


def test_the_workflow_buttons_move_the_claim(client_for, fact_checker, claim_in):
    claim = claim_in(ClaimState.NEW)
    client = client_for(fact_checker)
    client.post(action(claim, "start_research"), {"start-expected_version": claim.version})
    claim.refresh_from_db()
    assert (claim.state, claim.assignee_id) == (ClaimState.RESEARCHING, fact_checker.pk)
    client.post(
        action(claim, "submit_for_review"), {"submit_for_review-expected_version": claim.version}
    )
    claim.refresh_from_db()
    assert claim.state == ClaimState.IN_REVIEW
    page = client.get(detail(claim)).content.decode()
    assert "submitted it for review" in page  # the history timeline


def test_comments_are_listed_and_unknown_actions_are_404(client_for, fact_checker, claim_in):
    claim = claim_in(ClaimState.RESEARCHING)
    client = client_for(fact_checker)
    assert (
        client.post(action(claim, "comment"), {"comment-body": "Ask the port."}).status_code == 302
    )
    assert "Ask the port." in client.get(detail(claim)).content.decode()
    assert client.post(action(claim, "explode"), {}).status_code == 404
    assert client.get(action(claim, "comment"))["Location"] == detail(claim)  # a reload: back


def figure_form_data(page_form, **claim_changes) -> dict:
    """The claim form as drawn on the page (its figure rows included), with `claim_changes`."""
    data = {
        f"edit-{name}": "" if value is None else value for name, value in page_form.initial.items()
    }
    data.update({f"edit-{k}": v for k, v in claim_changes.items()})
    rows = page_form.figures
    data["edit-figure-TOTAL_FORMS"] = str(rows.total_form_count())
    data["edit-figure-INITIAL_FORMS"] = str(rows.initial_form_count())
    for n, row in enumerate(rows.forms[: rows.initial_form_count()]):
        for name, value in row.initial.items():
            data[f"edit-figure-{n}-{name}"] = "" if value is None else str(value)
    return data


def test_the_claim_form_adds_a_figure_in_its_blank_row_and_removes_one_by_its_box(
    client_for, fact_checker
):
    from claims.services import claim_create

    claim = claim_create(
        actor=fact_checker,
        text="Pepper exports rose 14% to 112,400 tonnes.",
        kind="quantity",
        figures=[{"value": "14", "unit": "percent", "direction": "up", "change": "change"}],
    )
    Claim.objects.filter(pk=claim.pk).update(state=ClaimState.RESEARCHING)
    client = client_for(fact_checker)
    form = client.get(detail(claim)).context["forms"]["edit"]
    assert form.figures.initial_form_count() == 1 and form.figures.total_form_count() == 2
    data = figure_form_data(form)
    data.update({"edit-figure-1-value": "112400", "edit-figure-1-unit": "tonne"})
    data.update({"edit-figure-1-direction": "up", "edit-figure-1-change": "level"})
    response = client.post(action(claim, "edit"), data)
    assert response.status_code == 302
    page = client.get(response["Location"]).content.decode()
    assert "up 14%" in page and "112,400 tonnes, after a rise" in page
    assert list(claim.figures.values_list("value", flat=True)) == [14, 112400]

    form = client.get(detail(claim)).context["forms"]["edit"]
    data = figure_form_data(form)
    data["edit-figure-0-DELETE"] = "on"
    removed = client.post(action(claim, "edit"), data)
    assert removed.status_code == 302, removed.context["forms"]["edit"].figures.errors
    claim.refresh_from_db()
    assert list(claim.figures.values_list("value", flat=True)) == [112400]
    assert (claim.value, claim.unit, claim.version) == (112400, "tonne", 3)
