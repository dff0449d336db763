"""Archived pages are never live in our origin: reader view, sandboxed original, downloads."""

from __future__ import annotations

import time

import pytest
from django.urls import reverse

from claims.evidence.services import source_link
from claims.models import Claim
from sources.models import CaptureState
from sources.services import capture_perform
from tests.sources.httpserver import HTTPTestServer, Reply
from tests.support.browser import log_in, screenshot

HTML = [("Content-Type", "text/html; charset=utf-8")]


def hostile_page(beacon_url: str) -> bytes:
    return (
        "<html><head><title>Archived original</title></head><body>"
        "<p>Exports reached $114 billion in 2022.</p>"
        "<script>document.title = 'script ran';"
        f"new Image().src = '{beacon_url}';"
        "document.cookie = 'stolen=' + document.cookie;</script>"
        "</body></html>"
    ).encode()


@pytest.fixture
def archived(settings, fact_checker):
    """A page with a script, archived through the real capture service."""
    settings.FETCH_ALLOW_PRIVATE = True
    with HTTPTestServer() as origin, HTTPTestServer() as beacon:
        beacon.route("/beacon", Reply(body=b"seen"))
        origin.route("/page", Reply(body=hostile_page(beacon.url("/beacon")), headers=HTML))
        claim = Claim.objects.create(text="Russia's exports to China were $114 billion in 2022.")
        evidence = source_link(actor=fact_checker, claim=claim, url=origin.url("/page"))
        capture = evidence.source.captures.get()
        assert capture_perform(capture_id=capture.pk).state == CaptureState.ARCHIVED
        capture.refresh_from_db()
        yield capture, origin, beacon


@pytest.mark.django_db
def test_original_is_served_with_a_sandbox_policy_and_nosniff(client, fact_checker, archived):
    capture, _, _ = archived
    client.force_login(fact_checker)
    response = client.get(reverse("sources:capture-original", args=[capture.pk]))
    assert response.status_code == 200
    policy = response["Content-Security-Policy"]
    assert policy.split(";")[0].strip() == "sandbox"  # no allow-scripts, no allow-same-origin
    assert "allow-" not in policy
    assert response["X-Content-Type-Options"] == "nosniff"
    assert b"<script>" in response.content  # the bytes are faithful; the browser is what refuses


@pytest.mark.django_db
def test_reader_view_shows_text_and_facts_not_markup(client, fact_checker, archived):
    capture, _, _ = archived
    client.force_login(fact_checker)
    page = client.get(reverse("sources:capture", args=[capture.pk])).content.decode()
    assert "$114 billion" in page
    assert capture.sha256 in page
    assert "script ran" not in page and "<script>document" not in page
    warc = client.get(reverse("sources:capture-warc", args=[capture.pk]))
    assert warc.status_code == 200
    assert warc["Content-Disposition"].startswith("attachment")


@pytest.mark.django_db
def test_playback_is_for_the_desk_until_a_verdict_is_published(client, archived):
    capture, _, _ = archived
    url = reverse("sources:capture", args=[capture.pk])
    assert client.get(url).status_code == 404  # anonymous: not even its existence
    assert client.get(reverse("sources:capture-original", args=[capture.pk])).status_code == 404


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_script_in_an_archived_page_does_not_run_in_our_origin(
    live_server, browser_page, fact_checker, archived
):
    capture, origin, beacon = archived
    # Control: the same page opened from its own server does run its script.
    browser_page.goto(origin.url("/page"))
    browser_page.wait_for_function("document.title === 'script ran'", timeout=5000)
    deadline = time.monotonic() + 5
    while beacon.connections == 0 and time.monotonic() < deadline:
        time.sleep(0.1)
    assert beacon.connections >= 1
    before = beacon.connections

    log_in(browser_page, live_server, fact_checker)
    browser_page.goto(live_server.url + reverse("sources:capture-original", args=[capture.pk]))
    browser_page.wait_for_load_state("load")
    time.sleep(1.0)
    screenshot(browser_page, "playback-sandboxed-original")
    assert browser_page.title() == "Archived original"
    assert beacon.connections == before
    assert "Exports reached $114 billion" in browser_page.content()
    cookies = {c["name"] for c in browser_page.context.cookies(live_server.url)}
    assert "stolen" not in cookies


def only_operators_see_captures(user, capture) -> bool:
    """A stand-in rule for the CAPTURE_VISIBLE_TO hook: only the user named "operator"."""
    return getattr(user, "username", "") == "operator"


@pytest.mark.django_db
def test_playback_asks_the_setting_hook_who_may_see_a_capture(
    client, fact_checker, archived, settings, django_user_model
):
    """Playback holds no rule of its own: the function CAPTURE_VISIBLE_TO names decides, so the
    desk's rule (roles and published verdicts) is the default, and another rule replaces it."""
    capture, _, _ = archived
    reader = reverse("sources:capture", args=[capture.pk])
    client.force_login(fact_checker)
    assert client.get(reader).status_code == 200  # the desk's default: a fact-checker sees it

    settings.CAPTURE_VISIBLE_TO = f"{__name__}.only_operators_see_captures"
    assert client.get(reader).status_code == 403
    assert client.get(reverse("sources:capture-warc", args=[capture.pk])).status_code == 403
    client.force_login(django_user_model.objects.create_user("operator", password="x"))
    page = client.get(reader)
    assert page.status_code == 200 and "Exports reached $114 billion" in page.content.decode()
