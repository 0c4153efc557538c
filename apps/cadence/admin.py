"""Admin for the governance cadence: read-only; series and records change through their pages and API."""

from django.contrib import admin

from apps.core.admin import ReadOnlyAdmin

from .models import ActionItem, CalendarFeed, ReviewDecision, ReviewOccurrence, ReviewSeries


@admin.register(ReviewSeries)
class ReviewSeriesAdmin(ReadOnlyAdmin):
    list_display = ("title", "project", "kind", "starts_on", "rule", "paused_on")
    list_filter = ("kind", "project")
    list_select_related = ("project",)


@admin.register(ReviewOccurrence)
class ReviewOccurrenceAdmin(ReadOnlyAdmin):
    list_display = ("series", "project", "scheduled_on", "held_on", "chair")
    list_filter = ("project",)
    list_select_related = ("series", "project", "chair")


@admin.register(ReviewDecision)
class ReviewDecisionAdmin(ReadOnlyAdmin):
    list_display = ("occurrence", "recorded_by", "created_at")
    list_select_related = ("occurrence__series", "recorded_by")


@admin.register(ActionItem)
class ActionItemAdmin(ReadOnlyAdmin):
    list_display = ("title", "project", "owner", "due_on", "done_on")
    list_select_related = ("project", "owner")


@admin.register(CalendarFeed)
class CalendarFeedAdmin(ReadOnlyAdmin):
    list_display = ("user", "project", "created_at", "revoked_at", "last_fetched_at")
    exclude = ("token_hash",)
    list_select_related = ("user", "project")
