"""`manage.py capture URL [URL ...] [-i FILE] [--wait] --format json`: archive URLs from the
shell (linking them to a claim is the desk's command: `manage.py capture_for_claim`).

One URL prints that capture's facts (a JSON object with ``--format json``); several URLs, given
on the command line or one per line in a file (``-i urls.txt``, ``-i -`` for stdin; blank lines
and ``#`` comments skipped), print a JSON list in the order given. The captures are queued in one
transaction, so a list holding a URL that cannot be archived is refused whole with every bad line
named, and nothing is queued. The exit status is 0 only when every capture ended archived.
``--browser`` captures with Chromium instead (sources/browser/): the facts then carry the
screenshot, the provenance, and the WACZ with its signature and timestamp (null until packaged).
A list from a file waits behind the captures people asked for (sources/priorities.py).
"""

from __future__ import annotations

import io
import json
import sys
import time
from collections.abc import Iterator

from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from factcheck.errors import DomainError
from factcheck.progress import progress
from sources import priorities
from sources.browser.capture import browser_capture_request
from sources.models import Capture, CaptureKind, CaptureState
from sources.normalise import InvalidURL, normalise_url
from sources.services import capture_request_many, source_for_url

OPERATOR = "operator-cli"
MAX_URLS = 10_000  # one transaction; split bigger lists into several runs


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
        "text_status": capture.text_status,
        "text_reason": capture.text_reason,
        "kind": capture.kind,
        "screenshot": capture.screenshot.name if capture.screenshot else None,
        "provenance": capture.provenance or None,
        # The WACZ package (sources/wacz.py), its signature and timestamp: null until packaged.
        "wacz": capture.wacz.name if capture.wacz else None,
        "signed": capture.is_signed if capture.wacz else None,
        "timestamped": capture.is_timestamped if capture.wacz else None,
        "package_problem": capture.wacz_problem or None,
    }


