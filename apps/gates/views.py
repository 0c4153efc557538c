"""A stage gate's page: computed exit criteria, evidence, submission, decision, reopening, certificate."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404, HttpResponse
from django.shortcuts import redirect
from django.utils.functional import cached_property
from django.views import View
from django.views.generic import TemplateView

from apps.core.forms import add_service_errors
from apps.core.pdf import render_pdf
from apps.projects import roles
from apps.projects.access import ProjectAccessMixin
from apps.projects.choices import Role, Stage
from apps.projects.selectors import member_roles
from apps.signoffs.choices import EventKind

from . import selectors, services, states
from .criteria import gate_evidence
from .forms import CriteriaForm, DecisionForm, ReopenForm, SubmitForm
from .signed import signed_content

FORMS = {"submit": SubmitForm, "criteria": CriteriaForm, "decision": DecisionForm, "reopen": ReopenForm}


class GateMixin(ProjectAccessMixin):
    @cached_property
    def gate(self):
        if self.kwargs["stage"] not in Stage.values:
            raise Http404("No such lifecycle stage.")
        return selectors.gate_for(project=self.project, stage=self.kwargs["stage"])


class GateDetailView(GateMixin, TemplateView):
    template_name = "gates/gate_detail.html"
    permission_required = {"GET": roles.VIEW, "POST": roles.MANAGE_GATES}

    def get_context_data(self, **kwargs):
        gate = self.gate
        forms = {name: form_class(initial=self._initial(name)) for name, form_class in FORMS.items()}
        forms.update(kwargs.pop("bound", {}))
        return super().get_context_data(
            gate=gate,
            evidence=gate_evidence(gate),
            history=selectors.gate_history(gate=gate),
            signoff=services.current_signoff(gate) if gate.pk else None,
            forms=forms,
            actions=states.available_actions(gate, self.project_perms),
            shown_state=states.shown_state(gate),
            certificate=selectors.gate_certificate(gate=gate),
            **kwargs,
        )

    def _initial(self, name):
        if name == "criteria":
            return {"go_no_go_criteria": self.gate.go_no_go_criteria}
        if name == "decision":
            return {"decision": self.gate.decision, "decision_rationale": self.gate.decision_rationale}
        return {}

    def post(self, request, *args, **kwargs):
        action = request.POST.get("action")
        if action not in FORMS:
            raise Http404("Unknown action.")
        form = FORMS[action](request.POST)
        if form.is_valid():
            try:
                message = self._act(action, form.cleaned_data)
            except ValidationError as error:
                add_service_errors(form, error)
            else:
                messages.success(request, message)
                return redirect(self.gate.get_absolute_url())
        return self.render_to_response(self.get_context_data(bound={action: form}), status=400)

    def _act(self, action, data) -> str:
        actor, gate = self.request.user, self.gate
        if action == "submit":
            services.gate_submit(actor=actor, gate=gate, **data)
            return "Submitted: the approvers have been asked to sign off."
        if action == "criteria":
            services.gate_update_criteria(actor=actor, gate=gate, **data)
            return "Go / No-Go criteria saved."
        if action == "decision":
            gate = services.gate_record_decision(
                actor=actor, gate=gate, decision=data["decision"], rationale=data["decision_rationale"]
            )
            return f"Decision recorded: {gate.get_decision_display()}."
        services.gate_reopen(actor=actor, gate=gate, **data)
        return "Gate reopened; its history is kept."


class GateCertificateView(GateMixin, View):
    """The sign-off certificate of an approved gate, as PDF."""

    def get(self, request, *args, **kwargs):
        gate = self.gate
        certificate = selectors.gate_certificate(gate=gate)
        if certificate is None:
            raise Http404("Only an approved gate has a certificate.")
        signoff = certificate.signoff
        decisions = [event for event in signoff.events.select_related("actor", "approver") if event.approver_id]
        requester_roles = member_roles(project=self.project, user=signoff.requested_by)
        # The last approval completed it (closed_at moves on when a sign-off is invalidated).
        approved_at = max((event.created_at for event in decisions if event.kind == EventKind.APPROVED), default=None)
        pdf = render_pdf(
            "gates/pdf/certificate.html",
            {
                "project": self.project,
                "gate": gate,
                "signoff": signoff,
                "certificate": certificate,
                "requester_roles": [label for value, label in Role.choices if value in requester_roles],
                "decisions": decisions,
                "approved_at": approved_at,
                "signed": signed_content(gate, signoff.snapshot),
                "pdf_scope": self.project.name,
                "pdf_title": f"Sign-off certificate — {gate.get_stage_display()} gate"
                + (" (superseded)" if certificate.superseded else ""),
            },
            request=request,
        )
        response = HttpResponse(pdf, content_type="application/pdf")
        response["Content-Disposition"] = f'attachment; filename="signoff-{self.project.slug}-{gate.stage}.pdf"'
        return response
