"""Mixed writes on real PostgreSQL: a gate decision and a project edit at the same time never deadlock."""

import pytest
from django.db import connection

from apps.gates import services
from apps.gates.choices import GateState
from apps.gates.selectors import gate_for
from apps.projects import services as project_services
from apps.projects.choices import Role, Stage
from apps.projects.models import Project
from apps.signoffs import services as signoff_services
from tests.concurrency import race
from tests.factories import ProjectFactory, UserFactory, add_member

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]

ROUNDS = 8


@pytest.fixture(autouse=True)
def postgres_only():
    if connection.vendor != "postgresql":
        pytest.fail("row-lock races need PostgreSQL: run with DATABASE_URL set")


def _awaiting_scoping_signoff():
    project = ProjectFactory()
    project_services.project_update(actor=project.owner, project=project, baseline_description="Manual calls.")
    sponsor = UserFactory()
    add_member(project, sponsor, Role.EXECUTIVE_SPONSOR)
    gate = services.gate_update_criteria(
        actor=project.owner, gate=gate_for(project=project, stage=Stage.SCOPING), go_no_go_criteria="AUC ≥ 0.8"
    )
    return project, sponsor, services.gate_submit(actor=project.owner, gate=gate)


def test_a_gate_decision_and_a_project_edit_at_once_both_land_every_time():
    for round_number in range(ROUNDS):
        project, sponsor, signoff = _awaiting_scoping_signoff()
        errors = race(
            lambda signoff=signoff, sponsor=sponsor: signoff_services.signoff_decide(
                actor=sponsor, signoff=signoff, approve=True, note="Agreed"
            ),
            lambda project=project, n=round_number: project_services.project_update(
                actor=project.owner, project=project, name=f"Renamed {n}"
            ),
        )
        assert errors == [], f"round {round_number}: {errors!r}"
        project = Project.objects.get(pk=project.pk)
        assert project.name == f"Renamed {round_number}"
        assert project.current_stage == Stage.FEASIBILITY
        assert gate_for(project=project, stage=Stage.SCOPING).state == GateState.APPROVED


def test_a_no_go_decision_and_a_project_edit_at_once_both_land():
    for round_number in range(ROUNDS // 2):
        project = ProjectFactory(current_stage=Stage.FEASIBILITY)
        gate = gate_for(project=project, stage=Stage.FEASIBILITY)
        errors = race(
            lambda gate=gate, project=project: services.gate_record_decision(
                actor=project.owner, gate=gate, decision="no_go", rationale="Data too sparse."
            ),
            lambda project=project, n=round_number: project_services.project_update(
                actor=project.owner, project=project, name=f"Renamed {n}"
            ),
        )
        assert errors == [], f"round {round_number}: {errors!r}"
        project = Project.objects.get(pk=project.pk)
        assert (project.name, project.status) == (f"Renamed {round_number}", "on_hold")
