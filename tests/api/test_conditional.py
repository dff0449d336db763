"""Conditional GETs: 304 while nothing changed, a fresh 200 as soon as anything did."""

from __future__ import annotations

import time

import pytest
from django.utils.http import http_date

from claims.models import ClaimState
from claims.services import claim_start_research, claim_update


@pytest.fixture
def claim(claim_in):
    return claim_in(ClaimState.NEW)


@pytest.mark.parametrize("path", ["/api/v1/claims/", "/api/v1/claims/{}/status/"])
def test_a_matching_etag_is_a_304_and_a_change_makes_a_fresh_200(
    editor_client, claim, make_user, path
):
    url = path.format(claim.pk)
    first = editor_client.get(url)
    etag = first["ETag"]
    assert first.status_code == 200 and etag
    again = editor_client.get(url, HTTP_IF_NONE_MATCH=etag)
    assert again.status_code == 304 and again["ETag"] == etag and not again.content

    claim_start_research(actor=editor_client.user, claim=claim, expected_version=claim.version)
    fresh = editor_client.get(url, HTTP_IF_NONE_MATCH=etag)
    assert fresh.status_code == 200 and fresh["ETag"] != etag
    assert "researching" in fresh.content.decode()


def test_an_update_by_queryset_update_is_seen_too(editor_client, claim):
    """claim_update writes with UPDATE ... WHERE version = ?; its audit event moves the version."""
    etag = editor_client.get(f"/api/v1/claims/{claim.pk}/status/")["ETag"]
    claim_update(actor=editor_client.user, claim=claim, expected_version=1, text="Edited.")
    response = editor_client.get(f"/api/v1/claims/{claim.pk}/status/", HTTP_IF_NONE_MATCH=etag)
    assert response.status_code == 200 and response.json()["version"] == 2


def test_the_304_path_touches_no_database(editor_client, claim, django_assert_num_queries):
    editor_client.get("/api/v1/claims/")  # the token's last_used is written once a minute
    etag = editor_client.get(f"/api/v1/claims/{claim.pk}/status/")["ETag"]
    # One query authenticates the token (with its owner); none more.
    with django_assert_num_queries(1):
        response = editor_client.get(f"/api/v1/claims/{claim.pk}/status/", HTTP_IF_NONE_MATCH=etag)
    assert response.status_code == 304


def test_anonymous_polling_of_a_published_status_needs_no_query(
    client_for, claim_in, django_assert_num_queries
):
    published = claim_in(ClaimState.PUBLISHED)
    client = client_for("anonymous")
    etag = client.get(f"/api/v1/claims/{published.pk}/status/")["ETag"]
    with django_assert_num_queries(0):
        assert (
            client.get(
                f"/api/v1/claims/{published.pk}/status/", HTTP_IF_NONE_MATCH=etag
            ).status_code
            == 304
        )


def test_etags_differ_per_url_and_per_caller(client_for, claim_in):
    published = claim_in(ClaimState.PUBLISHED)
    anonymous, editor = client_for("anonymous"), client_for("editor")
    tags = {
        anonymous.get("/api/v1/claims/")["ETag"],
        anonymous.get("/api/v1/claims/?state=published")["ETag"],
        editor.get("/api/v1/claims/")["ETag"],
        anonymous.get(f"/api/v1/claims/{published.pk}/status/")["ETag"],
    }
    assert len(tags) == 4
    # A tag from another URL gets no 304.
    other = anonymous.get("/api/v1/claims/")["ETag"]
    assert (
        anonymous.get(
            f"/api/v1/claims/{published.pk}/status/", HTTP_IF_NONE_MATCH=other
        ).status_code
        == 200
    )


def test_last_modified_and_if_modified_since(client_for, claim_in, clock):
    published = claim_in(ClaimState.PUBLISHED)
    client = client_for("anonymous")
    clock.advance(1.05)  # Last-Modified is sent once the second of the last write is over
    first = client.get("/api/v1/claims/")
    last_modified = first["Last-Modified"]
    assert client.get("/api/v1/claims/", HTTP_IF_MODIFIED_SINCE=last_modified).status_code == 304
    published.save()  # a write to a claim the caller sees
    assert client.get("/api/v1/claims/", HTTP_IF_MODIFIED_SINCE=last_modified).status_code == 200
    assert (
        client.get(
            "/api/v1/claims/", HTTP_IF_MODIFIED_SINCE=http_date(time.time() - 3600)
        ).status_code
        == 200
    )
    assert published


