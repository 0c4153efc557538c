"""RACI matrices in the admin: read-only; they change through the grid, the API or the import (the rules live in
the services)."""

from django.contrib import admin

from apps.core.admin import ReadOnlyAdmin

from .models import RaciActivity, RaciAssignment, RaciMatrix


@admin.register(RaciMatrix)
class RaciMatrixAdmin(ReadOnlyAdmin):
    list_display = ("project", "revision", "updated_at")
    search_fields = ("project__name",)


@admin.register(RaciActivity)
class RaciActivityAdmin(ReadOnlyAdmin):
    list_display = ("name", "project", "kind", "stage")
    list_filter = ("kind", "stage")
    search_fields = ("name", "project__name")


@admin.register(RaciAssignment)
class RaciAssignmentAdmin(ReadOnlyAdmin):
    list_display = ("activity", "role", "letter", "project")
    list_filter = ("letter", "role")
