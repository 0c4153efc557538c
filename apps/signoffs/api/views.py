from django.db.models import Prefetch
from django_filters.rest_framework import DjangoFilterBackend
from drf_spectacular.utils import extend_schema
from rest_framework import mixins, viewsets
from rest_framework.decorators import action
from rest_framework.permissions import IsAuthenticated
from rest_framework.response import Response

from apps.projects import roles
from apps.projects.access import ProjectPermission, ProjectScopedAPIMixin

from .. import selectors, services
from ..filters import SignoffInboxFilter
from ..models import Approver, SignoffEvent, SignoffRequest
from .serializers import (
    DecisionSerializer,
    SignoffCountSerializer,
    SignoffRequestSerializer,
    SubmittedSignoffSerializer,
    WithdrawSerializer,
)


def _history() -> Prefetch:
    return Prefetch("events", SignoffEvent.objects.select_related("actor", "approver__user").order_by("id"))


@extend_schema(tags=["sign-offs"])
class SignoffInboxViewSet(mixins.ListModelMixin, viewsets.GenericViewSet):
    """Open sign-off requests waiting for your decision, overdue first (filters: `q`, `project`, `overdue`)."""

    queryset = SignoffRequest.objects.none()  # for schema introspection; requests use get_queryset()
    serializer_class = SignoffRequestSerializer
    filterset_class = SignoffInboxFilter
    filter_backends = [DjangoFilterBackend]

    def get_queryset(self):
        return selectors.signoff_inbox(user=self.request.user).prefetch_related(_history())

    @extend_schema(responses=SignoffCountSerializer, filters=False)
    @action(detail=False, methods=["get"], filter_backends=[], pagination_class=None)
    def count(self, request):
        """How many requests wait for you, and how many you submitted are still open (two counts, no lists)."""
        data = {
            "waiting_for_me": selectors.signoff_inbox_count(user=request.user),
            "submitted_open": selectors.signoff_submitted_count(user=request.user),
        }
        return Response(SignoffCountSerializer(data).data)


@extend_schema(tags=["sign-offs"])
class SignoffSubmittedViewSet(mixins.ListModelMixin, viewsets.GenericViewSet):
    """Open sign-off requests you submitted, oldest due first, with who each still waits on."""

    queryset = SignoffRequest.objects.none()
    serializer_class = SubmittedSignoffSerializer
    filter_backends = []

    def get_queryset(self):
        return selectors.signoff_submitted(user=self.request.user)

    def list(self, request, *args, **kwargs):
        page = self.paginate_queryset(self.get_queryset())
        return self.get_paginated_response(self.get_serializer(selectors.attach_waiting_on(page), many=True).data)


@extend_schema(tags=["sign-offs"])
class ProjectSignoffViewSet(ProjectScopedAPIMixin, viewsets.ReadOnlyModelViewSet):
    """A project's sign-off requests. Approvers decide; the requester may withdraw an open request.

    Separation of duties and the approval policy are enforced by the engine:
    refused decisions answer 403 (not an approver) or 400 (closed request, changed content).
    """

    queryset = SignoffRequest.objects.none()
    serializer_class = SignoffRequestSerializer
    permission_classes = [IsAuthenticated, ProjectPermission]
    filterset_fields = ["state", "policy"]
    # Deciding and withdrawing need only membership: the engine checks who may do which.
    project_permission_required = {"GET": roles.VIEW, "HEAD": roles.VIEW, "OPTIONS": roles.VIEW, "POST": roles.VIEW}

    def get_queryset(self):
        return (
            SignoffRequest.objects.filter(project=self.parent_project)
            .select_related("project", "requested_by", "target_type")
            .prefetch_related(Prefetch("approvers", Approver.objects.select_related("user")), _history())
            .order_by("-id")
        )

    @extend_schema(request=DecisionSerializer, responses=SignoffRequestSerializer)
    @action(detail=True, methods=["post"])
    def decide(self, request, project_slug=None, pk=None):
        signoff = self.get_object()
        data = DecisionSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        services.signoff_decide(actor=request.user, signoff=signoff, **data.validated_data)
        return Response(self.get_serializer(self.get_queryset().get(pk=signoff.pk)).data)

    @extend_schema(request=WithdrawSerializer, responses=SignoffRequestSerializer)
    @action(detail=True, methods=["post"])
    def withdraw(self, request, project_slug=None, pk=None):
        signoff = self.get_object()
        data = WithdrawSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        services.signoff_withdraw(actor=request.user, signoff=signoff, **data.validated_data)
        return Response(self.get_serializer(self.get_queryset().get(pk=signoff.pk)).data)
