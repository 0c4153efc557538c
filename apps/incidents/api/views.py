from django.http import Http404, HttpResponse
from django.urls import reverse
from django_filters.rest_framework import DjangoFilterBackend
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import generics, mixins, status, viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import AuthenticationFailed, ValidationError
from rest_framework.permissions import AllowAny, IsAuthenticated
from rest_framework.response import Response
from rest_framework.throttling import ScopedRateThrottle
from rest_framework.views import APIView

from apps.core.pdf import render_pdf
from apps.projects import roles
from apps.projects.access import ProjectPermission, ProjectScopedAPIMixin
from apps.risks.api.serializers import RiskSerializer
from apps.risks.models import Risk, parse_code

from .. import alertmanager, exports, selectors, services
from ..filters import IncidentFilter
from ..models import ActionItem, Incident
from ..runbook import incident_create_from_runbook, incident_runbook_import
from .serializers import (
    ActionItemSerializer,
    AlertOutcomeSerializer,
    ArtifactSerializer,
    FiguresSerializer,
    IncidentSerializer,
    NoteSerializer,
    PostIncidentReviewSerializer,
    RiskLinkSerializer,
    RollbackSerializer,
    RunbookSerializer,
    SignoffCreatedSerializer,
    TimelineEntrySerializer,
    TransitionSerializer,
    WebhookTokenSerializer,
    figures_data,
)

READ = {"GET": roles.VIEW, "HEAD": roles.VIEW, "OPTIONS": roles.VIEW}
WRITE = roles.MANAGE_INCIDENTS


