"""The queue's bulk actions and its downloads: the bulk form's POST, the page that reports what
was done and refused per claim, and the streamed export of any queue filter.

A bulk form with a mistake comes back as the queue itself, the same filter and ticks, with the
error beside the field; a bulk action that ran redirects to its report (kept in the session), so
reloading the report never acts twice.
"""

from __future__ import annotations

import uuid
from typing import Any

from django.contrib.auth import get_user_model
from django.http import (
    Http404,
    HttpRequest,
    HttpResponse,
    QueryDict,
)
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_GET

from claims import selectors
from claims.bulk import BULK_MAX_CLAIMS, bulk_apply
from claims.bulk_forms import bulk_form
from claims.export import FORMATS, export_response
from claims.views.queue import queue_filters, queue_page
from factcheck.errors import DomainError
from factcheck.pages import desk_required, post_only
from factcheck.submissions import once_per_submission

REPORT_KEY = "bulk-report-"
# Reports kept in a person's session (the oldest go first).
REPORTS_KEPT = 5


@desk_required
@require_GET
def queue_export(request: HttpRequest) -> HttpResponse:
    """GET /claims/export/?format=csv|jsonl&what=claims|verdicts&<the queue's filters>."""
    fmt = request.GET.get("format", "csv")
    what = request.GET.get("what", "claims")
    if fmt not in FORMATS or what not in ("claims", "verdicts"):
        return HttpResponse(
            "Choose format=csv or format=jsonl, and what=claims or what=verdicts.",
            status=400,
            content_type="text/plain; charset=utf-8",
        )
    claims = selectors.queue_claims(request.user, queue_filters(request.GET))
    return export_response(claims, request.user, fmt=fmt, what=what)


def _ticked(request: HttpRequest) -> tuple[list[int], bool]:
    """The ids of the ticked claims, and whether every value was an id."""
    ids, clean = [], True
    for raw in request.POST.getlist("claims"):
        if raw.isdigit() and len(raw) < 19:
            ids.append(int(raw))
        else:
            clean = False
    return ids, clean


def _back(
    request: HttpRequest, query: QueryDict, form: Any, ticked: list[int], error: str = ""
) -> HttpResponse:
    if error:
        form.add_error(None, error)
    return queue_page(request, query, bulk=form, selected=frozenset(ticked), status=400)


@desk_required
@post_only(back=lambda: reverse("claims:queue"))
@once_per_submission
def queue_bulk(request: HttpRequest) -> HttpResponse:
    form = bulk_form(request.POST)
    ticked, clean = _ticked(request)
    query = QueryDict(request.POST.get("bulk-filter", ""))
    if not form.is_valid():
        return _back(request, query, form, ticked)
    if not clean:
        return _back(
            request, query, form, ticked, "A ticked claim was not a claim id; reload the queue."
        )
    data = form.cleaned_data
    if data["scope"] == "selected":
        if not ticked:
            return _back(
                request,
                query,
                form,
                ticked,
                "Tick the claims to act on, or choose every claim matching the filter.",
            )
        # The ticks are what the person chose, even if the filter no longer matches them; ids
        # that are no claim at all are reported by bulk_apply.
        claims = selectors.claims_visible_to(request.user).filter(pk__in=ticked)
        ids = sorted(set(ticked))
    else:
        claims = selectors.queue_claims(request.user, queue_filters(query))
        ids = list(claims.order_by("id").values_list("id", flat=True)[: BULK_MAX_CLAIMS + 1])
    if (fmt := form.export_format) is not None:
        return export_response(claims, request.user, fmt=fmt, what="claims")
    if not ids:
        return _back(request, query, form, ticked, "No claim matches this filter any more.")
    assignee = None
    if data.get("assignee") is not None:
        assignee = get_user_model().objects.filter(pk=data["assignee"]).first()
    try:
        report = bulk_apply(
            actor=request.user,
            claim_ids=ids,
            action=data["action"],
            assignee=assignee,
            priority=data.get("priority"),
            due_date=data.get("due_date"),
            reason=data.get("reason") or "",
        )
    except DomainError as exc:
        return _back(request, query, form, ticked, exc.message)
    key = uuid.uuid4().hex
    _keep_report(request, key, report, query.urlencode())
    return redirect("claims:bulk-report", key=key)


def _keep_report(request: HttpRequest, key: str, report: Any, filter_query: str) -> None:
    stored = sorted((v["at"], k) for k, v in request.session.items() if k.startswith(REPORT_KEY))
    for _at, old in stored[: max(0, len(stored) - REPORTS_KEPT + 1)]:
        del request.session[old]
    request.session[REPORT_KEY + key] = {
        "at": timezone.now().isoformat(),
        "action": report.action,
        "filter": filter_query,
        "outcomes": [[o.claim_id, o.text[:200], o.done, o.message] for o in report.outcomes],
    }


@desk_required
@require_GET
def bulk_report(request: HttpRequest, key: str) -> HttpResponse:
    stored = request.session.get(REPORT_KEY + key)
    if stored is None:
        raise Http404("This report is no longer kept; the claims' histories say what was done.")
    outcomes = [
        {"claim_id": pk, "text": text, "done": done, "message": message}
        for pk, text, done, message in stored["outcomes"]
    ]
    return render(
        request,
        "claims/bulk_report.html",
        {
            "action": stored["action"],
            "done": [o for o in outcomes if o["done"]],
            "refused": [o for o in outcomes if not o["done"]],
            "total": len(outcomes),
            "queue_link": reverse("claims:queue")
            + (f"?{stored['filter']}" if stored["filter"] else ""),
        },
    )
