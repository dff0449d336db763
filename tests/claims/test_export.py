"""Exports of claims and verdicts: what a row holds, the blind rule, formula-safe CSV, the queue's
streamed download, `manage.py export_claims`, and flat memory at 100,000 claims."""

from __future__ import annotations

import csv
import io
import json
import tracemalloc
from decimal import Decimal

import pytest
from django.core.management import CommandError, call_command
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from claims import export
from claims.evidence.models import Evidence
from claims.models import Claim, ClaimFigure, ClaimState, Rating, VerdictVersion
from claims.services import claim_create
from factcheck.roles import is_editor
from sources.models import Capture, Source

EXPORT = reverse("claims:export")


def client_for(user=None) -> Client:
    client = Client()
    if user is not None:
        client.force_login(user)
    return client


def read_csv(text: str) -> list[dict[str, str]]:
    return list(csv.DictReader(io.StringIO(text)))


@pytest.fixture
def checked(claim_in, make_user, scale, editor):
    """A published claim with a figure, two ratings, a correction and an archived source."""
    claim = claim_in(ClaimState.PUBLISHED, ratings=2, text="Garment exports fell 12% in 2024.")
    ClaimFigure.objects.create(claim=claim, position=0, value=Decimal(12), unit="percent")
    VerdictVersion.objects.create(
        claim=claim,
        number=2,
        rating=scale("mostly-false"),
        conclusion="Mostly false: they fell 9%.",
        explanation="The ministry revised its figures.",
        approved_by=editor,
        approved_at=timezone.now(),
        published_at=timezone.now(),
        correction_note="The revised figure is 9%.",
    )
    source = Source.objects.create(url="https://stats.example.org/garments-2024")
    Evidence.objects.create(claim=claim, source=source, relation="refutes")
    Capture.objects.create(source=source, state="archived", sha256="c" * 64)
    return claim


def test_a_claim_row_holds_figures_state_ratings_verdict_sources_and_hashes(checked, editor):
    [row] = read_csv(export.export_text(Claim.objects.all(), editor, fmt="csv", what="claims"))
    assert row["id"] == str(checked.pk)
    assert row["text"] == "Garment exports fell 12% in 2024."
    assert row["state"] == "published"
    assert row["figures"] == "12%"
    assert row["verdict_rating"] == "mostly-false" and row["verdict_version"] == "2"
    assert row["verdict_conclusion"] == "Mostly false: they fell 9%."
    assert row["sources"] == "https://stats.example.org/garments-2024"
    assert row["capture_sha256"] == "c" * 64
    assert row["ratings"].count(":") == 2 and "half-true" in row["ratings"]


def test_json_lines_carry_the_same_facts_nested(checked, editor):
    [line] = export.export_text(
        Claim.objects.all(), editor, fmt="jsonl", what="claims"
    ).splitlines()
    record = json.loads(line)
    assert (
        record["figures"][0]["unit"] == "percent" and record["figures"][0]["value"] == "12.000000"
    )
    assert record["sources"] == [
        {
            "url": "https://stats.example.org/garments-2024",
            "relation": "refutes",
            "retracted": False,
            "capture_state": "archived",
            "archived_sha256": "c" * 64,
            "archived_at": None,
        }
    ]
    assert record["verdict"]["version"] == 2
    assert len(record["ratings"]) == 2 and record["ratings_hidden"] is False


def test_a_fact_checker_who_has_not_rated_sees_no_ratings(checked, fact_checker, scale):
    [row] = read_csv(
        export.export_text(Claim.objects.all(), fact_checker, fmt="csv", what="claims")
    )
    assert row["ratings"] == "hidden until you rate this claim"
    Rating.objects.create(claim=checked, reviewer=fact_checker, scale=scale("false"), rationale="x")
    [row] = read_csv(
        export.export_text(Claim.objects.all(), fact_checker, fmt="csv", what="claims")
    )
    assert row["ratings"].count(":") == 3 and f"{fact_checker.username}: false" in row["ratings"]


