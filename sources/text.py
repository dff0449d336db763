"""Extract readable text and a title from archived HTML, PDF and plain-text payloads.

Charset order for HTML and text: a byte-order mark first (it cannot be wrong, and browsers let it
override every label), then the HTTP header charset, then <meta charset>/http-equiv/XML
declaration, then charset_normalizer's guess. A label is only trusted if the bytes decode
cleanly under it, so a windows-1251 page mislabelled as UTF-8 falls through to the next source
instead of coming out as replacement characters.

Extraction never raises (junk in, empty text out) unless asked to be ``strict``, which the
limited child of sources/isolation.py is, so a parser error is recorded with its reason. Neither
way swallows Celery's time-limit exception or a MemoryError: those end the run, not one page.
"""

from __future__ import annotations

import codecs
import io
import logging
import re
from dataclasses import dataclass

from celery.exceptions import SoftTimeLimitExceeded

from sources.flat_text import BLOCK_TAGS as _BLOCK_TAGS
from sources.flat_text import INVISIBLE_TAGS as _INVISIBLE_TAGS
from sources.flat_text import flat_text

__all__ = ["ExtractedText", "decode_text", "extract_text", "is_pdf"]

logger = logging.getLogger(__name__)

MAX_TEXT_CHARS = 5_000_000  # a reader view and search index do not need more
MAX_PDF_PAGES = 2000
_PRESCAN_BYTES = 4096

_BOMS = (
    (codecs.BOM_UTF8, "utf-8"),
    (codecs.BOM_UTF32_LE, "utf-32-le"),  # before UTF-16 LE: it starts with the same bytes
    (codecs.BOM_UTF32_BE, "utf-32-be"),
    (codecs.BOM_UTF16_LE, "utf-16-le"),
    (codecs.BOM_UTF16_BE, "utf-16-be"),
)
# WHATWG Encoding Standard: browsers decode these labels with the superset encoding.
_LABEL_ALIASES = {
    "iso-8859-1": "windows-1252",
    "iso8859-1": "windows-1252",
    "latin1": "windows-1252",
    "latin-1": "windows-1252",
    "l1": "windows-1252",
    "ascii": "windows-1252",
    "us-ascii": "windows-1252",
    "iso-8859-9": "windows-1254",
    "gb2312": "gb18030",
    "gbk": "gb18030",
    "x-gbk": "gb18030",
    "tis-620": "cp874",
    "ks_c_5601-1987": "cp949",
    "euc-kr": "cp949",
    "x-sjis": "shift_jis",
}
_MIME_HTML = {"text/html", "application/xhtml+xml", "application/html"}
_MIME_PDF = {"application/pdf", "application/x-pdf", "application/acrobat"}
_MIME_TEXTISH = {"application/json", "application/xml", "application/javascript"}
_IMAGE_MAGIC = (
    b"\x89PNG\r\n\x1a\n",
    b"\xff\xd8\xff",
    b"GIF87a",
    b"GIF89a",
    b"BM",
    b"II*\x00",
    b"MM\x00*",
    b"\x00\x00\x01\x00",
)
_META_CHARSET = re.compile(rb"""<meta[^>]*?charset\s*=\s*["']?\s*([A-Za-z0-9_\-:.]+)""", re.I)
_XML_DECL = re.compile(rb"""^\s*<\?xml[^>]*?encoding\s*=\s*["']([A-Za-z0-9_\-:.]+)""", re.I)
_XML_DECL_TEXT = re.compile(r"^\s*<\?xml[^>]*\?>", re.I)
_HTML_SNIFF = re.compile(
    rb"^\s*(?:<!--.*?-->\s*)*<(?:!doctype\s+html|html|head|body|title|meta|p|div|script)\b",
    re.I | re.S,
)
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")
# Not junk in the payload but the end of this run: never caught as a parser's failure.
_ABORTS = (SoftTimeLimitExceeded, MemoryError)


@dataclass(frozen=True)
class ExtractedText:
    title: str
    text: str  # paragraphs separated by a blank line
    charset: str | None  # codec actually used for HTML/text, None for PDF and images
    kind: str  # "html", "pdf", "text", "image" or "other"


