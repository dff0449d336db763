"""Admin for sources, evidence and captures, with each capture's state visible."""

from django.contrib import admin

from sources.models import Capture, Evidence, Source


class CaptureInline(admin.TabularInline):
    model = Capture
    extra = 0
    fields = [
        "state",
        "queued_at",
        "finished_at",
        "http_status",
        "size",
        "sha256",
        "failure_reason",
    ]
    readonly_fields = fields
    can_delete = False
    show_change_link = True

    def has_add_permission(self, request, obj=None) -> bool:
        return False


@admin.register(Source)
class SourceAdmin(admin.ModelAdmin):
    list_display = ["__str__", "domain", "kind", "created_at"]
    list_filter = ["kind", "domain"]
    search_fields = ["url", "title", "domain"]
    readonly_fields = ["upload_sha256", "created_by", "created_at", "updated_at"]
    inlines = [CaptureInline]


@admin.register(Evidence)
class EvidenceAdmin(admin.ModelAdmin):
    list_display = ["claim", "source", "relation", "added_by", "created_at"]
    list_filter = ["relation"]
    search_fields = ["claim__text", "source__url", "passage_text", "note"]
    list_select_related = ["claim", "source", "added_by"]
    raw_id_fields = ["claim", "source", "capture"]


@admin.register(Capture)
class CaptureAdmin(admin.ModelAdmin):
    list_display = [
        "id",
        "source",
        "state",
        "attempts",
        "http_status",
        "content_type",
        "size",
        "queued_at",
        "finished_at",
    ]
    list_filter = ["state", "content_type"]
    search_fields = ["source__url", "final_url", "sha256", "title", "failure_reason"]
    list_select_related = ["source"]
    readonly_fields = [f.name for f in Capture._meta.fields]

    def has_add_permission(self, request) -> bool:
        return False  # captures are made by linking a source, never by hand
