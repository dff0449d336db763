"""The claim page, the article page and the dashboard read the database a fixed number of times,
however many sources, ratings, comments, verdicts, candidates or claims they show."""

from __future__ import annotations

import itertools

from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from claims.evidence.models import Evidence
from claims.models import Article, ClaimComment, ClaimState, Rating, RatingScale, VerdictVersion
from claims.services import article_import, claim_comment_add
from factcheck.roles import EDITOR, FACT_CHECKER
from sources.models import Capture, Source

_serial = itertools.count(1)


def _queries(client, url: str) -> tuple[int, str]:
    with CaptureQueriesContext(connection) as captured:
        response = client.get(url)
    assert response.status_code == 200
    return len(captured), response.content.decode()


def _claim_with(n: int, claim_in, make_user):
    """A published claim with n sources (each with two captures), n ratings, n comments, n
    verdict versions (so n - 1 corrections) and the history they leave."""
    claim = claim_in(ClaimState.PUBLISHED, text=f"Exports rose {n}3% in 2022.")
    scale = RatingScale.objects.get(slug="false")
    for i in range(n):
        source = Source.objects.create(url=f"https://example.org/table-{next(_serial)}")
        Capture.objects.create(source=source, state="failed", failure_reason="timeout")
        Capture.objects.create(
            source=source, state="archived", sha256=f"{i:064x}", text="Exports rose 4.3%."
        )
        evidence = Evidence.objects.create(claim=claim, source=source, relation="refutes")
        rating = Rating.objects.create(
            claim=claim, reviewer=make_user(FACT_CHECKER), scale=scale, rationale=f"Rating {i}"
        )
        rating.evidence.add(evidence)
        claim_comment_add(actor=make_user(FACT_CHECKER), claim=claim, body=f"Remark {i}")
    for number in range(2, n + 1):
        VerdictVersion.objects.create(
            claim=claim,
            number=number,
            rating=scale,
            conclusion=f"False, version {number}.",
            explanation="The table says otherwise.",
            correction_note=f"Correction {number}.",
            approved_by=make_user(EDITOR),
            approved_at=timezone.now(),
            published_at=timezone.now(),
        )
    return claim


def test_the_claim_page_reads_the_same_number_of_times_for_1_or_8_of_everything(
    client_for, claim_in, make_user
):
    editor = make_user(EDITOR)
    client = client_for(editor)
    small = _claim_with(1, claim_in, make_user)
    large = _claim_with(8, claim_in, make_user)
    client.get(reverse("claims:detail", args=[small.pk]))  # warm the session and caches
    few, _ = _queries(client, reverse("claims:detail", args=[small.pk]))
    many, page = _queries(client, reverse("claims:detail", args=[large.pk]))
    assert page.count("Remark ") >= 8 and "Correction 8." in page
    assert ClaimComment.objects.filter(claim=large).count() == 8
    assert many == few


def _article_with(n: int, actor) -> Article:
    sentences = [
        f"Garment exports rose {10 + i}% in {2000 + i}, the ministry said on Monday."
        for i in range(n)
    ]
    article, _created = article_import(
        actor=actor,
        title=f"Trade figures {next(_serial)}",
        body=" ".join(sentences),
        publisher="The Example Times",
    )
    return article


def test_the_article_page_reads_the_same_number_of_times_for_2_or_12_candidates(
    client_for, make_user
):
    checker = make_user(FACT_CHECKER)
    client = client_for(checker)
    small, large = _article_with(2, checker), _article_with(12, checker)
    client.get(reverse("claims:article", args=[small.pk]))
    few, _ = _queries(client, reverse("claims:article", args=[small.pk]))
    many, page = _queries(client, reverse("claims:article", args=[large.pk]))
    assert "21%" in page  # the twelfth sentence is shown as a candidate
    assert many == few


def _desk_of(n: int, claim_in, make_user, me) -> None:
    for i in range(n):
        claim_in(ClaimState.RESEARCHING, assignee=me, text=f"Rice output grew {i}%.")
        claim_in(ClaimState.PUBLISHED, text=f"Fuel imports fell {i}%.")
        failing = Source.objects.create(url=f"https://example.org/broken-{next(_serial)}")
        Capture.objects.create(source=failing, state="failed", failure_reason="HTTP 404")
        Article.objects.create(
            title=f"Article {next(_serial)}", body=f"Body {i}", content_hash=f"{next(_serial):064x}"
        )


def test_the_dashboard_reads_the_same_number_of_times_for_1_or_9_rows_of_each(
    client_for, claim_in, make_user
):
    me = make_user(FACT_CHECKER)
    client = client_for(me)
    _desk_of(1, claim_in, make_user, me)
    client.get(reverse("home"))
    few, _ = _queries(client, reverse("home"))
    _desk_of(8, claim_in, make_user, me)
    many, page = _queries(client, reverse("home"))
    assert page.count("Rice output grew") == 9
    assert many == few
