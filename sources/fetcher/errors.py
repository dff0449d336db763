"""Why a fetch failed: the errors callers catch, each with a reason a journalist can read."""

from __future__ import annotations

from sources.fetcher.policy import FetchResult


class FetchError(Exception):
    """Base class; ``reason`` is a sentence a journalist can read."""

    def __init__(self, reason: str, *, url: str | None = None, status: int | None = None) -> None:
        super().__init__(reason)
        self.reason = reason
        self.url = url
        self.status = status


class Blocked(FetchError):
    """Refused for safety (scheme, credentials in URL, or a non-public address); never retry."""


class PermanentFailure(FetchError):
    """Retrying will not help (4xx, too large, redirect loop, invalid URL...)."""


class TransientFailure(FetchError):
    """May succeed later (timeouts, resets, DNS failure, 5xx, 408, 429)."""

    def __init__(
        self,
        reason: str,
        *,
        url: str | None = None,
        status: int | None = None,
        retry_after: float | None = None,
    ) -> None:
        super().__init__(reason, url=url, status=status)
        self.retry_after = retry_after


class _BodyProblem:
    """Mixin of the errors raised after part of a body arrived: what came is kept.

    ``received`` is the entity body as it arrived (de-chunked, still content-encoded) and
    ``decoded`` what of it could be decoded; :func:`fetch` adds ``partial``, the whole exchange
    as a :class:`FetchResult` (so a capture can archive the bytes and say they are incomplete).
    """

    received: bytes = b""
    decoded: bytes = b""
    partial: FetchResult | None = None
    warc_truncated: str | None = None  # WARC-Truncated value when the bytes stop early


class TruncatedBody(_BodyProblem, TransientFailure):
    """The connection closed before the body its framing announced had arrived (may recover)."""

    warc_truncated = "disconnect"


class MalformedBody(_BodyProblem, PermanentFailure):
    """The body does not match its framing or does not decode; retrying gives the same bytes."""


def _body_problem(
    cls: type[TruncatedBody] | type[MalformedBody],
    reason: str,
    *,
    url: str,
    status: int | None,
    received: bytes,
    decoded: bytes,
) -> TruncatedBody | MalformedBody:
    exc = cls(reason, url=url, status=status)
    exc.received, exc.decoded = received, decoded
    return exc


class DecodeError(ValueError):
    """The body's Content-Encoding is unsupported or corrupt."""


class DecodeTruncated(DecodeError):
    """The compressed stream stops before its end marker: the body was cut short."""


class DecodedTooLarge(DecodeError):
    """Decompressing the body would exceed the configured cap (e.g. a gzip bomb)."""
