"""QuickReadMixin gives DRF's representation, key for key (apps/core/api/serializers.py)."""

import pytest
from rest_framework import serializers

from apps.accounts.api.serializers import UserSummarySerializer
from apps.core.api.serializers import QuickReadMixin
from apps.projects.choices import Role
from apps.risks import services as risk_services
from apps.risks.api.serializers import RiskSerializer
from apps.risks.choices import Category
from apps.risks.models import Risk
from tests.factories import record_risk

pytestmark = pytest.mark.django_db


def drf_representation(serializer_class, instances):
    """What DRF's own Serializer.to_representation gives for the same fields."""

    class Reference(serializer_class):
        def to_representation(self, instance):
            return serializers.Serializer.to_representation(self, instance)

    return Reference(instances, many=True).data


def test_risks_read_as_drf_reads_them(project, member_of):
    engineer = member_of(project, Role.DATA_ENGINEER)
    owned = record_risk(
        project, title="Label leakage", category=Category.DATA_AVAILABILITY, impact=5, likelihood=4, owner=engineer
    )
    risk_services.risk_review(actor=engineer, risk=owned, note="Checked.")
    record_risk(project, title="Unowned", category=Category.FAIRNESS_BIAS, impact=1, likelihood=1)
    risks = list(Risk.objects.select_related("project", "owner", "last_reviewed_by").order_by("number"))
    quick = RiskSerializer(risks, many=True).data
    assert quick == drf_representation(RiskSerializer, risks)
    assert quick[0]["last_reviewed_by"]["id"] == engineer.pk  # a nested person, through the mixin too
    assert quick[1]["owner"] is None and quick[1]["owner_detail"] is None
    assert quick[0]["url"] == owned.get_absolute_url()  # a method named as the source is called


class Awkward(QuickReadMixin, serializers.ModelSerializer):
    """Sources DRF treats specially: a dotted path through a missing record, a method taking arguments,
    a method field, a constant default."""

    owner_email = serializers.CharField(source="owner.email", read_only=True)
    project_slug = serializers.CharField(source="project.slug", read_only=True)
    marker = serializers.SerializerMethodField()

    class Meta:
        model = Risk
        fields = ["owner_email", "project_slug", "marker", "title"]

    def get_marker(self, risk) -> str:
        return f"#{risk.number}"


def test_awkward_sources_fall_back_to_drf(project):
    risk = record_risk(project, title="No owner", category=Category.FAIRNESS_BIAS, impact=2, likelihood=2)
    risks = [Risk.objects.select_related("project").get(pk=risk.pk)]
    quick = Awkward(risks, many=True).data
    assert quick == drf_representation(Awkward, risks)
    assert "owner_email" not in quick[0]  # DRF skips a read-only value it cannot reach
    assert quick[0]["marker"] == f"#{risk.number}"


def test_people_read_as_drf_reads_them(project, member_of):
    people = [project.owner, member_of(project, Role.DATA_SCIENTIST, job_title="")]
    assert UserSummarySerializer(people, many=True).data == drf_representation(UserSummarySerializer, people)
