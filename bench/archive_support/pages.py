"""Deterministic test material for the archiving benchmark: news-like HTML pages and a large PDF."""

from __future__ import annotations

import random
import zlib
from html import escape

_SUBJECTS = [
    "Container throughput at the port", "The national unemployment rate",
    "Average rent in the capital", "Crude oil exports", "The defence budget", "Wheat production",
    "Hospital waiting lists", "Public debt", "Electricity prices for households", "Net migration",
    "Rice exports to the region",
    "The number of registered voters", "Youth unemployment", "Foreign direct investment",
    "Inflation in the food basket", "Tourist arrivals", "Coal-fired generating capacity",
    "The trade deficit with its largest partner", "Annual rainfall in the north", "Bus ridership",
]  # fmt: skip
_VERBS = [
    "rose", "fell", "climbed", "dropped", "stood at", "reached", "was revised to", "doubled to",
    "slipped to", "jumped to", "edged up to", "contracted to",
]  # fmt: skip
_UNITS = [
    "per cent", "%", "million barrels", "TEU", "billion dollars", "tonnes", "people",
    "megawatts", "million euros", "patients", "millimetres", "passengers a day",
]  # fmt: skip
_SOURCES = [
    "according to the statistics office", "the ministry said in a statement",
    "figures released on Tuesday show", "the central bank reported",
    "a parliamentary answer revealed",
    "data compiled by the regional authority show", "the company's annual report says",
    "an independent audit found", "the minister told reporters", "official records indicate",
]  # fmt: skip
_FILLER_TEXT = (
    "Analysts cautioned that the comparison depends on the base year chosen and on whether "
    "seasonal effects are removed, and several economists pointed out that earlier estimates had "
    "been revised more than once before the final figures were published."
)
_FILLER = _FILLER_TEXT.split()
_MONTHS = "January February March April May June July August September October November December"
_MONTH_NAMES = _MONTHS.split()

_STYLE = "\n".join(
    f".c{i} {{ margin: {i % 7}px {i % 5}px; padding: {i % 3}em; "
    f"color: #{(i * 2654435761) % 0xFFFFFF:06x}; "
    f"font: {12 + i % 6}px/1.{4 + i % 5} 'Source Serif', Georgia, serif; }}"
    for i in range(40)
)
_SCRIPT = (
    "window.dataLayer = window.dataLayer || []; function gtag(){dataLayer.push(arguments);} "
    "gtag('js', new Date()); gtag('config', 'G-XXXXXXX', {anonymize_ip: true});\n"
    + "var __cfg = "
    + repr({f"slot_{i}": {"size": [300, 250], "pos": i, "targeting": "news"} for i in range(25)})
    + ";"
)


def _number(rng: random.Random) -> str:
    kind = rng.random()
    if kind < 0.3:
        return f"{rng.uniform(0.1, 99.9):.1f}"
    if kind < 0.6:
        return f"{rng.randint(1_000, 9_999_999):,}"
    if kind < 0.8:
        return str(rng.randint(2, 950))
    return f"{rng.uniform(1, 40):.2f}"


def _sentence(rng: random.Random) -> str:
    year = rng.randint(2015, 2024)
    month = rng.choice(_MONTH_NAMES)
    first = (
        f"{rng.choice(_SUBJECTS)} {rng.choice(_VERBS)} {_number(rng)} {rng.choice(_UNITS)} "
        f"in {month} {year}, {rng.choice(_SOURCES)}."
    )
    if rng.random() < 0.5:
        start = rng.randrange(len(_FILLER) - 12)
        first += " " + " ".join(_FILLER[start : start + rng.randint(8, 12)]).capitalize() + "."
    return first


