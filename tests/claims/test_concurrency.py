"""Two people acting on one claim at the same moment: one wins, the other gets a conflict.

The guard is the claim's row locked FOR UPDATE, then the expected version compared
(claims.services._base._lock_claim and check_version). The approve, reassign and last-ratings
races also run as a control with the lock swapped for a plain read followed by a pause, i.e.
read-check-write: the control shows the race the guard prevents. (Publishing has a second line
of defence, the verdict draft's own row lock, so its control would show an "invalid" rather
than a lost update; it is left out.) Threads get their own database connections, so these tests
commit for real (transaction=True).
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from typing import Any

import pytest
from django.db import IntegrityError, connection

from claims import workflow
from claims.models import Claim, ClaimState, Rating, RatingScale, VerdictVersion
from claims.selectors import claim_history
from claims.services import (
    _base,
    claim_assign,
    claim_publish,
    claim_update,
    rating_submit,
    verdict_approve,
    verdicts,
)
from factcheck.errors import DomainError
from factcheck.roles import EDITOR, FACT_CHECKER

pytestmark = pytest.mark.django_db(transaction=True)

S = ClaimState
# How long the first writer holds its read (and, when guarded, its lock) before writing.
HOLD = 0.4


@pytest.fixture
def guard(monkeypatch):
    """guard("locked" | "unguarded"): both pause HOLD seconds between reading and writing."""

    def use(kind: str) -> None:
        real = _base._lock_claim
        if kind == "locked":

            def lock(claim: Claim) -> Claim:
                locked = real(claim)
                time.sleep(HOLD)
                return locked

        else:

            def lock(claim: Claim) -> Claim:
                current = Claim.objects.get(pk=claim.pk)  # no FOR UPDATE
                time.sleep(HOLD)
                return current

        monkeypatch.setattr(_base, "_lock_claim", lock)

    return use


@pytest.fixture
def pause_after(monkeypatch):
    """pause_after(module, name): sleep HOLD after that read, so that racers without the lock
    all read before any of them writes (with the lock the pause changes nothing)."""

    def use(module: Any, name: str) -> None:
        real = getattr(module, name)

        def slow(*args: Any, **kwargs: Any) -> Any:
            value = real(*args, **kwargs)
            time.sleep(HOLD)
            return value

        monkeypatch.setattr(module, name, slow)

    return use


def race(*work: Callable[[], Any]) -> list[tuple[str, Any, float, float]]:
    """Run each callable in its own thread, released together by a barrier.

    Returns (outcome, value or error, started, finished) per callable, times from monotonic().
    """
    barrier = threading.Barrier(len(work))
    results: list[Any] = [None] * len(work)

    def run(i: int) -> None:
        try:
            barrier.wait(timeout=10)
            started = time.monotonic()
            try:
                outcome, value = "ok", work[i]()
            except DomainError as error:
                outcome, value = error.code, error
            except IntegrityError as error:
                outcome, value = "integrity", error
            results[i] = (outcome, value, started, time.monotonic())
        finally:
            connection.close()

    threads = [threading.Thread(target=run, args=(i,)) for i in range(len(work))]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    assert not any(t.is_alive() for t in threads), "a racer is stuck"
    return results


def outcomes(results) -> list[str]:
    return sorted(outcome for outcome, *_ in results)


@pytest.fixture
def awaiting(claim_in):
    """A claim awaiting approval with its two ratings."""
    return claim_in(S.AWAITING_APPROVAL, ratings=2)


def approval_by(editor, claim_id: int, version: int, conclusion: str) -> Callable[[], Any]:
    def work():
        claim = Claim.objects.get(pk=claim_id)
        return verdict_approve(
            actor=editor,
            claim=claim,
            expected_version=version,
            rating=RatingScale.objects.get(slug="false"),
            conclusion=conclusion,
            explanation="Customs data.",
        )

    return work


def test_two_editors_publishing_at_once_one_wins_one_gets_a_conflict(
    guard, awaiting, make_user, scale
):
    first, second = make_user(EDITOR), make_user(EDITOR)
    verdict_approve(
        actor=first, claim=awaiting, rating=scale("false"), conclusion="No.", explanation="x"
    )
    version = awaiting.version
    guard("locked")

    def publish(editor):
        return lambda: claim_publish(
            actor=editor, claim=Claim.objects.get(pk=awaiting.pk), expected_version=version
        )

    results = race(publish(first), publish(second))
    assert outcomes(results) == ["conflict", "ok"]
    (winner,) = [r for r in results if r[0] == "ok"]
    (loser,) = [r for r in results if r[0] == "conflict"]
    assert loser[1].current["state"] == S.PUBLISHED
    # They overlapped: the loser came in while the winner held the lock, and waited for it (the
    # winner holds it HOLD seconds; its own on-commit work after the release is not the lock's).
    assert loser[2] < winner[3] and loser[3] >= winner[2] + HOLD
    assert [e.action for e in claim_history(awaiting)].count("claim.published") == 1
    assert Claim.objects.get(pk=awaiting.pk).version == version + 1


def test_two_editors_approving_at_once_one_wins_one_gets_a_conflict(
    guard, pause_after, awaiting, make_user
):
    first, second = make_user(EDITOR), make_user(EDITOR)
    guard("locked")
    pause_after(verdicts, "_draft")
    results = race(
        approval_by(first, awaiting.pk, awaiting.version, "First editor's wording."),
        approval_by(second, awaiting.pk, awaiting.version, "Second editor's wording."),
    )
    assert outcomes(results) == ["conflict", "ok"]
    (winner,) = [r[1] for r in results if r[0] == "ok"]
    (verdict,) = VerdictVersion.objects.filter(claim=awaiting)
    assert (verdict.number, verdict.conclusion) == (1, winner.conclusion)
    assert [e.action for e in claim_history(awaiting)].count("verdict.approved") == 1


def test_control_approving_without_the_lock_reaches_the_unique_constraint(
    guard, pause_after, awaiting, make_user
):
    first, second = make_user(EDITOR), make_user(EDITOR)
    guard("unguarded")
    pause_after(verdicts, "_draft")
    results = race(
        approval_by(first, awaiting.pk, awaiting.version, "First editor's wording."),
        approval_by(second, awaiting.pk, awaiting.version, "Second editor's wording."),
    )
    # Both passed the version check on the same read. Nobody is told of a conflict: either a
    # database constraint stops the second write with an error no user can act on (which one
    # depends on how far the second racer lags: a second draft, a second version 1, or a
    # version 2 without a correction note), or, if it lags past the first commit, it silently
    # rewrites the first editor's approval.
    kinds = outcomes(results)
    assert "conflict" not in kinds
    if kinds == ["integrity", "ok"]:
        (error,) = [r[1] for r in results if r[0] == "integrity"]
        constraints = ("one_verdict_draft", "one_verdict_number", "correction_has_note")
        assert any(name in str(error) for name in constraints), error
    else:
        assert kinds == ["ok", "ok"]
        approved = [e for e in claim_history(awaiting) if e.action == "verdict.approved"]
        version = awaiting.version + 1
        assert [e.after["claim_version"] for e in approved] == [version, version]


@pytest.mark.parametrize("kind", ["locked", "unguarded"])
def test_two_editors_reassigning_at_once(kind, guard, claim_in, make_user):
    """With the lock one reassignment wins and the other is told; without it both 'succeed'
    and the first is silently overwritten (a lost update no constraint catches)."""
    first, second = make_user(EDITOR), make_user(EDITOR)
    alice, bob = make_user(FACT_CHECKER), make_user(FACT_CHECKER)
    claim = claim_in(S.RESEARCHING, assignee=make_user(FACT_CHECKER))
    version = claim.version
    guard(kind)

    def assign(editor, assignee):
        return lambda: claim_assign(
            actor=editor,
            claim=Claim.objects.get(pk=claim.pk),
            assignee=assignee,
            expected_version=version,
        )

    results = race(assign(first, alice), assign(second, bob))
    assigned = [e for e in claim_history(claim) if e.action == "claim.assigned"]
    if kind == "locked":
        assert outcomes(results) == ["conflict", "ok"]
        assert len(assigned) == 1
        assert Claim.objects.get(pk=claim.pk).version == version + 1
    else:
        assert outcomes(results) == ["ok", "ok"]
        assert len(assigned) == 2
        # Both believed they moved the claim from the same version: one change was lost.
        assert [e.before["version"] for e in assigned] == [version, version]
        assert Claim.objects.get(pk=claim.pk).version == version + 1


@pytest.mark.parametrize("kind", ["locked", "unguarded"])
def test_the_last_two_ratings_arriving_together(
    kind, guard, pause_after, claim_in, make_user, scale, settings
):
    """Locked, the second rating sees the first and moves the claim on exactly once. Unlocked,
    each counts only itself and the claim is left in review with both ratings in."""
    settings.RATINGS_REQUIRED = 2
    claim = claim_in(S.IN_REVIEW)
    false = scale("false")
    guard(kind)
    pause_after(workflow, "rating_tally")

    def rate(reviewer):
        return lambda: rating_submit(
            actor=reviewer,
            claim=Claim.objects.get(pk=claim.pk),
            scale=false,
            rationale="Customs data.",
        )

    results = race(rate(make_user(FACT_CHECKER)), rate(make_user(FACT_CHECKER)))
    assert outcomes(results) == ["ok", "ok"]
    assert Rating.objects.filter(claim=claim).count() == 2
    moved = [e for e in claim_history(claim) if e.action == "claim.approval_requested"]
    state = Claim.objects.get(pk=claim.pk).state
    if kind == "locked":
        assert (state, len(moved)) == (S.AWAITING_APPROVAL, 1)
    else:
        assert (state, len(moved)) == (S.IN_REVIEW, 0)


def test_two_edits_from_the_same_version_one_is_refused(claim_in, make_user):
    """claim_update needs no lock: its UPDATE ... WHERE version = ? matches for one writer only."""
    claim = claim_in(S.RESEARCHING)

    def edit(claimant):
        return lambda: claim_update(
            actor=make_user(FACT_CHECKER),
            claim=Claim.objects.get(pk=claim.pk),
            expected_version=1,
            claimant=claimant,
        )

    results = race(edit("The ministry"), edit("The minister"))
    assert outcomes(results) == ["conflict", "ok"]
    (winner,) = [r[1] for r in results if r[0] == "ok"]
    fresh = Claim.objects.get(pk=claim.pk)
    assert (fresh.claimant, fresh.version) == (winner.claimant, 2)


def test_the_default_scale_and_roles_survive_the_flush(scale, make_user):
    """transaction=True empties the database after each test; the post_migrate hook refills it."""
    assert scale("false").label == "False"
    assert make_user(EDITOR).groups.get().name == EDITOR
