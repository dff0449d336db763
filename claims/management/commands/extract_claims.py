"""`manage.py extract_claims PATH [--published YYYY-MM-DD] --format json`: candidate claims."""

from __future__ import annotations

import codecs
import datetime as dt
import json
import sys
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from claims.extraction import MAX_TEXT_CHARS, UnreadableTextError, extract_claims

# Four bytes per character at most in UTF-8: enough for every character that gets scanned.
MAX_READ_BYTES = 4 * MAX_TEXT_CHARS + 4


def _read(path: str) -> tuple[bytes, bool]:
    """The first MAX_READ_BYTES of the file (or stdin for "-") and whether there was more."""
    try:
        if path == "-":
            stream = getattr(sys.stdin, "buffer", None)
            if stream is None:
                data = sys.stdin.read(MAX_TEXT_CHARS + 1).encode("utf-8")
                return data, False
            data = stream.read(MAX_READ_BYTES + 1)
        else:
            with Path(path).open("rb") as handle:
                data = handle.read(MAX_READ_BYTES + 1)
    except FileNotFoundError:
        raise CommandError(f"cannot read {path}: no such file") from None
    except IsADirectoryError:
        raise CommandError(f"cannot read {path}: it is a directory") from None
    except OSError as exc:
        raise CommandError(f"cannot read {path}: {exc.strerror or exc}") from None
    return data[:MAX_READ_BYTES], len(data) > MAX_READ_BYTES


def _decode(path: str, data: bytes, truncated: bool) -> str:
    if b"\x00" in data:
        raise CommandError(f"{path} looks like a binary file (it contains NUL bytes), not text")
    decoder = codecs.getincrementaldecoder("utf-8-sig")()
    try:
        return decoder.decode(data, final=not truncated)
    except UnicodeDecodeError as exc:
        raise CommandError(
            f"{path} is not UTF-8 text (byte {exc.start}): convert it first, "
            "e.g. iconv -f WINDOWS-1252 -t UTF-8"
        ) from None


def _published(value: str | None) -> dt.date | None:
    if not value:
        return None
    try:
        return dt.date.fromisoformat(value)
    except ValueError:
        raise CommandError(f"--published must be a date as YYYY-MM-DD, not {value!r}") from None


class Command(BaseCommand):
    help = (
        "Print the candidate claims found in an article's text (a file, or '-' for stdin): "
        "span, kind, score, figures and dates."
    )

    def add_arguments(self, parser):
        parser.add_argument("path", help="a UTF-8 text file, or - to read stdin")
        parser.add_argument(
            "--published",
            help="the article's publication date, YYYY-MM-DD: relative dates resolve against it",
        )
        parser.add_argument("--format", choices=("json", "text"), default="json")

    def handle(self, *args, **opts):
        published = _published(opts["published"])
        path = opts["path"]
        data, truncated = _read(path)
        text = _decode(path, data, truncated)
        try:
            candidates = extract_claims(text, published)
        except UnreadableTextError as exc:
            raise CommandError(f"{path}: {exc}") from None
        if truncated or len(text) > MAX_TEXT_CHARS:
            self.stderr.write(f"note: only the first {MAX_TEXT_CHARS:,} characters were scanned")
        if opts["format"] == "json":
            payload = [candidate.to_dict() for candidate in candidates]
            self.stdout.write(json.dumps(payload, ensure_ascii=False, indent=2))
            return
        for candidate in candidates:
            self.stdout.write(self._as_text(candidate))
        self.stdout.write(f"{len(candidates)} candidate claim(s)")

    @staticmethod
    def _as_text(candidate) -> str:
        lines = [
            f"[{candidate.score:.2f} {candidate.kind}] {candidate.span.start}-{candidate.span.end}"
            + (f" ({candidate.claimant})" if candidate.claimant else ""),
            "    " + " ".join(candidate.text.split()),
        ]
        for figure in candidate.figures:
            scale = f" {figure.scale}" if figure.scale else ""
            lines.append(
                f"    figure: {figure.qualifier} {figure.value}{scale} {figure.unit} "
                f"= {figure.amount} ({figure.kind}; {figure.raw!r})"
            )
        for date in candidate.dates:
            lines.append(
                f"    date: {date.start.isoformat()}..{date.end.isoformat()} {date.precision} "
                f"({date.role}, {date.source}; {date.raw!r})"
            )
        return "\n".join(lines)
