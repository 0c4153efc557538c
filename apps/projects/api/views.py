from django.core.exceptions import PermissionDenied
from drf_spectacular.utils import OpenApiResponse, extend_schema, extend_schema_view
from rest_framework import exceptions, mixins, serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.permissions import IsAuthenticated
from rest_framework.response import Response

from apps.core.permissions import object_perms

from .. import roles, selectors, services
from ..access import ProjectPermission, ProjectScopedAPIMixin
from ..filters import ProjectFilter
from ..models import Membership, Project
from .serializers import MembershipSerializer, ProjectSerializer


class GovernanceRecordsConflict(exceptions.APIException):
    status_code = status.HTTP_409_CONFLICT
    default_code = "has_governance_records"


class RetireSerializer(serializers.Serializer):
    reason = serializers.CharField()


@extend_schema(tags=["projects"])
@extend_schema_view(
    destroy=extend_schema(
        responses={
            204: None,
            409: OpenApiResponse(description="The project has governance records: retire it instead."),
        }
    )
)
class ProjectViewSet(viewsets.ModelViewSet):
    """Projects you may see. Creating one makes you its Product Owner.

    A project with governance records (sign-offs, gate events, risk acceptances...) cannot be
    deleted (409): retire it (POST .../retire/), which makes it read-only and keeps it.
    """

    queryset = Project.objects.none()  # for schema introspection; requests use get_queryset()
    serializer_class = ProjectSerializer
    permission_classes = [IsAuthenticated, ProjectPermission]
    lookup_field = "slug"
    lookup_url_kwarg = "project_slug"
    filterset_class = ProjectFilter
    ordering_fields = ["name", "current_stage", "status", "created_at"]
    project_permission_required = {
        "GET": roles.VIEW,
        "HEAD": roles.VIEW,
        "OPTIONS": roles.VIEW,
        "PUT": roles.CHANGE,
        "PATCH": roles.CHANGE,
        "DELETE": roles.DELETE,
    }
    methods_allowed_when_retired = ("DELETE",)  # a retired project without governance records may still go

    def get_queryset(self):
        return selectors.project_list(user=self.request.user).order_by("name")

    def perform_create(self, serializer):
        if not self.request.user.has_perm("projects.add_project"):
            raise PermissionDenied("Only members of the Project Creators group can start projects.")
        serializer.instance = services.project_create(actor=self.request.user, **serializer.validated_data)

    def perform_update(self, serializer):
        # The slug and the stage only ever reach here unchanged (the serializer refuses a change).
        data = {key: value for key, value in serializer.validated_data.items() if key not in ("slug", "current_stage")}
        serializer.instance = services.project_update(actor=self.request.user, project=serializer.instance, **data)

    def perform_destroy(self, instance):
        try:
            services.project_delete(actor=self.request.user, project=instance)
        except services.ProjectHasGovernanceRecords as error:
            raise GovernanceRecordsConflict(" ".join(error.messages)) from error

    @extend_schema(request=RetireSerializer, responses=ProjectSerializer)
    @action(detail=True, methods=["post"])
    def retire(self, request, project_slug=None):
        """Retire the project: read-only from now on, kept with its records and auditable."""
        project = self.get_object()
        if roles.DELETE not in object_perms(request.user, project):
            raise PermissionDenied("Your project roles do not allow retiring this project.")
        data = RetireSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        project = services.project_retire(actor=request.user, project=project, **data.validated_data)
        return Response(self.get_serializer(project).data)


@extend_schema(tags=["projects"])
class MembershipViewSet(
    ProjectScopedAPIMixin,
    mixins.ListModelMixin,
    mixins.CreateModelMixin,
    mixins.RetrieveModelMixin,
    mixins.DestroyModelMixin,
    viewsets.GenericViewSet,
):
    """Roles held on a project. To change a role, add the new one and remove the old one."""

    queryset = Membership.objects.none()  # for schema introspection; requests use get_queryset()
    serializer_class = MembershipSerializer
    permission_classes = [IsAuthenticated, ProjectPermission]
    filterset_fields = ["role", "user"]
    project_permission_required = {
        "GET": roles.VIEW,
        "HEAD": roles.VIEW,
        "OPTIONS": roles.VIEW,
        "POST": roles.MANAGE_MEMBERS,
        "DELETE": roles.MANAGE_MEMBERS,
    }

    def get_queryset(self):
        return Membership.objects.filter(project=self.parent_project).select_related("user").order_by("id")

    def perform_create(self, serializer):
        serializer.instance = services.membership_add(
            actor=self.request.user, project=self.parent_project, **serializer.validated_data
        )

    def perform_destroy(self, instance):
        services.membership_remove(actor=self.request.user, membership=instance)
