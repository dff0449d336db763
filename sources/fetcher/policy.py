"""What a fetch may do (FetchPolicy) and what it returns (FetchResult, PostResult)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

DEFAULT_USER_AGENT = (
    "FactcheckDeskArchiver/0.1 (archives pages cited in fact-checks; python http.client)"
)
REDIRECT_STATUSES = frozenset({301, 302, 303, 307, 308})
TRANSIENT_STATUSES = frozenset({408, 429})
READ_CHUNK = 64 * 1024
MiB = 1024 * 1024


@dataclass(frozen=True)
class FetchPolicy:
    allow_private: bool = False  # development and tests only; production settings must refuse
    connect_timeout: float = 10.0
    total_timeout: float = 60.0
    max_bytes: int = 50 * MiB
    max_decompressed_bytes: int = 50 * MiB
    max_redirects: int = 5
    user_agent: str = DEFAULT_USER_AGENT
    # Extra CA bundle (PEM) trusted in addition to certifi's, for tests or a private PKI.
    ca_file: str | None = None


@dataclass
class FetchResult:
    requested_url: str
    final_url: str
    redirect_chain: list[dict[str, Any]]  # [{"url", "status", "location"}], oldest first
    status: int
    reason: str
    http_version: str  # "HTTP/1.1" or "HTTP/1.0"
    headers: list[tuple[str, str]]  # as received: order and duplicates kept
    content_type: str | None
    content_encoding: str | None
    body: bytes  # entity body as received, de-chunked but still content-encoded
    decoded_body: bytes  # body with Content-Encoding removed
    peer_ip: str
    request_method: str
    request_target: str  # path and query sent in the request line
    request_headers: list[tuple[str, str]]  # exactly what was sent, in order
    started_at: datetime
    fetched_at: datetime  # when the final request was sent (WARC-Date)
    ended_at: datetime
    elapsed_ms: int

    @property
    def status_line(self) -> str:
        return f"{self.http_version} {self.status} {self.reason}".rstrip()

    @property
    def request_line(self) -> str:
        return f"{self.request_method} {self.request_target} {self.http_version}"

    def header(self, name: str) -> str | None:
        name = name.lower()
        return next((v for k, v in self.headers if k.lower() == name), None)


@dataclass
class PostResult:
    """The answer to a POST, whatever its status: the caller decides what counts as success."""

    url: str
    status: int
    reason: str
    headers: list[tuple[str, str]]
    body_excerpt: bytes  # at most the first `excerpt_bytes` of the response body
    peer_ip: str
    request_headers: list[tuple[str, str]]
    elapsed_ms: int

    def header(self, name: str) -> str | None:
        name = name.lower()
        return next((v for k, v in self.headers if k.lower() == name), None)
