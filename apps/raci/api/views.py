"""The RACI API: the matrix, its activities and cells, views by role and person, exports, import, approval.

Reads need `view_project`, writes `manage_raci` (Product Owner, Product Manager);
outsiders get 404. Every write goes through apps.raci.services, as the grid's does.
"""

from django.http import Http404
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework import status, viewsets
from rest_framework.decorators import action
from rest_framework.generics import get_object_or_404
from rest_framework.parsers import MultiPartParser
from rest_framework.permissions import IsAuthenticated
from rest_framework.response import Response

from apps.projects import roles
from apps.projects.access import ProjectPermission, ProjectScopedAPIMixin
from apps.signoffs.api.serializers import SignoffRequestSerializer

from .. import exports, selectors, services
from ..choices import Letter
from ..importing import raci_import
from ..models import RaciActivity, RaciMatrix
from .serializers import (
    ActivityRowSerializer,
    ActivityWriteSerializer,
    CellWriteSerializer,
    MatrixSerializer,
    PersonViewSerializer,
    RaciImportResultSerializer,
    RaciImportSerializer,
    RaciSubmitSerializer,
    RoleViewSerializer,
    ViolationSerializer,
)

READ = {"GET": roles.VIEW, "HEAD": roles.VIEW, "OPTIONS": roles.VIEW}
WRITE = {method: roles.MANAGE_RACI for method in ("POST", "PUT", "PATCH", "DELETE")}


def _names(rows) -> list[str]:
    return [row.activity.name for row in rows]


class _MatrixAPIMixin(ProjectScopedAPIMixin):
    permission_classes = [IsAuthenticated, ProjectPermission]
    project_permission_required = {**READ, **WRITE}
    pagination_class = None

    def matrix(self):
        matrix = selectors.matrix_get(project=self.parent_project)
        if matrix is None:
            raise Http404
        return matrix

    def grid(self):
        return selectors.grid_build(matrix=self.matrix())

    def row_of(self, activity):
        return next(row for row in selectors.grid_build(matrix=activity.matrix).rows if row.activity.pk == activity.pk)


@extend_schema(tags=["raci"])
class RaciMatrixViewSet(_MatrixAPIMixin, viewsets.GenericViewSet):
    """A project's RACI matrix."""

    serializer_class = MatrixSerializer
    queryset = RaciMatrix.objects.none()  # for schema introspection

    @extend_schema(responses=MatrixSerializer, summary="The matrix: every activity's cells and rule problems")
    def list(self, request, project_slug=None):
        matrix = self.matrix()
        approval = services.matrix_approval_state(matrix=matrix)["latest"]
        return Response(MatrixSerializer(selectors.grid_build(matrix=matrix), context={"approval": approval}).data)

    @extend_schema(request=None, responses={201: MatrixSerializer}, summary="Give the project its default matrix")
    @action(detail=False, methods=["post"])
    def setup(self, request, project_slug=None):
        matrix = services.raci_matrix_setup(actor=request.user, project=self.parent_project)
        return Response(MatrixSerializer(selectors.grid_build(matrix=matrix)).data, status=status.HTTP_201_CREATED)

    @extend_schema(responses=ViolationSerializer(many=True), summary="Activities that break a rule, and how")
    @action(detail=False, methods=["get"])
    def violations(self, request, project_slug=None):
        return Response(ViolationSerializer(self.grid().violations, many=True).data)

    @extend_schema(responses=RoleViewSerializer(many=True), summary="Per role: what it is A, R, C and I for")
    @action(detail=False, methods=["get"], url_path="by-role")
    def by_role(self, request, project_slug=None):
        body = [
            {
                "role": entry["role"].value,
                "members": entry["members"],
                **{letter.label.lower(): _names(entry["buckets"][letter]) for letter in Letter},
            }
            for entry in selectors.by_role(grid=self.grid())
        ]
        return Response(RoleViewSerializer(body, many=True).data)

    @extend_schema(responses=PersonViewSerializer(many=True), summary="Per member: what they are A, R, C and I for")
    @action(detail=False, methods=["get"], url_path="by-person")
    def by_person(self, request, project_slug=None):
        body = [
            {
                "user": entry["user"],
                "roles": [role.value for role in entry["roles"]],
                **{
                    letter.label.lower(): [row.activity.name for row, _ in entry["buckets"][letter]]
                    for letter in Letter
                },
            }
            for entry in selectors.by_person(grid=self.grid())
        ]
        return Response(PersonViewSerializer(body, many=True).data)

    @extend_schema(
        summary="Export the matrix",
        parameters=[OpenApiParameter("file_format", str, OpenApiParameter.PATH, enum=[*exports.FORMATS])],
        responses={
            (200, "text/csv"): OpenApiTypes.BINARY,
            (200, "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"): OpenApiTypes.BINARY,
            (200, "application/pdf"): OpenApiTypes.BINARY,
        },
    )
    @action(detail=False, methods=["get"], url_path=r"export/(?P<file_format>[a-z]+)")
    def export(self, request, project_slug=None, file_format=None):
        if file_format not in exports.FORMATS:
            raise Http404
        matrix = self.matrix()
        approval = services.matrix_approval_state(matrix=matrix)["latest"]
        return exports.export_response(selectors.grid_build(matrix=matrix), file_format, approval=approval)

    @extend_schema(
        request={"multipart/form-data": RaciImportSerializer},
        responses={
            200: RaciImportResultSerializer,
            400: OpenApiResponse(description="Row errors in `fields.rows` (“Row 3, column “QA / Test Engineer”: ...”)"),
        },
        summary="Import the matrix from CSV: every row is saved, or none",
    )
    @action(detail=False, methods=["post"], url_path="import", parser_classes=[MultiPartParser])
    def import_matrix(self, request, project_slug=None):
        serializer = RaciImportSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        result = raci_import(actor=request.user, matrix=self.matrix(), upload=serializer.validated_data["file"])
        return Response(RaciImportResultSerializer({"updated": result.updated, "created": result.created}).data)

    @extend_schema(
        request=RaciSubmitSerializer,
        responses={201: SignoffRequestSerializer},
        summary="Ask the Executive Sponsor and the Product Owner to approve the matrix",
    )
    @action(detail=False, methods=["post"])
    def submit(self, request, project_slug=None):
        serializer = RaciSubmitSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        signoff = services.raci_matrix_submit(actor=request.user, matrix=self.matrix(), **serializer.validated_data)
        return Response(SignoffRequestSerializer(signoff).data, status=status.HTTP_201_CREATED)


