"""How other apps plug into gates (criteria, slots, approvers), the state machine, the list's query count."""

import pytest
import yaml
from django.core.exceptions import ValidationError

from apps.checklists import services as checklist_services
from apps.checklists.models import ChecklistTemplate
from apps.gates import services, states
from apps.gates.choices import GateState
from apps.gates.criteria import Criterion, gate_evidence, register_criterion, unregister_criterion
from apps.gates.models import Gate, GateEvent
from apps.gates.selectors import gate_for
from apps.modelcards.gate_criteria import model_card_approved
from apps.projects import roles
from apps.projects import services as project_services
from apps.projects.choices import Role, Stage
from apps.raci.drives import gate_approvers
from apps.signoffs.approvers import ApproverSpec, register_approver_provider, unregister_approver_provider
from apps.signoffs.models import SignoffRequest
from tests.checklists.conftest import template_document

SOLE_PO_REFUSAL = "add another member with the role Product Owner, or ask them to submit"


@pytest.fixture
def model_card_check():
    """A stand-in for the model card app: fills the Deployment gate's model-card slot."""
    verdict = {"met": False}

    def provider(gate):
        return [Criterion("model-card", "Model card current and signed", verdict["met"], "Revision 3 not signed.")]

    register_criterion(Stage.DEPLOYMENT, provider, slot="model-card")
    yield verdict
    unregister_criterion(Stage.DEPLOYMENT, provider, slot="model-card")
    register_criterion(Stage.DEPLOYMENT, model_card_approved, slot="model-card")  # the installed app's, again


@pytest.fixture
def no_model_card_app():
    """The slot as it is when the model card app is not installed."""
    unregister_criterion(Stage.DEPLOYMENT, model_card_approved, slot="model-card")
    yield
    register_criterion(Stage.DEPLOYMENT, model_card_approved, slot="model-card")


def test_a_registered_provider_fills_the_model_card_slot_and_can_block(project, model_card_check):
    gate = gate_for(project=project, stage=Stage.DEPLOYMENT)
    cards = [c for c in gate_evidence(gate).criteria if c.key == "model-card"]
    assert len(cards) == 1 and cards[0].met is False and cards[0].blocking
    model_card_check["met"] = True
    cards = [c for c in gate_evidence(gate).criteria if c.key == "model-card"]
    assert cards[0].met is True


def test_the_unfilled_slot_shows_not_checked_on_the_gate_page(client, project, no_model_card_app):
    client.force_login(project.owner)
    page = client.get(f"/projects/{project.slug}/gates/deployment/").content.decode()
    assert "Model card current and signed" in page and "Not checked: no model card app installed." in page


def test_a_slot_that_no_stage_declares_is_refused(project):
    with pytest.raises(LookupError, match="no criterion slot"):
        register_criterion(Stage.SCOPING, lambda gate: [], slot="model-card")


def test_criteria_link_to_where_they_are_fixed(project):
    criteria = {c.key: c for c in gate_evidence(gate_for(project=project, stage=Stage.SCOPING)).criteria}
    assert criteria["scoping-profile"].url == f"/projects/{project.slug}/edit/"
    assert criteria["go-no-go-criteria"].url == f"/projects/{project.slug}/gates/scoping/#go-no-go-criteria"
    assert criteria["deliverables-approved"].url == f"/projects/{project.slug}/deliverables/"
    assert criteria["approvers-staffed"].url == f"/projects/{project.slug}/members/"
    assert criteria["required-items-resolved"].url.startswith(f"/projects/{project.slug}/checklists/")
    deployment = {c.key: c for c in gate_evidence(gate_for(project=project, stage=Stage.DEPLOYMENT)).criteria}
    assert deployment["risk-register"].url == f"/projects/{project.slug}/risks/"


# --- Approvers: declared once, read through the hook, refused when nobody could approve ----------


@pytest.fixture
def sole_owner_gate(project):
    """Data Preparation is signed off by the Product Owner alone; the project's only PO is its creator."""
    project_services.project_stage_move(actor=project.owner, project=project, stage=Stage.DATA_PREPARATION)
    project.refresh_from_db()
    gate = gate_for(project=project, stage=Stage.DATA_PREPARATION)
    assert all(c.met is not False for c in gate_evidence(gate).criteria), gate_evidence(gate).criteria
    return gate


def test_a_sole_product_owner_cannot_submit_a_gate_only_they_could_approve(sole_owner_gate):
    project = sole_owner_gate.project
    with pytest.raises(ValidationError) as refused:
        services.gate_submit(actor=project.owner, gate=sole_owner_gate)
    message = " ".join(refused.value.messages)
    assert "Product Owner" in message and SOLE_PO_REFUSAL in message
    assert not SignoffRequest.objects.exists() and not GateEvent.objects.exists()
    assert gate_for(project=project, stage=Stage.DATA_PREPARATION).state == GateState.IN_PROGRESS


