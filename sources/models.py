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

    class Meta:
        verbose_name_plural = "evidence"
        ordering = ["created_at", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["claim", "source", "relation"],
                condition=Q(passage_start__isnull=True),
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
        ]

    def __str__(self) -> str:
        return f"{self.get_relation_display()}: {self.source}"


class CaptureState(models.TextChoices):
    QUEUED = "queued", "Queued"
    FETCHING = "fetching", "Fetching"
    ARCHIVED = "archived", "Archived"
    FAILED = "failed", "Failed"
    BLOCKED = "blocked", "Blocked"


class Capture(models.Model):
    """One fetch (or upload) of a source: its state, the facts of the exchange, WARC and text."""

    source = models.ForeignKey(Source, on_delete=models.CASCADE, related_name="captures")
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
    failure_reason = models.TextField(blank=True)
    fetch_ms = models.PositiveIntegerField(null=True, blank=True)

    class Meta:
        ordering = ["-queued_at", "-id"]
        indexes = [
            models.Index(fields=["state", "queued_at"], name="capture_state_queued_idx"),
            models.Index(fields=["source", "-queued_at"], name="capture_source_latest_idx"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(state__in=CaptureState.values), name="capture_state_valid"
            ),
            models.CheckConstraint(
                condition=~Q(state="archived") | ~Q(sha256=""), name="archived_capture_has_hash"
            ),
            models.CheckConstraint(
                condition=~Q(state__in=["failed", "blocked"]) | ~Q(failure_reason=""),
                name="failed_capture_has_reason",
            ),
        ]

    def __str__(self) -> str:
        return f"Capture {self.pk} of {self.source} ({self.state})"

    @property
    def is_pending(self) -> bool:
        return self.state in (CaptureState.QUEUED, CaptureState.FETCHING)
