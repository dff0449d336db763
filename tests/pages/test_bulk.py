"""Bulk actions in the claim queue: a plain form (no JavaScript needed) that runs each claim
through the single-claim service, reports per claim what was done and what was refused and why,
and keeps the selection when the form itself is wrong."""

from __future__ import annotations

import csv
import datetime as dt
import io
import re

import pytest
from django.urls import reverse

from claims import bulk, deadlines
from claims.models import Claim, ClaimState
from factcheck.models import AuditEvent
from tests.pages.test_queue import make_claim

BULK = reverse("claims:bulk")
QUEUE = reverse("claims:queue")
TODAY = dt.date(2031, 3, 10)


@pytest.fixture(autouse=True)
def fixed_today(monkeypatch):
    monkeypatch.setattr(deadlines, "today", lambda: TODAY)


def post(client, claims=(), *, follow=True, **fields):
    data = {f"bulk-{k}": v for k, v in fields.items()}
    data.setdefault("bulk-scope", "selected")
    data["claims"] = [str(c.pk if isinstance(c, Claim) else c) for c in claims]
    return client.post(BULK, data, follow=follow)


def report_rows(response, kind: str) -> list[str]:
    return re.findall(
        rf'<(?:tr|li) class="bulk-{kind}">(.*?)</(?:tr|li)>', response.content.decode(), re.S
    )


def test_the_queue_offers_the_bulk_form_with_a_box_per_claim(client_for, fact_checker):
    claims = [make_claim() for _ in range(3)]
    page = client_for(fact_checker).get(QUEUE).content.decode()
    assert f'action="{BULK}"' in page and "csrfmiddlewaretoken" in page
    for claim in claims:
        assert f'name="claims" value="{claim.pk}"' in page
        assert f'<label for="pick-{claim.pk}" class="visually-hidden">' in page
    assert "all 3 claims matching the queue" in page


def test_editor_assigns_the_ticked_claims_each_with_its_audit_event(client_for, editor, make_user):
    checker = make_user()
    claims = [make_claim() for _ in range(4)]
    untouched = make_claim()
    response = post(client_for(editor), claims[:4], action="assign", assignee=checker.pk)
    assert response.status_code == 200
    assert "Assign: 4 of 4 claims done" in response.content.decode()
    assert len(report_rows(response, "done")) == 4
    for claim in claims:
        claim.refresh_from_db()
        assert claim.assignee == checker
        event = AuditEvent.objects.get(claim=claim, action="claim.assigned")
        assert event.actor == editor and event.after["assignee"] == checker.pk
    untouched.refresh_from_db()
    assert untouched.assignee is None


def test_refused_claims_are_listed_with_the_reason_and_the_rest_is_done(client_for, editor):
    new = [make_claim(), make_claim()]
    researching = make_claim(state=ClaimState.RESEARCHING)
    response = post(
        client_for(editor), [*new, researching], action="dismiss", reason="Not checkable."
    )
    page = response.content.decode()
    assert "Dismiss: 2 of 3 claims done" in page
    refused = report_rows(response, "refused")
    assert len(refused) == 1 and f"/claims/{researching.pk}/" in refused[0]
    assert "Cannot dismiss: the claim is researching" in refused[0]
    for claim in new:
        claim.refresh_from_db()
        assert claim.state == ClaimState.DISMISSED
    researching.refresh_from_db()
    assert researching.state == ClaimState.RESEARCHING
    event = AuditEvent.objects.get(claim=researching, action="claim.bulk_refused")
    assert event.actor == editor and "Cannot dismiss" in event.note
    assert event.after == {"bulk_action": "dismiss"}


def test_a_fact_checker_is_refused_what_their_role_does_not_allow(
    client_for, fact_checker, make_user
):
    other = make_user()
    mine = make_claim()
    taken = make_claim(assignee=other)
    response = post(client_for(fact_checker), [mine, taken], action="priority", priority=4)
    refused = report_rows(response, "refused")
    assert len(refused) == 2
    assert all("Only an editor may set a claim&#x27;s priority" in r for r in refused)
    # Starting research on an unassigned claim is theirs to do; on someone else's it is not.
    response = post(client_for(fact_checker), [mine, taken], action="start_research")
    assert "Start research: 1 of 2 claims done" in response.content.decode()
    refused = report_rows(response, "refused")
    assert len(refused) == 1 and "assigned to someone else" in refused[0]
    mine.refresh_from_db()
    assert mine.state == ClaimState.RESEARCHING and mine.assignee == fact_checker


