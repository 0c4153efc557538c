"""Browser views of incidents: HTTP in, services and selectors, HTML (or a file) out."""

from django.contrib import messages
from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.exceptions import ValidationError
from django.http import FileResponse, Http404, HttpResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.functional import cached_property
from django.views import View
from django.views.generic import FormView, ListView, TemplateView

from apps.core.forms import add_service_errors
from apps.core.lazy_choices import lazy_choices_response, lazy_fields
from apps.core.pdf import pdf_html, render_pdf
from apps.projects import roles
from apps.projects.access import ProjectAccessMixin
from apps.projects.choices import Role
from apps.risks.forms import RiskForm

from . import exports, selectors, services
from .choices import ACKNOWLEDGE_TARGET, MITIGATE_TARGET, REVIEW_DUE_BUSINESS_DAYS, Status
from .filters import LAZY_FIELDS
from .forms import (
    ActionItemForm,
    ArtifactForm,
    CloseForm,
    IncidentForm,
    ReviewForm,
    RiskLinkForm,
    RollbackForm,
    RunbookForm,
    SubmitReviewForm,
    TimelineEntryForm,
    TransitionForm,
)
from .models import ActionItem
from .runbook import TEMPLATE_FILE, incident_create_from_runbook, incident_runbook_import

READ = {"GET": roles.VIEW, "HEAD": roles.VIEW}
MANAGE = {"GET": roles.MANAGE_INCIDENTS, "POST": roles.MANAGE_INCIDENTS}
WRITE = {"POST": roles.MANAGE_INCIDENTS}
FILTER_FIELDS = ["severity", "status", "category"]


def _query_without(request, *names) -> str:
    query = request.GET.copy()
    for name in ("page", *names):
        query.pop(name, None)
    return query.urlencode()


class IncidentListView(ProjectAccessMixin, ListView):
    """A project's incidents: figures, filters and the table."""

    template_name = "incidents/incident_list.html"
    context_object_name = "incidents"
    paginate_by = 50

    @cached_property
    def filterset(self):
        return selectors.incident_filter(user=self.request.user, filters=self.request.GET, project=self.project)

    def get_queryset(self):
        return self.filterset.qs

    def get_context_data(self, **kwargs):
        everything = selectors.incident_list(user=self.request.user, project=self.project)
        return super().get_context_data(
            figures=selectors.incident_figures(everything),
            filter=self.filterset,
            filter_selects=FILTER_FIELDS,
            query=_query_without(self.request),
            can_manage=roles.MANAGE_INCIDENTS in self.project_perms,
            nav="projects",
            **kwargs,
        )


class PortfolioView(LoginRequiredMixin, ListView):
    """Every incident of every project the user may see, with filters and the portfolio's figures."""

    template_name = "incidents/portfolio.html"
    context_object_name = "incidents"
    paginate_by = 50

    @cached_property
    def filterset(self):
        return selectors.incident_filter(user=self.request.user, filters=self.request.GET)

    def get_queryset(self):
        return self.filterset.qs

    def get_context_data(self, **kwargs):
        return super().get_context_data(
            figures=selectors.incident_figures(self.filterset.qs),
            filter=self.filterset,
            filter_selects=FILTER_FIELDS,
            lazy_fields=lazy_fields(self.filterset, LAZY_FIELDS),
            choices_url=reverse("incidents:portfolio-choices"),
            query=_query_without(self.request),
            nav="incidents",
            **kwargs,
        )


class PortfolioChoicesView(LoginRequiredMixin, View):
    """GET ?field=project&q=...: the portfolio filter's matching projects, as JSON (a lazy drop-down)."""

    def get(self, request):
        return lazy_choices_response(request, selectors.incident_filter(user=request.user, filters={}), LAZY_FIELDS)


class IncidentAccessMixin(ProjectAccessMixin):
    """Views of one incident, /projects/<slug>/incidents/<code>/...: `self.incident`, 404 when unknown."""

    @cached_property
    def incident(self):
        incident = selectors.incident_get(user=self.request.user, project=self.project, code=self.kwargs["code"])
        if incident is None:
            raise Http404("No such incident in this project.")
        return incident

    def get_context_data(self, **kwargs):
        return super().get_context_data(incident=self.incident, nav="projects", **kwargs)


