"""Admin for the audit log: read-only, searchable by actor, action and object."""

from django.contrib import admin

from factcheck.models import AuditEvent


class ReadOnly:
    """No add, change or delete: for admins and inlines of rows only the services may write."""

    def has_add_permission(self, request, obj=None) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False


class ReadOnlyAdmin(ReadOnly, admin.ModelAdmin):
    """Admin for finding and reading rows that only the services may write (audit, workflow)."""


@admin.register(AuditEvent)
class AuditEventAdmin(ReadOnlyAdmin):
    list_display = ["created_at", "actor_name", "action", "object_repr", "claim", "request_id"]
    list_filter = ["action", "system_actor", "object_type"]
    search_fields = ["action", "object_repr", "actor_name", "note", "=request_id"]
    list_select_related = ["actor", "claim"]
    date_hierarchy = "created_at"
