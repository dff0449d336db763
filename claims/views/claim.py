"""The claim page and its actions: each POST is one entry of the action table (claims.actions),
the one the API calls too, fed by that action's form (claims.views.claim_forms).

Every write names the version of the claim the user saw; a DomainError comes back to the same
page as a message next to the field it is about, or at the top (a conflict says someone else
changed the claim and offers a reload), never as a 500 (factcheck.pages.place_error).
"""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import messages
from django.db import transaction
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.views.decorators.http import require_GET

from claims import actions as claim_actions
from claims import consistency, selectors, workflow
from claims.evidence.models import Relation
from claims.evidence.selectors import claim_evidence_panels, evidence_for_claim
from claims.models import Claim, RatingScale
from claims.next_action import next_action_for
from claims.search import prior_checks
from claims.views.claim_forms import (
    FORMS,
    PREFIXES,
    CorrectForm,
    claim_forms,
    page_inputs,
    prepare_forms,
)
from claims.views.verdict import public_context
from factcheck.errors import DomainError
from factcheck.pages import PageError, desk_required, place_error, post_only
from factcheck.roles import is_editor
from factcheck.submissions import once_per_submission

# Audit actions as the timeline says them.
HISTORY_LABELS = {
    "claim.created": "created the claim",
    "claim.updated": "edited the claim",
    "claim.assigned": "assigned the claim",
    "claim.scheduled": "set the priority or due date",
    "claim.bulk_refused": "tried a bulk action that was refused",
    "claim.research_started": "started research",
    "claim.submitted_for_review": "submitted it for review",
    "claim.approval_requested": "requested approval",
    "claim.sent_back": "sent it back",
    "claim.dismissed": "dismissed it",
    "claim.restored": "restored it",
    "claim.published": "published the verdict",
    "claim.commented": "commented",
    "rating.submitted": "rated it",
    "rating.revised": "revised their rating",
    "verdict.approved": "approved a verdict",
    "verdict.discarded": "discarded the approved verdict",
    "verdict.corrected": "published a correction",
    "evidence.added": "linked a source",
    "evidence.retracted": "retracted a source",
    "rating.confirmed": "confirmed their rating for the edited claim",
    "candidate.accepted": "accepted the claim from its article",
}


def _history(user: Any, claim: Claim, ratings_visible: bool) -> list[Any]:
    """The claim's timeline; a reviewer who has not rated sees no one else's rating event."""
    events = list(selectors.claim_history(claim))
    if not ratings_visible:
        events = [
            e for e in events if not (e.action.startswith("rating.") and e.actor_id != user.pk)
        ]
    for event in events:
        event.label = HISTORY_LABELS.get(event.action, event.action.replace(".", " "))
    return events


def _claim_page(
    request: HttpRequest,
    claim_id: int,
    *,
    bound: tuple[str, forms.Form] | None = None,
    error: PageError | None = None,
    status: int = 200,
) -> HttpResponse:
    user = request.user
    claim = get_object_or_404(
        Claim.objects.select_related("article", "assignee", "rating").prefetch_related("figures"),
        pk=claim_id,
    )
    evidence = list(evidence_for_claim(claim.pk))
    for item in evidence:
        item.latest_capture = next(iter(item.source.captures.all()), None)
        item.archived_capture = next(
            (c for c in item.source.captures.all() if c.state == "archived"), None
        )
    actions = selectors.claim_actions_for(user, claim)
    ratings = selectors.ratings_visible_to(user, claim)
    has_rated = any(r.reviewer_id == user.pk for r in ratings)
    ratings_visible = is_editor(user) or has_rated
    verdicts = list(selectors.verdict_history(claim, include_draft=is_editor(user)))
    draft = next((v for v in verdicts if v.published_at is None), None)
    shown = claim_forms(user, claim, actions, evidence, ratings, draft)
    for rating in ratings:
        rating.stale = workflow.is_stale(rating, claim)
    if bound is not None:
        name, form = bound
        prepare_forms(
            {name: form},
            user,
            evidence,
            RatingScale.objects.filter(active=True).order_by("order"),
        )
        shown[name] = form
    next_action = next_action_for(
        user, claim, actions, has_rated=has_rated, ratings=len(ratings), draft=draft
    )
    return render(
        request,
        "claims/claim_detail.html",
        {
            "claim": claim,
            "figures": list(claim.figures.all()),
            "evidence": evidence,
            "relations": Relation.choices,
            "any_pending": any(
                e.latest_capture
                and (
                    e.latest_capture.is_pending
                    or e.latest_capture.is_reading_text
                    or e.latest_capture.wacz_pending
                )
                for e in evidence
            ),
            "actions": actions,
            "forms": shown,
            "bound": bound[0] if bound else "",
            "ratings": ratings,
            "has_rated": has_rated,
            "ratings_visible": ratings_visible,
            "disagreement": ratings_visible
            and len(ratings) > 1
            and selectors.rating_disagreement(claim, ratings),
            "verdicts": verdicts,
            "draft": draft,
            "comments": list(selectors.claim_comments(claim)),
            "history": _history(user, claim, ratings_visible),
            "is_editor": is_editor(user),
            # What the approval would count: shown to editors beside the approve form.
            "tally": workflow.rating_tally(claim, approver=user) if "approve" in actions else None,
            "can_retract": "edit" in actions or (is_editor(user) and "correct" in actions),
            "error": error,
            # What this person should do now, at the top of the page (claims.next_action).
            "next": next_action,
            "next_form": shown.get(next_action.form) if next_action else None,
            # Evidence matching: suggested passages, re-check alerts and earlier checks.
            **claim_evidence_panels(claim, user),
            "consistency": _consistency_flags(claim),
            "prior_checks": prior_checks(claim, user=user),
        },
        status=status,
    )


