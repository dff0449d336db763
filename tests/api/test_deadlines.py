"""Deadlines, priority and exports in the API: filters and orderings (claims without a due date
last, through cursors), PATCH through claim_schedule with its audit event, the streamed exports."""

from __future__ import annotations

import csv
import datetime as dt
import io
import json

import pytest
from django.utils import timezone

from claims import deadlines
from claims.models import Claim, ClaimState
from factcheck.models import AuditEvent

TODAY = dt.date(2031, 3, 10)


@pytest.fixture(autouse=True)
def fixed_today(monkeypatch):
    monkeypatch.setattr(deadlines, "today", lambda: TODAY)


def _ids(response):
    assert response.status_code == 200, response.content
    return [row["id"] for row in response.json()["results"]]


def _set(claim, **fields):
    Claim.objects.filter(pk=claim.pk).update(**fields)
    claim.refresh_from_db()
    return claim


def test_list_rows_carry_due_date_priority_and_overdue(editor_client, claim_in):
    claim = _set(
        claim_in(ClaimState.RESEARCHING), due_date=TODAY - dt.timedelta(days=1), priority=3
    )
    [row] = editor_client.get("/api/v1/claims/").json()["results"]
    assert row["id"] == claim.pk
    assert (row["due_date"], row["priority"], row["overdue"]) == ("2031-03-09", "high", True)


def test_priority_and_due_filters(editor_client, claim_in):
    late = _set(claim_in(ClaimState.NEW), due_date=TODAY - dt.timedelta(days=2), priority=4)
    today = _set(claim_in(ClaimState.NEW), due_date=TODAY)
    later = _set(claim_in(ClaimState.NEW), due_date=TODAY + dt.timedelta(days=20), priority=1)
    undated = claim_in(ClaimState.NEW)
    assert _ids(editor_client.get("/api/v1/claims/?due=overdue")) == [late.pk]
    assert _ids(editor_client.get("/api/v1/claims/?due=today")) == [today.pk]
    assert _ids(editor_client.get("/api/v1/claims/?due=none")) == [undated.pk]
    assert _ids(editor_client.get("/api/v1/claims/?priority=urgent")) == [late.pk]
    assert set(_ids(editor_client.get("/api/v1/claims/?priority=none"))) == {today.pk, undated.pk}
    assert _ids(editor_client.get("/api/v1/claims/?due_after=2031-03-11")) == [later.pk]
    assert set(_ids(editor_client.get("/api/v1/claims/?due_before=2031-03-10"))) == {
        late.pk,
        today.pk,
    }
    bad = editor_client.get("/api/v1/claims/?priority=whenever")
    assert bad.status_code == 400 and "priority" in bad.json()["error"]["fields"]


@pytest.mark.parametrize("ordering", ["due_date", "-due_date"])
def test_due_date_ordering_pages_through_undated_claims_last(editor_client, claim_in, ordering):
    claims = [claim_in(ClaimState.NEW) for _ in range(7)]
    for n, claim in enumerate(claims[:4]):
        _set(claim, due_date=TODAY + dt.timedelta(days=n % 2))
    dated = sorted(claims[:4], key=lambda c: (c.due_date, c.pk), reverse=ordering.startswith("-"))
    undated = sorted(claims[4:], key=lambda c: c.pk, reverse=ordering.startswith("-"))
    seen, url = [], f"/api/v1/claims/?ordering={ordering}&page_size=3"
    while url:
        body = editor_client.get(url).json()
        seen += [row["id"] for row in body["results"]]
        url = body["next"]
    assert seen == [c.pk for c in dated + undated]


def test_priority_ordering_most_urgent_first(editor_client, claim_in):
    low, urgent, none = (_set(claim_in(ClaimState.NEW), priority=p) for p in (1, 4, 0))
    assert _ids(editor_client.get("/api/v1/claims/?ordering=-priority")) == [
        urgent.pk,
        low.pk,
        none.pk,
    ]


