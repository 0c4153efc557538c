"""Admin for incidents: read-only. Incidents change through their pages, the API and the webhook,
whose services keep codes, the status machine and the timeline consistent."""

from django.contrib import admin

from apps.core.admin import ReadOnlyAdmin

from .models import (
    ActionItem,
    Incident,
    IncidentArtifact,
    IncidentCounter,
    IncidentRiskLink,
    PostIncidentReview,
    TimelineEntry,
)


@admin.register(Incident)
class IncidentAdmin(ReadOnlyAdmin):
    list_display = ("__str__", "project", "severity", "category", "status", "detected_at", "resolved_at")
    list_filter = ("status", "severity", "category", "project")
    search_fields = ("title", "description", "project__name")
    list_select_related = ("project",)


@admin.register(IncidentCounter)
class IncidentCounterAdmin(ReadOnlyAdmin):
    list_display = ("project", "last_number", "webhook_token_hint", "webhook_token_created_at")
    exclude = ("webhook_token_hash",)


@admin.register(TimelineEntry)
class TimelineEntryAdmin(ReadOnlyAdmin):
    list_display = ("incident", "at", "kind", "author", "text")
    list_select_related = ("incident__project", "author")


@admin.register(PostIncidentReview)
class PostIncidentReviewAdmin(ReadOnlyAdmin):
    list_display = ("incident", "due_on", "approved_at")
    list_select_related = ("incident__project",)


@admin.register(ActionItem)
class ActionItemAdmin(ReadOnlyAdmin):
    list_display = ("title", "incident", "owner", "due_on", "status")
    list_filter = ("status",)
    list_select_related = ("incident__project", "owner")


@admin.register(IncidentArtifact)
class IncidentArtifactAdmin(ReadOnlyAdmin):
    list_display = ("incident", "kind", "reference")


@admin.register(IncidentRiskLink)
class IncidentRiskLinkAdmin(ReadOnlyAdmin):
    list_display = ("incident", "risk", "linked_by", "opened_from_incident", "created_at")
    list_select_related = ("incident__project", "risk__project", "linked_by")
