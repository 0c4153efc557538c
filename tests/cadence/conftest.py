"""Fixtures of the governance cadence tests: a project team and review series made through the services."""

import datetime

import pytest
import time_machine

from apps.cadence import services
from apps.cadence.choices import ReviewKind
from apps.deliverables import services as deliverable_services
from apps.projects.choices import Role
from apps.risks import services as risk_services
from apps.risks.choices import Category
from tests.factories import ProjectFactory

# A Monday; the month has 30 days and the next February 28: month-end cases are near.
TODAY = datetime.date(2026, 11, 30)


@pytest.fixture
def today():
    with time_machine.travel(datetime.datetime(2026, 11, 30, 9, 0, tzinfo=datetime.UTC), tick=False):
        yield TODAY


@pytest.fixture
def project(today):
    """A project started on TODAY: it has the three default series besides whatever a test adds."""
    return ProjectFactory()


@pytest.fixture
def team(project, member_of):
    return {
        "owner": project.owner,
        "pm": member_of(project, Role.PRODUCT_MANAGER),
        "compliance": member_of(project, Role.COMPLIANCE_OFFICER),
        "scientist": member_of(project, Role.DATA_SCIENTIST),
        "engineer": member_of(project, Role.DATA_ENGINEER),
        "sponsor": member_of(project, Role.EXECUTIVE_SPONSOR),
    }


@pytest.fixture
def make_series(project, team):
    def make(*, kind=ReviewKind.WEEKLY, target=None, actor=None, **fields):
        values = {
            "title": f"{kind} review",
            "starts_on": TODAY,
            "chair_role": Role.PRODUCT_OWNER,
            "attendee_roles": [Role.PRODUCT_MANAGER, Role.DATA_SCIENTIST],
            **fields,
        }
        return services.series_create(actor=actor or team["owner"], project=target or project, kind=kind, **values)

    return make


@pytest.fixture
def weekly(make_series, today):
    return make_series(rule="FREQ=WEEKLY;BYDAY=MO")


@pytest.fixture
def make_risk(project, team):
    def make(**fields):
        values = {
            "title": "Upstream schema change breaks ingestion",
            "category": Category.DEPENDENCY_FRAGILITY,
            "impact": 4,
            "likelihood": 3,
            "residual_impact": 2,
            "residual_likelihood": 2,
            "owner": team["engineer"],
            **fields,
        }
        return risk_services.risk_create(actor=team["owner"], project=project, **values)

    return make


@pytest.fixture
def deliverables(project, today):
    """The project's deliverables from the registry, owned by the Product Owner."""
    deliverable_services.registry_load()
    deliverable_services.project_deliverables_setup(actor=project.owner, project=project)
    return {pd.deliverable.key: pd for pd in project.deliverables.select_related("deliverable", "owner")}
