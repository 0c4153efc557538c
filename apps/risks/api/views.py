from django.http import Http404
from django.urls import reverse
from django.utils.functional import cached_property
from django_filters.rest_framework import DjangoFilterBackend
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework import generics, mixins, status, viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import PermissionDenied
from rest_framework.exceptions import ValidationError as APIValidationError
from rest_framework.parsers import MultiPartParser
from rest_framework.permissions import IsAuthenticated
from rest_framework.response import Response

from apps.audit.caching import AuditedListCacheMixin
from apps.core.permissions import object_perms
from apps.documents.api.serializers import GeneratedDocumentSerializer
from apps.projects import roles
from apps.projects.access import ProjectPermission, ProjectScopedAPIMixin
from apps.signoffs.models import SignoffRequest

from .. import exports, selectors, services
from ..filters import RiskFilter
from ..importing import (
    may_decide,
    risk_import_cancel,
    risk_import_confirm,
    risk_import_get,
    risk_import_start,
)
from ..models import Risk, RiskImport, RiskReview
from .serializers import (
    RiskAcceptanceSerializer,
    RiskAcceptanceSignoffSerializer,
    RiskImportDetailSerializer,
    RiskImportSerializer,
    RiskReviewSerializer,
    RiskSerializer,
)

READ = {"GET": roles.VIEW, "HEAD": roles.VIEW, "OPTIONS": roles.VIEW}
# action -> permission needed for its writes (reads always need `view`)
WRITE_PERMISSIONS = {
    "create": roles.MANAGE_RISKS,
    "update": roles.MANAGE_RISKS,
    "partial_update": roles.MANAGE_RISKS,
    "reviews": roles.MANAGE_RISKS,
    "import_register": roles.MANAGE_RISKS,
    "destroy": roles.GOVERN_RISKS,
    "accept": roles.MANAGE_RISKS,  # within the threshold only governing roles accept directly
}


