"""/api/v1/notifications/: the caller's own notifications, read state and delivery preferences."""

from django.shortcuts import get_object_or_404
from drf_spectacular.utils import extend_schema
from rest_framework import mixins, status, viewsets
from rest_framework.decorators import action
from rest_framework.response import Response

from .. import selectors, services
from ..filters import NotificationFilter
from ..models import Notification
from .serializers import (
    MarkAllReadSerializer,
    MarkedSerializer,
    NotificationSerializer,
    PreferenceSerializer,
    UnreadCountSerializer,
)


@extend_schema(tags=["notifications"])
class NotificationViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    """Your notifications, newest first; nobody else's exist for you (404).

    Filters: `category`, `status` (read / unread), `project` (slug).
    """

    queryset = Notification.objects.none()  # for schema introspection; requests use get_queryset()
    serializer_class = NotificationSerializer
    filterset_class = NotificationFilter
    ordering_fields = ["created_at"]
    search_fields = ["subject"]
    lookup_value_regex = r"\d+"

    def get_queryset(self):
        return selectors.notification_list(user=self.request.user)

    @extend_schema(request=None, responses=NotificationSerializer)
    @action(detail=True, methods=["post"], url_path="mark-read")
    def mark_read(self, request, pk=None):
        notification = get_object_or_404(self.get_queryset(), pk=pk)
        services.notification_mark_read(actor=request.user, notification=notification)
        return Response(self.get_serializer(notification).data)

    @extend_schema(request=MarkAllReadSerializer, responses=MarkedSerializer)
    @action(detail=False, methods=["post"], url_path="mark-all-read")
    def mark_all_read(self, request):
        data = MarkAllReadSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        marked = services.notifications_mark_all_read(actor=request.user, category=data.validated_data.get("category"))
        return Response({"marked": marked})

    @extend_schema(responses=UnreadCountSerializer)
    @action(detail=False, methods=["get"], url_path="unread-count", filterset_class=None, pagination_class=None)
    def unread_count(self, request):
        return Response({"unread": selectors.notification_unread_count(user=request.user)})


@extend_schema(tags=["notifications"])
class NotificationPreferenceViewSet(viewsets.ViewSet):
    """How each category reaches you: `email` at once, a daily `digest`, or `in_app` only."""

    serializer_class = PreferenceSerializer

    @extend_schema(responses=PreferenceSerializer(many=True))
    def list(self, request):
        return Response(PreferenceSerializer(selectors.notification_preferences(user=request.user), many=True).data)

    @extend_schema(request=PreferenceSerializer, responses={200: PreferenceSerializer(many=True)})
    def create(self, request):
        data = PreferenceSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        services.notification_preference_set(actor=request.user, **data.validated_data)
        return Response(
            PreferenceSerializer(selectors.notification_preferences(user=request.user), many=True).data,
            status=status.HTTP_200_OK,
        )
