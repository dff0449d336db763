"""With SOURCE_LINK_RESOLVE (production), a URL whose host the fetcher would refuse is refused
when it is linked: on the page, in the API and from the service, and nothing is saved."""

from __future__ import annotations

import pytest
from rest_framework.test import APIClient

from claims.evidence.models import Evidence
from claims.evidence.services import source_link
from claims.models import Article, Claim
from claims.services.importing import article_import_url
from factcheck.errors import DomainError
from factcheck.models import AuditEvent
from sources.models import Capture, CaptureState, Source
from tests.sources.httpserver import HTTPTestServer, Reply

pytestmark = pytest.mark.django_db


@pytest.fixture
def claim():
    return Claim.objects.create(text="The customs office cleared 9,800 lorries in May.")


@pytest.fixture
def production_linking(settings):
    settings.SOURCE_LINK_RESOLVE = True  # on by default in production mode
    settings.FETCH_ALLOW_PRIVATE = False  # what production enforces
    return settings


@pytest.fixture
def listener():
    with HTTPTestServer() as server:
        server.route("/", Reply(body=b"internal page"))
        yield server


def nothing_saved() -> bool:
    return not (Source.objects.exists() or Evidence.objects.exists() or Capture.objects.exists())


@pytest.mark.parametrize(
    ("host", "why"),
    [
        ("127.0.0.1", "loopback"),
        ("2130706433", "loopback"),  # 127.0.0.1 as one decimal number
        ("localhost", "loopback"),  # a name that resolves to a refused address
        ("[::1]", "loopback"),
    ],
)
def test_a_url_resolving_to_a_refused_address_is_refused_at_link_time(
    production_linking, listener, claim, fact_checker, host, why
):
    url = listener.url("/").replace("127.0.0.1", host)
    with pytest.raises(DomainError, match=f"cannot be archived: .*{why}") as refused:
        source_link(actor=fact_checker, claim=claim, url=url)
    assert why in refused.value.fields["url"][0]
    assert nothing_saved()
    assert not AuditEvent.objects.filter(object_type__startswith="sources.").exists()
    assert listener.connections == 0  # resolved and checked, never connected to


def test_the_claim_page_shows_the_refusal(
    production_linking, listener, claim, fact_checker, client
):
    client.force_login(fact_checker)
    posted = client.post(f"/claims/{claim.pk}/sources/", {"url": listener.url("/")}, follow=True)
    assert posted.status_code == 200
    page = posted.content.decode()
    assert "This URL cannot be archived: 127.0.0.1 is not a public address: loopback" in page
    assert "its capture is queued" not in page
    assert nothing_saved()


def test_the_api_answers_400_with_the_reason(production_linking, listener, claim, fact_checker):
    api = APIClient()
    api.force_authenticate(fact_checker)
    answer = api.post(
        f"/api/v1/claims/{claim.pk}/sources/", {"url": listener.url("/")}, format="json"
    )
    assert answer.status_code == 400
    assert "loopback" in answer.content.decode()
    assert nothing_saved()


def test_a_host_that_does_not_resolve_is_linked_and_left_to_the_capture(
    production_linking, claim, fact_checker
):
    # DNS failure is no proof of a refused address: the capture retries and reports it.
    evidence = source_link(actor=fact_checker, claim=claim, url="http://no-such-host.invalid/x")
    assert evidence.source.captures.get().state == CaptureState.QUEUED


def test_development_settings_that_allow_private_targets_still_link_them(
    production_linking, listener, claim, fact_checker
):
    production_linking.FETCH_ALLOW_PRIVATE = True
    evidence = source_link(actor=fact_checker, claim=claim, url=listener.url("/"))
    assert evidence.source.captures.get().state == CaptureState.QUEUED


def test_multicast_is_refused_even_where_private_targets_are_allowed(
    production_linking, claim, fact_checker
):
    production_linking.FETCH_ALLOW_PRIVATE = True
    with pytest.raises(DomainError, match="multicast"):
        source_link(actor=fact_checker, claim=claim, url="http://224.0.0.1/")
    assert nothing_saved()


def test_an_article_imported_from_such_a_url_is_refused_too(
    production_linking, listener, fact_checker
):
    with pytest.raises(DomainError, match="loopback"):
        article_import_url(actor=fact_checker, url=listener.url("/story"))
    assert not Article.objects.exists()
    assert nothing_saved()
