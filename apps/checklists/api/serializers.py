from django.contrib.auth import get_user_model
from django.urls import reverse
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from apps.accounts.api.serializers import UserSummarySerializer

from ..choices import EvidenceKind, ResponseStatus
from ..models import (
    ChecklistTemplate,
    Evidence,
    ItemComment,
    ItemReview,
    ProjectChecklist,
    TemplateItem,
    TemplateSection,
    TemplateVersion,
)


class TemplateItemSerializer(serializers.ModelSerializer):
    """One item of a template version, with the guidance of its source document."""

    section = serializers.SlugRelatedField(slug_field="key", read_only=True)

    class Meta:
        model = TemplateItem
        fields = [
            "key",
            "section",
            "title",
            "stage",
            "requirement",
            "kind",
            "guidance",
            "implementation_questions",
            "key_considerations",
            "red_flags",
            "sub_criteria",
            "options",
            "position",
        ]
        read_only_fields = fields


class TemplateSectionSerializer(serializers.ModelSerializer):
    items = TemplateItemSerializer(many=True, read_only=True)

    class Meta:
        model = TemplateSection
        fields = ["key", "title", "guidance", "key_questions", "pitfalls", "items"]
        read_only_fields = fields


class TemplateVersionSerializer(serializers.ModelSerializer):
    """A template version's metadata."""

    template = serializers.SlugRelatedField(slug_field="key", read_only=True)

    class Meta:
        model = TemplateVersion
        fields = [
            "template",
            "number",
            "name",
            "description",
            "source",
            "gate",
            "applies_to",
            "content_hash",
            "file_name",
            "created_at",
        ]
        read_only_fields = fields


class TemplateVersionDetailSerializer(TemplateVersionSerializer):
    """A template version with its sections and items."""

    sections = TemplateSectionSerializer(many=True, read_only=True)

    class Meta(TemplateVersionSerializer.Meta):
        fields = [*TemplateVersionSerializer.Meta.fields, "sections"]
        read_only_fields = fields


class ChecklistTemplateSerializer(serializers.ModelSerializer):
    """A template family: its stable key, origin and current version."""

    current_version = TemplateVersionSerializer(read_only=True, allow_null=True)
    version_count = serializers.IntegerField(read_only=True)

    class Meta:
        model = ChecklistTemplate
        fields = ["key", "origin", "current_version", "version_count", "created_at"]
        read_only_fields = fields


class TemplateUploadSerializer(serializers.Serializer):
    """An organisation template: upload the YAML file (multipart) or send its text as `document`."""

    file = serializers.FileField(required=False)
    document = serializers.CharField(required=False, trim_whitespace=False)
    file_name = serializers.CharField(required=False, max_length=200, help_text="Used in messages with `document`.")

    def validate(self, attrs):
        if bool(attrs.get("file")) == bool(attrs.get("document")):
            raise serializers.ValidationError("Send either a template file or its text as `document`, not both.")
        return attrs


class TemplateUploadResultSerializer(serializers.Serializer):
    created = serializers.BooleanField(help_text="False when the content equals the current version.")
    version = TemplateVersionSerializer()


class VersionDiffItemSerializer(serializers.Serializer):
    key = serializers.CharField()
    title = serializers.CharField()
    changed_fields = serializers.ListField(child=serializers.CharField(), required=False)


class VersionDiffSerializer(serializers.Serializer):
    old_version = serializers.IntegerField(source="old.number")
    new_version = serializers.IntegerField(source="new.number")
    metadata_changed = serializers.ListField(child=serializers.CharField(), source="metadata")
    added = serializers.SerializerMethodField()
    removed = serializers.SerializerMethodField()
    changed = serializers.SerializerMethodField()

    def _items(self, items) -> list[dict]:
        return [{"key": i.key, "title": i.title} for i in items]

    @extend_schema_field(VersionDiffItemSerializer(many=True))
    def get_added(self, diff):
        return self._items(diff.added)

    @extend_schema_field(VersionDiffItemSerializer(many=True))
    def get_removed(self, diff):
        return self._items(diff.removed)

    @extend_schema_field(VersionDiffItemSerializer(many=True))
    def get_changed(self, diff):
        return [{"key": new.key, "title": new.title, "changed_fields": fields} for _, new, fields in diff.changed]


