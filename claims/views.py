"""Desk pages for claims: the queue, the claim page and its actions (the public verdict page is
in claims.verdict_views).

Every write goes through a claims service with the version of the claim the user saw; a
DomainError comes back to the same page as a message next to the field it is about, or at the
top (a conflict says someone else changed the claim and offers a reload), never as a 500.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django import forms
from django.contrib import messages
from django.contrib.auth import get_user_model
from django.db import transaction
from django.http import Http404, HttpRequest, HttpResponse, QueryDict
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_GET

from claims import consistency, deadlines, selectors, services, workflow
from claims.bulk_forms import bulk_context
from claims.figure_forms import WithFigures
from claims.figure_text import figure_text
from claims.models import (
    Article,
    Claim,
    ClaimantKind,
    ClaimKind,
    ClaimState,
    DatePrecision,
    RatingScale,
    VerdictVersion,
)
from claims.next_action import next_action_for
from claims.services.figures import figure_values
from claims.services.schedule import schedule_refusal
from claims.verdict_views import PublishForm, public_context
from factcheck.date_input import DateField
from factcheck.errors import DomainError
from factcheck.roles import is_editor
from factcheck.search import prior_checks
from factcheck.submissions import once_per_submission
from factcheck.views import desk_required, post_only
from sources.models import Evidence, Relation
from sources.selectors import claim_evidence_panels, evidence_for_claim, evidence_usable

# The queue -------------------------------------------------------------------------------------


class QueueForm(forms.Form):
    """The queue's filters (a GET form): each field narrows the list; blank means any."""

    q = forms.CharField(
        label="Search the claims",
        required=False,
        max_length=200,
        widget=forms.TextInput(attrs={"type": "search", "placeholder": "containers, exports …"}),
    )
    state = forms.ChoiceField(
        label="State", required=False, choices=[("", "Any state"), *ClaimState.choices]
    )
    kind = forms.ChoiceField(
        label="Kind", required=False, choices=[("", "Any kind"), *ClaimKind.choices]
    )
    assignee = forms.ChoiceField(label="Assignee", required=False)
    article = forms.TypedChoiceField(label="Article", required=False, coerce=int, empty_value=None)
    rating = forms.ChoiceField(label="Rating", required=False)
    priority = forms.ChoiceField(label="Priority", required=False)
    due = forms.ChoiceField(
        label="Due", required=False, choices=[("", "Any time"), *deadlines.DUE_FILTERS.items()]
    )
    sort = forms.ChoiceField(
        label="Sort by",
        required=False,
        choices=[(key, label) for key, (label, _f, _d) in selectors.QUEUE_SORTS.items()],
    )

    def __init__(self, *args: Any, members: list, articles: list, scale: list, **kwargs: Any):
        super().__init__(*args, **kwargs)
        self.fields["assignee"].choices = [
            ("", "Anyone"),
            ("me", "Me"),
            ("none", "Nobody yet"),
            *((str(u.pk), u.get_username()) for u in members),
        ]
        self.fields["article"].choices = [
            ("", "Any article"),
            *((a.pk, a.title[:80]) for a in articles),
        ]
        self.fields["rating"].choices = [("", "Any rating"), *((s.slug, s.label) for s in scale)]
        self.fields["priority"].choices = [
            ("", "Any priority"),
            *(
                (deadlines.priority_slug(value) or "none", label)
                for value, label in deadlines.priority_choices()
            ),
        ]

    def filters(self) -> selectors.QueueFilters:
        """The valid filters; an invalid one (an edited URL) is dropped, not fatal."""
        self.is_valid()
        data = {k: v for k, v in self.cleaned_data.items() if v not in (None, "")}
        return selectors.QueueFilters(**data)


QUEUE_ARTICLE_CHOICES = 30


def _queue_articles(selected: str | None) -> list[Article]:
    """The latest articles for the filter (older ones are reached from their article page)."""
    articles = list(
        Article.objects.only("id", "title").order_by("-published_on", "-id")[:QUEUE_ARTICLE_CHOICES]
    )
    if selected and selected.isdigit() and int(selected) not in {a.pk for a in articles}:
        articles += list(Article.objects.only("id", "title").filter(pk=int(selected)))
    return articles