def test_every_claim_matching_the_filter_without_ticking_any(client_for, editor):
    overdue = [make_claim(due_date=TODAY - dt.timedelta(days=1)) for _ in range(3)]
    others = [make_claim(), make_claim(due_date=TODAY + dt.timedelta(days=4))]
    response = post(
        client_for(editor), scope="all", filter="due=overdue", action="priority", priority=4
    )
    assert "Set priority: 3 of 3 claims done" in response.content.decode()
    assert {c.priority for c in Claim.objects.filter(pk__in=[c.pk for c in overdue])} == {4}
    assert {c.priority for c in Claim.objects.filter(pk__in=[c.pk for c in others])} == {0}
    # The report links back to the same filter.
    assert 'href="/claims/?due=overdue"' in response.content.decode()


def test_set_and_clear_the_due_date_in_bulk(client_for, editor):
    claims = [make_claim(), make_claim()]
    post(client_for(editor), claims, action="due_date", due_date="2031-03-20")
    assert {c.due_date for c in Claim.objects.filter(pk__in=[c.pk for c in claims])} == {
        dt.date(2031, 3, 20)
    }
    post(client_for(editor), claims, action="due_date", due_date="")
    assert {c.due_date for c in Claim.objects.filter(pk__in=[c.pk for c in claims])} == {None}


def test_a_mistake_in_the_form_comes_back_with_the_ticks_kept(client_for, editor):
    claims = [make_claim(), make_claim(), make_claim()]
    response = post(client_for(editor), claims[:2], follow=False, action="dismiss", reason="")
    assert response.status_code == 400
    page = response.content.decode()
    assert "Dismissing claims needs a reason." in page
    assert f'value="{claims[0].pk}" id="pick-{claims[0].pk}" checked' in page
    assert f'value="{claims[2].pk}" id="pick-{claims[2].pk}">' in page
    assert Claim.objects.filter(state=ClaimState.DISMISSED).count() == 0
    response = post(client_for(editor), [], follow=False, action="assign", assignee=editor.pk)
    assert response.status_code == 400
    assert "Tick the claims to act on" in response.content.decode()


def test_more_claims_than_one_bulk_action_may_change_are_refused_whole(
    client_for, editor, monkeypatch
):
    monkeypatch.setattr(bulk, "BULK_MAX_CLAIMS", 2)
    claims = [make_claim() for _ in range(3)]
    response = post(client_for(editor), claims, follow=False, action="priority", priority=2)
    assert response.status_code == 400
    assert "3 claims are more than one bulk action may change (2)" in response.content.decode()
    assert not Claim.objects.filter(priority=2).exists()


def test_the_report_is_a_redirect_so_a_resent_form_acts_once(client_for, editor):
    claim = make_claim()
    desk = client_for(editor)
    queue = desk.get(QUEUE).content.decode()
    token = re.search(r'name="submission_token" value="([^"]+)"', queue).group(1)
    data = {
        "bulk-scope": "selected",
        "bulk-action": "dismiss",
        "bulk-reason": "Opinion, not a fact.",
        "claims": [str(claim.pk)],
        "submission_token": token,
    }
    first = desk.post(BULK, data)
    assert first.status_code == 302
    again = desk.post(BULK, data, follow=True)
    assert "acted on once" in again.content.decode()
    assert AuditEvent.objects.filter(claim=claim, action="claim.dismissed").count() == 1
    assert AuditEvent.objects.filter(claim=claim, action="claim.bulk_refused").count() == 0


def test_bulk_export_downloads_the_ticked_claims(client_for, fact_checker):
    picked, other = make_claim(), make_claim()
    response = post(client_for(fact_checker), [picked], follow=False, action="export_csv")
    assert response.streaming
    assert response["Content-Disposition"].startswith('attachment; filename="claims-')
    rows = list(csv.DictReader(io.StringIO(b"".join(response.streaming_content).decode())))
    assert [int(r["id"]) for r in rows] == [picked.pk]
    assert other.pk not in [int(r["id"]) for r in rows]


def test_someone_without_a_desk_role_cannot_post_bulk_actions(client_for, outsider):
    claim = make_claim()
    response = post(client_for(outsider), [claim], follow=False, action="priority", priority=4)
    assert response.status_code == 403
    claim.refresh_from_db()
    assert claim.priority == 0