class TallySerializer(serializers.Serializer):
    total = serializers.IntegerField()
    complete = serializers.IntegerField()
    percent = serializers.IntegerField()
    required = serializers.IntegerField()
    required_open = serializers.IntegerField()
    reviewed = serializers.IntegerField()


class ProjectChecklistSerializer(serializers.ModelSerializer):
    """A template version applied to the project, with its progress."""

    template = serializers.SlugRelatedField(slug_field="key", read_only=True)
    version = serializers.IntegerField(source="version.number", read_only=True)
    name = serializers.CharField(source="version.name", read_only=True)
    gate = serializers.BooleanField(source="version.gate", read_only=True)
    current_template_version = serializers.IntegerField(source="template.current_version.number", read_only=True)
    applied_by = UserSummarySerializer(read_only=True, allow_null=True)
    progress = serializers.SerializerMethodField()

    class Meta:
        model = ProjectChecklist
        fields = [
            "id",
            "template",
            "version",
            "name",
            "gate",
            "current_template_version",
            "applied_by",
            "created_at",
            "progress",
        ]
        read_only_fields = fields

    def get_progress(self, checklist) -> TallySerializer:
        tally = self.context.get("progress", {}).get(checklist.pk)
        return TallySerializer(tally).data if tally is not None else None


class ChecklistApplySerializer(serializers.Serializer):
    template = serializers.SlugRelatedField(
        slug_field="key",
        queryset=ChecklistTemplate.objects.filter(current_version__isnull=False),
        help_text="Key of the template to apply (its current version is applied).",
    )


class ReviewSerializer(serializers.ModelSerializer):
    """A peer review: append-only."""

    reviewer = UserSummarySerializer(read_only=True)
    completed_by = UserSummarySerializer(read_only=True)

    class Meta:
        model = ItemReview
        fields = ["id", "reviewer", "completed_by", "status_reviewed", "note", "created_at"]
        read_only_fields = fields


class ReviewCreateSerializer(serializers.Serializer):
    note = serializers.CharField(required=False, allow_blank=True, max_length=2000)


class ItemSummarySerializer(serializers.ModelSerializer):
    section = serializers.CharField(source="section.key", read_only=True)

    class Meta:
        model = TemplateItem
        fields = ["key", "section", "title", "stage", "requirement", "kind", "options"]
        read_only_fields = fields


class ItemRowSerializer(serializers.Serializer):
    """A checklist item and the project's response to it (status `open` and no owner while untouched)."""

    key = serializers.CharField(source="item.key", read_only=True)
    item = ItemSummarySerializer(read_only=True)
    status = serializers.CharField(read_only=True)
    owner = UserSummarySerializer(read_only=True, allow_null=True)
    justification = serializers.SerializerMethodField()
    selected_options = serializers.SerializerMethodField()
    completed_by = serializers.SerializerMethodField()
    completed_at = serializers.SerializerMethodField()
    review = ReviewSerializer(read_only=True, allow_null=True)
    evidence_count = serializers.SerializerMethodField()
    comment_count = serializers.SerializerMethodField()

    def _field(self, row, name, default):
        return getattr(row.response, name, default) if row.response is not None else default

    def get_justification(self, row) -> str:
        return self._field(row, "justification", "")

    def get_selected_options(self, row) -> list[str]:
        return self._field(row, "selected_options", [])

    def get_completed_by(self, row) -> UserSummarySerializer(allow_null=True):
        user = self._field(row, "completed_by", None)
        return UserSummarySerializer(user).data if user else None

    def get_completed_at(self, row) -> serializers.DateTimeField(allow_null=True):
        value = self._field(row, "completed_at", None)
        return serializers.DateTimeField().to_representation(value) if value else None

    def get_evidence_count(self, row) -> int:
        return self._field(row, "evidence_count", 0)

    def get_comment_count(self, row) -> int:
        return self._field(row, "comment_count", 0)


