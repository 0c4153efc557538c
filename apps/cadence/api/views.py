import datetime

from django.db.models import Prefetch
from django.http import Http404
from django.shortcuts import get_object_or_404
from django.utils import timezone
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework import generics, mixins, status, viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import ValidationError as APIValidationError
from rest_framework.permissions import IsAuthenticated
from rest_framework.response import Response
from rest_framework.views import APIView

from apps.projects import roles
from apps.projects.access import ProjectPermission, ProjectScopedAPIMixin, visible_projects
from apps.risks.models import Risk, parse_code
from apps.signoffs.models import SignoffRequest

from .. import registry, selectors, services
from ..models import ActionItem, ReviewDecision, ReviewOccurrence, ReviewSeries
from .serializers import (
    ActionItemSerializer,
    CalendarEntrySerializer,
    DecisionInputSerializer,
    OccurrenceSerializer,
    RecordInputSerializer,
    ReviewDecisionSerializer,
    ReviewRecordSerializer,
    ReviewSeriesSerializer,
    ScheduleInputSerializer,
)

READ = {"GET": roles.VIEW, "HEAD": roles.VIEW, "OPTIONS": roles.VIEW}
MANAGE = {**READ, "POST": roles.MANAGE_REVIEWS, "PUT": roles.MANAGE_REVIEWS, "PATCH": roles.MANAGE_REVIEWS}
MAX_RANGE_DAYS = 366


def _date_param(request, name: str, default: datetime.date) -> datetime.date:
    value = request.query_params.get(name)
    if not value:
        return default
    try:
        return datetime.date.fromisoformat(value)
    except ValueError as error:
        raise APIValidationError({name: ["Dates are YYYY-MM-DD."]}) from error


def _date_range(request, *, default_back: int, default_ahead: int) -> tuple[datetime.date, datetime.date]:
    today = timezone.localdate()
    first = _date_param(request, "from", today - datetime.timedelta(days=default_back))
    last = _date_param(request, "to", today + datetime.timedelta(days=default_ahead))
    if last < first or (last - first).days > MAX_RANGE_DAYS:
        raise APIValidationError({"to": [f"`to` must be after `from`, at most {MAX_RANGE_DAYS} days later."]})
    return first, last


RANGE_PARAMETERS = [
    OpenApiParameter("from", OpenApiTypes.DATE, description="First day (default: 90 days ago)"),
    OpenApiParameter("to", OpenApiTypes.DATE, description="Last day (default: 180 days ahead; at most 366 days)"),
]


@extend_schema(tags=["reviews"])
class ReviewSeriesViewSet(
    ProjectScopedAPIMixin,
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    mixins.CreateModelMixin,
    mixins.UpdateModelMixin,
    viewsets.GenericViewSet,
):
    """A project's governance review series (weekly, monthly, quarterly, ad hoc)."""

    queryset = ReviewSeries.objects.none()
    serializer_class = ReviewSeriesSerializer
    permission_classes = [IsAuthenticated, ProjectPermission]
    project_permission_required = MANAGE
    filter_backends = []
    pagination_class = None
    lookup_value_regex = r"\d+"

    def get_queryset(self):
        return selectors.series_list(user=self.request.user, project=self.parent_project)

    def get_object(self):
        series = next((s for s in self.get_queryset() if s.pk == int(self.kwargs["pk"])), None)
        if series is None:
            raise Http404
        self.check_object_permissions(self.request, series)
        return series

    def perform_create(self, serializer):
        serializer.instance = services.series_create(
            actor=self.request.user, project=self.parent_project, **serializer.validated_data
        )

    def perform_update(self, serializer):
        fields = {k: v for k, v in serializer.validated_data.items() if k != "kind"}
        serializer.instance = services.series_update(actor=self.request.user, series=serializer.instance, **fields)

    @extend_schema(request=None, responses=ReviewSeriesSerializer, summary="Pause: no meetings from today")
    @action(detail=True, methods=["post"])
    def pause(self, request, *args, **kwargs):
        series = services.series_pause(actor=request.user, series=self.get_object())
        return Response(ReviewSeriesSerializer(series).data)

    @extend_schema(request=None, responses=ReviewSeriesSerializer, summary="Resume a paused series")
    @action(detail=True, methods=["post"])
    def resume(self, request, *args, **kwargs):
        series = services.series_resume(actor=request.user, series=self.get_object())
        return Response(ReviewSeriesSerializer(series).data)

    @extend_schema(
        request=ScheduleInputSerializer,
        responses={201: OccurrenceSerializer},
        summary="Ad hoc series: schedule a review on a date",
    )
    @action(detail=True, methods=["post"])
    def schedule(self, request, *args, **kwargs):
        serializer = ScheduleInputSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        occurrence = services.occurrence_schedule(
            actor=request.user, series=self.get_object(), **serializer.validated_data
        )
        return Response(OccurrenceSerializer(occurrence).data, status=status.HTTP_201_CREATED)

    @extend_schema(
        parameters=RANGE_PARAMETERS,
        responses=OccurrenceSerializer(many=True),
        summary="Occurrences in a date range: recorded, missed and scheduled by the rule",
    )
    @action(detail=True, methods=["get"])
    def occurrences(self, request, *args, **kwargs):
        first, last = _date_range(request, default_back=90, default_ahead=180)
        occurrences = selectors.series_occurrences(series_list=[self.get_object()], first=first, last=last)
        return Response(OccurrenceSerializer(occurrences, many=True).data)