def test_body_etags_on_details(editor_client, claim):
    url = f"/api/v1/claims/{claim.pk}/"
    etag = editor_client.get(url)["ETag"]
    assert editor_client.get(url, HTTP_IF_NONE_MATCH=etag).status_code == 304
    claim_update(actor=editor_client.user, claim=claim, expected_version=1, claimant="Someone")
    assert editor_client.get(url, HTTP_IF_NONE_MATCH=etag).status_code == 200


def test_a_new_public_url_turns_the_poll_into_a_fresh_200(client_for, claim_in, settings):
    published = claim_in(ClaimState.PUBLISHED)
    client = client_for("anonymous")
    url = f"/api/v1/claims/{published.pk}/status/"
    etag = client.get(url)["ETag"]
    assert client.get(url, HTTP_IF_NONE_MATCH=etag).status_code == 304

    # The data version lives in Redis and outlives the restart that a new setting needs.
    settings.FACTCHECK_PUBLIC_URL = "https://verdicts.example.net"
    fresh = client.get(url, HTTP_IF_NONE_MATCH=etag)
    assert fresh.status_code == 200
    assert fresh.json()["public_url"] == f"https://verdicts.example.net/verdicts/{published.pk}/"


@pytest.mark.parametrize("role", ["anonymous", "consumer"])
def test_a_new_release_turns_the_poll_into_a_fresh_200(client_for, claim_in, settings, role):
    published = claim_in(ClaimState.PUBLISHED)
    client = client_for(role)
    url = "/api/v1/claims/?state=published"
    settings.FACTCHECK_RELEASE = "2026.11.1"
    etag = client.get(url)["ETag"]
    assert client.get(url, HTTP_IF_NONE_MATCH=etag).status_code == 304
    # A deploy may change what a body looks like while no row changed: no old 304 after it.
    settings.FACTCHECK_RELEASE = "2026.11.2"
    fresh = client.get(url, HTTP_IF_NONE_MATCH=etag)
    assert fresh.status_code == 200
    assert [c["id"] for c in fresh.json()["results"]] == [published.pk]
    assert fresh["ETag"] != etag


def test_without_a_named_release_the_code_is_the_release(settings):
    from api.conditional import release

    settings.FACTCHECK_RELEASE = ""
    digest = release()
    assert len(digest) == 16 and set(digest) <= set("0123456789abcdef")
    settings.FACTCHECK_RELEASE = "abc123"
    assert release() == "abc123"


@pytest.mark.parametrize("role", ["anonymous", "consumer"])
@pytest.mark.parametrize("path", ["/api/v1/claims/{}/status/", "/api/v1/claims/{}/claimreview/"])
def test_a_hidden_claim_is_404_not_304_whatever_the_validators(client_for, claim_in, role, path):
    hidden = claim_in(ClaimState.RESEARCHING, verdict=True)
    url = path.format(hidden.pk)
    desk_etag = client_for("editor").get(url)["ETag"] if path.endswith("status/") else '"0123abcd"'
    client = client_for(role)
    for validators in (
        {"HTTP_IF_NONE_MATCH": "*"},
        {"HTTP_IF_NONE_MATCH": '"0123456789abcdef0123456789abcdef"'},
        {"HTTP_IF_NONE_MATCH": desk_etag},  # a real tag, but the desk's
        {"HTTP_IF_MODIFIED_SINCE": http_date(time.time() + 3600)},
    ):
        response = client.get(url, **validators)
        assert response.status_code == 404, validators
        assert response.json()["error"]["code"] == "not_found"


def test_a_visible_claim_answers_star_and_if_modified_since_with_a_304(client_for, claim_in, clock):
    published = claim_in(ClaimState.PUBLISHED)
    client = client_for("consumer")
    url = f"/api/v1/claims/{published.pk}/status/"
    assert client.get(url, HTTP_IF_NONE_MATCH="*").status_code == 304
    later = http_date(time.time() + 3600)
    clock.advance(1.05)  # Last-Modified is compared once the second of the last write is over
    assert client.get(url, HTTP_IF_MODIFIED_SINCE=later).status_code == 304
