"""The polled 304 answered early (api.polling): the answer, headers and rules of the full path."""

from __future__ import annotations

import pytest
from django.core.cache import cache
from rest_framework.test import APIClient

from api.models import ApiToken
from api.services import api_token_revoke
from claims.models import ClaimState
from claims.services import claim_start_research, verdict_correct

STATUS = "/api/v1/claims/{}/status/"


def _bearer(raw: str) -> APIClient:
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Bearer {raw}")
    return client


@pytest.fixture
def published(claim_in):
    return claim_in(ClaimState.PUBLISHED)


@pytest.fixture
def fresh_budgets(db):
    """Throttle windows are counted in Redis; start these tests with none."""
    cache.clear()


@pytest.mark.parametrize(
    "path", [STATUS, "/api/v1/claims/", "/api/v1/claims/{}/claimreview/", "/api/v1/claimreview/"]
)
def test_the_early_304_carries_the_headers_of_the_304_drf_answers(
    published, editor, token_for, django_assert_num_queries, path, clock
):
    url = path.format(published.pk)
    by_session = APIClient()
    by_session.force_login(editor)  # a session is answered by DRF, as before
    by_token = _bearer(token_for(editor))
    clock.advance(1.05)  # Last-Modified is sent once the second of the last write is over
    first = by_token.get(url)
    etag = first["ETag"]
    assert first.status_code == 200 and by_session.get(url)["ETag"] == etag  # one user, one tag
    by_token.get(url, HTTP_IF_NONE_MATCH=etag)  # this process now knows the token

    with django_assert_num_queries(0):
        early = by_token.get(url, HTTP_IF_NONE_MATCH=etag)
    full = by_session.get(url, HTTP_IF_NONE_MATCH=etag)

    assert early.status_code == full.status_code == 304 and early.content == b""
    # CommonMiddleware, which the early answer skips, adds "Content-Length: 0" to the other one:
    # a 304 must not state a length other than the 200's (RFC 9110, 8.6), so none is better.
    assert "Content-Length" not in early
    # Each response names its own request (factcheck.request_id), the early one too.
    assert early["X-Request-ID"] != full["X-Request-ID"]
    own = {"Content-Length", "X-Request-ID"}
    assert {k: v for k, v in early.headers.items() if k != "X-Request-ID"} == {
        k: v for k, v in full.headers.items() if k not in own
    }
    for header in ("ETag", "Last-Modified", "Cache-Control", "Vary"):
        assert early[header] == first[header]
    assert early["Vary"] == "Authorization, Cookie"
    assert early["Cache-Control"] == "private, no-cache"


def test_a_verdict_correction_turns_the_poll_into_a_fresh_200(client_for, published, scale):
    consumer, editor = client_for("consumer"), client_for("editor")
    url = STATUS.format(published.pk)
    before = consumer.get(url)
    etag = before["ETag"]
    assert consumer.get(url, HTTP_IF_NONE_MATCH=etag).status_code == 304

    verdict_correct(
        actor=editor.user,
        claim=published,
        expected_version=published.version,
        rating=scale("mostly-true"),
        conclusion="Mostly true after all.",
        explanation="The revised customs figures show a rise.",
        correction_note="We misread the customs table.",
    )
    fresh = consumer.get(url, HTTP_IF_NONE_MATCH=etag)
    assert fresh.status_code == 200 and fresh["ETag"] != etag
    assert fresh.json()["rating"]["slug"] == "mostly-true"
    assert fresh.json()["version"] == before.json()["version"] + 1
    assert consumer.get(url, HTTP_IF_NONE_MATCH=fresh["ETag"]).status_code == 304


def test_a_state_change_turns_the_poll_into_a_fresh_200(editor_client, claim_in):
    claim = claim_in(ClaimState.NEW)
    url = STATUS.format(claim.pk)
    etag = editor_client.get(url)["ETag"]
    assert editor_client.get(url, HTTP_IF_NONE_MATCH=etag).status_code == 304

    claim_start_research(actor=editor_client.user, claim=claim, expected_version=claim.version)
    fresh = editor_client.get(url, HTTP_IF_NONE_MATCH=etag)
    assert fresh.status_code == 200 and fresh.json()["state"] == "researching"


def test_a_revoked_token_is_401_not_304(consumer, token_for, published):
    raw = token_for(consumer)
    client = _bearer(raw)
    url = STATUS.format(published.pk)
    etag = client.get(url)["ETag"]
    assert client.get(url, HTTP_IF_NONE_MATCH=etag).status_code == 304  # the process knows it

    api_token_revoke(token=ApiToken.objects.get(owner=consumer), system_actor="test")
    response = client.get(url, HTTP_IF_NONE_MATCH=etag)
    assert response.status_code == 401
    assert response.json()["error"]["code"] == "not_authenticated"
    assert response["WWW-Authenticate"] == 'Bearer realm="api"'


