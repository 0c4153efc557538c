from django.contrib import admin

from apps.core.admin import ReadOnlyAdmin

from .models import AuditCheckpoint, AuditEntry, ChainVerification, SecurityEvent

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


@admin.register(SecurityEvent)
class SecurityEventAdmin(AuditEntryAdmin):
    """Sign-ins, lockouts, API tokens and exports: read-only."""

    list_display = ("id", "created_at", "kind", "username", "user", "ip_address", "project_id")
    list_filter = ("kind",)
    search_fields = ("username", "user__username", "ip_address")
    readonly_fields = [f.name for f in SecurityEvent._meta.fields]


@admin.register(AuditCheckpoint)
class AuditCheckpointAdmin(AuditEntryAdmin):
    """Signed checkpoints of the chain: read-only."""

    list_display = ("id", "created_at", "entry_count", "head_id", "head_hash")
    list_filter = ()
    search_fields = ()
    readonly_fields = [f.name for f in AuditCheckpoint._meta.fields]


@admin.register(ChainVerification)
class ChainVerificationAdmin(AuditEntryAdmin):
    """Recorded verifications of the chain: read-only."""

    list_display = ("id", "ran_at", "trigger", "intact", "entries_checked", "first_broken_entry_id")
    list_filter = ("intact", "trigger")
    search_fields = ()
    readonly_fields = [f.name for f in ChainVerification._meta.fields]
