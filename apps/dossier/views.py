"""The dossier's pages: the request form (sections to include) and the verify page."""

from django.core.exceptions import ValidationError
from django.shortcuts import redirect
from django.views.generic import FormView

from apps.core.forms import add_service_errors
from apps.documents.selectors import documents_of_kind
from apps.documents.services import document_request
from apps.projects import roles
from apps.projects.access import ProjectAccessMixin

from .forms import DossierRequestForm, ManifestVerifyForm
from .services import KIND, dossier_verify

# Requesting the dossier writes nothing to the project: reading its audit trail is what it takes.
PERMISSIONS = {"GET": roles.VIEW_AUDIT, "POST": roles.VIEW_AUDIT}


class DossierRequestView(ProjectAccessMixin, FormView):
    """Pick the sections; the dossier is generated in the background and the status page follows it."""

    permission_required = PERMISSIONS
    # A retired project is kept for audit: its dossier is exactly what an auditor asks for.
    writable_when_retired = True
    template_name = "dossier/request.html"
    form_class = DossierRequestForm

    def form_valid(self, form):
        try:
            document = document_request(
                actor=self.request.user,
                project=self.project,
                kind=KIND,
                params={"sections": form.cleaned_data["sections"]},
            )
        except ValidationError as error:
            add_service_errors(form, error)
            return self.form_invalid(form)
        return redirect(document.get_absolute_url())

    def get_context_data(self, **kwargs):
        recent = documents_of_kind(user=self.request.user, project=self.project, kind=KIND)[:5]
        return super().get_context_data(recent=recent, **kwargs)


class DossierVerifyView(ProjectAccessMixin, FormView):
    """Check a dossier's manifest against the portal: each section still matching, or not, by name."""

    permission_required = PERMISSIONS
    writable_when_retired = True  # verifying reads; it writes nothing to the project
    template_name = "dossier/verify.html"
    form_class = ManifestVerifyForm

    def form_valid(self, form):
        try:
            verification = dossier_verify(project=self.project, manifest=form.cleaned_data["manifest"])
        except ValidationError as error:
            add_service_errors(form, error)
            return self.form_invalid(form)
        return self.render_to_response(self.get_context_data(form=ManifestVerifyForm(), verification=verification))
