"""Celery's time limit on a capture, with the prefork pool production runs (docker-compose.yml).

The fetcher's own deadline normally ends a slow fetch first; the task's time limit is the second
line, for a run that overstays for any other reason. Here the fetcher is given 30 s and the task
2 s, so the limit is what stops a server that drips its page.
"""

from __future__ import annotations

import pytest

from sources.models import Capture, CaptureState
from tests.sources.httpserver import HTTPTestServer, Reply
from tests.support.worker import capture_command, celery_worker, flush_broker

pytestmark = [pytest.mark.worker, pytest.mark.django_db(transaction=True)]

HTML = [("Content-Type", "text/html; charset=utf-8")]
LIMITS = {
    "FETCH_TOTAL_TIMEOUT": "30",
    "CAPTURE_SOFT_TIME_LIMIT": "2",
    "CAPTURE_HARD_TIME_LIMIT": "6",
    "CAPTURE_MAX_ATTEMPTS": "1",
}


@pytest.fixture(scope="module")
def prefork_worker(django_db_setup, django_db_blocker):
    flush_broker()
    with celery_worker(pool="prefork", concurrency=1, env=LIMITS) as running:
        yield running


def _capture(url: str) -> dict:
    return capture_command(url, LIMITS)


def test_a_capture_past_its_time_limit_fails_and_the_worker_goes_on(prefork_worker):
    with HTTPTestServer() as server:
        server.route("/slow", Reply(body=b"x" * 200, headers=HTML, drip_interval=0.5))
        server.route("/quick", Reply(body=b"<title>Quick</title><p>1,000 boxes</p>", headers=HTML))
        slow = _capture(server.url("/slow"))
        log = "".join(prefork_worker.log[-30:])
        assert slow["state"] == CaptureState.FAILED, log
        assert "ran past its time limit" in slow["reason"], log
        assert "gave up after 1 attempts" in slow["reason"]
        assert slow["warc"] is None and slow["sha256"] == ""
        # Stopped by the 2 s limit, well before the fetcher's own 30 s deadline.
        capture = Capture.objects.get(pk=slow["capture"])
        assert (capture.finished_at - capture.started_at).total_seconds() < 15

        # The same worker archives the next page as usual.
        quick = _capture(server.url("/quick"))
        assert quick["state"] == CaptureState.ARCHIVED and quick["title"] == "Quick"
    assert prefork_worker.alive
    assert "Soft time limit (2s) exceeded for sources.capture" in "".join(prefork_worker.log)
