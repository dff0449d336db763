"""Accessibility in a real browser: axe-core finds no serious or critical violation on the main
pages, the claim page works from the keyboard with a visible focus, and pages read at 390 px."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
from django.utils import timezone

from claims.evidence.models import Evidence
from claims.models import ClaimComment, ClaimState, Rating, VerdictVersion
from claims.selectors import article_candidates
from claims.services import article_import_text, candidate_accept, claim_comment_add
from factcheck.roles import EDITOR, FACT_CHECKER
from sources.models import Capture, Source
from tests.support.browser import log_in, screenshot

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

ROOT = Path(__file__).resolve().parents[2]
AXE = ROOT / "node_modules" / "axe-core" / "axe.min.js"
SEED_ARTICLE = ROOT.parent / "shared/seed/article.txt"
SERIOUS = ("serious", "critical")


def axe_violations(page) -> list[str]:
    """Serious and critical axe-core violations of the page, one readable line each."""
    if not page.evaluate("() => typeof window.axe !== 'undefined'"):
        page.add_script_tag(path=str(AXE))
    result = page.evaluate("() => axe.run(document, {resultTypes: ['violations']})")
    assert result["testEngine"]["name"] == "axe-core"
    return [
        f"{v['id']} ({v['impact']}): {v['help']} at "
        + "; ".join(", ".join(node["target"]) for node in v["nodes"][:5])
        for v in result["violations"]
        if v["impact"] in SERIOUS
    ]


@pytest.fixture
def desk(make_user, scale):
    """An imported article with accepted claims, one claim awaiting approval with two ratings,
    sources in several capture states, comments, and a published, corrected verdict."""
    if not AXE.exists():
        pytest.fail("axe-core is missing: run `npm ci` (make test does it)")
    checker, second, editor = make_user(FACT_CHECKER), make_user(FACT_CHECKER), make_user(EDITOR)
    article, _ = article_import_text(
        actor=checker,
        body=SEED_ARTICLE.read_text(encoding="utf-8"),
        publisher="The Phnom Penh Post",
        published_on=dt.date(2024, 1, 5),
    )
    rows = [r for r in article_candidates(article) if r.candidate is not None]
    claims = []
    for row in rows[:3]:
        c = row.candidate
        figure = c.main_figure
        claims.append(
            candidate_accept(
                actor=checker,
                article=article,
                span=(row.start, row.end),
                text=" ".join(c.text.split()),
                kind=c.kind,
                value=figure.value if figure else None,
                qualifier=figure.qualifier if figure else "",
                unit=figure.unit if figure else "",
                scale=figure.scale if figure else "",
                period_start=c.period.start if c.period else None,
                period_end=c.period.end if c.period else None,
                date_precision=c.period.precision if c.period else "",
                score=c.score,
            )
        )
    reviewed, published = claims[0], claims[1]
    for claim, source_state in ((reviewed, "archived"), (published, "archived")):
        source = Source.objects.create(url=f"https://example.org/report-{claim.pk}", title="Report")
        Evidence.objects.create(claim=claim, source=source, relation="refutes")
        Capture.objects.create(source=source, state=source_state, sha256="f" * 64, text="Text.")
    failing = Source.objects.create(url="https://example.org/gone")
    Evidence.objects.create(claim=reviewed, source=failing)
    Capture.objects.create(source=failing, state="failed", failure_reason="HTTP 404 Not Found")
    Rating.objects.create(
        claim=reviewed, reviewer=checker, scale=scale("false"), rationale="The ledger says 870."
    )
    Rating.objects.create(
        claim=reviewed, reviewer=second, scale=scale("true"), rationale="Matches the agency."
    )
    type(reviewed).objects.filter(pk=reviewed.pk).update(
        state=ClaimState.AWAITING_APPROVAL, assignee=checker
    )
    claim_comment_add(actor=editor, claim=reviewed, body="Check the October ledger again.")
    assert ClaimComment.objects.exists()
    now = timezone.now()
    for number, rating, note in ((1, "false", ""), (2, "mostly-false", "Revised figures.")):
        VerdictVersion.objects.create(
            claim=published,
            number=number,
            rating=scale(rating),
            conclusion=f"Verdict {number}: fewer than claimed.",
            explanation="The port's bulletin counts fewer.",
            approved_by=editor,
            approved_at=now,
            published_at=now,
            correction_note=note,
        )
    type(published).objects.filter(pk=published.pk).update(
        state=ClaimState.PUBLISHED, published_at=now, rating=scale("mostly-false")
    )
    return {
        "checker": checker,
        "editor": editor,
        "article": article,
        "reviewed": reviewed,
        "published": published,
    }


def new_page(chromium, live_server, user=None, *, width: int = 1280, bypass_csp: bool = False):
    context = chromium.new_context(viewport={"width": width, "height": 900}, bypass_csp=bypass_csp)
    page = context.new_page()
    if user is not None:
        log_in(page, live_server, user)
    return page


def test_axe_finds_no_serious_violation_on_the_main_pages(chromium, live_server, desk):
    reviewed, published = desk["reviewed"], desk["published"]
    pages = [
        ("checker", "dashboard", "/"),
        ("checker", "queue", "/claims/"),
        ("checker", "queue-filtered", "/claims/?q=containers&state=awaiting_approval"),
        ("checker", "article", f"/articles/{desk['article'].pk}/"),
        ("checker", "article-import", "/articles/import/"),
        ("checker", "claim-fact-checker", f"/claims/{reviewed.pk}/"),
        ("editor", "claim-editor", f"/claims/{reviewed.pk}/"),
        ("editor", "claim-editor-published", f"/claims/{published.pk}/"),
        ("editor", "dashboard-editor", "/"),
        ("editor", "stats", "/stats/"),
        (None, "public-verdict", f"/verdicts/{published.pk}/"),
        (None, "login", "/accounts/login/"),
        (None, "not-found", "/no/such/page/"),
    ]
    # Injecting axe needs CSP bypassed; these contexts serve the axe runs only.
    contexts = {
        who: new_page(chromium, live_server, desk[who] if who else None, bypass_csp=True)
        for who in ("checker", "editor", None)
    }
    found = {}
    for who, name, path in pages:
        page = contexts[who]
        page.goto(live_server.url + path)
        screenshot(page, f"page-{name}")
        violations = axe_violations(page)
        if violations:
            found[name] = violations
    # The harness itself: an unlabelled field is caught (so a clean run means something).
    probe = contexts["checker"]
    probe.goto(live_server.url + "/claims/")
    probe.evaluate("() => document.querySelector('main').append(document.createElement('input'))")
    assert any(v.startswith("label ") for v in axe_violations(probe))
    for page in contexts.values():
        page.context.close()
    assert not found, "\n".join(f"{name}: {v}" for name, vs in found.items() for v in vs)


def test_the_claim_page_works_from_the_keyboard_with_a_visible_focus(chromium, live_server, desk):
    page = new_page(chromium, live_server, desk["editor"])
    page.goto(f"{live_server.url}/claims/{desk['reviewed'].pk}/")
    page.keyboard.press("Tab")
    skip = page.locator("a.skip")
    assert page.evaluate("document.activeElement.className") == "skip"
    assert skip.bounding_box()["x"] >= 0  # the skip link shows itself when focused
    reached = set()
    for _ in range(120):
        page.keyboard.press("Tab")
        focused = page.evaluate(
            """() => {
                const el = document.activeElement;
                const style = getComputedStyle(el);
                return {text: (el.innerText || el.value || '').trim(), tag: el.tagName,
                        outline: style.outlineStyle, width: parseFloat(style.outlineWidth)};
            }"""
        )
        if focused["tag"] in ("BUTTON", "A", "SUMMARY", "INPUT", "SELECT", "TEXTAREA"):
            assert focused["outline"] != "none" and focused["width"] >= 2, focused
        reached.add(focused["text"])
        if "Approve" in reached and "Add and archive" in reached:
            break
    assert "Add and archive" in reached and "Approve" in reached, sorted(reached)
    screenshot(page, "a11y-keyboard-focus")
    page.context.close()


@pytest.mark.parametrize("width", [390])
def test_pages_read_on_a_phone(chromium, live_server, desk, width):
    reviewed, published = desk["reviewed"], desk["published"]
    page = new_page(chromium, live_server, desk["editor"], width=width)
    for name, path in [
        ("dashboard", "/"),
        ("queue", "/claims/"),
        ("article", f"/articles/{desk['article'].pk}/"),
        ("claim", f"/claims/{reviewed.pk}/"),
        ("public-verdict", f"/verdicts/{published.pk}/"),
    ]:
        page.goto(live_server.url + path)
        # Nothing wider than the screen: no sideways scrolling on a phone.
        overflow = page.evaluate("document.documentElement.scrollWidth")
        assert overflow <= width, (name, overflow)
        screenshot(page, f"phone-{width}-{name}")
    page.context.close()
