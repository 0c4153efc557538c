"""Reads of stage gates: the lifecycle timeline and one gate with its history."""

from collections import defaultdict
from dataclasses import dataclass

from apps.projects.choices import Role, Stage
from apps.projects.models import Project
from apps.projects.selectors import project_role_holders
from apps.signoffs.approvers import approvers_for
from apps.signoffs.choices import EventKind, RequestState
from apps.signoffs.models import SignoffEvent, SignoffRequest

from . import states
from .choices import GateState
from .models import Gate, GateEvent


@dataclass
class TimelineStep:
    number: int
    stage: str
    label: str
    gate: Gate
    approvers: list[tuple[str, list[str]]]  # (role label or person, names of the members who can sign)
    signoff: SignoffRequest | None

    current: bool = False

    @property
    def state(self) -> str:
        return self.gate.state

    @property
    def shown(self) -> states.ShownState:
        return states.shown_state(self.gate)

    @property
    def passed_unrecorded(self) -> bool:
        return self.shown.key == states.PASSED_UNRECORDED

    @property
    def approved(self) -> bool:
        return states.is_approved(self.gate)

    @property
    def awaiting_signoff(self) -> bool:
        return states.is_awaiting_signoff(self.gate)

    @property
    def state_label(self) -> str:
        return self.shown.label


def gate_for(*, project: Project, stage: str) -> Gate:
    """The stored gate, or an unsaved one in its initial state (gates are stored on first action)."""
    return Gate.objects.filter(project=project, stage=stage).first() or _unsaved_gate(project, stage)


def gate_timeline(*, project: Project) -> list[TimelineStep]:
    """The eight gates in order with their state, approvers and latest sign-off (four queries)."""
    gates = {gate.stage: gate for gate in Gate.objects.filter(project=project)}
    for gate in gates.values():
        gate.project = project  # spares one query per gate for whoever reads gate.project next
    holders = project_role_holders(project=project)
    latest: dict[int, SignoffRequest] = {}
    for signoff in SignoffRequest.objects.filter(target_type__model="gate", project=project).order_by("id"):
        latest[signoff.target_id] = signoff
    steps = []
    for index, (stage, label) in enumerate(Stage.choices):
        gate = gates.get(stage) or _unsaved_gate(project, stage)
        spec = approvers_for(gate)
        steps.append(
            TimelineStep(
                number=index + 1,
                stage=stage,
                label=label,
                gate=gate,
                approvers=[
                    (Role(role).label, [person.display_name for person in holders.get(role, [])]) for role in spec.roles
                ]
                + [(person.display_name, [person.display_name]) for person in spec.people],
                signoff=latest.get(gate.pk) if gate.pk else None,
                current=stage == project.current_stage,
            )
        )
    return steps


def gates_by_project(*, projects) -> dict[int, list[Gate]]:
    """The eight gates of each of `projects` (a list), stored or initial, in stage order: one query."""
    stored: dict[tuple[int, str], Gate] = {}
    by_id = {project.pk: project for project in projects}
    for gate in Gate.objects.filter(project_id__in=list(by_id)):
        gate.project = by_id[gate.project_id]
        stored[(gate.project_id, gate.stage)] = gate
    return {
        project.pk: [stored.get((project.pk, stage)) or _unsaved_gate(project, stage) for stage in Stage.values]
        for project in projects
    }


def _unsaved_gate(project: Project, stage: str) -> Gate:
    initial = GateState.IN_PROGRESS if stage == project.current_stage else GateState.NOT_STARTED
    return Gate(project=project, stage=stage, state=initial)


def gate_history(*, gate: Gate) -> list[GateEvent]:
    if gate.pk is None:
        return []
    return list(gate.events.select_related("actor", "signoff").order_by("id"))


def gate_histories(*, project: Project) -> dict[int, list[GateEvent]]:
    """Every gate's history of the project, by gate id, in one query (for the gates list)."""
    histories: dict[int, list[GateEvent]] = defaultdict(list)
    for event in GateEvent.objects.filter(project=project).select_related("actor", "signoff").order_by("id"):
        histories[event.gate_id].append(event)
    return histories


@dataclass
class Certificate:
    """The sign-off a gate's certificate shows: the approval in force, or the last one, superseded."""

    signoff: SignoffRequest
    superseded_by: SignoffEvent | None  # the invalidation: the signed content changed after approval

    @property
    def superseded(self) -> bool:
        return self.superseded_by is not None


def gate_certificate(*, gate: Gate) -> Certificate | None:
    """The certificate to offer on the gate page (two queries), or None when the gate has none."""
    if gate.pk is None:
        return None
    signoff = (
        SignoffRequest.objects.filter(
            target_type__model="gate",
            target_id=gate.pk,
            state__in=[RequestState.APPROVED, RequestState.INVALIDATED],
        )
        .select_related("requested_by", "project")
        .order_by("-id")
        .first()
    )
    if signoff is None:
        return None
    if signoff.state == RequestState.INVALIDATED:
        return Certificate(signoff, signoff.events.filter(kind=EventKind.INVALIDATED).first())
    # An approval of a gate since reopened (by hand) is history, not a certificate in force.
    return Certificate(signoff, None) if states.refusal(gate, states.GateAction.CERTIFICATE) is None else None
