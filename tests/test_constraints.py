"""Each database constraint refuses a bad row, whatever code tried to write it."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.db import IntegrityError, transaction

from claims.evidence.models import Evidence
from claims.models import Article, Claim, Rating, RatingScale, VerdictVersion
from factcheck.models import AuditEvent
from sources.models import Capture, Source

pytestmark = pytest.mark.django_db


@pytest.fixture
def article():
    return Article.objects.create(title="A", body="Exports rose 43% in 2022.", content_hash="h1")


@pytest.fixture
def claim(article):
    return Claim.objects.create(article=article, text="Exports rose 43% in 2022.")


def refused(factory) -> None:
    with pytest.raises(IntegrityError), transaction.atomic():
        factory()


def test_an_article_is_stored_once_per_content_hash(article):
    refused(lambda: Article.objects.create(title="again", body="x", content_hash="h1"))


def test_one_source_per_normalised_url():
    Source.objects.create(url="https://example.org/report")
    refused(lambda: Source.objects.create(url="https://example.org/report"))


def test_a_source_needs_a_url_or_an_uploaded_file():
    refused(lambda: Source.objects.create(url=""))


def test_one_rating_per_reviewer_per_claim(claim, fact_checker):
    scale = RatingScale.objects.get(slug="true")
    Rating.objects.create(claim=claim, reviewer=fact_checker, scale=scale, rationale="ok")
    refused(
        lambda: Rating.objects.create(
            claim=claim, reviewer=fact_checker, scale=scale, rationale="twice"
        )
    )


def test_a_rating_needs_a_rationale(claim, fact_checker):
    scale = RatingScale.objects.get(slug="true")
    refused(
        lambda: Rating.objects.create(claim=claim, reviewer=fact_checker, scale=scale, rationale="")
    )


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("state", "approved"),
        ("kind", "rumour"),
        ("qualifier", "roughly"),
        ("scale", "lakh"),
        ("date_precision", "week"),
    ],
)
def test_claim_choice_fields_are_checked(article, field, value):
    refused(lambda: Claim.objects.create(article=article, text="x", **{field: value}))


def test_claim_span_must_lie_within_its_article(article):
    refused(lambda: Claim.objects.create(article=article, text="x", span_start=0, span_end=9999))


def test_claim_span_is_checked_on_update_too(claim):
    claim.span_start, claim.span_end = 0, 5
    claim.save()
    claim.span_end = len(claim.article.body) + 1
    refused(claim.save)


def test_claim_span_must_not_be_empty_or_reversed(article):
    refused(lambda: Claim.objects.create(article=article, text="x", span_start=5, span_end=5))
    refused(lambda: Claim.objects.create(article=article, text="x", span_start=5, span_end=2))


def test_claim_span_needs_an_article():
    refused(lambda: Claim.objects.create(text="x", span_start=0, span_end=3))


def test_claim_period_is_ordered_and_has_a_precision(article):
    refused(
        lambda: Claim.objects.create(
            article=article,
            text="x",
            period_start=dt.date(2023, 5, 1),
            period_end=dt.date(2023, 4, 1),
            date_precision="day",
        )
    )
    refused(
        lambda: Claim.objects.create(
            article=article,
            text="x",
            period_start=dt.date(2023, 5, 1),
            period_end=dt.date(2023, 5, 1),
        )
    )


def test_claim_figure_needs_a_unit(article):
    refused(lambda: Claim.objects.create(article=article, text="x", value=Decimal("43")))


def test_published_claim_has_a_publication_time(article):
    refused(lambda: Claim.objects.create(article=article, text="x", state="published"))


def test_correction_versions_carry_a_public_note(claim, editor):
    scale = RatingScale.objects.get(slug="false")
    common = dict(
        claim=claim,
        rating=scale,
        conclusion="No.",
        explanation="Because.",
        approved_by=editor,
        approved_at=dt.datetime(2024, 1, 6, tzinfo=dt.UTC),
    )
    VerdictVersion.objects.create(number=1, **common)
    refused(lambda: VerdictVersion.objects.create(number=2, **common))
    refused(lambda: VerdictVersion.objects.create(number=1, correction_note="dup", **common))


def test_capture_state_is_checked_and_archived_needs_a_hash():
    source = Source.objects.create(url="https://example.org/a")
    refused(lambda: Capture.objects.create(source=source, state="lost"))
    refused(lambda: Capture.objects.create(source=source, state="archived"))
    refused(lambda: Capture.objects.create(source=source, state="failed"))


def test_evidence_passage_points_into_a_capture(claim):
    source = Source.objects.create(url="https://example.org/b")
    refused(
        lambda: Evidence.objects.create(claim=claim, source=source, passage_start=3, passage_end=9)
    )
    refused(lambda: Evidence.objects.create(claim=claim, source=source, relation="likes"))


def test_audit_event_needs_an_actor(claim):
    refused(
        lambda: AuditEvent.objects.create(action="x", object_type="claims.claim", object_id="1")
    )
