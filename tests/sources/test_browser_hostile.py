"""A hostile page in the browser under the production address rules: every request it makes for
loopback, the cloud metadata address or a private name is refused by the fetcher and recorded,
and a listener on 127.0.0.1 proves that nothing reached it, not even a request that escaped
interception (Chromium's dead proxy and empty resolver)."""

from __future__ import annotations

import dataclasses
import threading

import pytest
from playwright.sync_api import Error as PlaywrightError
from playwright.sync_api import sync_playwright

from sources import fetcher
from sources.browser import engine
from sources.browser.interception import Budgets
from tests.sources.httpserver import HTTPTestServer, Reply
from tests.support.browser import CHROMIUM

HTML = [("Content-Type", "text/html; charset=utf-8")]
# The production rules: no loopback, private or link-local targets.
PRODUCTION = fetcher.FetchPolicy(allow_private=False, connect_timeout=2.0, total_timeout=5.0)


@pytest.fixture
def listener():
    with HTTPTestServer() as running:
        running.route("/", Reply(body=b"<p>internal admin</p>", headers=HTML))
        yield running


@pytest.fixture
def site():
    with HTTPTestServer() as running:
        yield running


def hostile_page(port: int) -> bytes:
    targets = {
        "script": f"http://127.0.0.1:{port}/steal.js",
        "image": "http://169.254.169.254/latest/meta-data/iam/security-credentials/",
        "name": f"http://localhost:{port}/pixel.png",
        "subname": f"http://admin.localhost:{port}/pixel.png",
        "ipv6": f"http://[::1]:{port}/frame",
        "private": "http://10.0.0.7/intranet",
    }
    return (
        b"<html><head><title>Budget tables</title>"
        + f'<script src="{targets["script"]}"></script>'.encode()
        + b"</head><body><p>"
        + b"The ministry's published budget tables, with the spending by department. " * 10
        + b"</p>"
        + f'<img src="{targets["image"]}"><img src="{targets["name"]}">'.encode()
        + f'<img src="{targets["subname"]}"><iframe src="{targets["ipv6"]}"></iframe>'.encode()
        + f"<script>fetch('{targets['private']}').catch(() => null);</script>".encode()
        + b"</body></html>"
    )


def test_hostile_subresources_are_refused_recorded_and_never_reach_the_listener(listener, site):
    site.route("/tables", Reply(body=hostile_page(listener.port), headers=HTML))
    page_url = site.url("/tables")

    def fetch(url: str, policy: fetcher.FetchPolicy) -> fetcher.FetchResult:
        # The one page the test serves on loopback is let through; everything it asks for
        # meets the production rules in the real fetcher.
        if url == page_url:
            policy = dataclasses.replace(policy, allow_private=True)
        return fetcher.fetch(url, policy)

    captured = engine.capture_page(
        page_url,
        policy=PRODUCTION,
        budgets=Budgets(load_seconds=8, capture_seconds=15, max_bytes=5_000_000),
        fetch=fetch,
        executable=CHROMIUM,
    )
    assert captured.document is not None and b"budget tables" in captured.document.result.body
    assert "spending by department" in captured.dom
    blocked = {r.url: r.reason for r in captured.refused if r.kind == "blocked"}
    port = listener.port
    assert "is not a public address" in blocked[f"http://127.0.0.1:{port}/steal.js"]
    metadata = "http://169.254.169.254/latest/meta-data/iam/security-credentials/"
    assert "link-local" in blocked[metadata]
    assert "loopback" in blocked[f"http://localhost:{port}/pixel.png"]
    assert "loopback" in blocked[f"http://admin.localhost:{port}/pixel.png"]
    assert "is not a public address" in blocked[f"http://[::1]:{port}/frame"]
    assert "is not a public address" in blocked["http://10.0.0.7/intranet"]
    assert [exchange.result.final_url for exchange in captured.exchanges] == [page_url]
    assert listener.connections == 0


def test_a_request_that_escapes_interception_goes_nowhere(listener):
    """Chromium with the capture's flags and no interception at all: the dead proxy (loopback
    not exempt) and the resolver that resolves nothing leave it no way out."""
    outcomes: list[str] = []

    def try_to_leave() -> None:
        # In a thread of its own: the sync API refuses a thread with an asyncio loop running.
        with sync_playwright() as playwright:
            browser = playwright.chromium.launch(
                executable_path=CHROMIUM, args=engine.chromium_args()
            )
            try:
                page = browser.new_page()
                for url in (listener.url("/"), f"http://localhost:{listener.port}/"):
                    try:
                        page.goto(url, timeout=5000)
                        outcomes.append(f"loaded {url}")
                    except PlaywrightError as exc:
                        outcomes.append(f"refused: {exc.message.splitlines()[0]}")
            finally:
                browser.close()

    thread = threading.Thread(target=try_to_leave)
    thread.start()
    thread.join(60)
    assert len(outcomes) == 2 and all(o.startswith("refused: ") for o in outcomes), outcomes
    assert listener.connections == 0
