import pytest

from apps.gates.selectors import gate_for
from apps.projects import services as project_services
from apps.projects.choices import Role, Stage


@pytest.fixture
def scoped_project(project, member_of):
    """A Scoping-stage project whose profile is complete, with a sponsor to sign it off."""
    project_services.project_update(
        actor=project.owner, project=project, baseline_description="Manual retention calls, 8% save rate."
    )
    project.sponsor = member_of(project, Role.EXECUTIVE_SPONSOR, first_name="Vera", last_name="Sponsor")
    project.refresh_from_db()
    return project


@pytest.fixture
def scoping_gate(scoped_project):
    return gate_for(project=scoped_project, stage=Stage.SCOPING)
