from django.contrib.auth import get_user_model
from drf_spectacular.utils import extend_schema_serializer
from rest_framework import serializers

from apps.accounts.api.serializers import UserSummarySerializer
from apps.projects.choices import Role

from ..choices import OccurrenceStatus, ReviewKind
from ..models import ActionItem, ReviewDecision, ReviewOccurrence, ReviewSeries
from ..rules import MAX_RULE_LENGTH


class ReviewSeriesSerializer(serializers.ModelSerializer):
    """A review series. Its dates come from `rule` (RFC 5545) counted from `starts_on`."""

    project = serializers.SlugRelatedField(slug_field="slug", read_only=True)
    kind = serializers.ChoiceField(choices=ReviewKind.choices)
    chair_role = serializers.ChoiceField(choices=Role.choices)
    attendee_roles = serializers.ListField(child=serializers.ChoiceField(choices=Role.choices), required=False)
    rule = serializers.CharField(
        max_length=MAX_RULE_LENGTH,
        required=False,
        allow_blank=True,
        help_text="RFC 5545 RRULE, e.g. FREQ=WEEKLY;BYDAY=MO. Empty on create: the kind's cadence.",
    )
    lead_days = serializers.IntegerField(min_value=0, max_value=60, required=False)
    next_occurrence = serializers.SerializerMethodField()
    url = serializers.CharField(source="get_absolute_url", read_only=True)

    class Meta:
        model = ReviewSeries
        fields = [
            "id",
            "project",
            "kind",
            "title",
            "purpose",
            "chair_role",
            "attendee_roles",
            "starts_on",
            "rule",
            "lead_days",
            "paused_on",
            "next_occurrence",
            "created_at",
            "updated_at",
            "url",
        ]
        read_only_fields = ["paused_on", "created_at", "updated_at"]

    def get_next_occurrence(self, series) -> str | None:
        day = getattr(series, "next_occurrence", None)
        return day.isoformat() if day else None


class ReviewDecisionSerializer(serializers.ModelSerializer):
    recorded_by = UserSummarySerializer(read_only=True, allow_null=True)

    class Meta:
        model = ReviewDecision
        fields = ["id", "text", "recorded_by", "created_at"]
        read_only_fields = ["created_at"]


@extend_schema_serializer(component_name="ReviewActionItem")  # incidents have their own action items
class ActionItemSerializer(serializers.ModelSerializer):
    owner = serializers.PrimaryKeyRelatedField(queryset=get_user_model().objects.filter(is_active=True))
    owner_detail = UserSummarySerializer(source="owner", read_only=True)
    is_overdue = serializers.BooleanField(read_only=True)

    class Meta:
        model = ActionItem
        fields = ["id", "title", "owner", "owner_detail", "due_on", "done_on", "is_overdue"]
        read_only_fields = ["done_on"]


class OccurrenceSerializer(serializers.ModelSerializer):
    """An occurrence: scheduled by the rule (no record yet) or recorded."""

    series = serializers.PrimaryKeyRelatedField(read_only=True)
    series_title = serializers.CharField(source="series.title", read_only=True)
    kind = serializers.CharField(source="series.kind", read_only=True)
    status = serializers.ChoiceField(choices=OccurrenceStatus.choices, read_only=True)
    recorded = serializers.SerializerMethodField()
    url = serializers.CharField(source="get_absolute_url", read_only=True)

    class Meta:
        model = ReviewOccurrence
        fields = ["series", "series_title", "kind", "scheduled_on", "held_on", "status", "recorded", "url"]

    def get_recorded(self, occurrence) -> bool:
        return occurrence.pk is not None and occurrence.held_on is not None


class ReviewRecordSerializer(OccurrenceSerializer):
    """A meeting's full record."""

    chair = UserSummarySerializer(read_only=True, allow_null=True)
    attendees = UserSummarySerializer(many=True, read_only=True)
    recorded_by = UserSummarySerializer(read_only=True, allow_null=True)
    decisions = ReviewDecisionSerializer(many=True, read_only=True)
    actions = ActionItemSerializer(many=True, read_only=True)
    reviewed_risks = serializers.SerializerMethodField()
    attestation = serializers.SerializerMethodField()

    class Meta(OccurrenceSerializer.Meta):
        fields = [
            *OccurrenceSerializer.Meta.fields,
            "chair",
            "attendees",
            "minutes",
            "agenda",
            "decisions",
            "actions",
            "reviewed_risks",
            "recorded_by",
            "recorded_at",
            "attestation",
        ]

    def to_representation(self, occurrence):
        if occurrence.pk is None:  # a date of the rule, not recorded: nothing to relate yet
            empty = {"chair": None, "attendees": [], "minutes": "", "agenda": [], "decisions": [], "actions": []}
            return {
                **OccurrenceSerializer(occurrence, context=self.context).data,
                **empty,
                "reviewed_risks": [],
                "recorded_by": None,
                "recorded_at": None,
                "attestation": None,
            }
        return super().to_representation(occurrence)

    def get_reviewed_risks(self, occurrence) -> list[str]:
        return sorted(risk.code for risk in occurrence.reviewed_risks.all())

    def get_attestation(self, occurrence) -> dict | None:
        signoff = next(iter(occurrence.attestations.all()), None)
        if signoff is None:
            return None
        return {"id": signoff.pk, "state": signoff.state, "due_on": signoff.due_on.isoformat()}


class RecordInputSerializer(serializers.Serializer):
    held_on = serializers.DateField()
    chair = serializers.PrimaryKeyRelatedField(
        queryset=get_user_model().objects.filter(is_active=True), allow_null=True, required=False
    )
    attendees = serializers.PrimaryKeyRelatedField(queryset=get_user_model().objects.filter(is_active=True), many=True)
    minutes = serializers.CharField(required=False, allow_blank=True, max_length=20000)
    decisions = serializers.ListField(child=serializers.CharField(max_length=5000), required=False, max_length=50)
    actions = ActionItemSerializer(many=True, required=False, max_length=50)
    reviewed_risks = serializers.ListField(
        child=serializers.RegexField(r"^R-\d{1,6}$"), required=False, max_length=200, help_text="Risk codes."
    )


class ScheduleInputSerializer(serializers.Serializer):
    scheduled_on = serializers.DateField()


class DecisionInputSerializer(serializers.Serializer):
    text = serializers.CharField(max_length=5000)


class CalendarEntrySerializer(serializers.Serializer):
    source = serializers.CharField()
    uid = serializers.CharField()
    day = serializers.DateField()
    title = serializers.CharField()
    project = serializers.SerializerMethodField()
    url = serializers.CharField()
    detail = serializers.CharField()
    status = serializers.CharField()

    def get_project(self, entry) -> str:
        return self.context["project_slugs"].get(entry.project_id, "")
