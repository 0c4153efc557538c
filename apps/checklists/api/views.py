"""Checklist API: the same services and rules as the browser, one endpoint per object and action."""

from django.http import FileResponse, Http404
from django.shortcuts import get_object_or_404
from django.utils.functional import cached_property
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import mixins, status, viewsets
from rest_framework.decorators import action
from rest_framework.parsers import FormParser, MultiPartParser
from rest_framework.permissions import IsAuthenticated
from rest_framework.response import Response

from apps.core.api.parsers import BoundedJSONParser
from apps.projects import roles
from apps.projects.access import ProjectPermission, ProjectScopedAPIMixin

from .. import selectors, services
from ..choices import EvidenceKind
from ..models import Evidence, ItemComment, ProjectChecklist, TemplateVersion
from .serializers import (
    ChecklistApplySerializer,
    ChecklistTemplateSerializer,
    CommentSerializer,
    EvidenceCreateSerializer,
    EvidenceSerializer,
    ItemResponseUpdateSerializer,
    ItemRowSerializer,
    ProjectChecklistSerializer,
    ProjectProgressSerializer,
    ReviewCreateSerializer,
    ReviewSerializer,
    TemplateUploadResultSerializer,
    TemplateUploadSerializer,
    TemplateVersionDetailSerializer,
    VersionDiffSerializer,
)

READ = {"GET": roles.VIEW, "HEAD": roles.VIEW, "OPTIONS": roles.VIEW}


@extend_schema(tags=["checklist templates"])
class ChecklistTemplateViewSet(
    mixins.ListModelMixin, mixins.RetrieveModelMixin, mixins.CreateModelMixin, viewsets.GenericViewSet
):
    """The template library (portal and organisation templates). Portal admins upload organisation templates."""

    serializer_class = ChecklistTemplateSerializer
    permission_classes = [IsAuthenticated]
    lookup_field = "key"
    lookup_url_kwarg = "template_key"
    parser_classes = [BoundedJSONParser, MultiPartParser, FormParser]
    filterset_fields = ["origin"]

    def get_queryset(self):
        return selectors.template_list()

    @extend_schema(
        request=TemplateUploadSerializer,
        responses={201: TemplateUploadResultSerializer, 200: TemplateUploadResultSerializer},
    )
    def create(self, request, *args, **kwargs):
        """Upload an organisation template (same format and checks as the library). Portal admins only."""
        upload = TemplateUploadSerializer(data=request.data)
        upload.is_valid(raise_exception=True)
        data = upload.validated_data
        if data.get("file"):
            content, file_name = data["file"].read(), data["file"].name
        else:
            content, file_name = data["document"], data.get("file_name") or "uploaded document"
        version, created = services.template_upload(actor=request.user, content=content, file_name=file_name)
        body = TemplateUploadResultSerializer({"created": created, "version": version}).data
        return Response(body, status=status.HTTP_201_CREATED if created else status.HTTP_200_OK)

    @extend_schema(responses=TemplateVersionDetailSerializer)
    @action(detail=True, methods=["get"], url_path=r"versions/(?P<number>[0-9]+)")
    def version(self, request, template_key=None, number=None):
        """One version of the template with all its sections and items."""
        version = selectors.version_with_content(template_key=template_key, number=int(number))
        return Response(TemplateVersionDetailSerializer(version).data)

    @extend_schema(
        responses=VersionDiffSerializer,
        parameters=[
            OpenApiParameter("from", OpenApiTypes.INT, required=True, description="The older version number."),
            OpenApiParameter("to", OpenApiTypes.INT, description="The newer version (default: current)."),
        ],
    )
    @action(detail=True, methods=["get"])
    def diff(self, request, template_key=None):
        """Items added, removed and changed between two versions."""
        template = self.get_object()
        versions = TemplateVersion.objects.filter(template=template)
        try:
            old = get_object_or_404(versions, number=int(request.query_params.get("from", "")))
            new = get_object_or_404(
                versions, number=int(request.query_params.get("to") or template.current_version.number)
            )
        except ValueError:
            raise Http404 from None
        return Response(VersionDiffSerializer(selectors.version_diff(old=old, new=new)).data)


