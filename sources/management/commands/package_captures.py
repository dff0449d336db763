"""manage.py package_captures: package (sign, timestamp) web captures that have no WACZ yet."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from factcheck.progress import progress
from sources.models import Capture, CaptureState
from sources.wacz import package_capture


class Command(BaseCommand):
    help = (
        "Write the WACZ package of every archived or partial web capture that has none (those "
        "archived before packaging existed, or whose packaging failed or was cut off), or of the "
        "captures given by id. Each result, or its reason, is recorded on the capture."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("capture_ids", nargs="*", type=int, help="only these captures")

    def handle(self, *args: Any, **options: Any) -> None:
        captures = (
            Capture.objects.filter(state__in=[CaptureState.ARCHIVED, CaptureState.PARTIAL])
            .exclude(warc="")
            .exclude(requested_url="")
        )
        if options["capture_ids"]:
            captures = captures.filter(pk__in=options["capture_ids"])
        else:
            captures = captures.filter(wacz="")
        todo = list(captures.select_related("same_payload_as").order_by("pk"))
        failed = []
        for capture in progress(todo, total=len(todo), label="Packaging", stream=self.stderr):
            if package_capture(capture) is None:
                failed.append(f"capture {capture.pk}: {capture.wacz_problem}")
        self.stdout.write(f"{len(todo) - len(failed)} of {len(todo)} captures packaged.")
        if failed:
            raise CommandError("not packaged:\n" + "\n".join(failed))
