"""Read-only admin: gates change through their services (submission, decision, sign-off)."""

from django.contrib import admin

from apps.core.admin import ReadOnlyAdmin

from .models import Gate, GateEvent


@admin.register(Gate)
class GateAdmin(ReadOnlyAdmin):
    list_display = ("project", "stage", "state", "decision", "approved_at")
    list_filter = ("stage", "state")


@admin.register(GateEvent)
class GateEventAdmin(ReadOnlyAdmin):
    list_display = ("created_at", "gate", "kind", "actor")
    list_filter = ("kind",)
