"""Admin for model cards: read-only. Models and revisions change through the app's pages and API,
whose services number revisions, validate content and keep approvals with what they signed."""

from django.contrib import admin

from apps.core.admin import ReadOnlyAdmin

from .models import CardEvent, CardRevision, MLModel


@admin.register(MLModel)
class MLModelAdmin(ReadOnlyAdmin):
    list_display = ("name", "key", "project", "is_current", "promoted_version", "last_number")
    list_filter = ("is_current",)
    search_fields = ("name", "key", "project__name")


@admin.register(CardRevision)
class CardRevisionAdmin(ReadOnlyAdmin):
    list_display = ("__str__", "project", "version", "source", "created_by", "created_at")
    list_filter = ("source",)
    search_fields = ("model__name", "version")


@admin.register(CardEvent)
class CardEventAdmin(ReadOnlyAdmin):
    list_display = ("__str__", "project", "kind", "actor", "created_at")
    list_filter = ("kind",)