class IncidentCreateView(ProjectAccessMixin, FormView):
    template_name = "incidents/incident_form.html"
    form_class = IncidentForm
    permission_required = MANAGE

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "project": self.project}

    def form_valid(self, form):
        try:
            incident = services.incident_create(actor=self.request.user, project=self.project, **form.cleaned_data)
        except ValidationError as error:
            add_service_errors(form, error)
            return self.form_invalid(form)
        messages.success(self.request, f"{incident.code} opened.")
        return redirect(incident)


class IncidentUpdateView(IncidentAccessMixin, FormView):
    template_name = "incidents/incident_form.html"
    form_class = IncidentForm
    permission_required = MANAGE

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "project": self.project, "instance": self.incident}

    def form_valid(self, form):
        fields = {name: form.cleaned_data[name] for name in services.INCIDENT_EDITABLE_FIELDS}
        try:
            incident = services.incident_update(actor=self.request.user, incident=self.incident, **fields)
        except ValidationError as error:
            add_service_errors(form, error)
            return self.form_invalid(form)
        messages.success(self.request, f"{incident.code} saved.")
        return redirect(incident)


class IncidentDetailView(IncidentAccessMixin, TemplateView):
    """One incident: status and durations against the targets, people, rollback, channels, artifacts,
    risks, the timeline, the review and the action items."""

    template_name = "incidents/incident_detail.html"

    def get_context_data(self, **kwargs):
        incident = self.incident
        can_manage = roles.MANAGE_INCIDENTS in self.project_perms
        review = getattr(incident, "review", None)
        return super().get_context_data(
            can_manage=can_manage,
            transitions=[
                (Status(step), TransitionForm(initial={"to": step}))
                for step in services.available_transitions(incident)
            ],
            can_close=services.can_close(incident),
            close_form=CloseForm(),
            timeline=selectors.incident_timeline(incident=incident),
            timeline_form=TimelineEntryForm(),
            rollback_form=RollbackForm(),
            artifacts=selectors.incident_artifacts(incident=incident),
            artifact_form=ArtifactForm(),
            risk_links=selectors.incident_risk_links(incident=incident),
            risk_link_form=RiskLinkForm(project=self.project),
            action_items=selectors.incident_action_items(incident=incident),
            action_form=ActionItemForm(project=self.project),
            review=review,
            signoffs=selectors.review_signoffs(review=review) if review else [],
            roles=[
                ("Incident commander", incident.commander),
                ("Data scientist", incident.data_scientist),
                ("MLOps engineer", incident.mlops_engineer),
                ("Product owner", incident.product_owner),
                ("Compliance officer", incident.compliance_officer),
            ],
            acknowledge_target=ACKNOWLEDGE_TARGET,
            mitigate_target=MITIGATE_TARGET,
            **kwargs,
        )


class _IncidentActionView(IncidentAccessMixin, View):
    """POST-only step on an incident: validate the form, call the service, go back to the incident."""

    permission_required = WRITE
    form_class = None
    success = ""

    def get_form(self):
        return self.form_class(self.request.POST)

    def act(self, form):
        raise NotImplementedError

    def post(self, request, *args, **kwargs):
        form = self.get_form()
        if not form.is_valid():
            messages.error(request, " ".join(e for errors in form.errors.values() for e in errors))
            return redirect(self.incident)
        try:
            message = self.act(form)
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
        else:
            messages.success(request, message)
        return redirect(self.incident)


class IncidentTransitionView(_IncidentActionView):
    form_class = TransitionForm

    def act(self, form):
        incident = services.incident_transition(actor=self.request.user, incident=self.incident, **form.cleaned_data)
        message = f"{incident.code} is {incident.get_status_display().lower()}."
        if incident.status == Status.RESOLVED:
            message += f" The post-incident review is due {incident.review.due_on:%-d %b %Y}."
        return message


class IncidentCloseView(_IncidentActionView):
    form_class = CloseForm

    def act(self, form):
        incident = services.incident_close(actor=self.request.user, incident=self.incident, **form.cleaned_data)
        return f"{incident.code} is closed. Its action items are still chased until done."


class TimelineAddView(_IncidentActionView):
    form_class = TimelineEntryForm

    def act(self, form):
        services.timeline_add(actor=self.request.user, incident=self.incident, **form.cleaned_data)
        return "Added to the timeline."


