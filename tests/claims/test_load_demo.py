"""load_demo loads the seed article completely, once, whatever the number of runs."""

from __future__ import annotations

import io

import pytest
from django.contrib.auth import get_user_model
from django.core.management import CommandError, call_command
from django.http import HttpRequest

from claims import demo
from claims.models import Article, Claim
from factcheck.models import AuditEvent
from factcheck.roles import EDITOR, FACT_CHECKER

pytestmark = pytest.mark.django_db


def load(*args: str) -> str:
    out = io.StringIO()
    call_command("load_demo", *args, stdout=out, stderr=io.StringIO())
    return out.getvalue()


def test_load_demo_is_complete():
    output = load()
    article = Article.objects.get()
    assert article.published_on.isoformat() == "2024-01-05"
    assert article.publisher == "The Phnom Penh Post"
    assert article.body == demo.SEED_ARTICLE_PATH.read_text(encoding="utf-8")
    claims = list(Claim.objects.filter(article=article))
    assert len(claims) == len(demo.CLAIMS) >= 15
    for claim in claims:
        assert claim.period_start and claim.period_end and claim.date_precision, claim.text
        assert claim.span_start is not None and claim.span_end > claim.span_start
        assert claim.span_text == article.body[claim.span_start : claim.span_end]
        if claim.kind in ("quantity", "money", "percentage"):
            assert claim.value is not None and claim.unit, claim.text
        # Restated in our words: never the article's own sentence.
        assert claim.text not in article.body
    kinds = {c.kind for c in claims}
    assert {"quantity", "money", "percentage", "date_event"} <= kinds
    containers = Claim.objects.get(unit="container")
    assert (containers.value, containers.qualifier) == (1000, "more_than")
    assert containers.period_start.isoformat() == "2023-10-01"
    exports = Claim.objects.get(unit="USD")
    assert exports.amount == 114_000_000_000
    # One audit event per created claim, from the named system process.
    assert AuditEvent.objects.filter(
        action="claim.created", system_actor="demo-loader"
    ).count() == len(claims)
    assert "password" in output and "editor" in output


def test_load_demo_twice_changes_nothing():
    load()
    users = get_user_model().objects.count()
    claims = set(Claim.objects.values_list("id", "text", "updated_at"))
    events = AuditEvent.objects.count()
    output = load()
    assert set(Claim.objects.values_list("id", "text", "updated_at")) == claims
    assert get_user_model().objects.count() == users
    assert AuditEvent.objects.count() == events
    assert Article.objects.count() == 1
    assert "16 already there" in output or f"{len(demo.CLAIMS)} already there" in output


def test_load_demo_creates_one_user_per_role_who_can_log_in(client):
    load()
    User = get_user_model()
    roles = {
        name: set(User.objects.get(username=name).groups.values_list("name", flat=True))
        for name in ("checker", "editor")
    }
    assert roles == {"checker": {FACT_CHECKER}, "editor": {EDITOR}}
    # Logins are throttled per request (django-axes), so authenticate sees one.
    assert client.login(request=HttpRequest(), username="editor", password="desk-demo-2024")


def test_load_demo_reads_a_given_path(tmp_path):
    body = demo.SEED_ARTICLE_PATH.read_text(encoding="utf-8")
    path = tmp_path / "article.txt"
    path.write_text(body, encoding="utf-8")
    load("--article", str(path))
    assert Claim.objects.filter(span_start__isnull=False).count() == len(demo.CLAIMS)


def test_load_demo_refuses_a_missing_path(tmp_path):
    with pytest.raises(CommandError, match="no article file"):
        load("--article", str(tmp_path / "nope.txt"))
    assert Article.objects.count() == 0
