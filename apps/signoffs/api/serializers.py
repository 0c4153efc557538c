from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from apps.accounts.api.serializers import UserSummarySerializer

from ..models import Approver, SignoffEvent, SignoffRequest


class ApproverSerializer(serializers.ModelSerializer):
    """A required approval slot: a project role or a named person."""

    user = UserSummarySerializer(read_only=True, allow_null=True)
    role_label = serializers.CharField(source="get_role_display", read_only=True)

    class Meta:
        model = Approver
        fields = ["id", "role", "role_label", "user"]


class SignoffEventSerializer(serializers.ModelSerializer):
    """One append-only step of a request."""

    actor = UserSummarySerializer(read_only=True, allow_null=True)
    approver = ApproverSerializer(read_only=True, allow_null=True)

    class Meta:
        model = SignoffEvent
        fields = ["id", "kind", "actor", "approver", "note", "fingerprint", "created_at"]


class SignoffRequestSerializer(serializers.ModelSerializer):
    """A sign-off request with its approvers and its history."""

    project = serializers.SlugRelatedField(slug_field="slug", read_only=True)
    target_type = serializers.CharField(source="target_type.model", read_only=True)
    requested_by = UserSummarySerializer(read_only=True)
    approvers = ApproverSerializer(many=True, read_only=True)
    events = SignoffEventSerializer(many=True, read_only=True)

    class Meta:
        model = SignoffRequest
        fields = [
            "id",
            "project",
            "title",
            "target_type",
            "target_id",
            "policy",
            "required_count",
            "due_on",
            "requested_by",
            "note",
            "state",
            "fingerprint",
            "snapshot",
            "approvers",
            "events",
            "created_at",
            "closed_at",
        ]
        read_only_fields = fields


class DecisionSerializer(serializers.Serializer):
    approve = serializers.BooleanField()
    note = serializers.CharField(required=False, allow_blank=True, default="")


class WithdrawSerializer(serializers.Serializer):
    note = serializers.CharField(required=False, allow_blank=True, default="")


class WaitingOnSerializer(serializers.Serializer):
    """One undecided approver slot of a request, with the people who may fill it."""

    slot = serializers.CharField()
    people = UserSummarySerializer(many=True)


class SubmittedSignoffSerializer(serializers.ModelSerializer):
    """An open request you submitted, with who it still waits on."""

    project = serializers.SlugRelatedField(slug_field="slug", read_only=True)
    target_type = serializers.CharField(source="target_type.model", read_only=True)
    waiting_on = serializers.SerializerMethodField()
    url = serializers.CharField(source="get_absolute_url", read_only=True)

    class Meta:
        model = SignoffRequest
        fields = [
            "id",
            "project",
            "title",
            "target_type",
            "target_id",
            "policy",
            "required_count",
            "due_on",
            "state",
            "created_at",
            "waiting_on",
            "url",
        ]
        read_only_fields = fields

    @extend_schema_field(WaitingOnSerializer(many=True))
    def get_waiting_on(self, signoff) -> list:
        return WaitingOnSerializer(
            [{"slot": slot, "people": people} for slot, people in signoff.waiting_on], many=True
        ).data


class SignoffCountSerializer(serializers.Serializer):
    waiting_for_me = serializers.IntegerField(help_text="Open requests waiting for your decision.")
    submitted_open = serializers.IntegerField(help_text="Open requests you submitted.")