@dataclass(frozen=True)
class QueueRow:
    """One queue row, its display strings made here: a 50-row page renders in a few ms."""

    pk: int
    url: str
    text: str
    kind: str
    changed: str
    article_url: str
    article_title: str
    figure: str
    period: str
    state: str
    state_label: str
    rating_slug: str
    rating_label: str
    sources: int
    archived: int
    pending: int
    failing: int
    assignee: str
    schedule: deadlines.Schedule


def _shorten(text: str, limit: int) -> str:
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"


def _url_pattern(name: str) -> Callable[[int], str]:
    """reverse() once, then fill in the id: reversing 100 URLs per page costs more than the SQL."""
    marker = 987654321
    template = reverse(name, args=[marker])
    return lambda pk: template.replace(str(marker), str(pk))


KIND_LABELS = dict(ClaimKind.choices)
STATE_LABELS = dict(ClaimState.choices)


def _queue_figure(claim: Claim) -> str:
    """The first figure in words ("up 14%"), and how many more the claim holds."""
    if claim.value is None:
        return ""
    text = figure_text(
        value=claim.value,
        qualifier=claim.qualifier,
        unit=claim.unit,
        scale=claim.scale,
        value_high=getattr(claim, "first_value_high", None),
        direction=getattr(claim, "first_direction", None) or "none",
        change=getattr(claim, "first_change", None) or "level",
    )
    more = getattr(claim, "figure_count", 1) - 1
    return f"{text} and {more} more figure{'s' if more > 1 else ''}" if more > 0 else text


def queue_rows(claims: list[Claim]) -> list[QueueRow]:
    claim_url, article_url = _url_pattern("claims:detail"), _url_pattern("claims:article")
    today = deadlines.today()
    return [
        QueueRow(
            pk=c.pk,
            url=claim_url(c.pk),
            text=_shorten(c.text, 200),
            kind=KIND_LABELS.get(c.kind, c.kind),
            changed=timezone.localtime(c.updated_at).strftime("%-d %b %Y"),
            article_url=article_url(c.article_id) if c.article_id else "",
            article_title=_shorten(c.article.title, 60) if c.article_id else "",
            figure=_queue_figure(c),
            period=c.period_display,
            state=c.state,
            state_label=STATE_LABELS.get(c.state, c.state),
            rating_slug=c.rating.slug if c.rating_id else "",
            rating_label=c.rating.label if c.rating_id else "",
            sources=c.evidence_count,
            archived=c.sources_archived,
            pending=c.sources_pending,
            failing=c.sources_failing,
            assignee=c.assignee.get_username() if c.assignee_id else "—",
            schedule=deadlines.schedule_of(c.due_date, c.priority, c.state, today),
        )
        for c in claims
    ]


def queue_form(data: QueryDict) -> QueueForm:
    """The queue's filter form over `data` (unbound when empty), its choices filled in."""
    return QueueForm(
        data or None,
        members=list(selectors.desk_members()),
        articles=_queue_articles(data.get("article")),
        scale=list(RatingScale.objects.order_by("order")),
    )


def queue_filters(data: QueryDict) -> selectors.QueueFilters:
    form = queue_form(data)
    return form.filters() if form.is_bound else selectors.QueueFilters()


FILTER_NAMES = ("state", "kind", "assignee", "article", "rating", "q", "priority", "due")


