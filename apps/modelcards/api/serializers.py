from rest_framework import serializers

from apps.accounts.api.serializers import UserSummarySerializer
from apps.projects.choices import Role

from ..choices import ImportFormat, RevisionState
from ..models import CardRevision, MLModel


class MLModelSerializer(serializers.ModelSerializer):
    """A model of the project. Writes go through the model-card services."""

    project = serializers.SlugRelatedField(slug_field="slug", read_only=True)
    key = serializers.SlugField(max_length=80, required=False, help_text="From the name when left out; never changes.")
    url = serializers.CharField(source="get_absolute_url", read_only=True)

    class Meta:
        model = MLModel
        fields = ["key", "project", "name", "is_current", "promoted_version", "created_at", "updated_at", "url"]
        read_only_fields = ["created_at", "updated_at"]


class CardRevisionSerializer(serializers.ModelSerializer):
    """A revision: its number, version, state (from its sign-off), content and where it came from."""

    model = serializers.SlugRelatedField(slug_field="key", read_only=True)
    created_by = UserSummarySerializer(read_only=True, allow_null=True)
    state = serializers.ChoiceField(choices=RevisionState.choices, read_only=True)
    signoff = serializers.IntegerField(source="signoff_id", read_only=True, allow_null=True)
    url = serializers.CharField(source="get_absolute_url", read_only=True)

    class Meta:
        model = CardRevision
        fields = [
            "number",
            "model",
            "version",
            "state",
            "signoff",
            "source",
            "note",
            "content",
            "created_by",
            "created_at",
            "url",
        ]
        read_only_fields = fields


class CardRevisionSummarySerializer(CardRevisionSerializer):
    class Meta(CardRevisionSerializer.Meta):
        fields = [f for f in CardRevisionSerializer.Meta.fields if f != "content"]
        read_only_fields = fields


class CardRevisionWriteSerializer(serializers.Serializer):
    content = serializers.JSONField(
        help_text="The card: the mapping under the template's model_card: root (model_name and version required)."
    )
    note = serializers.CharField(max_length=500, required=False, allow_blank=True, default="")


class CardRequirementSerializer(serializers.Serializer):
    key = serializers.CharField()
    label = serializers.CharField()
    missing = serializers.BooleanField()
    detail = serializers.CharField()


class CardSerializer(serializers.Serializer):
    """The model's card: its latest revision, the latest approved one, and what the template still needs."""

    model = MLModelSerializer()
    latest = CardRevisionSerializer(allow_null=True)
    approved = CardRevisionSummarySerializer(allow_null=True)
    completeness = CardRequirementSerializer(many=True)


class CardChangeSerializer(serializers.Serializer):
    path = serializers.CharField(help_text="e.g. metrics.primary[AUC-ROC].value")
    label = serializers.CharField()
    kind = serializers.ChoiceField(choices=["added", "removed", "changed"])
    before = serializers.JSONField(allow_null=True)
    after = serializers.JSONField(allow_null=True)


class CardDiffSerializer(serializers.Serializer):
    model = serializers.CharField()
    from_revision = serializers.IntegerField()
    to_revision = serializers.IntegerField()
    summary = serializers.DictField(child=serializers.IntegerField())
    changes = CardChangeSerializer(many=True)


class CardSubmitSerializer(serializers.Serializer):
    roles = serializers.ListField(
        child=serializers.ChoiceField(choices=Role.choices),
        required=False,
        allow_empty=False,
        help_text="Approver roles; every one must approve. Left out: the project's approvers for model cards "
        "(a registered provider such as the RACI matrix, else Data Scientist, Ethics / Fairness Reviewer and "
        "Security / Compliance Officer).",
    )
    due_on = serializers.DateField(required=False, allow_null=True, default=None)
    note = serializers.CharField(required=False, allow_blank=True, default="")


class CardSubmitResultSerializer(serializers.Serializer):
    signoff = serializers.IntegerField()
    state = serializers.CharField()
    url = serializers.CharField()


class CardImportSerializer(serializers.Serializer):
    format = serializers.ChoiceField(choices=ImportFormat.choices, default=ImportFormat.YAML)
    model = serializers.SlugField(
        required=False, allow_blank=True, help_text="Key of an existing model; left out: picked by the card's name."
    )
    text = serializers.CharField(required=False, allow_blank=True, trim_whitespace=False, help_text="The file's text.")
    file = serializers.FileField(required=False, help_text="Or the file itself (multipart).")
    note = serializers.CharField(max_length=500, required=False, allow_blank=True, default="")

    def validate(self, attrs):
        if bool(attrs.get("text")) == bool(attrs.get("file")):
            raise serializers.ValidationError("Send the card as `text` or as `file` (one of them).")
        return attrs
