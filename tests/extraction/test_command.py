"""`manage.py extract_claims`: JSON or text out, stdin, and clear errors for bad input."""

from __future__ import annotations

import io
import json
import sys

import pytest
from django.core.management import CommandError, call_command

from claims.extraction import MAX_TEXT_CHARS

ARTICLE = (
    "Port Figures Released\n\n"
    "The port authority said 8,000 containers passed through in February 2023.\n\n"
    "Volumes rose 12 per cent compared with the previous year.\n"
)


def run(*args: str) -> tuple[str, str]:
    out, err = io.StringIO(), io.StringIO()
    call_command("extract_claims", *args, stdout=out, stderr=err)
    return out.getvalue(), err.getvalue()


@pytest.fixture
def article_file(tmp_path):
    path = tmp_path / "article.txt"
    path.write_text(ARTICLE, encoding="utf-8")
    return path


def test_json_lists_candidates_with_spans_figures_and_dates(article_file):
    out, _ = run(str(article_file), "--published", "2024-01-05", "--format", "json")
    payload = json.loads(out)
    assert [item["kind"] for item in payload] == ["quantity", "percentage"]
    first = payload[0]
    assert ARTICLE[first["span"]["start"] : first["span"]["end"]] == first["text"]
    assert first["figures"][0]["value"] == "8000"
    assert first["figures"][0]["unit"] == "container"
    assert first["dates"][0] == {
        "start": "2023-02-01",
        "end": "2023-02-28",
        "precision": "month",
        "raw": "February 2023",
        "span": first["dates"][0]["span"],
        "role": "reference",
        "source": "explicit",
    }
    assert 0 < first["score"] <= 1
    baseline = payload[1]["dates"][-1]
    assert (baseline["start"], baseline["role"]) == ("2022-01-01", "baseline")


def test_dash_reads_the_article_from_stdin(monkeypatch):
    monkeypatch.setattr(sys, "stdin", io.TextIOWrapper(io.BytesIO(ARTICLE.encode("utf-8"))))
    out, _ = run("-", "--format", "json")
    assert len(json.loads(out)) == 2


def test_text_format_is_for_people(article_file):
    out, _ = run(str(article_file), "--published", "2024-01-05", "--format", "text")
    assert "[0." in out and "quantity" in out
    assert "figure: exact 8000 container" in out
    assert "date: 2023-02-01..2023-02-28 month" in out
    assert out.rstrip().endswith("2 candidate claim(s)")


def test_empty_file_prints_an_empty_list(tmp_path):
    path = tmp_path / "empty.txt"
    path.write_text("", encoding="utf-8")
    out, _ = run(str(path), "--format", "json")
    assert json.loads(out) == []


def test_utf8_byte_order_mark_is_not_part_of_the_text(tmp_path):
    path = tmp_path / "bom.txt"
    path.write_bytes(b"\xef\xbb\xbf" + ARTICLE.encode("utf-8"))
    payload = json.loads(run(str(path))[0])
    assert payload[0]["text"].startswith("The port authority")


@pytest.mark.parametrize(
    ("make", "message"),
    [
        (lambda tmp: tmp / "missing.txt", "no such file"),
        (lambda tmp: tmp, "is a directory"),
        (lambda tmp: _write(tmp / "photo.jpg", b"\xff\xd8\xff\xe0\x00\x10JFIF\x00"), "binary"),
        (lambda tmp: _write(tmp / "latin1.txt", "Caf\xe9 prices rose.".encode("latin-1")), "UTF-8"),
        (lambda tmp: _write(tmp / "junk.txt", bytes(range(1, 32)) * 100), "binary"),
    ],
    ids=["missing", "directory", "binary", "not-utf8", "control-characters"],
)
def test_unreadable_input_is_a_command_error(tmp_path, make, message):
    with pytest.raises(CommandError, match=message):
        run(str(make(tmp_path)), "--format", "json")


def _write(path, data: bytes):
    path.write_bytes(data)
    return path


@pytest.mark.parametrize("value", ["2024-13-01", "yesterday", "05/01/2024"])
def test_bad_published_date_is_a_command_error(article_file, value):
    with pytest.raises(CommandError, match="YYYY-MM-DD"):
        run(str(article_file), "--published", value)


def test_unknown_format_is_refused(article_file):
    with pytest.raises(CommandError):
        run(str(article_file), "--format", "xml")


def test_oversized_file_is_scanned_up_to_the_cap_with_a_note(tmp_path):
    path = tmp_path / "huge.txt"
    path.write_text(ARTICLE * (MAX_TEXT_CHARS // len(ARTICLE) + 2), encoding="utf-8")
    out, err = run(str(path), "--published", "2024-01-05")
    assert json.loads(out)
    assert f"first {MAX_TEXT_CHARS:,} characters" in err


def test_jsonl_gives_one_result_per_line_in_order(tmp_path):
    lines = [
        {
            "id": "a",
            "text": "Exports rose 5% to $3 billion in March 2023.",
            "published": "2023-05-01",
        },
        {"id": 7, "text": "Imports fell 2% last month."},
        {"id": "empty", "text": ""},
    ]
    path = tmp_path / "batch.jsonl"
    path.write_text("\n".join(json.dumps(line) for line in lines) + "\n", encoding="utf-8")
    out, _ = run(str(path), "--jsonl", "--published", "2024-01-05")
    results = [json.loads(line) for line in out.splitlines()]
    assert [r["id"] for r in results] == ["a", 7, "empty"]
    first = results[0]["claims"][0]["figures"]
    assert [(f["value"], f["direction"], f["change"]) for f in first] == [
        ("5", "up", "change"),
        ("3", "up", "level"),
    ]
    assert results[1]["claims"][0]["dates"][0]["start"] == "2023-12-01"
    assert results[2]["claims"] == []


def test_jsonl_reports_a_bad_line_in_its_place_and_goes_on(tmp_path):
    path = tmp_path / "batch.jsonl"
    path.write_text(
        'not json\n{"id": 2, "text": 5}\n'
        '{"id": 3, "text": "Sales rose 4% in 2023.", "published": "yesterday"}\n'
        '{"id": 4, "text": "Sales rose 4% in 2023."}\n',
        encoding="utf-8",
    )
    out = io.StringIO()
    with pytest.raises(CommandError, match="3 line"):
        call_command("extract_claims", str(path), "--jsonl", stdout=out)
    results = [json.loads(line) for line in out.getvalue().splitlines()]
    assert [(r["id"], r.get("line")) for r in results] == [(None, 1), (2, 2), (3, 3), (4, None)]
    assert "not JSON" in results[0]["error"]
    assert '"text" must be a string' in results[1]["error"]
    assert "YYYY-MM-DD" in results[2]["error"]
    assert results[3]["claims"][0]["figures"][0]["value"] == "4"
