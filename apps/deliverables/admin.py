"""Admin for deliverables: read-only views; changes go through the portal's pages, API and services."""

from django.contrib import admin

from apps.core.admin import ReadOnlyAdmin

from .models import Deliverable, ProjectDeliverable


@admin.register(Deliverable)
class DeliverableAdmin(ReadOnlyAdmin):
    """The registry is data in the repository (load_deliverables_registry)."""

    list_display = ("position", "name", "primary_stage", "owner_role", "cadence")
    list_filter = ("primary_stage", "cadence")


@admin.register(ProjectDeliverable)
class ProjectDeliverableAdmin(ReadOnlyAdmin):
    list_display = ("deliverable", "project", "owner", "status", "last_updated_on", "next_due_on")
    list_filter = ("status", "project")
