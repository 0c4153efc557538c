from django.contrib.auth import get_user_model
from rest_framework import serializers

from apps.accounts.api.serializers import UserSummarySerializer

from ..choices import MANUAL_ENTRY_CHOICES, Status
from ..models import ActionItem, Incident, IncidentArtifact, IncidentRiskLink, PostIncidentReview, TimelineEntry
from ..services import ACTION_EDITABLE_FIELDS, INCIDENT_EDITABLE_FIELDS, REVIEW_EDITABLE_FIELDS, available_transitions


def _person_field() -> serializers.PrimaryKeyRelatedField:
    return serializers.PrimaryKeyRelatedField(
        queryset=get_user_model().objects.filter(is_active=True),
        allow_null=True,
        required=False,
        help_text="User id of a project member.",
    )


class IncidentSerializer(serializers.ModelSerializer):
    """An incident with its status timestamps and the durations compared with the guide's targets."""

    code = serializers.CharField(read_only=True)
    project = serializers.SlugRelatedField(slug_field="slug", read_only=True)
    commander = _person_field()
    data_scientist = _person_field()
    mlops_engineer = _person_field()
    product_owner = _person_field()
    compliance_officer = _person_field()
    detected_at = serializers.DateTimeField(required=False, help_text="Default: now. Only when opening.")
    time_to_acknowledge_seconds = serializers.SerializerMethodField()
    time_to_mitigate_seconds = serializers.SerializerMethodField()
    duration_seconds = serializers.SerializerMethodField()
    acknowledge_target_met = serializers.BooleanField(read_only=True, allow_null=True)
    mitigate_target_met = serializers.BooleanField(read_only=True, allow_null=True)
    available_transitions = serializers.SerializerMethodField()
    review_due_on = serializers.DateField(source="review.due_on", read_only=True, default=None, allow_null=True)
    review_approved_at = serializers.DateTimeField(
        source="review.approved_at", read_only=True, default=None, allow_null=True
    )
    url = serializers.CharField(source="get_absolute_url", read_only=True)

    class Meta:
        model = Incident
        fields = [
            "code",
            "project",
            *INCIDENT_EDITABLE_FIELDS,
            "status",
            "detected_at",
            "acknowledged_at",
            "mitigated_at",
            "resolved_at",
            "review_due_at",
            "closed_at",
            "rolled_back_at",
            "time_to_acknowledge_seconds",
            "time_to_mitigate_seconds",
            "duration_seconds",
            "acknowledge_target_met",
            "mitigate_target_met",
            "available_transitions",
            "review_due_on",
            "review_approved_at",
            "alert_fingerprint",
            "alert_resolved_at",
            "runbook",
            "created_at",
            "updated_at",
            "url",
        ]
        read_only_fields = [
            "status",
            "acknowledged_at",
            "mitigated_at",
            "resolved_at",
            "review_due_at",
            "closed_at",
            "rolled_back_at",
            "alert_fingerprint",
            "alert_resolved_at",
            "runbook",
            "created_at",
            "updated_at",
        ]

    @staticmethod
    def _seconds(span) -> int | None:
        return None if span is None else int(span.total_seconds())

    def get_time_to_acknowledge_seconds(self, incident) -> int | None:
        return self._seconds(incident.time_to_acknowledge)

    def get_time_to_mitigate_seconds(self, incident) -> int | None:
        return self._seconds(incident.time_to_mitigate)

    def get_duration_seconds(self, incident) -> int | None:
        return self._seconds(incident.duration)

    def get_available_transitions(self, incident) -> list[str]:
        return available_transitions(incident)


class TransitionSerializer(serializers.Serializer):
    to = serializers.ChoiceField(choices=[Status.ACKNOWLEDGED, Status.MITIGATED, Status.RESOLVED])
    at = serializers.DateTimeField(required=False, allow_null=True, help_text="Default: now.")
    note = serializers.CharField(required=False, allow_blank=True, max_length=1000)


class NoteSerializer(serializers.Serializer):
    note = serializers.CharField(required=False, allow_blank=True, max_length=1000)


class RollbackSerializer(NoteSerializer):
    at = serializers.DateTimeField(required=False, allow_null=True, help_text="Default: now.")


