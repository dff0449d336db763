"""/healthz answers without touching anything; /readyz names the part that is down."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

from django.db import connection

ROOT = Path(__file__).resolve().parents[2]
READYZ = (
    "import json, django; django.setup(); from django.test import Client; "
    "r = Client().get('/readyz'); print(json.dumps({'status': r.status_code, "
    "'body': json.loads(r.content)}))"
)


def readyz_with(database_url: str, redis_url: str, **extra_env: str) -> dict:
    env = {k: v for k, v in os.environ.items() if k not in ("SECRET_KEY", "FACTCHECK_ENV")}
    env.update(DATABASE_URL=database_url, REDIS_URL=redis_url, **extra_env)
    env["DJANGO_SETTINGS_MODULE"] = "factcheck.settings"
    result = subprocess.run(
        [sys.executable, "-c", READYZ],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout.strip().splitlines()[-1])


def test_healthz_touches_no_database(client):
    # No db fixture: pytest-django makes any database access here an error.
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.json() == {"status": "ok"}


def test_readyz_is_ready_with_the_real_database_and_broker(db, client):
    response = client.get("/readyz")
    assert response.status_code == 200, response.content
    assert response.json()["checks"]["database"] == "ok"
    assert response.json()["checks"]["text_extractor"] == "ok"


def test_readyz_reports_a_database_that_is_down():
    # Port 1 on loopback: nothing listens, so the connection is refused for real.
    seen = readyz_with("postgres://postgres@127.0.0.1:1/factcheck", os.environ["REDIS_URL"])
    assert seen["status"] == 503
    assert seen["body"]["checks"]["database"] == "failing"
    assert seen["body"]["checks"]["broker"] == "ok"
    assert "database" in seen["body"]["errors"]


def test_readyz_reports_a_broker_that_is_down(db):
    test_db = connection.settings_dict["NAME"]
    seen = readyz_with(f"postgres://postgres@127.0.0.1:5432/{test_db}", "redis://127.0.0.1:1/0")
    assert seen["status"] == 503
    assert seen["body"]["checks"]["broker"] == "failing"
    assert seen["body"]["checks"]["database"] == "ok"


def test_readyz_reports_a_text_extractor_whose_parser_is_missing(db, tmp_path):
    """A runtime that lacks lxml_html_clean (once only pulled in by an extra): trafilatura cannot
    be imported, so no page would have text. Here a package of that name that fails to import
    stands first on the path, as a broken install would."""
    broken = tmp_path / "lxml_html_clean"
    broken.mkdir()
    (broken / "__init__.py").write_text("raise ImportError('lxml_html_clean is not installed')\n")
    test_db = connection.settings_dict["NAME"]
    seen = readyz_with(
        f"postgres://postgres@127.0.0.1:5432/{test_db}",
        os.environ["REDIS_URL"],
        PYTHONPATH=f"{tmp_path}{os.pathsep}{ROOT}",
    )
    assert seen["status"] == 503
    assert seen["body"]["checks"]["text_extractor"] == "failing"
    assert seen["body"]["checks"]["database"] == "ok"
    assert seen["body"]["errors"]["text_extractor"] == (
        "lxml_html_clean cannot be imported: ImportError: lxml_html_clean is not installed"
    )
