"""Times as the desk reads them: in the desk's time zone (FACTCHECK_TIME_ZONE), with its label.

A template builtin (settings.TEMPLATES), so every template has ``|desk_time`` and ``|desk_day``.
"""

from __future__ import annotations

import datetime as dt

from django import template
from django.utils import timezone
from django.utils.dateformat import format as date_format
from django.utils.html import format_html

register = template.Library()


def zone_label(moment: dt.datetime) -> str:
    """The zone's abbreviation ("CET", "IST", "UTC"), or its offset where it has none
    ("UTC+07" where tzdata writes "+07")."""
    name = moment.tzname() or ""
    if not name or name[0] in "+-":
        offset = moment.utcoffset() or dt.timedelta(0)
        minutes = int(offset.total_seconds() // 60)
        sign = "+" if minutes >= 0 else "-"
        hours, rest = divmod(abs(minutes), 60)
        return f"UTC{sign}{hours:02d}" + (f":{rest:02d}" if rest else "")
    return name


@register.filter
def desk_time(value: dt.datetime | None, fmt: str = "j M Y H:i") -> str:
    """A ``<time>`` of the moment in the desk's zone with its label: "1 Dec 2026 16:42 UTC+07"."""
    if not isinstance(value, dt.datetime):
        return "" if value is None else str(value)
    local = timezone.localtime(value) if timezone.is_aware(value) else value
    label = zone_label(local) if timezone.is_aware(value) else ""
    return format_html(
        '<time datetime="{}" title="{}">{}</time>',
        local.isoformat(),
        timezone.get_current_timezone_name(),
        f"{date_format(local, fmt)} {label}".strip(),
    )


@register.filter
def desk_day(value: dt.datetime | None, fmt: str = "j M Y") -> str:
    """The day a stored moment falls on in the desk's zone (no time, so no label)."""
    if not isinstance(value, dt.datetime):
        return "" if value is None else str(value)
    return date_format(timezone.localtime(value) if timezone.is_aware(value) else value, fmt)
