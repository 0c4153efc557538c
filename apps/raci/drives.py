"""What the matrix drives outside itself, plugged in from RaciConfig.ready():

* gate approvers: the members of a gate's Accountable role (apps.signoffs.approvers provider);
* Consulted roles are notified when a gate is submitted, Informed roles when it is decided
  (apps.signoffs.lifecycle listeners, notification category "raci");
* deliverable owners default to the Responsible role's members (apps.deliverables.owners provider).

Each reads the live matrix: change it and the next request follows. An open request keeps the
approvers it was made with; its `approvers_source` names the matrix revision it came from.
"""

from apps.gates.models import Gate
from apps.notifications.services import notify
from apps.projects.choices import Role, Stage
from apps.projects.selectors import project_members
from apps.signoffs.approvers import ApproverSpec
from apps.signoffs.choices import Policy, RequestState

from .choices import ActivityKind, Letter
from .models import RaciAssignment

NOTIFICATION_CATEGORY = "raci"


_GATE_CELLS = "_raci_gate_cells"


def _gate_cells(project) -> dict[str, tuple[dict[str, set[str]], int]]:
    """stage -> (role -> letters of its gate row, matrix revision), in one query."""
    cells: dict[str, tuple[dict[str, set[str]], int]] = {}
    assignments = RaciAssignment.objects.filter(
        activity__matrix__project=project, activity__kind=ActivityKind.GATE
    ).values_list("activity__stage", "role", "letter", "activity__matrix__revision")
    for stage, role, letter, revision in assignments:
        cells.setdefault(stage, ({}, revision))[0].setdefault(role, set()).add(letter)
    return cells


def _gate_letters(gate, *, cached: bool = False) -> tuple[dict[str, set[str]], int | None]:
    """role -> letters of the gate's row, and the matrix revision (None without a matrix or cells).

    `cached`: keep the project's gate rows on the project instance, so the gates list and the lifecycle
    timeline (one project instance shared by eight gates) ask the database once. Writers never reuse
    that instance: they lock and read the matrix afresh.
    """
    project = gate.project
    if cached:
        if _GATE_CELLS not in project.__dict__:
            project.__dict__[_GATE_CELLS] = _gate_cells(project)
        cells = project.__dict__[_GATE_CELLS]
    else:
        cells = _gate_cells(project)
    return cells.get(gate.stage, ({}, None))


def gate_approvers(gate: Gate) -> ApproverSpec | None:
    """The gate's Accountable role signs it off. None (the stage default applies) without a matrix or an A."""
    letters, revision = _gate_letters(gate, cached=True)
    accountable = [role for role, held in letters.items() if Letter.ACCOUNTABLE in held]
    if len(accountable) != 1:
        return None
    role = Role(accountable[0])
    return ApproverSpec(
        roles=(role.value,),
        policy=Policy.ALL,
        source=f"RACI matrix revision {revision}: {role.label} is Accountable for the {gate.get_stage_display()} gate",
    )


def _roles_with(letters: dict[str, set[str]], letter: str) -> list[str]:
    return [role for role in Role.values if letter in letters.get(role, set())]


def gate_signoff_requested(signoff) -> None:
    """Ask the gate's Consulted roles for their input (the approvers are asked by the engine)."""
    gate = signoff.target
    letters, _ = _gate_letters(gate)
    consulted = _roles_with(letters, Letter.CONSULTED)
    if not consulted:
        return
    recipients = project_members(project=gate.project, roles=consulted).exclude(pk=signoff.requested_by_id)
    stage = Stage(gate.stage).label
    notify(
        recipients=recipients,
        category=NOTIFICATION_CATEGORY,
        kind="raci-gate-consulted",
        subject=f"Consulted: the {stage} gate of {gate.project.name} is submitted for sign-off",
        body=(
            f"The RACI matrix of {gate.project.name} names your role as Consulted for the {stage} gate. "
            f"It was submitted for sign-off by {signoff.requested_by.display_name}, due {signoff.due_on:%d %b %Y}. "
            "Tell the approvers what they should know before they decide."
        ),
        target=signoff,
        project=gate.project,
        url=signoff.get_absolute_url(),
    )


def gate_signoff_closed(signoff, state: str) -> None:
    """Tell the gate's Informed roles how it was decided (approved or rejected; not withdrawals)."""
    if state not in (RequestState.APPROVED, RequestState.REJECTED):
        return
    gate = signoff.target
    letters, _ = _gate_letters(gate)
    informed = _roles_with(letters, Letter.INFORMED)
    if not informed:
        return
    stage = Stage(gate.stage).label
    outcome = "approved" if state == RequestState.APPROVED else "rejected"
    notify(
        recipients=project_members(project=gate.project, roles=informed),
        category=NOTIFICATION_CATEGORY,
        kind="raci-gate-informed",
        subject=f"Informed: the {stage} gate of {gate.project.name} was {outcome}",
        body=(
            f"The RACI matrix of {gate.project.name} names your role as Informed for the {stage} gate. "
            f"Its sign-off was {outcome}."
        ),
        target=signoff,
        project=gate.project,
        url=gate.get_absolute_url(),
    )


def deliverable_owner_roles(project) -> dict[str, list[str]]:
    """Deliverable key -> its Responsible roles in the project's matrix (the owner is one of their members)."""
    owners: dict[str, list[str]] = {}
    assignments = RaciAssignment.objects.filter(
        activity__matrix__project=project, activity__kind=ActivityKind.DELIVERABLE, letter=Letter.RESPONSIBLE
    ).values_list("activity__deliverable__key", "role")
    for key, role in assignments:
        owners.setdefault(key, []).append(role)
    return {key: sorted(roles, key=Role.values.index) for key, roles in owners.items()}
