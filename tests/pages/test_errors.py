"""The error pages are the app's own: 404, 403 and 500 in its style, without leaking details."""

from __future__ import annotations

from django.test import RequestFactory

from factcheck.views import server_error


def test_the_404_page_is_the_apps_own(client_for, fact_checker):
    response = client_for(fact_checker).get("/no/such/page/")
    assert response.status_code == 404
    page = response.content.decode()
    assert "This page does not exist" in page
    assert "/no/such/page/" in page
    assert "desk.css" in page and "Back to the desk" in page
    assert client_for(fact_checker).get("/claims/999999/").status_code == 404


def test_the_500_page_renders_without_the_database_or_a_request_context(db):
    response = server_error(RequestFactory().get("/"))
    assert response.status_code == 500
    page = response.content.decode()
    assert "Something went wrong on our side" in page
    assert "Traceback" not in page
