"""Admin for checklists: templates are uploaded and browsed here; writes go through the services."""

from django import forms
from django.contrib import admin, messages

from apps.core.admin import ReadOnlyAdmin

from . import services
from .models import (
    ChecklistTemplate,
    Evidence,
    ItemComment,
    ItemResponse,
    ItemReview,
    ProjectChecklist,
    TemplateItem,
    TemplateSection,
    TemplateVersion,
)


class TemplateUploadAdminForm(forms.ModelForm):
    file = forms.FileField(help_text="A template YAML file (docs/checklist-templates.md).")

    class Meta:
        model = ChecklistTemplate
        fields = []

    def clean_file(self):
        upload = self.cleaned_data["file"]
        content = upload.read()
        services.template_upload_check(content=content, file_name=upload.name)
        upload.seek(0)
        return upload


@admin.register(ChecklistTemplate)
class ChecklistTemplateAdmin(ReadOnlyAdmin):
    """Adding a template here uploads an organisation template through the same service as the UI and API."""

    list_display = ("key", "origin", "current_version", "updated_at")
    list_filter = ("origin",)
    search_fields = ("key", "current_version__name")

    def has_add_permission(self, request, obj=None):
        return admin.ModelAdmin.has_add_permission(self, request)

    def get_form(self, request, obj=None, **kwargs):
        if obj is None:
            return TemplateUploadAdminForm
        return super().get_form(request, obj, **kwargs)

    def get_fields(self, request, obj=None):
        return ["file"] if obj is None else ["key", "origin", "current_version", "created_by"]

    def save_model(self, request, obj, form, change):
        upload = form.cleaned_data["file"]
        version, created = services.template_upload(actor=request.user, content=upload.read(), file_name=upload.name)
        obj.pk = version.template_id
        if not created:
            messages.info(request, f"No change: identical to version {version.number}.")


@admin.register(TemplateVersion)
class TemplateVersionAdmin(ReadOnlyAdmin):
    list_display = ("template", "number", "name", "gate", "created_at", "loaded_by")
    list_filter = ("template__origin", "gate")
    exclude = ("document",)


@admin.register(ProjectChecklist)
class ProjectChecklistAdmin(ReadOnlyAdmin):
    list_display = ("project", "version", "applied_by", "created_at")
    list_filter = ("template",)


@admin.register(ItemResponse)
class ItemResponseAdmin(ReadOnlyAdmin):
    list_display = ("checklist", "item", "status", "owner", "completed_by", "updated_at")
    list_filter = ("status",)


@admin.register(ItemReview)
class ItemReviewAdmin(ReadOnlyAdmin):
    list_display = ("response", "reviewer", "status_reviewed", "created_at")


@admin.register(TemplateSection)
class TemplateSectionAdmin(ReadOnlyAdmin):
    list_display = ("title", "version", "position")
    list_filter = ("version__template",)


@admin.register(TemplateItem)
class TemplateItemAdmin(ReadOnlyAdmin):
    list_display = ("key", "title", "version", "stage", "requirement", "kind")
    list_filter = ("version__template", "stage", "requirement", "kind")
    search_fields = ("key", "title")


@admin.register(Evidence)
class EvidenceAdmin(ReadOnlyAdmin):
    list_display = ("response", "kind", "added_by", "created_at")
    list_filter = ("kind",)


@admin.register(ItemComment)
class ItemCommentAdmin(ReadOnlyAdmin):
    list_display = ("response", "author", "created_at")
