"""Benchmark: the API's polled paths against /healthz under gunicorn (2 sync workers), with wrk.

Loads 100,000 claims into its own database (factcheck_bench_api, made and migrated if missing),
serves the app in production mode (DEBUG off) on 127.0.0.1, and measures requests per second of
/healthz, the claims list (anonymous, 50 rows), a claim's status (200 path) and the same status
with a matching If-None-Match (304 path), anonymous and with a consumer's token. Targets: list
>= 40 % and 304 path (both) >= 70 % of /healthz.

Then a mix: a desk process logs in, rates unpublished claims and archives a page behind no
published claim, over and over, while consumers (anonymous and a token) poll published claims'
status with the ETag they last got. None of that desk work changes what a consumer sees, so every
poll could be a 304; the figure is the share that is (target >= 95 %).

The endpoints are measured in turn, `--rounds` times over; each share of /healthz is taken
within its round (so a neighbour's load hits both sides alike) and the median is reported.

    .venv/bin/python bench/api.py [--seconds 5] [--connections 4] [--claims 100000] [--rounds 3]
"""

from __future__ import annotations

import argparse
import os
import re
import secrets
import shutil
import signal
import statistics
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PYTHON = sys.executable
# BENCH_API_DB / BENCH_API_REDIS: another database or Redis DB, for runs side by side.
DB_NAME = os.environ.get("BENCH_API_DB", "factcheck_bench_api")
DB_URL = f"postgres://postgres@127.0.0.1:5432/{DB_NAME}"
REDIS_URL = os.environ.get("BENCH_API_REDIS", "redis://127.0.0.1:6379/7")
TARGETS = {"claims list": 0.40, "status 304": 0.70}
MIX_TARGET = 0.95


def bench_env() -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if k not in ("DJANGO_ALLOW_ASYNC_UNSAFE",)}
    env.update(
        SECRET_KEY=secrets.token_urlsafe(64),
        DATABASE_URL=DB_URL,
        REDIS_URL=REDIS_URL,
        ALLOWED_HOSTS="127.0.0.1",
        SECURE_SSL_REDIRECT="0",
        API_THROTTLE_ANON="100000000/minute",
        API_THROTTLE_AUTHENTICATED="100000000/minute",
        ARCHIVE_ROOT=str(ROOT / "var" / "bench-api" / "archives"),
        STATIC_ROOT=str(ROOT / "var" / "bench-api" / "static"),
        LOG_LEVEL="WARNING",
        DJANGO_SETTINGS_MODULE="factcheck.settings",
    )
    return env


def ensure_database() -> None:
    import psycopg

    with psycopg.connect("postgresql://postgres@127.0.0.1:5432/postgres", autocommit=True) as c:
        if not c.execute("SELECT 1 FROM pg_database WHERE datname = %s", [DB_NAME]).fetchone():
            c.execute(f'CREATE DATABASE "{DB_NAME}"')


LOAD = r"""
import random, sys
import django
django.setup()
from django.db import connection
from django.utils import timezone
from claims.models import Article, Claim, RatingScale
wanted = int(sys.argv[1])
have = Claim.objects.count()
if have < wanted:
    article, _ = Article.objects.get_or_create(
        content_hash="b" * 64, defaults={"title": "Bench article", "publisher": "Bench"}
    )
    scales = list(RatingScale.objects.all())
    rng = random.Random(7)
    now = timezone.now()
    batch = []
    for i in range(have, wanted):
        published = rng.random() < 0.8
        batch.append(Claim(
            text=f"Exports of item {i} rose {rng.randint(1, 99)}% in {rng.randint(2000, 2024)}.",
            kind="percentage", value=rng.randint(1, 99), qualifier="exact", unit="percent",
            state="published" if published else "researching",
            published_at=now if published else None,
            rating=rng.choice(scales) if published else None,
            article=article if i % 3 == 0 else None,
            claimant="The ministry",
        ))
        if len(batch) == 5000:
            Claim.objects.bulk_create(batch)
            batch = []
    Claim.objects.bulk_create(batch)
with connection.cursor() as cursor:
    cursor.execute("ANALYZE")
from django.contrib.auth import get_user_model
from api.services import api_token_create
consumer, _ = get_user_model().objects.get_or_create(username="bench-consumer")
_, token = api_token_create(owner=consumer, name="bench", system_actor="bench")
latest = Claim.objects.filter(state="published").order_by("-updated_at")
print(latest.values_list("pk", flat=True).first(), token)
"""


