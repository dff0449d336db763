"""Both settings modes, and production refusing to start with a missing or malformed setting."""

from __future__ import annotations

import json
import os
import secrets
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
PROBE = (
    "import json, django; from django.conf import settings; django.setup(); "
    "print(json.dumps({'debug': settings.DEBUG, 'engine': settings.DATABASES['default']['ENGINE'],"
    " 'eager': settings.CELERY_TASK_ALWAYS_EAGER, 'broker': settings.CELERY_BROKER_URL,"
    " 'secure_cookies': getattr(settings, 'SESSION_COOKIE_SECURE', False),"
    " 'hsts': getattr(settings, 'SECURE_HSTS_SECONDS', 0), 'hosts': settings.ALLOWED_HOSTS,"
    " 'csp': 'csp.middleware.CSPMiddleware' in settings.MIDDLEWARE,"
    " 'allow_private': settings.FETCH_ALLOW_PRIVATE}))"
)
SETTING_NAMES = (
    "DATABASE_URL",
    "REDIS_URL",
    "CELERY_BROKER_URL",
    "SECRET_KEY",
    "ALLOWED_HOSTS",
    "FACTCHECK_ENV",
    "DEBUG",
    "FETCH_ALLOW_PRIVATE",
    "SECURE_HSTS_SECONDS",
    # Set for Playwright in tests/conftest.py; a deployment must never have it.
    "DJANGO_ALLOW_ASYNC_UNSAFE",
)


def run_python(code: str, env_overrides: dict[str, str], tmp_path: Path, *args: str):
    env = {k: v for k, v in os.environ.items() if k not in SETTING_NAMES}
    env.update(env_overrides)
    env["DJANGO_SETTINGS_MODULE"] = "factcheck.settings"
    env["FACTCHECK_VAR_DIR"] = str(tmp_path / "var")
    cmd = [sys.executable, *(["-c", code] if code else []), *args]
    return subprocess.run(cmd, cwd=ROOT, env=env, capture_output=True, text=True, timeout=60)


def production_env() -> dict[str, str]:
    return {
        "SECRET_KEY": secrets.token_urlsafe(64),
        "DATABASE_URL": "postgres://desk:pw@db:5432/desk",
        "REDIS_URL": "redis://redis:6379/0",
        "ALLOWED_HOSTS": "desk.example.org",
    }


def test_nothing_set_means_sqlite_eager_tasks_and_debug(tmp_path):
    result = run_python(PROBE, {}, tmp_path)
    assert result.returncode == 0, result.stderr
    seen = json.loads(result.stdout)
    assert seen["engine"] == "django.db.backends.sqlite3"
    assert seen["eager"] is True
    assert seen["debug"] is True
    assert seen["allow_private"] is False
    assert (tmp_path / "var").is_dir()  # the git-ignored folder the database lives in


def test_production_uses_postgres_redis_and_secure_defaults(tmp_path):
    result = run_python(PROBE, production_env(), tmp_path)
    assert result.returncode == 0, result.stderr
    seen = json.loads(result.stdout)
    assert seen["engine"] == "django.db.backends.postgresql"
    assert seen["eager"] is False
    assert seen["broker"] == "redis://redis:6379/0"
    assert seen["debug"] is False
    assert seen["secure_cookies"] is True
    assert seen["hsts"] >= 31536000
    assert seen["hosts"] == ["desk.example.org"]
    assert seen["csp"] is True


def test_production_passes_the_deployment_checks(tmp_path):
    result = run_python("", production_env(), tmp_path, "manage.py", "check", "--deploy")
    assert result.returncode == 0, result.stderr
    assert "System check identified no issues" in result.stdout
    assert "WARNINGS" not in result.stderr + result.stdout


@pytest.mark.parametrize("missing", ["DATABASE_URL", "REDIS_URL", "ALLOWED_HOSTS"])
def test_production_refuses_to_start_without_a_required_setting(tmp_path, missing):
    env = production_env()
    del env[missing]
    result = run_python(PROBE, env, tmp_path)
    assert result.returncode != 0
    assert f"{missing} is required in production mode" in result.stderr


def test_production_mode_by_name_requires_the_secret_key(tmp_path):
    env = production_env()
    del env["SECRET_KEY"]
    env["FACTCHECK_ENV"] = "production"
    result = run_python(PROBE, env, tmp_path)
    assert result.returncode != 0
    assert "SECRET_KEY is required in production mode" in result.stderr


@pytest.mark.parametrize(
    ("name", "value", "message"),
    [
        ("SECRET_KEY", "short", "SECRET_KEY is malformed"),
        ("DATABASE_URL", "mysql://db/desk", "DATABASE_URL is malformed"),
        ("DATABASE_URL", "sqlite:////tmp/x.sqlite3", "DATABASE_URL must point at PostgreSQL"),
        ("REDIS_URL", "amqp://guest@rabbit//", "REDIS_URL is malformed"),
        ("ALLOWED_HOSTS", "*", "ALLOWED_HOSTS is malformed"),
        ("FETCH_ALLOW_PRIVATE", "1", "FETCH_ALLOW_PRIVATE must not be set in production"),
        ("SECURE_HSTS_SECONDS", "a year", "SECURE_HSTS_SECONDS must be an integer"),
        ("CAPTURE_HARD_TIME_LIMIT", "10", "CAPTURE_SOFT_TIME_LIMIT must be positive and below"),
        ("CAPTURE_SOFT_TIME_LIMIT", "0", "CAPTURE_SOFT_TIME_LIMIT must be positive and below"),
    ],
)
def test_production_names_a_malformed_setting(tmp_path, name, value, message):
    env = production_env()
    env[name] = value
    result = run_python(PROBE, env, tmp_path)
    assert result.returncode != 0
    assert message in result.stderr


def test_development_with_urls_uses_them(tmp_path):
    env = {
        "DATABASE_URL": "postgres://postgres@127.0.0.1:5432/factcheck",
        "REDIS_URL": "redis://127.0.0.1:6379/1",
    }
    seen = json.loads(run_python(PROBE, env, tmp_path).stdout)
    assert seen["engine"] == "django.db.backends.postgresql"
    assert seen["eager"] is False
    assert seen["debug"] is True
