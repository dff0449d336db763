"""Exports of claims and of verdicts, as CSV or JSON Lines, streamed in keyset batches.

Nothing loads the whole table: claims are read EXPORT_BATCH at a time by id (`id > last`), and
each batch's figures, ratings, verdicts, sources and captures come in one query each, so memory
stays flat however many claims match and a batch costs a fixed number of queries. The same
generators feed the queue's download, the API's and `manage.py export_claims`.

The blind rule holds in exports too: a fact-checker sees the ratings of a claim only once they
have rated it themselves (editors see all). CSV cells that a spreadsheet would run as a formula
(starting with = + - @, a tab or a carriage return) are prefixed with an apostrophe.
"""

from __future__ import annotations

import csv
import io
import json
from collections import defaultdict
from collections.abc import Callable, Iterable, Iterator
from typing import Any

from django.db.models import QuerySet
from django.http import StreamingHttpResponse
from django.utils import timezone

from claims.deadlines import priority_slug
from claims.evidence.models import Evidence
from claims.figure_text import figure_text, period_text
from claims.models import Claim, ClaimFigure, Rating, VerdictVersion
from factcheck.roles import is_editor
from sources.models import Capture

EXPORT_BATCH = 2000
FORMATS = {"csv": "text/csv; charset=utf-8", "jsonl": "application/x-ndjson; charset=utf-8"}
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def _safe_cell(value: Any) -> Any:
    """A CSV cell that no spreadsheet runs as a formula."""
    if value is None:
        return ""
    if isinstance(value, str) and value.startswith(_FORMULA_START):
        return "'" + value
    return value


CLAIM_FIELDS = (
    "id",
    "text",
    "kind",
    "state",
    "claimant",
    "article_id",
    "article__title",
    "period_start",
    "period_end",
    "date_precision",
    "assignee__username",
    "priority",
    "due_date",
    "created_at",
    "updated_at",
)


def _batches(claims: QuerySet[Claim]) -> Iterator[list[dict[str, Any]]]:
    """The claims as values() rows in id order, EXPORT_BATCH at a time, each batch one indexed
    range query (rows, not model instances: a tenth of the cost at 100,000 claims)."""
    size = EXPORT_BATCH
    base = claims.order_by("id").values(*CLAIM_FIELDS)
    last = 0
    while True:
        batch = list(base.filter(id__gt=last)[:size])
        if not batch:
            return
        yield batch
        last = batch[-1]["id"]


def _of_claims(ids: list[int]) -> dict[str, Any]:
    """The lookup for rows of these claims (ids ascending): an id range when the batch is dense
    (an export of everything: cheap to send and to plan), else the ids themselves. Rows of
    claims in the range but not in the batch are dropped by the callers' lookups by id."""
    if ids[-1] - ids[0] < 2 * len(ids):
        return {"claim_id__gte": ids[0], "claim_id__lte": ids[-1]}
    return {"claim_id__in": ids}


def _iso(value: Any) -> str | None:
    return value.isoformat() if value is not None else None


def _sources_of(ids: list[int]) -> dict[int, list[dict[str, Any]]]:
    evidence = list(
        Evidence.objects.filter(**_of_claims(ids))
        .order_by("claim_id", "created_at", "id")
        .values_list("claim_id", "source_id", "source__url", "relation", "retracted_at")
    )
    source_ids = {source_id for _c, source_id, *_rest in evidence}
    latest: dict[int, str] = {}
    archived: dict[int, tuple[str, str | None]] = {}
    captures = (
        Capture.objects.filter(source_id__in=source_ids)
        .order_by("source_id", "-queued_at", "-id")
        .values_list("source_id", "state", "sha256", "finished_at")
    )
    for source_id, state, sha256, finished in captures:
        latest.setdefault(source_id, state)
        if state == "archived":
            archived.setdefault(source_id, (sha256, _iso(finished)))
    out: dict[int, list[dict[str, Any]]] = defaultdict(list)
    for claim_id, source_id, url, relation, retracted_at in evidence:
        sha256, captured_at = archived.get(source_id, ("", None))
        out[claim_id].append(
            {
                "url": url,
                "relation": relation,
                "retracted": retracted_at is not None,
                "capture_state": latest.get(source_id, "not captured"),
                "archived_sha256": sha256 or None,
                "archived_at": captured_at,
            }
        )
    return out


