"""Cursor pagination: pages follow `next`, orderings hold, bad cursors and sizes are 400s."""

from __future__ import annotations

import pytest

from claims.models import ClaimState


@pytest.fixture
def seven(claim_in):
    return [claim_in(ClaimState.NEW, text=f"Claim {n}") for n in range(7)]


def _walk(client, url):
    ids, pages = [], 0
    while url:
        body = client.get(url).json()
        ids += [row["id"] for row in body["results"]]
        url, pages = body["next"], pages + 1
    return ids, pages


@pytest.mark.parametrize(
    ("ordering", "key"),
    [
        ("-updated_at", lambda c: (c.updated_at, c.pk)),
        ("updated_at", lambda c: (c.updated_at, c.pk)),
        ("-id", lambda c: c.pk),
        ("created_at", lambda c: (c.created_at, c.pk)),
    ],
)
def test_following_next_visits_every_claim_once_in_order(editor_client, seven, ordering, key):
    ids, pages = _walk(editor_client, f"/api/v1/claims/?page_size=3&ordering={ordering}")
    expected = [c.pk for c in sorted(seven, key=key, reverse=ordering.startswith("-"))]
    assert ids == expected and pages == 3


def test_a_page_is_the_default_size_without_page_size(editor_client, seven, settings):
    settings.API_PAGE_SIZE = 5
    body = editor_client.get("/api/v1/claims/").json()
    assert len(body["results"]) == 5 and body["next"]


@pytest.mark.parametrize("size", ["0", "201", "-1", "ten", "3.5"])
def test_a_page_size_out_of_bounds_is_a_400(editor_client, size):
    response = editor_client.get(f"/api/v1/claims/?page_size={size}")
    assert response.status_code == 400
    assert response.json()["error"]["fields"] == {"page_size": ["a whole number from 1 to 200"]}


@pytest.mark.parametrize(
    "cursor",
    ["garbage", "bm90IGpzb24", "WyItdXBkYXRlZF9hdCIsIm5vdCBhIGRhdGUiLDFd", "W10"],
)
def test_a_bad_cursor_is_a_400(editor_client, seven, cursor):
    response = editor_client.get(f"/api/v1/claims/?cursor={cursor}")
    assert response.status_code == 400
    assert "cursor" in response.json()["error"]["fields"]


def test_a_cursor_from_another_ordering_is_a_400(editor_client, seven):
    next_link = editor_client.get("/api/v1/claims/?page_size=2&ordering=id").json()["next"]
    cursor = next_link.split("cursor=")[1].split("&")[0]
    response = editor_client.get(f"/api/v1/claims/?page_size=2&ordering=-id&cursor={cursor}")
    assert response.status_code == 400
    assert "ordering" in response.json()["error"]["fields"]["cursor"][0]
