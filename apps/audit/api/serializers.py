from rest_framework import serializers

from apps.core.api.serializers import QuickReadMixin

from ..models import AuditEntry, ChainVerification


class AuditEntrySerializer(QuickReadMixin, serializers.ModelSerializer):
    """One audit entry with its field-level changes and its place in the hash chain."""

    actor = serializers.SerializerMethodField()
    action = serializers.CharField(source="get_action_display")
    record_type = serializers.CharField(source="content_type.model")
    changes = serializers.JSONField()

    class Meta:
        model = AuditEntry
        fields = [
            "id",
            "timestamp",
            "actor",
            "action",
            "record_type",
            "object_pk",
            "object_repr",
            "project_id",
            "changes",
            "remote_addr",
            "prev_hash",
            "entry_hash",
        ]
        read_only_fields = fields

    def get_actor(self, entry) -> str | None:
        return entry.actor.username if entry.actor else None


class ChainVerificationSerializer(serializers.ModelSerializer):
    """One recorded verification of the whole hash chain (read-only)."""

    class Meta:
        model = ChainVerification
        fields = [
            "id",
            "ran_at",
            "trigger",
            "intact",
            "entries_checked",
            "head_id",
            "head_hash",
            "first_broken_entry_id",
            "message",
        ]
        read_only_fields = fields
