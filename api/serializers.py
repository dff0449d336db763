"""Input serializers (validate types before a service runs) and the documented output shapes.

The output serializers describe, for the OpenAPI schema, exactly what api.representations
builds; responses are not rendered through them (see DESIGN.md on ModelSerializer's cost).

One module over 400 lines: drf-spectacular names the schema's components after these classes,
and keeping every shape in one file keeps the names unique and the shapes side by side.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from rest_framework import serializers

from api.models import DeliveryState, WebhookEvent
from claims.actions import TRANSITIONS
from claims.deadlines import priority_from_slug, priority_slugs
from claims.evidence.models import Relation, SuggestionStatus, SuggestionVerdict
from claims.models import (
    ClaimantKind,
    ClaimKind,
    ClaimState,
    DatePrecision,
    Direction,
    FigureChange,
    Qualifier,
    Scale,
)
from sources.models import CaptureKind, CaptureState, SourceKind, TextStatus


class Input(serializers.Serializer):
    """A request body. Its text fields take JSON strings only: DRF's CharField would turn the
    number 7 into "7", which the schema (type: string) says is refused."""

    def to_internal_value(self, data: Any) -> Any:
        wrong = {
            name: ["Not a valid string."]
            for name, field in self.fields.items()
            if isinstance(data, Mapping)
            and isinstance(field, serializers.CharField)
            and not field.read_only
            and isinstance(data.get(name), int | float)  # bool is an int too
        }
        try:
            value = super().to_internal_value(data)
        except serializers.ValidationError as exc:
            if not wrong or not isinstance(exc.detail, dict):
                raise
            raise serializers.ValidationError({**exc.detail, **wrong}) from None
        if wrong:
            raise serializers.ValidationError(wrong)
        return value


# Errors ----------------------------------------------------------------------------------------


class ErrorDetail(serializers.Serializer):
    code = serializers.CharField(
        help_text="invalid, malformed, not_authenticated, forbidden, not_found, "
        "method_not_allowed, not_acceptable, conflict, unsupported_media_type, throttled, "
        "server_error"
    )
    message = serializers.CharField(help_text="A sentence a person can read.")
    fields = serializers.DictField(
        child=serializers.ListField(child=serializers.CharField()),
        help_text="Per field (or query parameter): what is wrong with it.",
    )
    current = serializers.DictField(
        required=False,
        help_text="On a conflict: the claim as it now is (reload it, then try again).",
    )


class Error(serializers.Serializer):
    error = ErrorDetail()


# Shared pieces ---------------------------------------------------------------------------------


class RatingBrief(serializers.Serializer):
    slug = serializers.SlugField()
    label = serializers.CharField()
    rating_value = serializers.IntegerField(
        allow_null=True, help_text="ClaimReview ratingValue (1 worst to 5 best), if numeric."
    )


class Figure(serializers.Serializer):
    value = serializers.CharField(help_text="The number as written (decimal text).")
    amount = serializers.CharField(help_text="The value with its scale applied (decimal text).")
    qualifier = serializers.ChoiceField(choices=[("", "none"), *Qualifier.choices])
    unit = serializers.CharField()
    scale = serializers.ChoiceField(choices=Scale.choices)


class Period(serializers.Serializer):
    start = serializers.DateField()
    end = serializers.DateField()
    precision = serializers.ChoiceField(choices=DatePrecision.choices)


class ClaimFigureItem(serializers.Serializer):
    value = serializers.CharField(help_text="The number as written (decimal text).")
    value_high = serializers.CharField(
        allow_null=True, help_text='The high end of a range ("30 to 35 hours"), else null.'
    )
    amount = serializers.CharField(help_text="The value with its scale applied (decimal text).")
    amount_high = serializers.CharField(allow_null=True)
    qualifier = serializers.ChoiceField(choices=Qualifier.choices)
    unit = serializers.CharField(help_text="container, tonne, percent ...; a currency code.")
    scale = serializers.ChoiceField(choices=Scale.choices)
    currency = serializers.CharField(allow_blank=True, help_text="ISO 4217, for money.")
    direction = serializers.ChoiceField(choices=Direction.choices)
    change = serializers.ChoiceField(
        choices=FigureChange.choices, help_text='A change ("rose 14%") or a level.'
    )
    baseline = serializers.CharField(allow_blank=True, help_text='"compared with 2019"')
    concept = serializers.CharField(allow_blank=True, help_text="What is counted.")
    concept_words = serializers.ListField(child=serializers.CharField())
    period = Period(allow_null=True, help_text="Null: the figure is about the claim's period.")


class FigureInput(serializers.Serializer):
    value = serializers.DecimalField(max_digits=24, decimal_places=6)
    value_high = serializers.DecimalField(
        max_digits=24, decimal_places=6, required=False, allow_null=True
    )
    qualifier = serializers.ChoiceField(choices=Qualifier.choices, required=False)
    unit = serializers.CharField(max_length=32)
    scale = serializers.ChoiceField(choices=Scale.choices, required=False)
    currency = serializers.CharField(max_length=3, required=False, allow_blank=True)
    direction = serializers.ChoiceField(choices=Direction.choices, required=False)
    change = serializers.ChoiceField(choices=FigureChange.choices, required=False)
    baseline = serializers.CharField(max_length=200, required=False, allow_blank=True)
    concept = serializers.CharField(max_length=300, required=False, allow_blank=True)
    concept_words = serializers.ListField(
        child=serializers.CharField(max_length=100), required=False, max_length=50
    )
    period_start = serializers.DateField(required=False, allow_null=True)
    period_end = serializers.DateField(required=False, allow_null=True)
    date_precision = serializers.ChoiceField(
        choices=[("", "none"), *DatePrecision.choices], required=False
    )


class ArticleBrief(serializers.Serializer):
    id = serializers.IntegerField()
    title = serializers.CharField()


class Span(serializers.Serializer):
    start = serializers.IntegerField()
    end = serializers.IntegerField()
    text = serializers.CharField(allow_blank=True)


class CaptureSummary(serializers.Serializer):
    id = serializers.IntegerField()
    state = serializers.ChoiceField(choices=CaptureState.choices)
    pending = serializers.BooleanField()
    attempts = serializers.IntegerField()
    http_status = serializers.IntegerField(allow_null=True)
    size = serializers.IntegerField(allow_null=True)
    sha256 = serializers.CharField(allow_blank=True)
    failure_reason = serializers.CharField(allow_blank=True)
    text_status = serializers.ChoiceField(
        choices=TextStatus.choices, help_text="What became of the capture's extracted text."
    )
    text_reason = serializers.CharField(
        allow_blank=True, help_text="Why the text is missing or incomplete, when it is."
    )
    queued_at = serializers.DateTimeField()
    finished_at = serializers.DateTimeField(allow_null=True)


class SourceBrief(serializers.Serializer):
    id = serializers.IntegerField()
    url = serializers.CharField(allow_blank=True)
    title = serializers.CharField(allow_blank=True)
    domain = serializers.CharField(allow_blank=True)
    kind = serializers.ChoiceField(choices=SourceKind.choices)


class Passage(serializers.Serializer):
    start = serializers.IntegerField()
    end = serializers.IntegerField()
    text = serializers.CharField(allow_blank=True)
    capture = serializers.IntegerField()


class Retraction(serializers.Serializer):
    at = serializers.DateTimeField()
    reason = serializers.CharField()


class EvidenceItem(serializers.Serializer):
    id = serializers.IntegerField()
    relation = serializers.ChoiceField(choices=Relation.choices)
    note = serializers.CharField(allow_blank=True)
    passage = Passage(allow_null=True)
    source = SourceBrief()
    capture = CaptureSummary(allow_null=True, help_text="The source's latest capture.")
    retracted = Retraction(
        allow_null=True, help_text="When and why the source was retracted from the claim."
    )


class VerdictPublic(serializers.Serializer):
    number = serializers.IntegerField(help_text="1, then 2, 3 ... for each correction.")
    rating = RatingBrief()
    conclusion = serializers.CharField()
    explanation = serializers.CharField()
    published_at = serializers.DateTimeField(allow_null=True)
    correction_note = serializers.CharField(allow_blank=True)


# Claims ----------------------------------------------------------------------------------------


class ClaimListItem(serializers.Serializer):
    id = serializers.IntegerField()
    url = serializers.URLField(help_text="This claim in the API.")
    text = serializers.CharField()
    kind = serializers.ChoiceField(choices=ClaimKind.choices)
    state = serializers.ChoiceField(choices=ClaimState.choices)
    figure = Figure(allow_null=True, help_text="The first of `figures` (the primary figure).")
    figures = ClaimFigureItem(many=True)
    period = Period(allow_null=True)
    claimant = serializers.CharField(allow_blank=True)
    article = ArticleBrief(allow_null=True)
    rating = RatingBrief(allow_null=True, help_text="The latest published verdict's rating.")
    published_at = serializers.DateTimeField(allow_null=True)
    updated_at = serializers.DateTimeField()
    version = serializers.IntegerField(help_text="Send it back as expected_version to change it.")
    public_url = serializers.URLField(
        allow_null=True, help_text="The public verdict page, once published."
    )
    due_date = serializers.DateField(allow_null=True, help_text="The day the check is due.")
    priority = serializers.CharField(
        allow_null=True,
        help_text="A slug of the desk's priority scale (CLAIM_PRIORITIES, e.g. `high`), null "
        "when none was set.",
    )
    overdue = serializers.BooleanField(
        help_text="Open and past its due date (in the desk's time zone)."
    )


class ClaimDetail(ClaimListItem):
    created_at = serializers.DateTimeField()
    span = Span(allow_null=True, help_text="Where in the article the claim came from.")
    check_worthiness = serializers.FloatField()
    claimant_kind = serializers.ChoiceField(
        choices=ClaimantKind.choices, help_text="Whether the claimant is a person or not."
    )
    assignee = serializers.CharField(allow_null=True, help_text="Shown to the desk only.")
    verdict = VerdictPublic(allow_null=True, help_text="The latest published verdict.")
    sources = EvidenceItem(many=True)
    actions = serializers.ListField(
        child=serializers.CharField(),
        help_text="Workflow actions the caller may take now (POST them to transitions/).",
    )


class ClaimPage(serializers.Serializer):
    next = serializers.URLField(allow_null=True, help_text="The next page, or null at the end.")
    results = ClaimListItem(many=True)


class ClaimStatus(serializers.Serializer):
    id = serializers.IntegerField()
    state = serializers.ChoiceField(choices=ClaimState.choices)
    rating = RatingBrief(allow_null=True)
    updated_at = serializers.DateTimeField()
    published_at = serializers.DateTimeField(allow_null=True)
    version = serializers.IntegerField()
    public_url = serializers.URLField(allow_null=True)


class ClaimCreate(Input):
    text = serializers.CharField(max_length=5000)
    kind = serializers.ChoiceField(choices=ClaimKind.choices, default=ClaimKind.OTHER)
    article = serializers.IntegerField(
        required=False, allow_null=True, min_value=1, max_value=2**63 - 1
    )
    span = serializers.ListField(
        child=serializers.IntegerField(min_value=0, max_value=2**31 - 1),
        min_length=2,
        max_length=2,
        required=False,
        allow_null=True,
        help_text="[start, end) character offsets in the article's body.",
    )
    value = serializers.DecimalField(
        max_digits=24, decimal_places=6, required=False, allow_null=True
    )
    qualifier = serializers.ChoiceField(
        choices=[("", "none"), *Qualifier.choices], required=False, default=""
    )
    unit = serializers.CharField(max_length=32, required=False, default="", allow_blank=True)
    scale = serializers.ChoiceField(choices=Scale.choices, required=False, default="")
    period_start = serializers.DateField(required=False, allow_null=True)
    period_end = serializers.DateField(required=False, allow_null=True)
    date_precision = serializers.ChoiceField(
        choices=[("", "none"), *DatePrecision.choices],
        required=False,
        default="",
        help_text="Required (not empty) when period_start is given: how precise the period is.",
    )
    claimant = serializers.CharField(max_length=200, required=False, default="", allow_blank=True)
    claimant_kind = serializers.ChoiceField(
        choices=ClaimantKind.choices, required=False, default=ClaimantKind.PERSON
    )
    check_worthiness = serializers.FloatField(min_value=0, max_value=1, required=False, default=0.5)
    figures = FigureInput(
        many=True,
        required=False,
        max_length=50,
        help_text="The claim's figures, in order (instead of value, qualifier, unit, scale).",
    )


class ClaimUpdate(ClaimCreate):
    expected_version = serializers.IntegerField(
        min_value=1, max_value=2**31 - 1, help_text="The version you read."
    )
    priority = serializers.ChoiceField(
        choices=[(slug, slug) for slug in priority_slugs()],
        required=False,
        help_text="Editors, open claims: a priority slug, or `none`.",
    )
    due_date = serializers.DateField(
        required=False, allow_null=True, help_text="Editors, open claims: null clears it."
    )

    def validate_priority(self, value: str) -> int:
        return priority_from_slug(value) or 0

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields.pop("article")
        for name, field in self.fields.items():
            if name != "expected_version":
                field.required = False
                field.default = serializers.empty


class Transition(Input):
    action = serializers.ChoiceField(choices=[(a, a) for a in TRANSITIONS])
    expected_version = serializers.IntegerField(
        min_value=1, max_value=2**31 - 1, help_text="The claim's version you acted on."
    )
    comment = serializers.CharField(
        required=False, allow_blank=True, max_length=10000, help_text="send_back: what is missing."
    )
    reason = serializers.CharField(
        required=False, allow_blank=True, max_length=10000, help_text="dismiss (required), restore."
    )
    assignee = serializers.CharField(
        required=False, max_length=150, help_text="assign, start_research: a username."
    )
    rating = serializers.SlugField(required=False, help_text="approve, correct: a scale slug.")
    conclusion = serializers.CharField(required=False, allow_blank=True, max_length=1000)
    explanation = serializers.CharField(required=False, allow_blank=True, max_length=100000)
    correction_note = serializers.CharField(required=False, allow_blank=True, max_length=10000)
    evidence_ids = serializers.ListField(
        child=serializers.IntegerField(min_value=1, max_value=2**63 - 1),
        required=False,
        max_length=200,
    )


class TransitionResult(serializers.Serializer):
    claim = ClaimStatus()
    verdict = VerdictPublic(allow_null=True, help_text="approve and correct: the verdict written.")
    approval_withdrawn = serializers.BooleanField(
        help_text="The action took away the claim's approved verdict: an editor must approve "
        "it again before it can be published."
    )


class CommentCreate(Input):
    body = serializers.CharField(max_length=10000, help_text="The comment, as the desk reads it.")


class CommentItem(serializers.Serializer):
    id = serializers.IntegerField()
    author = serializers.CharField(help_text="The author's username.")
    kind = serializers.CharField(help_text="note, send_back, dismissal or restore.")
    body = serializers.CharField()
    claim_state = serializers.CharField(help_text="The claim's state when it was written.")
    created_at = serializers.DateTimeField()


class SourceRetract(Input):
    reason = serializers.CharField(max_length=2000, help_text="What is wrong with the source.")


class RatingConfirm(Input):
    expected_revision = serializers.IntegerField(
        required=False,
        allow_null=True,
        min_value=1,
        max_value=2**31 - 1,
        help_text="The revision of your rating you read; another is a 409.",
    )


class SourceLink(Input):
    url = serializers.CharField(max_length=2000)
    relation = serializers.ChoiceField(choices=Relation.choices, default=Relation.CITED)
    note = serializers.CharField(required=False, default="", allow_blank=True, max_length=10000)


class SourceUpload(serializers.Serializer):
    file = serializers.FileField(
        help_text="An HTML, PDF or plain-text file: archived, hashed and matched like a capture."
    )
    title = serializers.CharField(required=False, default="", allow_blank=True, max_length=500)
    relation = serializers.ChoiceField(choices=Relation.choices, default=Relation.CITED)


# Evidence suggestions --------------------------------------------------------------------------


class SuggestionFigure(serializers.Serializer):
    start = serializers.IntegerField(help_text="Offset in the passage text of the figure.")
    end = serializers.IntegerField()
    text = serializers.CharField(allow_blank=True)


class SuggestionItem(serializers.Serializer):
    id = serializers.IntegerField()
    verdict = serializers.ChoiceField(choices=SuggestionVerdict.choices)
    compared = serializers.BooleanField(
        help_text="True for agrees/disagrees (a figure was compared); a mention compared nothing."
    )
    score = serializers.FloatField(
        help_text="0-1: the verdict, then how well the periods and the claim's words match."
    )
    status = serializers.ChoiceField(choices=SuggestionStatus.choices)
    comparison = serializers.CharField(help_text="What was compared, as the page shows it.")
    not_compared = serializers.CharField(
        allow_blank=True, help_text="Why the figure was not compared (empty when it was)."
    )
    arithmetic = serializers.DictField(
        help_text="Figures as read: amounts, intervals, tolerance, unit conversion."
    )
    source_date = serializers.DateField(
        allow_null=True, help_text="The day the source's relative dates were read against."
    )
    source_date_basis = serializers.CharField(allow_blank=True)
    searched = serializers.CharField(
        allow_blank=True, help_text="Which part of a long source was searched, when not all."
    )
    found = serializers.DictField(help_text="Everything the matcher read at the figure.")
    passage = Passage()
    figure = SuggestionFigure()
    source = SourceBrief()


# Ratings and verdicts --------------------------------------------------------------------------


class RatingItem(serializers.Serializer):
    id = serializers.IntegerField()
    claim = serializers.IntegerField()
    reviewer = serializers.CharField()
    rating = RatingBrief()
    rationale = serializers.CharField()
    evidence = serializers.ListField(child=serializers.IntegerField())
    revision = serializers.IntegerField()
    stale = serializers.BooleanField(
        help_text="Given before the claim's statement or figures were last edited: it does not "
        "count until its reviewer confirms (ratings/confirm/) or revises it."
    )
    created_at = serializers.DateTimeField()
    updated_at = serializers.DateTimeField()


class RatingSubmit(Input):
    rating = serializers.SlugField(help_text="A rating scale slug, e.g. `mostly-false`.")
    rationale = serializers.CharField(max_length=100000)
    evidence_ids = serializers.ListField(
        child=serializers.IntegerField(min_value=1, max_value=2**63 - 1),
        required=False,
        default=list,
        max_length=200,
    )
    expected_revision = serializers.IntegerField(
        required=False,
        allow_null=True,
        min_value=0,
        max_value=2**31 - 1,
        help_text="0 for a first rating; your rating's revision to revise it.",
    )


class VerdictItem(VerdictPublic):
    id = serializers.IntegerField()
    approved_by = serializers.CharField()
    approved_at = serializers.DateTimeField()
    evidence = serializers.ListField(child=serializers.IntegerField())


class RatingScaleItem(serializers.Serializer):
    slug = serializers.SlugField()
    label = serializers.CharField()
    rating_value = serializers.IntegerField(allow_null=True)
    meaning = serializers.CharField(allow_blank=True)
    colour = serializers.CharField()
    order = serializers.IntegerField()
    active = serializers.BooleanField()


# Articles, sources, captures -------------------------------------------------------------------


class ArticleItem(serializers.Serializer):
    id = serializers.IntegerField()
    title = serializers.CharField()
    publisher = serializers.CharField(allow_blank=True)
    author = serializers.CharField(allow_blank=True)
    published_on = serializers.DateField(allow_null=True)
    url = serializers.CharField(allow_blank=True, help_text="Where the article was published.")
    language = serializers.CharField(allow_blank=True)
    claim_count = serializers.IntegerField(help_text="Claims of it that the caller may see.")
    created_at = serializers.DateTimeField()
    updated_at = serializers.DateTimeField()


class ArticleDetail(ArticleItem):
    body = serializers.CharField(allow_blank=True)


class ArticlePage(serializers.Serializer):
    next = serializers.URLField(allow_null=True)
    results = ArticleItem(many=True)


class SourceItem(SourceBrief):
    created_at = serializers.DateTimeField()
    latest_capture = CaptureSummary(allow_null=True)


class SourcePage(serializers.Serializer):
    next = serializers.URLField(allow_null=True)
    results = SourceItem(many=True)


class CapturePackage(serializers.Serializer):
    state = serializers.ChoiceField(
        choices=["none", "pending", "failed", "unsigned", "signed", "timestamped"],
        help_text="none: not a web capture that is packaged; pending: being packaged.",
    )
    wacz = serializers.URLField(allow_null=True, help_text="Download of the WACZ package.")
    wacz_sha256 = serializers.CharField(allow_blank=True)
    wacz_size = serializers.IntegerField(allow_null=True)
    signed = serializers.BooleanField()
    signed_at = serializers.DateTimeField(allow_null=True)
    signing_key = serializers.CharField(
        allow_blank=True, help_text="SHA-256 of the public key that signed it (see archive-key)."
    )
    timestamped = serializers.BooleanField()
    timestamped_at = serializers.DateTimeField(allow_null=True)
    timestamped_by = serializers.CharField(allow_blank=True)
    problem = serializers.CharField(
        allow_blank=True, help_text="What was not done (packaging, signing, timestamp) and why."
    )


class CaptureItem(CaptureSummary):
    source = serializers.IntegerField()
    requested_url = serializers.CharField(allow_blank=True)
    final_url = serializers.CharField(allow_blank=True)
    content_type = serializers.CharField(allow_blank=True)
    title = serializers.CharField(allow_blank=True)
    started_at = serializers.DateTimeField(allow_null=True)
    fetch_ms = serializers.IntegerField(allow_null=True)
    same_payload_as = serializers.IntegerField(
        allow_null=True, help_text="An earlier capture with the same bytes."
    )
    package = CapturePackage(help_text="The WACZ package, its signature and timestamp.")
    kind = serializers.ChoiceField(
        choices=CaptureKind.choices,
        help_text="http: one exchange; browser: Chromium loaded the page (every request "
        "through the fetcher), with a screenshot and the rendered text.",
    )
    screenshot_url = serializers.URLField(
        allow_null=True, help_text="The full-page PNG of a browser capture."
    )
    text_chars = serializers.IntegerField(
        allow_null=True, help_text="Characters of extracted (for a browser capture, rendered) text."
    )


class CaptureDetail(CaptureItem):
    redirect_chain = serializers.ListField(child=serializers.DictField())
    text = serializers.CharField(allow_blank=True, help_text="The extracted, readable text.")
    provenance = serializers.DictField(
        allow_null=True,
        help_text="A browser capture's provenance: time, final URL, software versions, options "
        "and budgets, the budget it ran into, addresses contacted, refused requests.",
    )


class CapturePage(serializers.Serializer):
    next = serializers.URLField(allow_null=True)
    results = CaptureItem(many=True)


# ClaimReview -----------------------------------------------------------------------------------


class ClaimReviewDocument(serializers.Serializer):
    """schema.org ClaimReview as JSON-LD (see claims.claimreview)."""

    context = serializers.CharField()
    type = serializers.CharField()
    url = serializers.URLField()
    claimReviewed = serializers.CharField()  # noqa: N815 - schema.org's names
    author = serializers.DictField()
    datePublished = serializers.CharField()  # noqa: N815
    reviewRating = serializers.DictField()  # noqa: N815
    itemReviewed = serializers.DictField()  # noqa: N815

    def get_fields(self):
        fields = super().get_fields()
        fields["@context"] = fields.pop("context")
        fields["@type"] = fields.pop("type")
        return fields


class ClaimReviewPage(serializers.Serializer):
    next = serializers.URLField(allow_null=True)
    results = ClaimReviewDocument(many=True)


# Webhooks --------------------------------------------------------------------------------------


class SubscriptionItem(serializers.Serializer):
    id = serializers.IntegerField()
    url = serializers.CharField()
    events = serializers.ListField(child=serializers.ChoiceField(choices=WebhookEvent.choices))
    description = serializers.CharField(allow_blank=True)
    active = serializers.BooleanField()
    created_at = serializers.DateTimeField()


class SubscriptionCreated(SubscriptionItem):
    secret = serializers.CharField(
        help_text="Signs every delivery (webhook-signature, Standard Webhooks); shown only in "
        "this response."
    )


class SubscriptionCreate(Input):
    url = serializers.CharField(max_length=2000)
    events = serializers.ListField(
        child=serializers.ChoiceField(choices=WebhookEvent.choices), min_length=1, max_length=3
    )
    description = serializers.CharField(
        required=False, default="", allow_blank=True, max_length=200
    )


class SubscriptionPage(serializers.Serializer):
    next = serializers.URLField(allow_null=True)
    results = SubscriptionItem(many=True)


class DeliveryItem(serializers.Serializer):
    id = serializers.IntegerField()
    uuid = serializers.UUIDField(help_text="Sent as webhook-id; the same on every retry.")
    event = serializers.ChoiceField(choices=WebhookEvent.choices)
    state = serializers.ChoiceField(choices=DeliveryState.choices)
    attempts = serializers.IntegerField()
    created_at = serializers.DateTimeField()
    last_attempt_at = serializers.DateTimeField(allow_null=True)
    next_attempt_at = serializers.DateTimeField(allow_null=True)
    delivered_at = serializers.DateTimeField(allow_null=True)
    response_status = serializers.IntegerField(allow_null=True)
    response_body = serializers.CharField(allow_blank=True, help_text="The first 1,000 chars.")
    error = serializers.CharField(allow_blank=True)
    duration_ms = serializers.IntegerField(allow_null=True)
    log = serializers.ListField(child=serializers.DictField(), help_text="Every attempt.")


class DeliveryPage(serializers.Serializer):
    next = serializers.URLField(allow_null=True)
    results = DeliveryItem(many=True)
