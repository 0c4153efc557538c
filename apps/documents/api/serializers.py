from rest_framework import serializers

from apps.accounts.api.serializers import UserSummarySerializer

from ..models import GeneratedDocument
from ..registry import kind_label


class GeneratedDocumentSerializer(serializers.ModelSerializer):
    """A generated document: its state and progress while it is built, then the file's size and hash."""

    project = serializers.SlugRelatedField(slug_field="slug", read_only=True, allow_null=True)
    kind_label = serializers.SerializerMethodField()
    requested_by = UserSummarySerializer(read_only=True)
    download_url = serializers.SerializerMethodField()

    class Meta:
        model = GeneratedDocument
        fields = [
            "id",
            "project",
            "kind",
            "kind_label",
            "title",
            "params",
            "requested_by",
            "state",
            "progress",
            "step",
            "size",
            "sha256",
            "manifest",
            "error",
            "created_at",
            "started_at",
            "finished_at",
            "download_url",
        ]
        read_only_fields = fields

    def get_kind_label(self, document) -> str:
        return kind_label(document.kind)

    def get_download_url(self, document) -> str | None:
        if document.state != "done":
            return None
        prefix = f"/api/v1/projects/{document.project.slug}" if document.project_id else "/api/v1"
        return f"{prefix}/documents/{document.pk}/download/"


class DocumentRequestSerializer(serializers.Serializer):
    # A plain string: the kinds are registered by the apps at start-up; the service refuses an unknown one.
    kind = serializers.CharField(max_length=60, help_text="A registered kind, e.g. `dossier` or `risks.register-pdf`.")
    params = serializers.JSONField(
        required=False, default=dict, help_text='What the kind needs, e.g. {"sections": ["risks", "gates"]}.'
    )

    def validate_params(self, value):
        if not isinstance(value, dict):
            raise serializers.ValidationError("An object.")
        return value
