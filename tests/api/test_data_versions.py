"""Data versions per scope: desk activity that no consumer can see keeps consumers' polls at 304,
while the desk's own polls (and consumers', for what they see) turn into a fresh 200."""

from __future__ import annotations

import pytest
from django.http import HttpRequest
from django.test import Client

from claims.evidence.services import source_link
from claims.models import ClaimState
from claims.services.ratings import rating_submit
from sources.models import CaptureState
from sources.services import capture_perform
from tests.sources.httpserver import HTTPTestServer, Reply

STATUS = "/api/v1/claims/{}/status/"
PAGE = b"<html><body><p>Freight volumes at the inland port rose by a fifth last spring.</p>"


class Polls:
    """A published claim's status and the claims list, as a consumer token and an anonymous
    caller poll them with the ETags they last got."""

    def __init__(self, clients, urls):
        self.pairs = [(c, url) for c in clients for url in urls]
        self.rearm()

    def rearm(self) -> None:
        self.held = [(c, url, c.get(url)["ETag"]) for c, url in self.pairs]

    def answers(self) -> list[int]:
        return [c.get(url, HTTP_IF_NONE_MATCH=etag).status_code for c, url, etag in self.held]


@pytest.fixture
def published(claim_in):
    return claim_in(ClaimState.PUBLISHED)


@pytest.fixture
def polls(client_for, published):
    clients = [client_for(role) for role in ("anonymous", "consumer")]
    return Polls(clients, [STATUS.format(published.pk), "/api/v1/claims/"])


def test_a_desk_login_keeps_consumers_polls_at_304(polls, make_user):
    user = make_user("editor")
    user.set_password("a long enough passphrase")
    user.save()
    polls.rearm()  # a new account is a write every caller's trust depends on
    before = user.last_login
    assert Client().login(
        request=HttpRequest(), username=user.username, password="a long enough passphrase"
    )
    user.refresh_from_db()
    assert user.last_login != before  # the login was written
    assert polls.answers() == [304, 304, 304, 304]


def test_a_rating_of_an_unpublished_claim_keeps_consumers_polls_at_304_but_not_the_desk_s(
    polls, claim_in, make_user, client_for, scale
):
    researching = claim_in(ClaimState.RESEARCHING)
    desk = client_for("editor")
    desk_etag = desk.get(STATUS.format(researching.pk))["ETag"]
    reviewer = make_user("fact-checker")
    polls.rearm()
    rating_submit(
        actor=reviewer,
        claim=researching,
        scale=scale("false"),
        rationale="The port's own yearbook gives a smaller rise.",
    )
    assert polls.answers() == [304, 304, 304, 304]
    fresh = desk.get(STATUS.format(researching.pk), HTTP_IF_NONE_MATCH=desk_etag)
    assert fresh.status_code == 200


def test_a_capture_behind_no_published_claim_keeps_consumers_polls_at_304(
    polls, claim_in, fact_checker, settings
):
    settings.FETCH_ALLOW_PRIVATE = True
    researching = claim_in(ClaimState.RESEARCHING)
    polls.rearm()
    with HTTPTestServer() as origin:
        origin.route("/freight", Reply(body=PAGE, headers=[("Content-Type", "text/html")]))
        evidence = source_link(actor=fact_checker, claim=researching, url=origin.url("/freight"))
        capture = evidence.source.captures.get()
        assert capture_perform(capture_id=capture.pk).state == CaptureState.ARCHIVED
    assert polls.answers() == [304, 304, 304, 304]


def test_a_capture_behind_a_published_claim_turns_consumers_polls_into_a_fresh_200(
    polls, published, fact_checker, settings
):
    settings.FETCH_ALLOW_PRIVATE = True
    with HTTPTestServer() as origin:
        origin.route("/freight", Reply(body=PAGE, headers=[("Content-Type", "text/html")]))
        evidence = source_link(actor=fact_checker, claim=published, url=origin.url("/freight"))
        assert polls.answers() == [200, 200, 200, 200]  # the link itself is shown
        polls.rearm()
        capture = evidence.source.captures.get()
        assert capture_perform(capture_id=capture.pk).state == CaptureState.ARCHIVED
    assert polls.answers() == [200, 200, 200, 200]


def test_a_change_to_a_published_claim_turns_every_poll_into_a_fresh_200(polls, published):
    published.save()
    assert polls.answers() == [200, 200, 200, 200]


def test_a_change_of_the_rating_scale_turns_every_poll_into_a_fresh_200(polls, scale):
    entry = scale("false")
    entry.meaning = "The figures say otherwise."
    entry.save()
    assert polls.answers() == [200, 200, 200, 200]
