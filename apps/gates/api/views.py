from django.http import Http404
from drf_spectacular.utils import extend_schema
from rest_framework import viewsets
from rest_framework.decorators import action
from rest_framework.permissions import IsAuthenticated
from rest_framework.response import Response

from apps.projects import roles
from apps.projects.access import ProjectPermission, ProjectScopedAPIMixin, effective_perms
from apps.projects.choices import Stage
from apps.signoffs.api.serializers import SignoffRequestSerializer

from .. import selectors, services
from ..criteria import gate_evidence, project_records
from ..models import Gate
from .serializers import (
    CriteriaSerializer,
    GateSerializer,
    GoNoGoDecisionSerializer,
    ReopenSerializer,
    SubmitSerializer,
)


@extend_schema(tags=["stage gates"])
class GateViewSet(ProjectScopedAPIMixin, viewsets.GenericViewSet):
    """The project's eight stage gates with computed exit criteria and history.

    Approvers decide through /api/v1/projects/{slug}/signoffs/{id}/decide/.
    """

    queryset = Gate.objects.none()
    serializer_class = GateSerializer
    permission_classes = [IsAuthenticated, ProjectPermission]
    lookup_field = "stage"
    pagination_class = None  # always the eight gates, in stage order
    filter_backends = []
    project_permission_required = {
        "GET": roles.VIEW,
        "HEAD": roles.VIEW,
        "OPTIONS": roles.VIEW,
        "POST": roles.MANAGE_GATES,
    }

    def get_serializer_context(self):
        # The project's records are fetched once and every gate is judged from them, so the list
        # costs the same number of queries however many checklists and deliverables there are.
        computed, records = {}, []

        def evidence(gate):
            if gate.stage not in computed:
                if not records:
                    records.append(project_records(gate.project))
                computed[gate.stage] = gate_evidence(gate, records=records[0])
            return computed[gate.stage]

        histories = selectors.gate_histories(project=self.parent_project) if self.action == "list" else None
        return {
            **super().get_serializer_context(),
            "evidence": evidence,
            "perms": effective_perms(self.request.user, self.parent_project),
            "history": lambda gate: (
                histories.get(gate.pk, []) if histories is not None else selectors.gate_history(gate=gate)
            ),
        }

    def _gate(self, stage):
        if stage not in Stage.values:
            raise Http404
        return selectors.gate_for(project=self.parent_project, stage=stage)

    def list(self, request, project_slug=None):
        gates = [step.gate for step in selectors.gate_timeline(project=self.parent_project)]
        return Response(self.get_serializer(gates, many=True).data)

    def retrieve(self, request, project_slug=None, stage=None):
        return Response(self.get_serializer(self._gate(stage)).data)

    def _run(self, serializer_class, service, stage):
        """Validate the body, call the gate service, answer with the resulting object."""
        data = serializer_class(data=self.request.data)
        data.is_valid(raise_exception=True)
        return service(actor=self.request.user, gate=self._gate(stage), **data.validated_data)

    @extend_schema(request=SubmitSerializer, responses={201: SignoffRequestSerializer})
    @action(detail=True, methods=["post"])
    def submit(self, request, project_slug=None, stage=None):
        signoff = self._run(SubmitSerializer, services.gate_submit, stage)
        return Response(SignoffRequestSerializer(signoff).data, status=201)

    @extend_schema(request=GoNoGoDecisionSerializer, responses=GateSerializer)
    @action(detail=True, methods=["post"])
    def decision(self, request, project_slug=None, stage=None):
        return Response(
            self.get_serializer(self._run(GoNoGoDecisionSerializer, services.gate_record_decision, stage)).data
        )

    @extend_schema(request=CriteriaSerializer, responses=GateSerializer)
    @action(detail=True, methods=["post"])
    def criteria(self, request, project_slug=None, stage=None):
        return Response(self.get_serializer(self._run(CriteriaSerializer, services.gate_update_criteria, stage)).data)

    @extend_schema(request=ReopenSerializer, responses=GateSerializer)
    @action(detail=True, methods=["post"])
    def reopen(self, request, project_slug=None, stage=None):
        return Response(self.get_serializer(self._run(ReopenSerializer, services.gate_reopen, stage)).data)
