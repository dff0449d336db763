"""Which tests also run on SQLite (`make test`'s second pass, `pytest -m sqlite` without
DATABASE_URL or REDIS_URL): the paths `make run` takes on its default database.

A test module marks itself with `pytestmark = pytest.mark.sqlite`; whole files that hold on both
databases are listed here instead, so their modules stay as they are. A test that needs Redis, a
worker, threads on one database or PostgreSQL's own search does not belong in either.
"""

from __future__ import annotations

import pytest

SQLITE_FILES = (
    "tests/evidence/test_search.py",  # factcheck/search.py's SQLite sides (LIKE and highlights)
    "tests/test_constraints.py",  # the span guard's SQLite triggers
    "tests/claims/test_load_demo.py",  # what `make run` loads
    "tests/claims/test_importing.py",
    "tests/claims/test_workflow.py",
    "tests/api/test_conditional.py",  # the API's validators on the in-process cache
    "tests/api/test_data_versions.py",
    "tests/pages/test_public.py",
    "tests/pages/test_dashboard.py",
    "tests/extraction/test_command.py",
)


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    for item in items:
        if item.nodeid.split("::", 1)[0] in SQLITE_FILES:
            item.add_marker(pytest.mark.sqlite)
