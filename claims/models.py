"""Articles, claims with their structured figures, the rating scale, ratings and verdicts.

One module over 400 lines: Django's convention of one models module per app (evidence has its
own, claims/evidence/models.py); the choices sit next to the fields and checks that use them."""

from __future__ import annotations

from decimal import Decimal

from django.conf import settings
from django.db import models
from django.db.models import F, Q

from claims.evidence.models import (  # noqa: F401 - the app's models, registered from here
    RELATION_FOR_VERDICT,
    Evidence,
    EvidenceSuggestion,
    RecheckAlert,
    RecheckReason,
    Relation,
    SuggestionStatus,
    SuggestionVerdict,
)
from claims.figure_text import FIGURE_TEXT_FIELDS, figure_text, period_text
from factcheck.models import TimeStamped


class ArticleImportState(models.TextChoices):
    READY = "ready", "Ready"
    WAITING = "waiting", "Waiting for its capture"
    FAILED = "failed", "Import failed"


class Article(TimeStamped):
    """A news article as imported: its bibliographic facts and its body text."""

    title = models.CharField(max_length=500)
    publisher = models.CharField(max_length=200, blank=True)
    author = models.CharField(max_length=200, blank=True)
    published_on = models.DateField(null=True, blank=True, db_index=True)
    url = models.URLField(max_length=2000, blank=True, db_index=True)
    body = models.TextField(blank=True)
    language = models.CharField(max_length=16, blank=True, default="en")
    # SHA-256 of the normalised body: an article imported twice is one article.
    content_hash = models.CharField(max_length=64, unique=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    # An article imported from a URL waits for the capture of that URL, then takes its text.
    import_state = models.CharField(
        max_length=8, choices=ArticleImportState.choices, default=ArticleImportState.READY
    )
    import_capture = models.ForeignKey(
        "sources.Capture", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    import_error = models.CharField(max_length=500, blank=True)
    # Candidate spans a fact-checker set aside as not check-worthy: [[start, end], ...].
    dismissed_spans = models.JSONField(default=list, blank=True)

    class Meta:
        ordering = ["-published_on", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(import_state__in=ArticleImportState.values),
                name="article_import_state_valid",
            ),
        ]

    def __str__(self) -> str:
        return self.title


class ClaimState(models.TextChoices):
    NEW = "new", "New"
    RESEARCHING = "researching", "Researching"
    IN_REVIEW = "in_review", "In review"
    AWAITING_APPROVAL = "awaiting_approval", "Awaiting approval"
    PUBLISHED = "published", "Published"
    DISMISSED = "dismissed", "Dismissed"


class ClaimKind(models.TextChoices):
    QUANTITY = "quantity", "Quantity"
    MONEY = "money", "Money"
    PERCENTAGE = "percentage", "Percentage"
    DATE_EVENT = "date_event", "Date or event"
    ATTRIBUTION = "attribution", "Attribution"
    OTHER = "other", "Other"


class Qualifier(models.TextChoices):
    EXACT = "exact", "exactly"
    ABOUT = "about", "about"
    MORE_THAN = "more_than", "more than"
    LESS_THAN = "less_than", "less than"
    AT_LEAST = "at_least", "at least"
    UP_TO = "up_to", "up to"
    NEARLY = "nearly", "nearly"


class Scale(models.TextChoices):
    ONE = "", "—"
    THOUSAND = "thousand", "thousand"
    MILLION = "million", "million"
    BILLION = "billion", "billion"
    TRILLION = "trillion", "trillion"


SCALE_FACTORS = {
    "": Decimal(1),
    "thousand": Decimal(10) ** 3,
    "million": Decimal(10) ** 6,
    "billion": Decimal(10) ** 9,
    "trillion": Decimal(10) ** 12,
}


class ClaimantKind(models.TextChoices):
    PERSON = "person", "a person"
    ORGANIZATION = "organization", "an organisation"


class DatePrecision(models.TextChoices):
    DAY = "day", "day"
    MONTH = "month", "month"
    QUARTER = "quarter", "quarter"
    HALF = "half", "half year"
    YEAR = "year", "year"
    FISCAL_YEAR = "fiscal_year", "fiscal year"


class Direction(models.TextChoices):
    NONE = "none", "no direction"
    UP = "up", "up"
    DOWN = "down", "down"


class FigureChange(models.TextChoices):
    LEVEL = "level", "a level"
    CHANGE = "change", "a change"


def _choices_check(
    field: str, choices: type[models.TextChoices], name: str
) -> models.CheckConstraint:
    return models.CheckConstraint(condition=Q(**{f"{field}__in": choices.values}), name=name)


def _figure_rules(table: str) -> list[models.CheckConstraint]:
    """The rules a claim's own figure and period columns share with a ClaimFigure's."""
    return [
        models.CheckConstraint(
            condition=Q(qualifier="") | Q(qualifier__in=Qualifier.values),
            name=f"{table}_qualifier_valid",
        ),
        _choices_check("scale", Scale, f"{table}_scale_valid"),
        models.CheckConstraint(
            condition=Q(date_precision="") | Q(date_precision__in=DatePrecision.values),
            name=f"{table}_precision_valid",
        ),
        models.CheckConstraint(
            condition=Q(period_start__isnull=True)
            | Q(period_end__isnull=True)
            | Q(period_end__gte=F("period_start")),
            name=f"{table}_period_ordered",
        ),
        models.CheckConstraint(
            condition=Q(period_start__isnull=True) | ~Q(date_precision=""),
            name=f"{table}_period_has_precision",
        ),
    ]


class Claim(TimeStamped):
    """A checkable statement in the desk's words, with its figures, dates and source span.

    Its figures are ClaimFigure rows (`claim.figures`, none, one or more). The value,
    qualifier, unit and scale columns here are the primary figure (the first one): the queue
    and the API filter on them with indexes and no join. Only the claims service writes them,
    from the first figure, in the transaction that writes the figures. The period columns are
    the claim's period, which every figure without a period of its own is about.
    """

    article = models.ForeignKey(
        Article, null=True, blank=True, on_delete=models.PROTECT, related_name="claims"
    )
    text = models.TextField()
    # Where in the article body the claim came from (character offsets, end exclusive).
    span_start = models.PositiveIntegerField(null=True, blank=True)
    span_end = models.PositiveIntegerField(null=True, blank=True)
    span_text = models.TextField(blank=True)
    kind = models.CharField(max_length=16, choices=ClaimKind.choices, default=ClaimKind.OTHER)
    # The structured figure: value as written, scale applied on top (114 + billion).
    value = models.DecimalField(max_digits=24, decimal_places=6, null=True, blank=True)
    qualifier = models.CharField(max_length=16, choices=Qualifier.choices, blank=True)
    unit = models.CharField(max_length=32, blank=True, db_index=True)
    scale = models.CharField(max_length=16, choices=Scale.choices, blank=True)
    # The period the claim is about: a day, a month, a year, or a range of them.
    period_start = models.DateField(null=True, blank=True)
    period_end = models.DateField(null=True, blank=True)
    date_precision = models.CharField(max_length=12, choices=DatePrecision.choices, blank=True)
    claimant = models.CharField(max_length=200, blank=True)
    # Whether the claimant is a person or an organisation (ClaimReview's itemReviewed.author).
    claimant_kind = models.CharField(
        max_length=16, choices=ClaimantKind.choices, default=ClaimantKind.PERSON
    )
    state = models.CharField(max_length=20, choices=ClaimState.choices, default=ClaimState.NEW)
    check_worthiness = models.FloatField(default=0.5)
    assignee = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="assigned_claims",
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    # The rating of the latest published verdict, kept here so queues filter without a join.
    rating = models.ForeignKey(
        "RatingScale", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    published_at = models.DateTimeField(null=True, blank=True)
    # Optimistic locking: every write bumps it; a stale version is a conflict.
    version = models.PositiveIntegerField(default=1)
    # Bumped when the statement or its figures change: ratings given on an earlier revision are
    # stale and do not count until their reviewer confirms or revises them.
    content_revision = models.PositiveIntegerField(default=1)
    # The desk's schedule: the day the check is due (none: no deadline) and its priority, a
    # position on settings.CLAIM_PRIORITIES (1 = least urgent; 0 = none). claims.deadlines.
    due_date = models.DateField(null=True, blank=True)
    priority = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["-updated_at", "-id"]
        indexes = [
            models.Index(fields=["state", "-updated_at"], name="claim_state_updated_idx"),
            models.Index(fields=["kind"], name="claim_kind_idx"),
            models.Index(fields=["article", "span_start"], name="claim_article_span_idx"),
            models.Index(fields=["assignee", "state"], name="claim_assignee_state_idx"),
            # My work: a person's latest changed claim (the live lists' version).
            models.Index(fields=["assignee", "-updated_at"], name="claim_assignee_updated_idx"),
            models.Index(fields=["rating"], name="claim_rating_idx"),
            models.Index(fields=["published_at"], name="claim_published_idx"),
            models.Index(fields=["period_start", "period_end"], name="claim_period_idx"),
            models.Index(fields=["due_date", "id"], name="claim_due_idx"),
            models.Index(fields=["priority", "id"], name="claim_priority_idx"),
        ]
        constraints = [
            _choices_check("state", ClaimState, "claim_state_valid"),
            _choices_check("kind", ClaimKind, "claim_kind_valid"),
            *_figure_rules("claim"),
            _choices_check("claimant_kind", ClaimantKind, "claim_claimant_kind_valid"),
            # A span comes as a pair, within an article, and is not empty.
            models.CheckConstraint(
                condition=(Q(span_start__isnull=True) & Q(span_end__isnull=True))
                | (
                    Q(span_start__isnull=False)
                    & Q(span_end__gt=F("span_start"))
                    & Q(article__isnull=False)
                ),
                name="claim_span_valid",
            ),
            models.CheckConstraint(
                condition=Q(value__isnull=True) | ~Q(unit=""), name="claim_value_has_unit"
            ),
            models.CheckConstraint(
                condition=Q(check_worthiness__gte=0) & Q(check_worthiness__lte=1),
                name="claim_score_in_range",
            ),
            models.CheckConstraint(
                condition=~Q(state="published") | Q(published_at__isnull=False),
                name="claim_published_has_time",
            ),
        ]

    def __str__(self) -> str:
        return self.text[:80]

    @property
    def amount(self) -> Decimal | None:
        """The value with its scale applied (114 billion -> 114000000000)."""
        if self.value is None:
            return None
        return self.value * SCALE_FACTORS[self.scale]

    @property
    def figure_display(self) -> str:
        """The primary figure as a person reads it ("more than 1,000 containers")."""
        if self.value is None:
            return ""
        return figure_text(
            value=self.value, qualifier=self.qualifier, unit=self.unit, scale=self.scale
        )

    @property
    def period_display(self) -> str:
        return period_text(self.period_start, self.period_end, self.date_precision)


class ClaimFigure(models.Model):
    """One figure of a claim: a value (or a low-high range) with what it counts and when.

    `position` orders a claim's figures; position 0 is the primary figure, mirrored on the
    Claim's columns by the claims service. A figure without a period of its own is about the
    claim's period.
    """

    claim = models.ForeignKey(Claim, on_delete=models.CASCADE, related_name="figures")
    position = models.PositiveSmallIntegerField()
    # The number as written, the scale applied on top (114 + billion); value_high ends a range.
    value = models.DecimalField(max_digits=24, decimal_places=6)
    value_high = models.DecimalField(max_digits=24, decimal_places=6, null=True, blank=True)
    qualifier = models.CharField(
        max_length=16, choices=Qualifier.choices, default=Qualifier.EXACT, blank=True
    )
    unit = models.CharField(max_length=32)
    scale = models.CharField(max_length=16, choices=Scale.choices, blank=True)
    # ISO 4217 code of a money figure (its unit is the same code); empty otherwise.
    currency = models.CharField(max_length=3, blank=True)
    direction = models.CharField(max_length=8, choices=Direction.choices, default=Direction.NONE)
    change = models.CharField(
        max_length=8, choices=FigureChange.choices, default=FigureChange.LEVEL
    )
    # The comparison point as written ("compared with 2019").
    baseline = models.CharField(max_length=200, blank=True)
    # What is counted, as a short phrase, and its key words (lower case, singular).
    concept = models.CharField(max_length=300, blank=True)
    concept_words = models.JSONField(default=list, blank=True)
    period_start = models.DateField(null=True, blank=True)
    period_end = models.DateField(null=True, blank=True)
    date_precision = models.CharField(max_length=12, choices=DatePrecision.choices, blank=True)

    class Meta:
        ordering = ["claim", "position"]
        constraints = [
            models.UniqueConstraint(fields=["claim", "position"], name="one_figure_per_position"),
            *_figure_rules("figure"),
            _choices_check("direction", Direction, "figure_direction_valid"),
            _choices_check("change", FigureChange, "figure_change_valid"),
            models.CheckConstraint(condition=~Q(unit=""), name="figure_has_unit"),
            models.CheckConstraint(
                condition=Q(value_high__isnull=True) | Q(value_high__gt=F("value")),
                name="figure_range_ordered",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.display} (claim {self.claim_id})"

    @property
    def amount(self) -> Decimal:
        return self.value * SCALE_FACTORS[self.scale]

    @property
    def display(self) -> str:
        return figure_text(**{name: getattr(self, name) for name in FIGURE_TEXT_FIELDS})

    @property
    def period_display(self) -> str:
        return period_text(self.period_start, self.period_end, self.date_precision)


class RatingScale(models.Model):
    """One step of the desk's rating scale (true ... false, misleading, unproven)."""

    slug = models.SlugField(max_length=40, unique=True)
    label = models.CharField(max_length=60, unique=True)
    # ClaimReview reviewRating.ratingValue; empty for ratings outside the numeric scale.
    rating_value = models.PositiveSmallIntegerField(null=True, blank=True)
    colour = models.CharField(max_length=7, default="#666666")
    meaning = models.TextField(blank=True)
    order = models.PositiveSmallIntegerField(unique=True)
    active = models.BooleanField(default=True)
    # On the true ... false axis, where ratings one step apart are close. Entries off it
    # (misleading, unproven) judge another thing: two ratings that differ there disagree.
    graded = models.BooleanField(
        default=True,
        help_text="On the true-to-false axis; off-axis entries (misleading, unproven) are not "
        "steps from the others.",
    )

    class Meta:
        ordering = ["order"]
        verbose_name = "rating scale entry"
        verbose_name_plural = "rating scale"
        constraints = [
            models.CheckConstraint(
                condition=Q(colour__regex=r"^#[0-9A-Fa-f]{6}$"), name="rating_colour_hex"
            ),
        ]

    def __str__(self) -> str:
        return self.label


class Rating(TimeStamped):
    """One reviewer's rating of one claim, with the rationale and the evidence it rests on."""

    claim = models.ForeignKey(Claim, on_delete=models.CASCADE, related_name="ratings")
    reviewer = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="ratings"
    )
    scale = models.ForeignKey(RatingScale, on_delete=models.PROTECT, related_name="+")
    rationale = models.TextField()
    evidence = models.ManyToManyField("claims.Evidence", blank=True, related_name="ratings")
    revision = models.PositiveIntegerField(default=1)
    # The claim's content_revision this rating was given (or last confirmed) on.
    content_revision = models.PositiveIntegerField(default=1)

    class Meta:
        ordering = ["created_at", "id"]
        constraints = [
            models.UniqueConstraint(fields=["claim", "reviewer"], name="one_rating_per_reviewer"),
            models.CheckConstraint(condition=~Q(rationale=""), name="rating_has_rationale"),
        ]

    def __str__(self) -> str:
        return f"{self.reviewer} rated {self.scale} on claim {self.claim_id}"


class VerdictVersion(models.Model):
    """One version of a claim's verdict; corrections add versions with a public note."""

    claim = models.ForeignKey(Claim, on_delete=models.CASCADE, related_name="verdicts")
    number = models.PositiveIntegerField()
    rating = models.ForeignKey(RatingScale, on_delete=models.PROTECT, related_name="+")
    conclusion = models.CharField(max_length=300)
    explanation = models.TextField()
    evidence = models.ManyToManyField("claims.Evidence", blank=True, related_name="verdicts")
    approved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    approved_at = models.DateTimeField()
    published_at = models.DateTimeField(null=True, blank=True, db_index=True)
    correction_note = models.TextField(blank=True)

    class Meta:
        ordering = ["claim", "-number"]
        constraints = [
            models.UniqueConstraint(fields=["claim", "number"], name="one_verdict_number"),
            models.CheckConstraint(condition=Q(number__gte=1), name="verdict_number_positive"),
            models.CheckConstraint(condition=~Q(conclusion=""), name="verdict_has_conclusion"),
            # Every version after the first is a correction and says so publicly.
            models.CheckConstraint(
                condition=Q(number=1) | ~Q(correction_note=""), name="correction_has_note"
            ),
            # At most one approved, unpublished draft waits for publication.
            models.UniqueConstraint(
                fields=["claim"], condition=Q(published_at__isnull=True), name="one_verdict_draft"
            ),
        ]

    def __str__(self) -> str:
        return f"Verdict v{self.number} on claim {self.claim_id}: {self.rating}"


class RatingRevision(models.Model):
    """A superseded state of a rating, kept when its reviewer revises it."""

    rating = models.ForeignKey(Rating, on_delete=models.CASCADE, related_name="revisions")
    # The revision number the rating had before it was revised.
    revision = models.PositiveIntegerField()
    scale = models.ForeignKey(RatingScale, on_delete=models.PROTECT, related_name="+")
    rationale = models.TextField()
    evidence_ids = models.JSONField(default=list, blank=True)
    # When that revision was written, and when it was replaced.
    rated_at = models.DateTimeField()
    superseded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["rating", "-revision"]
        constraints = [
            models.UniqueConstraint(fields=["rating", "revision"], name="one_rating_revision"),
        ]

    def __str__(self) -> str:
        return f"Revision {self.revision} of rating {self.rating_id}: {self.scale}"


class CommentKind(models.TextChoices):
    NOTE = "note", "Note"
    SEND_BACK = "send_back", "Sent back"
    DISMISSAL = "dismissal", "Dismissed"
    RESTORE = "restore", "Restored"


class ClaimComment(models.Model):
    """A remark on a claim: an editor's reason for sending it back or dismissing it, or a note."""

    claim = models.ForeignKey(Claim, on_delete=models.CASCADE, related_name="comments")
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="claim_comments"
    )
    kind = models.CharField(max_length=16, choices=CommentKind.choices, default=CommentKind.NOTE)
    body = models.TextField()
    # The claim state the comment was written in (e.g. awaiting_approval for a send-back).
    claim_state = models.CharField(max_length=20, choices=ClaimState.choices)
    created_at = models.DateTimeField(auto_now_add=True, db_index=True)

    class Meta:
        ordering = ["created_at", "id"]
        indexes = [
            models.Index(fields=["claim", "created_at"], name="comment_claim_time_idx"),
        ]
        constraints = [
            models.CheckConstraint(condition=~Q(body=""), name="comment_has_body"),
            _choices_check("kind", CommentKind, "comment_kind_valid"),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} by {self.author} on claim {self.claim_id}"


# Notifications ---------------------------------------------------------------------------------


class NotificationKind(models.TextChoices):
    ASSIGNED = "assigned", "Assigned to you"
    SENT_BACK = "sent_back", "Sent back to you"
    AWAITING_APPROVAL = "awaiting_approval", "Awaiting your approval"
    PUBLISHED = "published", "Published"
    RECHECK = "recheck", "Re-check alert"
    MENTION = "mention", "Mentioned in a comment"


class EmailState(models.TextChoices):
    # Waiting for the worker (immediate) or for the next digest (daily).
    QUEUED = "queued", "E-mail queued"
    DIGEST = "digest", "In the next daily digest"
    SENT = "sent", "E-mailed"
    FAILED = "failed", "E-mail failed"
    # Nothing to send: the person chose the app only, or has no e-mail address.
    SKIPPED = "skipped", "Not e-mailed"


class Notification(models.Model):
    """Something a person should know about a claim: shown in the app, and e-mailed to them
    at once or in a daily digest (claims.notifications)."""

    recipient = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="notifications"
    )
    kind = models.CharField(max_length=20, choices=NotificationKind.choices)
    claim = models.ForeignKey(Claim, on_delete=models.CASCADE, related_name="notifications")
    comment = models.ForeignKey(
        ClaimComment, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    # Who caused it, as text: a user's name or a system process ("recheck").
    actor_name = models.CharField(max_length=150, blank=True)
    message = models.CharField(max_length=500)
    created_at = models.DateTimeField(auto_now_add=True)
    read_at = models.DateTimeField(null=True, blank=True)
    email_state = models.CharField(
        max_length=8, choices=EmailState.choices, default=EmailState.SKIPPED
    )
    # Why it was not e-mailed, or why the e-mail failed (shown to the recipient).
    email_reason = models.CharField(max_length=300, blank=True)
    email_attempts = models.PositiveSmallIntegerField(default=0)
    emailed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [
            models.Index(fields=["recipient", "-id"], name="notification_inbox_idx"),
            models.Index(
                fields=["recipient"],
                condition=Q(read_at__isnull=True),
                name="notification_unread_idx",
            ),
            models.Index(
                fields=["recipient", "created_at"],
                condition=Q(email_state="digest"),
                name="notification_digest_idx",
            ),
        ]
        constraints = [
            _choices_check("kind", NotificationKind, "notification_kind_valid"),
            _choices_check("email_state", EmailState, "notification_email_state_valid"),
            models.CheckConstraint(
                condition=~Q(email_state="sent") | Q(emailed_at__isnull=False),
                name="notification_sent_has_time",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} for {self.recipient_id}: claim {self.claim_id}"


class Delivery(models.TextChoices):
    IMMEDIATE = "immediate", "E-mail me at once"
    DAILY = "daily", "In a daily digest"
    APP = "app", "In the app only"


class NotificationPreference(models.Model):
    """How one person wants one kind of notification e-mailed; no row means at once."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="notification_preferences"
    )
    kind = models.CharField(max_length=20, choices=NotificationKind.choices)
    delivery = models.CharField(max_length=10, choices=Delivery.choices)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["user", "kind"], name="one_preference_per_kind"),
            _choices_check("kind", NotificationKind, "preference_kind_valid"),
            _choices_check("delivery", Delivery, "preference_delivery_valid"),
        ]

    def __str__(self) -> str:
        return f"{self.user_id}: {self.kind} {self.delivery}"