def _ratings_of(
    ids: list[int], user: Any, editor: bool
) -> tuple[dict[int, list[dict[str, Any]]], set[int]]:
    """The visible ratings per claim, and the claims whose ratings are hidden from this user."""
    rows = list(
        Rating.objects.filter(**_of_claims(ids))
        .order_by("claim_id", "created_at", "id")
        .values_list("claim_id", "reviewer_id", "reviewer__username", "scale__slug")
    )
    rated = {claim_id for claim_id, reviewer, _n, _s in rows if user and reviewer == user.pk}
    out: dict[int, list[dict[str, Any]]] = defaultdict(list)
    hidden: set[int] = set()
    for claim_id, _reviewer, username, slug in rows:
        if editor or claim_id in rated:
            out[claim_id].append({"reviewer": username, "rating": slug})
        else:
            hidden.add(claim_id)
    return out, hidden


def _verdicts_of(ids: list[int]) -> dict[int, dict[str, Any]]:
    """The latest published verdict version of each claim."""
    out: dict[int, dict[str, Any]] = {}
    rows = (
        VerdictVersion.objects.filter(**_of_claims(ids), published_at__isnull=False)
        .order_by("claim_id", "-number")
        .values_list("claim_id", "number", "rating__slug", "conclusion", "published_at")
    )
    for claim_id, number, slug, conclusion, published in rows:
        out.setdefault(
            claim_id,
            {
                "version": number,
                "rating": slug,
                "conclusion": conclusion,
                "published_at": _iso(published),
            },
        )
    return out


FIGURE_FIELDS = (
    "claim_id",
    "value",
    "value_high",
    "qualifier",
    "unit",
    "scale",
    "currency",
    "direction",
    "change",
    "concept",
    "period_start",
    "period_end",
    "date_precision",
)


def _figures_of(ids: list[int]) -> dict[int, list[dict[str, Any]]]:
    out: dict[int, list[dict[str, Any]]] = defaultdict(list)
    rows = (
        ClaimFigure.objects.filter(**_of_claims(ids))
        .order_by("claim_id", "position")
        .values_list(*FIGURE_FIELDS)
    )
    for claim_id, value, high, qualifier, unit, scale, currency, direction, change, *rest in rows:
        concept, start, end, precision = rest
        out[claim_id].append(
            {
                "text": figure_text(
                    value=value,
                    qualifier=qualifier,
                    unit=unit,
                    scale=scale,
                    value_high=high,
                    direction=direction,
                    change=change,
                ),
                "value": str(value),
                "value_high": str(high) if high is not None else None,
                "qualifier": qualifier,
                "unit": unit,
                "scale": scale,
                "currency": currency,
                "direction": direction,
                "change": change,
                "concept": concept,
                "period": period_text(start, end, precision),
            }
        )
    return out


def claim_records(claims: QuerySet[Claim], user: Any) -> Iterator[dict[str, Any]]:
    """One dict per claim: its figures, period, state, schedule, ratings, verdict, sources."""
    # No user: an operator's export from the shell, which sees every rating.
    editor = user is None or is_editor(user)
    for batch in _batches(claims):
        ids = [c["id"] for c in batch]
        figures, sources, verdicts = _figures_of(ids), _sources_of(ids), _verdicts_of(ids)
        ratings, hidden = _ratings_of(ids, user, editor)
        for c in batch:
            pk = c["id"]
            yield {
                "id": pk,
                "text": c["text"],
                "kind": c["kind"],
                "state": c["state"],
                "claimant": c["claimant"],
                "article": c["article__title"],
                "article_id": c["article_id"],
                "figures": figures.get(pk, []),
                "period_start": _iso(c["period_start"]),
                "period_end": _iso(c["period_end"]),
                "period": period_text(c["period_start"], c["period_end"], c["date_precision"]),
                "assignee": c["assignee__username"],
                "priority": priority_slug(c["priority"]),
                "due_date": _iso(c["due_date"]),
                "ratings": ratings.get(pk, []),
                "ratings_hidden": pk in hidden,
                "verdict": verdicts.get(pk),
                "sources": sources.get(pk, []),
                "created_at": _iso(c["created_at"]),
                "updated_at": _iso(c["updated_at"]),
            }


CLAIM_COLUMNS = [
    "id",
    "text",
    "kind",
    "state",
    "claimant",
    "article_id",
    "article",
    "figures",
    "period_start",
    "period_end",
    "period",
    "assignee",
    "priority",
    "due_date",
    "ratings",
    "verdict_rating",
    "verdict_version",
    "verdict_conclusion",
    "verdict_published_at",
    "sources",
    "capture_sha256",
    "created_at",
    "updated_at",
]


