"""Validate and canonicalise user-submitted http(s) URLs so equal pages get equal keys."""

from __future__ import annotations

import ipaddress
import re
from dataclasses import dataclass
from urllib.parse import quote, unquote_plus

import idna

__all__ = [
    "MAX_URL_LENGTH",
    "InvalidURL",
    "SplitURL",
    "is_tracking_param",
    "normalise_url",
    "split_url",
]

MAX_URL_LENGTH = 2000

ALLOWED_SCHEMES = frozenset({"http", "https"})
DEFAULT_PORTS = {"http": 80, "https": 443}

# Parameters that only identify the campaign/click that led to a page, never the page itself.
TRACKING_PARAMS = frozenset(
    {
        "fbclid",
        "gclid",
        "gclsrc",
        "dclid",
        "gbraid",
        "wbraid",
        "msclkid",
        "yclid",
        "twclid",
        "ttclid",
        "li_fat_id",
        "mc_cid",
        "mc_eid",
        "igshid",
        "igsh",
        "ref_src",
        "ref_url",
        "_ga",
        "_gl",
        "_hsenc",
        "_hsmi",
        "_openstat",
        "mkt_tok",
        "oly_anon_id",
        "oly_enc_id",
        "vero_id",
        "vero_conv",
        "wickedid",
        "s_cid",
        "si",
    }
)
TRACKING_PREFIXES = ("utm_",)

_CONTROL_CHARS = re.compile(r"[\x00-\x1f\x7f]")
_SCHEME = re.compile(r"^([A-Za-z][A-Za-z0-9+.\-]*):")
# Characters a registered name may contain once IDNA-encoded (underscore is common in practice).
_ASCII_HOST = re.compile(r"^[a-z0-9_\-.]+$")
_PERCENT_ESCAPE = re.compile(r"%[0-9A-Fa-f]{2}")
_STRAY_PERCENT = re.compile(r"%(?![0-9A-Fa-f]{2})")
# Everything RFC 3986 allows in a path or query left alone; anything else gets percent-encoded.
_PATH_SAFE = "/:@!$&'()*+,;=-._~%"
_QUERY_SAFE = "/?:@!$&'()*+,;=-._~%"


class InvalidURL(ValueError):
    """The URL cannot be archived; ``code`` is a stable machine-readable reason."""

    def __init__(self, message: str, *, code: str = "malformed") -> None:
        super().__init__(message)
        self.code = code


@dataclass(frozen=True)
class SplitURL:
    """A validated URL in canonical form; ``host`` is ASCII and unbracketed."""

    scheme: str
    host: str
    port: int | None  # only when it is not the scheme's default
    path: str
    query: str  # without the leading "?", possibly empty
    ip: ipaddress.IPv4Address | ipaddress.IPv6Address | None = None

    @property
    def effective_port(self) -> int:
        return self.port if self.port is not None else DEFAULT_PORTS[self.scheme]

    @property
    def host_for_url(self) -> str:
        return f"[{self.host}]" if isinstance(self.ip, ipaddress.IPv6Address) else self.host

    @property
    def netloc(self) -> str:
        return self.host_for_url if self.port is None else f"{self.host_for_url}:{self.port}"

    @property
    def request_target(self) -> str:
        return self.path + (f"?{self.query}" if self.query else "")

    def geturl(self) -> str:
        return f"{self.scheme}://{self.netloc}{self.request_target}"


def normalise_url(raw: str, *, strip_tracking: bool = True) -> str:
    """Return the canonical form of ``raw`` or raise :class:`InvalidURL` saying what is wrong."""
    parts = split_url(raw)
    if strip_tracking and parts.query:
        kept = [p for p in parts.query.split("&") if not is_tracking_param(p.split("=", 1)[0])]
        parts = SplitURL(parts.scheme, parts.host, parts.port, parts.path, "&".join(kept), parts.ip)
    return parts.geturl()


def is_tracking_param(name: str) -> bool:
    name = unquote_plus(name).strip().lower()
    return name in TRACKING_PARAMS or name.startswith(TRACKING_PREFIXES)


