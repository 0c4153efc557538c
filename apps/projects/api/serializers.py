from django.contrib.auth import get_user_model
from rest_framework import serializers

from apps.accounts.api.serializers import UserSummarySerializer

from ..choices import Role
from ..models import Membership, Project
from ..services import PROJECT_CREATE_FIELDS, STAGE_MOVES_THROUGH_GATES


class ProjectSerializer(serializers.ModelSerializer):
    """A project's profile with its computed economics."""

    roi = serializers.DecimalField(max_digits=12, decimal_places=4, read_only=True, allow_null=True)
    monthly_net_benefit = serializers.DecimalField(max_digits=14, decimal_places=2, read_only=True, allow_null=True)
    payback_months = serializers.DecimalField(max_digits=10, decimal_places=1, read_only=True, allow_null=True)
    guardrail_metrics = serializers.ListField(child=serializers.CharField(max_length=120), allow_empty=False)
    business_kpis = serializers.ListField(child=serializers.CharField(max_length=200), required=False)
    slug = serializers.SlugField(max_length=80, required=False)

    class Meta:
        model = Project
        fields = [
            "slug",
            *PROJECT_CREATE_FIELDS,
            "roi",
            "monthly_net_benefit",
            "payback_months",
            "retired_at",
            "retirement_reason",
            "created_at",
            "updated_at",
        ]
        read_only_fields = ["retired_at", "retirement_reason", "created_at", "updated_at"]

    def validate_slug(self, value):
        if self.instance is not None and value != self.instance.slug:
            raise serializers.ValidationError("A project's slug cannot change (it is in every link).")
        return value

    def validate_current_stage(self, value):
        # Refused, not ignored: a client that sends a new stage must learn that it did not happen.
        if self.instance is not None and value != self.instance.current_stage:
            raise serializers.ValidationError(STAGE_MOVES_THROUGH_GATES)
        return value


class MembershipSerializer(serializers.ModelSerializer):
    """One role held by one person on the project."""

    user = serializers.PrimaryKeyRelatedField(queryset=get_user_model().objects.filter(is_active=True))
    user_detail = UserSummarySerializer(source="user", read_only=True)
    role = serializers.ChoiceField(choices=Role.choices)
    role_label = serializers.CharField(source="get_role_display", read_only=True)

    class Meta:
        model = Membership
        fields = ["id", "user", "user_detail", "role", "role_label", "created_at"]
        read_only_fields = ["id", "created_at"]
