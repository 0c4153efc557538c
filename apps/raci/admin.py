from django.contrib import admin

from .models import RaciActivity, RaciAssignment, RaciMatrix


class ReadOnlyInAdmin(admin.ModelAdmin):
    """Matrices change through the grid, the API or the import (services check the rules); the admin reads."""

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(RaciMatrix)
class RaciMatrixAdmin(ReadOnlyInAdmin):
    list_display = ("project", "revision", "updated_at")
    search_fields = ("project__name",)


@admin.register(RaciActivity)
class RaciActivityAdmin(ReadOnlyInAdmin):
    list_display = ("name", "project", "kind", "stage")
    list_filter = ("kind", "stage")
    search_fields = ("name", "project__name")


@admin.register(RaciAssignment)
class RaciAssignmentAdmin(ReadOnlyInAdmin):
    list_display = ("activity", "role", "letter", "project")
    list_filter = ("letter", "role")
