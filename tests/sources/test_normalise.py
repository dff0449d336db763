"""Tests for URL validation and canonicalisation (sources.normalise)."""

import pytest

from sources.normalise import (
    MAX_URL_LENGTH,
    InvalidURL,
    is_tracking_param,
    normalise_url,
    split_url,
)


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("  https://Example.COM/Path  ", "https://example.com/Path"),
        ("HTTP://EXAMPLE.com", "http://example.com/"),
        ("http://example.com:80/a", "http://example.com/a"),
        ("https://example.com:443/a", "https://example.com/a"),
        ("http://example.com:443/a", "http://example.com:443/a"),
        ("https://example.com:80/a", "https://example.com:80/a"),
        ("http://example.com:8080", "http://example.com:8080/"),
        ("http://example.com:/x", "http://example.com/x"),
        ("http://example.com/a#section-2", "http://example.com/a"),
        ("http://example.com/#", "http://example.com/"),
        ("http://example.com?q=1", "http://example.com/?q=1"),
        # tracking parameters go, the rest keep their order and spelling
        (
            "https://example.com/a?utm_source=tw&b=2&fbclid=XYZ&a=1&UTM_Medium=x&gclid=1",
            "https://example.com/a?b=2&a=1",
        ),
        (
            "https://example.com/?mc_cid=1&mc_eid=2&igshid=3&ref_src=twsrc&_ga=1.2&id=7",
            "https://example.com/?id=7",
        ),
        ("https://example.com/?utm_source=x", "https://example.com/"),
        ("https://example.com/?z=1&&y=2&", "https://example.com/?z=1&y=2"),
        ("https://example.com/?ref=home", "https://example.com/?ref=home"),
        ("https://example.com/?q=a+b&r=%2f", "https://example.com/?q=a+b&r=%2F"),
        # unicode hosts are IDNA-encoded, unsafe path characters percent-encoded
        ("https://bücher.example/straße", "https://xn--bcher-kva.example/stra%C3%9Fe"),
        ("http://пример.рф/", "http://xn--e1afmkfd.xn--p1ai/"),
        ("http://example.com/a b", "http://example.com/a%20b"),
        ("http://example.com/100%", "http://example.com/100%25"),
        ("http://example.com/a/./b/../c", "http://example.com/a/c"),
        ("http://example.com/..", "http://example.com/"),
        # every IPv4 spelling a browser accepts becomes dotted-quad
        ("http://2130706433/", "http://127.0.0.1/"),
        ("http://0x7f.0.0.1/", "http://127.0.0.1/"),
        ("http://0x7F000001/", "http://127.0.0.1/"),
        ("http://0177.0.0.1/", "http://127.0.0.1/"),
        ("http://017700000001/", "http://127.0.0.1/"),
        ("http://127.1/", "http://127.0.0.1/"),
        ("http://127.0.1/", "http://127.0.0.1/"),
        ("http://0/", "http://0.0.0.0/"),
        ("http://192.168.1.1./", "http://192.168.1.1/"),
        ("http://[::1]:8000/", "http://[::1]:8000/"),
        ("http://[0:0:0:0:0:FFFF:127.0.0.1]/", "http://[::ffff:7f00:1]/"),
        ("http://[2001:DB8::1]/", "http://[2001:db8::1]/"),
        ("http://under_score.example.com/", "http://under_score.example.com/"),
    ],
)
def test_normalise(raw: str, expected: str) -> None:
    assert normalise_url(raw) == expected


def test_normalise_is_idempotent() -> None:
    once = normalise_url("https://Bücher.example:443/a b/../c?utm_campaign=x&k=v#top")
    assert normalise_url(once) == once


