"""Capture.objects.latest_per_source(): each source's newest capture, the one way to ask."""

from __future__ import annotations

import datetime as dt

import pytest
from django.db.models import OuterRef, Subquery
from django.utils import timezone

from sources.models import Capture, CaptureState, Source

pytestmark = pytest.mark.django_db

T0 = timezone.now() - dt.timedelta(days=1)


def _capture(source: Source, minutes: int, state: str) -> Capture:
    capture = Capture.objects.create(
        source=source,
        state=state,
        sha256="c" * 64 if state == CaptureState.ARCHIVED else "",
        failure_reason="the server said 503" if state == CaptureState.FAILED else "",
    )
    Capture.objects.filter(pk=capture.pk).update(queued_at=T0 + dt.timedelta(minutes=minutes))
    return capture


@pytest.fixture
def history():
    port = Source.objects.create(url="https://port.example/report", domain="port.example")
    mint = Source.objects.create(url="https://mint.example/coins", domain="mint.example")
    return {
        "port_archived": _capture(port, 0, CaptureState.ARCHIVED),
        "port_failed": _capture(port, 10, CaptureState.FAILED),
        # Queued in the same instant as the failure: the later row is the newer one.
        "port_queued": _capture(port, 10, CaptureState.QUEUED),
        "mint_only": _capture(mint, 5, CaptureState.ARCHIVED),
        "port": port,
        "mint": mint,
    }


def test_each_source_gets_its_newest_capture(history, django_assert_num_queries):
    with django_assert_num_queries(1):
        latest = {c.source_id: c.pk for c in Capture.objects.latest_per_source()}
    assert latest == {
        history["port"].pk: history["port_queued"].pk,
        history["mint"].pk: history["mint_only"].pk,
    }


def test_among_narrows_what_counts_before_the_newest_is_taken(history):
    archived = Capture.objects.latest_per_source(state=CaptureState.ARCHIVED)
    assert sorted(archived.values_list("pk", flat=True)) == sorted(
        [history["port_archived"].pk, history["mint_only"].pk]
    )
    failing = Capture.objects.latest_per_source(state=CaptureState.FAILED)
    assert list(failing.values_list("pk", flat=True)) == [history["port_failed"].pk]


def test_it_chains_as_a_correlated_subquery(history):
    newest_state = Capture.objects.latest_per_source().filter(source_id=OuterRef("pk"))
    states = dict(
        Source.objects.annotate(state=Subquery(newest_state.values("state")[:1])).values_list(
            "url", "state"
        )
    )
    assert states == {
        "https://port.example/report": "queued",
        "https://mint.example/coins": "archived",
    }


def test_a_related_manager_asks_the_same_way(history):
    assert history["port"].captures.latest_per_source().get().pk == history["port_queued"].pk