def queue_page(
    request: HttpRequest,
    query: QueryDict,
    *,
    bulk: Any = None,
    selected: frozenset[int] = frozenset(),
    status: int = 200,
) -> HttpResponse:
    """The queue for the filters in `query`; `bulk` is a bound bulk form coming back with its
    errors (claims.bulk_views), `selected` the claims it had ticked."""
    form = queue_form(query)
    filters = form.filters() if form.is_bound else selectors.QueueFilters()
    page = selectors.claim_queue(
        request.user,
        filters,
        after=query.get("after", ""),
        before=query.get("before", ""),
    )
    query = query.copy()
    for key in ("after", "before"):
        query.pop(key, None)

    def page_link(key: str, cursor: str | None) -> str | None:
        if cursor is None:
            return None
        params = query.copy()
        params[key] = cursor
        return "?" + params.urlencode()

    rows = queue_rows(page.rows)
    filter_query = QueryDict(mutable=True)
    for name in FILTER_NAMES:
        if query.get(name):
            filter_query[name] = query[name]
    return render(
        request,
        "claims/claim_queue.html",
        {
            "form": form,
            "rows": rows,
            "filtered": any(getattr(filters, f) for f in FILTER_NAMES),
            "next_link": page_link("after", page.next_cursor),
            "previous_link": page_link("before", page.previous_cursor),
            "first_link": ("?" + query.urlencode()) if page.previous_cursor else None,
            "filter_query": filter_query.urlencode(),
            **bulk_context(request.user, filters, rows, bulk=bulk, selected=selected),
        },
        status=status,
    )


@desk_required
@require_GET
def claim_queue(request: HttpRequest) -> HttpResponse:
    return queue_page(request, request.GET)


# The claim page's forms ------------------------------------------------------------------------


class VersionedForm(forms.Form):
    """Every write names the claim version its author saw (optimistic locking)."""

    expected_version = forms.IntegerField(widget=forms.HiddenInput, min_value=1)


class ClaimEditForm(WithFigures, VersionedForm):
    """The claim's own fields and the rows of its figures (claims.figure_forms)."""

    text = forms.CharField(label="Claim, in our words", widget=forms.Textarea(attrs={"rows": 3}))
    kind = forms.ChoiceField(label="Kind", choices=ClaimKind.choices)
    period_start = DateField(
        label="Period from", required=False, help_text="The period the claim is about."
    )
    period_end = DateField(label="Period to", required=False)
    date_precision = forms.ChoiceField(
        label="Date precision", choices=[("", "—"), *DatePrecision.choices], required=False
    )
    claimant = forms.CharField(label="Claimant", max_length=200, required=False)
    claimant_kind = forms.ChoiceField(
        label="The claimant is", choices=ClaimantKind.choices, required=False
    )

    @classmethod
    def for_claim(cls, claim: Claim) -> ClaimEditForm:
        initial = {
            name: getattr(claim, name) for name in cls.base_fields if name != "expected_version"
        }
        initial["expected_version"] = claim.version
        figures = [figure_values(f) for f in claim.figures.all()]
        return cls(initial=initial, prefix="edit", figures=figures)


def _evidence_choices(evidence: list) -> list[tuple[int, str]]:
    return [(e.pk, f"{e.source} ({e.get_relation_display().lower()})") for e in evidence]


class EvidenceMixin(forms.Form):
    evidence_ids = forms.TypedMultipleChoiceField(
        label="The evidence it rests on",
        required=False,
        coerce=int,
        widget=forms.CheckboxSelectMultiple,
    )


class RatingForm(EvidenceMixin):
    # A rating belongs to its reviewer; its revision number is their optimistic lock.
    expected_revision = forms.IntegerField(widget=forms.HiddenInput, min_value=0)
    scale = forms.ModelChoiceField(
        label="Your rating",
        queryset=RatingScale.objects.none(),
        widget=forms.RadioSelect,
        empty_label=None,
    )
    rationale = forms.CharField(
        label="Rationale",
        widget=forms.Textarea(attrs={"rows": 5}),
        help_text="What the evidence shows, in a few sentences the editor can check.",
    )

    field_order = ["expected_revision", "scale", "rationale", "evidence_ids"]


class ApproveForm(EvidenceMixin, VersionedForm):
    rating = forms.ModelChoiceField(label="Rating", queryset=RatingScale.objects.none())
    conclusion = forms.CharField(label="Conclusion (one line)", max_length=300)
    explanation = forms.CharField(label="Explanation", widget=forms.Textarea(attrs={"rows": 6}))

    field_order = ["expected_version", "rating", "conclusion", "explanation", "evidence_ids"]


