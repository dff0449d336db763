"""factcheck.bidi: every unpaired direction control is closed or dropped, and text that has
none (or has them paired) comes back exactly as it was."""

from __future__ import annotations

import pytest

from factcheck.bidi import (
    FSI,
    LRE,
    LRI,
    LRO,
    PDF,
    PDI,
    RLE,
    RLI,
    RLO,
    balance,
    balance_data,
    isolate_html,
    isolate_plain,
)

OPENERS = {LRE: PDF, RLE: PDF, LRO: PDF, RLO: PDF, LRI: PDI, RLI: PDI, FSI: PDI}


@pytest.mark.parametrize(("opener", "closer"), OPENERS.items())
def test_an_opener_left_open_is_closed_at_the_end(opener, closer):
    assert balance(f"Harbour {opener}tonnage") == f"Harbour {opener}tonnage{closer}"


@pytest.mark.parametrize("stray", [PDF, PDI])
def test_a_closer_with_nothing_to_close_is_dropped(stray):
    assert balance(f"rice{stray} exports") == "rice exports"


def test_paired_controls_and_plain_text_are_left_alone():
    for text in ["Exports rose 43% in 2022.", f"a {RLO}b{PDF} c", f"{RLI}x{LRE}y{PDF}{PDI} z", ""]:
        assert balance(text) == text


def test_an_isolate_closes_the_embeddings_opened_inside_it():
    assert balance(f"{RLI}a{RLO}b{PDI}c") == f"{RLI}a{RLO}b{PDF}{PDI}c"


def test_a_pdf_cannot_close_an_embedding_from_outside_an_open_isolate():
    assert balance(f"{RLO}a{LRI}b{PDF}c") == f"{RLO}a{LRI}bc{PDI}{PDF}"


def test_every_paragraph_closes_what_it_opened():
    assert balance(f"one {RLO}two\nthree") == f"one {RLO}two{PDF}\nthree"


def test_html_isolation_escapes_balances_and_wraps():
    assert isolate_html(f"<b>{RLO}x") == f"<bdi>&lt;b&gt;{RLO}x{PDF}</bdi>"
    assert isolate_html("") == "" and isolate_html(None) == ""


def test_plain_isolation_wraps_in_first_strong_isolate():
    assert isolate_plain(f"{RLO}title") == f"{FSI}{RLO}title{PDF}{PDI}"


def test_json_data_is_balanced_throughout():
    data = {"claimReviewed": f"{RLO}x", "author": [{"name": f"y{PDI}"}], "ratingValue": 1}
    assert balance_data(data) == {
        "claimReviewed": f"{RLO}x{PDF}",
        "author": [{"name": "y"}],
        "ratingValue": 1,
    }
