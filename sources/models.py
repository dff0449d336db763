"""Sources, the evidence linking them to claims, and the captures that archive them."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import F, Q

from factcheck.models import TimeStamped


class SourceKind(models.TextChoices):
    WEB_PAGE = "web_page", "Web page"
    PDF = "pdf", "PDF"
    DATASET = "dataset", "Dataset"
    STATEMENT = "statement", "Statement"
    UPLOAD = "upload", "Uploaded file"


class Source(TimeStamped):
    """A cited document: a normalised URL (unique) or an uploaded file."""

    url = models.URLField(max_length=2000, blank=True)
    title = models.CharField(max_length=500, blank=True)
    domain = models.CharField(max_length=255, blank=True, db_index=True)
    kind = models.CharField(max_length=16, choices=SourceKind.choices, default=SourceKind.WEB_PAGE)
    # For uploads: the SHA-256 of the file, so the same file uploaded twice is one source.
    upload_sha256 = models.CharField(max_length=64, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )

    class Meta:
        ordering = ["-created_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["url"], condition=~Q(url=""), name="one_source_per_url"
            ),
            models.UniqueConstraint(
                fields=["upload_sha256"],
                condition=~Q(upload_sha256=""),
                name="one_source_per_upload",
            ),
            models.CheckConstraint(
                condition=~Q(url="") | ~Q(upload_sha256=""), name="source_has_url_or_upload"
            ),
            models.CheckConstraint(
                condition=Q(kind__in=SourceKind.values), name="source_kind_valid"
            ),
        ]

    def __str__(self) -> str:
        return self.title or self.url or f"upload {self.upload_sha256[:12]}"


class Relation(models.TextChoices):
    CITED = "cited", "Cited in the article"
    SUPPORTS = "supports", "Supports"
    REFUTES = "refutes", "Refutes"
    CONTEXT = "context", "Context"


class Evidence(TimeStamped):
    """A link between a claim and a source, optionally pinned to a passage of a capture."""

    claim = models.ForeignKey("claims.Claim", on_delete=models.CASCADE, related_name="evidence")
    source = models.ForeignKey(Source, on_delete=models.PROTECT, related_name="evidence")
    relation = models.CharField(max_length=16, choices=Relation.choices, default=Relation.CITED)
    capture = models.ForeignKey(
        "Capture", null=True, blank=True, on_delete=models.PROTECT, related_name="evidence"
    )
    passage_start = models.PositiveIntegerField(null=True, blank=True)
    passage_end = models.PositiveIntegerField(null=True, blank=True)
    passage_text = models.TextField(blank=True)
    note = models.TextField(blank=True)
    added_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    # A retracted link stays (with its archive) for the record, but no verdict rests on it and
    # the public never sees it.
    retracted_at = models.DateTimeField(null=True, blank=True)
    retracted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    retraction_reason = models.TextField(blank=True)

    class Meta:
        verbose_name_plural = "evidence"
        ordering = ["created_at", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["claim", "source", "relation"],
                condition=Q(passage_start__isnull=True, retracted_at__isnull=True),
                name="one_unpinned_link_per_relation",
            ),
            models.CheckConstraint(
                condition=Q(relation__in=Relation.values), name="evidence_relation_valid"
            ),
            models.CheckConstraint(
                condition=(Q(passage_start__isnull=True) & Q(passage_end__isnull=True))
                | (
                    Q(passage_start__isnull=False)
                    & Q(passage_end__gt=F("passage_start"))
                    & Q(capture__isnull=False)
                ),
                name="evidence_passage_valid",
            ),
            models.CheckConstraint(
                condition=Q(retracted_at__isnull=True) | ~Q(retraction_reason=""),
                name="retracted_evidence_has_reason",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_relation_display()}: {self.source}"

    @property
    def is_retracted(self) -> bool:
        return self.retracted_at is not None


class CaptureState(models.TextChoices):
    QUEUED = "queued", "Queued"
    FETCHING = "fetching", "Fetching"
    ARCHIVED = "archived", "Archived"
    # Some bytes arrived and are archived, but the body is cut short or does not decode.
    PARTIAL = "partial", "Incomplete copy"
    FAILED = "failed", "Failed"
    BLOCKED = "blocked", "Blocked"


class TextStatus(models.TextChoices):
    """What became of a capture's text (the values of sources.isolation.TextStatus)."""

    PENDING = "pending", "Not read yet"
    OK = "ok", "Text extracted"
    EMPTY = "empty", "No text found"
    FAILED = "failed", "Text extraction failed"
    LIMIT = "limit", "Text extraction exceeded its limit"
    NOT_TEXT = "not_text", "No text in this kind of file"