def extract_text(
    payload: bytes, content_type: str | None, url: str | None = None, *, strict: bool = False
) -> ExtractedText:
    """Readable text of ``payload``; returns empty text for junk, or raises when ``strict``."""
    kind = "other"
    try:
        mime, header_charset = _parse_content_type(content_type)
        kind = _kind(payload, mime)
        if kind == "html":
            return _extract_html(payload, header_charset, url)
        if kind == "pdf":
            return _extract_pdf(payload)
        if kind == "text":
            text, charset = decode_text(payload, header_charset)
            return ExtractedText("", _clean(text), charset, "text")
        return ExtractedText("", "", None, kind)
    except _ABORTS:
        raise
    except Exception as exc:  # junk must never break a capture; the archive keeps the bytes
        if strict:
            raise
        logger.warning("text extraction failed (%s, %s): %r", kind, url, exc)
        return ExtractedText("", "", None, kind)


# ---------------------------------------------------------------------------------------------
# Type and charset


def is_pdf(payload: bytes, content_type: str | None) -> bool:
    """Whether these bytes are a PDF, by their magic number or their label."""
    return _kind(payload, _parse_content_type(content_type)[0]) == "pdf"


def _parse_content_type(value: str | None) -> tuple[str, str | None]:
    if not value:
        return "", None
    mime, _, params = value.partition(";")
    charset = None
    for param in params.split(";"):
        name, _, val = param.partition("=")
        if name.strip().lower() == "charset" and val.strip():
            charset = val.strip().strip("\"'")
    return mime.strip().lower(), charset


def _kind(payload: bytes, mime: str) -> str:
    head = payload[:1024]
    # Magic numbers beat labels: servers routinely send PDFs as octet-stream or text/html.
    if head.lstrip()[:5] == b"%PDF-":
        return "pdf"
    if head.startswith(_IMAGE_MAGIC) or (head[:4] == b"RIFF" and head[8:12] == b"WEBP"):
        return "image"
    if mime in _MIME_HTML:
        return "html"
    if mime in _MIME_PDF:
        return "pdf"
    if mime.startswith("image/"):
        return "image"
    if mime.startswith("text/") or mime in _MIME_TEXTISH or mime.endswith(("+json", "+xml")):
        return "text"
    if mime and mime not in ("application/octet-stream", "binary/octet-stream"):
        return "other"
    if _HTML_SNIFF.match(_strip_bom(head)):
        return "html"
    if head and b"\x00" not in head:
        return "text"
    return "other"


def _strip_bom(data: bytes) -> bytes:
    for bom, _codec in _BOMS:
        if data.startswith(bom):
            return data[len(bom) :]
    return data


def _codec(label: str | None) -> str | None:
    if not label:
        return None
    label = label.strip().lower()
    label = _LABEL_ALIASES.get(label, label)
    try:
        name = codecs.lookup(label).name
    except LookupError:
        return None
    if name.startswith("cp125"):
        return "windows-" + name[2:]
    return name


def _declared_in_markup(payload: bytes) -> str | None:
    head = payload[:_PRESCAN_BYTES]
    match = _XML_DECL.match(head) or _META_CHARSET.search(head)
    if not match:
        return None
    codec = _codec(match.group(1).decode("ascii", "ignore"))
    # A UTF-16 label inside ASCII-compatible markup is always a lie (WHATWG says use UTF-8).
    return "utf-8" if codec and codec.startswith("utf-16") else codec


def decode_text(
    payload: bytes, header_charset: str | None = None, *, html: bool = False
) -> tuple[str, str]:
    """Decode ``payload`` to text, returning the text and the codec used."""
    for bom, bom_codec in _BOMS:
        if payload.startswith(bom):
            return payload[len(bom) :].decode(bom_codec, errors="replace"), bom_codec

    candidates = [_codec(header_charset)]
    if html:
        candidates.append(_declared_in_markup(payload))
    for codec in candidates:
        if codec is None:
            continue
        try:
            return payload.decode(codec), codec
        except (UnicodeDecodeError, LookupError):
            continue  # mislabelled: try the next source of truth

    try:
        return payload.decode("utf-8"), "utf-8"
    except UnicodeDecodeError:
        pass
    guess = _detect(payload)
    if guess:
        return payload.decode(guess, errors="replace"), guess
    return payload.decode("windows-1252", errors="replace"), "windows-1252"


def _detect(payload: bytes) -> str | None:
    try:
        import charset_normalizer
    except ImportError:  # pragma: no cover - installed with requests
        return None
    best = charset_normalizer.from_bytes(payload[: 256 * 1024]).best()
    return _codec(best.encoding) if best else None