# The desk's side of the mix: logins, ratings of unpublished claims, captures of a page that
# backs no published claim (served by this process on 127.0.0.1). Prints what it did.
DESK = r"""
import itertools, sys, threading, time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
import django
django.setup()
from django.contrib.auth import get_user_model
from django.http import HttpRequest
from django.test import Client
from claims.models import Claim, RatingScale
from claims.services import rating_submit
from factcheck.services import user_create
from claims.evidence.services import source_link
from sources.services import capture_perform

class Page(BaseHTTPRequestHandler):
    def do_GET(self):
        body = b"<html><body><p>Grain exports through the river port rose in the autumn.</p>"
        self.send_response(200)
        self.send_header("Content-Type", "text/html")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)
    def log_message(self, *args):
        pass

server = ThreadingHTTPServer(("127.0.0.1", 0), Page)
threading.Thread(target=server.serve_forever, daemon=True).start()
users = get_user_model().objects
password = "bench-desk-passphrase-1"
for name, role in (("bench-editor", "editor"), ("bench-checker", "fact-checker")):
    if not users.filter(username=name).exists():
        user_create(username=name, role=role, password=password)
checker = users.get(username="bench-checker")
unpublished = list(Claim.objects.filter(state="researching").values_list("pk", flat=True)[:50])
scales = list(RatingScale.objects.filter(active=True))
deadline = time.monotonic() + float(sys.argv[1])
done = {"logins": 0, "ratings": 0, "captures": 0}
for n in itertools.count():
    if time.monotonic() > deadline:
        break
    Client().login(request=HttpRequest(), username="bench-editor", password=password)
    done["logins"] += 1
    claim = Claim.objects.get(pk=unpublished[n % len(unpublished)])
    rating_submit(actor=checker, claim=claim, scale=scales[n % len(scales)],
                  rationale=f"Bench rationale {n}: the ministry's series says otherwise.")
    done["ratings"] += 1
    url = f"http://127.0.0.1:{server.server_address[1]}/report-{n}"
    evidence = source_link(actor=checker, claim=claim, url=url)
    capture_perform(capture_id=evidence.source.captures.latest("pk").pk)
    done["captures"] += 1
    time.sleep(0.2)
print(done["logins"], done["ratings"], done["captures"])
"""


def prepare(env: dict[str, str], claims: int) -> tuple[int, str]:
    ensure_database()
    subprocess.run(
        [PYTHON, "manage.py", "migrate", "--no-input", "-v0"], cwd=ROOT, env=env, check=True
    )
    subprocess.run(
        [PYTHON, "manage.py", "collectstatic", "--no-input", "-v0"], cwd=ROOT, env=env, check=True
    )
    out = subprocess.run(
        [PYTHON, "-c", LOAD, str(claims)], cwd=ROOT, env=env, check=True, capture_output=True
    )
    claim_id, token = out.stdout.decode().strip().splitlines()[-1].split()
    return int(claim_id), token


def free_port() -> int:
    import socket

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def wait_ready(base: str, process: subprocess.Popen) -> None:
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise SystemExit("gunicorn exited early")
        try:
            with urllib.request.urlopen(base + "/healthz", timeout=2) as r:
                if r.status == 200:
                    return
        except OSError:
            time.sleep(0.2)
    raise SystemExit("gunicorn did not answer /healthz within 30 s")


def etag_of(url: str, headers: list[str]) -> str:
    """The ETag of a 200, after checking that sending it back is answered with a 304."""
    fields = dict(header.split(": ", 1) for header in headers)
    with urllib.request.urlopen(urllib.request.Request(url, headers=fields)) as response:
        etag = response.headers["ETag"]
    try:
        urllib.request.urlopen(
            urllib.request.Request(url, headers={**fields, "If-None-Match": etag})
        )
    except urllib.error.HTTPError as answer:
        if answer.code == 304:
            return etag
        raise
    raise SystemExit(f"{url} does not answer its own ETag with a 304")


