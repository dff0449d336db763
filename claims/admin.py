"""Admin for articles, claims, the rating scale, ratings and verdicts: lists an editor would use."""

from django.contrib import admin

from claims.models import Article, Claim, Rating, RatingScale, VerdictVersion


@admin.register(Article)
class ArticleAdmin(admin.ModelAdmin):
    list_display = ["title", "publisher", "author", "published_on", "language", "created_at"]
    list_filter = ["publisher", "language", "published_on"]
    search_fields = ["title", "publisher", "author", "url"]
    date_hierarchy = "published_on"
    readonly_fields = ["content_hash", "created_by", "created_at", "updated_at"]


@admin.register(Claim)
class ClaimAdmin(admin.ModelAdmin):
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
    # State, rating and version move only through the editorial workflow.
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
    list_display = ["label", "slug", "rating_value", "colour", "order", "active"]
    list_editable = ["order", "active"]
    search_fields = ["label", "meaning"]


@admin.register(Rating)
class RatingAdmin(admin.ModelAdmin):
    list_display = ["claim", "reviewer", "scale", "revision", "updated_at"]
    list_filter = ["scale", "reviewer"]
    search_fields = ["claim__text", "rationale", "reviewer__username"]
    list_select_related = ["claim", "reviewer", "scale"]
    raw_id_fields = ["claim", "evidence"]

    def has_change_permission(self, request, obj=None) -> bool:
        return False  # ratings are independent: only their reviewer changes them, on the desk


@admin.register(VerdictVersion)
class VerdictVersionAdmin(admin.ModelAdmin):
    list_display = ["claim", "number", "rating", "approved_by", "approved_at", "published_at"]
    list_filter = ["rating", "published_at"]
    search_fields = ["claim__text", "conclusion", "explanation", "correction_note"]
    list_select_related = ["claim", "rating", "approved_by"]
    raw_id_fields = ["claim", "evidence"]

    def has_change_permission(self, request, obj=None) -> bool:
        return False  # versions are immutable; a correction adds a new one
