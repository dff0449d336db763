"""The test suite's shared fixtures, registered once (tests/conftest.py's pytest_plugins): users
in each role, claims in any state, the rating scale, evidence, and a clock that moves time on.

Directory conftests add only what their own tests need; nobody imports fixtures from another
directory's conftest.
"""

from __future__ import annotations

import itertools
import time
import types
from typing import Any

import pytest
from django.contrib.auth import get_user_model
from django.utils import timezone

from claims.evidence.models import Evidence
from claims.models import Claim, ClaimState, Rating, RatingScale, VerdictVersion
from claims.services import claim_create
from factcheck.roles import EDITOR, FACT_CHECKER
from factcheck.services import user_create
from sources.models import Source

PASSWORD = "correct-horse-battery-staple"
_names = itertools.count(1)
_serial = itertools.count(1)


@pytest.fixture(autouse=True)
def fast_password_hashing(settings):
    """Users are made by the dozen; the production hasher takes ~0.4 s per password."""
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture
def make_user(db):
    """Factory: make_user(role) -> a saved user in that role, with PASSWORD."""

    def make(role: str = FACT_CHECKER, *, username: str | None = None):
        name = username or f"{role.replace('-', '')}{next(_names)}"
        return user_create(username=name, role=role, password=PASSWORD)

    return make


@pytest.fixture
def fact_checker(make_user):
    return make_user(FACT_CHECKER)


@pytest.fixture
def editor(make_user):
    return make_user(EDITOR)


@pytest.fixture
def staff_admin(db):
    """A superuser in no desk group: may do everything."""
    return get_user_model().objects.create_superuser(
        username=f"admin{next(_serial)}", password="x", email=""
    )


@pytest.fixture
def outsider(db):
    """Signed in, but in no desk role."""
    return get_user_model().objects.create_user(username=f"reader{next(_serial)}", password="x")


@pytest.fixture
def scale(db):
    """scale("false") -> that entry of the default rating scale."""

    def get(slug: str) -> RatingScale:
        return RatingScale.objects.get(slug=slug)

    return get


@pytest.fixture
def claim_in(db, make_user, scale):
    """claim_in(state, assignee=..., ratings=n, verdict=True) -> a claim set up in that state.

    Setup writes rows directly so that each test exercises only the transition it is about.
    `ratings` adds that many ratings by fresh fact-checkers; `verdict` an approved, unpublished
    version 1; a published claim gets a published version 1 rated false.
    """

    def make(
        state: str = ClaimState.NEW,
        *,
        assignee=None,
        ratings: int = 0,
        verdict: bool = False,
        text: str = "Exports rose 43% in 2022.",
    ) -> Claim:
        claim = claim_create(system_actor="test-setup", text=text)
        fields: dict = {"state": state, "assignee": assignee}
        for n in range(ratings):
            Rating.objects.create(
                claim=claim,
                reviewer=make_user(FACT_CHECKER),
                scale=scale("mostly-true" if n % 2 else "half-true"),
                rationale=f"setup rating {n + 1}",
            )
        now = timezone.now()
        published = state == ClaimState.PUBLISHED
        if verdict or published:
            VerdictVersion.objects.create(
                claim=claim,
                number=1,
                rating=scale("false"),
                conclusion="False: exports fell.",
                explanation="The customs figures show a fall.",
                approved_by=make_user(EDITOR),
                approved_at=now,
                published_at=now if published else None,
            )
        if published:
            fields.update(published_at=now, rating=scale("false"))
        Claim.objects.filter(pk=claim.pk).update(**fields)
        claim.refresh_from_db()
        return claim

    return make


@pytest.fixture
def evidence_for(db):
    """evidence_for(claim) -> a new source linked to the claim."""

    def make(claim: Claim) -> Evidence:
        source = Source.objects.create(url=f"https://example.org/report-{next(_serial)}")
        return Evidence.objects.create(claim=claim, source=source, relation="refutes")

    return make


# The clock ---------------------------------------------------------------------------------

# Modules whose wall-clock readings (time.time) decide what a caller is shown: the validators'
# Last-Modified, the data versions' write times and the throttle's windows.
CLOCKED_MODULES = ("api.conditional", "api.versions", "api.throttling")


class Clock:
    """The wall clock as CLOCKED_MODULES read it, moved on by advance() instead of sleeping."""

    def __init__(self) -> None:
        self.offset = 0.0

    def time(self) -> float:
        return time.time() + self.offset

    def advance(self, seconds: float) -> None:
        self.offset += seconds


@pytest.fixture
def clock(monkeypatch) -> Clock:
    """clock.advance(seconds): time passes for the app's wall-clock readers, at once."""
    import importlib

    moved = Clock()
    for name in CLOCKED_MODULES:
        module: Any = importlib.import_module(name)
        fake = types.SimpleNamespace(**{k: getattr(time, k) for k in dir(time) if k[0] != "_"})
        fake.time = moved.time
        monkeypatch.setattr(module, "time", fake)
    return moved
