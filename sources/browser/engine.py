"""Chromium (Debian's, driven by Playwright) loading one page for a capture.

Why it looks like this:

* One Chromium per worker process, started on first use and kept, driven from a thread of its
  own that runs an asyncio loop. Each capture gets a fresh context (no cookies, cache, storage
  or permissions shared with any other capture) that is closed when it ends. The async API lets
  one browser serve several captures at once (a threads pool) and fetch a page's subresources
  side by side (each fetch runs in a thread, since the fetcher blocks).
* Every request goes through the fetcher (sources/browser/interception.py). Defence in depth
  for a request that escapes interception: Chromium starts with a proxy that is a dead port,
  loopback no longer exempt from it, a host-resolver rule that resolves nothing, WebRTC held to
  the (dead) proxy; service workers are blocked, WebSockets, downloads and popups refused.
* The page is loaded (``load`` within the load budget), scrolled to its end (lazy content),
  waited on until the network is quiet within the capture budget, then screenshotted (full page,
  PNG) and its rendered DOM taken. A budget that runs out makes the capture partial, not failed:
  what arrived is kept.
"""

from __future__ import annotations

import asyncio
import contextlib
import os
import threading
import time
from dataclasses import dataclass, field
from datetime import UTC, datetime
from importlib.metadata import version
from typing import Any

from sources import fetcher
from sources.browser.interception import Budgets, Exchange, FetchFunction, Recorder, Refusal

VIEWPORT = {"width": 1280, "height": 900}
QUIET_SECONDS = 0.5  # no request in flight this long: the network is idle
SCROLL_STEPS = 40  # at most this many screens scrolled to reach the end of the page
# Time kept back from the capture budget for the screenshot and the DOM.
RESERVE_SECONDS = 5.0
MAX_SCREENSHOT_HEIGHT = 20_000  # px; taller pages are cut there (and the provenance says so)

CHROMIUM_ARGS = [
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--disable-dev-shm-usage",
    "--disable-features=DnsOverHttps,NetworkPrediction",
    # Defence in depth: nothing the page asks for leaves the browser except through route().
    "--proxy-server=127.0.0.1:9",
    "--proxy-bypass-list=<-loopback>",
    "--host-resolver-rules=MAP * ~NOTFOUND",
    "--force-webrtc-ip-handling-policy=disable_non_proxied_udp",
    "--webrtc-ip-handling-policy=disable_non_proxied_udp",
]


def chromium_args() -> list[str]:
    # Chromium's sandbox cannot start as root (as in this development container); a worker that
    # runs as an ordinary user (the compose file's) keeps it.
    return CHROMIUM_ARGS + (["--no-sandbox"] if os.geteuid() == 0 else [])


@dataclass
class PageCapture:
    """What one browser capture brought back."""

    url: str
    started_at: datetime
    ended_at: datetime | None = None
    final_url: str = ""
    exchanges: list[Exchange] = field(default_factory=list)
    refused: list[Refusal] = field(default_factory=list)
    document_error: fetcher.FetchError | None = None
    screenshot: bytes = b""
    screenshot_cut: bool = False
    dom: str = ""
    budget_hit: str = ""
    problems: list[str] = field(default_factory=list)  # anything else that did not work
    chromium_version: str = ""
    playwright_version: str = ""
    args: list[str] = field(default_factory=list)
    bytes_received: int = 0
    elapsed_ms: int = 0

    @property
    def document(self) -> Exchange | None:
        return self.exchanges[0] if self.exchanges else None


class BrowserUnavailable(Exception):
    """Chromium could not be started (not installed, or it crashed at launch)."""


class _BrowserHost:
    """This process's Chromium and the event loop thread that drives it."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._pid = 0
        self._loop: asyncio.AbstractEventLoop | None = None
        self._playwright: Any = None
        self._browser: Any = None
        self._launching: asyncio.Lock | None = None

    def _event_loop(self) -> asyncio.AbstractEventLoop:
        with self._lock:
            if self._loop is None or self._pid != os.getpid():  # new, or forked from a parent
                loop = asyncio.new_event_loop()
                threading.Thread(target=loop.run_forever, name="browser", daemon=True).start()
                self._loop, self._pid = loop, os.getpid()
                self._playwright = self._browser = self._launching = None
            return self._loop

    def run(self, coroutine: Any, timeout: float) -> Any:
        future = asyncio.run_coroutine_threadsafe(coroutine, self._event_loop())
        try:
            return future.result(timeout)
        except TimeoutError:
            future.cancel()
            raise

    async def browser(self, executable: str) -> Any:
        if self._launching is None:
            self._launching = asyncio.Lock()
        async with self._launching:
            if self._browser is not None and self._browser.is_connected():
                return self._browser
            if not os.path.exists(executable):
                raise BrowserUnavailable(f"Chromium is not installed at {executable}")
            from playwright.async_api import async_playwright

            try:
                if self._playwright is None:
                    self._playwright = await async_playwright().start()
                self._browser = await self._playwright.chromium.launch(
                    executable_path=executable, args=chromium_args(), timeout=30_000
                )
            except Exception as exc:  # noqa: BLE001 - said on the capture, by name
                raise BrowserUnavailable(f"Chromium did not start: {exc}") from exc
            return self._browser

    def shutdown(self) -> None:
        if self._loop is None or self._pid != os.getpid():
            return

        async def close() -> None:
            if self._browser is not None:
                await self._browser.close()
            if self._playwright is not None:
                await self._playwright.stop()

        with contextlib.suppress(Exception):  # the process is ending anyway
            self.run(close(), timeout=10)
        self._browser = self._playwright = None


_host = _BrowserHost()


def capture_page(
    url: str,
    *,
    policy: fetcher.FetchPolicy,
    budgets: Budgets,
    fetch: FetchFunction = fetcher.fetch,
    executable: str = "/usr/bin/chromium",
) -> PageCapture:
    """Load ``url`` in a fresh context of this process's Chromium; every request via ``fetch``.

    Raises BrowserUnavailable when Chromium cannot start; every other problem is on the result.
    """
    return _host.run(
        _capture(url, policy, budgets, fetch, executable),
        timeout=budgets.capture_seconds + RESERVE_SECONDS + 40,
    )


def shutdown() -> None:
    """Close this process's Chromium (a worker shutting down)."""
    _host.shutdown()


