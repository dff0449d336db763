"""Tests for text extraction from HTML, PDF and plain text (sources.text)."""

from __future__ import annotations

import codecs
import random

import pytest

from sources.text import ExtractedText, decode_text, extract_text
from tests.sources.httpserver import make_pdf

ARTICLE = """<!doctype html>
<html><head><meta charset="utf-8"><title>Fact check: the bridge budget</title>
<meta property="og:title" content="OG: bridge budget"></head>
<body>
<nav><a href="/">Home</a> | <a href="/about">About us</a></nav>
<article>
<h1>Did the bridge cost twice the budget?</h1>
<p>The council approved 40 million euros for the new bridge in 2019, according to the minutes
of the meeting held that spring.</p>
<p>Final accounts published this year put the cost at 83 million euros, slightly more than
double the original figure.</p>
</article>
<script>var tracking = "should never appear";</script>
<footer>© Example News</footer>
</body></html>"""

RUSSIAN = (
    "Министерство здравоохранения сообщило, что количество заболевших гриппом выросло на "
    "двадцать процентов за последнюю неделю. Эксперты считают, что пик эпидемии ещё впереди, "
    "и призывают граждан сделать прививку как можно скорее."
)


def russian_page(meta: str = "") -> bytes:
    html = (
        f"<html><head>{meta}<title>Новости здравоохранения</title></head><body><article>"
        f"<h1>Грипп наступает</h1><p>{RUSSIAN}</p><p>Второй абзац. {RUSSIAN}</p>"
        "</article></body></html>"
    )
    return html.encode("windows-1251")


# ---------------------------------------------------------------------------------------------
# HTML


def test_html_article() -> None:
    result = extract_text(ARTICLE.encode(), "text/html; charset=utf-8", "https://example.com/a")
    assert result.kind == "html"
    assert result.charset == "utf-8"
    assert result.title == "Fact check: the bridge budget"
    assert "approved 40 million euros" in result.text
    assert "83 million euros" in result.text
    assert "should never appear" not in result.text
    # paragraphs stay paragraphs, and lines inside a paragraph are joined
    approved = next(p for p in result.text.split("\n\n") if "approved" in p)
    assert "minutes of the meeting" in approved
    assert "\n\n" in result.text


def test_og_title_when_no_title_element() -> None:
    html = ARTICLE.replace("<title>Fact check: the bridge budget</title>", "")
    assert extract_text(html.encode(), "text/html").title == "OG: bridge budget"


def test_fallback_text_dump_when_trafilatura_finds_nothing() -> None:
    html = b"<html><body><div>tiny</div><div>two <b>words</b></div><style>p{}</style></body></html>"
    result = extract_text(html, "text/html")
    assert result.text == "tiny\n\ntwo words"


def test_html_sniffed_without_content_type() -> None:
    result = extract_text(ARTICLE.encode(), None)
    assert result.kind == "html"
    assert "83 million euros" in result.text


def test_xhtml_with_xml_declaration() -> None:
    doc = (
        "<?xml version='1.0' encoding='windows-1251'?>\n"
        "<html xmlns='http://www.w3.org/1999/xhtml'><head><title>Заголовок</title></head>"
        f"<body><p>{RUSSIAN}</p></body></html>"
    ).encode("windows-1251")
    result = extract_text(doc, "application/xhtml+xml")
    assert result.charset == "windows-1251"
    assert result.title == "Заголовок"
    assert "Министерство здравоохранения" in result.text


@pytest.mark.parametrize(
    ("content_type", "meta"),
    [
        ("text/html; charset=windows-1251", ""),  # labelled in the header
        ('text/html; charset="CP1251"', ""),  # odd spelling
        ("text/html", '<meta charset="windows-1251">'),  # labelled in markup only
        ("text/html", '<meta http-equiv="Content-Type" content="text/html; charset=cp1251">'),
        ("text/html; charset=utf-8", ""),  # mislabelled as UTF-8
        ("text/html; charset=utf-8", '<meta charset="utf-8">'),  # mislabelled twice
        ("text/html; charset=no-such-charset", ""),  # unknown label
        ("text/html", ""),  # no label at all
        (None, ""),  # not even a content type
    ],
)
def test_windows_1251_page(content_type: str | None, meta: str) -> None:
    result = extract_text(russian_page(meta), content_type)
    assert result.kind == "html"
    assert result.charset == "windows-1251"
    assert result.title == "Новости здравоохранения"
    assert "Министерство здравоохранения сообщило" in result.text
    assert "\ufffd" not in result.text