@extend_schema(tags=["incidents"])
class IncidentViewSet(
    ProjectScopedAPIMixin,
    mixins.ListModelMixin,
    mixins.CreateModelMixin,
    mixins.RetrieveModelMixin,
    viewsets.GenericViewSet,
):
    """A project's incidents. Codes (INC-001, ...) are given by the portal and never reused; the status
    moves through the `transition`, review `submit` and `close` actions only."""

    queryset = Incident.objects.none()  # for schema introspection; requests use get_queryset()
    serializer_class = IncidentSerializer
    permission_classes = [IsAuthenticated, ProjectPermission]
    filter_backends = [DjangoFilterBackend]
    filterset_class = IncidentFilter
    lookup_field = "code"
    lookup_url_kwarg = "code"
    lookup_value_regex = r"INC-\d{1,6}"

    @property
    def project_permission_required(self) -> dict[str, str]:
        if self.action == "risks_open":
            return {**READ, "POST": roles.MANAGE_RISKS}
        return {**READ, "POST": WRITE, "PATCH": WRITE}

    def get_queryset(self):
        return selectors.incident_list(user=self.request.user, project=self.parent_project)

    def filter_queryset(self, queryset):
        return super().filter_queryset(queryset) if self.action == "list" else queryset

    def get_object(self) -> Incident:
        incident = selectors.incident_get(user=self.request.user, project=self.parent_project, code=self.kwargs["code"])
        if incident is None:
            raise Http404
        self.check_object_permissions(self.request, incident)
        return incident

    def _incident(self, incident: Incident) -> Response:
        fresh = selectors.incident_get(user=self.request.user, project=self.parent_project, code=incident.code)
        return Response(IncidentSerializer(fresh).data)

    def perform_create(self, serializer):
        serializer.instance = services.incident_create(
            actor=self.request.user, project=self.parent_project, **serializer.validated_data
        )

    @extend_schema(request=IncidentSerializer, responses=IncidentSerializer)
    def partial_update(self, request, *args, **kwargs):
        """PATCH only: the status and its timestamps move through the actions, never through an edit."""
        serializer = self.get_serializer(self.get_object(), data=request.data, partial=True)
        serializer.is_valid(raise_exception=True)
        self.perform_update(serializer)
        return self._incident(serializer.instance)

    def perform_update(self, serializer):
        fields = dict(serializer.validated_data)
        if "detected_at" in fields:
            raise ValidationError({"detected_at": "The detection time is set when the incident is opened."})
        serializer.instance = services.incident_update(actor=self.request.user, incident=serializer.instance, **fields)

    @extend_schema(
        request=TransitionSerializer,
        responses=IncidentSerializer,
        summary="Acknowledge, mitigate or resolve (resolving opens the post-incident review)",
    )
    @action(detail=True, methods=["post"], filter_backends=[])
    def transition(self, request, *args, **kwargs):
        data = TransitionSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        incident = services.incident_transition(actor=request.user, incident=self.get_object(), **data.validated_data)
        return self._incident(incident)

    @extend_schema(
        request=NoteSerializer,
        responses=IncidentSerializer,
        summary="Close the incident (needs an approved, unchanged post-incident review)",
    )
    @action(detail=True, methods=["post"], filter_backends=[])
    def close(self, request, *args, **kwargs):
        data = NoteSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        incident = services.incident_close(actor=request.user, incident=self.get_object(), **data.validated_data)
        return self._incident(incident)

    @extend_schema(
        request=RollbackSerializer, responses=IncidentSerializer, summary="Record the rollback to the rollback target"
    )
    @action(detail=True, methods=["post"], filter_backends=[])
    def rollback(self, request, *args, **kwargs):
        data = RollbackSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        incident = services.incident_rollback_record(
            actor=request.user, incident=self.get_object(), **data.validated_data
        )
        return self._incident(incident)

    @extend_schema(methods=["GET"], responses=TimelineEntrySerializer(many=True), summary="The timeline, oldest first")
    @extend_schema(
        methods=["POST"],
        request=TimelineEntrySerializer,
        responses={201: TimelineEntrySerializer},
        summary="Append a note, rollback step or communication (never changed afterwards)",
    )
    @action(detail=True, methods=["get", "post"], filter_backends=[], pagination_class=None)
    def timeline(self, request, *args, **kwargs):
        incident = self.get_object()
        if request.method == "GET":
            return Response(TimelineEntrySerializer(selectors.incident_timeline(incident=incident), many=True).data)
        data = TimelineEntrySerializer(data=request.data)
        data.is_valid(raise_exception=True)
        entry = services.timeline_add(actor=request.user, incident=incident, **data.validated_data)
        return Response(TimelineEntrySerializer(entry).data, status=status.HTTP_201_CREATED)

    @extend_schema(methods=["GET"], responses=ArtifactSerializer(many=True), summary="Artifacts collected")
    @extend_schema(
        methods=["POST"],
        request=ArtifactSerializer,
        responses={201: ArtifactSerializer},
        summary="Record an artifact (logs, metrics snapshot, config diff)",
    )
    @action(detail=True, methods=["get", "post"], filter_backends=[], pagination_class=None)
    def artifacts(self, request, *args, **kwargs):
        incident = self.get_object()
        if request.method == "GET":
            return Response(ArtifactSerializer(selectors.incident_artifacts(incident=incident), many=True).data)
        data = ArtifactSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        artifact = services.artifact_add(actor=request.user, incident=incident, **data.validated_data)
        return Response(ArtifactSerializer(artifact).data, status=status.HTTP_201_CREATED)

    @extend_schema(methods=["GET"], responses=RiskLinkSerializer(many=True), summary="Linked risks")
    @extend_schema(
        methods=["POST"],
        request=RiskLinkSerializer,
        responses={201: RiskLinkSerializer},
        summary="Link a risk of this project's register by its code",
    )
    @action(detail=True, methods=["get", "post"], filter_backends=[], pagination_class=None)
    def risks(self, request, *args, **kwargs):
        incident = self.get_object()
        if request.method == "GET":
            return Response(RiskLinkSerializer(selectors.incident_risk_links(incident=incident), many=True).data)
        code = str(request.data.get("risk", ""))
        risk = Risk.objects.filter(project=incident.project, number=parse_code(code) or 0).first()
        if risk is None:
            raise ValidationError({"risk": f"No risk {code or '(none given)'} in this project's register."})
        link = services.incident_risk_link(actor=request.user, incident=incident, risk=risk)
        return Response(RiskLinkSerializer(link).data, status=status.HTTP_201_CREATED)

    @extend_schema(
        request=RiskSerializer,
        responses={201: RiskSerializer},
        summary="Record a new risk in the register from this incident and link it",
    )
    @action(detail=True, methods=["post"], url_path="risks/open", filter_backends=[])
    def risks_open(self, request, *args, **kwargs):
        incident = self.get_object()
        data = RiskSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        risk = services.incident_risk_open(actor=request.user, incident=incident, **data.validated_data)
        return Response(RiskSerializer(risk).data, status=status.HTTP_201_CREATED)

    @extend_schema(
        request=RunbookSerializer,
        responses=IncidentSerializer,
        summary="Import a runbook (guide 003's YAML template) onto this incident",
    )
    @action(detail=True, methods=["post"], filter_backends=[])
    def runbook(self, request, *args, **kwargs):
        data = RunbookSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        incident = incident_runbook_import(
            actor=request.user, incident=self.get_object(), text=data.validated_data["runbook"]
        )
        return self._incident(incident)

    @extend_schema(
        request=RunbookSerializer,
        responses={201: IncidentSerializer},
        summary="Open an incident from a filled-in runbook",
    )
    @action(detail=False, methods=["post"], url_path="from-runbook", filter_backends=[])
    def from_runbook(self, request, *args, **kwargs):
        data = RunbookSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        incident = incident_create_from_runbook(
            actor=request.user, project=self.parent_project, text=data.validated_data["runbook"]
        )
        response = self._incident(incident)
        response.status_code = status.HTTP_201_CREATED
        return response

    def _review(self, incident):
        review = getattr(incident, "review", None)
        if review is None:
            raise Http404
        return review

    @extend_schema(methods=["GET"], responses=PostIncidentReviewSerializer, summary="The post-incident review")
    @extend_schema(
        methods=["PATCH"],
        request=PostIncidentReviewSerializer,
        responses=PostIncidentReviewSerializer,
        summary="Write the review (a change after approval voids the sign-off)",
    )
    @action(detail=True, methods=["get", "patch"], filter_backends=[])
    def review(self, request, *args, **kwargs):
        review = self._review(self.get_object())
        if request.method == "GET":
            return Response(PostIncidentReviewSerializer(review).data)
        data = PostIncidentReviewSerializer(review, data=request.data, partial=True)
        data.is_valid(raise_exception=True)
        review = services.review_update(actor=request.user, review=review, **data.validated_data)
        return Response(PostIncidentReviewSerializer(review).data)

    @extend_schema(
        request=NoteSerializer,
        responses={201: SignoffCreatedSerializer},
        summary="Submit the review for sign-off (P1/P2: Product Owner and Security / Compliance Officer)",
    )
    @action(detail=True, methods=["post"], url_path="review/submit", filter_backends=[])
    def review_submit(self, request, *args, **kwargs):
        review = self._review(self.get_object())
        data = NoteSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        signoff = services.review_submit(actor=request.user, review=review, **data.validated_data)
        return Response(SignoffCreatedSerializer(signoff).data, status=status.HTTP_201_CREATED)

    @extend_schema(responses={(200, "application/pdf"): OpenApiTypes.BINARY}, summary="The review as PDF")
    @action(detail=True, methods=["get"], url_path="review/pdf", filter_backends=[])
    def review_pdf(self, request, *args, **kwargs):
        review = self._review(self.get_object())
        body = render_pdf(exports.PDF_TEMPLATE, exports.review_context(review=review), request=request)
        response = HttpResponse(body, content_type="application/pdf")
        response["Content-Disposition"] = f'attachment; filename="{exports.filename(review)}.pdf"'
        return response

    @extend_schema(responses={(200, "text/markdown"): OpenApiTypes.STR}, summary="The review as Markdown")
    @action(detail=True, methods=["get"], url_path="review/markdown", filter_backends=[])
    def review_markdown(self, request, *args, **kwargs):
        review = self._review(self.get_object())
        response = HttpResponse(
            exports.review_markdown(exports.review_context(review=review)), content_type="text/markdown; charset=utf-8"
        )
        response["Content-Disposition"] = f'attachment; filename="{exports.filename(review)}.md"'
        return response

    @extend_schema(methods=["GET"], responses=ActionItemSerializer(many=True), summary="Action items")
    @extend_schema(
        methods=["POST"],
        request=ActionItemSerializer,
        responses={201: ActionItemSerializer},
        summary="Add an action item (owner: a project member)",
    )
    @action(detail=True, methods=["get", "post"], url_path="action-items", filter_backends=[], pagination_class=None)
    def action_items(self, request, *args, **kwargs):
        incident = self.get_object()
        if request.method == "GET":
            items = selectors.incident_action_items(incident=incident)
            return Response(ActionItemSerializer(items, many=True).data)
        data = ActionItemSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        item = services.action_item_create(actor=request.user, incident=incident, **data.validated_data)
        return Response(ActionItemSerializer(item).data, status=status.HTTP_201_CREATED)

    @extend_schema(
        request=ActionItemSerializer,
        responses=ActionItemSerializer,
        summary="Change an action item (done needs a verification note or evidence)",
    )
    @action(detail=True, methods=["patch"], url_path=r"action-items/(?P<item_id>\d+)", filter_backends=[])
    def action_item(self, request, *args, item_id=None, **kwargs):
        incident = self.get_object()
        item = ActionItem.objects.filter(incident=incident, pk=item_id).first()
        if item is None:
            raise Http404
        data = ActionItemSerializer(item, data=request.data, partial=True)
        data.is_valid(raise_exception=True)
        item = services.action_item_update(actor=request.user, item=item, **data.validated_data)
        return Response(ActionItemSerializer(item).data)

    @extend_schema(responses=FiguresSerializer, summary="The project's figures")
    @action(detail=False, methods=["get"], filter_backends=[], pagination_class=None)
    def figures(self, request, *args, **kwargs):
        queryset = selectors.incident_list(user=request.user, project=self.parent_project)
        return Response(figures_data(selectors.incident_figures(queryset)))

    @extend_schema(
        request=None,
        responses={201: WebhookTokenSerializer},
        summary="Issue a new Alertmanager webhook token (the old one stops working)",
    )
    @action(detail=False, methods=["post"], url_path="webhook-token", filter_backends=[])
    def webhook_token(self, request, *args, **kwargs):
        token = services.webhook_token_rotate(actor=request.user, project=self.parent_project)
        url = request.build_absolute_uri(
            reverse("api-incident-alertmanager", kwargs={"project_slug": self.parent_project.slug})
        )
        return Response({"token": token, "url": url}, status=status.HTTP_201_CREATED)


