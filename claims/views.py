"""Desk pages for claims."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render

from claims.models import Claim
from factcheck.roles import is_fact_checker
from sources.models import Relation
from sources.selectors import evidence_for_claim


@login_required
def claim_detail(request: HttpRequest, claim_id: int) -> HttpResponse:
    if not is_fact_checker(request.user):
        raise PermissionDenied("only fact-checkers and editors work on claims")
    claim = get_object_or_404(Claim.objects.select_related("article", "assignee"), pk=claim_id)
    evidence = list(evidence_for_claim(claim.pk))
    for item in evidence:
        item.latest_capture = next(iter(item.source.captures.all()), None)
    return render(
        request,
        "claims/claim_detail.html",
        {
            "claim": claim,
            "evidence": evidence,
            "relations": Relation.choices,
            "any_pending": any(e.latest_capture and e.latest_capture.is_pending for e in evidence),
        },
    )
