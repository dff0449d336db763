"""The claim queue: filters, full-text search, sorting, keyset pages, and a constant query count."""

from __future__ import annotations

import datetime as dt
import itertools
import re
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from claims.evidence.models import Evidence
from claims.models import Article, Claim, ClaimState
from claims.services import claim_create
from sources.models import Capture, Source

QUEUE = reverse("claims:queue")
_serial = itertools.count(1)


def make_claim(text: str = "", *, captures: tuple[str, ...] = (), **fields) -> Claim:
    """A claim with a figure and a period, linked to one source per capture state given."""
    n = next(_serial)
    claim = claim_create(
        system_actor="test-setup",
        text=text or f"Exports of rice rose to {n} thousand tonnes in 2023.",
        kind=fields.pop("kind", "quantity"),
        value=Decimal(n),
        unit="tonne",
        scale="thousand",
        period_start=dt.date(2023, 1, 1),
        period_end=dt.date(2023, 12, 31),
        date_precision="year",
        article=fields.pop("article", None),
    )
    if fields:
        Claim.objects.filter(pk=claim.pk).update(**fields)
        claim.refresh_from_db()
    for state in captures:
        source = Source.objects.create(url=f"https://example.org/{n}/{state}-{next(_serial)}")
        Evidence.objects.create(claim=claim, source=source)
        Capture.objects.create(
            source=source,
            state=state,
            sha256="a" * 64 if state == "archived" else "",
            failure_reason="HTTP 404" if state in ("failed", "blocked") else "",
        )
    return claim


def listed(response) -> list[int]:
    """Claim ids in the order the queue lists them."""
    return [int(pk) for pk in re.findall(r'<a href="/claims/(\d+)/">', response.content.decode())]


@pytest.fixture
def desk(client_for, fact_checker):
    return client_for(fact_checker)


def test_each_row_shows_figures_state_and_capture_health(desk):
    claim = make_claim(captures=("archived", "archived", "queued", "failed"))
    page = desk.get(QUEUE).content.decode()
    assert claim.figure_display in page  # e.g. "1 thousand tonne"
    assert "2023" in page
    assert "4 sources" in page
    assert "2 archived" in page and "1 pending" in page and "1 failing" in page
    assert "state-new" in page


def test_filters_by_state_kind_assignee_article_and_rating(desk, fact_checker, scale):
    article = Article.objects.create(title="Trade report", content_hash="x" * 64)
    mine = make_claim(assignee=fact_checker, state=ClaimState.RESEARCHING)
    money = make_claim(kind="money")
    in_article = make_claim(article=article)
    published = make_claim(
        state=ClaimState.PUBLISHED, rating=scale("false"), published_at=dt.datetime.now(dt.UTC)
    )
    assert listed(desk.get(QUEUE, {"state": "researching"})) == [mine.pk]
    assert listed(desk.get(QUEUE, {"kind": "money"})) == [money.pk]
    assert listed(desk.get(QUEUE, {"assignee": "me"})) == [mine.pk]
    assert listed(desk.get(QUEUE, {"assignee": str(fact_checker.pk)})) == [mine.pk]
    assert mine.pk not in listed(desk.get(QUEUE, {"assignee": "none"}))
    assert listed(desk.get(QUEUE, {"article": article.pk})) == [in_article.pk]
    assert listed(desk.get(QUEUE, {"rating": "false"})) == [published.pk]


def test_an_edited_filter_value_is_ignored_not_an_error(desk):
    make_claim()
    response = desk.get(QUEUE, {"state": "bogus", "article": "abc", "after": "garbage"})
    assert response.status_code == 200
    assert len(listed(response)) == 1


def test_search_matches_words_in_their_other_forms(desk):
    shipped = make_claim("North Korea shipped more than 1,000 containers to Russia.")
    make_claim("Rice exports doubled in 2023.")
    found = listed(desk.get(QUEUE, {"q": "container russia"}))
    assert found == [shipped.pk]
    assert listed(desk.get(QUEUE, {"q": "Korea -Russia"})) == []


