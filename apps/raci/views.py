"""Browser views of the RACI matrix: the grid with inline cell edits, views by role and by person,
team activities, exports, the CSV import and the approval request."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect
from django.utils import timezone
from django.utils.functional import cached_property
from django.views import View
from django.views.generic import FormView, TemplateView

from apps.core.forms import add_service_errors
from apps.projects import roles
from apps.projects.access import ProjectAccessMixin
from apps.projects.choices import Role, Stage

from . import exports, selectors, services
from .approval import MATRIX_APPROVERS
from .choices import ROLE_SHORT, ActivityKind
from .forms import ActivityForm, ImportForm, SubmitForm
from .importing import RaciImportError, raci_import
from .models import RaciActivity

MANAGE = {"GET": roles.MANAGE_RACI, "POST": roles.MANAGE_RACI}
POST_ONLY = {"POST": roles.MANAGE_RACI}


def role_columns(grid=None) -> list[dict]:
    return [
        {
            "value": role.value,
            "label": role.label,
            "short": ROLE_SHORT[role.value],
            "members": grid.members.get(role.value, []) if grid else [],
        }
        for role in Role
    ]


class MatrixMixin(ProjectAccessMixin):
    """Views of /projects/<slug>/raci/...: `self.matrix` (404 when the project has none yet)."""

    @cached_property
    def matrix(self):
        matrix = selectors.matrix_get(project=self.project)
        if matrix is None:
            raise Http404("This project has no RACI matrix yet.")
        return matrix

    @property
    def can_manage(self) -> bool:
        return roles.MANAGE_RACI in self.project_perms

    def get_context_data(self, **kwargs):
        return super().get_context_data(nav="projects", can_manage=self.can_manage, **kwargs)


class MatrixView(MatrixMixin, TemplateView):
    """The grid: activities by stage x roles, the rule violations, the approval."""

    template_name = "raci/matrix.html"

    def get_context_data(self, **kwargs):
        matrix = selectors.matrix_get(project=self.project)
        if matrix is None:  # a project from before the RACI app: managers set the default up
            return super().get_context_data(matrix=None, **kwargs)
        grid = selectors.grid_build(matrix=matrix)
        return super().get_context_data(
            matrix=matrix,
            grid=grid,
            roles=role_columns(grid),
            approval=services.matrix_approval_state(matrix=matrix),
            gate_routes=selectors.gate_routes(grid=grid),
            **kwargs,
        )


class MatrixSetupView(ProjectAccessMixin, View):
    """POST: give a project created before the RACI app its default matrix."""

    permission_required = POST_ONLY

    def post(self, request, *args, **kwargs):
        services.raci_matrix_setup(actor=request.user, project=self.project)
        messages.success(request, "The default matrix from the lifecycle guide is in place.")
        return redirect("raci:matrix", project_slug=self.project.slug)


class CellView(MatrixMixin, TemplateView):
    """htmx: one cell changed. Answers with the cell, and (out of band) the row's status and the violations."""

    permission_required = POST_ONLY
    http_method_names = ["post"]
    template_name = "raci/partials/cell_response.html"

    def post(self, request, *args, **kwargs):
        activity = get_object_or_404(RaciActivity.objects.select_related("matrix"), pk=kwargs["pk"], matrix=self.matrix)
        role = kwargs["role"]
        if role not in Role.values:
            raise Http404("No such role.")
        error = ""
        try:
            services.raci_cell_set(
                actor=request.user, activity=activity, role=role, letters=request.POST.get("letters", "")
            )
        except ValidationError as exc:
            error = " ".join(exc.messages)
        if not request.htmx:
            if error:
                messages.error(request, error)
            return redirect("raci:matrix", project_slug=self.project.slug)
        matrix = selectors.matrix_get(project=self.project)  # its revision moved on
        grid = selectors.grid_build(matrix=matrix)
        row = next(row for row in grid.rows if row.activity.pk == activity.pk)
        return self.render_to_response(
            self.get_context_data(
                grid=grid,
                row=row,
                role=next(column for column in role_columns(grid) if column["value"] == role),
                letters=row.cells.get(role, ""),
                matrix=matrix,
                approval=services.matrix_approval_state(matrix=matrix),
                error=error,
                notice="" if error else f"Saved: {Role(role).label} for “{activity.name}”.",
            )
        )


class ByRoleView(MatrixMixin, TemplateView):
    """Per role: what it is Accountable, Responsible, Consulted and Informed for. Your roles first."""

    template_name = "raci/by_role.html"

    def get_context_data(self, **kwargs):
        grid = selectors.grid_build(matrix=self.matrix)
        mine = set(self.project.memberships.filter(user=self.request.user).values_list("role", flat=True))
        entries = selectors.by_role(grid=grid)
        entries.sort(key=lambda entry: entry["role"].value not in mine)
        return super().get_context_data(grid=grid, entries=entries, my_roles=mine, **kwargs)


