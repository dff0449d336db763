"""The claim workflow's action table (claims.actions): every action taken through the claim page
and through the API leaves the claim, its audit trail and its side effects the same."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import pytest
from django.db.models import F
from django.test import Client
from django.urls import reverse
from rest_framework.test import APIClient

from claims import workflow
from claims.actions import ACTIONS, TRANSITIONS
from claims.evidence.models import Evidence
from claims.models import Claim, ClaimComment, ClaimState, Rating, RatingScale, VerdictVersion
from claims.selectors import claim_history
from claims.views.claim_forms import FORMS, PREFIXES
from factcheck.roles import EDITOR, FACT_CHECKER
from sources.models import Source

S = ClaimState


@dataclass(frozen=True)
class Case:
    action: str
    state: str
    role: str = EDITOR
    ratings: int = 0
    verdict: bool = False
    # (claim, people) -> the page form's fields, without the action's prefix.
    page: Callable[[Claim, dict[str, Any]], dict[str, Any]] = lambda c, p: {}
    # (claim, people) -> (API path, JSON body).
    api: Callable[[Claim, dict[str, Any]], tuple[str, dict[str, Any]]] = lambda c, p: ("", {})


def _transition(name: str, **extra: Callable[[Claim, dict[str, Any]], Any]):
    def body(claim: Claim, people: dict[str, Any]) -> tuple[str, dict[str, Any]]:
        data = {"action": name, "expected_version": claim.version}
        data.update({k: f(claim, people) for k, f in extra.items()})
        return reverse("api:claim-transitions", args=[claim.pk]), data

    return body


def _version(**extra: Callable[[Claim, dict[str, Any]], Any]):
    def fields(claim: Claim, people: dict[str, Any]) -> dict[str, Any]:
        return {
            "expected_version": claim.version,
            **{k: f(claim, people) for k, f in extra.items()},
        }

    return fields


def _fixed(value: Any) -> Callable[[Claim, dict[str, Any]], Any]:
    return lambda claim, people: value


def _scale_pk(slug: str) -> Callable[[Claim, dict[str, Any]], Any]:
    return lambda claim, people: RatingScale.objects.get(slug=slug).pk


def _evidence(claim: Claim) -> Evidence:
    return Evidence.objects.get(claim=claim)


VERDICT_PAGE = {
    "rating": _scale_pk("mostly-false"),
    "conclusion": _fixed("Mostly false: the rise was 4.3%."),
    "explanation": _fixed("The ministry's table gives a rise of 4.3%, not 43%."),
}
VERDICT_API = {
    "rating": _fixed("mostly-false"),
    "conclusion": _fixed("Mostly false: the rise was 4.3%."),
    "explanation": _fixed("The ministry's table gives a rise of 4.3%, not 43%."),
}


def _edit_page(claim: Claim, people: dict[str, Any]) -> dict[str, Any]:
    return {
        "expected_version": claim.version,
        "text": "Exports rose 4.3% in 2022, the ministry said.",
        "kind": claim.kind,
        "period_start": "",
        "period_end": "",
        "date_precision": "",
        "claimant": claim.claimant,
        "claimant_kind": claim.claimant_kind,
        "figure-TOTAL_FORMS": "0",
        "figure-INITIAL_FORMS": "0",
    }


def _edit_api(claim: Claim, people: dict[str, Any]) -> tuple[str, dict[str, Any]]:
    body = {
        "expected_version": claim.version,
        "text": "Exports rose 4.3% in 2022, the ministry said.",
    }
    return reverse("api:claim-detail", args=[claim.pk]), body


CASES = [
    Case(
        "start_research",
        S.NEW,
        page=_version(assignee=lambda c, p: p["researcher"].pk),
        api=_transition("start_research", assignee=lambda c, p: p["researcher"].username),
    ),
    Case(
        "assign",
        S.RESEARCHING,
        page=_version(assignee=lambda c, p: p["researcher"].pk),
        api=_transition("assign", assignee=lambda c, p: p["researcher"].username),
    ),
    Case(
        "schedule",
        S.RESEARCHING,
        page=_version(priority=_fixed(3), due_date=_fixed("2031-03-14")),
        api=lambda c, p: (
            reverse("api:claim-detail", args=[c.pk]),
            {"expected_version": c.version, "priority": "high", "due_date": "2031-03-14"},
        ),
    ),
    Case("submit_for_review", S.RESEARCHING, page=_version(), api=_transition("submit_for_review")),
    Case(
        "request_approval",
        S.IN_REVIEW,
        ratings=2,
        page=_version(),
        api=_transition("request_approval"),
    ),
    Case(
        "send_back",
        S.AWAITING_APPROVAL,
        ratings=2,
        verdict=True,
        page=_version(comment=_fixed("Find the ministry's own table.")),
        api=_transition("send_back", comment=_fixed("Find the ministry's own table.")),
    ),
    Case(
        "approve",
        S.AWAITING_APPROVAL,
        ratings=2,
        page=_version(**VERDICT_PAGE),
        api=_transition("approve", **VERDICT_API),
    ),
    Case(
        "publish",
        S.AWAITING_APPROVAL,
        ratings=2,
        verdict=True,
        page=_version(confirmed=_fixed("True")),
        api=_transition("publish"),
    ),
    Case(
        "correct",
        S.PUBLISHED,
        page=_version(
            **VERDICT_PAGE,
            correction_note=_fixed("The first version misread the table."),
            confirmed=_fixed("True"),
        ),
        api=_transition(
            "correct", **VERDICT_API, correction_note=_fixed("The first version misread the table.")
        ),
    ),
    Case(
        "dismiss",
        S.NEW,
        page=_version(reason=_fixed("An opinion, not a figure.")),
        api=_transition("dismiss", reason=_fixed("An opinion, not a figure.")),
    ),
    Case(
        "restore",
        S.DISMISSED,
        page=_version(reason=_fixed("It has a figure after all.")),
        api=_transition("restore", reason=_fixed("It has a figure after all.")),
    ),
    # An edit after the approval withdraws it and queues matching again, through either door.
    Case("edit", S.AWAITING_APPROVAL, ratings=2, verdict=True, page=_edit_page, api=_edit_api),
    Case(
        "rate",
        S.IN_REVIEW,
        role=FACT_CHECKER,
        page=lambda c, p: {
            "expected_revision": 0,
            "scale": RatingScale.objects.get(slug="false").pk,
            "rationale": "The ministry's table shows 4.3%.",
        },
        api=lambda c, p: (
            reverse("api:claim-ratings", args=[c.pk]),
            {
                "rating": "false",
                "rationale": "The ministry's table shows 4.3%.",
                "expected_revision": 0,
            },
        ),
    ),
    Case(
        "confirm_rating",
        S.IN_REVIEW,
        role=FACT_CHECKER,
        page=lambda c, p: {"expected_revision": Rating.objects.get(claim=c).revision},
        api=lambda c, p: (
            reverse("api:claim-rating-confirm", args=[c.pk]),
            {"expected_revision": Rating.objects.get(claim=c).revision},
        ),
    ),
    Case(
        "retract_source",
        S.RESEARCHING,
        page=lambda c, p: {"evidence": _evidence(c).pk, "reason": "The page was a press release."},
        api=lambda c, p: (
            reverse("api:claim-source-retract", args=[c.pk, _evidence(c).pk]),
            {"reason": "The page was a press release."},
        ),
    ),
    Case(
        "comment",
        S.RESEARCHING,
        page=lambda c, p: {"body": "The customs office publishes monthly."},
        api=lambda c, p: (
            reverse("api:claim-comments", args=[c.pk]),
            {"body": "The customs office publishes monthly."},
        ),
    ),
]


def _prepare(case: Case, claim_in, actor) -> Claim:
    claim = claim_in(case.state, ratings=case.ratings, verdict=case.verdict)
    source = Source.objects.create(url=f"https://example.org/table-{claim.pk}")
    Evidence.objects.create(claim=claim, source=source, relation="refutes")
    if case.action == "confirm_rating":
        # The actor's own rating, given before the claim's statement changed: stale.
        Rating.objects.create(
            claim=claim,
            reviewer=actor,
            scale=RatingScale.objects.get(slug="false"),
            rationale="Given on the first wording.",
            content_revision=claim.content_revision,
        )
        Claim.objects.filter(pk=claim.pk).update(content_revision=F("content_revision") + 1)
        claim.refresh_from_db()
    return claim


def _seen(claim: Claim) -> dict[str, Any]:
    """What a user would notice of a claim after the action, ids left out."""
    claim = Claim.objects.select_related("assignee", "rating").get(pk=claim.pk)
    return {
        "state": claim.state,
        "version": claim.version,
        "content_revision": claim.content_revision,
        "text": claim.text,
        "assignee": claim.assignee.username if claim.assignee else None,
        "rating": claim.rating.slug if claim.rating else None,
        "priority": claim.priority,
        "due_date": claim.due_date,
        "published": claim.published_at is not None,
        "history": [e.action for e in claim_history(claim)],
        "comments": list(
            ClaimComment.objects.filter(claim=claim).order_by("id").values_list("kind", "body")
        ),
        "verdicts": list(
            VerdictVersion.objects.filter(claim=claim)
            .order_by("number")
            .values_list("number", "rating__slug", "conclusion", "correction_note")
        ),
        "published_verdicts": VerdictVersion.objects.filter(
            claim=claim, published_at__isnull=False
        ).count(),
        "ratings": sorted(
            (r.scale.slug, r.rationale, r.content_revision == claim.content_revision)
            for r in Rating.objects.filter(claim=claim).select_related("scale")
        ),
        "retracted": [e.retracted_at is not None for e in Evidence.objects.filter(claim=claim)],
    }


@pytest.mark.parametrize("case", CASES, ids=[c.action for c in CASES])
def test_each_action_through_the_page_and_the_api_leaves_the_same_claim(
    case, claim_in, make_user, django_capture_on_commit_callbacks
):
    actor = make_user(case.role)
    people = {"researcher": make_user(FACT_CHECKER)}
    through_page = _prepare(case, claim_in, actor)
    through_api = _prepare(case, claim_in, actor)
    before_page, before_api = _seen(through_page), _seen(through_api)
    assert before_page == before_api

    page = Client()
    page.force_login(actor)
    prefix = PREFIXES.get(case.action, case.action)
    fields = {f"{prefix}-{k}": v for k, v in case.page(through_page, people).items()}
    with django_capture_on_commit_callbacks() as page_effects:
        response = page.post(reverse("claims:action", args=[through_page.pk, case.action]), fields)
    assert response.status_code == 302, response.content.decode()[:3000]
    shown = page.get(response["Location"]).content.decode()
    assert ACTIONS[case.action].done.replace("'", "&#x27;") in shown

    api = APIClient()
    api.force_authenticate(actor)
    path, body = case.api(through_api, people)
    method = api.patch if case.action in ("edit", "schedule") else api.post
    with django_capture_on_commit_callbacks() as api_effects:
        answer = method(path, body, format="json")
    assert answer.status_code in (200, 201), answer.content.decode()

    after_page, after_api = _seen(through_page), _seen(through_api)
    assert after_page == after_api
    assert after_page != before_page  # the action did something a user can see
    # The same work was scheduled for after the commit (matching, webhooks, captures).
    assert len(page_effects) == len(api_effects)
    withdrawn_on_page = "withdrew the approved verdict" in shown
    if case.action in TRANSITIONS:
        assert answer.json()["approval_withdrawn"] is withdrawn_on_page
    if case.action == "edit":
        assert withdrawn_on_page
        assert after_page["verdicts"] == [] and "verdict.discarded" in after_page["history"]


def test_a_refusal_is_the_same_through_both_doors(claim_in, make_user):
    """A fact-checker may not publish: the page says why with a 403, the API answers 403."""
    actor = make_user(FACT_CHECKER)
    claim = claim_in(S.AWAITING_APPROVAL, ratings=2, verdict=True)
    page = Client()
    page.force_login(actor)
    response = page.post(
        reverse("claims:action", args=[claim.pk, "publish"]),
        {"publish-expected_version": claim.version, "publish-confirmed": "True"},
    )
    api = APIClient()
    api.force_authenticate(actor)
    answer = api.post(
        reverse("api:claim-transitions", args=[claim.pk]),
        {"action": "publish", "expected_version": claim.version},
        format="json",
    )
    assert response.status_code == answer.status_code == 403
    message = answer.json()["error"]["message"]
    assert message in response.content.decode()
    claim.refresh_from_db()
    assert claim.state == S.AWAITING_APPROVAL


def test_the_table_covers_every_form_of_the_page_and_every_transition_of_the_api():
    assert set(FORMS) == set(ACTIONS)
    assert set(TRANSITIONS) <= set(ACTIONS)
    assert {c.action for c in CASES} == set(ACTIONS)
    for action in ACTIONS.values():
        assert action.permission in workflow.ACTIONS, action.name
        assert action.lock in ("version", "revision", ""), action.name