def test_search_uses_the_gin_index(db):
    with connection.cursor() as cursor:
        cursor.execute("SELECT indexdef FROM pg_indexes WHERE indexname = 'claim_text_search_idx'")
        (definition,) = cursor.fetchone()
    assert "gin" in definition and "to_tsvector" in definition


def test_sorts_and_pages_through_every_claim_once(desk):
    claims = [make_claim() for _ in range(120)]
    # Spread check-worthiness so the sort has ties to break by id as well.
    for i, claim in enumerate(claims):
        Claim.objects.filter(pk=claim.pk).update(check_worthiness=(i % 7) / 10)
    for sort in ("recent", "stale", "newest", "worthiness"):
        seen: list[int] = []
        response = desk.get(QUEUE, {"sort": sort})
        pages = 0
        while True:
            pages += 1
            seen += listed(response)
            match = re.search(r'href="(\?[^"]*after=[^"]+)" rel="next"', response.content.decode())
            if not match:
                break
            response = desk.get(QUEUE + match.group(1).replace("&amp;", "&"))
        assert pages == 3
        assert sorted(seen) == sorted(c.pk for c in claims), sort
        assert len(seen) == len(set(seen))
    ordered = Claim.objects.order_by("-check_worthiness", "-id").values_list("pk", flat=True)
    assert listed(desk.get(QUEUE, {"sort": "worthiness"})) == list(ordered[:50])


def test_previous_page_link_returns_the_page_before(desk):
    for _ in range(60):
        make_claim()
    first = desk.get(QUEUE, {"sort": "newest"})
    second_link = re.search(r'href="(\?[^"]*)" rel="next"', first.content.decode()).group(1)
    second = desk.get(QUEUE + second_link.replace("&amp;", "&"))
    assert len(listed(second)) == 10
    back_link = re.search(r'href="(\?[^"]*)" rel="prev"', second.content.decode()).group(1)
    back = desk.get(QUEUE + back_link.replace("&amp;", "&"))
    assert listed(back) == listed(first)


def test_query_count_is_the_same_for_5_and_50_rows(desk):
    def queries() -> int:
        with CaptureQueriesContext(connection) as captured:
            response = desk.get(QUEUE)
        assert response.status_code == 200
        return len(captured), len(listed(response))

    for i in range(5):
        make_claim(captures=("archived", "failed")[: i % 3])
    few, rows = queries()
    assert rows == 5
    for i in range(45):
        make_claim(captures=("archived", "queued", "blocked")[: i % 4])
    many, rows = queries()
    assert rows == 50
    assert few == many


def test_the_queue_needs_a_desk_role(client_for, outsider):
    assert client_for(outsider).get(QUEUE).status_code == 403
    response = client_for().get(QUEUE)
    assert response.status_code == 302 and response["Location"].startswith("/accounts/login/")


def test_the_queue_says_the_first_figure_in_words_and_how_many_more(desk):
    claim_create(
        system_actor="test-setup",
        text="Pepper exports rose 14% to 112,400 tonnes, and prices 3%.",
        kind="quantity",
        figures=[
            {"value": "14", "unit": "percent", "direction": "up", "change": "change"},
            {"value": "112400", "unit": "tonne"},
            {"value": "3", "unit": "percent", "direction": "up", "change": "change"},
        ],
    )
    make_claim()
    claim_create(
        system_actor="test-setup",
        text="Ferries take 30 to 35 hours.",
        figures=[{"value": "30", "value_high": "35", "unit": "hour"}],
    )
    page = desk.get(QUEUE).content.decode()
    assert "up 14% and 2 more figures" in page
    assert "30 to 35 hours</span>" in page
    assert re.search(r"\d+ thousand tonnes</span>", page)  # one figure: nothing more said