class ItemResponseUpdateSerializer(serializers.Serializer):
    """Change only the fields you send; `owner: null` clears the owner."""

    status = serializers.ChoiceField(choices=ResponseStatus.choices, required=False)
    owner = serializers.PrimaryKeyRelatedField(
        queryset=get_user_model().objects.filter(is_active=True), required=False, allow_null=True
    )
    justification = serializers.CharField(required=False, allow_blank=True, max_length=4000)
    selected_options = serializers.ListField(child=serializers.CharField(max_length=100), required=False)


class EvidenceSerializer(serializers.ModelSerializer):
    added_by = UserSummarySerializer(read_only=True)
    item = serializers.CharField(source="response.item.key", read_only=True)
    download_url = serializers.SerializerMethodField()

    class Meta:
        model = Evidence
        fields = [
            "id",
            "item",
            "kind",
            "url",
            "note",
            "file_name",
            "file_size",
            "download_url",
            "added_by",
            "created_at",
        ]
        read_only_fields = fields

    def get_download_url(self, evidence) -> str | None:
        if evidence.kind != EvidenceKind.FILE:
            return None
        return reverse(
            "project-evidence-download",
            kwargs={"project_slug": self.context["project_slug"], "pk": evidence.pk},
        )


class EvidenceCreateSerializer(serializers.Serializer):
    """A link (`url`), a note (`note`) or a file (`file`, multipart)."""

    kind = serializers.ChoiceField(choices=EvidenceKind.choices)
    url = serializers.CharField(required=False, allow_blank=True, max_length=500)
    note = serializers.CharField(required=False, allow_blank=True)
    file = serializers.FileField(required=False)


class CommentSerializer(serializers.ModelSerializer):
    author = UserSummarySerializer(read_only=True)

    class Meta:
        model = ItemComment
        fields = ["id", "author", "body", "created_at"]
        read_only_fields = ["id", "author", "created_at"]


class StageProgressSerializer(serializers.Serializer):
    stage = serializers.CharField()
    label = serializers.CharField()
    progress = TallySerializer()


class RedFlagSerializer(serializers.Serializer):
    checklist = serializers.IntegerField(source="checklist.pk")
    checklist_name = serializers.CharField(source="checklist.version.name")
    item = ItemSummarySerializer()
    status = serializers.SerializerMethodField()
    owner = serializers.SerializerMethodField()
    red_flags = serializers.ListField(source="item.red_flags", child=serializers.CharField())

    def get_status(self, flag) -> str:
        return flag.response.status if flag.response else ResponseStatus.OPEN

    def get_owner(self, flag) -> UserSummarySerializer(allow_null=True):
        owner = flag.response.owner if flag.response else None
        return UserSummarySerializer(owner).data if owner else None


class ChecklistProgressSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    name = serializers.CharField()
    progress = TallySerializer()


class ProjectProgressSerializer(serializers.Serializer):
    """Progress per checklist, per lifecycle stage and for the whole project, and the open Required items."""

    total = TallySerializer()
    checklists = serializers.SerializerMethodField()
    stages = serializers.SerializerMethodField()
    red_flags = RedFlagSerializer(many=True, source="flags")

    @extend_schema_field(ChecklistProgressSerializer(many=True))
    def get_checklists(self, progress):
        return [
            {"id": p.checklist.pk, "name": p.checklist.version.name, "progress": TallySerializer(p.tally).data}
            for p in progress.checklists
        ]

    @extend_schema_field(StageProgressSerializer(many=True))
    def get_stages(self, progress):
        return [
            {"stage": key, "label": label, "progress": TallySerializer(t).data} for key, label, t in progress.stages
        ]