@extend_schema(tags=["checklists"])
class ProjectChecklistViewSet(
    ProjectScopedAPIMixin,
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    mixins.CreateModelMixin,
    mixins.DestroyModelMixin,
    viewsets.GenericViewSet,
):
    """Checklists applied to the project. Product Owners and Managers apply, upgrade and remove them."""

    serializer_class = ProjectChecklistSerializer
    permission_classes = [IsAuthenticated, ProjectPermission]
    lookup_url_kwarg = "checklist_id"
    project_permission_required = {**READ, "POST": roles.MANAGE_CHECKLISTS, "DELETE": roles.MANAGE_CHECKLISTS}

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):  # schema generation has no project
            return ProjectChecklist.objects.none()
        return selectors.checklist_list(project=self.parent_project)

    def get_serializer_context(self):
        context = super().get_serializer_context()
        if not getattr(self, "swagger_fake_view", False) and "project_slug" in self.kwargs:
            progress = selectors.project_progress(project=self.parent_project)
            context["progress"] = {p.checklist.pk: p.tally for p in progress.checklists}
        return context

    @extend_schema(request=ChecklistApplySerializer, responses={201: ProjectChecklistSerializer})
    def create(self, request, *args, **kwargs):
        """Apply a template (its current version) to the project."""
        payload = ChecklistApplySerializer(data=request.data)
        payload.is_valid(raise_exception=True)
        checklist = services.checklist_apply(
            actor=request.user, project=self.parent_project, template=payload.validated_data["template"]
        )
        return Response(self.get_serializer(checklist).data, status=status.HTTP_201_CREATED)

    def perform_destroy(self, instance):
        services.checklist_remove(actor=self.request.user, checklist=instance)

    @extend_schema(request=None, responses={200: ProjectChecklistSerializer(many=True)})
    @action(detail=False, methods=["post"], url_path="apply-defaults")
    def apply_defaults(self, request, project_slug=None):
        """Apply the default templates for the project's use case that it does not have yet."""
        applied = services.checklists_apply_defaults(actor=request.user, project=self.parent_project)
        return Response(self.get_serializer(applied, many=True).data)

    @extend_schema(request=None, responses={200: ProjectChecklistSerializer})
    @action(detail=True, methods=["post"])
    def upgrade(self, request, project_slug=None, checklist_id=None):
        """Move the checklist to its template's current version, keeping answers (see the template diff first)."""
        checklist = services.checklist_upgrade(actor=request.user, checklist=self.get_object())
        return Response(self.get_serializer(checklist).data)

    @extend_schema(responses=ProjectProgressSerializer)
    @action(detail=False, methods=["get"])
    def progress(self, request, project_slug=None):
        """Progress per checklist, per stage and for the project, with the open Required items (red flags)."""
        progress = selectors.project_progress(project=self.parent_project)
        progress.flags = selectors.red_flags(project=self.parent_project)
        return Response(ProjectProgressSerializer(progress).data)


class ChecklistScopedMixin(ProjectScopedAPIMixin):
    @cached_property
    def checklist(self) -> ProjectChecklist:
        return selectors.checklist_get(project=self.parent_project, checklist_id=self.kwargs["checklist_id"])

    def item(self):
        return selectors.item_get(checklist=self.checklist, item_key=self.kwargs["item_key"])


WORK = {
    **READ,
    "PATCH": roles.WORK_CHECKLISTS,
    "PUT": roles.WORK_CHECKLISTS,
    "POST": roles.WORK_CHECKLISTS,
    "DELETE": roles.WORK_CHECKLISTS,
}


