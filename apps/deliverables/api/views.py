"""Deliverables API: the registry, each project's deliverables, and the cross-project registry view."""

from django.core.exceptions import PermissionDenied
from django.http import FileResponse, Http404
from django_filters.rest_framework import DjangoFilterBackend
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema
from rest_framework import mixins, viewsets
from rest_framework.decorators import action
from rest_framework.parsers import FormParser, MultiPartParser
from rest_framework.permissions import IsAuthenticated
from rest_framework.response import Response

from apps.core.api.parsers import BoundedJSONParser
from apps.core.permissions import object_perms
from apps.projects import roles
from apps.projects.access import ProjectPermission, ProjectScopedAPIMixin, visible_projects

from .. import selectors, services
from ..filters import RegistryFilter
from ..models import Deliverable, ProjectDeliverable
from .serializers import (
    DeliverableSerializer,
    FileUploadSerializer,
    ProjectDeliverableSerializer,
    ProjectDeliverableUpdateSerializer,
)

READ = {"GET": roles.VIEW, "HEAD": roles.VIEW, "OPTIONS": roles.VIEW}


@extend_schema(tags=["deliverables"])
class DeliverableViewSet(viewsets.ReadOnlyModelViewSet):
    """The consolidated deliverables registry (data in the repository)."""

    serializer_class = DeliverableSerializer
    permission_classes = [IsAuthenticated]
    lookup_field = "key"
    queryset = Deliverable.objects.order_by("position")
    filterset_fields = ["primary_stage", "owner_role", "cadence"]


@extend_schema(tags=["deliverables"])
class RegistryViewSet(mixins.ListModelMixin, viewsets.GenericViewSet):
    """Deliverables of every project you may see: filter by project, stage, owner, status and staleness;
    sorted by due date (soonest first) unless `sort` says otherwise."""

    serializer_class = ProjectDeliverableSerializer
    permission_classes = [IsAuthenticated]
    filterset_class = RegistryFilter
    filter_backends = [DjangoFilterBackend]

    def get_queryset(self):
        return ProjectDeliverable.objects.filter(project__in=visible_projects(self.request.user)).select_related(
            "deliverable", "owner", "project"
        )


@extend_schema(tags=["deliverables"])
class ProjectDeliverableViewSet(
    ProjectScopedAPIMixin, mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet
):
    """A project's deliverables. Owners update their own; Product Owners and Managers set up, assign and approve."""

    serializer_class = ProjectDeliverableSerializer
    permission_classes = [IsAuthenticated, ProjectPermission]
    parser_classes = [BoundedJSONParser, MultiPartParser, FormParser]
    # Whether an owner or a manager may change a given deliverable is the service's rule (403 otherwise).
    project_permission_required = {**READ, "PATCH": roles.VIEW, "POST": roles.VIEW}
    filterset_fields = ["status", "owner"]

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):  # schema generation has no project
            return ProjectDeliverable.objects.none()
        return selectors.project_deliverable_list(project=self.parent_project)

    @extend_schema(request=ProjectDeliverableUpdateSerializer, responses=ProjectDeliverableSerializer)
    def partial_update(self, request, *args, **kwargs):
        payload = ProjectDeliverableUpdateSerializer(data=request.data)
        payload.is_valid(raise_exception=True)
        pd = services.project_deliverable_update(
            actor=request.user, project_deliverable=self.get_object(), **payload.validated_data
        )
        return Response(self.get_serializer(pd).data)

    @extend_schema(request=None, responses=ProjectDeliverableSerializer(many=True))
    @action(detail=False, methods=["post"])
    def setup(self, request, project_slug=None):
        """Add the registry deliverables the project lacks and fill in owners by role (managers only)."""
        if roles.MANAGE_DELIVERABLES not in object_perms(request.user, self.parent_project):
            raise PermissionDenied("Only a Product Owner or Product Manager sets up the project's deliverables.")
        created = services.project_deliverables_setup(actor=request.user, project=self.parent_project)
        return Response(self.get_serializer(created, many=True).data)

    @extend_schema(
        methods=["POST"], request={"multipart/form-data": FileUploadSerializer}, responses=ProjectDeliverableSerializer
    )
    @extend_schema(methods=["GET"], responses={(200, "*/*"): OpenApiTypes.BINARY})  # the file in its own type
    @action(detail=True, methods=["get", "post"])
    def file(self, request, *args, **kwargs):
        """GET downloads the deliverable's document; POST uploads it (type and size limits apply)."""
        pd = self.get_object()
        if request.method == "GET":
            if not pd.file:
                raise Http404
            return FileResponse(pd.file.open("rb"), as_attachment=True, filename=pd.file_name)
        payload = FileUploadSerializer(data=request.data)
        payload.is_valid(raise_exception=True)
        pd = services.project_deliverable_attach_file(
            actor=request.user, project_deliverable=pd, upload=payload.validated_data["file"]
        )
        return Response(self.get_serializer(pd).data)
