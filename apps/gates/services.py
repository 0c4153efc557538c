"""Stage-gate workflow: submit for sign-off, record the feasibility decision, reopen; the
sign-off engine calls back through GateAdapter when a request closes."""

import datetime

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone

from apps.projects import services as project_services
from apps.projects.choices import ProjectStatus, Stage
from apps.projects.models import STAGE_ORDER, Project
from apps.signoffs import services as signoff_services
from apps.signoffs import targets
from apps.signoffs.approvers import ApproverSpec
from apps.signoffs.choices import Policy, RequestState
from apps.signoffs.models import SignoffRequest

from .choices import STAGE_APPROVERS, GateEventKind, GateState, GoNoGo
from .criteria import gate_evidence, project_records
from .models import Gate, GateEvent
from .signed import gate_changes, signed_content
from .states import GateAction, refusal, transition

DEFAULT_SIGNOFF_DAYS = 7


def _stored_gate(project: Project, stage: str) -> Gate:
    """The gate row, locked, created in its initial state on the first action taken on it (never on a retired
    project). The project row is locked first: a gate action may move or hold the project (see project_lock)."""
    project = project_services.project_lock(project.pk)
    project_services.ensure_project_writable(project)
    initial = GateState.IN_PROGRESS if stage == project.current_stage else GateState.NOT_STARTED
    gate, _ = Gate.objects.get_or_create(project=project, stage=stage, defaults={"state": initial})
    return Gate.objects.select_for_update().select_related("project").get(pk=gate.pk)


def _event(gate: Gate, kind: str, *, actor=None, note: str = "", signoff=None) -> GateEvent:
    return GateEvent.objects.create(project=gate.project, gate=gate, kind=kind, actor=actor, note=note, signoff=signoff)


def _set_state(gate: Gate, state: str) -> None:
    gate.state = state
    gate.approved_at = timezone.now() if state == GateState.APPROVED else gate.approved_at
    gate.save(update_fields=["state", "approved_at", "updated_at"])


@transaction.atomic
def gate_update_criteria(*, actor, gate: Gate, go_no_go_criteria: str) -> Gate:
    """Scoping: write the Go / No-Go criteria the feasibility study will be judged against."""
    gate = _stored_gate(gate.project, gate.stage)
    transition(gate, GateAction.EDIT_CRITERIA)
    gate.go_no_go_criteria = go_no_go_criteria.strip()
    gate.full_clean()
    gate.save()
    gates_check_current(project=gate.project)
    return gate


@transaction.atomic
def gate_record_decision(*, actor, gate: Gate, decision: str, rationale: str) -> Gate:
    """Feasibility: an explicit Go or No-Go with its rationale. No-Go puts the project on hold."""
    gate = _stored_gate(gate.project, gate.stage)
    transition(gate, GateAction.RECORD_DECISION)
    if not rationale.strip():
        raise ValidationError({"decision_rationale": "Give the rationale of the decision."})
    gate.decision, gate.decision_rationale = GoNoGo(decision), rationale.strip()
    gate.full_clean()
    gate.save()
    _event(gate, GateEventKind.DECISION, actor=actor, note=f"{gate.get_decision_display()}: {gate.decision_rationale}")
    if gate.decision == GoNoGo.NO_GO and gate.project.status != ProjectStatus.ON_HOLD:
        project_services.project_update(actor=actor, project=gate.project, status=ProjectStatus.ON_HOLD)
    else:
        gates_check_current(project=gate.project)
    return gate


@transaction.atomic
def gate_submit(*, actor, gate: Gate, due_on: datetime.date | None = None, note: str = "") -> SignoffRequest:
    """Ask the stage's approvers to sign the gate off; refused while an exit criterion is unmet."""
    gate = _stored_gate(gate.project, gate.stage)
    next_state = transition(gate, GateAction.SUBMIT)
    evidence = gate_evidence(gate)
    unmet = [criterion.label for criterion in evidence.criteria if criterion.blocking]
    if unmet:
        raise ValidationError(f"Exit criteria not met: {'; '.join(unmet)}.")
    signoff = signoff_services.signoff_request(
        actor=actor,
        target=gate,
        due_on=due_on or timezone.localdate() + datetime.timedelta(days=DEFAULT_SIGNOFF_DAYS),
        note=note,
    )
    _set_state(gate, next_state)
    _event(gate, GateEventKind.SUBMITTED, actor=actor, note=note, signoff=signoff)
    return signoff


@transaction.atomic
def gate_reopen(*, actor, gate: Gate, reason: str) -> Gate:
    """ML work is iterative: reopen an approved gate, with a reason; its history is kept."""
    gate = _stored_gate(gate.project, gate.stage)
    if not reason.strip():
        raise ValidationError({"reason": "Say why the gate is reopened."})
    _set_state(gate, transition(gate, GateAction.REOPEN))
    _event(gate, GateEventKind.REOPENED, actor=actor, note=reason.strip())
    return gate


