"""Fixtures of the model-card tests: a project team and the checklist's example card."""

from pathlib import Path

import pytest

from apps.modelcards import services
from apps.projects.choices import Role

SEED_YAML = (Path(__file__).resolve().parents[2] / "apps/modelcards/data/customer_churn_predictor.yaml").read_text()


@pytest.fixture
def seed_yaml():
    return SEED_YAML


@pytest.fixture
def team(project, member_of):
    """The Product Owner and the people who write and sign model cards."""
    return {
        "owner": project.owner,
        "scientist": member_of(project, Role.DATA_SCIENTIST),
        "mlops": member_of(project, Role.MLOPS_ENGINEER),
        "ethics": member_of(project, Role.ETHICS_REVIEWER),
        "compliance": member_of(project, Role.COMPLIANCE_OFFICER),
        "engineer": member_of(project, Role.DATA_ENGINEER),
        "sponsor": member_of(project, Role.EXECUTIVE_SPONSOR),
    }


@pytest.fixture
def imported(project, team, seed_yaml):
    """Revision 1 of the churn predictor's card, imported from the seed YAML by the MLOps engineer."""
    return services.card_import(actor=team["mlops"], project=project, data=seed_yaml, fmt="yaml")


@pytest.fixture
def approve(team):
    """approve(revision) -> the approved sign-off: submitted by the MLOps engineer, signed by the default roles."""
    from apps.signoffs.services import signoff_decide

    def run(revision):
        signoff = services.card_revision_submit(actor=team["mlops"], revision=revision)
        for person in ("scientist", "ethics", "compliance"):
            signoff_decide(actor=team[person], signoff=signoff, approve=True, note="Looks right.")
        signoff.refresh_from_db()
        return signoff

    return run