class CaptureKind(models.TextChoices):
    HTTP = "http", "HTTP capture"
    # Chromium loads the page (every request through the fetcher): screenshot, rendered text.
    BROWSER = "browser", "Browser capture"


class Capture(models.Model):
    """One fetch (or upload) of a source: its state, the facts of the exchange, WARC and text."""

    source = models.ForeignKey(Source, on_delete=models.CASCADE, related_name="captures")
    kind = models.CharField(max_length=16, choices=CaptureKind.choices, default=CaptureKind.HTTP)
    state = models.CharField(
        max_length=16, choices=CaptureState.choices, default=CaptureState.QUEUED
    )
    attempts = models.PositiveSmallIntegerField(default=0)
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    queued_at = models.DateTimeField(auto_now_add=True, db_index=True)
    started_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)
    # Set while queued for a retry: the periodic sweep leaves it alone until then.
    next_attempt_at = models.DateTimeField(null=True, blank=True)
    # A retry due later than the broker can hold a message waits here instead: the periodic
    # sweep queues it at next_attempt_at (no countdown beyond the broker's visibility timeout).
    waits_in_database = models.BooleanField(default=False)
    requested_url = models.URLField(max_length=2000, blank=True)
    final_url = models.URLField(max_length=2000, blank=True)
    redirect_chain = models.JSONField(default=list, blank=True)
    http_status = models.PositiveSmallIntegerField(null=True, blank=True)
    headers = models.JSONField(default=list, blank=True)
    content_type = models.CharField(max_length=200, blank=True)
    size = models.PositiveBigIntegerField(null=True, blank=True)
    sha256 = models.CharField(max_length=64, blank=True, db_index=True)
    warc = models.FileField(upload_to="warcs/%Y/%m/", max_length=300, blank=True)
    # When the payload equals an earlier capture of the same source, that capture holds the bytes.
    same_payload_as = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    title = models.CharField(max_length=500, blank=True)
    text = models.TextField(blank=True)
    text_status = models.CharField(
        max_length=16, choices=TextStatus.choices, default=TextStatus.PENDING
    )
    text_reason = models.CharField(max_length=500, blank=True)
    # A PDF's first page drawn as a PNG (by the same limited child that reads its text).
    page_image = models.FileField(upload_to="renders/%Y/%m/", max_length=300, blank=True)
    failure_reason = models.TextField(blank=True)
    fetch_ms = models.PositiveIntegerField(null=True, blank=True)
    # Browser captures: the full-page PNG (also a resource record in the WARC) and the
    # provenance record (time, versions, budgets, addresses contacted, refused requests).
    screenshot = models.FileField(upload_to="screenshots/%Y/%m/", max_length=300, blank=True)
    provenance = models.JSONField(default=dict, blank=True)

    class Meta:
        ordering = ["-queued_at", "-id"]
        indexes = [
            models.Index(fields=["state", "queued_at"], name="capture_state_queued_idx"),
            models.Index(fields=["source", "-queued_at"], name="capture_source_latest_idx"),
            models.Index(
                fields=["next_attempt_at"],
                condition=Q(state="queued"),
                name="capture_queued_due_idx",
            ),
            # The sweep's other filter: captures still fetching since before its cutoff.
            models.Index(
                fields=["started_at"],
                condition=Q(state="fetching"),
                name="capture_fetching_started_idx",
            ),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(state__in=CaptureState.values), name="capture_state_valid"
            ),
            models.CheckConstraint(
                condition=~Q(state="archived") | ~Q(sha256=""), name="archived_capture_has_hash"
            ),
            models.CheckConstraint(
                condition=~Q(state__in=["failed", "blocked", "partial"]) | ~Q(failure_reason=""),
                name="failed_capture_has_reason",
            ),
            models.CheckConstraint(
                condition=Q(text_status__in=TextStatus.values), name="capture_text_status_valid"
            ),
            models.CheckConstraint(
                condition=Q(kind__in=CaptureKind.values), name="capture_kind_valid"
            ),
            models.CheckConstraint(
                condition=Q(text_status__in=["pending", "ok"]) | ~Q(text_reason=""),
                name="capture_text_problem_has_reason",
            ),
        ]

    def __str__(self) -> str:
        return f"Capture {self.pk} of {self.source} ({self.state})"

    @property
    def is_upload(self) -> bool:
        return not self.source.url

    @property
    def is_reading_text(self) -> bool:
        """Its archived bytes are being read again (a person asked for it)."""
        return (
            self.text_status == TextStatus.PENDING
            and self.state in (CaptureState.ARCHIVED, CaptureState.FAILED)
            and bool(self.warc)
        )

    @property
    def text_problem(self) -> bool:
        """Archived (or kept) bytes whose text could not be read: shown, and can be re-run."""
        return self.text_status in (TextStatus.EMPTY, TextStatus.FAILED, TextStatus.LIMIT)

    @property
    def is_pending(self) -> bool:
        return self.state in (CaptureState.QUEUED, CaptureState.FETCHING)

    @property
    def is_browser(self) -> bool:
        return self.kind == CaptureKind.BROWSER


