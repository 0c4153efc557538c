"""Issue 10, "Signing off": approvals end with the change they no longer cover, approvers read what they sign,
the stage moves only through gates, and the badge, the timeline and the certificate tell the same story."""

import subprocess
from types import SimpleNamespace

import pytest
import yaml
from django.core.exceptions import PermissionDenied
from django.urls import reverse

from apps.audit.models import AuditEntry
from apps.checklists import services as checklist_services
from apps.checklists.models import ChecklistTemplate
from apps.deliverables import services as deliverable_services
from apps.deliverables.models import ProjectDeliverable
from apps.gates import services
from apps.gates.choices import GateEventKind, GateState
from apps.gates.models import GateEvent
from apps.gates.selectors import gate_for
from apps.projects import services as project_services
from apps.projects.choices import Role, Stage
from apps.signoffs import services as signoff_services
from apps.signoffs.choices import RequestState
from tests.factories import ProjectFactory, UserFactory, edit_form_data

TEMPLATE = {
    "key": "signing",
    "name": "Signing checks",
    "source": "tests",
    "description": "One Required Scoping item.",
    "gate": True,
    "applies_to": "all",
    "sections": [
        {
            "key": "scope",
            "title": "Scope",
            "items": [
                {
                    "key": "sc-01-owner-named",
                    "title": "Business owner named",
                    "stage": "scoping",
                    "requirement": "required",
                    "kind": "check",
                }
            ],
        }
    ],
}


@pytest.fixture
def signed(scoped_project, member_of, tmp_path):
    """A Scoping gate approved over a reviewed checklist item (with evidence) and approved deliverables."""
    project, owner = scoped_project, scoped_project.owner
    reviewer = member_of(project, Role.DATA_SCIENTIST, first_name="Rita", last_name="Reviewer")
    (tmp_path / "signing.yaml").write_text(yaml.safe_dump(TEMPLATE))
    checklist_services.templates_load_library(directory=tmp_path)
    checklist = checklist_services.checklist_apply(
        actor=owner, project=project, template=ChecklistTemplate.objects.get(key="signing")
    )
    item = checklist.version.items.get()
    checklist_services.evidence_add(
        actor=owner, checklist=checklist, item=item, kind="link", url="https://wiki.example.com/owner"
    )
    checklist_services.item_response_update(actor=owner, checklist=checklist, item=item, status="done", owner=owner)
    checklist_services.item_review(actor=reviewer, checklist=checklist, item=item)
    deliverable_services.registry_load()
    deliverable_services.project_deliverables_setup(actor=owner, project=project)
    for pd in ProjectDeliverable.objects.filter(project=project, deliverable__primary_stage=Stage.SCOPING):
        deliverable_services.project_deliverable_update(
            actor=owner,
            project_deliverable=pd,
            status="approved",
            link=f"https://wiki.example.com/{pd.deliverable.key}",
        )
    gate = services.gate_update_criteria(
        actor=owner, gate=gate_for(project=project, stage=Stage.SCOPING), go_no_go_criteria="AUC ≥ 0.8 on holdout"
    )
    signoff = services.gate_submit(actor=owner, gate=gate, note="Ready")
    return SimpleNamespace(project=project, owner=owner, checklist=checklist, item=item, signoff=signoff)


def _approve(signed):
    signoff_services.signoff_decide(actor=signed.project.sponsor, signoff=signed.signoff, approve=True, note="Agreed")


def _invalidation(project):
    gate = gate_for(project=project, stage=Stage.SCOPING)
    assert gate.state == GateState.REOPENED  # in the changing write itself, before any periodic check
    return gate.events.get(kind=GateEventKind.INVALIDATED).note


def test_the_signoff_page_shows_the_signed_content_in_words_next_to_the_decision_form(client, signed):
    client.force_login(signed.project.sponsor)
    page = client.get(signed.signoff.get_absolute_url()).content.decode()
    for words in (
        "Problem statement",
        signed.project.problem_statement,
        "Minimum acceptable threshold",
        "AUC-ROC ≥ 0.80",
        "Guardrail metrics",
        "Go / No-Go criteria",
        "AUC ≥ 0.8 on holdout",
        "Business owner named",
        "Rita Reviewer",
        "https://wiki.example.com/project-charter",
        "Your decision",
    ):
        assert words in page, words
    assert "problem_statement" not in page and "checklist_items" not in page


def test_an_api_profile_change_invalidates_the_approval_at_once_with_before_and_after(api_client, signed):
    _approve(signed)
    api_client.force_authenticate(signed.owner)
    response = api_client.patch(
        f"/api/v1/projects/{signed.project.slug}/", {"problem_statement": "Churn is seen too late."}, format="json"
    )
    assert response.status_code == 200, response.json()
    note = _invalidation(signed.project)
    assert f"Problem statement: “{signed.project.problem_statement}” → “Churn is seen too late.”" in note
    signed.signoff.refresh_from_db()
    assert signed.signoff.state == RequestState.INVALIDATED


def test_a_checklist_item_change_invalidates_the_approval_at_once(signed):
    _approve(signed)
    checklist_services.item_response_update(
        actor=signed.owner, checklist=signed.checklist, item=signed.item, status="in_progress"
    )
    note = _invalidation(signed.project)
    assert "Checklist item “Business owner named”: Done, reviewed by Rita Reviewer → In progress, not reviewed" in note