class TimelineEntrySerializer(serializers.ModelSerializer):
    author = UserSummarySerializer(read_only=True, allow_null=True)
    kind = serializers.ChoiceField(choices=MANUAL_ENTRY_CHOICES, default="note")
    at = serializers.DateTimeField(required=False, help_text="When it happened; default now.")

    class Meta:
        model = TimelineEntry
        fields = ["id", "at", "kind", "text", "author", "created_at"]
        read_only_fields = ["id", "author", "created_at"]


class ArtifactSerializer(serializers.ModelSerializer):
    class Meta:
        model = IncidentArtifact
        fields = ["id", "kind", "reference", "note", "created_at"]
        read_only_fields = ["id", "created_at"]


class RiskLinkSerializer(serializers.ModelSerializer):
    risk = serializers.CharField(source="risk.code", help_text="The risk's code in this project, e.g. R-003.")
    title = serializers.CharField(source="risk.title", read_only=True)
    linked_by = UserSummarySerializer(read_only=True)

    class Meta:
        model = IncidentRiskLink
        fields = ["risk", "title", "opened_from_incident", "linked_by", "created_at"]
        read_only_fields = ["opened_from_incident", "created_at"]


class PostIncidentReviewSerializer(serializers.ModelSerializer):
    incident = serializers.CharField(source="incident.code", read_only=True)
    severity = serializers.CharField(source="incident.severity", read_only=True)
    is_overdue = serializers.BooleanField(read_only=True)
    on_time = serializers.BooleanField(read_only=True, allow_null=True)

    class Meta:
        model = PostIncidentReview
        fields = ["incident", "severity", "due_on", *REVIEW_EDITABLE_FIELDS, "approved_at", "is_overdue", "on_time"]
        read_only_fields = ["due_on", "approved_at"]


class SignoffCreatedSerializer(serializers.Serializer):
    signoff = serializers.IntegerField(source="pk")
    due_on = serializers.DateField()
    state = serializers.CharField()


class ActionItemSerializer(serializers.ModelSerializer):
    owner = serializers.PrimaryKeyRelatedField(
        queryset=get_user_model().objects.filter(is_active=True), help_text="User id of a project member."
    )
    owner_detail = UserSummarySerializer(source="owner", read_only=True)
    days_overdue = serializers.IntegerField(read_only=True)

    class Meta:
        model = ActionItem
        fields = ["id", *ACTION_EDITABLE_FIELDS, "owner_detail", "days_overdue", "completed_at", "created_at"]
        read_only_fields = ["id", "completed_at", "created_at"]


class RunbookSerializer(serializers.Serializer):
    runbook = serializers.CharField(help_text="The runbook template (guide 003, 5.11) filled in, as YAML text.")


class WebhookTokenSerializer(serializers.Serializer):
    token = serializers.CharField(help_text="Shown once: only its hash is stored.")
    url = serializers.CharField()


class AlertOutcomeSerializer(serializers.Serializer):
    incident = serializers.CharField()
    fingerprint = serializers.CharField()
    action = serializers.ChoiceField(choices=["created", "updated", "resolved", "ignored"])


class FiguresSerializer(serializers.Serializer):
    total = serializers.IntegerField()
    not_closed = serializers.IntegerField()
    per_month = serializers.ListField(child=serializers.DictField())
    mean_time_to_acknowledge_seconds = serializers.IntegerField(allow_null=True)
    mean_time_to_resolve_seconds = serializers.IntegerField(allow_null=True)
    reviews_on_time_pct = serializers.IntegerField(allow_null=True)
    reviews = serializers.DictField(child=serializers.IntegerField())
    actions = serializers.DictField(child=serializers.IntegerField())


def figures_data(figures: dict) -> dict:
    def seconds(span):
        return None if span is None else int(span.total_seconds())

    return {
        "total": figures["total"],
        "not_closed": figures["not_closed"],
        "per_month": [{"month": m["month"].strftime("%Y-%m"), "count": m["count"]} for m in figures["months"]],
        "mean_time_to_acknowledge_seconds": seconds(figures["mean_time_to_acknowledge"]),
        "mean_time_to_resolve_seconds": seconds(figures["mean_time_to_resolve"]),
        "reviews_on_time_pct": figures["reviews_on_time_pct"],
        "reviews": figures["reviews"],
        "actions": figures["actions"],
    }
