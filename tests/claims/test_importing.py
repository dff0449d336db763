"""Importing articles (paste, file, URL) and deciding on candidates, through the pages."""

from __future__ import annotations

import datetime as dt
import io

import pytest
from django.urls import reverse

from claims.models import Article, Claim
from factcheck.models import AuditEvent
from tests.sources.httpserver import make_pdf

pytestmark = pytest.mark.django_db

TEXT = (
    "Grain exports\n\n"
    "Ukraine shipped more than 2,000 tonnes of grain in March 2023, officials said.\n"
    "The ministry reported that revenue rose 12% compared with the previous year.\n"
)


@pytest.fixture
def desk(client, fact_checker):
    client.force_login(fact_checker)
    return client


def read_by_the_worker(article: Article) -> Article:
    """What a worker does with an imported file: read it in its limited child, then (on the
    commit of that capture) fill in the article."""
    from claims.services.importing import article_complete_from_capture
    from sources.services import capture_perform

    assert article.import_state == "waiting" and article.body == ""
    capture_perform(capture_id=article.import_capture_id)
    article_complete_from_capture(capture_id=article.import_capture_id)
    article.refresh_from_db()
    return article


def paste(client, body: str, **extra):
    data = {"mode": "paste", "paste-body": body}
    data.update({f"paste-{k}": v for k, v in extra.items()})
    return client.post(reverse("claims:article-import"), data)


def test_pasted_text_becomes_an_article_with_highlighted_candidates(desk):
    response = paste(desk, TEXT, published_on="2023-04-02", publisher="Desk Wire")
    article = Article.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse("claims:article", args=[article.pk])
    assert article.title == "Grain exports"  # the first line, when no title is given
    assert article.published_on == dt.date(2023, 4, 2)
    page = desk.get(response["Location"]).content.decode()
    assert page.count('<mark id="span-') == 2
    assert "more than 2,000 tonnes" in page  # as a person reads it, not more_than 2000 tonne
    assert AuditEvent.objects.filter(action="article.imported", actor__isnull=False).count() == 1


def test_the_same_text_pasted_twice_is_found_not_duplicated(desk):
    paste(desk, TEXT)
    response = paste(desk, TEXT.replace("\n\n", "\n \n  "))
    assert Article.objects.count() == 1
    assert "imported before" in desk.get(response["Location"]).content.decode()


@pytest.mark.parametrize(
    ("body", "message"),
    [
        ("", "This field is required"),
        ("   \n\t  ", "the article has no text"),
        ("\x00\x01\x02\x03 binary junk \x00", "Null characters are not allowed"),
        ("x" * 5_000_000, "the limit is 1,000,000"),
    ],
)
def test_bad_pastes_get_a_clear_message_and_save_nothing(desk, body, message):
    response = paste(desk, body)
    assert response.status_code == 400
    assert message in response.content.decode()
    assert Article.objects.count() == 0


def test_control_characters_are_refused_as_not_text(desk):
    junk = "".join(chr(c) for c in range(1, 9)) * 50 + " some words"
    response = paste(desk, junk)
    assert response.status_code == 400
    assert "not readable text" in response.content.decode()


def test_text_in_another_language_imports_without_error(desk):
    response = paste(desk, "Экспорт вырос. Die Exporte stiegen stark. 出口大幅增长。", title="Misc")
    article = Article.objects.get()
    page = desk.get(response["Location"])
    assert page.status_code == 200
    assert article.body.startswith("Экспорт")


def test_an_article_with_no_figures_says_so(desk):
    response = paste(desk, "Opinion\n\nThe weather was pleasant and everyone agreed on that.")
    page = desk.get(response["Location"]).content.decode()
    assert "No checkable claims were found" in page


