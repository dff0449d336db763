"""In Chromium: a desk admin invites a colleague, who chooses a password from the link in the
e-mail and logs in; the admin creates an API token, sees it once, revokes it, and the API then
answers it with 401. axe-core finds no serious or critical violation on the new pages."""

from __future__ import annotations

import re
import urllib.error
import urllib.request

import pytest
from django.core import mail

from factcheck.roles import ADMIN, FACT_CHECKER
from tests.pages.test_accessibility import AXE, axe_violations, new_page
from tests.support.browser import screenshot

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

LINK = re.compile(r"https?://[^/\s]+(/accounts/reset/\S+)")
NEW_PASSWORD = "harbour-lights-at-dawn-7"


def api_status(live_server, raw: str) -> int:
    request = urllib.request.Request(
        f"{live_server.url}/api/v1/claims/", headers={"Authorization": f"Bearer {raw}"}
    )
    try:
        with urllib.request.urlopen(request, timeout=10) as response:  # noqa: S310 - loopback
            return response.status
    except urllib.error.HTTPError as exc:
        return exc.code


def test_an_admin_invites_a_colleague_and_revokes_a_token(chromium, live_server, make_user):
    if not AXE.exists():
        pytest.fail("axe-core is missing: run `npm ci` (make test does it)")
    admin = make_user(ADMIN, username="desk-admin")
    consumer = make_user(FACT_CHECKER, username="cms-reader")
    page = new_page(chromium, live_server, admin, bypass_csp=True)
    violations: dict[str, list[str]] = {}

    page.goto(f"{live_server.url}/")
    page.get_by_role("link", name="People").click()
    page.wait_for_url("**/people/")
    violations["people"] = axe_violations(page)
    page.get_by_label("Username", exact=True).fill("marta")
    page.get_by_label("E-mail").fill("marta@newsroom.example")
    page.get_by_label("Role", exact=True).select_option(FACT_CHECKER)
    page.get_by_role("button", name="Send the invitation").click()
    page.get_by_text("marta is invited").wait_for()
    assert "invited, has not chosen a password yet" in page.locator("#main").inner_text()
    screenshot(page, "people-invited")

    [message] = mail.outbox
    assert message.to == ["marta@newsroom.example"]
    link = LINK.search(message.body).group(1)

    colleague = new_page(chromium, live_server, bypass_csp=True)
    colleague.goto(live_server.url + link)
    colleague.get_by_role("heading", name="Choose your password").wait_for()
    violations["choose-password"] = axe_violations(colleague)
    colleague.get_by_label("New password").fill(NEW_PASSWORD)
    colleague.get_by_label("The same password again").fill(NEW_PASSWORD)
    colleague.get_by_role("button", name="Set the password").click()
    colleague.get_by_role("heading", name="Your password is set").wait_for()
    colleague.locator("#main").get_by_role("link", name="Log in").click()
    colleague.get_by_label("Username").fill("marta")
    colleague.get_by_label("Password").fill(NEW_PASSWORD)
    colleague.get_by_role("button", name="Log in").click()
    colleague.wait_for_url(f"{live_server.url}/")
    assert colleague.locator(".who").inner_text() == "marta"
    # A fact-checker sees no People link, and the page refuses them.
    assert colleague.get_by_role("link", name="People").count() == 0
    assert colleague.goto(f"{live_server.url}/people/").status == 403

    page.goto(f"{live_server.url}/tokens/")
    violations["tokens"] = axe_violations(page)
    page.get_by_label("Whose token").select_option(label=consumer.username)
    page.get_by_label("Name (who or what uses it)").fill("Newsroom CMS")
    page.get_by_role("button", name="Create the token").click()
    raw = page.locator("#new-token").inner_text()
    violations["token-shown"] = axe_violations(page)
    assert api_status(live_server, raw) == 200

    page.reload()
    assert page.locator("#new-token").count() == 0  # shown only once
    row = page.locator("tr", has_text="Newsroom CMS")
    row.get_by_role("button", name="Revoke").click()
    page.get_by_text("is revoked: it no longer works").wait_for()
    assert "revoked" in page.locator("tr", has_text="Newsroom CMS").inner_text()
    screenshot(page, "tokens-revoked")
    assert api_status(live_server, raw) == 401

    for p in (page, colleague):
        p.context.close()
    found = {name: vs for name, vs in violations.items() if vs}
    assert not found, "\n".join(f"{name}: {v}" for name, vs in found.items() for v in vs)
