"""docker-compose.yml stays in step with the settings (it cannot be run on this machine)."""

from __future__ import annotations

import re
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parents[2]


def settings_variables() -> set[str]:
    source = (ROOT / "factcheck" / "settings.py").read_text()
    return set(re.findall(r'(?:env|_flag|_int|_required)\(\s*"([A-Z_]+)"', source))


def test_every_compose_variable_is_read_by_the_settings():
    compose = yaml.safe_load((ROOT / "docker-compose.yml").read_text())
    app_env = compose["x-app-env"]
    unknown = set(app_env) - settings_variables()
    assert not unknown, f"compose sets variables the settings never read: {unknown}"
    for required in ("DATABASE_URL", "REDIS_URL", "SECRET_KEY", "ALLOWED_HOSTS"):
        assert required in app_env


def test_compose_has_the_services_and_healthchecks():
    compose = yaml.safe_load((ROOT / "docker-compose.yml").read_text())
    services = compose["services"]
    assert set(services) == {"db", "redis", "web", "worker", "browser-worker", "beat"}
    assert "healthcheck" in services["db"] and "healthcheck" in services["redis"]
    assert any(v.endswith("/var/lib/postgresql/data") for v in services["db"]["volumes"])
    for name in ("web", "worker", "browser-worker", "beat"):
        assert services[name]["depends_on"] == {
            "db": {"condition": "service_healthy"},
            "redis": {"condition": "service_healthy"},
        }
    assert "migrate" in services["web"]["command"] and "gunicorn" in services["web"]["command"]
    assert "worker" in services["worker"]["command"]
    assert "beat" in services["beat"]["command"]
    # Each capture kind has its own queue and worker: the browser's Chromium stays apart.
    assert services["worker"]["command"][services["worker"]["command"].index("--queues") + 1] == (
        "celery"
    )
    browser = services["browser-worker"]["command"]
    assert browser[browser.index("--queues") + 1] == "capture-browser"
    assert services["browser-worker"]["build"]["target"] == "browser"
