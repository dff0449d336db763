"""Content-Encoding removed (gzip, deflate) under a cap on the decompressed size."""

from __future__ import annotations

import zlib
from typing import Any

from sources.fetcher.errors import DecodedTooLarge, DecodeError, DecodeTruncated


class ContentDecoder:
    """Incrementally remove a Content-Encoding, refusing to produce more than ``max_bytes``.

    Feed the body in pieces, then call :meth:`finish`. When there is no encoding to remove
    (``identity``), pieces are only counted, not copied, and ``finish`` returns None: the
    caller's own bytes are the decoded body.
    """

    def __init__(self, content_encoding: str | None, max_bytes: int) -> None:
        codings = [
            c.strip().lower()
            for c in (content_encoding or "").split(",")
            if c.strip() and c.strip().lower() != "identity"
        ]
        if len(codings) > 1:
            raise DecodeError(f"stacked Content-Encoding {content_encoding!r} is not supported")
        coding = codings[0] if codings else None
        if coding in ("gzip", "x-gzip"):
            self._wbits: int | None = 16 + zlib.MAX_WBITS
        elif coding == "deflate":
            self._wbits = zlib.MAX_WBITS
        elif coding is None:
            self._wbits = None
        else:
            raise DecodeError(f"unsupported Content-Encoding {coding!r}")
        self.coding = coding
        self.max_bytes = max_bytes
        self._gzip = coding in ("gzip", "x-gzip")
        self._z: Any = None
        self._started = False
        self._out = bytearray()
        self._identity_size = 0
        self._done = False

    @property
    def identity(self) -> bool:
        return self._wbits is None

    def feed(self, data: bytes) -> None:
        if self.identity:
            self._identity_size += len(data)
            self._check(self._identity_size)
            return
        try:
            self._inflate(data)
        except zlib.error as exc:
            if self.coding == "deflate" and not self._started and self._wbits == zlib.MAX_WBITS:
                # Some servers send raw deflate without the zlib header; browsers accept it.
                self._wbits, self._z = -zlib.MAX_WBITS, None
                self._inflate(data)
                return
            raise DecodeError(f"corrupt {self.coding} body: {exc}") from exc

    @property
    def decoded_so_far(self) -> bytes:
        """What has been decoded up to now (the readable prefix of a broken body)."""
        return bytes(self._out)

    def finish(self) -> bytes | None:
        """The decoded body; raises DecodeTruncated if the compressed stream never ended."""
        if self.identity:
            return None
        if self._z is not None and not self._z.eof:
            try:
                self._out += self._z.flush()
            except zlib.error as exc:
                raise DecodeError(f"corrupt {self.coding} body: {exc}") from exc
            self._check(len(self._out))
            # zlib hands back what it could; without the end marker (and, for gzip, the CRC and
            # length trailer) the body is cut short, however whole its HTTP framing looked.
            raise DecodeTruncated(
                f"the {self.coding} body is truncated: its compressed stream stops before its "
                f"end ({len(self._out)} bytes could be decoded)"
            )
        return bytes(self._out)

    def _check(self, size: int) -> None:
        if size > self.max_bytes:
            raise DecodedTooLarge(
                f"body decompresses to more than {self.max_bytes} bytes (limit); "
                "refusing it as a possible compression bomb"
            )

    def _inflate(self, data: bytes) -> None:
        while data and not self._done:
            if self._z is None:
                assert self._wbits is not None  # identity bodies never reach _inflate
                self._z = zlib.decompressobj(self._wbits)
            budget = self.max_bytes - len(self._out) + 1  # one past the cap proves overflow
            out = self._z.decompress(data, budget)
            self._started = True
            self._out += out
            self._check(len(self._out))
            if self._z.unconsumed_tail:
                data = self._z.unconsumed_tail
                continue
            if not self._z.eof:
                return
            data = self._z.unused_data
            self._z = None
            # Concatenated gzip members are one body; trailing NUL padding is not.
            if not self._gzip or not data.strip(b"\0"):
                self._done = True
