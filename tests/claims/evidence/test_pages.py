"""The pages: suggestions and re-check includes, confirming and discarding from the claim page,
and the archived text opened at a passage."""

from __future__ import annotations

import datetime as dt

import pytest
from django.template.loader import render_to_string
from django.urls import reverse

from claims.evidence.models import Evidence, EvidenceSuggestion, RecheckAlert
from claims.evidence.selectors import claim_evidence_panels, evidence_suggestions_for_claim
from claims.evidence.services import evidence_confirm_suggestion, evidence_match_capture
from tests.claims.evidence.test_matching import CONTAINERS, DECOY, shipped

pytestmark = pytest.mark.django_db

# Archived text is someone else's words: markup in it is shown as text, never as markup.
HOSTILE_SENTENCE = (
    "North Korea sent 1,200 containers <b>Not bold</b> of munitions to Russia in October 2023."
)


@pytest.fixture
def matched(make_claim, archive):
    claim = make_claim(**{**CONTAINERS, "qualifier": "more_than"})
    capture = archive(claim, DECOY, HOSTILE_SENTENCE)
    evidence_match_capture(capture_id=capture.pk)
    return claim, capture, EvidenceSuggestion.objects.get(claim=claim, verdict="agrees")


def render(template: str, context: dict, rf, user) -> str:
    request = rf.get("/")
    request.user = user
    return render_to_string(template, context, request=request)


def test_the_suggestions_include_marks_the_figure_and_links_to_the_passage(
    matched, rf, fact_checker
):
    claim, capture, suggestion = matched
    html = render(
        "claims/_suggestions.html",
        {"claim": claim, **claim_evidence_panels(claim, fact_checker)},
        rf,
        fact_checker,
    )
    assert '<mark class="hl">1,200 containers</mark>' in html
    assert "source says 1,200 containers, for October 2023" in html
    assert suggestion.passage_text == HOSTILE_SENTENCE
    assert "&lt;b&gt;Not bold&lt;/b&gt;" in html and "<b>Not bold</b>" not in html
    link = (
        reverse("sources:capture", args=[capture.pk])
        + f"?passage={suggestion.passage_start}-{suggestion.passage_end}#passage"
    )
    assert link in html
    assert reverse("evidence:suggestion-confirm", args=[suggestion.pk]) in html
    assert reverse("evidence:suggestion-discard", args=[suggestion.pk]) in html
    assert "Confirm: supports" in html


def test_the_suggestions_list_is_one_query(matched, django_assert_num_queries):
    claim, _capture, _suggestion = matched
    with django_assert_num_queries(1):
        rows = evidence_suggestions_for_claim(claim.pk)
        assert [s.capture.source.url for s in rows]


def test_the_reader_view_marks_the_passage(matched, client, fact_checker):
    _claim, capture, suggestion = matched
    client.force_login(fact_checker)
    url = reverse("sources:capture", args=[capture.pk])
    page = client.get(
        url, {"passage": f"{suggestion.passage_start}-{suggestion.passage_end}"}
    ).content.decode()
    assert '<mark class="hl" id="passage" tabindex="-1">' in page
    marked = page.split('id="passage" tabindex="-1">', 1)[1].split("</mark>", 1)[0]
    assert marked == HOSTILE_SENTENCE.replace("<b>", "&lt;b&gt;").replace("</b>", "&lt;/b&gt;")
    for bad in ("x-y", "5-2", f"0-{len(capture.text) + 1}", "-1-3"):
        plain = client.get(url, {"passage": bad}).content.decode()
        assert 'id="passage"' not in plain


def test_confirming_from_the_claim_page(matched, client, fact_checker):
    claim, _capture, suggestion = matched
    client.force_login(fact_checker)
    response = client.post(reverse("evidence:suggestion-confirm", args=[suggestion.pk]))
    assert response.status_code == 302
    assert response["Location"] == reverse("claims:detail", args=[claim.pk]) + "#suggested-evidence"
    evidence = Evidence.objects.get(claim=claim, passage_start__isnull=False)
    assert evidence.relation == "supports"
    again = client.post(reverse("evidence:suggestion-confirm", args=[suggestion.pk]), follow=True)
    assert "already confirmed" in again.content.decode()
    assert Evidence.objects.filter(claim=claim, passage_start__isnull=False).count() == 1