def test_header_charset_beats_meta() -> None:
    page = "<html><head><meta charset='windows-1251'></head><body><p>naïve café</p></body></html>"
    text, charset = decode_text(page.encode("utf-8"), "utf-8", html=True)
    assert (charset, "naïve café" in text) == ("utf-8", True)


def test_bom_wins_over_wrong_label() -> None:
    payload = codecs.BOM_UTF8 + "<p>Привет</p>".encode()
    text, charset = decode_text(payload, "windows-1251", html=True)
    assert charset == "utf-8"
    assert text == "<p>Привет</p>"


def test_latin1_label_means_windows_1252() -> None:
    text, charset = decode_text("“quoted” – dash".encode("cp1252"), "iso-8859-1")
    assert charset == "windows-1252"
    assert text == "“quoted” – dash"


# ---------------------------------------------------------------------------------------------
# Plain text


def test_plain_text_utf8() -> None:
    result = extract_text("Line one\r\nLine two — ok\n".encode(), "text/plain; charset=utf-8")
    assert result == ExtractedText("", "Line one\nLine two — ok", "utf-8", "text")


def test_plain_text_koi8r_labelled() -> None:
    result = extract_text(RUSSIAN.encode("koi8-r"), "text/plain; charset=KOI8-R")
    assert result.charset == "koi8-r"
    assert result.text == RUSSIAN


def test_plain_text_utf16_bom() -> None:
    result = extract_text("hello\nworld".encode("utf-16"), "text/plain")
    assert result.text == "hello\nworld"
    assert result.charset.startswith("utf-16")


def test_plain_text_windows_1251_unlabelled() -> None:
    result = extract_text(RUSSIAN.encode("windows-1251"), "text/plain")
    assert result.text == RUSSIAN


# ---------------------------------------------------------------------------------------------
# PDF


def test_pdf_pages_and_title() -> None:
    pdf = make_pdf(
        ["Unemployment fell to 4.2 per cent\nin the first quarter", "Page two: wages rose"],
        title="Labour market bulletin",
    )
    result = extract_text(pdf, "application/pdf")
    assert result.kind == "pdf"
    assert result.charset is None
    assert result.title == "Labour market bulletin"
    first, second = result.text.split("\n\n")
    assert "Unemployment fell to 4.2 per cent" in first
    assert "in the first quarter" in first
    assert second == "Page two: wages rose"


def test_pdf_sniffed_despite_wrong_content_type() -> None:
    pdf = make_pdf(["Served as octet-stream"])
    for ctype in ("application/octet-stream", "text/html", None):
        assert extract_text(pdf, ctype).text == "Served as octet-stream"


def test_truncated_pdf_gives_empty_text() -> None:
    pdf = make_pdf(["Some text"])
    result = extract_text(pdf[: len(pdf) // 2], "application/pdf")
    assert result.kind == "pdf"
    assert result.text == ""


# ---------------------------------------------------------------------------------------------
# Images and junk


@pytest.mark.parametrize(
    ("payload", "ctype"),
    [
        (b"\x89PNG\r\n\x1a\n" + b"\x00" * 20, "image/png"),
        (b"\xff\xd8\xff\xe0" + b"\x00" * 20, "image/jpeg"),
        (b"GIF89a" + b"\x00" * 20, None),
        (b"RIFF\x00\x00\x00\x00WEBPVP8 ", "application/octet-stream"),
        (b"<svg xmlns='http://www.w3.org/2000/svg'/>", "image/svg+xml"),
    ],
)
def test_images_have_no_text(payload: bytes, ctype: str | None) -> None:
    assert extract_text(payload, ctype) == ExtractedText("", "", None, "image")


def test_unknown_binary_is_other() -> None:
    result = extract_text(b"PK\x03\x04\x00\x00junk", "application/zip")
    assert (result.kind, result.text) == ("other", "")


@pytest.mark.parametrize(
    "ctype",
    [
        "text/html",
        "text/html; charset=utf-8",
        "text/html; charset=bogus",
        "application/pdf",
        "text/plain",
        "image/png",
        "application/octet-stream",
        None,
        "",
        ";;;charset=",
    ],
)
def test_junk_never_raises(ctype: str | None) -> None:
    rng = random.Random(1234)
    samples = [b"", b"\x00", b"%PDF-1.7\n%garbage", b"<html><<<>>>", b"\xff\xfe\x00"]
    samples += [rng.randbytes(rng.randint(1, 3000)) for _ in range(20)]
    for payload in samples:
        result = extract_text(payload, ctype)
        assert isinstance(result, ExtractedText)
        assert isinstance(result.text, str)
