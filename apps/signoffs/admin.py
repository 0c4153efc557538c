"""Read-only admin: sign-offs change only through the engine (apps/signoffs/services.py)."""

from django.contrib import admin

from apps.core.admin import ReadOnlyAdmin, ReadOnlyInline

from .models import Approver, SignoffEvent, SignoffRequest


class ApproverInline(ReadOnlyInline):
    model = Approver


class EventInline(ReadOnlyInline):
    model = SignoffEvent
    fields = ("created_at", "kind", "actor", "approver", "note", "fingerprint")
    readonly_fields = fields


@admin.register(SignoffRequest)
class SignoffRequestAdmin(ReadOnlyAdmin):
    list_display = ("title", "project", "state", "policy", "due_on", "requested_by", "created_at")
    list_filter = ("state", "policy", "project")
    search_fields = ("title", "project__name")
    inlines = [ApproverInline, EventInline]


@admin.register(Approver)
class ApproverAdmin(ReadOnlyAdmin):
    list_display = ("request", "role", "user")


@admin.register(SignoffEvent)
class SignoffEventAdmin(ReadOnlyAdmin):
    list_display = ("created_at", "request", "kind", "actor", "approver")
    list_filter = ("kind",)
