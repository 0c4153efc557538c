from django.contrib.auth import get_user_model
from rest_framework import serializers

from apps.accounts.api.serializers import UserSummarySerializer
from apps.core.api.serializers import QuickReadMixin

from ..choices import Band, RiskStatus
from ..importing import owner_resolution_text
from ..models import Risk, RiskAcceptance, RiskImport, RiskReview
from ..services import MAX_ACCEPTANCE_DAYS, RISK_EDITABLE_FIELDS, SIGNOFF_DUE_DAYS


class RiskSerializer(QuickReadMixin, serializers.ModelSerializer):
    """A risk with its scores, bands and review state. Writes go through the register's services."""

    code = serializers.CharField(read_only=True)
    display_code = serializers.CharField(
        read_only=True, help_text="The code with the project's key (CCP-R-002): unique across projects."
    )
    project = serializers.SlugRelatedField(slug_field="slug", read_only=True)
    owner = serializers.PrimaryKeyRelatedField(
        queryset=get_user_model().objects.filter(is_active=True),
        allow_null=True,
        required=False,
        help_text="User id of a project member; null for an unowned risk.",
    )
    owner_detail = UserSummarySerializer(source="owner", read_only=True, allow_null=True)
    inherent_score = serializers.IntegerField(source="inherent", read_only=True)
    inherent_band = serializers.ChoiceField(choices=Band.choices, read_only=True)
    residual_impact = serializers.IntegerField(min_value=1, max_value=5, required=False)
    residual_likelihood = serializers.IntegerField(min_value=1, max_value=5, required=False)
    residual_score = serializers.IntegerField(source="residual", read_only=True)
    residual_band = serializers.ChoiceField(choices=Band.choices, read_only=True)
    status = serializers.ChoiceField(
        choices=RiskStatus.choices,
        required=False,
        help_text="open, mitigating or closed; a risk becomes accepted through the accept endpoint.",
    )
    last_reviewed_by = UserSummarySerializer(read_only=True, allow_null=True)
    is_aging = serializers.BooleanField(read_only=True)
    days_overdue = serializers.IntegerField(read_only=True)
    url = serializers.CharField(source="get_absolute_url", read_only=True)

    class Meta:
        model = Risk
        fields = [
            "code",
            "display_code",
            "project",
            *RISK_EDITABLE_FIELDS,
            "owner_detail",
            "inherent_score",
            "inherent_band",
            "residual_score",
            "residual_band",
            "accepted_until",
            "next_review_on",
            "last_reviewed_at",
            "last_reviewed_by",
            "is_aging",
            "days_overdue",
            "created_at",
            "updated_at",
            "url",
        ]
        read_only_fields = ["accepted_until", "next_review_on", "last_reviewed_at", "created_at", "updated_at"]


class RiskReviewSerializer(serializers.ModelSerializer):
    """ "Reviewed, no change": the reviewer is you, the time is now."""

    reviewed_by = UserSummarySerializer(read_only=True)
    reviewed_at = serializers.DateTimeField(source="created_at", read_only=True)

    class Meta:
        model = RiskReview
        fields = ["id", "reviewed_by", "reviewed_at", "note"]
        read_only_fields = ["id"]
        extra_kwargs = {"note": {"required": False, "allow_blank": True}}


class RiskAcceptanceSerializer(serializers.ModelSerializer):
    """Accept the risk's residual rating until `expires_on`. At or below the project's threshold the acceptance
    takes effect (201); above it, a sign-off by the Product Owner and the Security / Compliance Officer is
    requested instead (202, see RiskAcceptanceSignoffSerializer)."""

    accepted_by = UserSummarySerializer(read_only=True)
    accepted_at = serializers.DateTimeField(source="created_at", read_only=True)
    expires_on = serializers.DateField(help_text=f"A future date, at most {MAX_ACCEPTANCE_DAYS} days ahead.")
    note = serializers.CharField(help_text="Why the residual risk is acceptable.")
    signoff_due_on = serializers.DateField(
        write_only=True,
        required=False,
        help_text=f"Above the threshold only: when the sign-off is due (default: in {SIGNOFF_DUE_DAYS} days, "
        "or on the expiry date if sooner).",
    )

    class Meta:
        model = RiskAcceptance
        fields = [
            "id",
            "accepted_by",
            "accepted_at",
            "expires_on",
            "note",
            "signoff_due_on",
            "residual_score",
            "threshold",
        ]
        read_only_fields = ["id", "residual_score", "threshold"]


