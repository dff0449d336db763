"""The forms of the claim page's actions, and how the page fills their choices (the claim's
evidence, the rating scale, the desk's people). What each action does is claims.actions."""

from __future__ import annotations

from typing import Any

from django import forms

from claims import deadlines, selectors, workflow
from claims.actions import user_by_pk
from claims.evidence.selectors import evidence_usable
from claims.figure_forms import WithFigures
from claims.models import Claim, ClaimantKind, ClaimKind, DatePrecision, RatingScale
from claims.services.figures import figure_values
from claims.views.verdict import PublishForm
from factcheck.date_input import DateField
from factcheck.roles import is_editor


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


def claim_forms(
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
    if "schedule" in actions:
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
        built["approve"] = ApproveForm(initial=_verdict_initial(version, draft), prefix="approve")
    if "correct" in actions:
        # Start from the current verdict: the editor changes what the correction changes.
        latest = next(iter(selectors.verdict_history(claim)), None)
        built["correct"] = CorrectForm(initial=_verdict_initial(version, latest), prefix="correct")
    if "send_back" in actions:
        built["send_back"] = SendBackForm(initial=version, prefix="send_back")
    if "dismiss" in actions:
        built["dismiss"] = DismissForm(initial=version, prefix="dismiss")
    if "restore" in actions:
        built["restore"] = RestoreForm(initial=version, prefix="restore")
    prepare_forms(built, user, evidence, scale)
    return built


def _verdict_initial(version: dict[str, Any], verdict: Any) -> dict[str, Any]:
    """A verdict form's starting values: those of `verdict` (a draft, the current one) if any."""
    if verdict is None:
        return dict(version)
    return {
        **version,
        "rating": verdict.rating_id,
        "conclusion": verdict.conclusion,
        "explanation": verdict.explanation,
        "evidence_ids": [e.pk for e in verdict.evidence.all()],
    }


PREFIXES = {"start_research": "start"}


def prepare_forms(built: dict[str, forms.Form], user: Any, evidence: list, scale: Any) -> None:
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


# The form of each action of the table (claims.actions.ACTIONS) that the page offers.
FORMS: dict[str, type[forms.Form]] = {
    "edit": ClaimEditForm,
    "rate": RatingForm,
    "confirm_rating": ConfirmRatingForm,
    "retract_source": RetractForm,
    "comment": CommentForm,
    "start_research": StartResearchForm,
    "assign": AssignForm,
    "schedule": ScheduleForm,
    "submit_for_review": VersionedForm,
    "request_approval": VersionedForm,
    "send_back": SendBackForm,
    "approve": ApproveForm,
    "publish": PublishForm,
    "correct": CorrectForm,
    "dismiss": DismissForm,
    "restore": RestoreForm,
}


def page_inputs(cleaned: dict[str, Any]) -> dict[str, Any]:
    """A form's cleaned data as the action table's inputs: people named by id become users
    (the rating scale entries are already model instances); the preview flag is the page's."""
    inputs = {k: v for k, v in cleaned.items() if k != "confirmed"}
    if "assignee" in inputs:
        inputs["assignee"] = user_by_pk(inputs["assignee"])
    return inputs