# ---------------------------------------------------------------------------------------------
# HTML


def _extract_html(payload: bytes, header_charset: str | None, url: str | None) -> ExtractedText:
    import lxml.html
    import trafilatura

    markup, charset = decode_text(payload, header_charset, html=True)
    # lxml refuses str input that still carries an encoding declaration.
    markup = _XML_DECL_TEXT.sub("", markup, count=1)
    if not markup.strip():
        return ExtractedText("", "", charset, "html")

    try:
        doc = lxml.html.document_fromstring(markup)
    except _ABORTS:
        raise
    except Exception:  # lxml raises several types on hopeless markup
        doc = None
    title = _html_title(doc) if doc is not None else ""

    text = ""
    try:
        # The tree parsed for the title is handed over (one parse, not two); trafilatura prunes
        # it as it goes, so the plain-text fallback below parses the markup again.
        extracted = trafilatura.extract(
            doc if doc is not None else markup,
            url=url,
            output_format="txt",
            include_comments=False,
            include_tables=True,
            favor_recall=True,
        )
        text = _paragraphs(extracted or "")
    except _ABORTS:
        raise
    except Exception:
        logger.info("trafilatura failed on %s; using plain text dump", url, exc_info=True)
    if not text and doc is not None:
        try:
            text = _lxml_text(lxml.html.document_fromstring(markup))
        except _ABORTS:
            raise
        except Exception:
            text = ""
    if not text:
        # Markup too deep for a tree (lxml stops at 256 levels) or too broken for one.
        text = _clean(flat_text(markup))
    return ExtractedText(title, text, charset, "html")


def _html_title(doc: object) -> str:
    for xpath in (
        "//title/text()",
        "//meta[@property='og:title']/@content",
        "//meta[@name='twitter:title']/@content",
        "//h1//text()",
    ):
        found = " ".join(" ".join(str(v) for v in doc.xpath(xpath)).split())  # type: ignore[attr-defined]
        if found:
            return found[:1000]
    return ""


def _lxml_text(doc: object) -> str:
    for el in list(doc.iter(*_INVISIBLE_TAGS)):  # type: ignore[attr-defined]
        el.drop_tree()
    for el in doc.iter(*_BLOCK_TAGS):  # type: ignore[attr-defined]
        el.tail = "\n" + (el.tail or "")
        if el.tag != "br":
            el.text = "\n" + (el.text or "")
    return _paragraphs(doc.text_content())  # type: ignore[attr-defined]


def _paragraphs(text: str) -> str:
    lines = (" ".join(line.split()) for line in text.splitlines())
    return _clean("\n\n".join(line for line in lines if line))


def _clean(text: str) -> str:
    text = _CONTROL.sub("", text.replace("\r\n", "\n").replace("\r", "\n")).strip()
    return text[:MAX_TEXT_CHARS]


# ---------------------------------------------------------------------------------------------
# PDF


def _extract_pdf(payload: bytes) -> ExtractedText:
    from pypdf import PdfReader

    reader = PdfReader(io.BytesIO(payload), strict=False)
    if reader.is_encrypted and not reader.decrypt(""):
        return ExtractedText(_pdf_title(reader), "", None, "pdf")
    pages: list[str] = []
    size = 0
    # One page at a time, stopping at the text cap, so a huge PDF does not hold every page.
    for index, page in enumerate(reader.pages):
        if index >= MAX_PDF_PAGES or size >= MAX_TEXT_CHARS:
            break
        try:
            page_text = page.extract_text() or ""
        except _ABORTS:
            raise
        except Exception:  # a broken page should not lose the others
            logger.info("pypdf could not extract page %d", index, exc_info=True)
            continue
        page_text = "\n".join(" ".join(line.split()) for line in page_text.splitlines())
        page_text = re.sub(r"\n{2,}", "\n", page_text).strip()
        if page_text:
            pages.append(page_text)
            size += len(page_text)
    return ExtractedText(_pdf_title(reader), _clean("\n\n".join(pages)), None, "pdf")


def _pdf_title(reader: object) -> str:
    try:
        meta = reader.metadata  # type: ignore[attr-defined]
        title = meta.title if meta else None
    except Exception:
        return ""
    return " ".join(str(title).split())[:1000] if title else ""
