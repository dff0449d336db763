"""Evidence: the desk's links from a claim to an archived source, the passages the matcher
suggests for it, and the re-check alerts a later capture raises on a published verdict.

These models moved here from sources (the archive knows nothing of claims); they keep their
tables (``db_table``: sources_evidence, sources_evidencesuggestion, sources_recheckalert), so the
move (claims 0010, sources 0006) changed Django's state and copied no row.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import F, Q

from factcheck.models import TimeStamped
from sources.models import Capture, Source


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
        Capture, null=True, blank=True, on_delete=models.PROTECT, related_name="evidence"
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
        db_table = "sources_evidence"
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
        db_table = "sources_evidencesuggestion"
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
        db_table = "sources_recheckalert"
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
