from drf_spectacular.utils import extend_schema_serializer
from rest_framework import serializers

from apps.accounts.api.serializers import UserSummarySerializer
from apps.projects.choices import Role, Stage

from ..choices import ActivityKind


class CellsField(serializers.DictField):
    """{"product_owner": "RA", "qa_engineer": "C"}: role -> letters (R, A, C, I in that order)."""

    child = serializers.CharField(allow_blank=True, max_length=8)


class ActivityRowSerializer(serializers.Serializer):
    """One activity of the matrix with its cells and what breaks the rules."""

    id = serializers.IntegerField(source="activity.pk")
    key = serializers.CharField(source="activity.key", help_text="gate:<stage>, deliverable:<key> or custom:<id>")
    kind = serializers.ChoiceField(source="activity.kind", choices=ActivityKind.choices)
    stage = serializers.ChoiceField(source="activity.stage", choices=Stage.choices)
    name = serializers.CharField(source="activity.name")
    cells = CellsField()
    accountable = serializers.ChoiceField(choices=Role.choices, allow_null=True)
    responsible = serializers.ListField(child=serializers.ChoiceField(choices=Role.choices))
    violations = serializers.ListField(child=serializers.CharField())


class ApprovalSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    state = serializers.CharField()
    due_on = serializers.DateField()
    closed_at = serializers.DateTimeField(allow_null=True)
    url = serializers.CharField(source="get_absolute_url")


@extend_schema_serializer(many=False)  # the matrix answers /raci/ itself, not a list of matrices
class MatrixSerializer(serializers.Serializer):
    """The whole matrix: revision, approval, every activity and the rule check."""

    project = serializers.CharField(source="matrix.project.slug")
    revision = serializers.IntegerField(source="matrix.revision")
    violation_count = serializers.IntegerField()
    approval = serializers.SerializerMethodField()
    activities = ActivityRowSerializer(source="rows", many=True)

    def get_approval(self, grid) -> dict | None:
        latest = self.context.get("approval")
        return ApprovalSerializer(latest).data if latest else None


class ViolationSerializer(serializers.Serializer):
    id = serializers.IntegerField(source="activity.pk")
    name = serializers.CharField(source="activity.name")
    violations = serializers.ListField(child=serializers.CharField())


class CellWriteSerializer(serializers.Serializer):
    role = serializers.ChoiceField(choices=Role.choices)
    letters = serializers.CharField(allow_blank=True, max_length=8, help_text="Any of R, A, C, I; empty clears.")


class ActivityWriteSerializer(serializers.Serializer):
    name = serializers.CharField(max_length=200)
    stage = serializers.ChoiceField(choices=Stage.choices)
    cells = CellsField(required=False, help_text="Optional initial cells (create only).")


class RaciSubmitSerializer(serializers.Serializer):
    due_on = serializers.DateField(required=False)
    note = serializers.CharField(required=False, allow_blank=True, default="")


class RaciImportSerializer(serializers.Serializer):
    file = serializers.FileField()


class RaciImportResultSerializer(serializers.Serializer):
    updated = serializers.IntegerField()
    created = serializers.ListField(child=serializers.CharField())


class RoleViewSerializer(serializers.Serializer):
    role = serializers.ChoiceField(choices=Role.choices)
    members = UserSummarySerializer(many=True)
    accountable = serializers.ListField(child=serializers.CharField())
    responsible = serializers.ListField(child=serializers.CharField())
    consulted = serializers.ListField(child=serializers.CharField())
    informed = serializers.ListField(child=serializers.CharField())


class PersonViewSerializer(serializers.Serializer):
    user = UserSummarySerializer()
    roles = serializers.ListField(child=serializers.ChoiceField(choices=Role.choices))
    accountable = serializers.ListField(child=serializers.CharField())
    responsible = serializers.ListField(child=serializers.CharField())
    consulted = serializers.ListField(child=serializers.CharField())
    informed = serializers.ListField(child=serializers.CharField())