def test_a_deliverable_link_change_invalidates_the_approval_at_once(signed):
    _approve(signed)
    charter = ProjectDeliverable.objects.get(project=signed.project, deliverable__key="project-charter")
    deliverable_services.project_deliverable_update(
        actor=signed.owner, project_deliverable=charter, link="https://wiki.example.com/charter-v2"
    )
    note = _invalidation(signed.project)
    assert f"Deliverable “{charter.deliverable.name}”: Approved, https://wiki.example.com/project-charter" in note
    assert "→ Approved, https://wiki.example.com/charter-v2" in note


def _pdf_text(response) -> str:
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    pdf = subprocess.run(["pdftotext", "-layout", "-", "-"], input=response.content, capture_output=True, check=True)
    return pdf.stdout.decode()


def test_the_certificate_names_the_requester_role_and_is_marked_superseded_once_invalidated(client, signed):
    _approve(signed)
    client.force_login(signed.owner)
    certificate = reverse("gates:gate-certificate", args=[signed.project.slug, Stage.SCOPING])
    text = _pdf_text(client.get(certificate))
    assert "Product Owner" in text and "Superseded" not in text
    assert signed.project.problem_statement in " ".join(text.split())

    project_services.project_update(actor=signed.owner, project=signed.project, primary_metric="PR-AUC")
    text = " ".join(_pdf_text(client.get(certificate)).split())
    assert "SUPERSEDED" in text and "Superseded on" in text and "the signed content changed" in text
    assert "Primary metric: “AUC-ROC” → “PR-AUC”" in text
    page = client.get(reverse("gates:gate-detail", args=[signed.project.slug, Stage.SCOPING])).content.decode()
    assert "Superseded on" in page and "Superseded certificate (PDF)" in page
    assert "Superseded on" in client.get(signed.signoff.get_absolute_url()).content.decode()


def test_the_timeline_shows_the_time_of_an_approval_with_the_zone(client, signed, settings):
    _approve(signed)
    client.force_login(signed.owner)
    approved_at = gate_for(project=signed.project, stage=Stage.SCOPING).approved_at
    page = client.get(signed.project.get_absolute_url()).content.decode()
    assert approved_at.strftime("%H:%M") + " UTC" in page


def test_a_stage_passed_before_gates_were_tracked_reads_the_same_on_the_badge_and_the_timeline(client, api_client, db):
    project = ProjectFactory(current_stage=Stage.DATA_PREPARATION)
    client.force_login(project.owner)
    gate_page = client.get(reverse("gates:gate-detail", args=[project.slug, Stage.SCOPING])).content.decode()
    timeline = client.get(project.get_absolute_url()).content.decode()
    assert 'data-testid="gate-state">Passed — no sign-off on record<' in gate_page
    assert "Not started" not in gate_page.split('data-testid="gate-state"')[1][:60]
    scoping_step = timeline.split('data-stage="scoping"')[1].split("</li>")[0]
    assert "Passed — no sign-off on record" in scoping_step
    api_client.force_authenticate(project.owner)
    gates = api_client.get(f"/api/v1/projects/{project.slug}/gates/").json()
    assert gates[0]["state_label"] == "Passed — no sign-off on record"


# --- The stage moves only through gates ---------------------------------------------------------------


def test_the_profile_form_no_longer_offers_the_stage_and_ignores_one_posted(client, project):
    client.force_login(project.owner)
    edit = reverse("projects:project-update", args=[project.slug])
    assert 'name="current_stage"' not in client.get(edit).content.decode()
    data = edit_form_data(project, current_stage=Stage.DEPLOYMENT)
    assert client.post(edit, data).status_code == 302
    project.refresh_from_db()
    assert project.current_stage == Stage.SCOPING


def test_the_approved_gate_moves_the_project_on_through_the_stage_service(signed):
    _approve(signed)
    signed.project.refresh_from_db()
    assert signed.project.current_stage == Stage.FEASIBILITY


def test_only_a_superuser_overrides_the_stage_and_the_reason_is_in_the_gate_history_and_audit_trail(client, project):
    with pytest.raises(PermissionDenied):
        services.project_stage_override(actor=project.owner, project=project, stage=Stage.DEPLOYMENT, reason="x")
    admin = UserFactory(is_superuser=True, is_staff=True)
    client.force_login(admin)
    url = reverse("admin:gates_stage_override")
    refused = client.post(url, {"project": project.pk, "stage": Stage.DATA_PREPARATION, "reason": " "})
    assert refused.status_code == 200 and "This field is required" in refused.content.decode()
    reason = "Migrated from the old tracker: scoping and feasibility were signed on paper in March."
    response = client.post(url, {"project": project.pk, "stage": Stage.DATA_PREPARATION, "reason": reason})
    assert response.status_code == 302
    project.refresh_from_db()
    assert project.current_stage == Stage.DATA_PREPARATION
    events = GateEvent.objects.filter(project=project, kind=GateEventKind.STAGE_OVERRIDE)
    assert {event.gate.stage for event in events} == {Stage.SCOPING, Stage.DATA_PREPARATION}
    assert all(reason in event.note and event.actor == admin for event in events)
    assert gate_for(project=project, stage=Stage.DATA_PREPARATION).state == GateState.IN_PROGRESS
    assert any(reason in str(entry.changes) for entry in AuditEntry.objects.filter(project_id=project.pk))
    member = UserFactory(is_staff=True)
    client.force_login(member)
    assert client.get(url).status_code in (302, 403)
