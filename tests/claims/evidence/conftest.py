"""Fixtures for evidence matching: pages served from 127.0.0.1 and archived by the real capture
service, claims with figures and periods, and the claims app's factories."""

from __future__ import annotations

import datetime as dt
import html
import itertools
from collections.abc import Callable
from decimal import Decimal

import pytest
from django.utils import timezone

from claims.evidence.models import EvidenceSuggestion
from claims.evidence.services import source_link
from claims.models import Claim, ClaimState, VerdictVersion
from claims.services import claim_create
from sources.models import Capture, CaptureState
from sources.services import capture_perform, capture_request
from tests.sources.httpserver import HTTPTestServer, Reply

HTML = [("Content-Type", "text/html; charset=utf-8")]
_paths = itertools.count(1)


def page(*paragraphs: str, title: str = "Customs and port report") -> bytes:
    """An HTML page with a heading and the given paragraphs (escaped) in an <article>."""
    body = "".join(f"<p>{html.escape(p)}</p>\n" for p in paragraphs)
    return (
        f"<html><head><title>{html.escape(title)}</title></head><body><article>"
        f"<h1>{html.escape(title)}</h1>\n{body}</article></body></html>"
    ).encode()


@pytest.fixture
def server(settings):
    """A local HTTP server the fetcher may reach (loopback is allowed for tests only)."""
    settings.FETCH_ALLOW_PRIVATE = True
    with HTTPTestServer() as running:
        yield running


@pytest.fixture
def make_claim(db) -> Callable[..., Claim]:
    """make_claim(text, value=..., qualifier=..., unit=..., scale=..., period=(start, end,
    precision)) -> a claim in state new, made through the claims service."""

    def make(
        text: str,
        *,
        value: str | None = None,
        qualifier: str = "",
        unit: str = "",
        scale: str = "",  # noqa: F811 - the claim field, not the fixture
        period: tuple[dt.date, dt.date, str] | None = None,
        kind: str = "quantity",
    ) -> Claim:
        start, end, precision = period or (None, None, "")
        return claim_create(
            system_actor="test-setup",
            text=text,
            kind=kind if value is not None else "date_event",
            value=Decimal(value) if value is not None else None,
            qualifier=qualifier if value is not None else "",
            unit=unit,
            scale=scale,
            period_start=start,
            period_end=end,
            date_precision=precision,
        )

    return make


@pytest.fixture
def archive(server, fact_checker) -> Callable[..., Capture]:
    """archive(claim, *paragraphs) -> the archived capture of a new page linked to the claim.

    The page is served from 127.0.0.1 and fetched, written to a WARC, hashed and extracted by
    the real capture service (capture_perform), exactly as a worker would.
    """

    def run(claim: Claim, *paragraphs: str, body: bytes | None = None) -> Capture:
        path = f"/report-{next(_paths)}"
        server.route(path, Reply(body=body or page(*paragraphs), headers=HTML))
        evidence = source_link(actor=fact_checker, claim=claim, url=server.url(path))
        capture = evidence.source.captures.get()
        outcome = capture_perform(capture_id=capture.pk)
        assert outcome.state == CaptureState.ARCHIVED, outcome.detail
        capture.refresh_from_db()
        return capture

    return run


@pytest.fixture
def recapture(fact_checker, server) -> Callable[..., Capture]:
    """recapture(capture, *paragraphs) -> a new archived capture of the same source; given
    paragraphs, the source's URL answers with a page of them from now on."""

    def run(capture: Capture, *paragraphs: str) -> Capture:
        if paragraphs:
            path = capture.source.url.removeprefix(server.base_url)
            server.route(path, Reply(body=page(*paragraphs), headers=HTML))
        again = capture_request(actor=fact_checker, source=capture.source)
        outcome = capture_perform(capture_id=again.pk)
        assert outcome.state == CaptureState.ARCHIVED, outcome.detail
        again.refresh_from_db()
        return again

    return run


@pytest.fixture
def publish(make_user, scale):
    """publish(claim, evidence=[...]) -> the claim published with a verdict resting on them.

    Set up directly (as tests/support/fixtures.py's claim_in does), so that the tests here
    exercise matching and re-checks, not the editorial workflow.
    """
    from factcheck.roles import EDITOR

    def run(claim: Claim, evidence=()) -> Claim:
        now = timezone.now()
        verdict = VerdictVersion.objects.create(
            claim=claim,
            number=1,
            rating=scale("true"),
            conclusion="True: the customs figures agree.",
            explanation="The archived report gives the same figure.",
            approved_by=make_user(EDITOR),
            approved_at=now,
            published_at=now,
        )
        verdict.evidence.set(evidence)
        Claim.objects.filter(pk=claim.pk).update(
            state=ClaimState.PUBLISHED, published_at=now, rating=scale("true")
        )
        claim.refresh_from_db()
        return claim

    return run


def assert_offsets(suggestions) -> None:
    """Every suggestion's passage is the exact slice of its capture's text, and its highlight
    lies inside the passage."""
    for suggestion in suggestions:
        text = Capture.objects.get(pk=suggestion.capture_id).text
        assert text[suggestion.passage_start : suggestion.passage_end] == suggestion.passage_text
        assert 0 <= suggestion.figure_start < suggestion.figure_end <= len(suggestion.passage_text)


def suggestions_for(claim: Claim) -> list[EvidenceSuggestion]:
    rows = list(EvidenceSuggestion.objects.filter(claim=claim).order_by("-score", "passage_start"))
    assert_offsets(rows)
    return rows
