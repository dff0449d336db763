"""Admin for articles, claims, the rating scale, ratings and verdicts: lists an editor would use.

Only the rating scale is edited here (through claims.services.scale, audited); everything else
changes through the workflow services (role, version and audit checks), so the admin finds and
shows it.
"""

from typing import Any

from django.contrib import admin

from claims.evidence import admin as evidence_admin  # noqa: F401 - registers evidence's admin
from claims.models import (
    Article,
    Claim,
    ClaimComment,
    ClaimFigure,
    Rating,
    RatingRevision,
    RatingScale,
    VerdictVersion,
)
from claims.services.scale import rating_scale_save
from factcheck.admin import ReadOnly, ReadOnlyAdmin


@admin.register(Article)
class ArticleAdmin(ReadOnlyAdmin):
    list_display = ["title", "publisher", "author", "published_on", "language", "created_at"]
    list_filter = ["publisher", "language", "published_on"]
    search_fields = ["title", "publisher", "author", "url"]
    date_hierarchy = "published_on"
    readonly_fields = ["content_hash", "created_by", "created_at", "updated_at"]


class ClaimFigureInline(ReadOnly, admin.TabularInline):
    """A claim's figures, read-only: the claims service writes them with the claim."""

    model = ClaimFigure
    extra = 0
    fields = ["position", "display", "direction", "change", "baseline", "concept", "period"]
    readonly_fields = fields

    @admin.display(description="figure")
    def display(self, obj: ClaimFigure) -> str:
        return obj.display

    @admin.display(description="own period")
    def period(self, obj: ClaimFigure) -> str:
        return obj.period_display or "the claim's"


@admin.register(Claim)
class ClaimAdmin(ReadOnlyAdmin):
    inlines = [ClaimFigureInline]
    list_display = [
        "short_text",
        "kind",
        "figure",
        "period",
        "state",
        "rating",
        "assignee",
        "updated_at",
    ]
    list_filter = ["state", "kind", "rating", "date_precision", "unit", "assignee"]
    search_fields = ["text", "claimant", "span_text", "article__title"]
    list_select_related = ["rating", "assignee"]
    raw_id_fields = ["article"]

    readonly_fields = [
        "state",
        "rating",
        "published_at",
        "version",
        "span_text",
        "created_by",
        "created_at",
        "updated_at",
    ]

    @admin.display(description="claim")
    def short_text(self, obj: Claim) -> str:
        return obj.text[:90]

    @admin.display(description="figure")
    def figure(self, obj: Claim) -> str:
        return obj.figure_display

    @admin.display(description="period")
    def period(self, obj: Claim) -> str:
        return obj.period_display


@admin.register(RatingScale)
class RatingScaleAdmin(admin.ModelAdmin):
    """Adds and changes go through claims.services.scale (audited); entries are never deleted."""

    list_display = ["label", "slug", "rating_value", "colour", "order", "graded", "active"]
    list_editable = ["order", "graded", "active"]
    search_fields = ["label", "meaning"]

    def save_model(self, request: Any, obj: RatingScale, form: Any, change: bool) -> None:
        rating_scale_save(actor=request.user, entry=obj)

    def has_delete_permission(self, request: Any, obj: Any = None) -> bool:
        return False  # ratings and verdicts point at entries: make one inactive instead


@admin.register(Rating)
class RatingAdmin(ReadOnlyAdmin):
    list_display = ["claim", "reviewer", "scale", "revision", "updated_at"]
    list_filter = ["scale", "reviewer"]
    search_fields = ["claim__text", "rationale", "reviewer__username"]
    list_select_related = ["claim", "reviewer", "scale"]
    raw_id_fields = ["claim", "evidence"]


@admin.register(VerdictVersion)
class VerdictVersionAdmin(ReadOnlyAdmin):
    list_display = ["claim", "number", "rating", "approved_by", "approved_at", "published_at"]
    list_filter = ["rating", "published_at"]
    search_fields = ["claim__text", "conclusion", "explanation", "correction_note"]
    list_select_related = ["claim", "rating", "approved_by"]
    raw_id_fields = ["claim", "evidence"]


@admin.register(RatingRevision)
class RatingRevisionAdmin(ReadOnlyAdmin):
    list_display = ["rating", "revision", "scale", "rated_at", "superseded_at"]
    list_filter = ["scale"]
    search_fields = ["rationale", "rating__claim__text", "rating__reviewer__username"]
    list_select_related = ["rating__claim", "rating__reviewer", "scale"]


@admin.register(ClaimComment)
class ClaimCommentAdmin(ReadOnlyAdmin):
    list_display = ["claim", "author", "kind", "claim_state", "created_at"]
    list_filter = ["kind", "claim_state"]
    search_fields = ["body", "claim__text", "author__username"]
    list_select_related = ["claim", "author"]
