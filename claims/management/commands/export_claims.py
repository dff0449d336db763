"""`manage.py export_claims [--format csv|jsonl] [--verdicts] [filters] [-o PATH]`: every claim
matching the queue's filters (or their published verdicts), streamed in keyset batches with a
progress bar on stderr. An operator's export: it sees every claim and every rating.
"""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError, CommandParser

from claims import deadlines
from claims.export import (
    CLAIM_COLUMNS,
    FORMATS,
    VERDICT_COLUMNS,
    claim_cells,
    claim_records,
    csv_lines,
    jsonl_lines,
    verdict_records,
)
from claims.models import Article, Claim, ClaimKind, ClaimState, RatingScale, VerdictVersion
from claims.selectors import QueueFilters, filter_queue
from factcheck.progress import progress


class Command(BaseCommand):
    help = "Export claims (or their verdicts) as CSV or JSON Lines, with the queue's filters."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--format", choices=sorted(FORMATS), default="csv")
        parser.add_argument(
            "--verdicts", action="store_true", help="one row per published verdict version"
        )
        parser.add_argument("-o", "--output", help="file to write (default: standard output)")
        parser.add_argument("--state", choices=ClaimState.values)
        parser.add_argument("--kind", choices=ClaimKind.values)
        parser.add_argument("--assignee", help="a username, or `none` for unassigned claims")
        parser.add_argument("--article", type=int, help="an article id")
        parser.add_argument("--rating", help="a rating scale slug (the published verdict's)")
        parser.add_argument("--q", help="full-text search in the claim's statement")
        parser.add_argument("--priority", choices=deadlines.priority_slugs())
        parser.add_argument("--due", choices=sorted(deadlines.DUE_FILTERS))

    def _filters(self, options: dict[str, Any]) -> QueueFilters:
        assignee = options["assignee"] or ""
        if assignee and assignee != "none":
            user = get_user_model().objects.filter(username=assignee).first()
            if user is None:
                raise CommandError(f"--assignee: no user {assignee!r}")
            assignee = str(user.pk)
        if options["article"] and not Article.objects.filter(pk=options["article"]).exists():
            raise CommandError(f"--article: no article {options['article']}")
        if options["rating"] and not RatingScale.objects.filter(slug=options["rating"]).exists():
            slugs = ", ".join(RatingScale.objects.order_by("order").values_list("slug", flat=True))
            raise CommandError(f"--rating: no rating {options['rating']!r}; one of {slugs}")
        return QueueFilters(
            state=options["state"] or "",
            kind=options["kind"] or "",
            assignee=assignee,
            article=options["article"],
            rating=options["rating"] or "",
            q=options["q"] or "",
            priority=options["priority"] or "",
            due=options["due"] or "",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        claims = filter_queue(Claim.objects.all(), self._filters(options))
        fmt = options["format"]
        if options["verdicts"]:
            total = VerdictVersion.objects.filter(
                claim__in=claims.order_by().values("id"), published_at__isnull=False
            ).count()
            records = progress(verdict_records(claims), total=total, label="verdicts")
            lines = csv_lines(records, VERDICT_COLUMNS) if fmt == "csv" else jsonl_lines(records)
        else:
            total = claims.order_by().count()
            records = progress(claim_records(claims, None), total=total, label="claims")
            lines = (
                csv_lines(records, CLAIM_COLUMNS, claim_cells)
                if fmt == "csv"
                else jsonl_lines(records)
            )
        path = options["output"]
        if path is None:
            self._write(lines, sys.stdout)
        else:
            try:
                with Path(path).open("w", encoding="utf-8", newline="") as out:
                    self._write(lines, out)
            except OSError as exc:
                raise CommandError(f"cannot write {path}: {exc.strerror or exc}") from None
        if path:
            what = "verdict versions" if options["verdicts"] else "claims"
            self.stderr.write(f"{total} {what} written to {path}")

    @staticmethod
    def _write(lines: Any, target: Any) -> None:
        for line in lines:
            target.write(line)