def test_the_refusal_is_shown_in_the_ui_and_the_api_and_nothing_is_saved(client, api_client, sole_owner_gate):
    project = sole_owner_gate.project
    client.force_login(project.owner)
    page = client.post(
        f"/projects/{project.slug}/gates/data_preparation/", {"action": "submit", "due_on": "2099-01-01"}
    )
    assert page.status_code == 400 and SOLE_PO_REFUSAL in page.content.decode()
    api_client.force_authenticate(project.owner)
    response = api_client.post(f"/api/v1/projects/{project.slug}/gates/data_preparation/submit/", {}, format="json")
    assert response.status_code == 400 and SOLE_PO_REFUSAL in response.json()["error"]["message"]
    assert not SignoffRequest.objects.exists() and not Gate.objects.filter(state=GateState.AWAITING_SIGNOFF).exists()


def test_with_a_second_product_owner_the_submission_opens_with_its_source(client, sole_owner_gate, member_of):
    project = sole_owner_gate.project
    member_of(project, Role.PRODUCT_OWNER)
    signoff = services.gate_submit(actor=project.owner, gate=sole_owner_gate)
    assert [slot.role for slot in signoff.approvers.all()] == [Role.PRODUCT_OWNER]
    # The RACI matrix names them (its default: the stage's governing role is Accountable).
    source = "RACI matrix revision 1: Product Owner is Accountable for the Data Preparation gate"
    assert signoff.approvers_source == source
    client.force_login(project.owner)
    assert source in client.get(signoff.get_absolute_url()).content.decode()


def test_a_registered_approver_provider_names_the_gate_approvers_everywhere(client, sole_owner_gate, member_of):
    project = sole_owner_gate.project
    mlops = member_of(project, Role.MLOPS_ENGINEER, first_name="Accountable", last_name="Person")

    def raci(gate):
        return ApproverSpec(people=(mlops,), source="RACI matrix (approved 2026-11-02)")

    unregister_approver_provider(Gate, gate_approvers)  # the RACI app's own provider would answer first
    register_approver_provider(Gate, raci)
    try:
        client.force_login(project.owner)
        assert "Accountable Person" in client.get(project.get_absolute_url()).content.decode()
        signoff = services.gate_submit(actor=project.owner, gate=sole_owner_gate)
    finally:
        unregister_approver_provider(Gate, raci)
        register_approver_provider(Gate, gate_approvers)
    assert [slot.user for slot in signoff.approvers.all()] == [mlops]
    assert signoff.approvers_source == "RACI matrix (approved 2026-11-02)"


# --- The state machine -------------------------------------------------------------------------


def test_available_actions_follow_state_stage_and_permissions(project):
    manager = {roles.VIEW, roles.MANAGE_GATES}
    scoping = gate_for(project=project, stage=Stage.SCOPING)
    assert states.available_actions(scoping, manager) == {"submit", "criteria"}
    assert states.available_actions(scoping, {roles.VIEW}) == set()
    feasibility = gate_for(project=project, stage=Stage.FEASIBILITY)
    assert states.available_actions(feasibility, manager) == {"submit", "decision"}
    approved = Gate(project=project, stage=Stage.SCOPING, state=GateState.APPROVED)
    assert states.available_actions(approved, manager) == {"reopen", "invalidate", "certificate"}
    awaiting = Gate(project=project, stage=Stage.SCOPING, state=GateState.AWAITING_SIGNOFF)
    assert states.available_actions(awaiting, manager) == {"withdraw", "approve", "reject"}
    with pytest.raises(ValidationError, match="cannot be submitted again"):
        states.transition(awaiting, states.GateAction.SUBMIT)


def test_no_template_compares_gate_state_strings():
    from pathlib import Path

    templates = Path(__file__).resolve().parents[2] / "apps"
    offenders = [
        str(path)
        for path in templates.rglob("*.html")
        for needle in ("gate.state ==", "gate.state !=", "step.state ==", "step.state !=")
        if needle in path.read_text()
    ]
    assert offenders == []


# --- The gates list: constant queries whatever the number of checklists ----------------------


@pytest.mark.parametrize("checklists", [1, 5])
def test_the_gates_list_api_runs_constant_queries(
    api_client, project, tmp_path, django_assert_max_num_queries, checklists
):
    for n in range(checklists):
        (tmp_path / f"list{n}.yaml").write_text(yaml.safe_dump(template_document(f"list{n}", checks=6)))
    checklist_services.templates_load_library(directory=tmp_path)
    for template in ChecklistTemplate.objects.filter(key__startswith="list"):
        checklist_services.checklist_apply(actor=project.owner, project=project, template=template)
    api_client.force_authenticate(project.owner)
    api_client.get(f"/api/v1/projects/{project.slug}/gates/")  # warm the permission caches
    with django_assert_max_num_queries(17):  # 15, the model card slot, and the RACI matrix's gate rows
        response = api_client.get(f"/api/v1/projects/{project.slug}/gates/")
    gates = response.json()
    assert response.status_code == 200 and len(gates) == 8
    assert gates[0]["actions"] == ["criteria", "submit"] and gates[0]["criteria"][0]["url"]
