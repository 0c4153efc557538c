from django.contrib.auth import get_user_model
from django.core.management import call_command

from apps.audit.models import AuditEntry
from apps.audit.services import audit_chain_verify
from apps.projects.choices import Role
from apps.projects.models import Membership, Project


def test_seed_demo_is_idempotent_and_covers_every_role(db):
    call_command("seed_demo")
    counts = (get_user_model().objects.count(), Project.objects.count(), Membership.objects.count())
    entries = AuditEntry.objects.count()
    call_command("seed_demo")
    assert (get_user_model().objects.count(), Project.objects.count(), Membership.objects.count()) == counts
    assert AuditEntry.objects.count() == entries
    assert set(Membership.objects.values_list("role", flat=True)) == set(Role.values)
    churn = Project.objects.get(slug="customer-churn-predictor")
    assert (churn.roi, churn.payback_months) == (churn.roi.__class__("0.6"), churn.payback_months.__class__("10.0"))
    assert audit_chain_verify().ok