def split_url(raw: str) -> SplitURL:
    """Validate ``raw`` and split it into canonical parts; the fragment is dropped."""
    if not isinstance(raw, str):
        raise InvalidURL("URL must be text", code="malformed")
    url = raw.strip()
    if not url:
        raise InvalidURL("URL is empty", code="empty")
    if len(url) > MAX_URL_LENGTH:
        raise InvalidURL(
            f"URL is {len(url)} characters long; the limit is {MAX_URL_LENGTH}", code="too_long"
        )
    if _CONTROL_CHARS.search(url):
        raise InvalidURL("URL contains control characters (tab, newline, NUL...)", code="malformed")

    match = _SCHEME.match(url)
    if not match:
        raise InvalidURL("URL must start with http:// or https://", code="scheme")
    scheme = match.group(1).lower()
    if scheme not in ALLOWED_SCHEMES:
        raise InvalidURL(
            f"scheme {scheme!r} is not allowed; only http and https can be archived", code="scheme"
        )
    rest = url[match.end() :]
    # Browsers treat "\" as "/" in http(s) URLs, so "http:\\evil" must not be read differently here.
    if not rest.startswith("//") or "\\" in rest[:2]:
        raise InvalidURL(f"{scheme} URL must have // followed by a host", code="host")
    rest = rest[2:]

    rest, _, _fragment = rest.partition("#")
    end = len(rest)
    for sep in "/?":
        idx = rest.find(sep)
        if idx != -1:
            end = min(end, idx)
    authority, tail = rest[:end], rest[end:]
    path, _, query = tail.partition("?")

    if "@" in authority:
        raise InvalidURL(
            "URL contains a user name or password before '@'; remove it", code="userinfo"
        )
    if "\\" in authority:
        raise InvalidURL("host contains a backslash", code="host")

    host, port = _split_host_port(authority)
    ip, host = _canonical_host(host)
    if port == DEFAULT_PORTS[scheme]:
        port = None

    return SplitURL(
        scheme=scheme,
        host=host,
        port=port,
        path=_normalise_path(path),
        query=_normalise_query(query),
        ip=ip,
    )


def _split_host_port(authority: str) -> tuple[str, int | None]:
    if not authority:
        raise InvalidURL("URL has no host", code="host")
    if authority.startswith("["):
        close = authority.find("]")
        if close == -1:
            raise InvalidURL("IPv6 address is missing its closing ']'", code="host")
        host, after = authority[: close + 1], authority[close + 1 :]
        if after and not after.startswith(":"):
            raise InvalidURL("unexpected characters after the IPv6 address", code="host")
        port_text = after[1:] if after else None
    else:
        host, sep, port_text = authority.partition(":")
        if not sep:
            port_text = None
    if not host:
        raise InvalidURL("URL has no host", code="host")
    return host, _parse_port(port_text)


def _parse_port(text: str | None) -> int | None:
    if text is None or text == "":
        return None
    if not text.isascii() or not text.isdigit():
        raise InvalidURL(f"port {text!r} is not a number", code="port")
    port = int(text)
    if not 0 < port < 65536:
        raise InvalidURL(f"port {port} is outside 1-65535", code="port")
    return port


def _canonical_host(
    host: str,
) -> tuple[ipaddress.IPv4Address | ipaddress.IPv6Address | None, str]:
    if host.startswith("["):
        inner = host[1:-1]
        if "%" in inner:
            raise InvalidURL("IPv6 zone identifiers are not allowed", code="host")
        try:
            ip6 = ipaddress.IPv6Address(inner)
        except ValueError:
            raise InvalidURL(f"{inner!r} is not a valid IPv6 address", code="host") from None
        return ip6, ip6.compressed

    if any(ch.isspace() for ch in host) or "%" in host:
        # A percent-encoded host would be decoded by browsers into something we never checked.
        raise InvalidURL("host contains spaces or percent-escapes", code="host")

    if not host.isascii():
        try:
            host = idna.encode(host, uts46=True).decode("ascii")
        except (idna.IDNAError, UnicodeError, ValueError) as exc:
            raise InvalidURL(
                f"host is not a valid international domain name: {exc}", code="host"
            ) from exc
    host = host.lower()

    ip4 = _parse_whatwg_ipv4(host)
    if ip4 is not None:
        return ip4, str(ip4)

    if not _ASCII_HOST.match(host):
        raise InvalidURL(
            f"host {host!r} contains characters not allowed in a hostname", code="host"
        )
    # "example.com." and "example.com" are the same name; one spelling keeps one capture.
    if host.endswith(".") and len(host) > 1:
        host = host[:-1]
    labels = host.split(".")
    if len(host) > 254 or any(not label or len(label) > 63 for label in labels):
        raise InvalidURL(f"host {host!r} is not a valid hostname", code="host")
    if any(label.startswith("xn--") and not _valid_punycode(label[4:]) for label in labels):
        raise InvalidURL(f"host {host!r} has an invalid xn-- (punycode) label", code="host")
    return None, host


