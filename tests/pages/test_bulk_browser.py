"""The bulk journey in Chromium: an editor filters the queue, assigns all 20 matching claims to a
fact-checker in one go, reads the report, and axe-core finds nothing serious on the way."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from claims.models import Claim, ClaimState
from factcheck.models import AuditEvent
from factcheck.roles import EDITOR, FACT_CHECKER
from tests.pages.test_accessibility import AXE, axe_violations, new_page
from tests.pages.test_queue import make_claim
from tests.support.browser import screenshot

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_editor_bulk_assigns_twenty_claims_from_a_filter(chromium, live_server, make_user):
    if not AXE.exists():
        pytest.fail("axe-core is missing: run `npm ci` (make test does it)")
    editor, checker = make_user(EDITOR), make_user(FACT_CHECKER, username="maly")
    overdue = timezone.localdate() - dt.timedelta(days=2)
    targets = [make_claim(due_date=overdue) for _ in range(20)]
    others = [make_claim() for _ in range(5)]
    page = new_page(chromium, live_server, editor, bypass_csp=True)

    page.goto(f"{live_server.url}/claims/")
    page.locator("#id_due").select_option("overdue")
    page.get_by_role("button", name="Show").click()
    page.wait_for_url("**/claims/?*due=overdue*")
    assert page.locator("tr.is-overdue").count() == 20
    assert page.get_by_text("all 20 claims matching this filter").is_visible()
    assert axe_violations(page) == []

    page.get_by_label("all 20 claims matching this filter").check()
    page.locator("#id_bulk-action").select_option("assign")
    page.locator("#id_bulk-assignee").select_option(label="maly")
    page.get_by_role("button", name="Apply to the claims").click()
    page.wait_for_url("**/claims/bulk/*/")
    assert page.get_by_role("heading", level=1).inner_text() == "Assign: 20 of 20 claims done"
    screenshot(page, "bulk-assign-report")
    assert axe_violations(page) == []

    assert set(Claim.objects.filter(assignee=checker).values_list("pk", flat=True)) == {
        c.pk for c in targets
    }
    assert not Claim.objects.filter(pk__in=[c.pk for c in others], assignee__isnull=False).exists()
    assert AuditEvent.objects.filter(action="claim.assigned", actor=editor).count() == 20

    # Back in the filtered queue; a second bulk action with nothing ticked is refused, kept.
    page.get_by_role("link", name="Back to the queue").click()
    page.locator("#id_bulk-action").select_option("dismiss")
    page.get_by_role("button", name="Apply to the claims").click()
    assert page.get_by_text("Dismissing claims needs a reason.").is_visible()
    assert not Claim.objects.filter(state=ClaimState.DISMISSED).exists()
