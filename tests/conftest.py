"""The suite's root: the fixtures plugin (tests/support/fixtures.py) and the report hook."""

from __future__ import annotations

import os

import pytest

# Playwright's sync API keeps an event loop in the test thread; the ORM calls there are still
# plain synchronous calls, which Django would otherwise refuse.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

pytest_plugins = [
    "tests.support.fixtures",
    "tests.support.sqlite",
    "tests.support.browser",
    "tests.support.tsa",
]


@pytest.hookimpl(wrapper=True, tryfirst=True)
def pytest_runtest_makereport(item, call):
    # Lets fixtures see whether the test failed (e.g. to print a worker's log).
    report = yield
    setattr(item, f"rep_{report.when}", report)
    return report
