"""A form sent twice is acted on once: the second copy is shown the first one's result."""

from __future__ import annotations

import re
import threading

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from claims.evidence.models import Evidence
from claims.models import Article, Claim, ClaimComment, ClaimState, Rating
from claims.services import claim_create
from factcheck.models import SubmittedForm
from factcheck.submissions import KEEP_FOR, REPEATED, submissions_forget_old

TOKEN = re.compile(r'name="submission_token" value="([0-9a-f-]{36})"')


def detail(claim: Claim) -> str:
    return reverse("claims:detail", args=[claim.pk])


def form_token(page: str, marker: str) -> str:
    """The submission token of the first form on the page whose markup holds the marker (its
    action URL, or a field only it has)."""
    form = next((f for f in re.findall(r"<form.*?</form>", page, re.S) if marker in f), None)
    assert form, f"no form with {marker} on the page"
    token = TOKEN.search(form)
    assert token, f"the form with {marker} has no submission token"
    return token.group(1)


def test_every_post_form_on_the_claim_page_carries_its_own_token(client_for, editor):
    claim = claim_create(system_actor="test-setup", text="Container traffic rose 8% in 2023.")
    page = client_for(editor).get(detail(claim)).content.decode()
    forms = re.findall(r'<form[^>]*method="post"[^>]*>(.*?)</form>', page, re.S)
    assert len(forms) >= 5
    tokens = [TOKEN.search(body) for body in forms]
    assert all(tokens)
    assert len({t.group(1) for t in tokens if t}) == len(forms)


def test_a_comment_posted_twice_is_saved_once_and_the_repeat_shows_the_result(
    client_for, fact_checker
):
    claim = claim_create(system_actor="test-setup", text="Rubber exports fell 6% in May.")
    client = client_for(fact_checker)
    url = reverse("claims:action", args=[claim.pk, "comment"])
    data = {
        "comment-body": "The ministry revised May's figure.",
        "submission_token": form_token(client.get(detail(claim)).content.decode(), url),
    }
    first = client.post(url, data)
    second = client.post(url, data, follow=True)
    assert first.status_code == 302
    assert second.redirect_chain[0] == (first["Location"], 302)
    page = second.content.decode()
    assert "Comment added." in page and REPEATED in page
    assert ClaimComment.objects.filter(claim=claim).count() == 1


def test_a_rating_posted_twice_is_one_rating_and_no_conflict(
    client_for, claim_in, scale, make_user
):
    claim = claim_in(ClaimState.IN_REVIEW)
    reviewer = make_user()
    client = client_for(reviewer)
    url = reverse("claims:action", args=[claim.pk, "rate"])
    data = {
        "rate-expected_revision": 0,
        "rate-scale": scale("false").pk,
        "rate-rationale": "The customs series shows a fall, not a rise.",
        "submission_token": form_token(client.get(detail(claim)).content.decode(), url),
    }
    assert client.post(url, data).status_code == 302
    repeat = client.post(url, data)  # without the token: a 409, "someone else changed it"
    assert repeat.status_code == 302
    assert repeat["Location"].startswith(detail(claim))
    rating = Rating.objects.get(claim=claim)
    assert rating.revision == 1


def test_a_source_linked_twice_by_a_resent_form_is_linked_once(client_for, fact_checker):
    claim = claim_create(system_actor="test-setup", text="Fish catches fell 10% in 2022.")
    client = client_for(fact_checker)
    url = reverse("evidence:add", args=[claim.pk])
    data = {
        "url": "https://example.org/fisheries-2022",
        "relation": "supports",
        "submission_token": form_token(client.get(detail(claim)).content.decode(), url),
    }
    client.post(url, data)
    second = client.post(url, data, follow=True)
    assert "Source linked; its capture is queued." in second.content.decode()
    assert Evidence.objects.filter(claim=claim).count() == 1


