"""`manage.py capture URL [--claim ID] [--wait] --format json`: archive a URL from the shell."""

from __future__ import annotations

import json
import time

from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from claims.models import Claim
from factcheck.errors import DomainError
from sources.models import Capture, CaptureState
from sources.normalise import InvalidURL, normalise_url
from sources.services import capture_request, source_for_url, source_link

OPERATOR = "operator-cli"


def capture_facts(capture: Capture) -> dict:
    return {
        "capture": capture.pk,
        "source": capture.source_id,
        "url": capture.requested_url,
        "state": capture.state,
        "reason": capture.failure_reason,
        "attempts": capture.attempts,
        "final_url": capture.final_url,
        "redirect_chain": capture.redirect_chain,
        "http_status": capture.http_status,
        "content_type": capture.content_type,
        "size": capture.size,
        "sha256": capture.sha256,
        "warc": capture.warc.name if capture.warc else None,
        "title": capture.title,
        "text_chars": len(capture.text),
    }


class Command(BaseCommand):
    help = "Capture a URL (optionally linking it to a claim); exit 1 unless it ends archived."

    def add_arguments(self, parser):
        parser.add_argument("url")
        parser.add_argument("--claim", type=int, help="link the source to this claim")
        parser.add_argument("--wait", action="store_true", help="wait for the capture to finish")
        parser.add_argument("--timeout", type=float, default=300.0, help="seconds to wait")
        parser.add_argument("--format", choices=["json", "text"], default="text")

    def handle(self, *args, **opts):
        try:
            normalised = normalise_url(opts["url"])
        except InvalidURL as exc:
            raise CommandError(f"this URL cannot be archived: {exc}") from None
        with transaction.atomic():
            if opts["claim"] is not None:
                claim = Claim.objects.filter(pk=opts["claim"]).first()
                if claim is None:
                    raise CommandError(f"no claim with id {opts['claim']}")
                try:
                    source_link(actor=None, system_actor=OPERATOR, claim=claim, url=normalised)
                except DomainError as exc:
                    raise CommandError(exc.message) from None
            source, _ = source_for_url(normalised)
            pending = source.captures.filter(
                state__in=[CaptureState.QUEUED, CaptureState.FETCHING]
            ).first()
            capture = pending or capture_request(source=source, system_actor=OPERATOR)
        capture_id = capture.pk
        deadline = time.monotonic() + opts["timeout"]
        capture = Capture.objects.get(pk=capture_id)
        while opts["wait"] and capture.is_pending and time.monotonic() < deadline:
            time.sleep(0.5)
            capture = Capture.objects.get(pk=capture_id)
        facts = capture_facts(capture)
        if opts["format"] == "json":
            self.stdout.write(json.dumps(facts, indent=2))
        else:
            for key, value in facts.items():
                self.stdout.write(f"{key:>14}: {value}")
        if capture.state != CaptureState.ARCHIVED:
            raise SystemExit(1)
