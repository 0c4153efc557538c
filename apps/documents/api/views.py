from django.http import Http404
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema
from rest_framework import mixins, status, viewsets
from rest_framework.decorators import action
from rest_framework.permissions import IsAuthenticated
from rest_framework.response import Response

from apps.projects import roles
from apps.projects.access import ProjectPermission, ProjectScopedAPIMixin

from .. import selectors, services
from ..downloads import document_file_response
from ..models import GeneratedDocument
from .serializers import DocumentRequestSerializer, GeneratedDocumentSerializer

READ = {"GET": roles.VIEW, "HEAD": roles.VIEW, "OPTIONS": roles.VIEW}


@extend_schema(tags=["documents"])
class ProjectDocumentViewSet(
    ProjectScopedAPIMixin, mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet
):
    """A project's generated documents (dossiers, large register PDFs). A request answers 202 at once;
    poll the document until `state` is `done`, then download it."""

    queryset = GeneratedDocument.objects.none()  # for schema introspection; requests use get_queryset()
    serializer_class = GeneratedDocumentSerializer
    permission_classes = [IsAuthenticated, ProjectPermission]
    # Requesting a document writes nothing to the project; the kind's own permission is checked by the service.
    project_permission_required = {**READ, "POST": roles.VIEW}
    methods_allowed_when_retired = ("POST",)  # a retired project's records are documented, never changed
    pagination_class = None
    lookup_value_regex = r"\d+"

    def get_queryset(self):
        return selectors.document_list(user=self.request.user, project=self.parent_project)[:100]

    def get_object(self) -> GeneratedDocument:
        document = selectors.document_get(user=self.request.user, pk=self.kwargs["pk"], project=self.parent_project)
        if document is None:
            raise Http404
        return document

    @extend_schema(request=DocumentRequestSerializer, responses={202: GeneratedDocumentSerializer})
    def create(self, request, *args, **kwargs):
        data = DocumentRequestSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        document = services.document_request(actor=request.user, project=self.parent_project, **data.validated_data)
        fresh = selectors.document_get(user=request.user, pk=document.pk, project=self.parent_project) or document
        return Response(GeneratedDocumentSerializer(fresh).data, status=status.HTTP_202_ACCEPTED)

    @extend_schema(responses={(200, "application/pdf"): OpenApiTypes.BINARY}, summary="The generated file")
    @action(detail=True, methods=["get"])
    def download(self, request, *args, **kwargs):
        return document_file_response(self.get_object())


@extend_schema(tags=["documents"])
class PortfolioDocumentViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    """Portfolio-wide documents (large portfolio register PDFs): only the person who asked sees them."""

    queryset = GeneratedDocument.objects.none()
    serializer_class = GeneratedDocumentSerializer
    permission_classes = [IsAuthenticated]
    pagination_class = None
    lookup_value_regex = r"\d+"

    def get_queryset(self):
        return selectors.portfolio_document_list(user=self.request.user)[:100]

    def get_object(self) -> GeneratedDocument:
        document = selectors.document_get(user=self.request.user, pk=self.kwargs["pk"])
        if document is None:
            raise Http404
        return document

    @extend_schema(responses={(200, "application/pdf"): OpenApiTypes.BINARY}, summary="The generated file")
    @action(detail=True, methods=["get"])
    def download(self, request, *args, **kwargs):
        return document_file_response(self.get_object())
