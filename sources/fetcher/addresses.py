"""Which addresses a fetch may reach: every resolved address checked, then pinned."""

from __future__ import annotations

import ipaddress
import logging
import socket
import threading
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urljoin

from sources.fetcher.errors import Blocked, PermanentFailure, TransientFailure
from sources.fetcher.policy import FetchPolicy
from sources.normalise import InvalidURL, SplitURL, split_url

logger = logging.getLogger(__name__)


IPAddress = ipaddress.IPv4Address | ipaddress.IPv6Address


@dataclass(frozen=True)
class ResolvedAddress:
    family: socket.AddressFamily
    sockaddr: tuple[Any, ...]
    ip: IPAddress


@dataclass(frozen=True)
class Target:
    """A URL that passed every check, with the addresses it may be fetched from."""

    url: SplitURL
    addresses: tuple[ResolvedAddress, ...] = field(default_factory=tuple)


def _nets(*specs: tuple[str, str]) -> tuple[tuple[Any, str], ...]:
    return tuple((ipaddress.ip_network(net), label) for net, label in specs)


# Listed explicitly (rather than trusting ipaddress.is_global alone) because what the stdlib
# flags changes between Python releases and misses several of these on 3.11.
_BLOCKED_NETWORKS = _nets(
    ("0.0.0.0/8", "'this host' (0.0.0.0/8)"),
    ("10.0.0.0/8", "private (10.0.0.0/8)"),
    ("100.64.0.0/10", "carrier-grade NAT (100.64.0.0/10)"),
    ("127.0.0.0/8", "loopback (127.0.0.0/8)"),
    ("169.254.0.0/16", "link-local (169.254.0.0/16)"),
    ("172.16.0.0/12", "private (172.16.0.0/12)"),
    ("192.0.0.0/24", "IETF protocol assignment (192.0.0.0/24)"),
    ("192.0.2.0/24", "documentation (192.0.2.0/24)"),
    ("192.88.99.0/24", "6to4 relay (192.88.99.0/24)"),
    ("192.168.0.0/16", "private (192.168.0.0/16)"),
    ("198.18.0.0/15", "benchmarking (198.18.0.0/15)"),
    ("198.51.100.0/24", "documentation (198.51.100.0/24)"),
    ("203.0.113.0/24", "documentation (203.0.113.0/24)"),
    ("224.0.0.0/4", "multicast (224.0.0.0/4)"),
    ("240.0.0.0/4", "reserved (240.0.0.0/4)"),
    ("::/128", "unspecified (::)"),
    ("::1/128", "loopback (::1)"),
    ("::ffff:0:0/96", "IPv4-mapped (::ffff:0:0/96)"),
    ("::/96", "IPv4-compatible (::/96)"),
    ("64:ff9b::/96", "NAT64 (64:ff9b::/96)"),
    ("64:ff9b:1::/48", "local NAT64 (64:ff9b:1::/48)"),
    ("100::/64", "discard-only (100::/64)"),
    ("2001::/32", "Teredo (2001::/32)"),
    ("2001::/23", "IETF protocol assignment (2001::/23)"),
    ("2001:db8::/32", "documentation (2001:db8::/32)"),
    ("2002::/16", "6to4 (2002::/16)"),
    ("3fff::/20", "documentation (3fff::/20)"),
    ("5f00::/16", "segment routing (5f00::/16)"),
    ("fc00::/7", "unique-local (fc00::/7)"),
    ("fe80::/10", "link-local (fe80::/10)"),
    ("fec0::/10", "site-local (fec0::/10)"),
    ("ff00::/8", "multicast (ff00::/8)"),
)
# Even with allow_private these make no sense as a TCP destination.
_ALWAYS_BLOCKED = _nets(
    ("0.0.0.0/32", "unspecified (0.0.0.0)"),
    ("224.0.0.0/4", "multicast (224.0.0.0/4)"),
    ("255.255.255.255/32", "broadcast (255.255.255.255)"),
    ("::/128", "unspecified (::)"),
    ("ff00::/8", "multicast (ff00::/8)"),
)


