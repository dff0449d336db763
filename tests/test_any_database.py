"""What `make run` does on SQLite (its default database) as on PostgreSQL: the SQLite sides of
the vendor branches (claim search in the API and on the queue page, the span guard kept across
migrations). Marked `sqlite`: `make test` runs these, and the files of tests/support/sqlite.py's
list, a second time on SQLite."""

from __future__ import annotations

import re

import pytest
from django.db import IntegrityError, connection, transaction
from django.urls import reverse
from rest_framework.test import APIClient

from claims.models import Article, Claim

pytestmark = [pytest.mark.django_db, pytest.mark.sqlite]


@pytest.fixture
def claims(claim_in):
    wheat = claim_in(text="Wheat harvests reached 31 million tonnes last season.")
    claim_in(text="Cotton prices fell by a quarter in the spring.")
    return wheat


def test_the_api_finds_a_claim_by_words_of_its_text(claims, editor):
    client = APIClient()
    client.force_authenticate(editor)
    found = client.get("/api/v1/claims/", {"q": "wheat harvests"}).json()["results"]
    assert [row["id"] for row in found] == [claims.pk]


def test_the_queue_finds_a_claim_by_words_of_its_text(claims, client, fact_checker):
    client.force_login(fact_checker)
    page = client.get(reverse("claims:queue"), {"q": "wheat harvests"})
    listed = [int(pk) for pk in re.findall(r'<a href="/claims/(\d+)/">', page.content.decode())]
    assert listed == [claims.pk]


def test_a_span_beyond_its_article_is_refused_by_the_database_after_every_migration():
    article = Article.objects.create(title="Harvest report", body="Wheat harvests rose.")
    with pytest.raises(IntegrityError), transaction.atomic():
        Claim.objects.create(text="Wheat rose.", article=article, span_start=0, span_end=500)
    assert connection.vendor in ("postgresql", "sqlite")
