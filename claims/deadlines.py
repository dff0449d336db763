"""Deadlines and priority of claims: the priority scale of settings.CLAIM_PRIORITIES, what counts
as overdue or due today (in the desk's time zone), and the queue's and the API's due filters.

A claim's priority is a position on the scale (1 = least urgent, 0 = no priority), so "most
urgent first" is one indexed descending sort; the API names a priority by its slug ("high").
Only open claims are overdue: a published or dismissed claim has nothing left to be late for.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.db.models import Q, QuerySet
from django.utils import timezone
from django.utils.text import slugify

from claims.models import ClaimState

NO_PRIORITY = 0
CLOSED_STATES = frozenset({ClaimState.PUBLISHED, ClaimState.DISMISSED})

# The queue's and the API's `due` filter: name -> label.
DUE_FILTERS = {
    "overdue": "Overdue",
    "today": "Due today",
    "week": "Due in the next 7 days",
    "set": "With a due date",
    "none": "No due date",
}


def priority_labels() -> list[str]:
    return list(settings.CLAIM_PRIORITIES)


def priority_choices(*, none_label: str = "No priority") -> list[tuple[int, str]]:
    """(value, label), most urgent first, then "no priority"."""
    ranked = [(n, label) for n, label in enumerate(priority_labels(), 1)]
    return [*reversed(ranked), (NO_PRIORITY, none_label)]


def priority_label(value: int) -> str:
    labels = priority_labels()
    if value == NO_PRIORITY:
        return ""
    if 1 <= value <= len(labels):
        return labels[value - 1]
    # The scale was shortened after the claim was given this priority: say so, do not hide it.
    return f"priority {value} (no longer on the scale)"


def priority_slug(value: int) -> str | None:
    labels = priority_labels()
    if 1 <= value <= len(labels):
        return slugify(labels[value - 1])
    return None


def priority_from_slug(slug: str) -> int | None:
    """The value of a priority slug ("none" is 0), or None when it names no priority."""
    if slug == "none":
        return NO_PRIORITY
    for n, label in enumerate(priority_labels(), 1):
        if slugify(label) == slug:
            return n
    return None


def priority_slugs() -> list[str]:
    return [slugify(label) for label in reversed(priority_labels())] + ["none"]


def today() -> dt.date:
    """Today in the desk's time zone (settings.TIME_ZONE): a deadline is a day on the desk."""
    return timezone.localdate()


def due_status(due_date: dt.date | None, state: str, on: dt.date | None = None) -> str:
    """ "overdue", "today" or "" for a claim due on `due_date` in `state`."""
    if due_date is None or state in CLOSED_STATES:
        return ""
    on = on or today()
    if due_date < on:
        return "overdue"
    return "today" if due_date == on else ""


def filter_due(claims: QuerySet[Any], due: str, on: dt.date | None = None) -> QuerySet[Any]:
    """Narrow claims by one of DUE_FILTERS (an unknown name narrows nothing)."""
    on = on or today()
    is_open = ~Q(state__in=CLOSED_STATES)
    if due == "overdue":
        return claims.filter(is_open, due_date__lt=on)
    if due == "today":
        return claims.filter(is_open, due_date=on)
    if due == "week":
        return claims.filter(is_open, due_date__gte=on, due_date__lte=on + dt.timedelta(days=6))
    if due == "set":
        return claims.filter(due_date__isnull=False)
    if due == "none":
        return claims.filter(due_date__isnull=True)
    return claims


@dataclass(frozen=True)
class Schedule:
    """A claim's due date and priority as every list shows them (claims/_schedule.html)."""

    status: str  # "overdue", "today" or ""
    due_text: str  # "due 4 Mar 2026", or ""
    priority: int
    priority_label: str

    @property
    def empty(self) -> bool:
        return not self.due_text and not self.priority_label


def schedule_of(
    due_date: dt.date | None, priority: int, state: str, on: dt.date | None = None
) -> Schedule:
    status = due_status(due_date, state, on)
    due_text = ""
    if due_date is not None:
        words = {"overdue": "overdue since", "today": "due today,"}.get(status, "due")
        due_text = f"{words} {due_date:%-d %b %Y}"
    return Schedule(status, due_text, priority, priority_label(priority))