def address_problem(ip: IPAddress | str, *, allow_private: bool = False) -> str | None:
    """Say why ``ip`` may not be fetched from, or return None if it may."""
    if isinstance(ip, str):
        ip = ipaddress.ip_address(ip)
    if isinstance(ip, ipaddress.IPv6Address) and ip.scope_id:
        ip = ipaddress.IPv6Address(str(ip).split("%", 1)[0])
    for net, label in _ALWAYS_BLOCKED:
        if ip.version == net.version and ip in net:
            return f"{ip} is not a public address: {label}"
    if allow_private:
        return None
    for net, label in _BLOCKED_NETWORKS:
        if ip.version == net.version and ip in net:
            return f"{ip} is not a public address: {label}"
    # Catch-all for anything newer stdlib versions know about and the table above does not;
    # for IPv6 this also refuses everything outside 2000::/3 (unallocated, "reserved").
    if not ip.is_global or ip.is_reserved or ip.is_multicast:
        return f"{ip} is not a public internet address"
    return None


def check_target(url: str, policy: FetchPolicy, *, timeout: float | None = None) -> Target:
    """Validate ``url``, resolve its host once and check every address; used on every hop.

    Raises Blocked (bad scheme, credentials in the URL, any non-public address),
    PermanentFailure (malformed URL) or TransientFailure (DNS failure or timeout).
    """
    try:
        parts = split_url(url)
    except InvalidURL as exc:
        if exc.code in ("scheme", "userinfo"):
            raise Blocked(str(exc), url=url) from exc
        raise PermanentFailure(f"invalid URL: {exc}", url=url) from exc

    # RFC 6761: resolvers may answer *.localhost locally whatever DNS says, so the name alone
    # is refused too (after the address check, which gives the more telling reason).
    loopback_name = parts.host == "localhost" or parts.host.endswith(".localhost")
    name_refusal = Blocked(f"{parts.host} is a loopback name; refusing to connect", url=url)

    port = parts.effective_port
    if parts.ip is not None:
        infos: list[tuple[Any, ...]] = [
            (
                socket.AF_INET6 if parts.ip.version == 6 else socket.AF_INET,
                socket.SOCK_STREAM,
                socket.IPPROTO_TCP,
                "",
                (str(parts.ip), port, 0, 0) if parts.ip.version == 6 else (str(parts.ip), port),
            )
        ]
    else:
        try:
            infos = _getaddrinfo(parts.host, port, timeout or policy.connect_timeout, url)
        except TransientFailure:
            if loopback_name and not policy.allow_private:
                raise name_refusal from None
            raise

    addresses: list[ResolvedAddress] = []
    for family, _type, _proto, _canon, sockaddr in infos:
        if family not in (socket.AF_INET, socket.AF_INET6):
            continue
        ip = ipaddress.ip_address(sockaddr[0].split("%", 1)[0])
        problem = address_problem(ip, allow_private=policy.allow_private)
        if problem:
            shown = parts.host if parts.ip is None else parts.host_for_url
            logger.warning("fetch blocked: %s -> %s", shown, problem)
            via = "" if parts.ip is not None else f"{parts.host} resolves to "
            raise Blocked(f"{via}{problem}; refusing to connect", url=url)
        if all(a.ip != ip for a in addresses):
            addresses.append(ResolvedAddress(family, tuple(sockaddr), ip))
    if loopback_name and not policy.allow_private:
        raise name_refusal
    if not addresses:
        raise TransientFailure(f"DNS returned no usable address for {parts.host}", url=url)
    return Target(url=parts, addresses=tuple(addresses))


def redirect_target(
    current_url: str, location: str, policy: FetchPolicy, *, timeout: float | None = None
) -> Target:
    """Resolve a Location header against the current URL and check it like a first hop."""
    return check_target(
        urljoin(current_url, _fix_header_text(location.strip())), policy, timeout=timeout
    )


def _fix_header_text(value: str) -> str:
    # http.client decodes header bytes as latin-1; servers usually meant UTF-8.
    try:
        return value.encode("latin-1").decode("utf-8")
    except UnicodeError:
        return value


def _getaddrinfo(host: str, port: int, timeout: float, url: str) -> list[tuple[Any, ...]]:
    # getaddrinfo has no timeout of its own; run it in a thread so the deadline holds.
    box: dict[str, Any] = {}
    done = threading.Event()

    def run() -> None:
        try:
            box["infos"] = socket.getaddrinfo(
                host, port, type=socket.SOCK_STREAM, proto=socket.IPPROTO_TCP
            )
        except BaseException as exc:  # handed to the caller below
            box["error"] = exc
        finally:
            done.set()

    threading.Thread(target=run, name="fetch-dns", daemon=True).start()
    if not done.wait(max(timeout, 0.001)):
        raise TransientFailure(f"DNS lookup for {host} timed out", url=url)
    if "error" in box:
        raise TransientFailure(f"DNS lookup for {host} failed: {box['error']}", url=url)
    return box["infos"]
