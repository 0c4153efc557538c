"""Fixtures of the risk register tests: a project team, and risks made through the services."""

import pytest

from apps.projects.choices import Role
from tests.factories import record_risk


@pytest.fixture
def team(project, member_of):
    """The project's Product Owner and one member per role the register cares about."""
    return {
        "owner": project.owner,
        "compliance": member_of(project, Role.COMPLIANCE_OFFICER),
        "engineer": member_of(project, Role.DATA_ENGINEER),
        "mlops": member_of(project, Role.MLOPS_ENGINEER),
        "scientist": member_of(project, Role.DATA_SCIENTIST),
        "sponsor": member_of(project, Role.EXECUTIVE_SPONSOR),
    }


@pytest.fixture
def make_risk(project, team):
    """make_risk(**fields) -> a risk recorded on `project` by its Product Owner."""

    def make(*, target=None, actor=None, **fields):
        return record_risk(target or project, actor=actor or team["owner"], **{"owner": team["engineer"], **fields})

    return make
