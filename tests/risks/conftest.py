"""Fixtures of the risk register tests: a project team, and risks made through the services."""

import pytest

from apps.projects.choices import Role
from apps.risks import services
from apps.risks.choices import Category


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
        values = {
            "title": "Upstream schema change breaks ingestion",
            "category": Category.DEPENDENCY_FRAGILITY,
            "impact": 4,
            "likelihood": 3,
            "owner": team["engineer"],
            **fields,
        }
        return services.risk_create(actor=actor or team["owner"], project=target or project, **values)

    return make
