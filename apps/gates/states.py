"""The stage gate's state machine, in one place.

Services ask `transition(gate, action)` before they act (it refuses with the
reason) and templates ask `available_actions(gate, perms)` which buttons to
show; nobody else compares gate states.

    not started / in progress / reopened --submit--> awaiting sign-off
    awaiting sign-off --approve--> approved
    awaiting sign-off --reject / withdraw--> in progress
    approved --reopen / invalidate--> reopened
    Go / No-Go criteria (Scoping) and decision (Feasibility) change while the gate is not
    awaiting sign-off or approved; the state stays.
"""

from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.db import models

from apps.projects import roles
from apps.projects.choices import Stage

from .choices import GateState


class GateAction(models.TextChoices):
    SUBMIT = "submit", "Submit for sign-off"
    WITHDRAW = "withdraw", "Withdraw the submission"
    APPROVE = "approve", "Approve"
    REJECT = "reject", "Reject"
    INVALIDATE = "invalidate", "Invalidate the sign-off"
    REOPEN = "reopen", "Reopen"
    RECORD_DECISION = "decision", "Record the Go / No-Go decision"
    EDIT_CRITERIA = "criteria", "Write the Go / No-Go criteria"
    CERTIFICATE = "certificate", "Download the sign-off certificate"


OPEN_FOR_WORK = frozenset({GateState.NOT_STARTED, GateState.IN_PROGRESS, GateState.REOPENED, GateState.REJECTED})


@dataclass(frozen=True)
class Transition:
    sources: frozenset[str]
    target: str | None  # None: the state does not change
    permission: str  # the project permission a person needs to ask for it on the gate page
    refusal: str  # said when the gate is in another state ({state} is its label)
    stage: str | None = None  # only this stage's gate has the action
    wrong_stage: str = ""


TRANSITIONS: dict[str, Transition] = {
    GateAction.SUBMIT: Transition(
        OPEN_FOR_WORK,
        GateState.AWAITING_SIGNOFF,
        roles.MANAGE_GATES,
        "The gate is {state}; it cannot be submitted again.",
    ),
    # Withdrawing and deciding happen on the sign-off request; the engine checks who may.
    GateAction.WITHDRAW: Transition(
        frozenset({GateState.AWAITING_SIGNOFF}), GateState.IN_PROGRESS, roles.VIEW, "The gate is {state}."
    ),
    GateAction.APPROVE: Transition(
        frozenset({GateState.AWAITING_SIGNOFF}), GateState.APPROVED, roles.VIEW, "The gate is {state}."
    ),
    GateAction.REJECT: Transition(
        frozenset({GateState.AWAITING_SIGNOFF}), GateState.IN_PROGRESS, roles.VIEW, "The gate is {state}."
    ),
    GateAction.INVALIDATE: Transition(
        frozenset({GateState.APPROVED}), GateState.REOPENED, roles.VIEW, "Only an approved gate can be invalidated."
    ),
    GateAction.REOPEN: Transition(
        frozenset({GateState.APPROVED}),
        GateState.REOPENED,
        roles.MANAGE_GATES,
        "Only an approved gate can be reopened (withdraw a pending submission instead).",
    ),
    GateAction.RECORD_DECISION: Transition(
        OPEN_FOR_WORK,
        None,
        roles.MANAGE_GATES,
        "Reopen the gate before changing its decision.",
        Stage.FEASIBILITY,
        "The Go / No-Go decision belongs to the Feasibility gate.",
    ),
    GateAction.EDIT_CRITERIA: Transition(
        OPEN_FOR_WORK,
        None,
        roles.MANAGE_GATES,
        "The gate is {state}: withdraw or wait for the decision, or reopen it, before editing.",
        Stage.SCOPING,
        "Go / No-Go criteria are written at Scoping.",
    ),
    GateAction.CERTIFICATE: Transition(
        frozenset({GateState.APPROVED}), None, roles.VIEW, "Only an approved gate has a certificate."
    ),
}


def refusal(gate, action: str) -> str | None:
    """Why `action` cannot be taken on `gate` in its current state and stage, or None."""
    rule = TRANSITIONS[action]
    if rule.stage is not None and gate.stage != rule.stage:
        return rule.wrong_stage
    if gate.state not in rule.sources:
        return rule.refusal.format(state=GateState(gate.state).label.lower())
    return None


def transition(gate, action: str) -> str:
    """The state `action` moves `gate` to (its current state when the action keeps it); refuses otherwise."""
    reason = refusal(gate, action)
    if reason:
        raise ValidationError(reason)
    return TRANSITIONS[action].target or gate.state


def available_actions(gate, perms) -> set[str]:
    """The actions whose state, stage and permission allow them now, for someone holding `perms`."""
    return {
        action for action, rule in TRANSITIONS.items() if rule.permission in perms and refusal(gate, action) is None
    }


@dataclass(frozen=True)
class ShownState:
    """How a gate's state reads wherever it is shown (the gate page's badge, the timeline, the API)."""

    key: str  # a GateState value, or PASSED_UNRECORDED (CSS: badge-gate-<key>)
    label: str


PASSED_UNRECORDED = "passed_unrecorded"


def shown_state(gate) -> ShownState:
    """The one wording of a gate's state. A gate of a stage the project has left without an approval (it was
    passed before gates were tracked, or an administrator set the stage) reads "Passed — no sign-off on record"."""
    never_signed = gate.state in (GateState.NOT_STARTED, GateState.IN_PROGRESS)
    if never_signed and gate.stage_index < gate.project.stage_index:
        return ShownState(PASSED_UNRECORDED, "Passed — no sign-off on record")
    return ShownState(gate.state, GateState(gate.state).label)


def is_approved(gate) -> bool:
    return gate.state == GateState.APPROVED


def is_awaiting_signoff(gate) -> bool:
    return gate.state == GateState.AWAITING_SIGNOFF
