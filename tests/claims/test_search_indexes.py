"""Search and prior checks use their indexes on PostgreSQL; the indexed expressions hold."""

from __future__ import annotations

import importlib
import random

import pytest
from django.db import connection

from claims import search
from claims.models import Article, Claim
from sources.models import Capture, CaptureState, Source

# The suite runs on PostgreSQL (the README's test command); these indexes exist only there.
pytestmark = [pytest.mark.django_db]


_WORDS = (
    "port ship rail border trade export import ministry report tonne rocket shell drone price "
    "grain oil coal steel budget vote court police weather harbour truck crane customs"
)
WORDS = _WORDS.split()
GIN_INDEXES = (
    "claim_text_search_idx",
    "article_search_document_idx",
    "capture_search_document_idx",
)


@pytest.fixture
def no_seqscan(db):
    """Tables with a few thousand rows of varied text, fresh statistics, and a sequential scan
    made to look ruinous: the plan then shows which index PostgreSQL would serve a query with."""
    rng = random.Random(8)

    def text(n: int) -> str:
        return " ".join(rng.choice(WORDS) for _ in range(n))

    Claim.objects.bulk_create(Claim(text=f"{text(12)} in {2000 + i % 25}.") for i in range(3000))
    Article.objects.bulk_create(
        Article(title=text(5), body=text(200), content_hash=f"{i:064x}") for i in range(300)
    )
    sources = Source.objects.bulk_create(Source(url=f"https://example.org/{i}") for i in range(300))
    Capture.objects.bulk_create(
        Capture(source=s, state=CaptureState.ARCHIVED, sha256="d" * 64, text=text(300))
        for s in sources
    )
    with connection.cursor() as cursor:
        # Rows just written wait in each GIN index's pending list, which the planner prices as
        # a slow scan; flush them into the index proper, as autovacuum would.
        for index in GIN_INDEXES:
            cursor.execute("SELECT gin_clean_pending_list(%s::regclass)", [index])
        cursor.execute("ANALYZE claims_claim, claims_article, sources_capture")
        cursor.execute("SET LOCAL enable_seqscan = off")


@pytest.mark.parametrize(
    ("queryset", "index"),
    [
        (lambda: search.claim_matches("containers"), "claim_text_search_idx"),
        (lambda: search.article_matches("containers"), "article_search_document_idx"),
        (lambda: search.capture_matches("containers"), "capture_search_document_idx"),
        (
            lambda: search.claim_matches('"North Korea" -Russia containers'),
            "claim_text_search_idx",
        ),
    ],
    ids=["claims", "articles", "captures", "claims-websearch-syntax"],
)
def test_full_text_search_uses_its_gin_index(no_seqscan, queryset, index):
    plan = queryset()[:10].explain()
    assert f"Bitmap Index Scan on {index}" in plan, plan


def test_prior_checks_draw_candidates_through_the_full_text_index(no_seqscan):
    claim = Claim.objects.create(text="North Korea sent more than 1,000 containers to Russia.")
    plan = search.prior_checks_queryset(claim)[:5].explain()
    assert "Bitmap Index Scan on claim_text_search_idx" in plan, plan
    assert "similarity(" in plan  # scored by pg_trgm, on the candidates only


def test_the_stored_documents_cover_the_prefixes_search_uses():
    migration = importlib.import_module("sources.migrations.0002_evidence_matching_search")
    assert migration.CAPTURE_SEARCH_CHARS == search.CAPTURE_SEARCH_CHARS
    assert migration.ARTICLE_SEARCH_CHARS == search.ARTICLE_SEARCH_CHARS


def test_a_capture_too_long_for_one_tsvector_is_still_saved_and_found():
    """A tsvector may not exceed 1 MB: the stored document is of a prefix, so archiving a long
    text never fails."""
    words = " ".join(f"w{n:07d}x" for n in range(400_000))  # 4 MB of distinct words
    source = Source.objects.create(url="https://example.org/huge")
    capture = Capture.objects.create(
        source=source,
        state=CaptureState.ARCHIVED,
        sha256="c" * 64,
        text=f"Containers at the start. {words}",
    )
    assert list(search.capture_matches("containers")) == [capture]


def test_an_article_too_long_for_one_tsvector_is_still_saved_and_found():
    words = " ".join(f"w{n:07d}x" for n in range(120_000))  # the 1M characters an import allows
    article = Article.objects.create(
        title="Containers", body=f"Rail containers. {words}", content_hash="e" * 64
    )
    assert list(search.article_matches("rail")) == [article]


def test_the_stored_documents_work_inside_a_subquery():
    """The column is named on the query's own alias, so other code may nest these querysets."""
    source = Source.objects.create(url="https://example.org/nested")
    capture = Capture.objects.create(
        source=source, state=CaptureState.ARCHIVED, sha256="f" * 64, text="Containers at Rajin."
    )
    nested = Capture.objects.filter(pk__in=search.capture_matches("container").values("pk"))
    assert list(nested) == [capture]