def test_verdicts_export_lists_every_published_version(checked, editor):
    rows = read_csv(export.export_text(Claim.objects.all(), editor, fmt="csv", what="verdicts"))
    assert [(r["version"], r["rating"]) for r in rows] == [("1", "false"), ("2", "mostly-false")]
    assert rows[1]["correction_note"] == "The revised figure is 9%."


@pytest.mark.parametrize("text", ['=HYPERLINK("http://x")', "+1+1", "-2+3", "@SUM(A1)"])
def test_csv_cells_never_start_a_formula(db, editor, text):
    claim_create(system_actor="test-setup", text=text, claimant="=cmd|' /C calc'!A0")
    [row] = read_csv(export.export_text(Claim.objects.all(), editor, fmt="csv", what="claims"))
    assert row["text"] == "'" + text
    assert row["claimant"] == "'=cmd|' /C calc'!A0"


def test_export_reads_in_batches_with_a_fixed_number_of_queries(db, editor, monkeypatch):
    monkeypatch.setattr(export, "EXPORT_BATCH", 10)

    def queries(n: int) -> int:
        for i in range(n - Claim.objects.count()):
            claim = claim_create(system_actor="test-setup", text=f"Rice claim {i}.")
            source = Source.objects.create(url=f"https://example.org/rice-{claim.pk}")
            Evidence.objects.create(claim=claim, source=source)
            Capture.objects.create(source=source, state="archived", sha256="d" * 64)
        with CaptureQueriesContext(connection) as captured:
            lines = export.export_text(Claim.objects.all(), editor, fmt="jsonl", what="claims")
        assert len(lines.splitlines()) == n
        return len(captured)

    is_editor(editor)  # the exporter's role, read once and kept on the user
    # Six queries per batch of claims (claims, figures, sources, their captures, verdicts,
    # ratings) and the empty read that ends it.
    assert queries(10) == 1 * 6 + 1
    assert queries(30) == 3 * 6 + 1


# The queue's download and the command ---------------------------------------------------------


def test_the_queue_streams_its_filter_as_a_download(fact_checker, claim_in):
    new, published = claim_in(ClaimState.NEW), claim_in(ClaimState.PUBLISHED)
    desk = client_for(fact_checker)
    response = desk.get(EXPORT, {"state": "new", "format": "csv"})
    assert response.status_code == 200 and response.streaming
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert response["Content-Disposition"].endswith('.csv"')
    rows = read_csv(b"".join(response.streaming_content).decode())
    assert [int(r["id"]) for r in rows] == [new.pk]
    response = desk.get(EXPORT, {"format": "jsonl", "what": "verdicts"})
    lines = b"".join(response.streaming_content).decode().splitlines()
    assert [json.loads(x)["claim_id"] for x in lines] == [published.pk]
    assert desk.get(EXPORT, {"format": "xlsx"}).status_code == 400
    page = desk.get(reverse("claims:queue"), {"state": "new"}).content.decode()
    assert f'href="{EXPORT}?state=new&amp;format=csv"' in page


def test_the_export_download_needs_a_desk_role(outsider):
    assert client_for(outsider).get(EXPORT).status_code == 403
    assert client_for().get(EXPORT).status_code == 302


def test_export_claims_command_writes_a_file_with_a_progress_bar(
    db, claim_in, tmp_path, capsys, make_user
):
    checker = make_user()
    mine = claim_in(ClaimState.RESEARCHING, assignee=checker)
    claim_in(ClaimState.RESEARCHING)
    target = tmp_path / "claims.jsonl"
    call_command(
        "export_claims", "--format", "jsonl", "--assignee", checker.username, "-o", str(target)
    )
    records = [json.loads(line) for line in target.read_text().splitlines()]
    assert [r["id"] for r in records] == [mine.pk]
    err = capsys.readouterr().err
    assert "claims [##############################] 1/1" in err
    assert f"1 claims written to {target}" in err
    call_command("export_claims", "--verdicts", "--state", "published")
    assert capsys.readouterr().out.startswith("claim_id,claim,version,rating")


