from django.http import Http404
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework import mixins, status, viewsets
from rest_framework.decorators import action
from rest_framework.parsers import FormParser, MultiPartParser
from rest_framework.permissions import IsAuthenticated
from rest_framework.response import Response

from apps.core.api.parsers import BoundedJSONParser
from apps.projects import roles
from apps.projects.access import ProjectPermission, ProjectScopedAPIMixin

from .. import diffing, selectors, services
from ..models import CardRevision, MLModel
from ..views import EXPORTS, export_response
from .serializers import (
    CardDiffSerializer,
    CardImportSerializer,
    CardRevisionSerializer,
    CardRevisionSummarySerializer,
    CardRevisionWriteSerializer,
    CardSerializer,
    CardSubmitResultSerializer,
    CardSubmitSerializer,
    MLModelSerializer,
)

READ = {"GET": roles.VIEW, "HEAD": roles.VIEW, "OPTIONS": roles.VIEW}
WRITE = {"POST": roles.MANAGE_MODEL_CARDS, "PUT": roles.MANAGE_MODEL_CARDS, "PATCH": roles.MANAGE_MODEL_CARDS}


def _with_state(revision: CardRevision, row) -> CardRevision:
    revision.state, revision.signoff_id = row.state, row.signoff.pk if row.signoff else None
    return revision


