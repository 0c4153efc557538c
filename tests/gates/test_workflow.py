import datetime
import io

import pytest
from django.core import mail
from django.core.exceptions import ValidationError
from django.utils import timezone
from pypdf import PdfReader

from apps.gates import services
from apps.gates.choices import GateEventKind, GateState, GoNoGo
from apps.gates.criteria import gate_evidence
from apps.gates.models import GateEvent
from apps.gates.selectors import gate_for, gate_timeline
from apps.projects import services as project_services
from apps.projects.choices import ProjectStatus, Role, Stage
from apps.signoffs import services as signoff_services
from apps.signoffs.choices import RequestState
from apps.signoffs.notifications import send_overdue_signoff_reminders


def approve(signoff, user, note="Agreed"):
    return signoff_services.signoff_decide(actor=user, signoff=signoff, approve=True, note=note)


def test_unmet_criteria_block_submission_and_say_which(scoping_gate):
    with pytest.raises(ValidationError, match="Go / No-Go criteria for feasibility written"):
        services.gate_submit(actor=scoping_gate.project.owner, gate=scoping_gate)
    assert not GateEvent.objects.filter(project=scoping_gate.project).exists()


def test_scoping_criteria_cover_the_profile_and_the_go_no_go_criteria(project, member_of):
    gate = gate_for(project=project, stage=Stage.SCOPING)
    criteria = {c.key: c for c in gate_evidence(gate).criteria}
    assert criteria["scoping-profile"].met is False and "baseline" in criteria["scoping-profile"].detail
    assert criteria["go-no-go-criteria"].met is False
    assert criteria["approvers-staffed"].met is False and "Executive Sponsor" in criteria["approvers-staffed"].detail


def test_a_submitted_and_approved_scoping_gate_moves_the_project_on(scoping_gate):
    project, owner = scoping_gate.project, scoping_gate.project.owner
    gate = services.gate_update_criteria(actor=owner, gate=scoping_gate, go_no_go_criteria="AUC ≥ 0.75 on a sample")
    signoff = services.gate_submit(actor=owner, gate=gate, note="Ready")
    gate.refresh_from_db()
    assert gate.state == GateState.AWAITING_SIGNOFF
    assert [a.role for a in signoff.approvers.all()] == [Role.EXECUTIVE_SPONSOR]
    approve(signoff, project.sponsor)
    gate.refresh_from_db()
    project.refresh_from_db()
    assert gate.state == GateState.APPROVED and gate.approved_at is not None
    assert project.current_stage == Stage.FEASIBILITY
    assert gate_for(project=project, stage=Stage.FEASIBILITY).state == GateState.IN_PROGRESS
    steps = {step.stage: step for step in gate_timeline(project=project)}
    assert steps[Stage.SCOPING].state_label == "Approved"
    assert [kind for kind in gate.events.values_list("kind", flat=True)] == [
        GateEventKind.SUBMITTED,
        GateEventKind.APPROVED,
    ]


def test_a_rejection_returns_the_gate_to_in_progress_with_the_reason(scoping_gate):
    owner = scoping_gate.project.owner
    gate = services.gate_update_criteria(actor=owner, gate=scoping_gate, go_no_go_criteria="Uplift ≥ 2 points")
    signoff = services.gate_submit(actor=owner, gate=gate)
    signoff_services.signoff_decide(
        actor=scoping_gate.project.sponsor, signoff=signoff, approve=False, note="Baseline too vague"
    )
    gate.refresh_from_db()
    assert gate.state == GateState.IN_PROGRESS
    assert gate.events.get(kind=GateEventKind.REJECTED).note == "Rejected: Baseline too vague"
    assert services.gate_submit(actor=owner, gate=gate).state == RequestState.OPEN  # can be resubmitted


def test_reopening_keeps_the_history(scoping_gate):
    owner = scoping_gate.project.owner
    gate = services.gate_update_criteria(actor=owner, gate=scoping_gate, go_no_go_criteria="x")
    approve(services.gate_submit(actor=owner, gate=gate), scoping_gate.project.sponsor)
    with pytest.raises(ValidationError, match="Say why"):
        services.gate_reopen(actor=owner, gate=gate, reason=" ")
    services.gate_reopen(actor=owner, gate=gate, reason="New regulation changes the scope")
    gate.refresh_from_db()
    assert gate.state == GateState.REOPENED
    assert list(gate.events.values_list("kind", flat=True)) == [
        GateEventKind.SUBMITTED,
        GateEventKind.APPROVED,
        GateEventKind.REOPENED,
    ]


def test_a_change_after_approval_invalidates_the_sign_off_in_the_same_write_and_says_what_changed(scoping_gate):
    project, owner = scoping_gate.project, scoping_gate.project.owner
    gate = services.gate_update_criteria(actor=owner, gate=scoping_gate, go_no_go_criteria="x")
    approve(services.gate_submit(actor=owner, gate=gate), project.sponsor)
    assert services.gates_check_current(project=project) == []
    project_services.project_update(actor=owner, project=project, minimum_threshold="AUC-ROC ≥ 0.70")
    gate.refresh_from_db()
    assert gate.state == GateState.REOPENED  # at once: the periodic check is only a safety net
    assert services.gates_check_current(project=project) == []
    event = gate.events.get(kind=GateEventKind.INVALIDATED)
    assert "Minimum acceptable threshold: “AUC-ROC ≥ 0.80” → “AUC-ROC ≥ 0.70”" in event.note
    assert "minimum_threshold" not in event.note


