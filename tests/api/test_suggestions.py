"""The suggestions endpoint shows what the claim page shows (comparisons with their arithmetic,
then mentions with why not), for the desk only; the desk can upload a source file to a claim."""

from __future__ import annotations

import datetime as dt
import io
from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from claims.evidence.models import Evidence, EvidenceSuggestion
from claims.evidence.services import evidence_match_claim, source_upload
from claims.services import claim_create
from factcheck.roles import EDITOR, FACT_CHECKER
from sources.models import SourceKind
from sources.services import capture_perform

pytestmark = pytest.mark.django_db

REPORT = (
    "Lakeland coffee report\n\n"
    "Lakeland's coffee exports reached 41,000 tonnes in 2021, the growers' board said.\n\n"
    "Coffee imports into Lakeland came to 41,000 tonnes in 2021.\n"
)


@pytest.fixture
def claim(db):
    return claim_create(
        system_actor="test-setup",
        text="Lakeland's coffee exports rose to 41,000 tonnes in 2021.",
        kind="quantity",
        value=Decimal(41000),
        unit="tonne",
        period_start=dt.date(2021, 1, 1),
        period_end=dt.date(2021, 12, 31),
        date_precision="year",
    )


def url(claim, what: str) -> str:
    return f"/api/v1/claims/{claim.pk}/{what}/"


def uploaded(client_for, claim, text=REPORT):
    """Upload through the API, then do what a worker does after it: read its text, match it."""
    client = client_for(FACT_CHECKER)
    upload = SimpleUploadedFile("coffee.txt", text.encode(), content_type="text/plain")
    response = client.post(
        url(claim, "sources"), {"file": upload, "title": "Growers' board"}, format="multipart"
    )
    read_and_match(claim)
    return response


def read_and_match(claim) -> None:
    """What the worker does after an upload: read each queued upload's text, then match."""
    for evidence in Evidence.objects.filter(claim=claim):
        for capture in evidence.source.captures.filter(state="queued"):
            capture_perform(capture_id=capture.pk)
    evidence_match_claim(claim_id=claim.pk)


def test_the_desk_uploads_a_source_file_and_it_is_matched(client_for, claim):
    response = uploaded(client_for, claim)
    assert response.status_code == 201, response.content
    body = response.json()
    assert body["source"]["kind"] == SourceKind.UPLOAD
    assert body["source"]["title"] == "Growers' board"
    assert Evidence.objects.get(claim=claim).source.captures.get().text.startswith("Lakeland")
    assert EvidenceSuggestion.objects.filter(claim=claim, verdict="agrees").count() == 1


def test_suggestions_are_the_pages_comparisons_then_mentions(client_for, claim):
    uploaded(client_for, claim)
    response = client_for(EDITOR).get(url(claim, "suggestions"))
    assert response.status_code == 200
    rows = response.json()
    assert [(r["verdict"], r["compared"]) for r in rows[:2]] == [
        ("agrees", True),
        ("mentions", False),
    ]
    agrees, mention = rows[0], rows[1]
    assert agrees["passage"]["text"].startswith("Lakeland's coffee exports reached")
    assert agrees["figure"]["text"] == "41,000 tonnes"
    assert agrees["arithmetic"]["claim_interval"] == "40,999.5 to 41,000.5"
    assert (
        agrees["comparison"]
        == "source says 41,000 tonnes, for 2021; claim says 41,000 tonnes: agrees"
    )
    assert mention["not_compared"] == "counts something else (import, not export)"
    # An upload's day says nothing of when it was written: no date, so relative dates unread.
    assert agrees["source_date_basis"].startswith("unknown")


def test_suggestions_are_for_the_desk_only(client_for, claim):
    assert client_for("anonymous").get(url(claim, "suggestions")).status_code == 401
    assert client_for("consumer").get(url(claim, "suggestions")).status_code == 403
    assert client_for(FACT_CHECKER).get(url(claim, "suggestions")).status_code == 200


def test_only_the_desk_may_upload(client_for, claim):
    upload = SimpleUploadedFile("coffee.txt", REPORT.encode(), content_type="text/plain")
    response = client_for("consumer").post(
        url(claim, "sources"), {"file": upload}, format="multipart"
    )
    assert response.status_code == 403
    assert Evidence.objects.count() == 0


def test_an_upload_without_a_file_says_so(client_for, claim):
    response = client_for(FACT_CHECKER).post(
        url(claim, "sources"), {"title": "x"}, format="multipart"
    )
    assert response.status_code == 400
    assert "file" in response.json()["error"]["fields"]
    assert Evidence.objects.count() == 0


@pytest.mark.parametrize("sources", [1, 4])
def test_the_suggestions_endpoint_runs_a_fixed_number_of_queries(
    sources, client_for, claim, make_user, django_assert_num_queries
):
    checker = make_user(FACT_CHECKER)
    for i in range(sources):
        text = REPORT.replace("Lakeland coffee report", f"Lakeland coffee report {i}")
        source_upload(
            actor=checker,
            claim=claim,
            upload=io.BytesIO(text.encode()),
            filename=f"r{i}.txt",
            content_type="text/plain",
        )
    read_and_match(claim)
    assert EvidenceSuggestion.objects.filter(claim=claim).count() == 2 * sources
    client = client_for(EDITOR)
    client.get(url(claim, "suggestions"))  # the token's last_used is written once a minute
    # the token with its owner, the owner's roles, the claim, the suggestions with sources
    with django_assert_num_queries(4):
        response = client.get(url(claim, "suggestions"))
    assert len(response.json()) == 2 * sources


def test_both_operations_are_in_the_openapi_schema(client_for):
    response = client_for(EDITOR).get(
        "/api/schema/", HTTP_ACCEPT="application/vnd.oai.openapi+json"
    )
    schema = response.json()
    suggestions = schema["paths"]["/api/v1/claims/{id}/suggestions/"]["get"]
    assert suggestions["operationId"] == "claims_suggestions_list"
    assert "200" in suggestions["responses"] and "403" in suggestions["responses"]
    sources = schema["paths"]["/api/v1/claims/{id}/sources/"]["post"]
    content = sources["requestBody"]["content"]
    assert {"application/json", "multipart/form-data"} <= set(content)