async def _capture(
    url: str,
    policy: fetcher.FetchPolicy,
    budgets: Budgets,
    fetch: FetchFunction,
    executable: str,
) -> PageCapture:
    browser = await _host.browser(executable)
    page_capture = PageCapture(
        url=url,
        started_at=datetime.now(UTC),
        chromium_version=browser.version,
        playwright_version=version("playwright"),
        args=chromium_args(),
    )
    recorder = Recorder(fetch=fetch, policy=policy, budgets=budgets)
    context = await browser.new_context(
        viewport=VIEWPORT, service_workers="block", accept_downloads=False
    )
    try:
        await _drive(context, recorder, page_capture, url)
    finally:
        recorder.closed = True
        try:
            await context.close()
        except Exception as exc:  # noqa: BLE001 - the browser went away; the capture says so
            page_capture.problems.append(f"the browser context did not close: {exc}")
    page_capture.exchanges = recorder.ordered_exchanges()
    page_capture.refused = list(recorder.refused)
    page_capture.document_error = recorder.document_error
    page_capture.budget_hit = recorder.budget_hit
    page_capture.bytes_received = recorder.bytes_received
    page_capture.ended_at = datetime.now(UTC)
    page_capture.elapsed_ms = int((time.monotonic() - recorder.started) * 1000)
    return page_capture


async def _drive(context: Any, recorder: Recorder, result: PageCapture, url: str) -> None:
    await context.route("**/*", recorder.on_route)
    await context.route_web_socket("**/*", recorder.on_websocket)
    page = await context.new_page()
    recorder.main_page = page
    page.on("popup", recorder.on_page)
    page.on("download", recorder.on_download)
    deadline = recorder.started + recorder.budgets.capture_seconds - RESERVE_SECONDS
    load_ms = recorder.budgets.load_seconds * 1000
    try:
        await page.goto(url, wait_until="load", timeout=load_ms)
    except Exception as exc:  # noqa: BLE001 - a timeout is a budget; the rest are recorded
        if recorder.document is None:
            if recorder.document_error is None:
                result.problems.append(f"the page did not load: {_first_line(exc)}")
            return
        if _is_timeout(exc):
            recorder.hit(
                f"the load budget ({recorder.budgets.load_seconds:g} s) ran out before the "
                "page finished loading"
            )
        else:
            result.problems.append(f"loading stopped: {_first_line(exc)}")
    await _scroll_to_end(page, deadline)
    if not await recorder.wait_until_idle(quiet=QUIET_SECONDS, until=deadline):
        recorder.hit(
            f"the page was still loading when the capture budget "
            f"({recorder.budgets.capture_seconds:g} s) ran out"
        )
    result.final_url = page.url
    await _snapshot(page, result)


async def _scroll_to_end(page: Any, deadline: float) -> None:
    """Scroll a screen at a time to the bottom (lazy images and text load), then back up."""
    script = """async (steps) => {
        const pause = (ms) => new Promise((done) => setTimeout(done, ms));
        const root = document.scrollingElement || document.documentElement;
        for (let i = 0; i < steps; i++) {
            const before = root.scrollTop;
            window.scrollBy(0, window.innerHeight);
            await pause(120);
            if (root.scrollTop === before) break;
        }
        await pause(120);
        window.scrollTo(0, 0);
    }"""
    room = deadline - time.monotonic()
    if room <= 0:
        return
    try:
        await asyncio.wait_for(page.evaluate(script, SCROLL_STEPS), timeout=room)
    except Exception:  # noqa: BLE001 - a page that blocks scrolling is captured as it stands
        return


async def _snapshot(page: Any, result: PageCapture) -> None:
    timeout_ms = RESERVE_SECONDS * 1000 + 10_000
    try:
        height = await page.evaluate(
            "() => Math.max(document.documentElement.scrollHeight, document.body ? "
            "document.body.scrollHeight : 0)"
        )
        if isinstance(height, int | float) and height > MAX_SCREENSHOT_HEIGHT:
            result.screenshot_cut = True
            clip = {"x": 0, "y": 0, "width": VIEWPORT["width"], "height": MAX_SCREENSHOT_HEIGHT}
            result.screenshot = await page.screenshot(
                type="png", full_page=True, clip=clip, timeout=timeout_ms
            )
        else:
            result.screenshot = await page.screenshot(
                type="png", full_page=True, timeout=timeout_ms
            )
    except Exception as exc:  # noqa: BLE001 - said on the capture
        result.problems.append(f"no screenshot: {_first_line(exc)}")
    try:
        result.dom = await page.content()
    except Exception as exc:  # noqa: BLE001 - said on the capture
        result.problems.append(f"no rendered page: {_first_line(exc)}")


def _is_timeout(exc: BaseException) -> bool:
    from playwright.async_api import TimeoutError as PlaywrightTimeout

    return isinstance(exc, PlaywrightTimeout)


def _first_line(exc: BaseException) -> str:
    return (str(exc).strip().splitlines() or [type(exc).__name__])[0][:300]
