from django.contrib.auth import get_user_model
from rest_framework import serializers

from apps.accounts.api.serializers import UserSummarySerializer

from ..choices import DeliverableStatus
from ..models import Deliverable, ProjectDeliverable


class DeliverableSerializer(serializers.ModelSerializer):
    """A registry entry: what to produce, in which stage, by which role, how often, and why."""

    class Meta:
        model = Deliverable
        fields = ["key", "name", "primary_stage", "owner_role", "cadence", "cadence_label", "purpose", "position"]
        read_only_fields = fields


class ProjectDeliverableSerializer(serializers.ModelSerializer):
    """A project's deliverable. `next_due_on` is empty for event-driven cadences; `stale` means past due."""

    project = serializers.SlugRelatedField(slug_field="slug", read_only=True)
    deliverable = DeliverableSerializer(read_only=True)
    owner = UserSummarySerializer(read_only=True, allow_null=True)
    stale = serializers.BooleanField(source="is_stale", read_only=True)
    due = serializers.CharField(source="due_display", read_only=True, help_text="A date, or the event cadence.")
    has_file = serializers.SerializerMethodField()

    class Meta:
        model = ProjectDeliverable
        fields = [
            "id",
            "project",
            "deliverable",
            "owner",
            "status",
            "link",
            "has_file",
            "file_name",
            "last_updated_on",
            "next_due_on",
            "due",
            "stale",
            "updated_at",
        ]
        read_only_fields = fields

    def get_has_file(self, pd) -> bool:
        return bool(pd.file)


class ProjectDeliverableUpdateSerializer(serializers.Serializer):
    """Change only the fields you send."""

    owner = serializers.PrimaryKeyRelatedField(
        queryset=get_user_model().objects.filter(is_active=True), required=False, allow_null=True
    )
    status = serializers.ChoiceField(choices=DeliverableStatus.choices, required=False)
    link = serializers.CharField(required=False, allow_blank=True, max_length=500)
    last_updated_on = serializers.DateField(required=False, allow_null=True)


class FileUploadSerializer(serializers.Serializer):
    file = serializers.FileField()
