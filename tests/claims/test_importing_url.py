"""Importing from a URL goes through the real capture pipeline: worker, Redis, PostgreSQL."""

from __future__ import annotations

import datetime as dt

import pytest
from django.urls import reverse

from claims.models import Article, ArticleImportState
from factcheck.models import AuditEvent
from sources.models import CaptureState
from tests.sources.httpserver import HTTPTestServer, Reply
from tests.support.worker import celery_worker, flush_broker, wait_for

pytestmark = [pytest.mark.worker, pytest.mark.django_db(transaction=True)]

PAGE = (
    b"<html><head><title>Fuel deliveries resume</title>"
    b'<meta name="author" content="Lee Park">'
    b'<meta property="og:site_name" content="Port Gazette">'
    b'<meta property="article:published_time" content="2023-05-10">'
    b"</head><body><article><h1>Fuel deliveries resume</h1>"
    b"<p>Russia sent about 67,300 barrels of refined petroleum in April 2023.</p>"
    b"<p>It was the first delivery since August 2020, the report said.</p>"
    b"</article></body></html>"
)


@pytest.fixture(scope="module")
def worker(django_db_setup):
    flush_broker()
    with celery_worker(concurrency=2) as running:
        yield running


@pytest.fixture
def server():
    with HTTPTestServer() as running:
        running.route("/fuel", Reply(body=PAGE, headers=[("Content-Type", "text/html")]))
        running.route("/gone", Reply(status=404, body=b"no"))
        running.route(
            "/blank",
            Reply(
                body=b"<html><body><div></div></body></html>",
                headers=[("Content-Type", "text/html")],
            ),
        )
        yield running


def settled(article: Article) -> Article:
    def done():
        article.refresh_from_db()
        return article.import_state != ArticleImportState.WAITING and article

    return wait_for(done, timeout=30, what=f"article {article.pk} to finish importing")


def test_url_import_waits_for_the_capture_then_takes_its_text_and_metadata(
    worker, server, client, fact_checker
):
    client.force_login(fact_checker)
    response = client.post(
        reverse("claims:article-import"), {"mode": "url", "url-url": server.url("/fuel")}
    )
    article = Article.objects.get()
    assert response["Location"] == reverse("claims:article", args=[article.pk])
    article = settled(article)
    assert article.import_state == ArticleImportState.READY
    assert article.import_capture.state == CaptureState.ARCHIVED
    assert (article.title, article.author, article.publisher) == (
        "Fuel deliveries resume",
        "Lee Park",
        "Port Gazette",
    )
    assert article.published_on == dt.date(2023, 5, 10)
    assert "67,300 barrels" in article.body
    status = client.get(reverse("claims:article-status", args=[article.pk])).json()
    assert status["import_state"] == "ready"
    page = client.get(reverse("claims:article", args=[article.pk])).content.decode()
    assert '<mark id="span-' in page
    # The same URL again is the same article.
    client.post(reverse("claims:article-import"), {"mode": "url", "url-url": server.url("/fuel")})
    assert Article.objects.count() == 1


def test_url_import_of_a_missing_page_fails_with_the_reason(worker, server, client, fact_checker):
    client.force_login(fact_checker)
    client.post(reverse("claims:article-import"), {"mode": "url", "url-url": server.url("/gone")})
    article = settled(Article.objects.get())
    assert article.import_state == ArticleImportState.FAILED
    assert "404" in article.import_error
    page = client.get(reverse("claims:article", args=[article.pk])).content.decode()
    assert "The import failed" in page
    event = AuditEvent.objects.get(object_type="claims.article", action="article.import_failed")
    assert event.actor_name == "article-importer"
    assert "404" in event.after["reason"]


def test_url_import_of_a_page_without_text_fails_and_says_so_in_the_log(
    worker, server, client, fact_checker
):
    client.force_login(fact_checker)
    client.post(reverse("claims:article-import"), {"mode": "url", "url-url": server.url("/blank")})
    article = settled(Article.objects.get())
    assert article.import_state == ArticleImportState.FAILED
    assert "no readable text" in article.import_error
    event = AuditEvent.objects.get(object_type="claims.article", action="article.import_failed")
    assert (event.object_id, event.actor_name) == (str(article.pk), "article-importer")
    assert "no readable text" in event.after["reason"]