def claim_cells(r: dict[str, Any]) -> dict[str, Any]:
    verdict = r["verdict"] or {}
    if r["ratings_hidden"]:
        ratings = "hidden until you rate this claim"
    else:
        ratings = "; ".join(f"{x['reviewer']}: {x['rating']}" for x in r["ratings"])
    return {
        **{k: r[k] for k in CLAIM_COLUMNS if k in r and k not in ("figures", "ratings", "sources")},
        "figures": "; ".join(
            f["text"] + (f" ({f['period']})" if f["period"] else "") for f in r["figures"]
        ),
        "ratings": ratings,
        "verdict_rating": verdict.get("rating"),
        "verdict_version": verdict.get("version"),
        "verdict_conclusion": verdict.get("conclusion"),
        "verdict_published_at": verdict.get("published_at"),
        "sources": " ".join(s["url"] for s in r["sources"]),
        "capture_sha256": " ".join(s["archived_sha256"] or "-" for s in r["sources"]),
    }


def verdict_records(claims: QuerySet[Claim]) -> Iterator[dict[str, Any]]:
    """Every published verdict version of the claims, corrections included, by id."""
    versions = (
        VerdictVersion.objects.filter(claim__in=claims.order_by().values("id"))
        .filter(published_at__isnull=False)
        .select_related("claim", "rating", "approved_by")
        .order_by("id")
    )
    last = 0
    while True:
        batch = list(versions.filter(id__gt=last)[:EXPORT_BATCH])
        if not batch:
            return
        for v in batch:
            yield {
                "claim_id": v.claim_id,
                "claim": v.claim.text,
                "version": v.number,
                "rating": v.rating.slug,
                "rating_label": v.rating.label,
                "conclusion": v.conclusion,
                "explanation": v.explanation,
                "approved_by": v.approved_by.get_username(),
                "approved_at": _iso(v.approved_at),
                "published_at": _iso(v.published_at),
                "correction_note": v.correction_note,
            }
        last = batch[-1].pk


VERDICT_COLUMNS = [
    "claim_id",
    "claim",
    "version",
    "rating",
    "rating_label",
    "conclusion",
    "explanation",
    "approved_by",
    "approved_at",
    "published_at",
    "correction_note",
]


class _Line:
    """A file-like target for csv.writer that hands back what was written."""

    def write(self, text: str) -> str:
        return text


def csv_lines(
    records: Iterable[dict[str, Any]],
    columns: list[str],
    cells: Callable[[dict[str, Any]], dict[str, Any]] = lambda r: r,
) -> Iterator[str]:
    writer = csv.writer(_Line())
    yield writer.writerow(columns)
    for record in records:
        row = cells(record)
        yield writer.writerow([_safe_cell(row.get(c)) for c in columns])


def jsonl_lines(records: Iterable[dict[str, Any]]) -> Iterator[str]:
    for record in records:
        yield json.dumps(record, ensure_ascii=False, separators=(",", ":")) + "\n"


def export_lines(claims: QuerySet[Claim], user: Any, *, fmt: str, what: str) -> Iterator[str]:
    """The lines of an export: `what` is "claims" or "verdicts", `fmt` "csv" or "jsonl"."""
    if what == "verdicts":
        records = verdict_records(claims)
        columns, cells = VERDICT_COLUMNS, (lambda r: r)
    else:
        records = claim_records(claims, user)
        columns, cells = CLAIM_COLUMNS, claim_cells
    if fmt == "csv":
        return csv_lines(records, columns, cells)
    return jsonl_lines(records)


def export_text(claims: QuerySet[Claim], user: Any, *, fmt: str, what: str) -> str:
    """The whole export as one string (small exports in tests and scripts)."""
    buffer = io.StringIO()
    for line in export_lines(claims, user, fmt=fmt, what=what):
        buffer.write(line)
    return buffer.getvalue()


def export_response(
    claims: QuerySet[Claim], user: Any, *, fmt: str, what: str
) -> StreamingHttpResponse:
    """A download of the claims (or their verdicts), written while it is sent."""
    stamp = timezone.localtime().strftime("%Y%m%d-%H%M")
    response = StreamingHttpResponse(
        export_lines(claims, user, fmt=fmt, what=what), content_type=FORMATS[fmt]
    )
    response["Content-Disposition"] = f'attachment; filename="{what}-{stamp}.{fmt}"'
    response["Cache-Control"] = "no-store"
    return response
