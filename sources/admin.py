"""Admin for sources and captures, with each capture's state visible."""

from django.contrib import admin

from factcheck.admin import ReadOnlyAdmin
from factcheck.errors import DomainError
from sources.models import Capture, Source
from sources.services import capture_request


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
class SourceAdmin(ReadOnlyAdmin):
    actions = ["capture_again"]

    list_display = ["__str__", "domain", "kind", "created_at"]
    list_filter = ["kind", "domain"]
    search_fields = ["url", "title", "domain"]
    readonly_fields = ["upload_sha256", "created_by", "created_at", "updated_at"]
    inlines = [CaptureInline]

    @admin.action(description="Capture the selected sources again", permissions=["view"])
    def capture_again(self, request, queryset):
        queued = 0
        for source in queryset.exclude(url=""):
            try:
                capture_request(actor=request.user, source=source)
                queued += 1
            except DomainError as exc:
                self.message_user(request, f"{source}: {exc.message}", level="error")
        self.message_user(request, f"{queued} capture(s) queued; earlier captures are kept.")


@admin.register(Capture)
class CaptureAdmin(ReadOnlyAdmin):
    list_display = [
        "id",
        "source",
        "state",
        "text_status",
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
