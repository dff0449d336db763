"""Every request a captured page makes, answered by the guarded fetcher and recorded in order.

The browser never opens a connection of its own: each request is intercepted (Playwright's
``context.route``), fetched by ``sources.fetcher.fetch`` (its address rules, size and time caps)
in a thread, and fulfilled with the bytes the fetcher returned, or aborted with the reason
recorded. What the page asked for and could not have (a refused address, a WebSocket, a popup,
a POST, anything past a budget) is a :class:`Refusal`; what it got is an :class:`Exchange`.
"""

from __future__ import annotations

import asyncio
import dataclasses
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from sources import fetcher

FetchFunction = Callable[[str, fetcher.FetchPolicy], fetcher.FetchResult]

# Headers that described the wire form of the body: the browser is handed the decoded bytes.
_WIRE_HEADERS = frozenset(
    {"content-encoding", "content-length", "transfer-encoding", "connection", "keep-alive"}
)


@dataclass(frozen=True)
class Budgets:
    """What one browser capture may spend (defaults like Perma's: 20 s, 60 s, 200 MB)."""

    load_seconds: float = 20.0
    capture_seconds: float = 60.0
    max_bytes: int = 200 * 1024 * 1024


@dataclass
class Exchange:
    """One request the fetcher answered: its result, and where a body was cut short, how."""

    sequence: int
    result: fetcher.FetchResult
    truncated: str | None = None


@dataclass(frozen=True)
class Refusal:
    url: str
    reason: str
    kind: str  # blocked, failed, budget, method, websocket, popup, download

    def as_dict(self) -> dict[str, str]:
        return {"url": self.url, "reason": self.reason, "kind": self.kind}


