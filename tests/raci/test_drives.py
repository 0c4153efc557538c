"""What the matrix drives: gate approvers, Consulted and Informed notifications, deliverable owners."""

import pytest

from apps.checklists import services as checklist_services
from apps.checklists.models import ProjectChecklist
from apps.deliverables.choices import DeliverableStatus
from apps.deliverables.models import ProjectDeliverable
from apps.deliverables.services import project_deliverable_update
from apps.gates import services as gate_services
from apps.gates.selectors import gate_for
from apps.notifications.models import Notification
from apps.projects import services as project_services
from apps.projects.choices import Role, Stage
from apps.raci import services
from apps.raci.selectors import gate_routes, grid_build
from apps.signoffs import services as signoff_services
from apps.signoffs.notifications import waiting_on
from tests.factories import UserFactory, add_member

from .conftest import activity


@pytest.fixture
def evaluation_gate(staffed_project, matrix):
    """The Evaluation gate of a project at Evaluation whose exit criteria are met (no checklists, the
    stage's deliverables approved), and a Product Manager who submits it."""
    project = staffed_project
    for checklist in ProjectChecklist.objects.filter(project=project):
        checklist_services.checklist_remove(actor=project.owner, checklist=checklist)
    for pd in ProjectDeliverable.objects.filter(project=project, deliverable__primary_stage=Stage.EVALUATION):
        project_deliverable_update(
            actor=project.owner,
            project_deliverable=pd,
            status=DeliverableStatus.APPROVED,
            link="https://docs.example.com/evaluation",
        )
    project_services.project_stage_move(actor=project.owner, project=project, stage=Stage.EVALUATION)
    project.refresh_from_db()
    gate = gate_for(project=project, stage=Stage.EVALUATION)
    return gate


def _asked_roles(signoff):
    return sorted(slot.role for slot in signoff.approvers.all())


def test_changing_the_evaluation_accountable_changes_who_the_next_submission_asks(
    staffed_project, matrix, evaluation_gate
):
    project = staffed_project
    pm = project.people[Role.PRODUCT_MANAGER]
    second_qa = UserFactory(first_name="Quinn")
    add_member(project, second_qa, Role.QA_ENGINEER)

    first = gate_services.gate_submit(actor=pm, gate=evaluation_gate)
    assert _asked_roles(first) == [Role.PRODUCT_OWNER]
    assert "RACI matrix revision 1" in first.approvers_source
    assert waiting_on(first) == [project.owner]

    row = activity(matrix, "gate:evaluation")
    services.raci_cell_set(actor=pm, activity=row, role=Role.PRODUCT_OWNER, letters="C")
    services.raci_cell_set(actor=pm, activity=row, role=Role.QA_ENGINEER, letters="A")

    # The open request is not changed silently: it keeps its approvers and says which matrix they came from.
    first.refresh_from_db()
    assert _asked_roles(first) == [Role.PRODUCT_OWNER] and "revision 1" in first.approvers_source
    route = next(r for r in gate_routes(grid=grid_build(matrix=matrix)) if r["row"].activity.stage == "evaluation")
    assert route["differs"] and route["open_request"] == first and route["accountable"] == Role.QA_ENGINEER

    signoff_services.signoff_withdraw(actor=pm, signoff=first, note="The matrix changed.")
    second = gate_services.gate_submit(actor=pm, gate=gate_for(project=project, stage=Stage.EVALUATION))
    assert _asked_roles(second) == [Role.QA_ENGINEER]
    assert "RACI matrix revision 3" in second.approvers_source and "QA / Test Engineer" in second.approvers_source
    assert {person.pk for person in waiting_on(second)} == {project.people[Role.QA_ENGINEER].pk, second_qa.pk}


def test_without_an_accountable_the_stage_default_approvers_apply(staffed_project, matrix, evaluation_gate):
    pm = staffed_project.people[Role.PRODUCT_MANAGER]
    services.raci_cell_set(actor=pm, activity=activity(matrix, "gate:evaluation"), role=Role.PRODUCT_OWNER, letters="")
    signoff = gate_services.gate_submit(actor=pm, gate=evaluation_gate)
    assert _asked_roles(signoff) == sorted([Role.PRODUCT_OWNER, Role.ETHICS_REVIEWER])


def test_consulted_are_notified_on_submission_and_informed_on_the_decision(staffed_project, matrix, evaluation_gate):
    project = staffed_project
    pm = project.people[Role.PRODUCT_MANAGER]
    signoff = gate_services.gate_submit(actor=pm, gate=evaluation_gate)
    consulted = Notification.objects.filter(category="raci", kind="raci-gate-consulted")
    # Evaluation gate defaults: Consulted = QA, Ethics, Domain SME (focus) ; Informed = Sponsor, PM, Compliance
    assert {n.recipient_id for n in consulted} == {
        project.people[role].pk for role in (Role.QA_ENGINEER, Role.ETHICS_REVIEWER, Role.DOMAIN_SME)
    }
    assert all("Evaluation gate" in n.subject or "Evaluation" in n.subject for n in consulted)
    assert not Notification.objects.filter(kind="raci-gate-informed").exists()

    signoff_services.signoff_decide(actor=project.owner, signoff=signoff, approve=True, note="Good")
    informed = Notification.objects.filter(category="raci", kind="raci-gate-informed")
    assert {n.recipient_id for n in informed} == {
        project.people[role].pk for role in (Role.EXECUTIVE_SPONSOR, Role.COMPLIANCE_OFFICER)
    } | {pm.pk}
    assert all("was approved" in n.subject for n in informed)


def test_deliverable_owners_default_to_the_responsible_roles_members(registry):
    from tests.factories import ProjectFactory

    project = ProjectFactory()
    qa = UserFactory()
    add_member(project, qa, Role.QA_ENGINEER)
    matrix = grid_build(matrix=project.raci_matrix).matrix
    eda = activity(matrix, "deliverable:eda-report")
    pd = ProjectDeliverable.objects.get(project=project, deliverable__key="eda-report")
    assert pd.owner is None  # the Data Scientist role is not staffed
    services.raci_cell_set(actor=project.owner, activity=eda, role=Role.DATA_SCIENTIST, letters="C")
    services.raci_cell_set(actor=project.owner, activity=eda, role=Role.QA_ENGINEER, letters="R")
    pd.refresh_from_db()
    assert pd.owner == qa
