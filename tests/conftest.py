"""Shared fixtures: users in each role and the demo article."""

from __future__ import annotations

import itertools
import os

import pytest

from factcheck.roles import EDITOR, FACT_CHECKER
from factcheck.services import user_create

# Playwright's sync API keeps an event loop in the test thread; the ORM calls there are still
# plain synchronous calls, which Django would otherwise refuse.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

pytest_plugins = ["tests.support.browser", "tests.support.tsa"]

_names = itertools.count(1)
PASSWORD = "correct-horse-battery-staple"


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


@pytest.hookimpl(wrapper=True, tryfirst=True)
def pytest_runtest_makereport(item, call):
    # Lets fixtures see whether the test failed (e.g. to print a worker's log).
    report = yield
    setattr(item, f"rep_{report.when}", report)
    return report