class OccurrenceAPIMixin(ProjectScopedAPIMixin):
    permission_classes = [IsAuthenticated, ProjectPermission]
    project_permission_required = MANAGE

    def occurrence(self) -> ReviewOccurrence:
        occurrence = selectors.occurrence_get(
            user=self.request.user,
            project=self.parent_project,
            series_pk=self.kwargs["series_pk"],
            day=self.kwargs["day"],
        )
        if occurrence is None:
            raise Http404
        return occurrence

    def held(self) -> ReviewOccurrence:
        occurrence = self.occurrence()
        if occurrence.pk is None or occurrence.held_on is None:
            raise APIValidationError({"non_field_errors": ["Record the meeting first."]})
        return occurrence

    def record_response(self, occurrence, code=status.HTTP_200_OK):
        fresh = selectors.occurrence_get(
            user=self.request.user,
            project=self.parent_project,
            series_pk=occurrence.series_id,
            day=occurrence.scheduled_on,
        )
        return Response(ReviewRecordSerializer(fresh).data, status=code)


@extend_schema(tags=["reviews"])
class OccurrenceDetailAPIView(OccurrenceAPIMixin, APIView):
    @extend_schema(responses=ReviewRecordSerializer, summary="One meeting: its record (or the rule's date)")
    def get(self, request, *args, **kwargs):
        return Response(ReviewRecordSerializer(self.occurrence()).data)


@extend_schema(tags=["reviews"])
class OccurrenceRecordAPIView(OccurrenceAPIMixin, APIView):
    @extend_schema(
        request=RecordInputSerializer,
        responses=ReviewRecordSerializer,
        summary="Record a meeting: held date, attendees, chair, minutes, decisions, actions, risks reviewed",
    )
    def post(self, request, *args, **kwargs):
        occurrence = self.occurrence()
        serializer = RecordInputSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        numbers = [parse_code(code) for code in data.get("reviewed_risks", [])]
        risks = list(Risk.objects.filter(project=self.parent_project, number__in=numbers).select_related("project"))
        if len(risks) != len(set(numbers)):
            raise APIValidationError({"reviewed_risks": ["Name risks of this project by their codes."]})
        agenda = (
            occurrence.agenda
            if occurrence.pk and occurrence.held_on
            else selectors.agenda_prepare(series=occurrence.series, day=occurrence.scheduled_on)
        )
        recorded = services.occurrence_record(
            actor=request.user,
            series=occurrence.series,
            scheduled_on=occurrence.scheduled_on,
            held_on=data["held_on"],
            chair=data.get("chair"),
            attendees=data["attendees"],
            minutes=data.get("minutes", ""),
            decisions=data.get("decisions", []),
            actions=[
                {"title": a["title"], "owner": a["owner"], "due_on": a["due_on"]} for a in data.get("actions", [])
            ],
            reviewed_risks=risks,
            agenda=agenda,
        )
        return self.record_response(recorded)