@extend_schema(tags=["risks"])
class RiskViewSet(AuditedListCacheMixin, ProjectScopedAPIMixin, viewsets.ModelViewSet):
    """A project's risk register. Codes (R-001, ...) are given by the portal and never reused."""

    queryset = Risk.objects.none()  # for schema introspection; requests use get_queryset()
    serializer_class = RiskSerializer
    permission_classes = [IsAuthenticated, ProjectPermission]
    filter_backends = [DjangoFilterBackend]
    filterset_class = RiskFilter
    lookup_field = "code"
    lookup_url_kwarg = "risk_code"
    lookup_value_regex = r"R-\d{1,6}"

    @property
    def project_permission_required(self) -> dict[str, str]:
        needed = WRITE_PERMISSIONS.get(self.action, roles.MANAGE_RISKS)
        return {**READ, "POST": needed, "PUT": needed, "PATCH": needed, "DELETE": needed}

    def get_queryset(self):
        # Unsorted: the list's filter backend filters and sorts it (once), other actions look one risk up.
        return selectors.visible_risks(user=self.request.user, project=self.parent_project)

    def filter_queryset(self, queryset):
        return super().filter_queryset(queryset) if self.action == "list" else queryset

    def get_object(self):
        risk = selectors.risk_get(user=self.request.user, project=self.parent_project, code=self.kwargs["risk_code"])
        if risk is None:
            raise Http404
        self.check_object_permissions(self.request, risk)
        return risk

    def perform_create(self, serializer):
        serializer.instance = services.risk_create(
            actor=self.request.user, project=self.parent_project, **serializer.validated_data
        )

    def perform_update(self, serializer):
        serializer.instance = services.risk_update(
            actor=self.request.user, risk=serializer.instance, **serializer.validated_data
        )

    def perform_destroy(self, instance):
        services.risk_delete(actor=self.request.user, risk=instance)

    @extend_schema(methods=["GET"], responses=RiskReviewSerializer(many=True), summary="Reviews recorded on the risk")
    @extend_schema(
        methods=["POST"],
        request=RiskReviewSerializer,
        responses={201: RiskReviewSerializer},
        summary='"Reviewed, no change": record a review and restart the review period',
    )
    @action(detail=True, methods=["get", "post"], filter_backends=[], pagination_class=None)
    def reviews(self, request, *args, **kwargs):
        risk = self.get_object()
        if request.method == "GET":
            reviews = RiskReview.objects.filter(risk=risk).select_related("reviewed_by")
            return Response(RiskReviewSerializer(reviews, many=True).data)
        serializer = RiskReviewSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        review = services.risk_review(actor=request.user, risk=risk, note=serializer.validated_data.get("note", ""))
        return Response(RiskReviewSerializer(review).data, status=status.HTTP_201_CREATED)

    @extend_schema(
        request=RiskAcceptanceSerializer,
        responses={
            201: RiskAcceptanceSerializer,
            202: OpenApiResponse(
                RiskAcceptanceSignoffSerializer,
                description="Above the project's acceptance threshold: a sign-off request was opened; "
                "the risk is not accepted until it is approved",
            ),
        },
        summary="Accept the risk until a date; above the project's threshold, request a sign-off",
    )
    @action(detail=True, methods=["post"], filter_backends=[])
    def accept(self, request, *args, **kwargs):
        risk = self.get_object()
        serializer = RiskAcceptanceSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        result = services.risk_accept(actor=request.user, risk=risk, **serializer.validated_data)
        if isinstance(result, SignoffRequest):
            return Response(RiskAcceptanceSignoffSerializer(result).data, status=status.HTTP_202_ACCEPTED)
        return Response(RiskAcceptanceSerializer(result).data, status=status.HTTP_201_CREATED)

    @extend_schema(
        request={"multipart/form-data": RiskImportSerializer},
        responses={
            201: OpenApiResponse(
                RiskImportDetailSerializer,
                description="A small file, checked at once: `state` is `ready` (confirm it) or `failed` "
                "(`problems` lists every problem of the file); `rows` is the preview",
            ),
            202: OpenApiResponse(
                RiskImportDetailSerializer,
                description="A large file, checked in the background (`state` `validating`): poll the import",
            ),
            400: OpenApiResponse(
                description="The file is refused before it is read (`fields.file`): type, size, "
                "not UTF-8, a NUL byte, or a workbook that unpacks to too much"
            ),
        },
        summary="Upload a register (CSV or XLSX) to import: returns the import with its preview",
    )
    @action(
        detail=False,
        methods=["post"],
        url_path="import",
        parser_classes=[MultiPartParser],
        filter_backends=[],
        serializer_class=RiskImportSerializer,
    )
    def import_register(self, request, *args, **kwargs):
        serializer = RiskImportSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        risk_import = risk_import_start(
            actor=request.user, project=self.parent_project, upload=serializer.validated_data["file"]
        )
        risk_import.refresh_from_db()
        code = status.HTTP_202_ACCEPTED if risk_import.in_progress else status.HTTP_201_CREATED
        return Response(RiskImportDetailSerializer(risk_import).data, status=code)


def _decision_schema(summary: str, *, refused: str, background: str = "") -> dict:
    """The OpenAPI description of confirm and cancel: the import back, or why not."""
    responses = {
        200: RiskImportDetailSerializer,
        400: OpenApiResponse(description=refused),
        403: OpenApiResponse(description="Neither the person who uploaded the file nor a Product Owner"),
    }
    if background:
        responses[202] = OpenApiResponse(RiskImportDetailSerializer, description=background)
    return {"request": None, "responses": responses, "summary": summary}


