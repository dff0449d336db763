"""CI step: the runtime works from requirements.txt alone.

Builds a virtualenv in a temporary folder from requirements.txt only (no test tools, nothing
from the shared development venv), then, on SQLite in that folder with tasks run in-process,
migrates and captures one HTML page served by a local http.server through
`manage.py capture URL --wait --format json`, and checks the archived text. Any step that fails
prints what it saw and exits non-zero.
"""

from __future__ import annotations

import functools
import http.server
import json
import os
import subprocess
import sys
import tempfile
import threading
import time
import venv
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
SENTENCE = "The runtime check page says the depot moved 2,750 pallets in April 2025."
PAGE = f"""<!doctype html><html><head><meta charset="utf-8"><title>Runtime check</title></head>
<body><article><h1>Runtime check</h1><p>{SENTENCE}</p>
<p>A second paragraph gives the extractor a body of ordinary text to keep.</p></article></body>
</html>"""


def fail(message: str, output: str = "") -> None:
    print(f"runtime venv check FAILED: {message}", file=sys.stderr)
    if output:
        print(output[-4000:], file=sys.stderr)
    sys.exit(1)


def run(cmd: list[str], *, env: dict[str, str] | None = None, timeout: float) -> str:
    done = subprocess.run(  # noqa: S603 - our own commands
        cmd, cwd=ROOT, env=env, capture_output=True, text=True, timeout=timeout, check=False
    )
    if done.returncode != 0:
        fail(f"{' '.join(cmd[:4])} ... exited {done.returncode}", done.stdout + done.stderr)
    return done.stdout


def main() -> None:
    started = time.monotonic()
    with tempfile.TemporaryDirectory(prefix="runtime-venv-") as tmp:
        folder = Path(tmp)
        venv.create(folder / "venv", with_pip=True)
        python = str(folder / "venv" / "bin" / "python")
        run(
            [python, "-m", "pip", "install", "--quiet", "--disable-pip-version-check", "-r",
             str(ROOT / "requirements.txt")],
            timeout=1800,
        )  # fmt: skip
        site = folder / "site"
        site.mkdir()
        (site / "page.html").write_text(PAGE, encoding="utf-8")
        handler = functools.partial(QuietHandler, directory=str(site))
        server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
        threading.Thread(target=server.serve_forever, daemon=True).start()
        url = f"http://127.0.0.1:{server.server_address[1]}/page.html"
        env = {
            key: value
            for key, value in os.environ.items()
            if key not in ("REDIS_URL", "CELERY_BROKER_URL", "SECRET_KEY", "FACTCHECK_ENV")
            and not key.startswith(("PYTHON", "VIRTUAL_ENV"))
        }
        env.update(
            DATABASE_URL=f"sqlite:///{folder / 'db.sqlite3'}",
            ARCHIVE_ROOT=str(folder / "archives"),
            FETCH_ALLOW_PRIVATE="1",
        )
        try:
            run([python, "manage.py", "migrate", "--no-input", "-v0"], env=env, timeout=300)
            out = run(
                [python, "manage.py", "capture", url, "--wait", "--format", "json"],
                env=env,
                timeout=300,
            )
        finally:
            server.shutdown()
        try:
            facts = json.loads(out)
        except ValueError:
            fail("manage.py capture did not print JSON", out)
        if facts.get("state") != "archived" or facts.get("text_status") != "ok":
            fail("the page was not archived with its text", json.dumps(facts, indent=2))
        show = (
            "from sources.models import Capture; "
            f"print(Capture.objects.get(pk={int(facts['capture'])}).text)"
        )
        text = run([python, "manage.py", "shell", "-c", show], env=env, timeout=120)
        if SENTENCE not in text:
            fail("the archived text lacks the page's sentence", text)
    print(
        f"runtime venv check passed: requirements.txt alone captured {url} with its text "
        f"({time.monotonic() - started:.0f} s)"
    )


class QuietHandler(http.server.SimpleHTTPRequestHandler):
    def log_message(self, format: str, *args: object) -> None:
        pass


if __name__ == "__main__":
    main()
