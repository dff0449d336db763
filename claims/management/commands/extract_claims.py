"""`manage.py extract_claims PATH [--published YYYY-MM-DD] --format json`: candidate claims.

With `--jsonl`, PATH holds one JSON object per line, `{"id", "text", "published"}`, and the
command prints one JSON object per line in the same order, `{"id", "claims": [...]}`, all in one
process (for batch use). A line that cannot be read gets `{"id", "line", "error"}` in its place
and the batch goes on; the exit status is 1 when any line failed.
"""

from __future__ import annotations

import codecs
import datetime as dt
import json
import sys
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from claims.extraction import MAX_TEXT_CHARS, Candidate, UnreadableTextError, extract_claims

# Four bytes per character at most in UTF-8: enough for every character that gets scanned.
MAX_READ_BYTES = 4 * MAX_TEXT_CHARS + 4


def _unreadable(path: str, exc: OSError) -> CommandError:
    if isinstance(exc, FileNotFoundError):
        return CommandError(f"cannot read {path}: no such file")
    if isinstance(exc, IsADirectoryError):
        return CommandError(f"cannot read {path}: it is a directory")
    return CommandError(f"cannot read {path}: {exc.strerror or exc}")


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
    except OSError as exc:
        raise _unreadable(path, exc) from None
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


def _open_lines(path: str):
    """The file (or stdin for "-") as binary lines, read as they come."""
    if path == "-":
        return getattr(sys.stdin, "buffer", None) or (line.encode("utf-8") for line in sys.stdin)
    try:
        return Path(path).open("rb")
    except OSError as exc:
        raise _unreadable(path, exc) from None


def _batch_item(raw: bytes, default: dt.date | None) -> tuple[object, list[Candidate]]:
    """(id, candidates) for one JSONL line; ValueError with the reason when it is unusable."""
    try:
        item = json.loads(raw.decode("utf-8"))
    except UnicodeDecodeError as exc:
        raise ValueError(f"not UTF-8 (byte {exc.start})") from None
    except json.JSONDecodeError as exc:
        raise ValueError(f"not JSON: {exc.msg} at column {exc.colno}") from None
    if not isinstance(item, dict):
        raise ValueError('each line must be a JSON object {"id", "text", "published"}')
    ident = item.get("id")
    text = item.get("text")
    if not isinstance(text, str):
        raise _ItemError(ident, '"text" must be a string')
    published = default
    if item.get("published"):
        try:
            published = dt.date.fromisoformat(str(item["published"])[:10])
        except ValueError:
            raise _ItemError(
                ident, f'"published" must be a date as YYYY-MM-DD, not {item["published"]!r}'
            ) from None
    if len(text) > MAX_TEXT_CHARS:
        text = text[:MAX_TEXT_CHARS]
    try:
        return ident, extract_claims(text, published)
    except UnreadableTextError as exc:
        raise _ItemError(ident, str(exc)) from None


class _ItemError(ValueError):
    """A line that is JSON with an id but cannot be extracted: the id goes into the error."""

    def __init__(self, ident: object, message: str) -> None:
        super().__init__(message)
        self.ident = ident


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
        parser.add_argument(
            "--jsonl",
            action="store_true",
            help='PATH has one {"id", "text", "published"} object per line; '
            "print one result per line",
        )

    def handle(self, *args, **opts):
        published = _published(opts["published"])
        path = opts["path"]
        if opts["jsonl"]:
            self._batch(path, published)
            return
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

    def _batch(self, path: str, published: dt.date | None) -> None:
        failed = 0
        lines = _open_lines(path)
        try:
            for number, raw in enumerate(lines, start=1):
                if not raw.strip():
                    continue
                try:
                    ident, candidates = _batch_item(raw, published)
                except _ItemError as exc:
                    failed += 1
                    result = {"id": exc.ident, "line": number, "error": str(exc)}
                except ValueError as exc:
                    failed += 1
                    result = {"id": None, "line": number, "error": str(exc)}
                else:
                    result = {"id": ident, "claims": [c.to_dict() for c in candidates]}
                self.stdout.write(json.dumps(result, ensure_ascii=False))
        finally:
            close = getattr(lines, "close", None)
            if close is not None and path != "-":
                close()
        if failed:
            raise CommandError(f"{failed} line(s) of {path} could not be read: see their errors")

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
