"""The archive's records: sources and the captures that archive them (nothing of claims)."""

from __future__ import annotations

import sys
from typing import Any

from django.apps import apps
from django.conf import settings
from django.db import models
from django.db.models import Exists, OuterRef, Q

from factcheck.models import TimeStamped

# Evidence and its companions live in claims (the desk) since #16. The eval scorers (and any
# script written before) still import them from here: they resolve through the app registry,
# so this module imports nothing of claims.
_MOVED_TO_CLAIMS = ("Evidence", "EvidenceSuggestion", "RecheckAlert")
_MOVED_CHOICES = (
    "Relation",
    "SuggestionVerdict",
    "SuggestionStatus",
    "RecheckReason",
    "RELATION_FOR_VERDICT",
)


def __getattr__(name: str) -> Any:
    """Compatibility: ``sources.models.Evidence`` (and the other moved names) is the desk's."""
    if name in _MOVED_TO_CLAIMS:
        return apps.get_model("claims", name)
    if name in _MOVED_CHOICES:
        # The choices sit beside the models, in the module the registry names.
        module = sys.modules[apps.get_model("claims", "Evidence").__module__]
        return getattr(module, name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


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


class CaptureQuerySet(models.QuerySet):
    """Captures, with the one way to ask for each source's latest."""

    def latest_per_source(self, **among: Any) -> CaptureQuerySet:
        """Each source's newest capture (queued last; the higher id on a tie), one per source.

        ``among`` narrows what counts first: ``latest_per_source(state="archived")`` is each
        source's newest archived capture, however many captures came after it and failed. The
        result is a queryset, so it chains (``.filter(source_id=OuterRef("source_id"))`` makes it
        a correlated subquery) and is one query.
        """
        others = Capture.objects.filter(source_id=OuterRef("source_id"), **among)
        newer = others.filter(
            Q(queued_at__gt=OuterRef("queued_at"))
            | Q(queued_at=OuterRef("queued_at"), id__gt=OuterRef("id"))
        )
        return self.filter(**among).exclude(Exists(newer))


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
    # The WACZ package of the capture (sources/wacz.py) next to its WARC, with what was proven of
    # it: signed with the desk's key (fingerprint of its public key), timestamped by an RFC 3161
    # authority. wacz_problem says what did not happen and why (empty when all of it did).
    wacz = models.FileField(upload_to="warcs/%Y/%m/", max_length=300, blank=True)
    wacz_size = models.PositiveBigIntegerField(null=True, blank=True)
    wacz_sha256 = models.CharField(max_length=64, blank=True)
    wacz_signature = models.TextField(blank=True)
    wacz_signing_key = models.CharField(max_length=64, blank=True)
    wacz_signed_at = models.DateTimeField(null=True, blank=True)
    wacz_timestamped_at = models.DateTimeField(null=True, blank=True)
    wacz_timestamped_by = models.CharField(max_length=300, blank=True)
    wacz_problem = models.TextField(blank=True)

    objects = CaptureQuerySet.as_manager()

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

    @property
    def is_signed(self) -> bool:
        return self.wacz_signed_at is not None

    @property
    def is_timestamped(self) -> bool:
        return self.wacz_timestamped_at is not None

    @property
    def wacz_pending(self) -> bool:
        """Archived from the web, but its package is not written yet (nor has it failed)."""
        return (
            not self.wacz
            and not self.wacz_problem
            and bool(self.warc)
            and bool(self.requested_url)  # from the web (an upload has no URL)
            and self.state in (CaptureState.ARCHIVED, CaptureState.PARTIAL)
        )
