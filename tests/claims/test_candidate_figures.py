"""Candidates as a person reads them, accepted with all their figures, and merged without loss."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from django.urls import reverse

from claims.models import Article, Claim, ClaimFigure
from claims.selectors import article_candidates

pytestmark = pytest.mark.django_db

TEXT = (
    "Rice report\n\n"
    "Customs officials said Cambodia exported 3,500 tonnes of rice to Vietnam in May 2024.\n"
    "The ministry said rice prices rose 8% in June 2024, while fertiliser imports fell to "
    "1,200 tonnes.\n"
)


@pytest.fixture
def desk(client, fact_checker):
    client.force_login(fact_checker)
    return client


@pytest.fixture
def article(desk):
    desk.post(
        reverse("claims:article-import"),
        {"mode": "paste", "paste-body": TEXT, "paste-published_on": "2024-07-05"},
    )
    return Article.objects.get()


def spans(article) -> list[str]:
    return [f"{row.start}-{row.end}" for row in article_candidates(article) if row.candidate]


def posted_as_shown(form, **changes) -> dict:
    """What the browser sends when the form is submitted as it was drawn, with `changes`."""
    data = {name: "" if v is None else v for name, v in form.initial.items()}
    data.update(changes)
    figures = form.figures
    rows = [f.initial for f in figures.forms[: figures.initial_form_count()]]
    data.update({"figure-TOTAL_FORMS": str(len(rows)), "figure-INITIAL_FORMS": str(len(rows))})
    for n, row in enumerate(rows):
        for name, value in row.items():
            data[f"figure-{n}-{name}"] = "" if value is None else str(value)
    return data


def test_the_candidate_list_says_kind_worthiness_figures_and_period_in_words(desk, article):
    page = desk.get(reverse("claims:article", args=[article.pk])).content.decode()
    facts = [" ".join(m.split()) for m in re.findall(r'candidate-facts">(.*?)</p>', page, re.S)]
    plain = [re.sub(r"<[^>]+>", "", f) for f in facts]
    assert plain[0] == "Quantity · check-worthiness high · 3,500 tonnes · May 2024"
    assert "8%" in plain[1] and "1,200 tonnes" in plain[1] and "June 2024" in plain[1]
    for token in ("more_than", "score 0", "date_event", "3500 tonne", "2024-05-01"):
        assert token not in page


def test_accepting_a_candidate_keeps_each_of_its_figures(desk, article):
    second = spans(article)[1]
    desk.post(reverse("claims:candidate", args=[article.pk, "accept"]), {"span": second})
    claim = Claim.objects.get()
    figures = list(claim.figures.order_by("position"))
    assert [(f.value, f.unit) for f in figures] == [(8, "percent"), (1200, "tonne")]
    assert (claim.value, claim.unit) == (8, "percent")  # the primary figure
    assert claim.period_display == "June 2024"


def test_a_merge_keeps_every_figure_and_both_spans_and_asks_only_where_they_disagree(desk, article):
    first, second = spans(article)
    merged = desk.post(
        reverse("claims:candidate", args=[article.pk, "merge"]), {"merge": [first, second]}
    )
    edit = desk.get(merged["Location"])
    form = edit.context["form"]
    assert set(form.disagreements) == {"kind", "claimant", "period"}
    assert form.disagreements["claimant"] == ["Customs officials", "ministry"]
    assert form.disagreements["period"] == ["May 2024", "June 2024"]
    page = edit.content.decode()
    assert "The merged candidates disagree" in page
    start, end = int(first.split("-")[0]), int(second.split("-")[1])
    assert (form.initial["span_start"], form.initial["span_end"]) == (start, end)
    assert form.figures.initial_form_count() == 3

    accepted = desk.post(
        merged["Location"],
        posted_as_shown(form, kind="quantity", claimant="Customs officials"),
    )
    assert accepted.status_code == 302
    claim = Claim.objects.get()
    assert (claim.span_start, claim.span_end, claim.kind) == (start, end, "quantity")
    assert claim.claimant == "Customs officials"
    figures = list(ClaimFigure.objects.filter(claim=claim).order_by("position"))
    assert [(f.value, f.unit) for f in figures] == [
        (3500, "tonne"),
        (8, "percent"),
        (1200, "tonne"),
    ]
    # Each figure keeps its candidate's period (the claim, given none, takes its first one's).
    assert [f.period_start or claim.period_start for f in figures] == [
        dt.date(2024, 5, 1),
        dt.date(2024, 6, 1),
        dt.date(2024, 6, 1),
    ]


def test_a_merge_left_with_a_disagreement_unresolved_is_refused_and_saves_nothing(desk, article):
    first, second = spans(article)
    merged = desk.post(
        reverse("claims:candidate", args=[article.pk, "merge"]), {"merge": [first, second]}
    )
    form = desk.get(merged["Location"]).context["form"]
    refused = desk.post(merged["Location"], posted_as_shown(form))
    assert refused.status_code == 400
    assert "kind" in refused.context["form"].errors
    assert not Claim.objects.exists()


def test_edit_then_accept_shows_the_period_once_for_the_claim_and_each_figure_row(desk, article):
    second = spans(article)[1]
    form = desk.get(reverse("claims:candidate-edit", args=[article.pk]), {"span": second}).context[
        "form"
    ]
    assert (form.initial["period_start"], form.initial["date_precision"]) == (
        dt.date(2024, 6, 1),
        "month",
    )
    rows = form.figures.forms[: form.figures.initial_form_count()]
    assert [(r.initial["value"], r.initial["unit"]) for r in rows] == [
        ("8", "percent"),
        ("1200", "tonne"),
    ]
    assert [r.initial["period_start"] for r in rows] == [None, None]  # the claim's June 2024