def wrk(url: str, seconds: int, connections: int, headers: list[str]) -> tuple[float, str]:
    cmd = ["wrk", "-t", "2", "-c", str(connections), "-d", f"{seconds}s", "--latency"]
    for header in headers:
        cmd += ["-H", header]
    out = subprocess.run(cmd + [url], capture_output=True, text=True, check=True).stdout
    rate = float(re.search(r"Requests/sec:\s+([\d.]+)", out).group(1))
    errors = re.search(r"Non-2xx or 3xx responses: (\d+)", out)
    return rate, (f"{errors.group(1)} non-2xx/3xx" if errors else "")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=int, default=5)
    parser.add_argument("--connections", type=int, default=4)
    parser.add_argument("--claims", type=int, default=100_000)
    parser.add_argument("--rounds", type=int, default=3, help="measure every endpoint this often")
    parser.add_argument("--mix-seconds", type=int, default=30, help="length of the mix")
    args = parser.parse_args()
    if not shutil.which("wrk"):
        raise SystemExit("wrk is not installed (apt-get install wrk)")

    # bench/ holds modules named like the standard library's (queue.py): keep it off the path.
    sys.path[:] = [p for p in sys.path if Path(p or ".").resolve() != Path(__file__).parent]
    env = bench_env()
    started = time.monotonic()
    claim_id, token = prepare(env, args.claims)
    print(f"database ready: {args.claims:,} claims ({time.monotonic() - started:.0f} s)")

    port = free_port()
    base = f"http://127.0.0.1:{port}"
    gunicorn = subprocess.Popen(
        [PYTHON, "-m", "gunicorn", "factcheck.wsgi:application", "--workers", "2",
         "--bind", f"127.0.0.1:{port}", "--log-level", "warning"],
        cwd=ROOT, env=env, start_new_session=True,
    )  # fmt: skip
    try:
        wait_ready(base, gunicorn)
        status_url = f"{base}/api/v1/claims/{claim_id}/status/"
        bearer = f"Authorization: Bearer {token}"
        etag, token_etag = (etag_of(status_url, headers) for headers in ([], [bearer]))
        with urllib.request.urlopen(f"{base}/api/v1/claims/") as response:
            rows = response.read().count(b'"public_url"')
        runs = [
            ("healthz", f"{base}/healthz", []),
            (f"claims list ({rows} rows)", f"{base}/api/v1/claims/", []),
            ("status 200", status_url, []),
            ("status 304", status_url, [f"If-None-Match: {etag}"]),
            ("status 304 (token)", status_url, [bearer, f"If-None-Match: {token_etag}"]),
        ]
        for _, url, headers in runs:
            wrk(url, 1, args.connections, headers)  # warm the workers' connections
        mix = mixed_polls(env, base, token, args.mix_seconds)
        rounds = []
        for n in range(args.rounds):
            rates = [wrk(url, args.seconds, args.connections, headers) for _, url, headers in runs]
            rounds.append(rates)
            figures = ", ".join(
                f"{name} {rate:.0f}" for (name, _, _), (rate, _) in zip(runs, rates, strict=True)
            )
            print(f"round {n + 1}: {figures}")
    finally:
        os.killpg(gunicorn.pid, signal.SIGTERM)
        gunicorn.wait(timeout=15)

    print(
        f"\ngunicorn 2 sync workers, DEBUG off, wrk -t2 -c{args.connections} -d{args.seconds}s, "
        f"median of {args.rounds} round(s)"
    )
    print(f"{'endpoint':<24}{'req/s':>10}{'% of healthz':>15}  target")
    ok = True
    for i, (name, _, _) in enumerate(runs):
        rate = statistics.median(rates[i][0] for rates in rounds)
        share = statistics.median(rates[i][0] / rates[0][0] for rates in rounds)
        note = next((rates[i][1] for rates in rounds if rates[i][1]), "")
        key = next((k for k in TARGETS if name.startswith(k)), None)
        target = f">= {TARGETS[key]:.0%}" if key else ""
        if key and share < TARGETS[key]:
            ok = False
            target += "  MISSED"
        print(f"{name:<24}{rate:>10.0f}{share:>15.0%}  {target} {note}".rstrip())
    polls, not_modified, desk = mix
    share = not_modified / polls if polls else 0.0
    ok = ok and share >= MIX_TARGET
    print(
        f"\nmix over {args.mix_seconds} s: desk did {desk}; consumers polled {polls} times, "
        f"{not_modified} answered 304 ({share:.1%}, target >= {MIX_TARGET:.0%})"
        + ("" if share >= MIX_TARGET else "  MISSED")
    )
    return 0 if ok else 1


def mixed_polls(env: dict[str, str], base: str, token: str, seconds: int) -> tuple[int, int, str]:
    """Consumers poll published claims while the desk works; (polls, 304s, what the desk did)."""
    import psycopg

    with psycopg.connect(DB_URL.replace("postgres://", "postgresql://")) as c:
        ids = [row[0] for row in c.execute(
            "SELECT id FROM claims_claim WHERE state = 'published' ORDER BY id DESC LIMIT 20"
        )]  # fmt: skip
    callers = [{}, {"Authorization": f"Bearer {token}"}]
    held = {(i, n): "" for i in ids for n in range(len(callers))}
    desk = subprocess.Popen(
        [PYTHON, "-c", DESK, str(seconds)],
        cwd=ROOT,
        # Development mode, the only one that may fetch from 127.0.0.1: same database and Redis.
        env={
            **{k: v for k, v in env.items() if k != "SECRET_KEY"},
            "FACTCHECK_ENV": "development",
            "FETCH_ALLOW_PRIVATE": "1",
        },
        stdout=subprocess.PIPE,
        text=True,
    )
    for (claim_id, n), _ in list(held.items()):  # the ETags consumers hold when the desk starts
        held[claim_id, n] = _poll(base, claim_id, callers[n], "")[1]
    polls = not_modified = 0
    while desk.poll() is None:
        for (claim_id, n), etag in list(held.items()):
            status, new = _poll(base, claim_id, callers[n], etag)
            polls += 1
            not_modified += status == 304
            held[claim_id, n] = new or etag
            time.sleep(0.01)
    out, _ = desk.communicate()
    logins, ratings, captures = (out.strip().splitlines() or ["? ? ?"])[-1].split()
    return polls, not_modified, f"{logins} logins, {ratings} ratings, {captures} captures"


def _poll(base: str, claim_id: int, headers: dict[str, str], etag: str) -> tuple[int, str]:
    fields = {**headers, **({"If-None-Match": etag} if etag else {})}
    request = urllib.request.Request(f"{base}/api/v1/claims/{claim_id}/status/", headers=fields)
    try:
        with urllib.request.urlopen(request, timeout=10) as response:
            return response.status, response.headers["ETag"]
    except urllib.error.HTTPError as answer:
        if answer.code == 304:
            return 304, etag
        raise


if __name__ == "__main__":
    sys.exit(main())