class Command(BaseCommand):
    help = "Capture URLs; exit 1 unless every capture ends archived."

    def add_arguments(self, parser):
        parser.add_argument("urls", nargs="*", metavar="URL")
        parser.add_argument(
            "-i",
            "--input",
            metavar="FILE",
            help="read URLs from FILE, one per line ('-' for stdin)",
        )
        parser.add_argument("--wait", action="store_true", help="wait for the captures to finish")
        parser.add_argument("--timeout", type=float, default=300.0, help="seconds to wait")
        parser.add_argument("--format", choices=["json", "text"], default="text")
        parser.add_argument(
            "--browser",
            action="store_true",
            help="capture with the browser (screenshot, rendered text): the capture-browser queue",
        )

    def handle(self, *args, **opts):
        given = [(f"argument {n}", url) for n, url in enumerate(opts["urls"], start=1)]
        if opts["input"]:
            given += self._read_list(opts["input"])
        if not given:
            raise CommandError("give at least one URL, or a file of URLs with -i FILE")
        if len(given) > MAX_URLS:
            raise CommandError(f"{len(given)} URLs is more than {MAX_URLS} in one run: split it")
        normalised = self._normalise_all(given)
        with transaction.atomic():
            self.before_queue(normalised, opts)
            batch = bool(opts["input"])
            if opts["browser"]:
                captures = self._queue_browser(normalised, batch=batch)
            else:
                captures = self._queue(normalised, batch=batch)
        captures = self._wait(captures, opts["wait"], opts["timeout"])
        facts = [capture_facts(capture) for capture in captures]
        several = len(given) > 1 or bool(opts["input"])
        if opts["format"] == "json":
            self.stdout.write(json.dumps(facts if several else facts[0], indent=2))
        elif several:
            for fact in facts:
                self.stdout.write(f"{fact['state']:<9} {fact['capture']:>8}  {fact['url']}")
        else:
            for key, value in facts[0].items():
                self.stdout.write(f"{key:>14}: {value}")
        if any(capture.state != CaptureState.ARCHIVED for capture in captures):
            raise SystemExit(1)

    def _read_list(self, path: str) -> list[tuple[str, str]]:
        try:
            if path == "-":
                lines = sys.stdin.read().splitlines()
            else:
                with open(path, encoding="utf-8") as handle:
                    lines = handle.read().splitlines()
        except OSError as exc:
            raise CommandError(f"cannot read {path}: {exc.strerror or exc}") from None
        except UnicodeDecodeError:
            raise CommandError(f"{path} is not UTF-8 text: give one URL per line") from None
        return [
            (f"line {n}", line.strip())
            for n, line in enumerate(lines, start=1)
            if line.strip() and not line.lstrip().startswith("#")
        ]

    def _normalise_all(self, given: list[tuple[str, str]]) -> list[str]:
        normalised, problems = [], []
        for where, url in given:
            try:
                normalised.append(normalise_url(url))
            except InvalidURL as exc:
                problems.append(f"{where}: {url[:200]!r}: {exc}")
        if problems:
            shown = "\n  ".join(problems[:20])
            more = f"\n  ... and {len(problems) - 20} more" if len(problems) > 20 else ""
            raise CommandError(
                f"nothing was queued: {len(problems)} URL(s) cannot be archived:\n  {shown}{more}"
            )
        return normalised

    def before_queue(self, urls: list[str], opts: dict) -> None:
        """A subclass's step in the same transaction, before the captures are queued."""

    def _queue_browser(self, urls: list[str], *, batch: bool) -> list[Capture]:
        """A new browser capture per URL."""
        priority = priorities.BATCH if batch else priorities.PERSON
        with transaction.atomic():
            try:
                sources = {
                    url: source_for_url(url, system_actor=OPERATOR)[0]
                    for url in dict.fromkeys(urls)
                }
                captures = {
                    url: browser_capture_request(
                        source=source, system_actor=OPERATOR, priority=priority
                    )
                    for url, source in sources.items()
                }
            except DomainError as exc:
                raise CommandError(exc.message) from None
        return [captures[url] for url in urls]

    def _queue(self, urls: list[str], *, batch: bool) -> list[Capture]:
        """A capture per URL: the one already pending for its source, else a new one."""
        with transaction.atomic():
            try:
                sources = {
                    url: source_for_url(url, system_actor=OPERATOR)[0]
                    for url in dict.fromkeys(urls)
                }
            except DomainError as exc:
                raise CommandError(exc.message) from None
            waiting = [CaptureState.QUEUED, CaptureState.FETCHING]
            pending = {
                capture.source_id: capture
                # a browser follow-up waiting is not this capture
                for capture in Capture.objects.latest_per_source(
                    state__in=waiting, kind=CaptureKind.HTTP
                ).filter(source__in=sources.values())
            }
            wanted = [s for s in sources.values() if s.pk not in pending]
            queued = capture_request_many(sources=wanted, system_actor=OPERATOR, batch=batch)
            for capture in queued:
                pending[capture.source_id] = capture
        return [pending[sources[url].pk] for url in urls]

    def _wait(self, captures: list[Capture], wait: bool, timeout: float) -> list[Capture]:
        ids = list(dict.fromkeys(capture.pk for capture in captures))
        fresh = Capture.objects.select_related("source").in_bulk(ids)
        if wait:
            stream = self.stderr if len(ids) > 1 else io.StringIO()  # no bar for one capture
            settling = self._settling(fresh, time.monotonic() + timeout)
            for _ in progress(settling, total=len(ids), label="captures", stream=stream):
                pass
        return [fresh[capture.pk] for capture in captures]

    def _settling(self, fresh: dict[int, Capture], deadline: float) -> Iterator[int]:
        """Yield each capture's id as it settles (for the progress bar), polling the database."""
        waiting = [pk for pk, capture in fresh.items() if capture.is_pending]
        yield from (pk for pk, capture in fresh.items() if not capture.is_pending)
        while waiting and time.monotonic() < deadline:
            time.sleep(0.5)
            fresh.update(Capture.objects.select_related("source").in_bulk(waiting))
            yield from (pk for pk in waiting if not fresh[pk].is_pending)
            waiting = [pk for pk in waiting if fresh[pk].is_pending]
