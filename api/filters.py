"""FilterSets of the list endpoints (claims: claims.filters.ClaimFilter, the queue page's too);
unknown query parameters are refused, not ignored."""

from __future__ import annotations

from typing import Any

import django_filters as filters
from django.db.models import QuerySet
from rest_framework.exceptions import ValidationError

from claims.filters import ClaimFilter, IdFilter
from sources.models import Capture, CaptureState, Source, SourceKind

__all__ = ["LIST_PARAMETERS", "CaptureFilter", "ClaimFilter", "SourceFilter", "apply_filters"]

# What every list accepts besides its filters.
LIST_PARAMETERS = frozenset({"cursor", "page_size", "ordering"})


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
