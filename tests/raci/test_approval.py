import pytest
from django.core.exceptions import ValidationError

from apps.deliverables.choices import DeliverableStatus
from apps.deliverables.models import Deliverable, ProjectDeliverable
from apps.projects.choices import Role, Stage
from apps.raci import services
from apps.raci.approval import MATRIX_APPROVERS, RACI_DELIVERABLE_KEY
from apps.signoffs import services as signoff_services
from apps.signoffs.choices import RequestState

from .conftest import activity


def _approve_all(signoff, project):
    for role in MATRIX_APPROVERS:
        signoff_services.signoff_decide(actor=project.people[role], signoff=signoff, approve=True, note="ok")
    signoff.refresh_from_db()
    return signoff


@pytest.fixture
def requester(staffed_project, member_of):
    return member_of(staffed_project, Role.PRODUCT_MANAGER)


def test_matrix_with_violations_cannot_be_submitted(matrix, staffed_project, requester):
    services.raci_cell_set(
        actor=requester, activity=activity(matrix, "gate:evaluation"), role=Role.PRODUCT_OWNER, letters=""
    )
    with pytest.raises(ValidationError, match="cannot be approved yet"):
        services.raci_matrix_submit(actor=requester, matrix=matrix)


def test_sponsor_and_owner_approve_and_a_later_change_invalidates_the_approval(matrix, staffed_project, requester):
    signoff = services.raci_matrix_submit(actor=requester, matrix=matrix)
    assert sorted(slot.role for slot in signoff.approvers.all()) == sorted(MATRIX_APPROVERS)
    with pytest.raises(ValidationError, match="awaiting approval"):
        services.raci_cell_set(
            actor=requester, activity=activity(matrix, "gate:scoping"), role=Role.QA_ENGINEER, letters="I"
        )
    assert _approve_all(signoff, staffed_project).state == RequestState.APPROVED

    services.raci_cell_set(
        actor=requester, activity=activity(matrix, "gate:scoping"), role=Role.QA_ENGINEER, letters="I"
    )
    signoff.refresh_from_db()
    assert signoff.state == RequestState.INVALIDATED
    assert "gate:scoping › cells › qa engineer" in signoff.events.last().note.lower()


def test_approval_marks_the_raci_deliverable_when_the_registry_has_it(matrix, staffed_project, requester):
    entry = Deliverable.objects.create(
        key=RACI_DELIVERABLE_KEY,
        name="RACI Matrix (Initial)",
        primary_stage=Stage.SCOPING,
        owner_role=Role.PRODUCT_OWNER,
        cadence="one_off",
        cadence_label="One-off",
        purpose="Who is responsible, accountable, consulted and informed",
        position=99,
    )
    ProjectDeliverable.objects.create(project=staffed_project, deliverable=entry)
    signoff = _approve_all(services.raci_matrix_submit(actor=requester, matrix=matrix), staffed_project)
    assert signoff.state == RequestState.APPROVED
    marked = ProjectDeliverable.objects.get(project=staffed_project, deliverable=entry)
    assert marked.status == DeliverableStatus.APPROVED
    assert marked.link.endswith(f"/projects/{staffed_project.slug}/raci/")