def test_an_upload_sent_twice_is_archived_once(client_for, fact_checker):
    claim = claim_create(system_actor="test-setup", text="Rice stocks stood at 2 million tonnes.")
    client = client_for(fact_checker)
    url = reverse("evidence:upload", args=[claim.pk])
    token = form_token(client.get(detail(claim)).content.decode(), url)
    for _ in range(2):
        upload = SimpleUploadedFile("stocks.txt", b"Stocks were 2 million tonnes.", "text/plain")
        client.post(url, {"file": upload, "relation": "supports", "submission_token": token})
    assert Evidence.objects.filter(claim=claim).count() == 1


def test_a_refused_submission_keeps_no_token_so_the_corrected_form_goes_through(
    client_for, fact_checker
):
    claim = claim_create(system_actor="test-setup", text="Cement output rose 3% in June.")
    client = client_for(fact_checker)
    url = reverse("claims:action", args=[claim.pk, "comment"])
    token = form_token(client.get(detail(claim)).content.decode(), url)
    refused = client.post(url, {"comment-body": "", "submission_token": token})
    assert refused.status_code == 400
    accepted = client.post(url, {"comment-body": "Ask the plant.", "submission_token": token})
    assert accepted.status_code == 302
    assert ClaimComment.objects.filter(claim=claim).count() == 1


def test_a_form_from_the_browsers_history_filled_in_again_is_a_new_submission(
    client_for, fact_checker
):
    claim = claim_create(system_actor="test-setup", text="Pepper exports rose 7% in 2022.")
    client = client_for(fact_checker)
    url = reverse("claims:action", args=[claim.pk, "comment"])
    token = form_token(client.get(detail(claim)).content.decode(), url)
    client.post(url, {"comment-body": "First question.", "submission_token": token})
    again = client.post(url, {"comment-body": "Second question.", "submission_token": token})
    assert again.status_code == 302
    bodies = ClaimComment.objects.filter(claim=claim).order_by("pk").values_list("body", flat=True)
    assert list(bodies) == ["First question.", "Second question."]


def test_an_article_pasted_twice_gives_the_same_article_page_without_a_second_row(
    client_for, fact_checker
):
    client = client_for(fact_checker)
    url = reverse("claims:article-import")
    data = {
        "mode": "paste",
        "paste-body": "Garment exports rose 12% to $9 billion in 2023, the ministry said.",
        "submission_token": form_token(client.get(url).content.decode(), 'value="paste"'),
    }
    first = client.post(url, data)
    second = client.post(url, data, follow=True)
    assert second.redirect_chain[0][0] == first["Location"]
    assert REPEATED in second.content.decode()
    assert Article.objects.count() == 1


@pytest.mark.django_db(transaction=True)
def test_two_copies_arriving_at_once_are_acted_on_once(make_user):
    user = make_user()
    claim = claim_create(system_actor="test-setup", text="Bus ridership rose 15% in 2024.")
    url = reverse("claims:action", args=[claim.pk, "comment"])
    page = Client()
    page.force_login(user)
    data = {
        "comment-body": "The operator counts boardings, not riders.",
        "submission_token": form_token(page.get(detail(claim)).content.decode(), url),
    }
    start = threading.Barrier(2)
    statuses: list[int] = []

    def send() -> None:
        client = Client()
        client.force_login(user)
        start.wait()
        try:
            statuses.append(client.post(url, data).status_code)
        finally:
            connection.close()

    threads = [threading.Thread(target=send) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert statuses == [302, 302]
    assert ClaimComment.objects.filter(claim=claim).count() == 1


def test_tokens_older_than_two_days_are_forgotten(client_for, fact_checker):
    claim = claim_create(system_actor="test-setup", text="Salt output fell 2% in 2021.")
    client = client_for(fact_checker)
    url = reverse("claims:action", args=[claim.pk, "comment"])
    token = form_token(client.get(detail(claim)).content.decode(), url)
    client.post(url, {"comment-body": "Ask the salt board.", "submission_token": token})
    assert submissions_forget_old(now=timezone.now() + KEEP_FOR / 2) == 0
    assert submissions_forget_old(now=timezone.now() + KEEP_FOR * 1.5) == 1
    assert not SubmittedForm.objects.exists()
