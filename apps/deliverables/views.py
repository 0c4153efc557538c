"""Browser views: a project's deliverables and the cross-project registry (with CSV export)."""

from django.contrib import messages
from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.exceptions import ValidationError
from django.http import FileResponse, Http404
from django.shortcuts import get_object_or_404, redirect
from django.urls import reverse
from django.utils import timezone
from django.utils.functional import cached_property
from django.views import View
from django.views.generic import ListView, TemplateView

from apps.core.exports import tabular_response
from apps.core.lazy_choices import lazy_choices_response, lazy_fields
from apps.projects import roles
from apps.projects.access import ProjectAccessMixin
from apps.projects.selectors import project_members

from . import selectors, services
from .choices import DeliverableStatus
from .filters import LAZY_FIELDS, RegistryFilter
from .forms import DeliverableInlineForm, ProjectDeliverableForm
from .models import ProjectDeliverable


def _summary(queryset) -> dict:
    rows = list(queryset)
    return {
        "total": len(rows),
        "stale": sum(1 for row in rows if row.is_stale),
        "approved": sum(1 for row in rows if row.status == DeliverableStatus.APPROVED),
        "unowned": sum(1 for row in rows if row.owner_id is None),
    }


class ProjectDeliverableMixin(ProjectAccessMixin):
    # Owners update their own deliverables and managers all of them: the service decides (403 otherwise).
    permission_required = {"GET": roles.VIEW, "POST": roles.VIEW}

    @cached_property
    def members(self):
        return project_members(project=self.project)

    def get_context_data(self, **kwargs):
        return super().get_context_data(
            can_manage=roles.MANAGE_DELIVERABLES in self.project_perms,
            members=list(self.members),
            statuses=DeliverableStatus.choices,
            **kwargs,
        )


class ProjectDeliverableListView(ProjectDeliverableMixin, TemplateView):
    template_name = "deliverables/project_deliverable_list.html"

    def get_context_data(self, **kwargs):
        deliverables = list(selectors.project_deliverable_list(project=self.project))
        return super().get_context_data(deliverables=deliverables, summary=_summary(deliverables), **kwargs)


class ProjectDeliverableSetupView(ProjectAccessMixin, View):
    http_method_names = ["post"]
    permission_required = {"POST": roles.MANAGE_DELIVERABLES}

    def post(self, request, *args, **kwargs):
        created = services.project_deliverables_setup(actor=request.user, project=self.project)
        messages.success(request, f"{len(created)} deliverable(s) added from the registry; owners filled in by role.")
        return redirect("deliverables:project-deliverable-list", project_slug=self.project.slug)


class ProjectDeliverableObjectMixin(ProjectDeliverableMixin):
    @cached_property
    def project_deliverable(self) -> ProjectDeliverable:
        return get_object_or_404(
            ProjectDeliverable.objects.select_related("deliverable", "owner", "project"),
            project=self.project,
            pk=self.kwargs["pk"],
        )


class ProjectDeliverableInlineView(ProjectDeliverableObjectMixin, TemplateView):
    """htmx: owner or status changed in the table; answers with the row (and any error in it)."""

    http_method_names = ["post"]
    template_name = "deliverables/partials/deliverable_row.html"

    def post(self, request, *args, **kwargs):
        form = DeliverableInlineForm(request.POST, members=self.members)
        errors, pd = [], self.project_deliverable
        if form.is_valid():
            changes = {}
            if "status" in request.POST and form.cleaned_data["status"]:
                changes["status"] = form.cleaned_data["status"]
            if "owner" in request.POST:
                changes["owner"] = form.cleaned_data["owner"]
            try:
                pd = services.project_deliverable_update(actor=request.user, project_deliverable=pd, **changes)
            except ValidationError as error:
                errors = error.messages
        else:
            errors = [message for field_errors in form.errors.values() for message in field_errors]
        if not request.htmx:
            for message in errors:
                messages.error(request, message)
            return redirect("deliverables:project-deliverable-list", project_slug=self.project.slug)
        pd = get_object_or_404(selectors.project_deliverable_list(project=self.project), pk=pd.pk)
        return self.render_to_response(
            self.get_context_data(pd=pd, row_errors=errors, notice="" if errors else "Saved.")
        )


