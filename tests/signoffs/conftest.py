import datetime

import pytest
from django.utils import timezone

from apps.projects.choices import Role
from apps.projects.models import Project
from apps.signoffs import targets


class CharterAdapter(targets.TargetAdapter):
    """Test target: the project's success criteria, as a sign-off would see them."""

    model = Project

    def __init__(self):
        self.closed = []

    def project(self, target):
        return target

    def label(self, target):
        return f"Success criteria of {target.name}"

    def snapshot(self, target):
        target.refresh_from_db()
        return {
            "primary_metric": target.primary_metric,
            "threshold": target.minimum_threshold,
            "guardrails": target.guardrail_metrics,
        }

    def on_closed(self, signoff, state, *, note=""):
        self.closed.append((signoff.pk, state, note))


@pytest.fixture
def charter():
    adapter = targets.register(CharterAdapter())
    yield adapter
    targets.unregister(Project)


@pytest.fixture
def due():
    return timezone.localdate() + datetime.timedelta(days=7)


@pytest.fixture
def team(project, member_of):
    """The project's owner plus a product manager, a compliance officer and an ethics reviewer."""
    return {
        "owner": project.owner,
        "pm": member_of(project, Role.PRODUCT_MANAGER),
        "compliance": member_of(project, Role.COMPLIANCE_OFFICER),
        "ethics": member_of(project, Role.ETHICS_REVIEWER),
    }