def test_feasibility_needs_an_explicit_go_and_no_go_puts_the_project_on_hold(project, member_of):
    gate = gate_for(project=project, stage=Stage.FEASIBILITY)
    assert {c.key: c.met for c in gate_evidence(gate).criteria}["go-no-go-decision"] is False
    with pytest.raises(ValidationError, match="rationale"):
        services.gate_record_decision(actor=project.owner, gate=gate, decision=GoNoGo.GO, rationale="")
    gate = services.gate_record_decision(
        actor=project.owner, gate=gate, decision=GoNoGo.NO_GO, rationale="No signal above baseline"
    )
    project.refresh_from_db()
    assert project.status == ProjectStatus.ON_HOLD
    assert gate.events.get().kind == GateEventKind.DECISION
    gate = services.gate_record_decision(actor=project.owner, gate=gate, decision=GoNoGo.GO, rationale="Signal found")
    assert {c.key: c.met for c in gate_evidence(gate).criteria}["go-no-go-decision"] is True


def test_deployment_gate_carries_security_fairness_risk_and_model_card_criteria(project):
    keys = {c.key: c for c in gate_evidence(gate_for(project=project, stage=Stage.DEPLOYMENT)).criteria}
    assert {"security-items", "fairness-items", "risk-register", "model-card"} <= set(keys)
    assert keys["risk-register"].met is True
    # The model card app fills the model-card slot: no approved card yet, so it blocks and says why.
    assert keys["model-card"].met is False and keys["model-card"].blocking
    assert keys["model-card"].detail == "No model card: register the model and write or import its card."


def test_approvers_are_emailed_when_a_gate_is_submitted_and_everyone_when_it_is_decided(
    scoping_gate, django_capture_on_commit_callbacks
):
    owner, sponsor = scoping_gate.project.owner, scoping_gate.project.sponsor
    gate = services.gate_update_criteria(actor=owner, gate=scoping_gate, go_no_go_criteria="x")
    with django_capture_on_commit_callbacks(execute=True):
        signoff = services.gate_submit(actor=owner, gate=gate)
    assert [m.to for m in mail.outbox] == [[sponsor.email]]
    assert signoff.get_absolute_url() in mail.outbox[0].body
    with django_capture_on_commit_callbacks(execute=True):
        approve(signoff, sponsor)
    decided = mail.outbox[1:]
    assert sorted(m.to[0] for m in decided) == sorted([owner.email, sponsor.email])  # one e-mail each
    assert all("approved" in m.subject for m in decided)


def test_overdue_reminders_go_out_once_per_approver_request_and_day(
    scoped_project, member_of, django_capture_on_commit_callbacks
):
    second_sponsor = member_of(scoped_project, Role.EXECUTIVE_SPONSOR)
    gate = services.gate_update_criteria(
        actor=scoped_project.owner, gate=gate_for(project=scoped_project, stage=Stage.SCOPING), go_no_go_criteria="x"
    )
    services.gate_submit(actor=scoped_project.owner, gate=gate)
    mail.outbox.clear()
    later = timezone.localdate() + datetime.timedelta(days=10)
    with django_capture_on_commit_callbacks(execute=True):
        assert send_overdue_signoff_reminders(today=later) == 2
    with django_capture_on_commit_callbacks(execute=True):
        assert send_overdue_signoff_reminders(today=later) == 0  # the task runs twice the same day
    overdue = [m.to[0] for m in mail.outbox if m.subject.startswith("Overdue sign-off")]
    assert sorted(overdue) == sorted([scoped_project.sponsor.email, second_sponsor.email])
    with django_capture_on_commit_callbacks(execute=True):
        assert send_overdue_signoff_reminders(today=later + datetime.timedelta(days=1)) == 2  # next day: again


def test_the_certificate_pdf_names_approvers_roles_and_the_fingerprint(client, scoping_gate):
    owner, sponsor = scoping_gate.project.owner, scoping_gate.project.sponsor
    gate = services.gate_update_criteria(actor=owner, gate=scoping_gate, go_no_go_criteria="x")
    signoff = services.gate_submit(actor=owner, gate=gate)
    client.force_login(owner)
    certificate = f"/projects/{gate.project.slug}/gates/scoping/certificate.pdf"
    assert client.get(certificate).status_code == 404  # not approved yet
    approve(signoff, sponsor)
    response = client.get(certificate)
    assert response["Content-Type"] == "application/pdf"
    reader = PdfReader(io.BytesIO(response.content))
    text = " ".join(" ".join(page.extract_text() for page in reader.pages).split())
    assert "Vera Sponsor" in text and "Executive Sponsor" in text and "Approved" in text
    assert signoff.fingerprint[:32] in text.replace(" ", "")
    assert gate.project.name in text