def test_html_file_import_takes_title_author_publisher_and_date(desk):
    html = (
        b"<html><head><title>Oil shipments resume</title>"
        b'<meta name="author" content="Dana Reyes">'
        b'<meta property="og:site_name" content="Harbour Times">'
        b'<meta property="article:published_time" content="2023-05-04T08:00:00Z">'
        b"</head><body><article><p>Russia shipped about 67,300 barrels of refined petroleum "
        b"in April 2023, the first such delivery since August 2020.</p></article></body></html>"
    )
    upload = io.BytesIO(html)
    upload.name = "oil.html"
    desk.post(reverse("claims:article-import"), {"mode": "file", "file-file": upload})
    article = read_by_the_worker(Article.objects.get())
    assert (article.title, article.author, article.publisher) == (
        "Oil shipments resume",
        "Dana Reyes",
        "Harbour Times",
    )
    assert article.published_on == dt.date(2023, 5, 4)
    assert "67,300 barrels" in article.body


def test_pdf_file_import_uses_its_text(desk):
    upload = io.BytesIO(make_pdf(["Imports rose 161.5 per cent in early 2023."], title="Trade"))
    upload.name = "trade.pdf"
    response = desk.post(reverse("claims:article-import"), {"mode": "file", "file-file": upload})
    assert "The file is stored; its text is being read" in desk.get(response["Location"]).text
    article = read_by_the_worker(Article.objects.get())
    assert article.import_state == "ready" and "161.5 per cent" in article.body


def test_a_poison_pdf_import_fails_at_the_text_limit_with_the_reason(desk, settings):
    from tests.support import hostile

    settings.TEXT_EXTRACTION_CPU_SECONDS = 1
    upload = io.BytesIO(hostile.cpu_bomb_pdf())
    upload.name = "report.pdf"
    response = desk.post(reverse("claims:article-import"), {"mode": "file", "file-file": upload})
    assert response.status_code == 302  # answered before any reading
    article = read_by_the_worker(Article.objects.get())
    assert article.import_state == "failed"
    assert article.import_error == (
        "text extraction exceeded its limit: it used more than 1 s of CPU time (the upload is kept)"
    )
    assert article.import_error in desk.get(response["Location"]).text


@pytest.mark.parametrize(
    ("payload", "name", "message"),
    [
        (
            b"\x89PNG\r\n\x1a\n" + b"\x00" * 64,
            "chart.png",
            "upload an HTML, PDF or plain-text file",
        ),
        (b"", "empty.txt", "The submitted file is empty"),
    ],
)
def test_bad_files_are_refused_clearly(desk, payload, name, message):
    upload = io.BytesIO(payload)
    upload.name = name
    response = desk.post(reverse("claims:article-import"), {"mode": "file", "file-file": upload})
    assert response.status_code == 400
    assert message in response.content.decode()
    assert Article.objects.count() == 0


def test_a_bad_url_is_refused_with_the_reason(desk):
    response = desk.post(reverse("claims:article-import"), {"mode": "url", "url-url": "ftp://x/y"})
    assert response.status_code == 400
    assert "cannot be imported" in response.content.decode()
    assert Article.objects.count() == 0


def test_import_pages_are_for_the_desk_only(client, django_user_model):
    url = reverse("claims:article-import")
    assert client.get(url).status_code == 302  # anonymous: to the login page
    client.force_login(django_user_model.objects.create_user("reader", password="x"))
    assert client.get(url).status_code == 403


# Candidates ------------------------------------------------------------------------------------


@pytest.fixture
def article(desk):
    paste(desk, TEXT, published_on="2023-04-02")
    return Article.objects.get()


def spans(desk, article) -> list[str]:
    from claims.selectors import article_candidates

    return [f"{row.start}-{row.end}" for row in article_candidates(article)]


def figure_rows(*rows: dict, initial: int = 0) -> dict:
    """The candidate form's figure rows as posted (figure-N-field, with the formset's counts)."""
    data = {"figure-TOTAL_FORMS": str(len(rows)), "figure-INITIAL_FORMS": str(initial)}
    for n, row in enumerate(rows):
        data.update({f"figure-{n}-{name}": value for name, value in row.items()})
    return data


def act(desk, article, action, **data):
    return desk.post(reverse("claims:candidate", args=[article.pk, action]), data)