class SuggestionVerdict(models.TextChoices):
    AGREES = "agrees", "Agrees"
    DISAGREES = "disagrees", "Disagrees"
    MENTIONS = "mentions", "Mentions"


class SuggestionStatus(models.TextChoices):
    OPEN = "open", "Open"
    CONFIRMED = "confirmed", "Confirmed"
    DISCARDED = "discarded", "Discarded"


# What a confirmed suggestion becomes: a passage that agrees supports the claim, and so on.
RELATION_FOR_VERDICT = {
    SuggestionVerdict.AGREES: Relation.SUPPORTS,
    SuggestionVerdict.DISAGREES: Relation.REFUTES,
    SuggestionVerdict.MENTIONS: Relation.CONTEXT,
}


class EvidenceSuggestion(TimeStamped):
    """A passage of a capture that the matcher found bearing on a claim, for a person to judge.

    passage_start/passage_end index capture.text (end exclusive) and passage_text is that slice;
    figure_start/figure_end index passage_text: the figure or date to highlight.
    """

    claim = models.ForeignKey(
        "claims.Claim", on_delete=models.CASCADE, related_name="evidence_suggestions"
    )
    capture = models.ForeignKey(Capture, on_delete=models.CASCADE, related_name="suggestions")
    passage_start = models.PositiveIntegerField()
    passage_end = models.PositiveIntegerField()
    passage_text = models.TextField()
    figure_start = models.PositiveIntegerField()
    figure_end = models.PositiveIntegerField()
    verdict = models.CharField(max_length=16, choices=SuggestionVerdict.choices)
    score = models.FloatField()
    # "source says 1,200 containers; claim says more than 1,000 containers: agrees"
    comparison = models.CharField(max_length=500)
    # What the matcher read at the figure: raw text, value, unit, scale, date (for the API).
    found = models.JSONField(default=dict, blank=True)
    status = models.CharField(
        max_length=16, choices=SuggestionStatus.choices, default=SuggestionStatus.OPEN
    )
    # The evidence a confirmation made (kept null if that evidence is later removed).
    evidence = models.ForeignKey(
        Evidence, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    decided_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-score", "passage_start", "id"]
        indexes = [
            models.Index(fields=["claim", "status", "-score"], name="suggestion_claim_idx"),
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["claim", "capture", "passage_start", "passage_end"],
                name="one_suggestion_per_passage",
            ),
            models.CheckConstraint(
                condition=Q(verdict__in=SuggestionVerdict.values), name="suggestion_verdict_valid"
            ),
            models.CheckConstraint(
                condition=Q(status__in=SuggestionStatus.values), name="suggestion_status_valid"
            ),
            models.CheckConstraint(
                condition=Q(passage_end__gt=F("passage_start")), name="suggestion_passage_valid"
            ),
            models.CheckConstraint(
                condition=Q(figure_end__gte=F("figure_start")), name="suggestion_figure_valid"
            ),
            models.CheckConstraint(
                condition=Q(score__gte=0) & Q(score__lte=1), name="suggestion_score_in_range"
            ),
        ]

    def __str__(self) -> str:
        verdict = self.get_verdict_display()
        return f"{verdict} in capture {self.capture_id} for claim {self.claim_id}"

    @property
    def relation(self) -> str:
        """What the passage becomes once confirmed: supports, refutes or context."""
        return RELATION_FOR_VERDICT[self.verdict]

    @property
    def is_comparison(self) -> bool:
        """Agrees or disagrees: a figure was compared (a mention compared nothing)."""
        return self.verdict != SuggestionVerdict.MENTIONS

    @property
    def relation_label(self) -> str:
        return Relation(self.relation).label

    @property
    def passage_parts(self) -> tuple[str, str, str]:
        """The passage cut around its figure: (before, figure, after), for highlighting."""
        text, start, end = self.passage_text, self.figure_start, self.figure_end
        return text[:start], text[start:end], text[end:]


