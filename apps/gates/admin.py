"""Read-only admin: gates change through their services (submission, decision, sign-off).

The one exception is the administrator's stage override: a page of its own (superusers only) that calls
`services.project_stage_override` with a reason, which lands in the gate history and the audit trail.
"""

from django import forms
from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.urls import path

from apps.core.admin import ReadOnlyAdmin
from apps.core.forms import add_service_errors
from apps.projects.choices import Stage
from apps.projects.models import Project

from . import services
from .models import Gate, GateEvent


class StageOverrideForm(forms.Form):
    project = forms.ModelChoiceField(queryset=Project.objects.order_by("name"))
    stage = forms.ChoiceField(choices=Stage.choices, label="Set the lifecycle stage to")
    reason = forms.CharField(
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="Recorded in the history of both gates and in the audit trail.",
    )


@admin.register(Gate)
class GateAdmin(ReadOnlyAdmin):
    list_display = ("project", "stage", "state", "decision", "approved_at")
    list_filter = ("stage", "state")
    change_list_template = "admin/gates/gate/change_list.html"

    def get_urls(self):
        override = self.admin_site.admin_view(self.stage_override_view)
        return [path("stage-override/", override, name="gates_stage_override"), *super().get_urls()]

    def stage_override_view(self, request):
        """Set a project's stage outside the gates, with a reason (superusers only)."""
        if not request.user.is_superuser:
            raise PermissionDenied("Only an administrator can override a project's lifecycle stage.")
        form = StageOverrideForm(request.POST or None, initial={"project": request.GET.get("project")})
        if request.method == "POST" and form.is_valid():
            try:
                project = services.project_stage_override(actor=request.user, **form.cleaned_data)
            except ValidationError as error:
                add_service_errors(form, error)
            else:
                self.message_user(
                    request, f"{project} is now at {project.get_current_stage_display()}.", messages.SUCCESS
                )
                return redirect("admin:gates_gate_changelist")
        context = {
            **self.admin_site.each_context(request),
            "title": "Override a project's lifecycle stage",
            "form": form,
            "opts": self.model._meta,
        }
        return TemplateResponse(request, "admin/gates/stage_override.html", context)


@admin.register(GateEvent)
class GateEventAdmin(ReadOnlyAdmin):
    list_display = ("created_at", "gate", "kind", "actor")
    list_filter = ("kind",)
