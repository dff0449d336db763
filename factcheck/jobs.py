"""Jobs kept in the database (captures, webhook deliveries): claim, backoff and stale sweeps.

As Perma's capture jobs do: a worker takes a job with one conditional UPDATE (`... WHERE state
= 'queued'`), so of any number of workers racing for it exactly one wins; a failed attempt waits
an exponential backoff (a Retry-After may lengthen it, up to a cap); a periodic sweep finds jobs
that a lost broker message or a dead worker left behind by their age. Every time is the
database's clock (`Now()`), never a worker's, so workers with skewed clocks agree on who is
stale and what is due.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db.models import F, Manager, QuerySet
from django.db.models.expressions import CombinedExpression
from django.db.models.functions import Now


def claim(
    jobs: QuerySet[Any] | Manager[Any],
    pk: Any,
    *,
    ready: dict[str, Any],
    taken: dict[str, Any],
    started_field: str,
    attempts_field: str = "attempts",
) -> bool:
    """Take the job `pk` if it is still `ready` (field values), setting `taken`, counting an
    attempt and stamping `started_field` with the database's time. True for the one winner."""
    return bool(
        jobs.filter(pk=pk, **ready).update(
            **taken, **{attempts_field: F(attempts_field) + 1, started_field: Now()}
        )
    )


def backoff(
    attempt: int,
    *,
    base: float,
    cap: float,
    retry_after: float | None = None,
    retry_after_cap: float | None = None,
) -> float:
    """Seconds before attempt `attempt` + 1: base, 2 x base, 4 x base ... up to `cap`; a longer
    Retry-After (at most `retry_after_cap`, else `cap`) wins."""
    delay = min(base * 2 ** max(0, attempt - 1), cap)
    if retry_after is not None:
        delay = max(delay, min(retry_after, cap if retry_after_cap is None else retry_after_cap))
    return float(delay)


def after(seconds: float) -> CombinedExpression:
    """The database's time `seconds` from now (when a retry is due)."""
    return Now() + dt.timedelta(seconds=seconds)


def before(age: float | dt.timedelta) -> CombinedExpression:
    """The database's time `age` ago: a job started or queued before it is stale."""
    delta = age if isinstance(age, dt.timedelta) else dt.timedelta(seconds=age)
    return Now() - delta
