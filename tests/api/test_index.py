"""GET /api/ tells a newcomer what the API offers, how to authenticate and where the docs are."""

from __future__ import annotations

import pytest

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("path", ["/api/", "/api/v1/"])
def test_the_api_root_lists_its_entry_points_and_links_the_docs(client_for, path):
    response = client_for("anonymous").get(path)
    assert response.status_code == 200
    body = response.json()
    assert body["docs"] == "http://testserver/api/docs/"
    assert body["schema"] == "http://testserver/api/schema/"
    assert "manage.py api_token create" in body["authentication"]
    names = [entry["name"] for entry in body["entry_points"]]
    assert names[:3] == ["claims", "claimreview", "rating-scale"]
    assert "http://testserver/api/v1/claims/" in [e["url"] for e in body["entry_points"]]


def test_every_listed_entry_point_and_the_docs_answer(client_for):
    editor = client_for("editor")
    body = editor.get("/api/").json()
    for url in [body["docs"], body["schema"], *(e["url"] for e in body["entry_points"])]:
        assert editor.get(url).status_code == 200, url