@dataclass
class Recorder:
    """The route handler of one capture, and what it saw."""

    fetch: FetchFunction
    policy: fetcher.FetchPolicy
    budgets: Budgets
    started: float = field(default_factory=time.monotonic)
    exchanges: list[Exchange] = field(default_factory=list)
    refused: list[Refusal] = field(default_factory=list)
    document_error: fetcher.FetchError | None = None
    budget_hit: str = ""
    bytes_received: int = 0
    main_page: Any = None
    closed: bool = False
    _sequence: int = 0
    _in_flight: int = 0
    _last_activity: float = field(default_factory=time.monotonic)
    # A redirect the fetcher followed is replayed to the browser as one 302 to the final URL,
    # whose request is then answered from here without fetching it twice.
    _followed: dict[str, fetcher.FetchResult] = field(default_factory=dict)

    # Budgets ---------------------------------------------------------------------------------

    def remaining_seconds(self) -> float:
        return self.budgets.capture_seconds - (time.monotonic() - self.started)

    def hit(self, which: str) -> None:
        """Name the first budget the capture ran into (the page says which)."""
        if not self.budget_hit:
            self.budget_hit = which

    def _limited_policy(self) -> fetcher.FetchPolicy:
        room = self.budgets.max_bytes - self.bytes_received
        return dataclasses.replace(
            self.policy,
            total_timeout=max(0.1, min(self.policy.total_timeout, self.remaining_seconds())),
            max_bytes=max(0, min(self.policy.max_bytes, room)),
        )

    def size_budget_sentence(self) -> str:
        size = self.budgets.max_bytes
        shown = f"{size / 2**20:g} MB" if size >= 2**20 else f"{size / 1024:.0f} KB"
        return f"the size budget ({shown} of responses) was reached"

    def time_budget_sentence(self) -> str:
        return f"the capture budget ({self.budgets.capture_seconds:g} s) ran out"

    # Idleness --------------------------------------------------------------------------------

    async def wait_until_idle(self, *, quiet: float, until: float) -> bool:
        """Wait until no request has been in flight for ``quiet`` seconds; False at ``until``
        (a monotonic time) if the page never went quiet."""
        while time.monotonic() < until:
            if self._in_flight == 0 and time.monotonic() - self._last_activity >= quiet:
                return True
            await asyncio.sleep(0.05)
        return False

    # Recording -------------------------------------------------------------------------------

    def refuse(self, url: str, reason: str, kind: str) -> None:
        if not self.closed:
            self.refused.append(Refusal(url[:2000], reason[:500], kind))

    def _next_sequence(self) -> int:
        self._sequence += 1
        return self._sequence

    def ordered_exchanges(self) -> list[Exchange]:
        return sorted(self.exchanges, key=lambda exchange: exchange.sequence)

    @property
    def document(self) -> Exchange | None:
        """The page's own document: the first exchange made (the navigation)."""
        ordered = self.ordered_exchanges()
        return ordered[0] if ordered else None

    # Handlers (run on the browser's event loop) ----------------------------------------------

    def _from_main_page(self, request: Any) -> bool:
        try:
            return request.frame.page == self.main_page
        except Exception:  # noqa: BLE001 - a worker or a closed frame: not the captured page
            return False

    async def on_route(self, route: Any) -> None:
        request = route.request
        url = request.url
        try:
            refusal = self._refusal_before_fetch(request, url)
            if refusal is not None:
                self.refuse(url, *refusal)
                await route.abort("blockedbyclient")
                return
            followed = self._followed.pop(url, None)
            if followed is not None:
                await self._fulfil(route, followed)
                return
            await self._fetch_and_fulfil(route, url, request.is_navigation_request())
        except Exception:  # noqa: BLE001 - the context closed under a request: nothing to answer
            return

    def _refusal_before_fetch(self, request: Any, url: str) -> tuple[str, str] | None:
        if self.closed:
            return ("the capture had ended", "budget")
        if not self._from_main_page(request):
            return ("requests from popups and workers are refused", "popup")
        if request.method != "GET":
            return (f"only GET requests are archived; {request.method} refused", "method")
        if self.remaining_seconds() <= 0:
            self.hit(self.time_budget_sentence())
            return (self.time_budget_sentence(), "budget")
        if self.bytes_received >= self.budgets.max_bytes:
            self.hit(self.size_budget_sentence())
            return (self.size_budget_sentence(), "budget")
        return None

    async def _fetch_and_fulfil(self, route: Any, url: str, navigation: bool) -> None:
        sequence = self._next_sequence()
        policy = self._limited_policy()
        first = sequence == 1
        self._in_flight += 1
        self._last_activity = time.monotonic()
        try:
            result, truncated, problem = await asyncio.to_thread(self._fetch, url, policy)
        finally:
            self._in_flight -= 1
            self._last_activity = time.monotonic()
        if self.closed:
            return
        if result is None:
            assert problem is not None
            if first:
                self.document_error = problem
            self._record_problem(url, problem, policy)
            blocked = isinstance(problem, fetcher.Blocked)
            await route.abort("blockedbyclient" if blocked else "failed")
            return
        if self.bytes_received + len(result.body) > self.budgets.max_bytes and not first:
            # Fetched side by side with others that used the room first: over the budget.
            self.hit(self.size_budget_sentence())
            self.refuse(url, self.size_budget_sentence(), "budget")
            await route.abort("blockedbyclient")
            return
        self.bytes_received += len(result.body)
        self.exchanges.append(Exchange(sequence, result, truncated))
        if problem is not None:  # a body cut short: what arrived is kept and handed over
            self.refuse(url, f"incomplete: {problem.reason}", "failed")
        if result.final_url != url and result.redirect_chain:
            self._followed[result.final_url] = result
            await route.fulfill(status=302, headers={"Location": result.final_url}, body=b"")
            return
        await self._fulfil(route, result)

    def _fetch(
        self, url: str, policy: fetcher.FetchPolicy
    ) -> tuple[fetcher.FetchResult | None, str | None, fetcher.FetchError | None]:
        """Runs in a thread: the fetcher blocks. Never raises: a failure is returned."""
        try:
            return self.fetch(url, policy), None, None
        except (fetcher.TruncatedBody, fetcher.MalformedBody) as exc:
            if exc.partial is not None and exc.partial.body:
                return exc.partial, exc.warc_truncated, exc
            return None, None, exc
        except fetcher.FetchError as exc:
            return None, None, exc
        except Exception as exc:  # noqa: BLE001 - recorded as this request's failure, by name
            return None, None, fetcher.FetchError(f"{type(exc).__name__}: {exc}", url=url)

    def _record_problem(
        self, url: str, problem: fetcher.FetchError, policy: fetcher.FetchPolicy
    ) -> None:
        if isinstance(problem, fetcher.Blocked):
            self.refuse(url, problem.reason, "blocked")
            return
        if policy.max_bytes < self.policy.max_bytes and "limit" in problem.reason:
            # Too large for what is left of the size budget (not for the fetcher's own cap).
            self.hit(self.size_budget_sentence())
            self.refuse(url, f"{problem.reason} ({self.size_budget_sentence()})", "budget")
            return
        if policy.total_timeout < self.policy.total_timeout and self.remaining_seconds() <= 0.5:
            self.hit(self.time_budget_sentence())
            self.refuse(url, f"{problem.reason} ({self.time_budget_sentence()})", "budget")
            return
        self.refuse(url, problem.reason, "failed")

    async def _fulfil(self, route: Any, result: fetcher.FetchResult) -> None:
        headers: dict[str, str] = {}
        for name, value in result.headers:
            key = name.lower()
            if key in _WIRE_HEADERS:
                continue
            headers[key] = f"{headers[key]}\n{value}" if key in headers else value
        await route.fulfill(status=result.status, headers=headers, body=result.decoded_body)

    async def on_websocket(self, websocket: Any) -> None:
        """Refused: a WebSocket is a live channel, not a document (and the fetcher speaks HTTP)."""
        self.refuse(websocket.url, "WebSockets are refused in captures", "websocket")
        try:
            await websocket.close(code=1008, reason="refused by the archive")
        except Exception:  # noqa: BLE001 - already gone
            return

    async def on_page(self, page: Any) -> None:
        """A popup (window.open, target=_blank): refused and closed before it loads anything."""
        if page == self.main_page:
            return
        url = page.url or "about:blank"
        if not url.startswith("chrome-error:") and all(r.url != url for r in self.refused):
            self.refuse(url, "popups are refused in captures", "popup")
        try:
            await page.close()
        except Exception:  # noqa: BLE001 - already gone
            return

    async def on_download(self, download: Any) -> None:
        self.refuse(download.url, "downloads are refused in captures", "download")
        try:
            await download.cancel()
        except Exception:  # noqa: BLE001 - already gone
            return
