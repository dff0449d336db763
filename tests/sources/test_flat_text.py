"""The flat text fallback: markup too deep or too broken for a tree still gives its words."""

from __future__ import annotations

from sources.flat_text import flat_text
from sources.text import extract_text

SENTENCE = "The harbour board counted 38,400 crates in the second quarter."


def nested(depth: int, inner: str, tag: str = "div") -> str:
    return f"<{tag}>" * depth + inner + f"</{tag}>" * depth


def test_a_page_of_100000_nested_tags_gives_its_text_not_nothing() -> None:
    body = nested(100_000, f"<p>{SENTENCE}</p>")
    page = f"<html><head><title>Deep page</title></head><body>{body}</body></html>"
    extracted = extract_text(page.encode(), "text/html; charset=utf-8")
    assert extracted.text == SENTENCE
    assert extracted.title == "Deep page"


def test_unclosed_nesting_to_the_end_of_the_file_still_gives_its_text() -> None:
    page = "<html><body>" + "<span>" * 100_000 + f"{SENTENCE}"
    assert extract_text(page.encode(), "text/html").text == SENTENCE


def test_scripts_styles_and_comments_are_not_text() -> None:
    markup = (
        "<head><title>x</title><style>p { color: red }</style></head>"
        f"<p>{SENTENCE}</p><script>var shown = '<p>not text</p>';</script>"
        "<!-- an editor's note --><SCRIPT type=module>also hidden</SCRIPT><p>Last line.</p>"
    )
    assert flat_text(markup) == f"{SENTENCE}\n\nLast line."


def test_block_tags_make_paragraphs_and_entities_are_decoded() -> None:
    markup = "<div>Rice &amp; maize</div><p>2 &lt; 3 and 5 > 4</p>line<br/>break<b>bold</b>"
    assert flat_text(markup) == "Rice & maize\n\n2 < 3 and 5 > 4\n\nline\n\nbreakbold"


def test_an_unclosed_script_hides_the_rest_as_a_browser_would() -> None:
    assert flat_text(f"<p>{SENTENCE}</p><script>while (true) {{}}<p>never shown</p>") == SENTENCE


def test_output_and_input_are_bounded() -> None:
    markup = "<p>" + "word " * 10_000 + "</p>"
    assert len(flat_text(markup, max_chars=100)) <= 100
    first = f"<p>{SENTENCE}</p>"
    assert flat_text(first + "<p>after the limit</p>", max_input_chars=len(first)) == SENTENCE


def test_hostile_fragments_end_with_what_text_they_hold() -> None:
    assert flat_text("<" * 200_000) == "<" * 200_000  # bare angle brackets are text
    assert flat_text("<!--" + "a" * 200_000) == ""  # an unclosed comment hides the rest
    assert flat_text("before<a " + "b='c' " * 50_000) == "before"  # an unclosed tag too
    assert flat_text("<script>" * 50_000) == ""
