"""Where a capture's files go in storage: one deterministic WARC name per capture, page images."""

from __future__ import annotations

import io
from typing import IO

from django.core.files import File
from django.core.files.storage import default_storage

SOFTWARE = "factcheck-desk capture 0.1"


def _warc_name(capture_id: int) -> str:
    # One deterministic name per capture: a capture run twice overwrites, never duplicates.
    return f"warcs/{capture_id // 1000:04d}/capture-{capture_id}.warc.gz"


def _store(name: str, fileobj: IO[bytes]) -> str:
    if default_storage.exists(name):
        default_storage.delete(name)
    return default_storage.save(name, File(fileobj))


def _page_image_name(capture_id: int) -> str:
    return f"renders/{capture_id // 1000:04d}/capture-{capture_id}-page-1.png"


def _bytes_file(data: bytes) -> IO[bytes]:
    return io.BytesIO(data)
