"""The one ClaimFilter (django-filter): what the claim queue page and the API's claim list are
narrowed by. Blank means any; the API refuses an invalid value with a 400 naming it, the queue
drops it (an edited URL is not fatal). `assignee` is the desk's: for anyone else it is not a
filter at all (who works on a published claim is not public), and the API refuses it."""

from __future__ import annotations

from typing import Any

import django_filters as filters
from django import forms
from django.db.models import QuerySet

from claims import fulltext
from claims.deadlines import DUE_FILTERS, filter_due, priority_from_slug, priority_slugs
from claims.models import Claim, ClaimKind, ClaimState, RatingScale
from factcheck.roles import is_fact_checker


class IdFilter(filters.NumberFilter):
    """A row id: a whole number (not a decimal), so nothing odd reaches the database."""

    field_class = forms.IntegerField

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("min_value", 1)
        kwargs.setdefault("max_value", 2**63 - 1)
        super().__init__(*args, **kwargs)


DESK_ONLY_FILTERS = frozenset({"assignee"})


class ClaimFilter(filters.FilterSet):
    state = filters.ChoiceFilter(choices=ClaimState.choices, help_text="The claim's state.")
    rating = filters.ModelChoiceFilter(
        queryset=RatingScale.objects.all(),
        to_field_name="slug",
        help_text="Slug of the published rating (see /api/v1/rating-scale/), e.g. `false`.",
    )
    kind = filters.ChoiceFilter(choices=ClaimKind.choices, help_text="The claim's kind.")
    article = IdFilter(field_name="article_id", help_text="Id of the article the claim came from.")
    assignee = filters.CharFilter(
        method="filter_assignee",
        max_length=20,
        help_text="Desk only: `me`, `none` (nobody yet) or a user id.",
    )
    updated_since = filters.IsoDateTimeFilter(
        field_name="updated_at",
        lookup_expr="gte",
        help_text="Claims changed at or after this time (ISO 8601 with a timezone).",
    )
    published_since = filters.IsoDateTimeFilter(
        field_name="published_at",
        lookup_expr="gte",
        help_text="Claims first published at or after this time (ISO 8601 with a timezone).",
    )
    q = filters.CharFilter(
        method="search",
        max_length=200,
        help_text="Full-text search in the claim's statement (web-search syntax: words, "
        '"a phrase", -excluded).',
    )

    priority = filters.ChoiceFilter(
        choices=[(slug, slug) for slug in priority_slugs()],
        method="by_priority",
        help_text="A priority slug of the desk's scale (CLAIM_PRIORITIES), or `none`.",
    )
    due = filters.ChoiceFilter(
        choices=list(DUE_FILTERS.items()),
        method="by_due",
        help_text="`overdue` and `today` (open claims, the desk's time zone), `week` (due in "
        "the next 7 days), `set`, `none`.",
    )
    due_before = filters.DateFilter(
        field_name="due_date", lookup_expr="lte", help_text="Due on or before this day."
    )
    due_after = filters.DateFilter(
        field_name="due_date", lookup_expr="gte", help_text="Due on or after this day."
    )

    class Meta:
        model = Claim
        fields: list[str] = []

    def __init__(self, *args: Any, user: Any = None, desk: bool | None = None, **kwargs: Any):
        """`desk`: filter as the desk does (the desk-only filters too); by default, when `user`
        (or the request's) has a desk role. An operator's command passes desk=True."""
        super().__init__(*args, **kwargs)
        self.user = user if user is not None else getattr(self.request, "user", None)
        if not (is_fact_checker(self.user) if desk is None else desk):
            for name in DESK_ONLY_FILTERS:
                self.filters.pop(name, None)

    @classmethod
    def parameters_for(cls, user: Any) -> set[str]:
        """The query parameters this user may filter by."""
        names = set(cls.base_filters)
        return names if is_fact_checker(user) else names - DESK_ONLY_FILTERS

    def by_priority(self, queryset: QuerySet, name: str, value: str) -> QuerySet:
        return queryset.filter(priority=priority_from_slug(value) or 0)

    def by_due(self, queryset: QuerySet, name: str, value: str) -> QuerySet:
        return filter_due(queryset, value)

    def search(self, queryset: QuerySet, name: str, value: str) -> QuerySet:
        return fulltext.claims_matching(queryset, value)

    def filter_assignee(self, queryset: QuerySet, name: str, value: str) -> QuerySet:
        if value == "me":
            return queryset.filter(assignee_id=getattr(self.user, "pk", None))
        if value == "none":
            return queryset.filter(assignee__isnull=True)
        if value.isdigit():
            return queryset.filter(assignee_id=int(value))
        return queryset.none()
