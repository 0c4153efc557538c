"""Admin for projects: writes go through the same services as the UI and API."""

from django.contrib import admin, messages
from django.core.exceptions import ValidationError
from django.shortcuts import redirect

from apps.core.admin import ReadOnlyAdmin, ReadOnlyInline

from . import services
from .governance import governance_records
from .models import Membership, Project, ProjectGroupObjectPermission, ProjectUserObjectPermission


class MembershipInline(ReadOnlyInline):
    """Roles are added and removed on the membership admin (through the services), not inline."""

    model = Membership
    fields = ("user", "role", "added_by", "created_at")
    readonly_fields = fields
    show_change_link = True


@admin.register(Project)
class ProjectAdmin(admin.ModelAdmin):
    list_display = ("name", "slug", "use_case", "current_stage", "status", "updated_at")
    list_filter = ("status", "current_stage", "use_case")
    search_fields = ("name", "slug", "problem_statement")
    readonly_fields = ("created_by", "created_at", "updated_at")
    inlines = [MembershipInline]

    def get_readonly_fields(self, request, obj=None):
        # The stage moves through approved gates; an administrator overrides it with a reason on the stage
        # gates' admin ("Override a project's stage"), which records the reason in the gate history.
        return self.readonly_fields + (("slug", "current_stage") if obj else ())

    def save_model(self, request, obj, form, change):
        allowed = services.PROJECT_EDITABLE_FIELDS if change else services.PROJECT_CREATE_FIELDS
        fields = {name: form.cleaned_data[name] for name in allowed if name in form.cleaned_data}
        if change:
            form.instance = services.project_update(actor=request.user, project=obj, **fields)
        else:
            form.instance = services.project_create(
                actor=request.user, slug=form.cleaned_data.get("slug", ""), **fields
            )
        obj.pk = form.instance.pk

    def has_change_permission(self, request, obj=None):
        # A retired project is read-only everywhere, the admin included.
        return super().has_change_permission(request, obj) and not (obj is not None and obj.is_retired)

    def get_actions(self, request):
        # The stock bulk delete collects protected rows first and cannot say "retire it instead".
        actions = super().get_actions(request)
        actions.pop("delete_selected", None)
        return actions

    def delete_view(self, request, object_id, extra_context=None):
        project = self.get_object(request, object_id)
        if project is not None and governance_records(project):
            try:
                services.project_delete(actor=request.user, project=project)
            except ValidationError as error:
                self.message_user(request, " ".join(error.messages), messages.ERROR)
                return redirect("admin:projects_project_change", project.pk)
        return super().delete_view(request, object_id, extra_context)

    def delete_model(self, request, obj):
        services.project_delete(actor=request.user, project=obj)

    @admin.action(description="Delete selected projects (those without governance records)", permissions=["delete"])
    def delete_projects(self, request, queryset):
        deleted = 0
        for project in queryset:
            try:
                services.project_delete(actor=request.user, project=project)
            except ValidationError as error:
                self.message_user(request, " ".join(error.messages), messages.ERROR)
            else:
                deleted += 1
        if deleted:
            self.message_user(request, f"{deleted} project(s) deleted.", messages.SUCCESS)

    actions = ["delete_projects"]


@admin.register(Membership)
class MembershipAdmin(admin.ModelAdmin):
    list_display = ("user", "role", "project", "added_by", "created_at")
    list_filter = ("role", "project")
    search_fields = ("user__username", "user__first_name", "user__last_name", "project__name")
    fields = ("project", "user", "role")

    def has_change_permission(self, request, obj=None):
        # A role is added or removed, never edited in place, so permissions stay in step.
        return False

    def save_model(self, request, obj, form, change):
        membership = services.membership_add(actor=request.user, project=obj.project, user=obj.user, role=obj.role)
        obj.pk = membership.pk

    def delete_model(self, request, obj):
        services.membership_remove(actor=request.user, membership=obj)

    def delete_queryset(self, request, queryset):
        for membership in queryset:
            services.membership_remove(actor=request.user, membership=membership)


@admin.register(ProjectUserObjectPermission, ProjectGroupObjectPermission)
class ProjectObjectPermissionAdmin(ReadOnlyAdmin):
    """Read-only: per-project grants are derived from memberships (apps/projects/roles.py)."""

    list_display = ("content_object", "permission", "__str__")
    list_filter = ("permission",)
    list_select_related = ("content_object", "permission")
