"""FilterSets of the list endpoints; unknown query parameters are refused, not ignored."""

from __future__ import annotations

from typing import Any

import django_filters as filters
from django import forms
from django.contrib.postgres.search import SearchQuery, SearchVector
from django.db import connection
from django.db.models import QuerySet
from rest_framework.exceptions import ValidationError

from claims.deadlines import DUE_FILTERS, filter_due, priority_from_slug, priority_slugs
from claims.models import Claim, ClaimKind, ClaimState, RatingScale
from sources.models import Capture, CaptureState, Source, SourceKind


class IdFilter(filters.NumberFilter):
    """A row id: a whole number (not a decimal), so nothing odd reaches the database."""

    field_class = forms.IntegerField

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("min_value", 1)
        kwargs.setdefault("max_value", 2**63 - 1)
        super().__init__(*args, **kwargs)


# What every list accepts besides its filters.
LIST_PARAMETERS = frozenset({"cursor", "page_size", "ordering"})
SEARCH_CONFIG = "english"


class ClaimFilter(filters.FilterSet):
    state = filters.ChoiceFilter(choices=ClaimState.choices, help_text="The claim's state.")
    rating = filters.ModelChoiceFilter(
        queryset=RatingScale.objects.all(),
        to_field_name="slug",
        help_text="Slug of the published rating (see /api/v1/rating-scale/), e.g. `false`.",
    )
    kind = filters.ChoiceFilter(choices=ClaimKind.choices, help_text="The claim's kind.")
    article = IdFilter(field_name="article_id", help_text="Id of the article the claim came from.")
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

    def by_priority(self, queryset: QuerySet, name: str, value: str) -> QuerySet:
        return queryset.filter(priority=priority_from_slug(value) or 0)

    def by_due(self, queryset: QuerySet, name: str, value: str) -> QuerySet:
        return filter_due(queryset, value)

    def search(self, queryset: QuerySet, name: str, value: str) -> QuerySet:
        value = value.strip()
        if not value:
            return queryset
        if connection.vendor == "postgresql":
            return queryset.alias(search_vector=SearchVector("text", config=SEARCH_CONFIG)).filter(
                search_vector=SearchQuery(value, config=SEARCH_CONFIG, search_type="websearch")
            )
        return queryset.filter(text__icontains=value)


class SourceFilter(filters.FilterSet):
    kind = filters.ChoiceFilter(choices=SourceKind.choices, help_text="The source's kind.")
    domain = filters.CharFilter(
        field_name="domain", max_length=255, help_text="Host name, e.g. `www.customs.gov.kh`."
    )

    class Meta:
        model = Source
        fields: list[str] = []


class CaptureFilter(filters.FilterSet):
    source = IdFilter(field_name="source_id", help_text="Id of the captured source.")
    state = filters.ChoiceFilter(choices=CaptureState.choices, help_text="The capture's state.")

    class Meta:
        model = Capture
        fields: list[str] = []


def reject_unknown_parameters(request: Any, allowed: frozenset[str] | set[str]) -> None:
    unknown = sorted(set(request.query_params) - set(allowed))
    if unknown:
        raise ValidationError(
            {
                name: [f"unknown query parameter; this list accepts: {', '.join(sorted(allowed))}"]
                for name in unknown
            }
        )
    repeated = sorted(k for k in request.query_params if len(request.query_params.getlist(k)) > 1)
    if repeated:
        raise ValidationError({name: ["give this parameter once"] for name in repeated})


def apply_filters(filterset_class: type[filters.FilterSet], request: Any, queryset: QuerySet):
    """Filter `queryset` by the request's query; a bad value is a 400 naming the parameter."""
    filterset = filterset_class(request.query_params, queryset=queryset, request=request)
    if not filterset.is_valid():
        raise ValidationError(filterset.errors)
    return filterset.qs
