"""Shared fixtures: users in each role and the demo article."""

from __future__ import annotations

import itertools

import pytest

from factcheck.roles import EDITOR, FACT_CHECKER
from factcheck.services import user_create

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