class ProjectDeliverableEditView(ProjectDeliverableObjectMixin, TemplateView):
    template_name = "deliverables/project_deliverable_form.html"

    def _form(self, data=None, files=None):
        pd = self.project_deliverable
        return ProjectDeliverableForm(
            data,
            files,
            members=self.members,
            can_manage=roles.MANAGE_DELIVERABLES in self.project_perms,
            initial={"owner": pd.owner_id, "status": pd.status, "link": pd.link, "last_updated_on": pd.last_updated_on},
        )

    def get_context_data(self, **kwargs):
        kwargs.setdefault("form", self._form())
        return super().get_context_data(pd=self.project_deliverable, **kwargs)

    def post(self, request, *args, **kwargs):
        form = self._form(request.POST, request.FILES)
        if form.is_valid():
            data = dict(form.cleaned_data)
            upload = data.pop("file")
            if form.fields["owner"].disabled:
                data.pop("owner")
            if data["last_updated_on"] == self.project_deliverable.last_updated_on:
                data.pop("last_updated_on")  # unchanged: let a change of status or link date itself
            try:
                pd = self.project_deliverable
                if upload:
                    pd = services.project_deliverable_attach_file(
                        actor=request.user, project_deliverable=pd, upload=upload
                    )
                services.project_deliverable_update(actor=request.user, project_deliverable=pd, **data)
            except ValidationError as error:
                if hasattr(error, "error_dict"):
                    for name, errors in error.message_dict.items():
                        form.add_error(name if name in form.fields else None, errors)
                else:
                    form.add_error(None, error)
            else:
                messages.success(request, f"“{pd.deliverable.name}” saved.")
                return redirect("deliverables:project-deliverable-list", project_slug=self.project.slug)
        return self.render_to_response(self.get_context_data(form=form))


class ProjectDeliverableDownloadView(ProjectDeliverableObjectMixin, View):
    def get(self, request, *args, **kwargs):
        pd = self.project_deliverable
        if not pd.file:
            raise Http404("This deliverable has no uploaded file.")
        return FileResponse(pd.file.open("rb"), as_attachment=True, filename=pd.file_name)


CSV_COLUMNS = [
    "project",
    "deliverable",
    "primary_stage",
    "owner",
    "owner_role",
    "status",
    "cadence",
    "next_due",
    "stale",
    "last_updated",
    "link",
    "purpose",
]


def _csv_rows(deliverables):
    for pd in deliverables.iterator(chunk_size=500):
        d = pd.deliverable
        yield (
            pd.project.name,
            d.name,
            d.get_primary_stage_display(),
            pd.owner.display_name if pd.owner else "",
            d.get_owner_role_display(),
            pd.get_status_display(),
            d.cadence_label,
            pd.due_display,
            "yes" if pd.is_stale else "no",
            pd.last_updated_on,
            pd.link,
            d.purpose,
        )


class RegistryView(LoginRequiredMixin, ListView):
    """The product manager's registry: deliverables of every project the user may see."""

    template_name = "deliverables/registry.html"
    context_object_name = "deliverables"
    paginate_by = 50

    def get(self, request, *args, **kwargs):
        if request.GET.get("format") == "csv":
            return self.export_csv()
        return super().get(request, *args, **kwargs)

    def get_queryset(self):
        return selectors.registry_list(user=self.request.user, filters=self.request.GET)

    def get_context_data(self, **kwargs):
        query = self.request.GET.copy()
        query.pop("page", None)
        query.pop("format", None)
        filterset = RegistryFilter(self.request.GET or None, user=self.request.user)
        return super().get_context_data(
            filter=filterset,
            lazy_fields=lazy_fields(filterset, LAZY_FIELDS),
            lazy_names=list(LAZY_FIELDS),
            choices_url=reverse("deliverables:registry-choices"),
            query=query.urlencode(),
            today=timezone.localdate(),
            **kwargs,
        )

    def export_csv(self):
        stamp = timezone.now().strftime("%Y%m%d-%H%M")
        return tabular_response(
            fmt="csv",
            filename=f"deliverables-registry-{stamp}",
            columns=CSV_COLUMNS,
            rows=_csv_rows(self.get_queryset()),
        )


class RegistryChoicesView(LoginRequiredMixin, View):
    """GET ?field=project|owner&q=...: the registry filter's matching choices, as JSON (lazy drop-downs)."""

    def get(self, request):
        return lazy_choices_response(request, RegistryFilter(user=request.user), LAZY_FIELDS)
