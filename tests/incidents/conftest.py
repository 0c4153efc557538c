"""Fixtures of the incident tests: a staffed project, and incidents made through the services."""

import pytest

from apps.incidents import services
from apps.incidents.choices import Category, Severity
from apps.projects.choices import Role


@pytest.fixture
def team(project, member_of):
    """The project's Product Owner and one member per role an incident needs."""
    return {
        "owner": project.owner,
        "compliance": member_of(project, Role.COMPLIANCE_OFFICER),
        "scientist": member_of(project, Role.DATA_SCIENTIST),
        "mlops": member_of(project, Role.MLOPS_ENGINEER),
        "sponsor": member_of(project, Role.EXECUTIVE_SPONSOR),
    }


@pytest.fixture
def make_incident(project, team):
    """make_incident(**fields) -> an incident opened on `project` by its MLOps engineer."""

    def make(*, target=None, actor=None, **fields):
        values = {
            "title": "Churn score drift after feature pipeline change",
            "severity": Severity.P2,
            "category": Category.MODEL_DEGRADATION,
            **fields,
        }
        return services.incident_create(actor=actor or team["mlops"], project=target or project, **values)

    return make


@pytest.fixture
def resolved_incident(make_incident, team):
    """A P2 incident taken through acknowledged and mitigated to resolved, with a written review."""
    incident = make_incident()
    for step in ("acknowledged", "mitigated", "resolved"):
        incident = services.incident_transition(actor=team["mlops"], incident=incident, to=step)
    services.review_update(
        actor=team["mlops"],
        review=incident.review,
        root_cause="A schema change renamed a feature.",
        went_well="Alert fired within a minute.",
        went_poorly="Rollback took 20 minutes.",
        data_loss=False,
        users_affected=1200,
    )
    incident.refresh_from_db()
    return incident