def current_signoff(gate: Gate) -> SignoffRequest | None:
    return SignoffRequest.objects.filter(target_type__model="gate", target_id=gate.pk).order_by("-id").first()


def gates_check_current(*, project: Project) -> list[Gate]:
    """Invalidate approved gates whose signed content has changed since; they reopen visibly.

    Registered as the "project records changed" listener (apps.projects.changes): the write services of
    projects, checklists and deliverables call it in their transaction. The periodic task is a safety net.
    """
    approved = list(Gate.objects.filter(project=project, state=GateState.APPROVED))
    if not approved:
        return []
    records = project_records(project)  # fetched once for every approved gate
    invalidated = []
    for gate in approved:
        gate.project = project
        snapshot = gate_evidence(gate, records=records).snapshot(gate)
        if signoff_services.signoff_check_current(target=gate, snapshot=snapshot) is not None:
            invalidated.append(gate)
    return invalidated


@transaction.atomic
def project_stage_override(*, actor, project: Project, stage: str, reason: str) -> Project:
    """An administrator sets a project's stage outside the gates (a correction, a migrated project).

    Superusers only, with a reason; the reason is recorded as an event in the history of the gate of the
    stage the project leaves and of the one it enters (both audited), next to the project's own audit entry.
    """
    if not actor.is_superuser:
        raise PermissionDenied("Only an administrator can override a project's lifecycle stage.")
    if stage not in Stage.values:
        raise ValidationError({"stage": f"'{stage}' is not a lifecycle stage."})
    if not reason.strip():
        raise ValidationError({"reason": "Say why the stage is set outside the gates: the reason is audited."})
    project = project_services.project_lock(project.pk)
    previous = project.current_stage
    if stage == previous:
        raise ValidationError({"stage": f"The project is already at {Stage(stage).label}."})
    project = project_services.project_stage_move(actor=actor, project=project, stage=stage)
    note = (
        f"Stage set from {Stage(previous).label} to {Stage(stage).label} by an administrator. Reason: {reason.strip()}"
    )
    for gate_stage in (previous, stage):
        gate = _stored_gate(project, gate_stage)
        _event(gate, GateEventKind.STAGE_OVERRIDE, actor=actor, note=note)
    entered = Gate.objects.select_for_update().get(project=project, stage=stage)
    if entered.state == GateState.NOT_STARTED:
        _set_state(entered, GateState.IN_PROGRESS)
    return project


class GateAdapter(targets.TargetAdapter):
    """How the sign-off engine sees a gate."""

    model = Gate
    evidence_template = "gates/partials/signed_content.html"

    def label(self, gate) -> str:
        return f"{gate.get_stage_display()} gate — {gate.project.name}"

    def snapshot(self, gate) -> dict:
        return gate_evidence(gate).snapshot(gate)

    def default_approvers(self, gate) -> ApproverSpec:
        """The stage's approver roles (choices.STAGE_APPROVERS), every one of them must approve."""
        return ApproverSpec(
            roles=tuple(STAGE_APPROVERS[gate.stage]),
            policy=Policy.ALL,
            source=f"Approver roles of the {gate.get_stage_display()} stage",
        )

    def evidence(self, signoff):
        """The signed snapshot in words (what the approvers sign), not the gate's live state."""
        return signed_content(signoff.target, signoff.snapshot)

    def describe_changes(self, gate, before, after):
        return gate_changes(gate, before, after)

    def on_closed(self, signoff, state, *, note=""):
        gate = Gate.objects.select_for_update().select_related("project").get(pk=signoff.target_id)
        if state == RequestState.APPROVED:
            _set_state(gate, transition(gate, GateAction.APPROVE))
            _event(gate, GateEventKind.APPROVED, note=note, signoff=signoff)
            _advance_project(gate, actor=signoff.requested_by)
        elif state == RequestState.REJECTED:
            _set_state(gate, transition(gate, GateAction.REJECT))
            _event(gate, GateEventKind.REJECTED, note=f"Rejected: {note}", signoff=signoff)
        elif state == RequestState.INVALIDATED:
            _set_state(gate, transition(gate, GateAction.INVALIDATE))
            _event(gate, GateEventKind.INVALIDATED, note=note, signoff=signoff)
        elif state == RequestState.WITHDRAWN and refusal(gate, GateAction.WITHDRAW) is None:
            _set_state(gate, transition(gate, GateAction.WITHDRAW))
            _event(gate, GateEventKind.WITHDRAWN, actor=signoff.requested_by, note=note, signoff=signoff)


def _advance_project(gate: Gate, *, actor) -> None:
    """An approved gate of the current stage moves the project to the next stage."""
    project = gate.project
    index = STAGE_ORDER.index(gate.stage)
    if project.current_stage == gate.stage and index + 1 < len(STAGE_ORDER):
        next_stage = STAGE_ORDER[index + 1]
        project_services.project_stage_move(actor=actor, project=project, stage=next_stage)
        for upcoming in Gate.objects.filter(project=project, stage=next_stage, state=GateState.NOT_STARTED):
            _set_state(upcoming, GateState.IN_PROGRESS)