@extend_schema(tags=["incidents"])
class PortfolioIncidentListView(generics.ListAPIView):
    """Every incident of every project you may see, filtered (severity, status, overdue review or actions)."""

    serializer_class = IncidentSerializer
    permission_classes = [IsAuthenticated]
    filter_backends = [DjangoFilterBackend]
    filterset_class = IncidentFilter
    queryset = Incident.objects.none()  # for schema introspection

    def get_queryset(self):
        return selectors.incident_list(user=self.request.user)


@extend_schema(tags=["incidents"], responses=FiguresSerializer, filters=True)
class PortfolioFiguresView(generics.GenericAPIView):
    """The portfolio's figures over the incidents the filters select."""

    permission_classes = [IsAuthenticated]
    filter_backends = [DjangoFilterBackend]
    filterset_class = IncidentFilter
    queryset = Incident.objects.none()
    pagination_class = None

    def get(self, request):
        filterset = selectors.incident_filter(user=request.user, filters=request.query_params)
        if not filterset.is_valid():
            raise ValidationError(filterset.errors)
        return Response(figures_data(selectors.incident_figures(filterset.qs)))


@extend_schema(
    tags=["incidents"],
    summary="Prometheus Alertmanager webhook (token-authenticated, see docs/incidents.md)",
    request={"application/json": OpenApiTypes.OBJECT},
    responses={
        200: AlertOutcomeSerializer(many=True),
        400: OpenApiResponse(description="Not an Alertmanager payload"),
        401: OpenApiResponse(description="Missing or wrong token"),
        413: OpenApiResponse(description="Body larger than 256 KB"),
    },
    auth=[],
)
class AlertmanagerWebhookView(APIView):
    """POST an Alertmanager notification with `Authorization: Bearer <project webhook token>`.

    No session, hence no CSRF; the token is the project's, compared in constant time against its hash.
    """

    authentication_classes = []
    permission_classes = [AllowAny]
    # Its own budget: the anonymous rate would drop alerts when one Alertmanager serves many projects.
    throttle_classes = [ScopedRateThrottle]
    throttle_scope = "alertmanager"

    def get_authenticate_header(self, request):
        return 'Bearer realm="alertmanager"'

    def post(self, request, project_slug):
        scheme, _, token = request.META.get("HTTP_AUTHORIZATION", "").partition(" ")
        project = (
            services.webhook_project(project_slug=project_slug, token=token.strip())
            if scheme.lower() == "bearer"
            else None
        )
        if project is None:
            raise AuthenticationFailed("Missing or wrong webhook token for this project.")
        try:
            length = int(request.META.get("CONTENT_LENGTH") or 0)
        except ValueError:
            length = 0
        if length > alertmanager.MAX_BODY_BYTES:
            return _too_large()
        body = request._request.read(alertmanager.MAX_BODY_BYTES + 1)
        if len(body) > alertmanager.MAX_BODY_BYTES:
            return _too_large()
        outcomes = alertmanager.alertmanager_receive(project=project, payload=alertmanager.parse_body(body))
        return Response([outcome.as_dict() for outcome in outcomes])


def _too_large() -> Response:
    limit = alertmanager.MAX_BODY_BYTES // 1024
    return Response(
        {"error": {"status": 413, "code": "too_large", "message": f"The body is larger than {limit} KB."}},
        status=status.HTTP_413_REQUEST_ENTITY_TOO_LARGE,
    )
