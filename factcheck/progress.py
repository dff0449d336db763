"""A small progress bar for management commands that loop (written to stderr)."""

from __future__ import annotations

import sys
from collections.abc import Iterable, Iterator
from typing import TextIO, TypeVar

T = TypeVar("T")


def progress(
    items: Iterable[T], *, total: int, label: str, stream: TextIO | None = None, width: int = 30
) -> Iterator[T]:
    """Yield items while drawing `label [#####     ] n/total` on one line."""
    out = stream or sys.stderr
    done = 0
    # Redraw in place on a terminal; in a log, write only the finished bar.
    live = getattr(out, "isatty", lambda: False)()

    def draw() -> None:
        if not live and done < total:
            return
        filled = width if total == 0 else int(width * done / total)
        out.write(f"\r{label} [{'#' * filled}{' ' * (width - filled)}] {done}/{total}")
        out.flush()

    draw()
    for item in items:
        yield item
        done += 1
        draw()
    out.write("\n")
    out.flush()