class RiskAcceptanceSignoffSerializer(serializers.Serializer):
    """An acceptance above the threshold, submitted for sign-off: approvers decide on the request's page or
    through `/api/v1/projects/{slug}/signoffs/{id}/decide/`; the risk is accepted when both have approved."""

    signoff_request = serializers.IntegerField(source="pk", help_text="The sign-off request's id.")
    state = serializers.CharField()
    due_on = serializers.DateField()
    approvers = serializers.SerializerMethodField()
    url = serializers.CharField(source="get_absolute_url", help_text="The request's page.")
    message = serializers.SerializerMethodField()

    def get_approvers(self, signoff) -> list[str]:
        return [str(slot) for slot in signoff.approvers.all()]

    def get_message(self, signoff) -> str:
        return (
            "Submitted for sign-off: the risk is accepted when every approver has approved. "
            "The requester cannot approve it."
        )


class RiskImportSerializer(serializers.Serializer):
    """The register file to import."""

    file = serializers.FileField(help_text="A .csv (UTF-8) or .xlsx risk register; see docs/risks.md.")


class ImportProblemSerializer(serializers.Serializer):
    """One problem of the file: row as a spreadsheet numbers it (header = 1; 0 = the file as a whole)."""

    row = serializers.IntegerField()
    column = serializers.CharField()
    message = serializers.CharField()


class ImportOwnerSerializer(serializers.Serializer):
    """How the Owner cell was read."""

    text = serializers.CharField(help_text="The cell as written.")
    how = serializers.ChoiceField(
        choices=["person", "role", "unresolved", ""],
        help_text="person: a member by username, e-mail or name; role: the one member holding that role; "
        "unresolved: no single member fits (the row is refused); empty: no owner given.",
    )
    user = serializers.IntegerField(allow_null=True, help_text="The member's user id.")
    name = serializers.CharField()
    role = serializers.CharField(help_text="The role read from the cell, when resolved by role.")
    resolution = serializers.CharField(help_text="As the preview shows it: “Product Owner role → Priya Raman”.")


class ImportRowSerializer(serializers.Serializer):
    """One data row as it will be saved."""

    row = serializers.IntegerField()
    code = serializers.CharField(
        help_text="The code it gets if confirmed now; codes of blank IDs are given at confirm."
    )
    code_given = serializers.BooleanField(help_text="The code comes from the file's ID column.")
    title = serializers.CharField()
    description = serializers.CharField()
    category = serializers.CharField()
    stage = serializers.CharField()
    impact = serializers.IntegerField(allow_null=True)
    likelihood = serializers.IntegerField(allow_null=True)
    residual_impact = serializers.IntegerField(allow_null=True)
    residual_likelihood = serializers.IntegerField(allow_null=True)
    mitigation = serializers.CharField()
    status = serializers.CharField()
    review_frequency = serializers.CharField()
    owner = ImportOwnerSerializer()
    errors = ImportProblemSerializer(many=True)

    def to_representation(self, row):
        values = row["values"]
        flat = {
            "row": row["row"],
            "code": row.get("code", ""),
            "code_given": row.get("code_given", False),
            "owner": {**row["owner"], "resolution": owner_resolution_text(row["owner"])},
            "errors": row["errors"],
            **{name: values.get(name, "") for name in ("title", "description", "category", "stage", "mitigation")},
            **{name: values.get(name, "") for name in ("status", "review_frequency")},
            **{name: values.get(name) for name in ("impact", "likelihood", "residual_impact", "residual_likelihood")},
        }
        return super().to_representation(flat)


class RiskImportDetailSerializer(serializers.ModelSerializer):
    """An import: its state, progress, every problem at once, and every row as it will be saved."""

    uploaded_by = UserSummarySerializer()
    decided_by = UserSummarySerializer(allow_null=True)
    state_label = serializers.CharField(source="get_state_display")
    percent_checked = serializers.IntegerField()
    url = serializers.CharField(source="get_absolute_url", help_text="The import's page (progress, then preview).")
    problems = ImportProblemSerializer(many=True)
    ignored_columns = serializers.ListField(child=serializers.CharField())
    created_codes = serializers.ListField(child=serializers.CharField())
    rows = ImportRowSerializer(many=True)

    class Meta:
        model = RiskImport
        fields = [
            "id",
            "url",
            "file_name",
            "file_size",
            "state",
            "state_label",
            "in_background",
            "rows_total",
            "rows_checked",
            "percent_checked",
            "uploaded_by",
            "created_at",
            "problems",
            "ignored_columns",
            "rows",
            "created_codes",
            "decided_by",
            "decided_at",
        ]
        read_only_fields = fields