def test_export_claims_command_names_a_bad_filter(db):
    with pytest.raises(CommandError, match="--assignee: no user 'nobody'"):
        call_command("export_claims", "--assignee", "nobody")
    with pytest.raises(CommandError, match="--rating: no rating 'sort-of'; one of true"):
        call_command("export_claims", "--rating", "sort-of")


# Constant memory -------------------------------------------------------------------------------


def _insert_series(model, exprs: dict[str, str], rows: str, rows_params: list) -> None:
    """INSERT one row per n of `rows` (SQL yielding a column n) in one statement: `exprs` give
    SQL of n for some columns, every other column takes its field's default. Bulk rows made
    by PostgreSQL itself: 100,000 claims through the ORM would take minutes on a busy machine."""
    columns, values, params = [], [], []
    for f in model._meta.concrete_fields:
        if f.primary_key:
            continue
        columns.append(connection.ops.quote_name(f.column))
        if f.attname in exprs:
            values.append(exprs[f.attname])
        else:
            values.append("%s")
            params.append(f.get_db_prep_save(f.get_default(), connection))
    sql = (
        f"INSERT INTO {model._meta.db_table} ({', '.join(columns)}) "  # noqa: S608 (our names)
        f"SELECT {', '.join(values)} FROM ({rows}) AS source"
    )
    with connection.cursor() as cursor:
        cursor.execute(sql, [*params, *rows_params])


def _seed(count: int) -> None:
    """Claims with a figure each, and a source with an archived capture for one in ten."""
    have = Claim.objects.count()
    now = "now()"
    _insert_series(
        Claim,
        {
            "created_at": now,
            "updated_at": now,
            "text": "format('Rice exports reached %%s tonnes in 2024, the ministry said.', n)",
            "kind": "'quantity'",
            "value": "n",
            "unit": "'tonne'",
            "period_start": "DATE '2024-01-01'",
            "period_end": "DATE '2024-12-31'",
            "date_precision": "'year'",
        },
        "SELECT generate_series(%s, %s - 1) AS n",
        [have, count],
    )
    newest = Claim.objects.order_by("id").values_list("id", flat=True)[have]
    _insert_series(
        ClaimFigure,
        {"claim_id": "n", "position": "0", "value": "n", "unit": "'tonne'"},
        "SELECT id AS n FROM claims_claim WHERE id >= %s",
        [newest],
    )
    tenth = list(Claim.objects.filter(id__gte=newest).order_by("id").values_list("id", flat=True))
    tenth = tenth[::10]
    sources = Source.objects.bulk_create(
        (Source(url=f"https://example.org/rice/{pk}") for pk in tenth), batch_size=5000
    )
    Evidence.objects.bulk_create(
        (Evidence(claim_id=pk, source=s) for pk, s in zip(tenth, sources, strict=True)),
        batch_size=5000,
    )
    Capture.objects.bulk_create(
        (Capture(source=s, state="archived", sha256="e" * 64) for s in sources), batch_size=5000
    )


def _peak_bytes_of_export(user) -> tuple[int, int]:
    """Stream the CSV export, keeping nothing, under tracemalloc: (lines, peak bytes)."""
    lines = 0
    tracemalloc.start()
    try:
        for _line in export.export_lines(Claim.objects.all(), user, fmt="csv", what="claims"):
            lines += 1
        _now, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    return lines, peak


def test_exporting_100000_claims_takes_no_more_memory_than_1000(db, editor, monkeypatch):
    # Batches of 500: 1,000 claims are two full batches, as 100,000 are two hundred.
    monkeypatch.setattr(export, "EXPORT_BATCH", 500)
    _seed(1_000)
    small_lines, small_peak = _peak_bytes_of_export(editor)
    _seed(100_000)
    large_lines, large_peak = _peak_bytes_of_export(editor)
    assert (small_lines, large_lines) == (1_001, 100_001)
    # A whole-table load would grow ~100-fold; batches keep the peak where 1,000 claims put it.
    assert large_peak < 1.5 * small_peak, (small_peak, large_peak)
