"""The reader view draws the tables of an archived page as tables, escaped, not as pipe rows."""

from __future__ import annotations

import re

import pytest
from django.urls import reverse

from claims.evidence.services import source_link
from claims.models import Claim
from sources.models import CaptureState
from sources.services import capture_perform
from tests.sources.httpserver import HTTPTestServer, Reply

PAGE = (
    b"<html><head><title>Harbour report</title></head><body><article>"
    b"<h1>Harbour report</h1>"
    b"<p>Container traffic through the harbour grew again in the second half of the year.</p>"
    b"<table><tr><th>Quarter</th><th>Boxes</th></tr>"
    b"<tr><td>Q3</td><td>41,200</td></tr>"
    b"<tr><td>Q4 &lt;script&gt;alert(1)&lt;/script&gt;</td><td>44,900 | est.</td></tr></table>"
    b"<p>The harbour authority said the fourth-quarter figure was provisional for now.</p>"
    b"</article></body></html>"
)


@pytest.fixture
def capture(settings, fact_checker):
    settings.FETCH_ALLOW_PRIVATE = True
    with HTTPTestServer() as origin:
        origin.route("/report", Reply(body=PAGE, headers=[("Content-Type", "text/html")]))
        claim = Claim.objects.create(text="Container traffic grew in the second half.")
        evidence = source_link(actor=fact_checker, claim=claim, url=origin.url("/report"))
        captured = evidence.source.captures.get()
        assert capture_perform(capture_id=captured.pk).state == CaptureState.ARCHIVED
    captured.refresh_from_db()
    assert "| Q3 | 41,200 |" in captured.text  # how the extracted text keeps the table
    return captured


@pytest.fixture
def client(client, fact_checker):
    client.force_login(fact_checker)
    return client


def cells(html: str, tag: str) -> list[str]:
    return re.findall(rf"<{tag}(?:\s[^>]*)?>(.*?)</{tag}>", html)


@pytest.mark.django_db
def test_a_table_in_an_archived_page_reads_as_a_table(client, fact_checker, capture):
    page = client.get(reverse("sources:capture", args=[capture.pk]))
    html = page.content.decode()
    text = html.split('class="archived-text"', 1)[1]
    assert cells(text, "th") == ["Quarter", "Boxes"]
    assert cells(text, "td") == [
        "Q3",
        "41,200",
        "Q4 &lt;script&gt;alert(1)&lt;/script&gt;",
        "44,900 | est.",
    ]
    assert "|---|" not in text and "| Q3 |" not in text
    assert "<p>Container traffic through the harbour grew again" in text


@pytest.mark.django_db
def test_a_marked_passage_keeps_its_exact_characters_and_other_tables_stay_tables(
    client, fact_checker, capture
):
    start = capture.text.index("The harbour authority")
    end = start + len("The harbour authority said")
    page = client.get(reverse("sources:capture", args=[capture.pk]) + f"?passage={start}-{end}")
    text = page.content.decode().split('class="archived-text', 1)[1]
    assert '<mark class="hl" id="passage" tabindex="-1">The harbour authority said</mark>' in text
    assert cells(text, "th") == ["Quarter", "Boxes"]


@pytest.mark.django_db
def test_a_passage_inside_a_table_is_marked_on_the_tables_text(client, fact_checker, capture):
    start = capture.text.index("41,200")
    page = client.get(
        reverse("sources:capture", args=[capture.pk]) + f"?passage={start}-{start + 6}"
    )
    text = page.content.decode().split('class="archived-text', 1)[1]
    assert '| Q3 | <mark class="hl" id="passage" tabindex="-1">41,200</mark> |' in text
    assert "&lt;script&gt;" in text and "<script>alert" not in text
