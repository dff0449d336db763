"""A claim's figures in the API, and the one edit that the claim page and the API PATCH share.

The queued work is read from the broker itself (the machine's Redis), as a worker would take it.
"""

from __future__ import annotations

import base64
import datetime as dt
import json

import pytest
import redis
from django.conf import settings
from django.test import Client
from django.urls import reverse

from claims.models import Claim, ClaimFigure, ClaimState
from claims.services import claim_create
from factcheck.models import AuditEvent
from tests.support.worker import flush_broker

FIGURES = [
    {
        "value": "14",
        "unit": "percent",
        "direction": "up",
        "change": "change",
        "baseline": "compared with 2021",
        "concept": "cashew exports from Cambodia",
        "concept_words": ["cashew", "export", "cambodia"],
    },
    {
        "value": "30",
        "value_high": "35",
        "qualifier": "about",
        "unit": "tonne",
        "scale": "thousand",
        "period_start": "2022-01-01",
        "period_end": "2022-06-30",
        "date_precision": "half",
    },
]


def queued_tasks() -> list[tuple[str, list]]:
    """(task name, args) of every message waiting in the broker's default queue."""
    broker = redis.Redis.from_url(settings.CELERY_BROKER_URL)
    found = []
    for raw in broker.lrange("celery", 0, -1):
        message = json.loads(raw)
        args, _kwargs, _embed = json.loads(base64.b64decode(message["body"]))
        found.append((message["headers"]["task"], args))
    return found


@pytest.fixture
def researching(claim_in, fact_checker):
    claim = claim_in(ClaimState.RESEARCHING, assignee=fact_checker)
    flush_broker()
    yield claim
    flush_broker()


def edit_on_the_page(claim: Claim, user, figures: list[dict]) -> int:
    page = Client()
    page.force_login(user)
    data = {
        "edit-expected_version": claim.version,
        "edit-text": claim.text,
        "edit-kind": "quantity",
        "edit-claimant": "",
        "edit-figure-TOTAL_FORMS": str(len(figures)),
        "edit-figure-INITIAL_FORMS": "0",
    }
    for n, figure in enumerate(figures):
        for name, value in figure.items():
            text = ", ".join(value) if isinstance(value, list) else value
            data[f"edit-figure-{n}-{name}"] = text
        data.setdefault(f"edit-figure-{n}-direction", "none")
        data.setdefault(f"edit-figure-{n}-change", "level")
    return page.post(reverse("claims:action", args=[claim.pk, "edit"]), data).status_code


def edit_through_the_api(claim: Claim, user, figures: list[dict], client_for) -> int:
    api = client_for("fact-checker", user)
    body = {"expected_version": claim.version, "kind": "quantity", "figures": figures}
    return api.patch(f"/api/v1/claims/{claim.pk}/", body, format="json").status_code


@pytest.mark.parametrize("door", ["claim page", "API PATCH"])
def test_an_edit_of_the_figures_through_either_door_queues_matching_of_the_claim(
    door, researching, fact_checker, client_for, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        if door == "claim page":
            status = edit_on_the_page(researching, fact_checker, FIGURES)
        else:
            status = edit_through_the_api(researching, fact_checker, FIGURES, client_for)
    assert status in (200, 302)
    assert queued_tasks() == [("sources.match_evidence_for_claim", [researching.pk, None])]
    stored = list(ClaimFigure.objects.filter(claim=researching).order_by("position"))
    assert [(f.value, f.value_high, f.unit, f.direction) for f in stored] == [
        (14, None, "percent", "up"),
        (30, 35, "tonne", "none"),
    ]
    assert stored[0].concept_words == ["cashew", "export", "cambodia"]
    assert stored[1].period_end == dt.date(2022, 6, 30)
    event = AuditEvent.objects.filter(action="claim.updated", object_id=researching.pk).get()
    assert [f["value"] for f in event.after["figures"]] == ["14", "30"]


def test_an_api_edit_of_the_claimant_alone_queues_no_matching(
    researching, client_for, django_capture_on_commit_callbacks
):
    api = client_for("fact-checker", researching.assignee)
    with django_capture_on_commit_callbacks(execute=True):
        response = api.patch(
            f"/api/v1/claims/{researching.pk}/",
            {"expected_version": researching.version, "claimant": "The customs office"},
            format="json",
        )
    assert response.status_code == 200
    assert queued_tasks() == []


def test_the_api_shows_every_field_of_every_figure(editor_client, fact_checker):
    claim = claim_create(
        actor=fact_checker,
        text="Cashew exports rose 14%, to about 30,000 to 35,000 tonnes.",
        kind="quantity",
        figures=FIGURES,
        period_start=dt.date(2022, 1, 1),
        period_end=dt.date(2022, 12, 31),
        date_precision="year",
    )
    detail = editor_client.get(f"/api/v1/claims/{claim.pk}/").json()
    rise, tonnes = detail["figures"]
    assert rise == {
        "value": "14",
        "value_high": None,
        "amount": "14",
        "amount_high": None,
        "qualifier": "exact",
        "unit": "percent",
        "scale": "",
        "currency": "",
        "direction": "up",
        "change": "change",
        "baseline": "compared with 2021",
        "concept": "cashew exports from Cambodia",
        "concept_words": ["cashew", "export", "cambodia"],
        "period": None,
    }
    assert (tonnes["amount"], tonnes["amount_high"]) == ("30000", "35000")
    assert tonnes["period"] == {"start": "2022-01-01", "end": "2022-06-30", "precision": "half"}
    assert detail["figure"]["value"] == "14"  # the primary figure, as before
    listed = editor_client.get("/api/v1/claims/").json()["results"]
    assert next(c for c in listed if c["id"] == claim.pk)["figures"] == detail["figures"]


def test_a_figure_the_service_refuses_is_a_400_naming_it_and_saves_nothing(researching, client_for):
    api = client_for("fact-checker", researching.assignee)
    response = api.patch(
        f"/api/v1/claims/{researching.pk}/",
        {
            "expected_version": researching.version,
            "figures": [FIGURES[0], {"value": "35", "value_high": "30", "unit": "hour"}],
        },
        format="json",
    )
    assert response.status_code == 400
    assert list(response.json()["error"]["fields"]) == ["figures.1.value_high"]
    assert not ClaimFigure.objects.filter(claim=researching).exists()


def test_a_figure_without_its_unit_is_a_400_naming_the_figure(researching, client_for):
    api = client_for("fact-checker", researching.assignee)
    response = api.patch(
        f"/api/v1/claims/{researching.pk}/",
        {"expected_version": researching.version, "figures": [FIGURES[0], {"value": "12"}]},
        format="json",
    )
    assert response.status_code == 400
    assert list(response.json()["error"]["fields"]) == ["figures.1.unit"]
    assert Claim.objects.get(pk=researching.pk).version == researching.version
