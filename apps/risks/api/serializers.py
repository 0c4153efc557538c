from django.contrib.auth import get_user_model
from rest_framework import serializers

from apps.accounts.api.serializers import UserSummarySerializer

from ..choices import Band, RiskStatus
from ..models import Risk, RiskAcceptance, RiskReview
from ..services import MAX_ACCEPTANCE_DAYS, RISK_EDITABLE_FIELDS, SIGNOFF_DUE_DAYS


class RiskSerializer(serializers.ModelSerializer):
    """A risk with its scores, bands and review state. Writes go through the register's services."""

    code = serializers.CharField(read_only=True)
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
    file = serializers.FileField(help_text="A .csv (UTF-8) or .xlsx risk register; see docs/risks.md.")


class RiskImportResultSerializer(serializers.Serializer):
    created = serializers.IntegerField()
    codes = serializers.ListField(child=serializers.CharField())
    ignored_columns = serializers.ListField(child=serializers.CharField())