class RollbackRecordView(_IncidentActionView):
    form_class = RollbackForm

    def act(self, form):
        incident = services.incident_rollback_record(
            actor=self.request.user, incident=self.incident, **form.cleaned_data
        )
        return f"Rollback to {incident.rollback_target_version} recorded."


class ArtifactAddView(_IncidentActionView):
    form_class = ArtifactForm

    def act(self, form):
        services.artifact_add(actor=self.request.user, incident=self.incident, **form.cleaned_data)
        return "Artifact recorded."


class RiskLinkView(_IncidentActionView):
    form_class = RiskLinkForm

    def get_form(self):
        return RiskLinkForm(self.request.POST, project=self.project)

    def act(self, form):
        link = services.incident_risk_link(actor=self.request.user, incident=self.incident, **form.cleaned_data)
        return f"{link.risk.code} linked."


class RiskOpenView(IncidentAccessMixin, FormView):
    """Record a new risk in the register from the incident, with the register's own form."""

    template_name = "incidents/risk_open.html"
    form_class = RiskForm
    permission_required = {"GET": roles.MANAGE_RISKS, "POST": roles.MANAGE_RISKS}

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "project": self.project}

    def get_initial(self):
        return {"title": self.incident.title[:200], "description": f"Opened from {self.incident.code}."}

    def form_valid(self, form):
        try:
            risk = services.incident_risk_open(actor=self.request.user, incident=self.incident, **form.cleaned_data)
        except ValidationError as error:
            add_service_errors(form, error)
            return self.form_invalid(form)
        messages.success(self.request, f"{risk.code} recorded in the risk register and linked.")
        return redirect(self.incident)


class ActionItemCreateView(_IncidentActionView):
    def get_form(self):
        return ActionItemForm(self.request.POST, project=self.project)

    def act(self, form):
        item = services.action_item_create(actor=self.request.user, incident=self.incident, **form.cleaned_data)
        return f"Action item “{item.title}” added for {item.owner.display_name}."


class ActionItemUpdateView(IncidentAccessMixin, FormView):
    template_name = "incidents/action_item_form.html"
    form_class = ActionItemForm
    permission_required = MANAGE
    extra_context = {"heading": "Edit action item", "submit_label": "Save action item"}

    @cached_property
    def item(self) -> ActionItem:
        item = ActionItem.objects.filter(incident=self.incident, pk=self.kwargs["pk"]).first()
        if item is None:
            raise Http404("No such action item.")
        return item

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "project": self.project, "instance": self.item}

    def get_context_data(self, **kwargs):
        return super().get_context_data(item=self.item, **kwargs)

    def form_valid(self, form):
        fields = {name: form.cleaned_data[name] for name in services.ACTION_EDITABLE_FIELDS}
        try:
            services.action_item_update(actor=self.request.user, item=self.item, **fields)
        except ValidationError as error:
            add_service_errors(form, error)
            return self.form_invalid(form)
        messages.success(self.request, "Action item saved.")
        return redirect(self.incident)


class ReviewView(IncidentAccessMixin, FormView):
    """The post-incident review: the template's sections, edited by those who manage incidents."""

    template_name = "incidents/review.html"
    form_class = ReviewForm
    permission_required = {"GET": roles.VIEW, "POST": roles.MANAGE_INCIDENTS}

    @cached_property
    def review(self):
        review = getattr(self.incident, "review", None)
        if review is None:
            raise Http404("The review opens when the incident is resolved.")
        return review

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "instance": self.review}

    def get_context_data(self, **kwargs):
        can_manage = roles.MANAGE_INCIDENTS in self.project_perms
        return super().get_context_data(
            review=self.review,
            can_edit=can_manage and self.incident.status != Status.CLOSED,
            can_submit=can_manage and self.incident.status == Status.RESOLVED,
            problems=services.review_problems(self.review),
            approver_roles=[Role(role).label for role in services.review_approver_roles(self.review)],
            submit_form=SubmitReviewForm(),
            signoffs=selectors.review_signoffs(review=self.review),
            timeline=selectors.incident_timeline(incident=self.incident),
            action_items=selectors.incident_action_items(incident=self.incident),
            business_days=REVIEW_DUE_BUSINESS_DAYS,
            **kwargs,
        )

    def form_valid(self, form):
        fields = {name: form.cleaned_data[name] for name in services.REVIEW_EDITABLE_FIELDS}
        try:
            services.review_update(actor=self.request.user, review=self.review, **fields)
        except ValidationError as error:
            add_service_errors(form, error)
            return self.form_invalid(form)
        messages.success(self.request, "Review saved.")
        return redirect(self.review)