def _valid_punycode(text: str) -> bool:
    try:
        return bool(text.encode("ascii").decode("punycode"))
    except UnicodeError:
        return False


def _parse_whatwg_ipv4(host: str) -> ipaddress.IPv4Address | None:
    """Parse the IPv4 spellings browsers and getaddrinfo accept (2130706433, 0x7f.1, 0177.0.0.1).

    Returns None if the host is a domain name; raises if it looks numeric but is not a valid
    address, following the WHATWG URL standard so we never disagree with a browser about it.
    """
    parts = host.split(".")
    if parts[-1] == "" and len(parts) > 1:
        parts.pop()
    if not parts or not _is_ipv4_number(parts[-1]):
        return None
    if len(parts) > 4:
        raise InvalidURL(f"{host!r} looks like an IPv4 address but has too many parts", code="host")
    numbers: list[int] = []
    for part in parts:
        value = _ipv4_number(part)
        if value is None:
            raise InvalidURL(f"{host!r} looks like an IPv4 address but is not one", code="host")
        numbers.append(value)
    if any(n > 255 for n in numbers[:-1]) or numbers[-1] >= 256 ** (5 - len(numbers)):
        raise InvalidURL(f"{host!r} is an out-of-range IPv4 address", code="host")
    value = numbers[-1]
    for i, n in enumerate(numbers[:-1]):
        value += n * 256 ** (3 - i)
    return ipaddress.IPv4Address(value)


def _is_ipv4_number(part: str) -> bool:
    if part.isascii() and part.isdigit():
        return True
    return _ipv4_number(part) is not None


def _ipv4_number(part: str) -> int | None:
    if not part:
        return None
    try:
        if part[:2] in ("0x", "0X"):
            return int(part[2:], 16) if part[2:] else 0
        if len(part) > 1 and part.startswith("0"):
            return int(part[1:], 8)
        return int(part, 10) if part.isdigit() else None
    except ValueError:
        return None


def _normalise_path(path: str) -> str:
    if not path:
        return "/"
    return _encode(_remove_dot_segments(path), _PATH_SAFE)


def _encode(text: str, safe: str) -> str:
    # Keep valid escapes (upper-cased so equal URLs compare equal); a stray "%" becomes "%25".
    text = _STRAY_PERCENT.sub("%25", text)
    return _PERCENT_ESCAPE.sub(lambda m: m.group(0).upper(), quote(text, safe=safe))


def _remove_dot_segments(path: str) -> str:
    # RFC 3986 section 5.2.4, so /a/./b/../c and /a/c are one capture.
    segments = path.split("/")
    output: list[str] = []
    for i, seg in enumerate(segments):
        last = i == len(segments) - 1
        if seg == ".":
            if last:
                output.append("")
        elif seg == "..":
            if len(output) > 1:
                output.pop()
            if last:
                output.append("")
        else:
            output.append(seg)
    result = "/".join(output)
    return result if result.startswith("/") else "/" + result


def _normalise_query(query: str) -> str:
    if not query:
        return ""
    parts = [p for p in query.split("&") if p]
    # Encode each parameter on its own so "&" and "=" inside values keep their meaning.
    return "&".join(_encode(p, _QUERY_SAFE) for p in parts)