@extend_schema(
    tags=["checklists"],
    parameters=[
        OpenApiParameter("stage", OpenApiTypes.STR),
        OpenApiParameter("status", OpenApiTypes.STR),
        OpenApiParameter("requirement", OpenApiTypes.STR),
        OpenApiParameter("owner", OpenApiTypes.STR, description="`me` or `none`"),
        OpenApiParameter("q", OpenApiTypes.STR, description="Text in the item title or key"),
    ],
)
class ChecklistItemViewSet(ChecklistScopedMixin, viewsets.GenericViewSet):
    """The items of a checklist with the project's responses; the rules of the browser apply here too."""

    serializer_class = ItemRowSerializer
    permission_classes = [IsAuthenticated, ProjectPermission]
    lookup_url_kwarg = "item_key"
    lookup_value_regex = "[-a-zA-Z0-9_]+"
    project_permission_required = WORK
    filter_backends = []
    parser_classes = [BoundedJSONParser, MultiPartParser, FormParser]

    def _row(self):
        return selectors.item_row(checklist=self.checklist, item=self.item())

    def list(self, request, *args, **kwargs):
        rows = selectors.checklist_rows(checklist=self.checklist, user=request.user, filters=request.query_params)
        page = self.paginate_queryset(rows)
        return self.get_paginated_response(ItemRowSerializer(page, many=True).data)

    def retrieve(self, request, *args, **kwargs):
        return Response(ItemRowSerializer(self._row()).data)

    @extend_schema(request=ItemResponseUpdateSerializer, responses=ItemRowSerializer)
    def partial_update(self, request, *args, **kwargs):
        """Change status, owner, justification or selected options (only the fields sent)."""
        payload = ItemResponseUpdateSerializer(data=request.data)
        payload.is_valid(raise_exception=True)
        services.item_response_update(
            actor=request.user, checklist=self.checklist, item=self.item(), **payload.validated_data
        )
        return Response(ItemRowSerializer(self._row()).data)

    @extend_schema(request=ReviewCreateSerializer, responses={201: ReviewSerializer})
    @action(detail=True, methods=["post"])
    def review(self, request, *args, **kwargs):
        """Mark the item reviewed: by a project member other than the one who completed it."""
        payload = ReviewCreateSerializer(data=request.data)
        payload.is_valid(raise_exception=True)
        review = services.item_review(
            actor=request.user, checklist=self.checklist, item=self.item(), note=payload.validated_data.get("note", "")
        )
        return Response(ReviewSerializer(review).data, status=status.HTTP_201_CREATED)

    @extend_schema(methods=["GET"], responses=EvidenceSerializer(many=True))
    @extend_schema(methods=["POST"], request=EvidenceCreateSerializer, responses={201: EvidenceSerializer})
    @action(detail=True, methods=["get", "post"])
    def evidence(self, request, *args, **kwargs):
        """The item's evidence; POST adds a link, a note or a file (type and size limits apply)."""
        item = self.item()
        context = {"project_slug": self.parent_project.slug}
        if request.method == "GET":
            evidence = Evidence.objects.filter(response__checklist=self.checklist, response__item=item).select_related(
                "added_by", "response__item"
            )
            return Response(EvidenceSerializer(evidence, many=True, context=context).data)
        payload = EvidenceCreateSerializer(data=request.data)
        payload.is_valid(raise_exception=True)
        data = payload.validated_data
        evidence = services.evidence_add(
            actor=request.user,
            checklist=self.checklist,
            item=item,
            kind=data["kind"],
            url=data.get("url", ""),
            note=data.get("note", ""),
            upload=data.get("file"),
        )
        return Response(EvidenceSerializer(evidence, context=context).data, status=status.HTTP_201_CREATED)

    @extend_schema(methods=["GET"], responses=CommentSerializer(many=True))
    @extend_schema(methods=["POST"], request=CommentSerializer, responses={201: CommentSerializer})
    @action(detail=True, methods=["get", "post"])
    def comments(self, request, *args, **kwargs):
        """The item's comments; POST adds one."""
        item = self.item()
        if request.method == "GET":
            comments = ItemComment.objects.filter(response__checklist=self.checklist, response__item=item)
            return Response(CommentSerializer(comments.select_related("author"), many=True).data)
        payload = CommentSerializer(data=request.data)
        payload.is_valid(raise_exception=True)
        comment = services.item_comment_add(
            actor=request.user, checklist=self.checklist, item=item, body=payload.validated_data["body"]
        )
        return Response(CommentSerializer(comment).data, status=status.HTTP_201_CREATED)


@extend_schema(tags=["checklists"])
class ProjectEvidenceViewSet(
    ProjectScopedAPIMixin, mixins.RetrieveModelMixin, mixins.DestroyModelMixin, viewsets.GenericViewSet
):
    """One piece of evidence: read it, download its file, or remove it (only the person who added it)."""

    serializer_class = EvidenceSerializer
    permission_classes = [IsAuthenticated, ProjectPermission]
    project_permission_required = {**READ, "DELETE": roles.WORK_CHECKLISTS}

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):  # schema generation has no project
            return Evidence.objects.none()
        return Evidence.objects.filter(project=self.parent_project).select_related("added_by", "response__item")

    def get_serializer_context(self):
        return {**super().get_serializer_context(), "project_slug": self.kwargs.get("project_slug")}

    def perform_destroy(self, instance):
        services.evidence_remove(actor=self.request.user, evidence=instance)

    @extend_schema(responses={(200, "*/*"): OpenApiTypes.BINARY})  # the file as uploaded, in its own type
    @action(detail=True, methods=["get"])
    def download(self, request, *args, **kwargs):
        """The uploaded file, as an attachment."""
        evidence = self.get_object()
        if evidence.kind != EvidenceKind.FILE:
            raise Http404
        return FileResponse(evidence.file.open("rb"), as_attachment=True, filename=evidence.file_name)
