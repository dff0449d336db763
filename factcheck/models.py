"""Shared models: the timestamp base and the audit log that both apps write to."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q


class TimeStamped(models.Model):
    created_at = models.DateTimeField(auto_now_add=True, db_index=True)
    updated_at = models.DateTimeField(auto_now=True, db_index=True)

    class Meta:
        abstract = True


class AuditEvent(models.Model):
    """One editorial action or automated state change: who, what, on which object, before/after."""

    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="audit_events",
    )
    # A named system process (e.g. "capture-worker") when no person acted.
    system_actor = models.CharField(max_length=64, blank=True)
    # Who acted, as text (the username or the system process), written with the event: the history
    # keeps the name after the account is renamed, deactivated or deleted (actor becomes NULL).
    actor_name = models.CharField(max_length=150)
    # The request that wrote it (factcheck.request_id): one submission's events belong together.
    request_id = models.UUIDField(null=True, blank=True, db_index=True)
    action = models.CharField(max_length=64, db_index=True)
    # The object's model label ("claims.claim"): a plain string, so no cached content-type ids.
    object_type = models.CharField(max_length=64)
    object_id = models.CharField(max_length=64)
    object_repr = models.CharField(max_length=200, blank=True)
    # The claim the event belongs to, so a claim's history is one indexed query.
    claim = models.ForeignKey(
        "claims.Claim",
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="audit_events",
    )
    before = models.JSONField(default=dict, blank=True)
    after = models.JSONField(default=dict, blank=True)
    note = models.TextField(blank=True)
    created_at = models.DateTimeField(auto_now_add=True, db_index=True)

    class Meta:
        ordering = ["created_at", "id"]
        indexes = [
            models.Index(fields=["object_type", "object_id"], name="audit_object_idx"),
            models.Index(fields=["claim", "created_at"], name="audit_claim_time_idx"),
        ]
        constraints = [
            models.CheckConstraint(condition=~Q(actor_name=""), name="audit_has_actor_name"),
        ]

    def __str__(self) -> str:
        when = f"{self.created_at:%Y-%m-%d %H:%M}"
        return f"{when} {self.actor_name} {self.action} {self.object_repr}"

    @property
    def actor_removed(self) -> bool:
        """A person acted whose account has since been deleted (the name is all that is left)."""
        return self.actor_id is None and not self.system_actor


class SubmittedForm(models.Model):
    """A form submission that was acted on, by its one-time token: a second POST of the same form
    (a double click, a resend after a lost response) is shown the first one's result instead of
    being acted on again. See factcheck.submissions.
    """

    token = models.UUIDField(primary_key=True)
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    path = models.CharField(max_length=300)
    # SHA-256 of what was sent: the same token with other content (a form reused from the
    # browser's history and filled in again) is a new submission, not a resend.
    fingerprint = models.CharField(max_length=64)
    # Where the first submission sent the user, and the messages it showed them there.
    result_url = models.CharField(max_length=2000, blank=True)
    result_messages = models.JSONField(default=list, blank=True)
    created_at = models.DateTimeField(auto_now_add=True, db_index=True)

    def __str__(self) -> str:
        return f"{self.path} {self.token}"
