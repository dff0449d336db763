"""Bad input: empty, binary, huge, foreign or figure-free text never breaks extraction."""

from __future__ import annotations

import datetime as dt
import random
import time

import pytest

from claims.extraction import (
    MAX_SENTENCE_CHARS,
    MAX_TEXT_CHARS,
    UnreadableTextError,
    extract_claims,
)

PUBLISHED = dt.date(2024, 1, 5)
ARTICLE = (
    "The ministry said on Monday that 4,200 tonnes of grain left the port in March 2023. "
    "Prices rose 12 per cent compared with the previous year.\n\n"
)


@pytest.mark.parametrize("text", ["", "   ", "\n\n\t\n"])
def test_empty_text_gives_no_candidates(text):
    assert extract_claims(text, PUBLISHED) == []


def test_text_with_nul_bytes_is_refused_with_a_clear_error():
    with pytest.raises(UnreadableTextError, match="NUL bytes"):
        extract_claims("Exports rose 5%\x00 in 2023.", PUBLISHED)


def test_binary_junk_is_refused_and_the_error_is_a_value_error():
    rng = random.Random(7)
    junk = bytes(rng.randrange(1, 256) for _ in range(4000)).decode("latin-1")
    with pytest.raises(ValueError, match="binary"):
        extract_claims(junk, PUBLISHED)


def test_non_text_input_is_a_type_error():
    with pytest.raises(TypeError):
        extract_claims(b"Exports rose 5% in 2023.", PUBLISHED)


def test_five_megabyte_paste_is_scanned_up_to_the_cap_quickly():
    paste = ARTICLE * (5_000_000 // len(ARTICLE) + 1)
    assert len(paste) > 5_000_000
    started = time.perf_counter()
    candidates = extract_claims(paste, PUBLISHED)
    assert time.perf_counter() - started < 10
    assert candidates
    assert all(c.span.end <= MAX_TEXT_CHARS for c in candidates)
    assert all(paste[c.span.start : c.span.end] == c.text for c in candidates)


def test_long_text_of_distinct_sentences_stops_at_the_cap():
    parts = [f"Factory {i} shipped {i + 10} containers in March 2023." for i in range(20_000)]
    text = "\n".join(parts)
    assert len(text) > MAX_TEXT_CHARS
    candidates = extract_claims(text, PUBLISHED)
    assert candidates[-1].span.end <= MAX_TEXT_CHARS
    assert len(candidates) < len(parts)


@pytest.mark.parametrize(
    "text",
    [
        "Le port a traité 1.000 conteneurs en mars 2023, selon le ministère.",
        "Порт обработал 1000 контейнеров в марте 2023 года, сообщило министерство.",
        "该港口在2023年3月处理了1000个集装箱。",
        "កំពង់ផែបានដោះដូរកុងតឺន័រ ១០០០ នៅខែមីនា ឆ្នាំ២០២៣។",
        "Der Hafen schlug im März 2023 rund 1.000 Container um, teilte das Ministerium mit.",
    ],
)
def test_other_languages_never_raise_and_keep_valid_spans(text):
    candidates = extract_claims(text, PUBLISHED)
    for candidate in candidates:
        assert text[candidate.span.start : candidate.span.end] == candidate.text
        assert 0.0 <= candidate.score <= 1.0


def test_article_without_figures_gives_only_dated_or_attributed_candidates():
    text = (
        "The summit opened in Geneva in March 2023.\n\n"
        "The foreign ministry said the talks were useful.\n\n"
        "Delegates enjoyed the lake and the mountains."
    )
    candidates = extract_claims(text, PUBLISHED)
    assert [c.kind for c in candidates] == ["date_event", "attribution"]
    assert all(not c.figures for c in candidates)


def test_random_unicode_text_never_raises_anything_but_unreadable_text():
    rng = random.Random(2024)
    alphabet = (
        "abcdefghijklmnopqrstuvwxyz ABCDEFGHIJKLMNOPQRSTUVWXYZ 0123456789 .,;:!?-\u2013\u2014'\""
        "$\u20ac\u00a3%\n\n\u201c\u201d\u2019() \u00e9\u00fc\u0416\u4e2d\u17a2 "
    )
    words = ["May", "March", "2023", "1,000", "No.", "Mr.", "per cent", "bn", "since", "last"]
    for _ in range(300):
        pieces = [
            rng.choice(words) if rng.random() < 0.2 else rng.choice(alphabet)
            for _ in range(rng.randrange(0, 200))
        ]
        text = "".join(pieces)
        for candidate in extract_claims(text, rng.choice([None, PUBLISHED])):
            assert text[candidate.span.start : candidate.span.end] == candidate.text


def test_control_characters_below_the_threshold_are_tolerated():
    text = "The port moved 8,000 containers in February 2023.\x0c" + "Calm prose. " * 50
    assert extract_claims(text, PUBLISHED)


def test_a_table_pasted_as_one_line_is_cut_into_reviewable_pieces():
    row = "Plant {i} shipped {n} containers worth $5m in 2023 "
    line = "".join(row.format(i=i, n=i * 7 + 11) for i in range(400))
    candidates = extract_claims(line, PUBLISHED)
    assert len(candidates) > 1
    assert all(len(c.text) <= MAX_SENTENCE_CHARS for c in candidates)


@pytest.mark.parametrize("published", [dt.date(1, 1, 1), dt.date(9999, 12, 31)])
def test_dates_off_the_calendar_are_dropped_not_raised(published):
    text = "Exports rose 5% last year and will rise next year, 900 decades ago, since May."
    for candidate in extract_claims(text, published):
        assert all(d.start <= d.end for d in candidate.dates)