class CorrectForm(ApproveForm):
    correction_note = forms.CharField(
        label="Correction note (public)",
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="What changed and why; readers see it on the verdict page.",
    )
    # Set by the preview's button: a correction is published once seen as readers will see it.
    confirmed = forms.BooleanField(widget=forms.HiddenInput, required=False)

    field_order = [*ApproveForm.field_order[:-1], "correction_note", "evidence_ids"]


class AssignForm(VersionedForm):
    assignee = forms.TypedChoiceField(label="Assign to", coerce=int)


class ScheduleForm(VersionedForm):
    priority = forms.TypedChoiceField(label="Priority", coerce=int)
    due_date = DateField(
        label="Due date", required=False, help_text="The day the check is due; empty: none."
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["priority"].choices = deadlines.priority_choices()


class StartResearchForm(VersionedForm):
    assignee = forms.TypedChoiceField(
        label="Researcher", coerce=int, required=False, empty_value=None
    )


class SendBackForm(VersionedForm):
    comment = forms.CharField(label="What is missing", widget=forms.Textarea(attrs={"rows": 3}))


class DismissForm(VersionedForm):
    reason = forms.CharField(
        label="Why it is not check-worthy", widget=forms.Textarea(attrs={"rows": 2})
    )


class RestoreForm(VersionedForm):
    reason = forms.CharField(
        label="Reason (optional)", required=False, widget=forms.Textarea(attrs={"rows": 2})
    )


class ConfirmRatingForm(forms.Form):
    expected_revision = forms.IntegerField(widget=forms.HiddenInput, min_value=1)


class RetractForm(forms.Form):
    evidence = forms.IntegerField(widget=forms.HiddenInput, min_value=1)
    reason = forms.CharField(
        label="Why it is retracted",
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text="Kept in the history; the archived copy is kept too.",
    )


class CommentForm(forms.Form):
    body = forms.CharField(label="Comment", widget=forms.Textarea(attrs={"rows": 3}))


# One entry per POST endpoint of the claim page: its form and the service call it makes. ---------


@dataclass(frozen=True)
class ClaimAction:
    form: type[forms.Form]
    run: Callable[[Any, Claim, dict[str, Any]], Any]
    done: str
    # Where the page scrolls back to after success.
    anchor: str = ""


def _user(pk: int | None) -> Any:
    if pk is None:
        return None
    user = get_user_model().objects.filter(pk=pk).first()
    if user is None:
        raise DomainError("No such user.", fields={"assignee": ["unknown user"]})
    return user


def _edit(user: Any, claim: Claim, data: dict[str, Any]) -> Any:
    changes = {k: v for k, v in data.items() if k != "expected_version"}
    changes["claimant_kind"] = changes.get("claimant_kind") or ClaimantKind.PERSON
    # The service queues evidence matching when the figures, dates or text changed.
    return services.claim_update(
        actor=user, claim=claim, expected_version=data["expected_version"], **changes
    )


def _retract(user: Any, claim: Claim, data: dict[str, Any]) -> Any:
    evidence = Evidence.objects.filter(claim_id=claim.pk, pk=data["evidence"]).first()
    if evidence is None:
        raise DomainError("This source is not linked to this claim.", code="not_found")
    return services.evidence_retract(
        actor=user, claim=claim, evidence=evidence, reason=data["reason"]
    )


ACTIONS: dict[str, ClaimAction] = {
    "edit": ClaimAction(ClaimEditForm, _edit, "Claim saved.", "claim-facts"),
    "rate": ClaimAction(
        RatingForm,
        lambda user, claim, d: services.rating_submit(
            actor=user,
            claim=claim,
            scale=d["scale"],
            rationale=d["rationale"],
            evidence_ids=d["evidence_ids"],
            expected_revision=d["expected_revision"],
        ),
        "Your rating is saved.",
        "ratings",
    ),
    "confirm_rating": ClaimAction(
        ConfirmRatingForm,
        lambda user, claim, d: services.rating_confirm(
            actor=user, claim=claim, expected_revision=d["expected_revision"]
        ),
        "Your rating is confirmed for the claim as it now reads.",
        "ratings",
    ),
    "retract_source": ClaimAction(
        RetractForm, _retract, "Source retracted; its archive is kept.", "sources-section"
    ),
    "comment": ClaimAction(
        CommentForm,
        lambda user, claim, d: services.claim_comment_add(actor=user, claim=claim, body=d["body"]),
        "Comment added.",
        "comments",
    ),
    "schedule": ClaimAction(
        ScheduleForm,
        lambda user, claim, d: services.claim_schedule(
            actor=user,
            claim=claim,
            priority=d["priority"],
            due_date=d["due_date"],
            expected_version=d["expected_version"],
        ),
        "Priority and due date saved.",
        "schedule",
    ),
    "start_research": ClaimAction(
        StartResearchForm,
        lambda user, claim, d: services.claim_start_research(
            actor=user,
            claim=claim,
            assignee=_user(d.get("assignee")),
            expected_version=d["expected_version"],
        ),
        "Research started.",
    ),
    "assign": ClaimAction(
        AssignForm,
        lambda user, claim, d: services.claim_assign(
            actor=user,
            claim=claim,
            assignee=_user(d["assignee"]),
            expected_version=d["expected_version"],
        ),
        "Claim assigned.",
    ),
    "submit_for_review": ClaimAction(
        VersionedForm,
        lambda user, claim, d: services.claim_submit_for_review(
            actor=user, claim=claim, expected_version=d["expected_version"]
        ),
        "Submitted for review: reviewers can now rate it.",
    ),
    "request_approval": ClaimAction(
        VersionedForm,
        lambda user, claim, d: services.claim_request_approval(
            actor=user, claim=claim, expected_version=d["expected_version"]
        ),
        "Approval requested.",
    ),
    "send_back": ClaimAction(
        SendBackForm,
        lambda user, claim, d: services.claim_send_back(
            actor=user, claim=claim, comment=d["comment"], expected_version=d["expected_version"]
        ),
        "Sent back to research with your comment.",
    ),
    "approve": ClaimAction(
        ApproveForm,
        lambda user, claim, d: services.verdict_approve(
            actor=user,
            claim=claim,
            rating=d["rating"],
            conclusion=d["conclusion"],
            explanation=d["explanation"],
            evidence_ids=d["evidence_ids"],
            expected_version=d["expected_version"],
        ),
        "Verdict approved; publish it when ready.",
        "editor",
    ),
    "publish": ClaimAction(
        PublishForm,
        lambda user, claim, d: services.claim_publish(
            actor=user, claim=claim, expected_version=d["expected_version"]
        ),
        "Published.",
    ),
    "correct": ClaimAction(
        CorrectForm,
        lambda user, claim, d: services.verdict_correct(
            actor=user,
            claim=claim,
            rating=d["rating"],
            conclusion=d["conclusion"],
            explanation=d["explanation"],
            correction_note=d["correction_note"],
            evidence_ids=d["evidence_ids"],
            expected_version=d["expected_version"],
        ),
        "Correction published.",
        "verdicts",
    ),
    "dismiss": ClaimAction(
        DismissForm,
        lambda user, claim, d: services.claim_dismiss(
            actor=user, claim=claim, reason=d["reason"], expected_version=d["expected_version"]
        ),
        "Claim dismissed.",
    ),
    "restore": ClaimAction(
        RestoreForm,
        lambda user, claim, d: services.claim_restore(
            actor=user, claim=claim, reason=d["reason"], expected_version=d["expected_version"]
        ),
        "Claim restored.",
    ),
}


# The claim page ------------------------------------------------------------------------------

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


class PageError:
    """A refusal shown at the top of the claim page."""

    def __init__(self, message: str, *, conflict: bool = False):
        self.message = message
        self.conflict = conflict


def _claim_forms(
    user: Any, claim: Claim, actions: list[str], evidence: list, ratings: list, draft: Any
) -> dict[str, forms.Form]:
    """Unbound forms for the actions this user may take on this claim now."""
    version = {"expected_version": claim.version}
    scale = RatingScale.objects.filter(active=True).order_by("order")
    built: dict[str, forms.Form] = {}
    if "edit" in actions:
        built["edit"] = ClaimEditForm.for_claim(claim)
    if "rate" in actions:
        mine = next((r for r in ratings if r.reviewer_id == user.pk), None)
        initial = {"expected_revision": mine.revision if mine else 0}
        if mine:
            initial.update(
                scale=mine.scale_id,
                rationale=mine.rationale,
                evidence_ids=[e.pk for e in mine.evidence.all()],
            )
        built["rate"] = RatingForm(initial=initial, prefix="rate")
    if "comment" in actions:
        built["comment"] = CommentForm(prefix="comment")
    if schedule_refusal(user, claim) is None:
        built["schedule"] = ScheduleForm(
            initial={**version, "priority": claim.priority, "due_date": claim.due_date},
            prefix="schedule",
        )
    if "start_research" in actions:
        built["start_research"] = StartResearchForm(initial=version, prefix="start")
    if "assign" in actions:
        built["assign"] = AssignForm(
            initial={**version, "assignee": claim.assignee_id or user.pk}, prefix="assign"
        )
    for name in ("submit_for_review", "request_approval"):
        if name in actions:
            built[name] = VersionedForm(initial=version, prefix=name)
    if "publish" in actions:
        built["publish"] = PublishForm(initial={**version, "confirmed": True}, prefix="publish")
    mine = next((r for r in ratings if r.reviewer_id == user.pk), None)
    if "rate" in actions and mine is not None and workflow.is_stale(mine, claim):
        built["confirm_rating"] = ConfirmRatingForm(
            initial={"expected_revision": mine.revision}, prefix="confirm_rating"
        )
    if "approve" in actions:
        initial = dict(version)
        if draft is not None:
            initial.update(
                rating=draft.rating_id,
                conclusion=draft.conclusion,
                explanation=draft.explanation,
                evidence_ids=[e.pk for e in draft.evidence.all()],
            )
        built["approve"] = ApproveForm(initial=initial, prefix="approve")
    if "correct" in actions:
        latest = next(iter(selectors.verdict_history(claim)), None)
        initial = dict(version)
        if latest is not None:
            # Start from the current verdict: the editor changes what the correction changes.
            initial.update(
                rating=latest.rating_id,
                conclusion=latest.conclusion,
                explanation=latest.explanation,
                evidence_ids=[e.pk for e in latest.evidence.all()],
            )
        built["correct"] = CorrectForm(initial=initial, prefix="correct")
    if "send_back" in actions:
        built["send_back"] = SendBackForm(initial=version, prefix="send_back")
    if "dismiss" in actions:
        built["dismiss"] = DismissForm(initial=version, prefix="dismiss")
    if "restore" in actions:
        built["restore"] = RestoreForm(initial=version, prefix="restore")
    _prepare_forms(built, user, evidence, scale)
    return built


PREFIXES = {"start_research": "start"}


def _prepare_forms(built: dict[str, forms.Form], user: Any, evidence: list, scale: Any) -> None:
    """Fill in the choices that depend on the claim (its evidence: only what a rating or verdict
    may rest on) and the desk (its people)."""
    usable = (
        set(evidence_usable(evidence[0].claim_id).values_list("pk", flat=True))
        if evidence
        else set()
    )
    choices = _evidence_choices([e for e in evidence if e.pk in usable])
    members = None
    for name, form in built.items():
        if "evidence_ids" in form.fields:
            form.fields["evidence_ids"].choices = choices
        if "scale" in form.fields and isinstance(form.fields["scale"], forms.ModelChoiceField):
            form.fields["scale"].queryset = scale
        if "rating" in form.fields:
            form.fields["rating"].queryset = scale
        if "assignee" in form.fields:
            if is_editor(user):
                if members is None:
                    members = [(m.pk, m.get_username()) for m in selectors.desk_members()]
                empty = [("", "the current assignee, or me")] if name == "start_research" else []
                form.fields["assignee"].choices = [*empty, *members]
            else:
                # A fact-checker may only take a claim for themselves.
                form.fields["assignee"].choices = [(user.pk, user.get_username())]
                form.fields["assignee"].widget = forms.HiddenInput()
                form.fields["assignee"].required = name != "start_research"


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
    claim_forms = _claim_forms(user, claim, actions, evidence, ratings, draft)
    for rating in ratings:
        rating.stale = workflow.is_stale(rating, claim)
    if bound is not None:
        name, form = bound
        _prepare_forms(
            {name: form},
            user,
            evidence,
            RatingScale.objects.filter(active=True).order_by("order"),
        )
        claim_forms[name] = form
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
                and (e.latest_capture.is_pending or e.latest_capture.is_reading_text)
                for e in evidence
            ),
            "actions": actions,
            "forms": claim_forms,
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
            "next_form": claim_forms.get(next_action.form) if next_action else None,
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