class ReviewSubmitView(IncidentAccessMixin, View):
    permission_required = WRITE

    def post(self, request, *args, **kwargs):
        form = SubmitReviewForm(request.POST)
        form.is_valid()
        review = getattr(self.incident, "review", None)
        if review is None:
            raise Http404
        try:
            signoff = services.review_submit(actor=request.user, review=review, note=form.cleaned_data.get("note", ""))
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
            return redirect(review)
        messages.success(request, f"Review submitted for sign-off, due {signoff.due_on:%-d %b %Y}.")
        return redirect(review)


class ReviewExportView(IncidentAccessMixin, View):
    """GET .../review/export/<fmt>/: the review as PDF, Markdown, or the PDF's HTML preview."""

    def get(self, request, *args, fmt, **kwargs):
        review = getattr(self.incident, "review", None)
        if review is None or fmt not in ("pdf", "md", "html"):
            raise Http404
        context = exports.review_context(review=review)
        filename = exports.filename(review)
        if fmt == "md":
            response = HttpResponse(exports.review_markdown(context), content_type="text/markdown; charset=utf-8")
            response["Content-Disposition"] = f'attachment; filename="{filename}.md"'
            return response
        if fmt == "html":
            return HttpResponse(pdf_html(exports.PDF_TEMPLATE, context, request=request))
        response = HttpResponse(
            render_pdf(exports.PDF_TEMPLATE, context, request=request), content_type="application/pdf"
        )
        response["Content-Disposition"] = f'attachment; filename="{filename}.pdf"'
        return response


class RunbookImportView(IncidentAccessMixin, FormView):
    template_name = "incidents/runbook_import.html"
    form_class = RunbookForm
    permission_required = MANAGE
    extra_context = {"heading": "Import runbook", "submit_label": "Import"}

    def form_valid(self, form):
        try:
            incident_runbook_import(actor=self.request.user, incident=self.incident, text=form.cleaned_data["text"])
        except ValidationError as error:
            add_service_errors(form, error)
            return self.form_invalid(form)
        messages.success(self.request, "Runbook imported.")
        return redirect(self.incident)


class RunbookCreateView(ProjectAccessMixin, FormView):
    template_name = "incidents/runbook_import.html"
    form_class = RunbookForm
    permission_required = MANAGE
    extra_context = {"heading": "Open from runbook", "submit_label": "Open incident"}

    def form_valid(self, form):
        try:
            incident = incident_create_from_runbook(
                actor=self.request.user, project=self.project, text=form.cleaned_data["text"]
            )
        except ValidationError as error:
            add_service_errors(form, error)
            return self.form_invalid(form)
        messages.success(self.request, f"{incident.code} opened from the runbook.")
        return redirect(incident)


class RunbookTemplateView(LoginRequiredMixin, View):
    """Guide 003's runbook template as a YAML file, ready to fill in."""

    def get(self, request):
        return FileResponse(open(TEMPLATE_FILE, "rb"), as_attachment=True, filename="incident-runbook.yaml")  # noqa: SIM115 - FileResponse closes it


class WebhookSettingsView(ProjectAccessMixin, TemplateView):
    """The project's Alertmanager webhook: its URL, whether a token exists, and a new token (shown once)."""

    template_name = "incidents/webhook.html"
    permission_required = MANAGE

    def get_context_data(self, **kwargs):
        return super().get_context_data(
            counter=selectors.webhook_counter(project=self.project),
            webhook_url=self.request.build_absolute_uri(
                reverse("api-incident-alertmanager", kwargs={"project_slug": self.project.slug})
            ),
            **kwargs,
        )

    def post(self, request, *args, **kwargs):
        try:
            token = services.webhook_token_rotate(actor=request.user, project=self.project)
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
            return redirect(request.path)
        return self.render_to_response(self.get_context_data(new_token=token))