class ByPersonView(MatrixMixin, TemplateView):
    """Per member: through their roles, what they are Accountable, Responsible, Consulted and Informed for."""

    template_name = "raci/by_person.html"

    def get_context_data(self, **kwargs):
        grid = selectors.grid_build(matrix=self.matrix)
        people = selectors.by_person(grid=grid)
        people.sort(key=lambda entry: entry["user"].pk != self.request.user.pk)  # you first
        return super().get_context_data(grid=grid, people=people, **kwargs)


class ActivityCreateView(MatrixMixin, FormView):
    template_name = "raci/activity_form.html"
    form_class = ActivityForm
    permission_required = MANAGE

    def get_initial(self):
        return {"stage": self.request.GET.get("stage", self.project.current_stage)}

    def form_valid(self, form):
        try:
            activity = services.raci_activity_create(actor=self.request.user, matrix=self.matrix, **form.cleaned_data)
        except ValidationError as error:
            add_service_errors(form, error)
            return self.form_invalid(form)
        messages.success(self.request, f"“{activity.name}” added to {Stage(activity.stage).label}: now fill its row.")
        return redirect(f"{self.matrix.get_absolute_url()}#raci-row-{activity.pk}")


class ActivityUpdateView(MatrixMixin, FormView):
    template_name = "raci/activity_form.html"
    form_class = ActivityForm
    permission_required = MANAGE

    @cached_property
    def activity(self):
        return get_object_or_404(RaciActivity, pk=self.kwargs["pk"], matrix=self.matrix, kind=ActivityKind.CUSTOM)

    def get_initial(self):
        return {"name": self.activity.name, "stage": self.activity.stage}

    def get_context_data(self, **kwargs):
        return super().get_context_data(activity=self.activity, **kwargs)

    def form_valid(self, form):
        try:
            services.raci_activity_update(actor=self.request.user, activity=self.activity, **form.cleaned_data)
        except ValidationError as error:
            add_service_errors(form, error)
            return self.form_invalid(form)
        messages.success(self.request, "Activity saved.")
        return redirect(self.matrix.get_absolute_url())


class ActivityDeleteView(MatrixMixin, View):
    permission_required = POST_ONLY

    def post(self, request, *args, **kwargs):
        activity = get_object_or_404(RaciActivity, pk=kwargs["pk"], matrix=self.matrix, kind=ActivityKind.CUSTOM)
        try:
            services.raci_activity_delete(actor=request.user, activity=activity)
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
        else:
            messages.success(request, f"“{activity.name}” removed.")
        return redirect(self.matrix.get_absolute_url())


class ExportView(MatrixMixin, View):
    def get(self, request, *args, fmt, **kwargs):
        if fmt not in (*exports.FORMATS, "html"):
            raise Http404("Unknown export format.")
        grid = selectors.grid_build(matrix=self.matrix)
        approval = services.matrix_approval_state(matrix=self.matrix)["latest"]
        return exports.export_response(grid, fmt, approval=approval, request=request)


class ImportView(MatrixMixin, FormView):
    template_name = "raci/import.html"
    form_class = ImportForm
    permission_required = MANAGE

    def form_valid(self, form):
        try:
            result = raci_import(actor=self.request.user, matrix=self.matrix, upload=form.cleaned_data["file"])
        except RaciImportError as error:
            return self.render_to_response(self.get_context_data(form=form, row_errors=error.errors_by_row))
        except (ValidationError, PermissionDenied) as error:
            form.add_error(None, " ".join(getattr(error, "messages", [str(error)])))
            return self.form_invalid(form)
        added = f", {len(result.created)} activities added" if result.created else ""
        messages.success(self.request, f"Imported: {result.updated} activities updated{added}.")
        return redirect(self.matrix.get_absolute_url())


class SubmitView(MatrixMixin, FormView):
    """Ask the Executive Sponsor and the Product Owner to approve the matrix."""

    template_name = "raci/submit.html"
    form_class = SubmitForm
    permission_required = MANAGE

    def get_initial(self):
        return {"due_on": timezone.localdate() + timezone.timedelta(days=services.DEFAULT_APPROVAL_DAYS)}

    def get_context_data(self, **kwargs):
        grid = selectors.grid_build(matrix=self.matrix)
        return super().get_context_data(grid=grid, approvers=[Role(r) for r in MATRIX_APPROVERS], **kwargs)

    def form_valid(self, form):
        try:
            signoff = services.raci_matrix_submit(actor=self.request.user, matrix=self.matrix, **form.cleaned_data)
        except ValidationError as error:
            add_service_errors(form, error)
            return self.form_invalid(form)
        messages.success(self.request, "Approval requested from the Executive Sponsor and the Product Owner.")
        return redirect(signoff.get_absolute_url())
