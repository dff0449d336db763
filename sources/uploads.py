"""What an uploaded file is, read from its bytes (magic numbers, through the `filetype` library),
never from its name or the browser's label: executables and archives are refused, and so is a
file whose name says one type while its bytes say another, each with a message naming what the
file really is."""

from __future__ import annotations

import mimetypes
import re

import filetype

from factcheck.errors import DomainError

__all__ = ["SNIFF_BYTES", "upload_type"]

SNIFF_BYTES = 8192  # what filetype reads; enough for every signature it knows

# The types an upload may be, by what its content is.
ACCEPTED = {
    "application/pdf": "a PDF",
    "text/html": "an HTML page",
    "text/plain": "a plain-text file",
    "image/png": "a PNG image",
    "image/jpeg": "a JPEG image",
    "image/gif": "a GIF image",
    "image/webp": "a WebP image",
}
_EXECUTABLE = {
    "application/x-msdownload": "a Windows program (PE executable)",
    "application/vnd.microsoft.portable-executable": "a Windows program (PE executable)",
    "application/x-executable": "a Linux program (ELF executable)",
    "application/x-mach-binary": "a macOS program (Mach-O executable)",
    "application/x-sharedlib": "a shared library",
    "application/x-dex": "an Android program (DEX)",
}
_DESCRIBED = {
    "application/zip": "a ZIP archive",
    "application/x-tar": "a tar archive",
    "application/gzip": "a gzip archive",
    "application/x-7z-compressed": "a 7-Zip archive",
    "application/vnd.rar": "a RAR archive",
    "application/x-rar-compressed": "a RAR archive",
    "application/x-bzip2": "a bzip2 archive",
    "application/x-xz": "an xz archive",
    "application/msword": "a Word document",
    "application/vnd.openxmlformats-officedocument.wordprocessingml.document": "a Word document",
    "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet": "an Excel workbook",
    "application/x-shockwave-flash": "a Flash file",
}
_HTML_START = re.compile(
    rb"^\s*(?:<!--.*?-->\s*)*<(?:!doctype\s+html|html|head|body|title|meta|p|div)\b", re.I | re.S
)
_WHAT_IS_ACCEPTED = (
    "upload a PDF, an HTML page, a plain-text file or an image (PNG, JPEG, GIF, WebP)"
)


def _refuse(message: str, field: str) -> DomainError:
    return DomainError(message, fields={"file": [field]})


def _content_type(head: bytes) -> tuple[str, str]:
    """(MIME type, description) of what the bytes are."""
    stripped = head.lstrip(b"\xef\xbb\xbf \t\r\n")
    if b"%PDF-" in head[:1024]:  # readers accept junk before the header, and so do we
        return "application/pdf", ACCEPTED["application/pdf"]
    kind = filetype.guess(head)
    if kind is not None:
        mime = kind.mime
        description = (
            ACCEPTED.get(mime)
            or _EXECUTABLE.get(mime)
            or _DESCRIBED.get(mime)
            or f"a {kind.extension.upper()} file ({mime})"
        )
        return mime, description
    if head.startswith((b"\xff\xfe", b"\xfe\xff")):  # UTF-16 text carries NUL bytes
        return "text/plain", ACCEPTED["text/plain"]
    if b"\x00" in head:
        return "application/octet-stream", "binary data of no known document type"
    if _HTML_START.match(stripped):
        return "text/html", ACCEPTED["text/html"]
    return "text/plain", ACCEPTED["text/plain"]


def _named_type(filename: str) -> str | None:
    guessed = mimetypes.guess_type(filename.lower())[0]
    if guessed in ("application/xhtml+xml",):
        return "text/html"
    return guessed


def upload_type(filename: str, head: bytes) -> str:
    """The MIME type of an upload whose first bytes are ``head``; DomainError if refused."""
    mime, description = _content_type(head)
    name = filename or "the file"
    if mime in _EXECUTABLE:
        raise _refuse(f"{name} is {description}, not a document: it was not uploaded", "executable")
    if mime not in ACCEPTED:
        raise _refuse(f"{name} is {description}: {_WHAT_IS_ACCEPTED}", "unsupported type")
    named = _named_type(filename)
    both_text = (named or "").startswith("text/") and mime.startswith("text/")
    if named in ACCEPTED and named != mime and not both_text:
        extension = filename.rsplit(".", 1)[-1].lower()
        raise _refuse(
            f"{name} is named .{extension} but it is {description}: rename it or upload the "
            "right file",
            "type mismatch",
        )
    return mime