STATUS_OF = {"invalid": 400, "forbidden": 403, "conflict": 409, "not_found": 404}


def _apply_error(form: forms.Form, exc: DomainError) -> PageError | None:
    """Put the refusal next to the fields it names; what names no field goes to the top."""
    if exc.code == "conflict":
        return PageError(exc.message, conflict=True)
    placed = False
    for name, problems in exc.fields.items():
        detail = "" if problems in (["required"], []) else f" ({', '.join(problems)})"
        if name in form.fields and not form.fields[name].widget.is_hidden:
            form.add_error(name, exc.message + detail)
            placed = True
        elif isinstance(form, WithFigures) and form.place_error(name, exc.message + detail):
            placed = True
    return None if placed else PageError(exc.message)


@desk_required
@post_only(back=lambda claim_id, action: reverse("claims:detail", args=[claim_id]))
@once_per_submission
def claim_action(request: HttpRequest, claim_id: int, action: str) -> HttpResponse:
    spec = ACTIONS.get(action)
    if spec is None:
        raise Http404("no such action")
    claim = get_object_or_404(Claim, pk=claim_id)
    form = spec.form(request.POST, prefix=PREFIXES.get(action, action))
    # Choices are filled before validation, with the same rules the page used to draw the form.
    evidence = list(evidence_for_claim(claim.pk))
    _prepare_forms(
        {action: form},
        request.user,
        evidence,
        RatingScale.objects.filter(active=True).order_by("order"),
    )
    error = None
    drafts = VerdictVersion.objects.filter(claim_id=claim.pk, published_at__isnull=True)
    had_draft = claim.state == ClaimState.AWAITING_APPROVAL and drafts.exists()
    if form.is_valid():
        try:
            if action == "correct" and not form.cleaned_data["confirmed"]:
                return _correction_preview(request, claim, form)
            spec.run(request.user, claim, form.cleaned_data)
        except DomainError as exc:
            if exc.code == "not_found":
                raise Http404(exc.message) from None
            error = _apply_error(form, exc)
            status = STATUS_OF[exc.code]
        else:
            messages.success(request, spec.done)
            # Still awaiting approval but the draft is gone: the services withdrew the approval
            # (publishing and sending back end it by moving the claim on).
            if had_draft and claim.state == ClaimState.AWAITING_APPROVAL and not drafts.exists():
                messages.warning(
                    request,
                    "This change withdrew the approved verdict: an editor must approve it again "
                    "before it can be published.",
                )
            target = reverse("claims:detail", args=[claim.pk])
            return redirect(target + (f"#{spec.anchor}" if spec.anchor else ""))
    else:
        status = 400
        if action == "publish" and "confirmed" in form.errors:
            messages.info(request, "Check the verdict as readers will see it, then confirm.")
            return redirect("claims:preview", claim_id=claim.pk)
        if "expected_version" in form.errors or "expected_revision" in form.errors:
            error = PageError("The form was missing the claim's version; reload the page.")
    return _claim_page(request, claim.pk, bound=(action, form), error=error, status=status)


def _correction_preview(request: HttpRequest, claim: Claim, form: forms.Form) -> HttpResponse:
    """The public page as the correction would make it, with a button that publishes it.

    The correction is made by its own service, with every check it runs, the page is drawn from
    what it wrote, and the transaction is rolled back: nothing is kept, announced or audited
    until the editor confirms (the same form again, confirmed). A refusal raises as it would.
    """
    with transaction.atomic():
        ACTIONS["correct"].run(request.user, claim, form.cleaned_data)
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
