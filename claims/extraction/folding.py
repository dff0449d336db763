"""Case folding that keeps offsets: patterns match lower-case text, spans index the original."""

from __future__ import annotations


def fold(text: str) -> str:
    """Lower-case text of the same length, so an offset into it is an offset into the text.

    Patterns run on folded text case-sensitively, several times faster than IGNORECASE; the
    few characters whose lower case is longer ("İ") are left as they are.
    """
    folded = text.lower()
    if len(folded) == len(text):
        return folded
    return "".join(low if len(low := ch.lower()) == 1 else ch for ch in text)
