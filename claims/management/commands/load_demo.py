"""`manage.py load_demo [--article PATH]`: the seed article, its claims and one user per role."""

from __future__ import annotations

import secrets
from pathlib import Path

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from claims import demo
from claims.models import Article, Claim
from claims.services import article_import, claim_create
from factcheck.progress import progress
from factcheck.roles import EDITOR, FACT_CHECKER
from factcheck.services import user_create

DEMO_USERS = [
    ("checker", FACT_CHECKER),
    ("checker2", FACT_CHECKER),
    ("editor", EDITOR),
]
DEMO_PASSWORD = "desk-demo-2024"  # noqa: S105 - development only; production runs get random passwords
SYSTEM = "demo-loader"


class Command(BaseCommand):
    help = "Load the demo article and its claims, and create one demo user per role. Idempotent."

    def add_arguments(self, parser):
        parser.add_argument(
            "--article",
            type=Path,
            help=f"path of the article body (default: {demo.SEED_ARTICLE_PATH} when it exists)",
        )

    def handle(self, *args, **opts):
        body = self._read_body(opts["article"])
        with transaction.atomic():
            article, created = self._article(body)
            made = self._claims(article)
        self.stdout.write(
            f"Article {'created' if created else 'already loaded'}: {article.title} "
            f"({len(article.body):,} characters of body)"
        )
        self.stdout.write(f"Claims: {made} created, {len(demo.CLAIMS) - made} already there.")
        self._users()

    def _read_body(self, path: Path | None) -> str:
        if path is not None:
            if not path.is_file():
                raise CommandError(f"no article file at {path}")
            try:
                return path.read_text(encoding="utf-8")
            except (UnicodeDecodeError, OSError) as exc:
                raise CommandError(f"cannot read {path} as UTF-8 text: {exc}") from None
        if demo.SEED_ARTICLE_PATH.is_file():
            return demo.SEED_ARTICLE_PATH.read_text(encoding="utf-8")
        self.stderr.write(
            f"No article body found at {demo.SEED_ARTICLE_PATH}; loading the claims without spans."
        )
        return ""

    def _article(self, body: str) -> tuple[Article, bool]:
        facts = demo.ARTICLE
        existing = Article.objects.filter(
            title=facts["title"], publisher=facts["publisher"], published_on=facts["published"]
        ).first()
        if existing is not None:
            return existing, False
        return article_import(
            system_actor=SYSTEM,
            title=facts["title"],
            body=body,
            publisher=facts["publisher"],
            author=facts["author"],
            published_on=facts["published"],
            language=facts["language"],
        )

    def _claims(self, article: Article) -> int:
        have = set(Claim.objects.filter(article=article).values_list("text", flat=True))
        made = 0
        for item in progress(
            demo.CLAIMS, total=len(demo.CLAIMS), label="Demo claims", stream=self.stderr
        ):
            if item.text in have:
                continue
            span = demo.locate_span(article.body, item) if article.body else None
            claim_create(
                system_actor=SYSTEM,
                text=item.text,
                kind=item.kind,
                article=article,
                span=span,
                value=item.value,
                qualifier=item.qualifier,
                unit=item.unit,
                scale=item.scale,
                period_start=item.period_start,
                period_end=item.period_end,
                date_precision=item.precision,
                claimant=item.claimant,
                check_worthiness=item.score,
            )
            made += 1
        return made

    def _users(self) -> None:
        User = get_user_model()
        self.stdout.write("Log in at http://127.0.0.1:8000/accounts/login/ as:")
        for name, role in DEMO_USERS:
            if User.objects.filter(username=name).exists():
                note = "(existing user; password unchanged)"
                password = DEMO_PASSWORD if not settings.PRODUCTION else "(unchanged)"
            else:
                password = DEMO_PASSWORD if not settings.PRODUCTION else secrets.token_urlsafe(12)
                user_create(username=name, role=role, password=password, system_actor=SYSTEM)
                note = "(created)"
            self.stdout.write(f"  {role:<13} {name:<10} password: {password}  {note}")