@extend_schema(tags=["reviews"])
class OccurrenceDecisionAPIView(OccurrenceAPIMixin, APIView):
    @extend_schema(
        request=DecisionInputSerializer, responses={201: ReviewDecisionSerializer}, summary="Append a decision"
    )
    def post(self, request, *args, **kwargs):
        serializer = DecisionInputSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        decision = services.decision_add(actor=request.user, occurrence=self.held(), **serializer.validated_data)
        return Response(ReviewDecisionSerializer(decision).data, status=status.HTTP_201_CREATED)


@extend_schema(tags=["reviews"])
class OccurrenceActionAPIView(OccurrenceAPIMixin, APIView):
    @extend_schema(
        request=ActionItemSerializer, responses={201: ActionItemSerializer}, summary="Add a follow-up action"
    )
    def post(self, request, *args, **kwargs):
        serializer = ActionItemSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        item = services.action_add(
            actor=request.user, occurrence=self.held(), title=data["title"], owner=data["owner"], due_on=data["due_on"]
        )
        return Response(ActionItemSerializer(item).data, status=status.HTTP_201_CREATED)


@extend_schema(tags=["reviews"])
class OccurrenceAttestAPIView(OccurrenceAPIMixin, APIView):
    @extend_schema(request=None, responses={201: ReviewRecordSerializer}, summary="Ask the chair to attest the record")
    def post(self, request, *args, **kwargs):
        occurrence = self.held()
        services.attestation_request(actor=request.user, occurrence=occurrence)
        return self.record_response(occurrence, status.HTTP_201_CREATED)


@extend_schema(tags=["reviews"])
class ReviewRecordListAPIView(ProjectScopedAPIMixin, generics.ListAPIView):
    """The project's recorded meetings, newest first, with decisions, actions and attestations."""

    serializer_class = ReviewRecordSerializer
    permission_classes = [IsAuthenticated, ProjectPermission]
    project_permission_required = READ
    filter_backends = []

    def get_queryset(self):
        return (
            ReviewOccurrence.objects.filter(project=self.parent_project, held_on__isnull=False)
            .select_related("series", "project", "chair", "recorded_by")
            .prefetch_related(
                "attendees",
                "reviewed_risks",
                Prefetch("decisions", ReviewDecision.objects.select_related("recorded_by")),
                Prefetch("actions", ActionItem.objects.select_related("owner")),
                Prefetch("attestations", SignoffRequest.objects.order_by("-id")),
            )
            .order_by("-scheduled_on", "-id")
        )


@extend_schema(tags=["reviews"])
class CalendarAPIView(APIView):
    """Everything dated on the projects I can see (reviews, sign-offs, deliverables, risks, actions...)."""

    permission_classes = [IsAuthenticated]

    @extend_schema(
        parameters=[
            *RANGE_PARAMETERS,
            OpenApiParameter("project", OpenApiTypes.STR, description="Project slug"),
            OpenApiParameter("kind", OpenApiTypes.STR, many=True, description="Calendar source keys"),
        ],
        responses={
            200: CalendarEntrySerializer(many=True),
            # Like every project-scoped address, a project you cannot see is not found.
            404: OpenApiResponse(description="The `project` filter names no project you can see."),
        },
        summary="Calendar entries in a date range",
    )
    def get(self, request):
        first, last = _date_range(request, default_back=0, default_ahead=60)
        projects = visible_projects(request.user)
        slug = request.query_params.get("project")
        if slug:
            projects = projects.filter(pk=get_object_or_404(projects, slug=slug).pk)
        sources = registry.calendar_sources()
        kinds = request.query_params.getlist("kind")
        unknown = [kind for kind in kinds if kind not in sources]
        if unknown:
            raise APIValidationError({"kind": [f"Unknown kinds: {', '.join(unknown)}. Known: {', '.join(sources)}."]})
        entries = registry.calendar_entries(projects=projects, first=first, last=last, sources=kinds or None)
        slugs = dict(projects.values_list("pk", "slug"))
        return Response(CalendarEntrySerializer(entries, many=True, context={"project_slugs": slugs}).data)
