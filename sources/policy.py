"""The fetcher's limits as the settings give them: one FetchPolicy for every outbound request."""

from __future__ import annotations

from django.conf import settings

from sources import fetcher


def fetch_policy() -> fetcher.FetchPolicy:
    """The fetcher's limits, from settings (the only place they are read)."""
    return fetcher.FetchPolicy(
        allow_private=settings.FETCH_ALLOW_PRIVATE,
        connect_timeout=settings.FETCH_CONNECT_TIMEOUT,
        total_timeout=settings.FETCH_TOTAL_TIMEOUT,
        max_bytes=settings.FETCH_MAX_BYTES,
        max_decompressed_bytes=settings.FETCH_MAX_BYTES,
        max_redirects=settings.FETCH_MAX_REDIRECTS,
        user_agent=settings.FETCH_USER_AGENT,
    )
