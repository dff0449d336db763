"""Deadlines and priority on the desk's pages: the claim page's form, the queue's filters and
sorts (keyset pages across claims without a due date), overdue highlighted in every list, and
the dashboard's "due today and overdue", with query counts that do not grow with the rows."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from django.db import connection
from django.db.models import F
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from claims import deadlines
from claims.models import Article, Claim, ClaimState
from claims.services import claim_schedule
from tests.pages.test_queue import listed, make_claim

TODAY = dt.date(2031, 3, 10)
QUEUE = reverse("claims:queue")


@pytest.fixture(autouse=True)
def fixed_today(monkeypatch):
    monkeypatch.setattr(deadlines, "today", lambda: TODAY)


def days(n: int) -> dt.date:
    return TODAY + dt.timedelta(days=n)


def test_editor_sets_the_schedule_on_the_claim_page(client_for, claim_in, editor):
    claim = claim_in(ClaimState.RESEARCHING)
    page = client_for(editor)
    response = page.post(
        reverse("claims:action", args=[claim.pk, "schedule"]),
        {
            "schedule-expected_version": claim.version,
            "schedule-priority": "3",
            "schedule-due_date": "2031-03-09",
        },
    )
    # Yesterday: refused beside the field, nothing saved.
    assert response.status_code == 400
    assert "cannot be in the past" in response.content.decode()
    response = page.post(
        reverse("claims:action", args=[claim.pk, "schedule"]),
        {
            "schedule-expected_version": claim.version,
            "schedule-priority": "3",
            "schedule-due_date": "2031-03-10",
        },
        follow=True,
    )
    text = response.content.decode()
    assert "Priority and due date saved." in text
    assert "High priority" in text and "due today, 10 Mar 2031" in text
    assert "set the priority or due date" in text  # the history


def test_a_fact_checker_sees_the_schedule_but_no_form(client_for, claim_in, fact_checker, editor):
    claim = claim_in(ClaimState.RESEARCHING, assignee=fact_checker)
    claim_schedule(actor=editor, claim=claim, due_date=TODAY, priority=1)
    page = client_for(fact_checker).get(reverse("claims:detail", args=[claim.pk])).content.decode()
    assert "Low priority" in page and "due today, 10 Mar 2031" in page
    assert "Set the priority and due date" not in page
    refused = client_for(fact_checker).post(
        reverse("claims:action", args=[claim.pk, "schedule"]),
        {"schedule-expected_version": claim.version, "schedule-priority": "4"},
    )
    assert refused.status_code == 403
    claim.refresh_from_db()
    assert claim.priority == 1


# The queue -------------------------------------------------------------------------------------


def test_queue_filters_overdue_and_due_today_and_highlights_overdue(client_for, fact_checker):
    late = make_claim(due_date=days(-2), state=ClaimState.RESEARCHING)
    today = make_claim(due_date=TODAY)
    later = make_claim(due_date=days(3))
    make_claim()
    # Published: its due date has passed, but nothing is late any more.
    done = make_claim(due_date=days(-5), state=ClaimState.DISMISSED)
    desk = client_for(fact_checker)
    response = desk.get(QUEUE, {"due": "overdue"})
    assert listed(response) == [late.pk]
    page = response.content.decode()
    assert (
        'class="is-overdue"' in page
        and "<strong>Overdue</strong>: overdue since 8 Mar 2031" in page
    )
    assert listed(desk.get(QUEUE, {"due": "today"})) == [today.pk]
    assert set(listed(desk.get(QUEUE, {"due": "week"}))) == {today.pk, later.pk}
    assert done.pk in listed(desk.get(QUEUE, {"due": "set"}))
    assert (
        "overdue since"
        not in desk.get(QUEUE, {"due": "set", "state": "dismissed"}).content.decode()
    )


def test_queue_filters_by_priority(client_for, fact_checker):
    urgent = make_claim(priority=4)
    low = make_claim(priority=1)
    none = make_claim()
    desk = client_for(fact_checker)
    assert listed(desk.get(QUEUE, {"priority": "urgent"})) == [urgent.pk]
    assert listed(desk.get(QUEUE, {"priority": "low"})) == [low.pk]
    assert listed(desk.get(QUEUE, {"priority": "none"})) == [none.pk]
    assert "Urgent priority" in desk.get(QUEUE).content.decode()


def test_sort_by_due_date_pages_through_the_undated_last(client_for, fact_checker):
    # 60 dated claims (three days, so ties are broken by id), then 50 without a due date: the
    # first page ends on a dated claim, the second on an undated one.
    Claim.objects.bulk_create(
        Claim(text=f"Claim {n} about rice exports.", due_date=days(n % 3) if n < 60 else None)
        for n in range(110)
    )
    expected = list(
        Claim.objects.order_by(F("due_date").asc(nulls_last=True), "id").values_list(
            "pk", flat=True
        )
    )
    desk = client_for(fact_checker)
    pages, response = [], desk.get(QUEUE, {"sort": "due"})
    while True:
        pages.append((response, listed(response)))
        following = re.search(r'href="(\?[^"]+)" rel="next"', response.content.decode())
        if not following:
            break
        response = desk.get(QUEUE + following.group(1).replace("&amp;", "&"))
    assert [len(rows) for _r, rows in pages] == [50, 50, 10]
    assert [pk for _r, rows in pages for pk in rows] == expected
    # Back from the last page, and from the second: the same pages again.
    for n in (2, 1):
        back = re.search(r'href="(\?[^"]+)" rel="prev"', pages[n][0].content.decode()).group(1)
        assert listed(desk.get(QUEUE + back.replace("&amp;", "&"))) == pages[n - 1][1]


def test_sort_by_priority_puts_the_most_urgent_first(client_for, fact_checker):
    normal, urgent, none = make_claim(priority=2), make_claim(priority=4), make_claim()
    assert listed(client_for(fact_checker).get(QUEUE, {"sort": "priority"})) == [
        urgent.pk,
        normal.pk,
        none.pk,
    ]


@pytest.mark.parametrize(
    "params", [{"due": "overdue", "sort": "due"}, {"priority": "high", "sort": "priority"}]
)
def test_queue_with_the_new_filters_makes_the_same_queries_for_more_rows(
    client_for, fact_checker, params
):
    desk = client_for(fact_checker)

    def make(n: int) -> None:
        for _ in range(n):
            make_claim(due_date=days(-1), priority=3, captures=("archived",))

    make(2)
    with CaptureQueriesContext(connection) as few:
        assert len(listed(desk.get(QUEUE, params))) == 2
    make(20)
    with CaptureQueriesContext(connection) as many:
        assert len(listed(desk.get(QUEUE, params))) == 22
    assert len(many) == len(few)


# The dashboard and the article page ------------------------------------------------------------


def test_dashboard_shows_what_is_due_today_and_overdue(client_for, fact_checker, editor):
    late = make_claim(due_date=days(-1), state=ClaimState.RESEARCHING)
    today = make_claim(due_date=TODAY, priority=4)
    make_claim(due_date=days(2))
    make_claim(due_date=days(-3), state=ClaimState.DISMISSED)
    page = client_for(fact_checker).get(reverse("home")).content.decode()
    section = page[page.index('id="due-h"') : page.index('id="by-state"')]
    assert re.search(r"Overdue</span> <strong>1</strong>", section)
    assert re.search(r"Due today</span> <strong>1</strong>", section)
    assert f"/claims/{late.pk}/" in section and f"/claims/{today.pk}/" in section
    assert section.index(f"/claims/{late.pk}/") < section.index(f"/claims/{today.pk}/")
    assert "overdue since 9 Mar 2031" in section and "Urgent priority" in section


def test_dashboard_queries_do_not_grow_with_due_claims(client_for, fact_checker):
    desk = client_for(fact_checker)
    make_claim(due_date=TODAY)
    with CaptureQueriesContext(connection) as few:
        desk.get(reverse("home"))
    for n in range(8):
        make_claim(due_date=days(-n), assignee=fact_checker)
    with CaptureQueriesContext(connection) as many:
        desk.get(reverse("home"))
    assert len(many) == len(few)


def test_article_page_highlights_an_overdue_accepted_claim(client_for, fact_checker):
    body = "Rice exports rose to 700,000 tonnes in 2023, the ministry said."
    article = Article.objects.create(title="Rice", body=body, content_hash="r" * 64)
    claim = make_claim(article=article, due_date=days(-1))
    Claim.objects.filter(pk=claim.pk).update(span_start=0, span_end=len(body))
    page = (
        client_for(fact_checker).get(reverse("claims:article", args=[article.pk])).content.decode()
    )
    assert "<strong>Overdue</strong>: overdue since 9 Mar 2031" in page