def test_editor_patches_priority_and_due_date_through_the_service(editor_client, claim_in):
    claim = claim_in(ClaimState.RESEARCHING)
    response = editor_client.patch(
        f"/api/v1/claims/{claim.pk}/",
        {"expected_version": claim.version, "priority": "urgent", "due_date": "2031-03-15"},
        format="json",
    )
    assert response.status_code == 200, response.content
    body = response.json()
    assert (body["priority"], body["due_date"], body["version"]) == (
        "urgent",
        "2031-03-15",
        claim.version + 1,
    )
    event = AuditEvent.objects.get(claim=claim, action="claim.scheduled")
    assert event.after["priority"] == 4
    # With a content edit in the same PATCH: both are made, each with its own event.
    response = editor_client.patch(
        f"/api/v1/claims/{claim.pk}/",
        {"expected_version": body["version"], "text": "Rice exports doubled.", "due_date": None},
        format="json",
    )
    assert response.status_code == 200, response.content
    assert (
        response.json()["due_date"] is None and response.json()["text"] == "Rice exports doubled."
    )
    assert AuditEvent.objects.filter(claim=claim, action="claim.scheduled").count() == 2
    assert AuditEvent.objects.filter(claim=claim, action="claim.updated").count() == 1


def test_a_fact_checker_may_not_patch_the_schedule(checker_client, claim_in):
    claim = claim_in(ClaimState.NEW)
    response = checker_client.patch(
        f"/api/v1/claims/{claim.pk}/",
        {"expected_version": claim.version, "priority": "high"},
        format="json",
    )
    assert response.status_code == 403
    assert "Only an editor may set" in response.json()["error"]["message"]
    claim.refresh_from_db()
    assert claim.priority == 0


def test_a_past_due_date_is_a_400_naming_the_field(editor_client, claim_in):
    claim = claim_in(ClaimState.NEW)
    response = editor_client.patch(
        f"/api/v1/claims/{claim.pk}/",
        {"expected_version": claim.version, "due_date": "2031-03-01"},
        format="json",
    )
    assert response.status_code == 400
    assert response.json()["error"]["fields"] == {"due_date": ["in the past"]}


# Exports --------------------------------------------------------------------------------------


def _body(response) -> str:
    assert response.status_code == 200, response
    return b"".join(response.streaming_content).decode()


def test_claims_export_takes_the_list_filters(checker_client, claim_in):
    new, _published = claim_in(ClaimState.NEW), claim_in(ClaimState.PUBLISHED)
    response = checker_client.get("/api/v1/claims/export.csv?state=new")
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    rows = list(csv.DictReader(io.StringIO(_body(response))))
    assert [int(r["id"]) for r in rows] == [new.pk]
    lines = _body(checker_client.get("/api/v1/claims/export.jsonl")).splitlines()
    assert len(lines) == 2 and all(json.loads(line)["id"] for line in lines)


def test_verdicts_export_is_one_row_per_published_version(editor_client, claim_in):
    published = claim_in(ClaimState.PUBLISHED)
    claim_in(ClaimState.AWAITING_APPROVAL, verdict=True)  # a draft: not published, not exported
    lines = _body(editor_client.get("/api/v1/verdicts/export.jsonl")).splitlines()
    [record] = [json.loads(line) for line in lines]
    assert record["claim_id"] == published.pk and record["version"] == 1
    assert record["published_at"] <= timezone.now().isoformat()


def test_exports_are_for_the_desk_and_refuse_unknown_parameters(client_for, editor_client):
    assert client_for("anonymous").get("/api/v1/claims/export.csv").status_code in (401, 403)
    assert client_for("consumer").get("/api/v1/claims/export.csv").status_code == 403
    bad = editor_client.get("/api/v1/claims/export.csv?colour=red")
    assert bad.status_code == 400 and "colour" in bad.json()["error"]["fields"]