def test_accepting_a_candidate_makes_a_new_claim_linked_to_its_span(desk, article):
    first = spans(desk, article)[0]
    act(desk, article, "accept", span=first)
    claim = Claim.objects.get()
    start, end = (int(x) for x in first.split("-"))
    assert (claim.span_start, claim.span_end, claim.state) == (start, end, "new")
    assert claim.span_text == article.body[start:end]
    assert (claim.value, claim.qualifier, claim.unit) == (2000, "more_than", "tonne")
    assert claim.period_start == dt.date(2023, 3, 1) and claim.date_precision == "month"
    page = desk.get(reverse("claims:article", args=[article.pk])).content.decode()
    assert reverse("claims:detail", args=[claim.pk]) in page  # the highlight opens the claim


def test_accepting_twice_is_refused_with_a_message(desk, article):
    first = spans(desk, article)[0]
    act(desk, article, "accept", span=first)
    response = act(desk, article, "accept", span=first)
    assert Claim.objects.count() == 1
    page = desk.get(response["Location"]).content.decode()
    assert "already accepted" in page


def test_dismiss_and_restore_a_candidate(desk, article):
    second = spans(desk, article)[1]
    act(desk, article, "dismiss", span=second)
    article.refresh_from_db()
    assert article.dismissed_spans == [[int(x) for x in second.split("-")]]
    page = desk.get(reverse("claims:article", args=[article.pk])).content.decode()
    assert "1 dismissed" in page
    act(desk, article, "restore", span=second)
    article.refresh_from_db()
    assert article.dismissed_spans == []


def test_merging_two_candidates_edits_one_claim_over_both_spans(desk, article):
    both = spans(desk, article)
    response = act(desk, article, "merge", merge=both)
    assert response.status_code == 302
    edit = desk.get(response["Location"])
    assert edit.status_code == 200
    start = int(both[0].split("-")[0])
    end = int(both[1].split("-")[1])
    form = edit.context["form"]
    assert (form.initial["span_start"], form.initial["span_end"]) == (start, end)
    posted = desk.post(
        response["Location"],
        {
            "span_start": start,
            "span_end": end,
            "kind": "quantity",
            "text": "Ukraine shipped over 2,000 tonnes of grain in March 2023; revenue rose 12%.",
            **figure_rows({"value": "2000", "qualifier": "more_than", "unit": "tonne"}),
            "period_start": "2023-03-01",
            "period_end": "2023-03-31",
            "date_precision": "month",
        },
    )
    assert posted.status_code == 302
    claim = Claim.objects.get()
    assert (claim.span_start, claim.span_end) == (start, end)


def test_merging_needs_two_candidates(desk, article):
    response = act(desk, article, "merge", merge=spans(desk, article)[:1])
    assert "at least two" in desk.get(response["Location"]).content.decode()


def test_editing_shows_errors_next_to_the_field_and_saves_nothing(desk, article):
    first = spans(desk, article)[0]
    start, end = first.split("-")
    response = desk.post(
        reverse("claims:candidate-edit", args=[article.pk]),
        {
            "span_start": start,
            "span_end": end,
            "kind": "quantity",
            "text": "Edited.",
            **figure_rows({"value": "2000", "unit": ""}),
            "period_start": "2023-03-01",
        },
    )
    assert response.status_code == 400
    form = response.context["form"]
    assert "A figure needs a unit" in form.figures.forms[0].errors["unit"][0]
    assert "date_precision" in form.errors
    assert Claim.objects.count() == 0


def test_a_span_outside_the_article_is_refused(desk, article):
    response = act(desk, article, "accept", span=f"0-{len(article.body) + 5}")
    assert "outside the article" in desk.get(response["Location"]).content.decode()
    assert Claim.objects.count() == 0


def test_correcting_the_article_facts(desk, article):
    response = desk.post(
        reverse("claims:article", args=[article.pk]),
        {
            "title": "Grain exports surge",
            "publisher": "Desk Wire",
            "author": "A. Writer",
            "published_on": "2023-04-03",
        },
    )
    assert response.status_code == 302
    article.refresh_from_db()
    assert (article.title, article.published_on) == ("Grain exports surge", dt.date(2023, 4, 3))
    assert AuditEvent.objects.filter(action="article.updated").count() == 1
