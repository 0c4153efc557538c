"""Browser views for projects and their members: HTTP in, services and selectors, HTML out."""

from django.contrib import messages
from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import get_object_or_404, redirect
from django.views.generic import FormView, ListView, TemplateView

from apps.core.forms import add_service_errors
from apps.gates.selectors import gate_timeline

from . import roles, selectors, services
from .access import ProjectAccessMixin
from .choices import Stage
from .filters import ProjectFilter
from .forms import MembershipForm, ProjectForm, RetireForm
from .governance import governance_records
from .models import Membership


class ProjectListView(LoginRequiredMixin, ListView):
    template_name = "projects/project_list.html"
    context_object_name = "projects"
    paginate_by = 25

    def get_queryset(self):
        return selectors.project_list(user=self.request.user, filters=self.request.GET)

    def get_context_data(self, **kwargs):
        return super().get_context_data(
            filter=ProjectFilter(self.request.GET),
            can_create=self.request.user.has_perm("projects.add_project"),
            stages=Stage.choices,
            **kwargs,
        )


class ProjectCreateView(LoginRequiredMixin, FormView):
    template_name = "projects/project_form.html"
    form_class = ProjectForm

    def dispatch(self, request, *args, **kwargs):
        if request.user.is_authenticated and not request.user.has_perm("projects.add_project"):
            raise PermissionDenied("Only members of the Project Creators group can start projects.")
        return super().dispatch(request, *args, **kwargs)

    def form_valid(self, form):
        try:
            project = services.project_create(actor=self.request.user, **form.cleaned_data)
        except ValidationError as error:
            add_service_errors(form, error)
            return self.form_invalid(form)
        messages.success(self.request, f"Project “{project.name}” created. You are its Product Owner.")
        return redirect(project)


class ProjectDetailView(ProjectAccessMixin, TemplateView):
    template_name = "projects/project_detail.html"

    def get_context_data(self, **kwargs):
        return super().get_context_data(
            timeline=gate_timeline(project=self.project),
            members=selectors.project_roster(project=self.project),
            **kwargs,
        )


class ProjectUpdateView(ProjectAccessMixin, FormView):
    template_name = "projects/project_form.html"
    form_class = ProjectForm
    permission_required = {"GET": roles.CHANGE, "POST": roles.CHANGE}

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "instance": self.project}

    def form_valid(self, form):
        try:
            project = services.project_update(actor=self.request.user, project=self.project, **form.cleaned_data)
        except ValidationError as error:
            add_service_errors(form, error)
            return self.form_invalid(form)
        messages.success(self.request, "Project profile saved.")
        return redirect(project)


class ProjectDeleteView(ProjectAccessMixin, TemplateView):
    """Delete a project without governance records; a project with some is offered retirement instead."""

    template_name = "projects/project_confirm_delete.html"
    permission_required = {"GET": roles.DELETE, "POST": roles.DELETE}
    writable_when_retired = True  # a retired project without governance records may still go

    def get_context_data(self, **kwargs):
        return super().get_context_data(
            governance_records=governance_records(self.project),
            retire_form=kwargs.pop("retire_form", None) or RetireForm(),
            **kwargs,
        )

    def post(self, request, *args, **kwargs):
        if request.POST.get("confirm_name", "").strip() != self.project.name:
            messages.error(request, "Type the project's exact name to confirm deletion.")
            return redirect("projects:project-delete", project_slug=self.project.slug)
        name = self.project.name
        try:
            services.project_delete(actor=request.user, project=self.project)
        except ValidationError as error:
            return self.render_to_response(self.get_context_data(delete_error=" ".join(error.messages)), status=409)
        messages.success(request, f"Project “{name}” deleted. Its audit trail is kept.")
        return redirect("projects:project-list")


class ProjectRetireView(ProjectAccessMixin, FormView):
    """POST only: retire the project (read-only from now on, kept and auditable)."""

    http_method_names = ["post"]
    template_name = "projects/project_confirm_delete.html"
    form_class = RetireForm
    permission_required = {"POST": roles.DELETE}

    def form_valid(self, form):
        try:
            services.project_retire(actor=self.request.user, project=self.project, **form.cleaned_data)
        except ValidationError as error:
            add_service_errors(form, error)
            return self.form_invalid(form)
        messages.success(self.request, f"Project “{self.project.name}” retired: it is read-only and kept.")
        return redirect("projects:project-detail", project_slug=self.project.slug)

    def form_invalid(self, form):
        context = self.get_context_data(
            retire_form=form, governance_records=governance_records(self.project), form=form
        )
        return self.render_to_response(context, status=400)


class MemberListView(ProjectAccessMixin, FormView):
    """Members and their roles; Product Owners add and remove roles in place (htmx)."""

    template_name = "projects/members.html"
    form_class = MembershipForm
    permission_required = {"GET": roles.VIEW, "POST": roles.MANAGE_MEMBERS}

    def get_template_names(self):
        return ["projects/partials/members_panel.html"] if self.request.htmx else [self.template_name]

    def get_context_data(self, **kwargs):
        return super().get_context_data(
            members=selectors.project_roster(project=self.project),
            can_manage=roles.MANAGE_MEMBERS in self.project_perms,
            **kwargs,
        )

    def form_valid(self, form):
        try:
            membership = services.membership_add(actor=self.request.user, project=self.project, **form.cleaned_data)
        except ValidationError as error:
            add_service_errors(form, error)
            return self.form_invalid(form)
        messages.success(self.request, f"{membership.user} is now {membership.get_role_display()}.")
        return self._respond()

    def _respond(self):
        if self.request.htmx:
            return self.render_to_response(self.get_context_data(form=self.form_class()))
        return redirect("projects:member-list", project_slug=self.project.slug)


class MemberRemoveView(MemberListView):
    """POST only: take one role away from one person."""

    http_method_names = ["post"]
    permission_required = {"POST": roles.MANAGE_MEMBERS}

    def post(self, request, *args, **kwargs):
        membership = get_object_or_404(Membership, project=self.project, pk=kwargs["membership_id"])
        try:
            services.membership_remove(actor=request.user, membership=membership)
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
        else:
            messages.success(request, f"{membership.user} no longer holds {membership.get_role_display()}.")
        return self._respond()
