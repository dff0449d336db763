"""Keyset (cursor) pagination of the API's lists, on factcheck.keyset (the queue page's too).

The cursor is opaque to callers: base64 of [ordering, last value, last id]. A cursor that does not
decode, or that belongs to another ordering, is refused with a 400, as is a page size that is not
a whole number from 1 to API_MAX_PAGE_SIZE.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.db.models import QuerySet
from rest_framework.exceptions import ValidationError
from rest_framework.utils.urls import replace_query_param

from factcheck import keyset


@dataclass(frozen=True)
class Ordering:
    """A whitelisted ordering: one field then the id, both in one direction."""

    name: str  # as given in ?ordering=, e.g. "-updated_at"
    field: str  # the model field, e.g. "updated_at"
    kind: str = "datetime"  # "datetime", "date" or "int"
    # A field that may be NULL (a claim's due date): those rows come last in either direction.
    nullable: bool = False

    @property
    def descending(self) -> bool:
        return self.name.startswith("-")


def orderings(
    *names: str, kinds: dict[str, str] | None = None, nullable: frozenset[str] = frozenset()
) -> dict[str, Ordering]:
    kinds = kinds or {}
    out = {}
    for name in names:
        field = name.lstrip("-")
        kind = kinds.get(field, "int" if field == "id" else "datetime")
        out[name] = Ordering(name, field, kind, field in nullable)
    return out


def page_size(request: Any) -> int:
    raw = request.query_params.get("page_size")
    maximum = settings.API_MAX_PAGE_SIZE
    if raw is None:
        return settings.API_PAGE_SIZE
    if not raw.isdigit() or not 1 <= int(raw) <= maximum:
        raise ValidationError({"page_size": [f"a whole number from 1 to {maximum}"]})
    return int(raw)


def _encode(ordering: Ordering, value: Any, pk: int) -> str:
    return keyset.encode(ordering.name, value, pk)


def _decode(cursor: str, ordering: Ordering) -> tuple[Any, int]:
    bad = ValidationError({"cursor": ["not a cursor this list gave out"]})
    values = keyset.decode(cursor)
    if values is None or len(values) != 3:
        raise bad
    name, value, pk = values
    if name != ordering.name:
        raise ValidationError(
            {
                "cursor": [
                    f"this cursor belongs to ordering {name!r}; keep the ordering it came with"
                ]
            }
        )
    if not isinstance(pk, int) or isinstance(pk, bool):
        raise bad
    if value is None and ordering.nullable:
        return value, pk
    try:
        if ordering.kind == "datetime":
            value = dt.datetime.fromisoformat(value)
            if value.tzinfo is None:
                raise ValueError
        elif ordering.kind == "date":
            value = dt.date.fromisoformat(value)
        elif not isinstance(value, int) or isinstance(value, bool):
            raise ValueError
    except (TypeError, ValueError):
        raise bad from None
    return value, pk


def check_page_request(request: Any, ordering: Ordering) -> None:
    """Refuse a bad page size or cursor (400) before any answer, a 304 included: a request the
    schema refuses is refused whatever its validators say."""
    page_size(request)
    cursor = request.query_params.get("cursor")
    if cursor:
        _decode(cursor, ordering)


def paginate(
    request: Any,
    queryset: QuerySet,
    ordering: Ordering,
    *,
    id_field: str = "id",
    fields: tuple[str, ...] | None = None,
    value_key: str | None = None,
) -> tuple[list[Any], str | None]:
    """One page of `queryset` (as values() rows when `fields` is given) and the next link."""
    size = page_size(request)
    cursor = request.query_params.get("cursor")
    # Empty (`cursor=`) is the first page, as the schema's plain string allows.
    start = _decode(cursor, ordering) if cursor else None
    if fields is not None:
        queryset = queryset.values(*fields)
    rows, more = keyset.page(
        queryset,
        ordering.field,
        descending=ordering.descending,
        size=size,
        start=start,
        id_field=id_field,
        nulls_last=True if ordering.nullable else None,  # NULLs last in either direction
    )
    next_link = None
    if more:
        last = rows[-1]
        key = value_key or ordering.field
        if isinstance(last, dict):
            value, pk = last[key], last[id_field]
        else:
            value, pk = getattr(last, ordering.field), getattr(last, id_field.replace("__", "_"))
        next_link = replace_query_param(
            request.build_absolute_uri(), "cursor", _encode(ordering, value, pk)
        )
    return rows, next_link
