"""The apps are floors: factcheck < sources (the archive) < claims (the desk) < api.

Every module of the four apps is read as source (its AST, nothing imported), and each import of
another of our apps is checked: a module may import only its own floor or the floors below, and
only at module level (an import inside a function to dodge a cycle means a piece sits on the
wrong floor). Migrations are modules too and are checked the same way.

Exempt, and only this: a function importing a module of its own app. ``AppConfig.ready()``
importing its own receivers is Django's app-loading protocol (models can be imported only once
the registry is ready), and a Celery task importing its service in the body is the house style
(STYLE.md); neither is a floor question. An import of another app inside any function, ready()
included, is reported.
"""

from __future__ import annotations

import ast
from dataclasses import dataclass
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
FLOORS = {"factcheck": 0, "sources": 1, "claims": 2, "api": 3}


@dataclass(frozen=True)
class Import:
    path: str
    line: int
    target: str
    in_function: str | None  # the enclosing function's name, or None at module level


def _imports(path: Path) -> list[Import]:
    tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
    found: list[Import] = []

    def visit(node: ast.AST, function: str | None) -> None:
        for child in ast.iter_child_nodes(node):
            if isinstance(child, ast.FunctionDef | ast.AsyncFunctionDef):
                visit(child, function or child.name)
            elif isinstance(child, ast.Import | ast.ImportFrom):
                if isinstance(child, ast.ImportFrom):
                    names = [child.module] if child.module and child.level == 0 else []
                else:
                    names = [alias.name for alias in child.names]
                for name in names:
                    rel = str(path.relative_to(ROOT))
                    found.append(Import(rel, child.lineno, name, function))
            else:
                visit(child, function)

    visit(tree, None)
    return found


def _app_modules() -> list[Path]:
    return sorted(p for app in FLOORS for p in (ROOT / app).rglob("*.py"))


def _problems(imports: list[Import]) -> list[str]:
    problems = []
    for item in imports:
        app = item.path.split("/", 1)[0]
        top = item.target.split(".", 1)[0]
        if top not in FLOORS:
            continue
        where = f"{item.path}:{item.line} imports {item.target}"
        if FLOORS[top] > FLOORS[app]:
            problems.append(f"{where}: {top} is a floor above {app}")
        elif item.in_function is not None and top != app:
            problems.append(f"{where} inside {item.in_function}(): import it at module level")
    return problems


def test_no_app_imports_a_floor_above_it_or_another_app_inside_a_function():
    modules = _app_modules()
    assert len(modules) > 100  # the walk found the apps (a wrong ROOT would pass vacuously)
    problems = [p for path in modules for p in _problems(_imports(path))]
    assert problems == [], "\n".join(problems)


@pytest.mark.parametrize(
    ("source", "expected"),
    [
        ("from claims.models import Claim\n", "a floor above sources"),
        ("import api.views\n", "a floor above sources"),
        ("def f():\n    from factcheck.errors import DomainError\n", "inside f()"),
        (
            "from django.apps import AppConfig\nclass C(AppConfig):\n"
            "    def ready(self):\n        from factcheck import audit\n",
            "inside ready()",
        ),
    ],
)
def test_the_walk_catches_each_kind_of_offence(tmp_path, monkeypatch, source, expected):
    """The check itself can fail: an upward import, a function-level import of another app,
    and another app's import inside ready() are each reported."""
    folder = tmp_path / "sources"
    folder.mkdir()
    module = folder / "offender.py"
    module.write_text(source, encoding="utf-8")
    monkeypatch.setattr(f"{__name__}.ROOT", tmp_path)
    problems = _problems(_imports(module))
    assert len(problems) == 1 and expected in problems[0]


def test_ready_may_import_its_own_app_and_module_level_imports_pass(tmp_path, monkeypatch):
    folder = tmp_path / "claims"
    folder.mkdir()
    module = folder / "apps.py"
    module.write_text(
        "from django.apps import AppConfig\nfrom sources.signals import capture_finished\n"
        "class ClaimsConfig(AppConfig):\n    def ready(self):\n"
        "        from claims import receivers\n",
        encoding="utf-8",
    )
    monkeypatch.setattr(f"{__name__}.ROOT", tmp_path)
    assert _problems(_imports(module)) == []