def html_page(index: int, *, target_bytes: int = 50_000, text_bytes: int = 10_000) -> bytes:
    """One distinct news-like article page of about ``target_bytes`` (UTF-8).

    Shaped like a real news page: about ``text_bytes`` of article text (paragraphs full of figures
    and dates, a data table) inside markup, inline CSS, an analytics script, a JSON state blob,
    a navigation menu, related links and a footer, which make up the rest.
    """
    rng = random.Random(1_000_003 * (index + 1))
    headline = _sentence(rng).split(",")[0]
    related = "".join(
        f'<li class="card"><a href="/news/{rng.randint(10**5, 10**6)}.html">'
        f'<img src="/img/{rng.randint(10**5, 10**6)}.jpg" alt="" width="320" height="180" '
        'loading="lazy">'
        f'<span class="c{rng.randrange(40)}">{escape(_sentence(rng)[:90])}</span></a></li>'
        for _ in range(12)
    )
    article: list[str] = []
    size = 0
    paragraph = 0
    while size < text_bytes:
        paragraph += 1
        if paragraph % 9 == 0:
            rows = "".join(
                f"<tr><td>{rng.randint(2010, 2024)}</td><td>{_number(rng)}</td>"
                f"<td>{_number(rng)}</td></tr>"
                for _ in range(8)
            )
            piece = (
                '<table class="data"><tr><th>Year</th><th>Value</th><th>Change</th></tr>'
                f"{rows}</table>\n"
            )
        elif paragraph % 5 == 0:
            piece = f"<h2>{escape(_sentence(rng).split(',')[0])}</h2>\n"
        else:
            text = " ".join(_sentence(rng) for _ in range(rng.randint(2, 4)))
            piece = f'<p class="c{rng.randrange(40)}">{escape(text)}</p>\n'
        article.append(piece)
        size += len(piece)
    head = (
        '<!DOCTYPE html>\n<html lang="en"><head><meta charset="utf-8">'
        f"<title>{escape(headline)} | The Daily Figure</title>"
        f'<meta name="description" content="{escape(_sentence(rng))}">'
        f'<meta property="og:title" content="{escape(headline)}">'
        f'<link rel="canonical" href="https://news.example/{index}.html">'
        f"<style>{_STYLE}</style><script>{_SCRIPT}</script></head>\n<body>"
    )
    tail = (
        "<aside><h2>Related</h2><ul>" + related + "</ul></aside></main>\n"
        "<footer><p>&copy; The Daily Figure. All rights reserved.</p>"
        '<p><a href="/privacy">Privacy</a> · <a href="/terms">Terms</a></p></footer>'
        "<script>document.querySelectorAll('a').forEach(function(a){a.rel='noopener';});</script>"
    )
    main = (
        f'<main><article><h1>{escape(headline)}</h1><p class="byline">By Staff Reporter, '
        f"{rng.randint(1, 28)} {rng.choice(_MONTH_NAMES)} {rng.randint(2019, 2024)}</p>\n"
        + "".join(article)
        + "</article>"
    )
    # The rest is page furniture: a mega-menu and the framework's JSON state, as real pages have.
    budget = target_bytes - len(head) - len(main) - len(tail) - 200
    items: list[str] = []
    state: list[str] = []
    while budget > 0:
        section = rng.randint(1, 999)
        item = (
            f'<li class="menu-item c{section % 40}"><a href="/section/{section}/'
            f'topic-{rng.randint(1, 99_999)}" data-track="nav-{section}">Section {section}</a></li>'
        )
        blob = (
            f'{{"id":{rng.randint(10**6, 10**7)},"slug":"story-{rng.randint(1, 10**6)}",'
            f'"section":{section},"ts":{rng.randint(1_600_000_000, 1_700_000_000)}}}'
        )
        items.append(item)
        state.append(blob)
        budget -= len(item) + len(blob) + 1
    nav = (
        '<header><div class="logo">The Daily Figure</div><nav><ul>'
        + "".join(items)
        + "</ul></nav></header>\n"
    )
    data = '<script id="__STATE__" type="application/json">[' + ",".join(state) + "]</script>"
    return (head + nav + main + tail + data + "</body></html>\n").encode("utf-8")


def pdf_document(*, target_bytes: int = 40 * 1024 * 1024, seed: int = 7) -> bytes:
    """A valid multi-page PDF report of about ``target_bytes``: text on every page plus a photo.

    The photos are incompressible image XObjects (as scanned or photographic content is), which is
    what makes real reports this large; each page also has a paragraph of extractable text.
    """
    rng = random.Random(seed)
    image_w, image_h = 480, 300  # 432,000 bytes of RGB per page
    pages = max(1, target_bytes // (image_w * image_h * 3 + 3_000))
    objects: list[bytes] = []  # objects[i] is object number i + 1

    def add(body: bytes) -> int:
        objects.append(body)
        return len(objects)

    font = add(b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>")
    pages_id = add(b"")  # filled in at the end
    page_ids = []
    for number in range(pages):
        lines = [f"Annual report, page {number + 1}"] + [_sentence(rng)[:95] for _ in range(28)]
        ops = ["BT /F1 9 Tf 11 TL 50 780 Td"]
        for line in lines:
            safe = line.replace("\\", "\\\\").replace("(", "\\(").replace(")", "\\)")
            ops.append(f"({safe.encode('latin-1', 'replace').decode('latin-1')}) '")
        ops.append("ET q 480 0 0 300 60 60 cm /Im0 Do Q")
        content = zlib.compress("\n".join(ops).encode("latin-1"))
        stream = add(
            b"<< /Length %d /Filter /FlateDecode >>\nstream\n" % len(content)
            + content
            + b"\nendstream"
        )
        pixels = zlib.compress(rng.randbytes(image_w * image_h * 3), 1)
        image = add(
            b"<< /Type /XObject /Subtype /Image /Width %d /Height %d /ColorSpace /DeviceRGB "
            b"/BitsPerComponent 8 /Filter /FlateDecode /Length %d >>\nstream\n"
            % (image_w, image_h, len(pixels))
            + pixels
            + b"\nendstream"
        )
        page_ids.append(
            add(
                b"<< /Type /Page /Parent %d 0 R /MediaBox [0 0 595 842] /Contents %d 0 R "
                b"/Resources << /Font << /F1 %d 0 R >> /XObject << /Im0 %d 0 R >> >> >>"
                % (pages_id, stream, font, image)
            )
        )
    kids = b" ".join(b"%d 0 R" % pid for pid in page_ids)
    objects[pages_id - 1] = b"<< /Type /Pages /Kids [%s] /Count %d >>" % (kids, len(page_ids))
    info = add(b"<< /Title (Benchmark annual report) /Producer (factcheck bench) >>")
    catalog = add(b"<< /Type /Catalog /Pages %d 0 R >>" % pages_id)

    out = bytearray(b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n")
    offsets = []
    for number, body in enumerate(objects, start=1):
        offsets.append(len(out))
        out += b"%d 0 obj\n" % number + body + b"\nendobj\n"
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    out += b"".join(b"%010d 00000 n \n" % off for off in offsets)
    out += b"trailer\n<< /Size %d /Root %d 0 R /Info %d 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (
        len(objects) + 1,
        catalog,
        info,
        xref,
    )
    return bytes(out)
