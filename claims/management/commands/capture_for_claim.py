"""`manage.py capture_for_claim --claim ID URL [URL ...] [-i FILE] [--wait] --format json`: link
URLs to a claim as its sources and archive them (the archive's `capture` command, plus the link).

Everything else (URL lists, JSON output, waiting, the exit status) is the `capture` command's:
the links and the captures are made in one transaction, so a URL that cannot be linked leaves
nothing behind.
"""

from __future__ import annotations

from django.core.management.base import CommandError

from claims.evidence.services import source_link
from claims.models import Claim
from factcheck.errors import DomainError
from sources.management.commands.capture import OPERATOR
from sources.management.commands.capture import Command as CaptureCommand


class Command(CaptureCommand):
    help = "Link URLs to a claim and capture them; exit 1 unless every capture ends archived."

    def add_arguments(self, parser):
        super().add_arguments(parser)
        parser.add_argument(
            "--claim", type=int, required=True, help="link the sources to this claim"
        )

    def before_queue(self, urls: list[str], opts: dict) -> None:
        claim = Claim.objects.filter(pk=opts["claim"]).first()
        if claim is None:
            raise CommandError(f"no claim with id {opts['claim']}")
        for url in dict.fromkeys(urls):
            try:
                source_link(actor=None, system_actor=OPERATOR, claim=claim, url=url)
            except DomainError as exc:
                raise CommandError(exc.message) from None
