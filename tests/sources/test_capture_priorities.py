"""Fair queues: a capture a person asked for is taken before a batch queued earlier (manage.py
capture -i), on the HTTP queue and on the capture-browser queue, by a real worker."""

from __future__ import annotations

import pytest

from sources import priorities
from sources.browser.capture import browser_capture_request
from sources.models import Capture
from sources.normalise import normalise_url
from sources.services import capture_request, capture_request_many, source_for_url
from tests.sources.httpserver import HTTPTestServer, Reply
from tests.support.worker import celery_worker, flush_broker, settled

pytestmark = [pytest.mark.worker, pytest.mark.django_db(transaction=True)]

HTML = [("Content-Type", "text/html; charset=utf-8")]


def sources_at(server: HTTPTestServer, names: list[str]):
    for name in names:
        server.route(
            f"/{name}",
            Reply(body=b"<html><body><p>Page %s.</p></body></html>" % name.encode(), headers=HTML),
        )
    return [source_for_url(normalise_url(server.url(f"/{name}")))[0] for name in names]


def test_a_persons_capture_goes_before_an_earlier_batch_on_both_queues(fact_checker):
    flush_broker()
    with HTTPTestServer() as server:
        batch = capture_request_many(
            sources=sources_at(server, ["b1", "b2", "b3", "b4"]),
            system_actor="operator-cli",
            batch=True,
        )
        (wanted,) = sources_at(server, ["wanted"])
        person = capture_request(actor=fact_checker, source=wanted)
        browser_batch = [
            browser_capture_request(
                source=source, system_actor="operator-cli", priority=priorities.BATCH
            )
            for source in sources_at(server, ["v1", "v2"])
        ]
        browser_person = browser_capture_request(actor=fact_checker, source=wanted)
        # One worker, one task at a time, started after everything is queued.
        env = {
            "BROWSER_CAPTURE_AFTER_HTTP": "0",
            "BROWSER_LOAD_TIMEOUT": "5",
            "BROWSER_CAPTURE_TIMEOUT": "10",
        }
        with celery_worker(concurrency=1, env=env, queues="celery,capture-browser"):
            done = [settled(c, timeout=90) for c in [*batch, person, *browser_batch]]
            done.append(settled(browser_person, timeout=90))
    started = {capture.pk: capture.started_at for capture in done}
    assert all(capture.state == "archived" for capture in done), [c.failure_reason for c in done]
    assert all(started[person.pk] < started[c.pk] for c in batch)
    assert all(started[browser_person.pk] < started[c.pk] for c in browser_batch)
    assert Capture.objects.count() == 8
