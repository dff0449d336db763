"""The only code that opens outbound connections: a guarded HTTP(S) GET for archiving sources,
and a guarded POST (no redirects followed) for webhook deliveries.

This package is the façade: import from `sources.fetcher` (`fetch`, `post`, the policy, the
errors), not from its modules, which are split by concept: errors, policy (what a fetch may do
and returns), addresses (the checks and pinning), transport (one hop: socket, TLS, deadlines),
body (framing), decoding (Content-Encoding), getting (GET with redirects), posting (POST).

Design notes (why it looks like this):

* Every hop (the first request and each redirect) goes through :func:`check_target`: the URL is
  validated, the host is resolved exactly once, *every* resolved address is checked, and the
  socket is then connected to one of those checked addresses (never to the name again), so a DNS
  answer that changes between check and connect (rebinding) cannot reach an internal address.
* requests-hardened uses the same pinning trick but was not enough on its own: it checks only the
  first getaddrinfo answer, its switch can allow loopback but not RFC 1918 ranges, it relies on
  ``ipaddress.is_private`` which on this Python misses fec0::/10, ::/96 (IPv4-compatible) and
  multicast-by-default, and requests itself reads proxies and .netrc from the environment, hides
  the raw (still content-encoded) bytes and the peer address, and has no wall-clock deadline.
  So the transport here is ``http.client`` over a socket we connect ourselves, with the TLS
  hostname verified against the URL's host (SNI included) while connecting to the pinned IP.
* A watchdog thread shuts the socket down when ``total_timeout`` expires, so a server that drips
  one byte per second (in the headers or the body) is cut off on time; per-read timeouts alone
  would never fire.
* ``FetchResult.body`` is the entity body exactly as received after removing chunked transfer
  coding (still gzip/deflate if the server compressed it): that is what a WARC response record
  stores and what WARC-Payload-Digest covers. ``FetchResult.decoded_body`` is the same content
  with Content-Encoding removed (capped by ``max_decompressed_bytes``), for text extraction.
"""

from sources.fetcher.addresses import (
    ResolvedAddress,
    Target,
    address_problem,
    check_target,
    redirect_target,
)
from sources.fetcher.decoding import ContentDecoder
from sources.fetcher.errors import (
    Blocked,
    DecodedTooLarge,
    DecodeError,
    DecodeTruncated,
    FetchError,
    MalformedBody,
    PermanentFailure,
    TransientFailure,
    TruncatedBody,
)
from sources.fetcher.getting import fetch
from sources.fetcher.policy import DEFAULT_USER_AGENT, FetchPolicy, FetchResult, PostResult
from sources.fetcher.posting import post
from sources.fetcher.transport import parse_retry_after

__all__ = [
    "DEFAULT_USER_AGENT",
    "Blocked",
    "ContentDecoder",
    "DecodeError",
    "DecodedTooLarge",
    "DecodeTruncated",
    "FetchError",
    "FetchPolicy",
    "FetchResult",
    "MalformedBody",
    "PermanentFailure",
    "PostResult",
    "ResolvedAddress",
    "Target",
    "TransientFailure",
    "TruncatedBody",
    "address_problem",
    "check_target",
    "fetch",
    "parse_retry_after",
    "post",
    "redirect_target",
]
