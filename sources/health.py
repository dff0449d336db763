"""The archive's readiness check: its text extractor's parsers import and read a page.

Registered with factcheck.health's /readyz by SourcesConfig.ready().
"""

from __future__ import annotations

import importlib

from sources.text import extract_text

# A page whose text the extractor must find: a missing or broken parser reads nothing from it.
_PROBE_PAGE = (
    b"<!doctype html><html><head><title>Probe</title></head><body><article>"
    b"<p>The readiness probe page holds one paragraph of ordinary text for the extractor.</p>"
    b"</article></body></html>"
)
_PROBE_TEXT = "The readiness probe page holds one paragraph"


def text_extractor_check() -> str | None:
    """Each parser the archive reads with is importable, and HTML text comes out as expected.

    Run in this process, not the limited child: it is a probe of the installed libraries.
    """
    for module in ("lxml.html", "lxml_html_clean", "trafilatura", "pypdf", "pypdfium2"):
        try:
            importlib.import_module(module)
        except Exception as exc:  # noqa: BLE001 - reported by name
            return f"{module} cannot be imported: {type(exc).__name__}: {exc}"[:300]
    try:
        text = extract_text(_PROBE_PAGE, "text/html; charset=utf-8", strict=True).text
    except Exception as exc:  # noqa: BLE001
        return f"HTML text extraction raised {type(exc).__name__}: {exc}"[:300]
    if _PROBE_TEXT not in text:
        return "HTML text extraction returned no text for a page that has some"
    return None