@extend_schema(tags=["raci"])
class RaciActivityViewSet(_MatrixAPIMixin, viewsets.GenericViewSet):
    """The matrix's activities (rows). Gate and deliverable rows are fixed; team activities are added here."""

    serializer_class = ActivityRowSerializer
    queryset = RaciActivity.objects.none()  # for schema introspection

    def activity(self, pk):
        return get_object_or_404(RaciActivity.objects.select_related("matrix"), pk=pk, matrix=self.matrix())

    @extend_schema(responses=ActivityRowSerializer(many=True), summary="Every activity with its cells")
    def list(self, request, project_slug=None):
        return Response(ActivityRowSerializer(self.grid().rows, many=True).data)

    @extend_schema(responses=ActivityRowSerializer)
    def retrieve(self, request, project_slug=None, pk=None):
        return Response(ActivityRowSerializer(self.row_of(self.activity(pk))).data)

    @extend_schema(
        request=ActivityWriteSerializer, responses={201: ActivityRowSerializer}, summary="Add a team activity"
    )
    def create(self, request, project_slug=None):
        serializer = ActivityWriteSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        activity = services.raci_activity_create(actor=request.user, matrix=self.matrix(), **serializer.validated_data)
        return Response(ActivityRowSerializer(self.row_of(activity)).data, status=status.HTTP_201_CREATED)

    @extend_schema(
        request=ActivityWriteSerializer, responses=ActivityRowSerializer, summary="Rename or move a team activity"
    )
    def partial_update(self, request, project_slug=None, pk=None):
        activity = self.activity(pk)
        serializer = ActivityWriteSerializer(
            data={"name": activity.name, "stage": activity.stage, **request.data}, partial=False
        )
        serializer.is_valid(raise_exception=True)
        data = {key: serializer.validated_data[key] for key in ("name", "stage")}
        activity = services.raci_activity_update(actor=request.user, activity=activity, **data)
        return Response(ActivityRowSerializer(self.row_of(activity)).data)

    @extend_schema(responses={204: None}, summary="Remove a team activity")
    def destroy(self, request, project_slug=None, pk=None):
        services.raci_activity_delete(actor=request.user, activity=self.activity(pk))
        return Response(status=status.HTTP_204_NO_CONTENT)

    @extend_schema(
        request=CellWriteSerializer,
        responses=ActivityRowSerializer,
        summary="Set one role's letters for the activity; a second Accountable is refused",
    )
    @action(detail=True, methods=["put"])
    def cells(self, request, project_slug=None, pk=None):
        serializer = CellWriteSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        activity = services.raci_cell_set(actor=request.user, activity=self.activity(pk), **serializer.validated_data)
        return Response(ActivityRowSerializer(self.row_of(activity)).data)