def test_discarding_from_the_claim_page(matched, client, editor):
    _claim, _capture, suggestion = matched
    client.force_login(editor)
    client.post(reverse("evidence:suggestion-discard", args=[suggestion.pk]))
    suggestion.refresh_from_db()
    assert suggestion.status == "discarded"


@pytest.mark.parametrize("who", ["anonymous", "outsider"])
def test_outside_the_desk_the_actions_are_refused(matched, client, outsider, who):
    claim, _capture, suggestion = matched
    if who == "outsider":
        client.force_login(outsider)
    posts = [
        reverse(name, args=[suggestion.pk])
        for name in ("evidence:suggestion-confirm", "evidence:suggestion-discard")
    ] + [reverse("evidence:match-again", args=[claim.pk])]
    for url in posts:
        response = client.post(url)
        if who == "anonymous":  # the one page guard: to the login page, and back here after
            assert response.status_code == 302
            assert response["Location"].startswith(reverse("login") + "?next=")
        else:
            assert response.status_code == 403
    suggestion.refresh_from_db()
    assert suggestion.status == "open"


def test_look_again_queues_matching_for_the_claim(
    matched, client, fact_checker, django_capture_on_commit_callbacks, monkeypatch
):
    claim, _capture, _suggestion = matched
    queued = []
    from claims.evidence import tasks

    monkeypatch.setattr(tasks.match_evidence_for_claim, "delay", lambda *a: queued.append(a))
    client.force_login(fact_checker)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("evidence:match-again", args=[claim.pk]))
    assert response.status_code == 302
    assert queued == [(claim.pk, None)]


def test_the_recheck_include_and_resolving_it(
    matched, rf, client, fact_checker, editor, publish, recapture
):
    claim, capture, suggestion = matched
    evidence = evidence_confirm_suggestion(actor=fact_checker, suggestion=suggestion)
    publish(claim, [evidence])
    evidence_match_capture(capture_id=recapture(capture, DECOY, shipped("900 containers")).pk)
    alert = RecheckAlert.objects.get()
    for user, can_resolve in ((fact_checker, False), (editor, True)):
        html = render(
            "claims/_recheck_alerts.html",
            {"claim": claim, **claim_evidence_panels(claim, user)},
            rf,
            user,
        )
        assert "The passage changed" in html
        assert "figures were 1,200 containers; now 900 containers" in html
        assert (reverse("evidence:recheck-resolve", args=[alert.pk]) in html) is can_resolve
    client.force_login(fact_checker)
    assert client.post(reverse("evidence:recheck-resolve", args=[alert.pk])).status_code == 403
    client.force_login(editor)
    client.post(reverse("evidence:recheck-resolve", args=[alert.pk]), {"note": "Checked."})
    alert.refresh_from_db()
    assert alert.resolved_by == editor and alert.resolution_note == "Checked."
    empty = render("claims/_recheck_alerts.html", claim_evidence_panels(claim, editor), rf, editor)
    assert empty.strip() == ""


def test_mentions_sit_below_comparisons_and_never_offer_to_confirm_support(
    make_claim, archive, client, fact_checker
):
    claim = make_claim(
        "Lakeland's coffee exports rose to 41,000 tonnes in 2021.",
        value="41000",
        unit="tonne",
        period=(dt.date(2021, 1, 1), dt.date(2021, 12, 31), "year"),
    )
    capture = archive(
        claim,
        "Lakeland's coffee exports reached 41,000 tonnes in 2021, the growers' board said.",
        "Coffee imports into Lakeland came to 41,000 tonnes in 2021.",
    )
    evidence_match_capture(capture_id=capture.pk)
    client.force_login(fact_checker)
    page = client.get(reverse("claims:detail", args=[claim.pk])).content.decode()
    compared, mentions = page.split("Mentions: not compared", 1)
    assert "Compared with the claim's figure" in compared
    assert "Confirm: supports" in compared and "exports reached <mark" in compared
    assert "Coffee imports" in mentions
    assert "Confirm: supports" not in mentions
    assert "Not compared:</strong> counts something else (import, not export)" in mentions
    assert "read as 41,000 to 41,000" not in page  # an exact figure is its rounding interval
    assert "read as 40,999.5 to 41,000.5 (exact, rounded to 1)" in compared
