"""Sentence splitting: abbreviations, decimals, quotes, headings and broken paragraphs."""

from __future__ import annotations

import pytest

from claims.extraction import split_sentences


def body_sentences(text: str) -> list[str]:
    return [text[s.start : s.end] for s in split_sentences(text) if s.role == "body"]


SPLITS = [
    (
        "Mr. Lee met Dr. Park on Jan. 5. They talked for an hour.",
        ["Mr. Lee met Dr. Park on Jan. 5.", "They talked for an hour."],
    ),
    (
        "Talks with the U.S. resumed in May. The U.S. Army left.",
        ["Talks with the U.S. resumed in May.", "The U.S. Army left."],
    ),
    ("Growth hit 161.5 per cent. Prices rose.", ["Growth hit 161.5 per cent.", "Prices rose."]),
    (
        'She said: "We will win." Then she left.',
        ['She said: "We will win."', "Then she left."],
    ),
    ('"Is it true?" he asked. Nobody replied.', ['"Is it true?" he asked.', "Nobody replied."]),
    ("Read No. 5 of the rules. It is short.", ["Read No. 5 of the rules.", "It is short."]),
    (
        "It costs approx. 5 dollars a day. Fine.",
        ["It costs approx. 5 dollars a day.", "Fine."],
    ),
    (
        "Events, e.g. the summit, matter. Others do not.",
        ["Events, e.g. the summit, matter.", "Others do not."],
    ),
    ("John F. Kennedy spoke in 1961. He left.", ["John F. Kennedy spoke in 1961.", "He left."]),
    (
        "The first paragraph ends here.\n\nThe second one starts here.",
        ["The first paragraph ends here.", "The second one starts here."],
    ),
    (
        "The statement was issued on Monday by the office of the Ukrainian President\n\n"
        "Volodymyr Zelenskyy, who spoke in Kyiv.",
        [
            "The statement was issued on Monday by the office of the Ukrainian President\n\n"
            "Volodymyr Zelenskyy, who spoke in Kyiv."
        ],
    ),
    (
        "A line wrapped by an email client keeps\ngoing on the next line. Then it ends.",
        ["A line wrapped by an email client keeps\ngoing on the next line.", "Then it ends."],
    ),
]


@pytest.mark.parametrize(("text", "expected"), SPLITS, ids=[e[0][:30] for _, e in SPLITS])
def test_split(text, expected):
    assert body_sentences(text) == expected


def test_headline_byline_dateline_and_caption_are_not_body():
    text = (
        "Ports Brace For A Busy Winter\n\n"
        "By Jane Doe\n\n"
        "March 3, 2023\n\n"
        "Cranes at the harbour at dusk. PHOTO: AGENCY\n\n"
        "What comes next for the harbour?\n\n"
        "HAMBURG \u2013 The harbour moved 8,000 containers in February 2023."
    )
    roles = [(s.role, text[s.start : s.end]) for s in split_sentences(text)]
    assert roles == [
        ("heading", "Ports Brace For A Busy Winter"),
        ("heading", "By Jane Doe"),
        ("heading", "March 3, 2023"),
        ("caption", "Cranes at the harbour at dusk. PHOTO: AGENCY"),
        ("heading", "What comes next for the harbour?"),
        ("body", "The harbour moved 8,000 containers in February 2023."),
    ]


def test_wire_dateline_with_its_date_is_not_part_of_the_sentence():
    text = "HAMBURG, Feb 2 (Reuters) - Traffic fell by 42% in January."
    assert body_sentences(text) == ["Traffic fell by 42% in January."]


def test_offsets_are_trimmed_and_index_the_original_text():
    text = "  \r\n  One sentence here.   Another one there.  \r\n"
    spans = [(s.start, s.end) for s in split_sentences(text)]
    assert [text[a:b] for a, b in spans] == ["One sentence here.", "Another one there."]