class RecheckReason(models.TextChoices):
    CHANGED = "changed", "The passage changed"
    MISSING = "missing", "The passage disappeared"


class RecheckAlert(models.Model):
    """A published verdict's passage that a later capture of its source no longer shows as it was.

    Raised by the system (audit actor "recheck") when a source is captured again; an editor
    resolves it once the verdict has been looked at again.
    """

    claim = models.ForeignKey(
        "claims.Claim", on_delete=models.CASCADE, related_name="recheck_alerts"
    )
    evidence = models.ForeignKey(Evidence, on_delete=models.CASCADE, related_name="recheck_alerts")
    old_capture = models.ForeignKey(Capture, on_delete=models.PROTECT, related_name="+")
    new_capture = models.ForeignKey(Capture, on_delete=models.PROTECT, related_name="+")
    reason = models.CharField(max_length=16, choices=RecheckReason.choices)
    # What the new capture says instead (the closest sentence), when the passage changed.
    new_passage_text = models.TextField(blank=True)
    detail = models.CharField(max_length=500, blank=True)
    created_at = models.DateTimeField(auto_now_add=True, db_index=True)
    resolved_at = models.DateTimeField(null=True, blank=True)
    resolved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    resolution_note = models.TextField(blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [
            models.Index(
                fields=["claim", "created_at"],
                condition=Q(resolved_at__isnull=True),
                name="recheck_open_idx",
            ),
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["evidence", "new_capture"], name="one_recheck_alert_per_capture"
            ),
            models.CheckConstraint(
                condition=Q(reason__in=RecheckReason.values), name="recheck_reason_valid"
            ),
            models.CheckConstraint(
                condition=Q(resolved_at__isnull=True) | Q(resolved_by__isnull=False),
                name="resolved_alert_has_resolver",
            ),
        ]

    def __str__(self) -> str:
        return f"Re-check claim {self.claim_id}: {self.get_reason_display().lower()}"

    @property
    def is_open(self) -> bool:
        return self.resolved_at is None