def test_a_revoked_token_is_401_even_with_the_current_etag_of_its_owner(
    consumer, token_for, published
):
    """ETags are per user: the owner's other token is shown the same one."""
    revoked, other = _bearer(token_for(consumer, "old")), _bearer(token_for(consumer, "new"))
    url = STATUS.format(published.pk)
    etag = revoked.get(url)["ETag"]
    assert revoked.get(url, HTTP_IF_NONE_MATCH=etag).status_code == 304  # the process knows it

    api_token_revoke(token=ApiToken.objects.get(name="old"), system_actor="test")
    current = other.get(url)["ETag"]
    assert other.get(url, HTTP_IF_NONE_MATCH=current).status_code == 304
    assert revoked.get(url, HTTP_IF_NONE_MATCH=current).status_code == 401


def test_an_inactive_owner_s_token_is_401_not_304(consumer, token_for, published):
    client = _bearer(token_for(consumer))
    url = STATUS.format(published.pk)
    etag = client.get(url)["ETag"]
    assert client.get(url, HTTP_IF_NONE_MATCH=etag).status_code == 304

    consumer.is_active = False
    consumer.save(update_fields=["is_active"])
    assert client.get(url, HTTP_IF_NONE_MATCH=etag).status_code == 401


@pytest.mark.parametrize(
    "authorization",
    ["Bearer fcd_not-a-token", "Bearer two parts", "Bearer", "Bearer caf\u00e9"],
)
def test_an_unknown_or_malformed_token_is_401_even_with_a_current_etag(
    client_for, published, authorization
):
    url = STATUS.format(published.pk)
    anonymous_etag = client_for("anonymous").get(url)["ETag"]
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=authorization)
    response = client.get(url, HTTP_IF_NONE_MATCH=anonymous_etag)
    assert response.status_code == 401
    assert response.json()["error"]["code"] == "not_authenticated"


def test_early_304s_count_against_a_token_s_budget(settings, client_for, published, fresh_budgets):
    settings.API_THROTTLE_RATES = {"anonymous": "100/minute", "authenticated": "3/minute"}
    client = client_for("consumer")
    url = STATUS.format(published.pk)
    etag = client.get(url)["ETag"]
    statuses = [client.get(url, HTTP_IF_NONE_MATCH=etag).status_code for _ in range(3)]
    assert statuses == [304, 304, 429]
    throttled = client.get(url, HTTP_IF_NONE_MATCH=etag)
    assert throttled.json()["error"]["code"] == "throttled"
    assert 1 <= int(throttled["Retry-After"]) <= 60


def test_early_304s_count_against_an_address_s_budget(settings, published, fresh_budgets):
    settings.API_THROTTLE_RATES = {"anonymous": "2/minute", "authenticated": "100/minute"}
    client = APIClient(REMOTE_ADDR="10.20.30.40")
    url = STATUS.format(published.pk)
    etag = client.get(url)["ETag"]
    assert client.get(url, HTTP_IF_NONE_MATCH=etag).status_code == 304
    throttled = client.get(url, HTTP_IF_NONE_MATCH=etag)
    assert throttled.status_code == 429 and throttled["Retry-After"].isdigit()
    assert APIClient(REMOTE_ADDR="10.20.30.41").get(url).status_code == 200


def test_a_poll_left_to_drf_is_counted_once(settings, client_for, published, fresh_budgets):
    settings.API_THROTTLE_RATES = {"anonymous": "100/minute", "authenticated": "2/minute"}
    client = client_for("consumer")
    url = STATUS.format(published.pk)
    assert client.get(url).status_code == 200
    stale = client.get(url, HTTP_IF_NONE_MATCH='"0123456789abcdef0123456789abcdef"')
    assert stale.status_code == 200  # counted before DRF's dispatch, not again inside it
    assert client.get(url).status_code == 429


def test_polling_costs_no_query_once_the_process_knows_the_token(
    client_for, published, django_assert_num_queries
):
    url = STATUS.format(published.pk)
    consumer = client_for("consumer")
    etag = consumer.get(url)["ETag"]
    with django_assert_num_queries(1):  # the token with its owner, read once per data version
        assert consumer.get(url, HTTP_IF_NONE_MATCH=etag).status_code == 304
    with django_assert_num_queries(0):
        assert consumer.get(url, HTTP_IF_NONE_MATCH=etag).status_code == 304

    anonymous = client_for("anonymous")
    etag = anonymous.get(url)["ETag"]
    with django_assert_num_queries(0):
        assert anonymous.get(url, HTTP_IF_NONE_MATCH=etag).status_code == 304
