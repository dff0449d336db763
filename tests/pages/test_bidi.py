"""Direction controls in untrusted text cannot reorder the desk's own words, in Chromium.

Every bidi control (the embeddings and overrides U+202A-202E, the isolates U+2066-2069 and the
marks U+200E, U+200F, U+061C) is put in source titles, claim texts and an article title; the
labels printed beside them ("Cited in the article", "changed", the publication date) must still
be laid out left to right, measured character by character in the rendered page."""

from __future__ import annotations

import json
import re

import pytest
from django.utils import timezone

from claims.evidence.models import Evidence
from claims.models import Article, Claim, ClaimState
from factcheck.bidi import balance
from sources.models import Capture, Source
from tests.support.browser import log_in, screenshot

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

CONTROLS = (
    [chr(c) for c in range(0x202A, 0x202F)]
    + [chr(c) for c in range(0x2066, 0x206A)]
    + ["\u200e", "\u200f", "\u061c"]
)

# For each text node on the page holding `label` (menus aside): the left edge of each of
# its non-space characters.
POSITIONS = """(label) => {
  const found = [];
  const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
  while (walker.nextNode()) {
    const node = walker.currentNode;
    const at = node.data.indexOf(label);
    if (at < 0 || node.parentElement.closest("select, script, title")) continue;
    const xs = [];
    for (let k = at; k < at + label.length; k++) {
      if (node.data[k] === " ") continue;
      const range = document.createRange();
      range.setStart(node, k);
      range.setEnd(node, k + 1);
      xs.push(range.getBoundingClientRect().left);
    }
    found.push(xs);
  }
  return found;
}"""


def assert_reads_left_to_right(page, label: str, times: int) -> None:
    found = page.evaluate(POSITIONS, label)
    assert len(found) == times, f"{label!r} shown {len(found)} times, expected {times}"
    for n, xs in enumerate(found):
        assert xs == sorted(xs) and len(set(xs)) == len(xs), (
            f"{label!r} #{n + 1} is not laid out left to right: {xs}"
        )


@pytest.fixture
def hostile(claim_in):
    """A published claim with one cited source per control, an article title with an override,
    and a queue of claims each holding one control."""
    claim = claim_in(ClaimState.PUBLISHED, text=f"Container traffic {CONTROLS[4]}doubled")
    article = Article.objects.create(
        title=f"Harbour report {CONTROLS[4]}winter edition",
        publisher="Coastal Herald",
        published_on=timezone.datetime(2024, 1, 5).date(),
        url="https://example.org/harbour",
        content_hash="b" * 64,
    )
    Claim.objects.filter(pk=claim.pk).update(article=article)
    for n, control in enumerate(CONTROLS):
        source = Source.objects.create(
            url=f"https://example.org/ledger-{n}", title=f"Port ledger {control}quarter {n}"
        )
        # Archived: readers are shown only sources with an archived copy.
        Capture.objects.create(source=source, state="archived", sha256="f" * 64, text="Text.")
        Evidence.objects.create(claim=claim, source=source, relation="cited")
    for control in CONTROLS:
        claim_in(ClaimState.NEW, text=f"Freight {control}rose by a fifth")
    return claim


def test_the_claim_page_labels_read_right_whatever_the_titles_hold(
    browser_page, live_server, hostile, editor
):
    log_in(browser_page, live_server, editor)
    browser_page.goto(f"{live_server.url}/claims/{hostile.pk}/")
    assert_reads_left_to_right(browser_page, "Cited in the article", len(CONTROLS))
    screenshot(browser_page, "bidi-claim-page")


def test_the_queue_labels_read_right_whatever_the_claims_hold(
    browser_page, live_server, hostile, editor
):
    log_in(browser_page, live_server, editor)
    browser_page.goto(f"{live_server.url}/claims/?page_size=50")
    assert_reads_left_to_right(browser_page, "changed", len(CONTROLS) + 1)


def test_the_public_page_and_its_claimreview_contain_every_control(
    browser_page, live_server, hostile
):
    browser_page.goto(f"{live_server.url}/verdicts/{hostile.pk}/")
    assert_reads_left_to_right(browser_page, "Cited in the article", len(CONTROLS))
    assert_reads_left_to_right(browser_page, "5 January 2024", 1)
    assert "\u2068" in browser_page.title() and "\u2069" in browser_page.title()
    html = browser_page.content()
    block = re.search(r'<script type="application/ld\+json">(.*?)</script>', html, re.S)
    data = json.loads(block.group(1))

    def strings(value):
        if isinstance(value, str):
            yield value
        elif isinstance(value, dict):
            for v in value.values():
                yield from strings(v)
        elif isinstance(value, list):
            for v in value:
                yield from strings(v)

    texts = list(strings(data))
    assert any(CONTROLS[4] in t for t in texts)  # the claim's own text is kept...
    assert all(balance(t) == t for t in texts)  # ...with nothing left open


def test_the_admin_isolates_object_names(browser_page, live_server, hostile, staff_admin):
    source = Source.objects.filter(title__contains=CONTROLS[4]).get()
    log_in(browser_page, live_server, staff_admin)
    browser_page.goto(f"{live_server.url}/admin/sources/source/{source.pk}/change/")
    title = browser_page.title()
    assert title.startswith("\u2068Port ledger") and title.index("\u2069") < title.index("|")
    heading = browser_page.locator("#content h2").first
    assert heading.evaluate("e => getComputedStyle(e).unicodeBidi") == "isolate"
    browser_page.goto(f"{live_server.url}/admin/sources/source/")
    cell = browser_page.locator("#result_list th a").first
    assert cell.evaluate("e => getComputedStyle(e).unicodeBidi") == "isolate"
