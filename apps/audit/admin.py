from django.contrib import admin

from apps.core.admin import ReadOnlyAdmin

from .models import AuditEntry

# auditlog registers its own (editable-looking) admin for the entry model; ours replaces it.
if admin.site.is_registered(AuditEntry):
    admin.site.unregister(AuditEntry)


@admin.register(AuditEntry)
class AuditEntryAdmin(ReadOnlyAdmin):
    """Read-only: the admin can browse the trail but never add, change or delete an entry."""

    list_display = ("id", "timestamp", "actor", "action", "content_type", "object_repr", "project_id")
    list_filter = ("action", "content_type")
    search_fields = ("object_repr", "actor__username", "actor_email")
    readonly_fields = [f.name for f in AuditEntry._meta.fields]
