from django.contrib import admin

from apps.core.admin import ReadOnlyAdmin

from .models import GeneratedDocument


@admin.register(GeneratedDocument)
class GeneratedDocumentAdmin(ReadOnlyAdmin):
    list_display = ["title", "project", "kind", "state", "requested_by", "created_at"]
    list_filter = ["state", "kind"]
    list_select_related = ["project", "requested_by"]