@pytest.mark.parametrize(
    ("raw", "code", "words"),
    [
        ("", "empty", "empty"),
        ("   ", "empty", "empty"),
        ("example.com/page", "scheme", "http"),
        ("file:///etc/passwd", "scheme", "'file'"),
        ("gopher://example.com/", "scheme", "'gopher'"),
        ("ftp://example.com/file", "scheme", "'ftp'"),
        ("javascript:alert(1)", "scheme", "'javascript'"),
        ("data:text/html,<script>alert(1)</script>", "scheme", "'data'"),
        ("mailto:someone@example.com", "scheme", "'mailto'"),
        ("http:/example.com", "host", "//"),
        ("http:example.com", "host", "//"),
        ("http:\\\\example.com\\", "host", "//"),
        ("http://", "host", "no host"),
        ("http:///path", "host", "no host"),
        ("http://:80/", "host", "no host"),
        ("http://user@example.com/", "userinfo", "user name"),
        ("http://user:pass@example.com/", "userinfo", "password"),
        ("http://example.com@127.0.0.1/", "userinfo", "'@'"),
        ("http://@example.com/", "userinfo", "'@'"),
        ("http://example.com:99999/", "port", "outside"),
        ("http://example.com:0/", "port", "outside"),
        ("http://example.com:8o/", "port", "not a number"),
        ("http://example.com:-1/", "port", "not a number"),
        ("http://exa mple.com/", "host", "spaces"),
        ("http://exa\tmple.com/", "malformed", "control"),
        ("http://example.com/\x00", "malformed", "control"),
        ("http://example.com\r\nHost: evil/", "malformed", "control"),
        ("http://%31%32%37.0.0.1/", "host", "percent"),
        ("http://exa<mple.com/", "host", "not allowed"),
        ("http://example..com/", "host", "not a valid hostname"),
        ("http://[::1/", "host", "closing"),
        ("http://[::1]x/", "host", "after"),
        ("http://[fe80::1%25eth0]/", "host", "zone"),
        ("http://[not-ipv6]/", "host", "IPv6"),
        ("http://1.2.3.4.5/", "host", "too many parts"),
        ("http://256.0.0.1/", "host", "out-of-range"),
        ("http://example.09/", "host", "IPv4"),
        ("http://example.com\\@evil.com/", "userinfo", "'@'"),
        ("http://a.com\\b.com/", "host", "backslash"),
        ("http://" + "a" * 64 + ".com/", "host", "not a valid hostname"),
        ("http://xn--.com/", "host", None),
        ("http://example.com/" + "a" * MAX_URL_LENGTH, "too_long", str(MAX_URL_LENGTH)),
    ],
)
def test_invalid(raw: str, code: str, words: str | None) -> None:
    with pytest.raises(InvalidURL) as caught:
        normalise_url(raw)
    assert caught.value.code == code
    if words:
        assert words in str(caught.value)


def test_invalid_url_is_a_value_error() -> None:
    assert issubclass(InvalidURL, ValueError)


def test_bad_idna_host_is_refused() -> None:
    with pytest.raises(InvalidURL) as caught:
        normalise_url("http://ex\u200bample\u0000.com/")
    assert caught.value.code in ("host", "malformed")


def test_length_limit_is_inclusive() -> None:
    base = "http://example.com/"
    ok = base + "a" * (MAX_URL_LENGTH - len(base))
    assert normalise_url(ok) == ok
    with pytest.raises(InvalidURL):
        normalise_url(ok + "a")


def test_split_url_exposes_parts() -> None:
    parts = split_url("https://[::1]:8443/a?b=1&utm_source=x#frag")
    assert (parts.scheme, parts.host, parts.port) == ("https", "::1", 8443)
    assert parts.netloc == "[::1]:8443"
    assert parts.request_target == "/a?b=1&utm_source=x"  # split_url keeps tracking params
    assert str(parts.ip) == "::1"
    assert split_url("http://example.com/").effective_port == 80
    assert split_url("https://example.com/").ip is None


def test_strip_tracking_can_be_disabled() -> None:
    url = "https://example.com/?utm_source=x&a=1"
    assert normalise_url(url, strip_tracking=False) == url


@pytest.mark.parametrize(
    ("name", "tracking"),
    [
        ("utm_source", True),
        ("UTM_CONTENT", True),
        ("utm%5Fterm", True),
        ("fbclid", True),
        ("_ga", True),
        ("ref_src", True),
        ("ref", False),
        ("id", False),
        ("page", False),
    ],
)
def test_is_tracking_param(name: str, tracking: bool) -> None:
    assert is_tracking_param(name) is tracking
