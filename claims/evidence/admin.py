"""Admin for the desk's evidence: links, suggested passages and re-check alerts (read-only:
they change through the evidence services)."""

from django.contrib import admin

from claims.evidence.models import Evidence, EvidenceSuggestion, RecheckAlert
from factcheck.admin import ReadOnlyAdmin


@admin.register(Evidence)
class EvidenceAdmin(ReadOnlyAdmin):
    list_display = ["claim", "source", "relation", "added_by", "created_at"]
    list_filter = ["relation"]
    search_fields = ["claim__text", "source__url", "passage_text", "note"]
    list_select_related = ["claim", "source", "added_by"]
    raw_id_fields = ["claim", "source", "capture"]


@admin.register(EvidenceSuggestion)
class EvidenceSuggestionAdmin(ReadOnlyAdmin):
    list_display = ["claim", "capture", "verdict", "score", "status", "created_at"]
    list_filter = ["verdict", "status"]
    search_fields = ["claim__text", "passage_text", "comparison"]
    list_select_related = ["claim", "capture"]


@admin.register(RecheckAlert)
class RecheckAlertAdmin(ReadOnlyAdmin):
    list_display = ["claim", "reason", "old_capture", "new_capture", "created_at", "resolved_at"]
    list_filter = ["reason", "resolved_at"]
    search_fields = ["claim__text", "detail", "new_passage_text"]
    list_select_related = ["claim", "old_capture", "new_capture"]
