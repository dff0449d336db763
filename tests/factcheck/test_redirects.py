"""After a POST the desk goes back only to its own pages: a `next` elsewhere is ignored."""

from __future__ import annotations

import pytest
from django.http import HttpRequest

from claims.evidence.services import source_link
from claims.models import Claim
from sources.models import Capture
from tests.support.fixtures import PASSWORD

pytestmark = pytest.mark.django_db


@pytest.fixture
def source(fact_checker):
    claim = Claim.objects.create(text="Port arrivals rose by a fifth in the spring.")
    return source_link(actor=fact_checker, claim=claim, url="https://example.org/port").source


@pytest.fixture
def desk(client, fact_checker):
    client.login(request=HttpRequest(), username=fact_checker.username, password=PASSWORD)
    return client


@pytest.mark.parametrize(
    "hostile",
    [
        "https://evil.example/",
        "//evil.example/",
        "http://evil.example",
        "/\\evil.example/",
        "\\\\evil.example",
        "javascript:alert(1)",
        "https://testserver.evil.example/",
        " https://evil.example/",
    ],
)
def test_capture_again_never_redirects_off_the_site(desk, source, hostile):
    response = desk.post(f"/sources/{source.pk}/capture/", {"next": hostile})
    assert response.status_code == 302
    assert response["Location"] == "/"
    # The capture was still requested: only the redirect was refused.
    assert Capture.objects.filter(source=source).count() == 2


def test_capture_again_returns_to_the_desk_page_it_came_from(desk, source):
    response = desk.post(f"/sources/{source.pk}/capture/", {"next": "/claims/7/#sources"})
    assert response["Location"] == "/claims/7/#sources"


def test_login_ignores_a_next_on_another_site(client, fact_checker):
    response = client.post(
        "/accounts/login/?next=https://evil.example/",
        {"username": fact_checker.username, "password": PASSWORD, "next": "https://evil.example/"},
    )
    assert response.status_code == 302
    assert response["Location"] == "/"
