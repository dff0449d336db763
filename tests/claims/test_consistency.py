"""The article's own figures recomputed: changes with both ends, factors, shares of a whole;
each sentence below is flagged exactly when its figures do not add up, on the pages too."""

from __future__ import annotations

import pytest
from django.urls import reverse

from claims.consistency import check_text
from claims.models import Article, Claim
from tests.claims.test_importing import act, desk, paste, spans  # noqa: F401 - fixtures

SENTENCES = [
    # (sentence, kind, consistent, words of the computation)
    ("Ticket sales rose 12% to $4.5bn from $4.0bn last season.", "change", True, "12.5%"),
    ("Ticket sales rose 25% to $4.5bn from $4.0bn last season.", "change", False, "12.5%"),
    ("Harbour fees fell 10% to 900 containers from 1,000 containers.", "change", True, "-10.0%"),
    ("Harbour fees fell 20% to 900 containers from 1,000 containers.", "change", False, "-10.0%"),
    ("The jobless rate rose 2 percentage points to 7.5% from 5.5%.", "change", True, "2.0 points"),
    ("The jobless rate rose 2 percentage points to 8.5% from 5.5%.", "change", False, "3.0 points"),
    ("Bus fares rose 8% to $2.70 from $2.50 in the spring.", "change", True, "8.0%"),
    ("Bus fares rose 3% to $2.70 from $2.50 in the spring.", "change", False, "8.0%"),
    ("Rice shipments doubled from 40 tonnes to 81 tonnes.", "factor", True, "2.02 times"),
    ("Rice shipments doubled from 40 tonnes to 90 tonnes.", "factor", False, "2.25 times"),
    (
        "Visitor numbers tripled from 1,000 visitors to 3,100 visitors.",
        "factor",
        True,
        "3.10 times",
    ),
    ("Clinic queues halved from 300 patients to 120 patients.", "factor", False, "0.40 times"),
    ("The Greens won 45% of the vote, Labour 38% and the Liberals 12%.", "shares", True, "95%"),
    ("The Greens won 45% of the vote, Labour 38% and the Liberals 22%.", "shares", False, "105%"),
    ("Wind had a 52% share, gas 31% and coal 9% of the total.", "shares", True, "92%"),
    ("Wind had a 52% share, gas 41% and coal 19% of the total.", "shares", False, "112%"),
]


@pytest.mark.parametrize(("sentence", "kind", "consistent", "shown"), SENTENCES)
def test_figures_that_imply_each_other_are_recomputed(sentence, kind, consistent, shown):
    checks = check_text(sentence)
    assert [(c.kind, c.consistent) for c in checks] == [(kind, consistent)]
    computation = checks[0].computation
    assert shown in computation
    assert computation.endswith("consistent" if consistent else "does not add up")


@pytest.mark.parametrize(
    "sentence",
    [
        "Exports rose 12% in 2023, the ministry said.",  # a change with no levels to check
        "Inflation was 36.5% in July, up from 35.7% in June.",  # two levels, not shares
        "Imports climbed to $3.2bn from $2.9bn.",  # levels without a stated change
    ],
)
def test_sentences_without_a_recomputation_are_not_flagged(sentence):
    assert check_text(sentence) == []


ARTICLE = (
    "Harbour report\n\n"
    "The port handled more than 2,000 containers in March 2023, officials said.\n\n"
    "Ticket sales rose 25% to $4.5bn from $4.0bn in March 2023, the operator said.\n"
)


@pytest.mark.django_db
def test_the_article_and_claim_pages_flag_the_sum_with_its_computation(desk):  # noqa: F811
    paste(desk, ARTICLE, published_on="2023-04-02")
    article = Article.objects.get()
    page = desk.get(reverse("claims:article", args=[article.pk])).content.decode()
    assert "Figures that do not add up" in page
    assert "the text says a rise of 25%: does not add up" in page
    sales = next(
        s for s in spans(desk, article) if "Ticket" in article.body[int(s.split("-")[0]) :][:20]
    )
    act(desk, article, "accept", span=sales)
    claim = Claim.objects.get()
    page = desk.get(reverse("claims:detail", args=[claim.pk])).content.decode()
    assert "Figures that do not add up" in page
    assert "(4.0bn" in page or "$4.0bn" in page
    assert "does not add up" in page


@pytest.mark.django_db
def test_a_claim_from_a_paragraph_that_adds_up_shows_no_flag(desk):  # noqa: F811
    paste(desk, ARTICLE, published_on="2023-04-02")
    article = Article.objects.get()
    port = next(
        s for s in spans(desk, article) if "port" in article.body[int(s.split("-")[0]) :][:12]
    )
    act(desk, article, "accept", span=port)
    claim = Claim.objects.get()
    page = desk.get(reverse("claims:detail", args=[claim.pk])).content.decode()
    assert "Figures that do not add up" not in page