def _consistency_flags(claim: Claim) -> list[dict[str, str]]:
    """Figures of the claim's paragraph in its article that do not add up."""
    article = claim.article
    if article is None or not article.body or claim.span_start is None:
        return []
    body = article.body
    return consistency.flags(
        body, consistency.checks_around(body, claim.span_start, claim.span_end)
    )


@desk_required
@require_GET
def claim_detail(request: HttpRequest, claim_id: int) -> HttpResponse:
    return _claim_page(request, claim_id)


@desk_required
@post_only(back=lambda claim_id, action: reverse("claims:detail", args=[claim_id]))
@once_per_submission
def claim_action(request: HttpRequest, claim_id: int, action: str) -> HttpResponse:
    entry = claim_actions.ACTIONS.get(action)
    form_class = FORMS.get(action)
    if entry is None or form_class is None:
        raise Http404("no such action")
    claim = get_object_or_404(Claim, pk=claim_id)
    form = form_class(request.POST, prefix=PREFIXES.get(action, action))
    # Choices are filled before validation, with the same rules the page used to draw the form.
    evidence = list(evidence_for_claim(claim.pk))
    prepare_forms(
        {action: form},
        request.user,
        evidence,
        RatingScale.objects.filter(active=True).order_by("order"),
    )
    error = None
    if form.is_valid():
        try:
            if action == "correct" and not form.cleaned_data["confirmed"]:
                return _correction_preview(request, claim, form)
            outcome = claim_actions.perform(
                action, actor=request.user, claim=claim, inputs=page_inputs(form.cleaned_data)
            )
        except DomainError as exc:
            if exc.code == "not_found":
                raise Http404(exc.message) from None
            error = place_error(form, exc)
            status = exc.http_status
        else:
            messages.success(request, entry.done)
            if outcome.approval_withdrawn:
                messages.warning(request, APPROVAL_WITHDRAWN)
            target = reverse("claims:detail", args=[claim.pk])
            return redirect(target + (f"#{entry.anchor}" if entry.anchor else ""))
    else:
        status = 400
        if action == "publish" and "confirmed" in form.errors:
            messages.info(request, "Check the verdict as readers will see it, then confirm.")
            return redirect("claims:preview", claim_id=claim.pk)
        if "expected_version" in form.errors or "expected_revision" in form.errors:
            error = PageError("The form was missing the claim's version; reload the page.")
    return _claim_page(request, claim.pk, bound=(action, form), error=error, status=status)


APPROVAL_WITHDRAWN = (
    "This change withdrew the approved verdict: an editor must approve it again "
    "before it can be published."
)


def _correction_preview(request: HttpRequest, claim: Claim, form: forms.Form) -> HttpResponse:
    """The public page as the correction would make it, with a button that publishes it.

    The correction is made by its own service, with every check it runs, the page is drawn from
    what it wrote, and the transaction is rolled back: nothing is kept, announced or audited
    until the editor confirms (the same form again, confirmed). A refusal raises as it would.
    """
    with transaction.atomic():
        claim_actions.perform(
            "correct", actor=request.user, claim=claim, inputs=page_inputs(form.cleaned_data)
        )
        versions = list(selectors.verdict_history(claim))
        hidden = CorrectForm(initial={**form.cleaned_data, "confirmed": True}, prefix=form.prefix)
        response = render(
            request,
            "claims/verdict_public.html",
            {
                **public_context(claim, versions[0], versions),
                "preview": True,
                "correction_form": hidden,
            },
        )
        transaction.set_rollback(True)
    return response