@extend_schema(tags=["risks"])
class RiskImportViewSet(ProjectScopedAPIMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    """A register import: its progress, its preview (every row and every problem), then confirm or cancel.

    Only the person who uploaded the file, or a Product Owner, confirms or cancels it.
    """

    queryset = RiskImport.objects.none()  # for schema introspection; requests use get_object()
    lookup_value_regex = r"\d+"  # a non-numeric id is no import (404), not a ValueError (500)
    serializer_class = RiskImportDetailSerializer
    permission_classes = [IsAuthenticated, ProjectPermission]
    pagination_class = None
    project_permission_required = {**READ, "POST": roles.MANAGE_RISKS}

    def get_object(self):
        risk_import = risk_import_get(user=self.request.user, project=self.parent_project, pk=self.kwargs["pk"])
        if risk_import is None:
            raise Http404
        self.check_object_permissions(self.request, risk_import)
        return risk_import

    def _decide(self, request, service):
        risk_import = self.get_object()
        perms = object_perms(request.user, self.parent_project)
        if not may_decide(user=request.user, risk_import=risk_import, project_perms=perms):
            raise PermissionDenied("Only the person who uploaded the file, or a Product Owner, may do this.")
        risk_import = service(actor=request.user, risk_import=risk_import)
        code = status.HTTP_202_ACCEPTED if risk_import.in_progress else status.HTTP_200_OK
        return Response(RiskImportDetailSerializer(risk_import).data, status=code)

    @extend_schema(
        **_decision_schema(
            "Confirm: create every risk of the import in one transaction (all or nothing)",
            refused="Not ready (problems, still checking, already decided) or a code issued meanwhile",
            background="A large import: its risks are created in the background (`state` `importing`); "
            "poll the import until it is `confirmed`",
        )
    )
    @action(detail=True, methods=["post"])
    def confirm(self, request, *args, **kwargs):
        return self._decide(request, risk_import_confirm)

    @extend_schema(
        **_decision_schema("Cancel the import: nothing is created", refused="Already confirmed or cancelled")
    )
    @action(detail=True, methods=["post"])
    def cancel(self, request, *args, **kwargs):
        return self._decide(request, risk_import_cancel)


@extend_schema(tags=["risks"])
class PortfolioRiskListView(AuditedListCacheMixin, generics.ListAPIView):
    """Every risk of every project you may see (the portfolio register), filtered and sorted."""

    serializer_class = RiskSerializer
    permission_classes = [IsAuthenticated]
    filter_backends = [DjangoFilterBackend]
    filterset_class = RiskFilter
    queryset = Risk.objects.none()  # for schema introspection; requests use get_queryset()

    def get_queryset(self):
        return selectors.visible_risks(user=self.request.user)  # the filter backend filters and sorts it


@extend_schema(
    tags=["risks"],
    summary="Export the portfolio register (filters as on the list endpoint)",
    parameters=[OpenApiParameter("file_format", str, OpenApiParameter.PATH, enum=list(exports.FORMATS))],
    filters=True,
    responses={
        (200, "text/csv"): OpenApiTypes.BINARY,
        (200, "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"): OpenApiTypes.BINARY,
        (200, "application/pdf"): OpenApiTypes.BINARY,
        202: OpenApiResponse(
            GeneratedDocumentSerializer,
            description="A PDF of more risks than are printed at once: a generated document is queued; "
            "poll /api/v1/documents/{id}/ and download it when its state is `done`.",
        ),
    },
)
class PortfolioRiskExportView(generics.GenericAPIView):
    """The filtered portfolio register as a file. Text cells that start with = + - @ are exported inert."""

    permission_classes = [IsAuthenticated]
    filter_backends = [DjangoFilterBackend]
    filterset_class = RiskFilter
    queryset = Risk.objects.none()  # for schema introspection
    pagination_class = None

    @cached_property
    def filterset(self):
        return selectors.risk_filter(
            user=self.request.user, filters=self.request.query_params, default_sort="-residual"
        )

    def get(self, request, file_format):
        if file_format not in exports.FORMATS:
            raise Http404
        if not self.filterset.is_valid():
            raise APIValidationError(self.filterset.errors)
        context = exports.export_context(self.filterset, user=request.user)
        queryset = self.filterset.qs
        if file_format == "csv":
            return exports.csv_response(queryset, context)
        if file_format == "xlsx":
            return exports.xlsx_response(queryset, context)
        if exports.pdf_in_background(queryset):
            document = exports.pdf_document_request(
                actor=request.user, filters=request.query_params, default_sort="-residual"
            )
            location = reverse("portfolio-document-detail", args=[document.pk])
            body = GeneratedDocumentSerializer(document).data
            return Response(body, status=status.HTTP_202_ACCEPTED, headers={"Location": location})
        return exports.pdf_response(queryset, context)
