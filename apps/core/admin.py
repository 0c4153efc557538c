"""Admin building blocks: records that change only through their services are read-only here."""

from django.contrib import admin


class ReadOnlyAdmin(admin.ModelAdmin):
    """Browse and search, never add, change or delete: writes go through the services (and the audit trail).

    An admin that adds through a service (a template upload, say) overrides
    `has_add_permission` and `save_model`; everything else stays read-only.
    """

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


class ReadOnlyInline(admin.TabularInline):
    """The rows of a read-only parent (approvers, events, members): shown, never edited inline."""

    extra = 0
    can_delete = False

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False