@extend_schema(tags=["model cards"])
class MLModelViewSet(
    ProjectScopedAPIMixin,
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    mixins.CreateModelMixin,
    viewsets.GenericViewSet,
):
    """A project's models and their cards: revisions, diff, submission for sign-off, import and exports.

    Reads need `view_project`; every write needs `manage_model_cards`. A revision is never
    changed: writing a card adds the next revision.
    """

    queryset = MLModel.objects.none()  # for schema introspection; requests use get_queryset()
    serializer_class = MLModelSerializer
    permission_classes = [IsAuthenticated, ProjectPermission]
    project_permission_required = {**READ, **WRITE}
    lookup_field = "key"
    lookup_url_kwarg = "model_key"
    # A key is a slug other than the reserved words, so `models/import/` is never read as a model
    # (and the schema says so: generated keys cannot hit the import route's 405).
    lookup_value_regex = rf"(?!(?:{'|'.join(sorted(services.RESERVED_KEYS))})(?:/|$))[-a-zA-Z0-9_]+"
    filter_backends = []

    def get_queryset(self):
        return selectors.ml_model_queryset(user=self.request.user, project=self.parent_project).order_by("name")

    def get_object(self):
        model = selectors.ml_model_get(
            user=self.request.user, project=self.parent_project, key=self.kwargs["model_key"]
        )
        if model is None:
            raise Http404
        self.check_object_permissions(self.request, model)
        return model

    def perform_create(self, serializer):
        serializer.instance = services.ml_model_create(
            actor=self.request.user, project=self.parent_project, **serializer.validated_data
        )

    @extend_schema(request=MLModelSerializer, responses=MLModelSerializer, summary="Change a model's settings")
    def partial_update(self, request, *args, **kwargs):
        """PATCH only: name, current flag, version being promoted (the key never changes)."""
        model = self.get_object()
        serializer = MLModelSerializer(model, data=request.data, partial=True)
        serializer.is_valid(raise_exception=True)
        data = {k: v for k, v in serializer.validated_data.items() if k != "key"}
        model = services.ml_model_update(actor=request.user, model=model, **data)
        return Response(MLModelSerializer(model).data)

    def _revision(self, model, number) -> CardRevision:
        try:
            revision = selectors.revision_get(model=model, number=int(number))
        except (TypeError, ValueError):
            revision = None
        if revision is None:
            raise Http404
        rows = {row.revision.pk: row for row in selectors.revision_rows(model=model)}
        return _with_state(revision, rows[revision.pk])

    @extend_schema(responses=CardSerializer, summary="The card: latest revision, latest approved, completeness")
    @action(detail=True, methods=["get"])
    def card(self, request, *args, **kwargs):
        model = self.get_object()
        rows = selectors.revision_rows(model=model)
        latest = self._revision(model, rows[0].revision.number) if rows else None
        approved = next((row for row in rows if row.state == "approved"), None)
        body = {
            "model": model,
            "latest": latest,
            "approved": _with_state(approved.revision, approved) if approved else None,
            "completeness": selectors.card_completeness(latest) if latest else [],
        }
        return Response(CardSerializer(body).data)

    @extend_schema(
        methods=["GET"],
        responses=CardRevisionSummarySerializer(many=True),
        summary="The card's revisions, newest first",
    )
    @extend_schema(
        methods=["POST"],
        request=CardRevisionWriteSerializer,
        responses={
            201: CardRevisionSerializer,
            400: OpenApiResponse(description="`fields` keyed by field path, e.g. `metrics.primary[0].value`"),
        },
        summary="Save the card's next revision (a draft)",
    )
    @action(detail=True, methods=["get", "post"], pagination_class=None)
    def revisions(self, request, *args, **kwargs):
        model = self.get_object()
        if request.method == "GET":
            rows = selectors.revision_rows(model=model)
            return Response(CardRevisionSummarySerializer([_with_state(r.revision, r) for r in rows], many=True).data)
        serializer = CardRevisionWriteSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        revision = services.card_revision_create(
            actor=request.user, model=model, source=CardRevision.Source.API, **serializer.validated_data
        )
        return Response(
            CardRevisionSerializer(self._revision(model, revision.number)).data, status=status.HTTP_201_CREATED
        )

    @extend_schema(responses=CardRevisionSerializer, summary="One revision with its content")
    @action(detail=True, methods=["get"], url_path=r"revisions/(?P<number>\d+)")
    def revision(self, request, *args, number=None, **kwargs):
        return Response(CardRevisionSerializer(self._revision(self.get_object(), number)).data)

    @extend_schema(
        parameters=[
            OpenApiParameter("from", int, description="Older revision number (default: the one before the latest)"),
            OpenApiParameter("to", int, description="Newer revision number (default: the latest)"),
        ],
        responses=CardDiffSerializer,
        summary="Compare two revisions field by field (inside metric and subgroup lists too)",
    )
    @action(detail=True, methods=["get"])
    def diff(self, request, *args, **kwargs):
        model = self.get_object()
        rows = selectors.revision_rows(model=model)
        if not rows:
            raise Http404
        older = self._revision(model, request.query_params.get("from", rows[min(1, len(rows) - 1)].revision.number))
        newer = self._revision(model, request.query_params.get("to", rows[0].revision.number))
        changes = diffing.diff_values(older.content, newer.content)
        body = {
            "model": model.key,
            "from_revision": older.number,
            "to_revision": newer.number,
            "summary": diffing.summary(changes),
            "changes": [
                {"path": c.path, "label": c.label, "kind": c.kind, "before": c.before, "after": c.after}
                for c in changes
            ],
        }
        return Response(CardDiffSerializer(body).data)

    @extend_schema(
        request=CardSubmitSerializer,
        responses={201: CardSubmitResultSerializer},
        summary="Submit a revision (the latest) for sign-off",
    )
    @action(detail=True, methods=["post"], url_path=r"revisions/(?P<number>\d+)/submit")
    def submit(self, request, *args, number=None, **kwargs):
        model = self.get_object()
        revision = self._revision(model, number)
        serializer = CardSubmitSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        signoff = services.card_revision_submit(actor=request.user, revision=revision, **serializer.validated_data)
        body = {"signoff": signoff.pk, "state": signoff.state, "url": signoff.get_absolute_url()}
        return Response(CardSubmitResultSerializer(body).data, status=status.HTTP_201_CREATED)

    @extend_schema(
        parameters=[OpenApiParameter("fmt", str, OpenApiParameter.PATH, enum=list(EXPORTS))],
        responses={
            (200, "application/yaml"): OpenApiTypes.STR,
            (200, "application/json"): OpenApiTypes.OBJECT,
            (200, "text/markdown"): OpenApiTypes.STR,
            (200, "application/pdf"): OpenApiTypes.BINARY,
        },
        summary="Export a revision: yaml (the template), mct (Model Card Toolkit JSON v0.0.2), "
        "huggingface (README.md) or pdf",
    )
    @action(detail=True, methods=["get"], url_path=r"revisions/(?P<number>\d+)/export/(?P<fmt>[a-z]+)")
    def export(self, request, *args, number=None, fmt=None, **kwargs):
        return export_response(self._revision(self.get_object(), number), fmt, request=request)

    @extend_schema(
        request={"application/json": CardImportSerializer, "multipart/form-data": CardImportSerializer},
        responses={
            201: CardRevisionSerializer,
            400: OpenApiResponse(description="Bad YAML or a wrong type: `fields` names the path; nothing is saved"),
        },
        summary="Import a card (the template's YAML, or a Hugging Face README's metadata) as a new revision",
    )
    @action(
        detail=False,
        methods=["post"],
        url_path="import",
        parser_classes=[BoundedJSONParser, MultiPartParser, FormParser],
        serializer_class=CardImportSerializer,
    )
    def import_card(self, request, *args, **kwargs):
        serializer = CardImportSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        model = None
        if data.get("model"):
            model = selectors.ml_model_get(user=request.user, project=self.parent_project, key=data["model"])
            if model is None:
                raise Http404
        upload = data.get("file")
        revision = services.card_import(
            actor=request.user,
            project=self.parent_project,
            data=upload.read(services.formats.MAX_UPLOAD_BYTES + 1) if upload else data["text"],
            fmt=data["format"],
            model=model,
            note=data["note"],
        )
        return Response(
            CardRevisionSerializer(self._revision(revision.model, revision.number)).data,
            status=status.HTTP_201_CREATED,
        )
