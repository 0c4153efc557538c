"""Writes to RACI matrices. The browser, the API, the import and the admin all come through here.

Every write locks the project row, then the matrix row, before its first audited
write (one lock order everywhere, see apps.projects.services.project_lock),
applies the rules of `rules.py`, bumps the matrix's revision when something
changed, and asks the sign-off engine whether an approval of the
matrix still holds (`signoff_check_current`, same transaction): a change after
approval invalidates it.
"""

import datetime

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone

from apps.audit.services import audit_bulk_create
from apps.core.permissions import object_perms
from apps.deliverables.models import Deliverable
from apps.projects import roles
from apps.projects.choices import Role, Stage
from apps.projects.models import STAGE_ORDER, Project
from apps.projects.services import ensure_project_writable, project_lock
from apps.signoffs import services as signoff_services
from apps.signoffs.choices import RequestState
from apps.signoffs.models import SignoffRequest

from . import defaults
from .choices import ActivityKind, Letter
from .models import RaciActivity, RaciAssignment, RaciMatrix
from .rules import two_accountables_message
from .selectors import approval_requests, grid_build

DEFAULT_APPROVAL_DAYS = 7
MAX_ACTIVITIES = 200


def check_manager(actor, project: Project) -> None:
    if roles.MANAGE_RACI not in object_perms(actor, project):
        raise PermissionDenied("Only the Product Owner or Product Manager edits the RACI matrix.")


def lock_matrix(matrix: RaciMatrix) -> RaciMatrix:
    """The matrix row, locked; the project row first (one lock order everywhere: see project_lock)."""
    project_lock(matrix.project_id)
    return RaciMatrix.objects.select_for_update().select_related("project").get(pk=matrix.pk)


def check_editable(matrix: RaciMatrix) -> None:
    ensure_project_writable(matrix.project)
    if SignoffRequest.objects.filter(
        target_type__app_label="raci", target_type__model="racimatrix", target_id=matrix.pk, state=RequestState.OPEN
    ).exists():
        raise ValidationError("The matrix is awaiting approval: withdraw the request before changing it.")


def matrix_changed(matrix: RaciMatrix) -> None:
    """After a change: a new revision, and an approval of the old content no longer holds."""
    matrix.revision += 1
    matrix.save(update_fields=["revision", "updated_at"])
    signoff_services.signoff_check_current(target=matrix)


def parse_letters(value: str) -> set[str]:
    """'R/A', 'ra', 'A, R' -> {'R', 'A'}; anything but R, A, C, I is refused."""
    letters = {char for char in (value or "").upper() if not char.isspace() and char not in "/,+;-"}
    unknown = sorted(letters - set(Letter.values))
    if unknown:
        raise ValidationError({"letters": f"“{value}” is not RACI: use R, A, C and I only (e.g. “RA”)."})
    return letters


def write_cell(activity: RaciActivity, role: str, letters: set[str], *, current=None) -> bool:
    """Make the role's letters for the activity exactly `letters` (one audited row per letter).

    `current`: the activity's assignments when the caller already holds them (the import).
    """
    if current is None:
        current = RaciAssignment.objects.filter(activity=activity, role=role)
    held = {a.letter: a for a in current if a.role == role}
    for letter in set(held) - letters:
        held[letter].delete()
    for letter in sorted(letters - set(held), key=Letter.values.index):
        assignment = RaciAssignment(project_id=activity.project_id, activity=activity, role=role, letter=letter)
        assignment.full_clean(validate_constraints=False)  # the constraints are the database's (and checked above)
        assignment.save()
    return set(held) != letters


# --- The default matrix ----------------------------------------------------------------


def stage_position(stage: str, offset: int) -> int:
    return STAGE_ORDER.index(stage) * 1000 + offset


@transaction.atomic
def raci_matrix_setup(*, actor, project: Project) -> RaciMatrix:
    """Give the project its matrix with a row per gate and per registry deliverable, filled with the
    guide's defaults (apps/raci/defaults.py). Idempotent: existing rows and cells are left alone."""
    ensure_project_writable(project)
    project_lock(project.pk)  # before the first audited write (the matrix's creation)
    matrix, _ = RaciMatrix.objects.get_or_create(project=project)
    matrix = lock_matrix(matrix)
    have = {(a.kind, a.stage if a.kind == ActivityKind.GATE else a.deliverable_id) for a in matrix.activities.all()}
    wanted = [(ActivityKind.GATE, stage, None) for stage in Stage.values]
    wanted += [(ActivityKind.DELIVERABLE, d.primary_stage, d) for d in Deliverable.objects.all()]
    activities = []
    for kind, stage, deliverable in wanted:
        if (kind, stage if deliverable is None else deliverable.pk) in have:
            continue
        activity = RaciActivity(
            project=project,
            matrix=matrix,
            kind=kind,
            stage=stage,
            deliverable=deliverable,
            name=deliverable.name if deliverable else f"{Stage(stage).label} gate",
            position=stage_position(stage, deliverable.position if deliverable else 900),
        )
        # The related rows are the ones just read or locked: checking each foreign key would cost a query.
        activity.full_clean(exclude=["project", "matrix", "deliverable"], validate_constraints=False)
        activities.append(activity)
    # In bulk (some 300 rows for a new project), each row still audited: see audit_bulk_create.
    assignments = []
    for activity in audit_bulk_create(RaciActivity, activities):
        cells = (
            defaults.deliverable_cells(activity.deliverable)
            if activity.deliverable
            else defaults.gate_cells(activity.stage)
        )
        for role, letters in cells.items():
            for letter in sorted(letters, key=Letter.values.index):
                assignments.append(RaciAssignment(project=project, activity=activity, role=role, letter=letter))
    # The cells are the guide's defaults, not input; the database's constraints (known role and
    # letter, one Accountable) refuse a wrong default and the transaction saves nothing.
    audit_bulk_create(RaciAssignment, assignments)
    added = bool(activities)
    if added and have:  # a registry deliverable arrived after the matrix was made
        matrix_changed(matrix)
    return matrix


def apply_project_default(*, actor, project: Project) -> None:
    """New projects start with the default matrix (registered with the project defaults, order 30)."""
    raci_matrix_setup(actor=actor, project=project)


# --- Cells and activities -------------------------------------------------------------


@transaction.atomic
def raci_cell_set(*, actor, activity: RaciActivity, role: str, letters: str | set[str]) -> RaciActivity:
    """Set what `role` does for `activity` (any of R, A, C, I). A second Accountable is refused."""
    matrix = lock_matrix(activity.matrix)
    check_manager(actor, matrix.project)
    check_editable(matrix)
    if role not in Role.values:
        raise ValidationError({"role": f"“{role}” is not a project role."})
    wanted = parse_letters(letters) if isinstance(letters, str) else set(letters)
    activity = RaciActivity.objects.select_related("deliverable").get(pk=activity.pk, matrix=matrix)
    if Letter.ACCOUNTABLE in wanted:
        other = (
            RaciAssignment.objects.filter(activity=activity, letter=Letter.ACCOUNTABLE)
            .exclude(role=role)
            .values_list("role", flat=True)
            .first()
        )
        if other:
            raise ValidationError({"letters": two_accountables_message(activity.name, [other, role])})
    if write_cell(activity, role, wanted):
        matrix_changed(matrix)
        if activity.kind == ActivityKind.DELIVERABLE:
            _refresh_deliverable_owners(actor=actor, project=matrix.project)
    return activity


def _refresh_deliverable_owners(*, actor, project: Project) -> None:
    """Unowned deliverables take their (new) Responsible role's member as owner."""
    from apps.deliverables.services import project_deliverables_setup

    project_deliverables_setup(actor=actor, project=project)


def _clean_name(matrix: RaciMatrix, name: str, *, exclude: int | None = None) -> str:
    name = " ".join((name or "").split())
    if not name:
        raise ValidationError({"name": "Name the activity."})
    if len(name) > 200:
        raise ValidationError({"name": "Keep the name under 200 characters."})
    clash = RaciActivity.objects.filter(matrix=matrix, name__iexact=name).exclude(pk=exclude)
    if clash.exists():
        raise ValidationError({"name": f"The matrix already has an activity called “{name}”."})
    return name


def _clean_stage(stage: str) -> str:
    if stage not in Stage.values:
        raise ValidationError({"stage": f"“{stage}” is not a lifecycle stage."})
    return stage


@transaction.atomic
def raci_activity_create(
    *, actor, matrix: RaciMatrix, name: str, stage: str, cells: dict[str, str] | None = None
) -> RaciActivity:
    """Add a team activity (e.g. "Red-team review") to a stage; it starts empty unless `cells` are given."""
    matrix = lock_matrix(matrix)
    check_manager(actor, matrix.project)
    check_editable(matrix)
    if matrix.activities.count() >= MAX_ACTIVITIES:
        raise ValidationError(f"A matrix holds at most {MAX_ACTIVITIES} activities.")
    last = matrix.activities.filter(kind=ActivityKind.CUSTOM, stage=_clean_stage(stage)).count()
    activity = RaciActivity(
        project=matrix.project,
        matrix=matrix,
        kind=ActivityKind.CUSTOM,
        stage=stage,
        name=_clean_name(matrix, name),
        position=stage_position(stage, 950 + last),
    )
    activity.full_clean(validate_constraints=False)
    activity.save()
    cells = {role: parse_letters(value) for role, value in (cells or {}).items()}
    accountable = [role for role, letters in cells.items() if Letter.ACCOUNTABLE in letters]
    if len(accountable) > 1:
        raise ValidationError({"cells": two_accountables_message(activity.name, accountable)})
    for role, letters in cells.items():
        if role not in Role.values:
            raise ValidationError({"cells": f"“{role}” is not a project role."})
        write_cell(activity, role, letters)
    matrix_changed(matrix)
    return activity


@transaction.atomic
def raci_activity_update(*, actor, activity: RaciActivity, name: str, stage: str) -> RaciActivity:
    """Rename a team activity or move it to another stage (gate and deliverable rows are fixed)."""
    matrix = lock_matrix(activity.matrix)
    check_manager(actor, matrix.project)
    check_editable(matrix)
    activity = RaciActivity.objects.get(pk=activity.pk, matrix=matrix)
    if not activity.is_custom:
        raise ValidationError("Gate and deliverable rows come from the lifecycle; only team activities change.")
    name, stage = _clean_name(matrix, name, exclude=activity.pk), _clean_stage(stage)
    if (name, stage) != (activity.name, activity.stage):
        if stage != activity.stage:
            activity.position = stage_position(stage, 950 + matrix.activities.filter(stage=stage).count())
        activity.name, activity.stage = name, stage
        activity.full_clean(validate_constraints=False)
        activity.save()
        matrix_changed(matrix)
    return activity


@transaction.atomic
def raci_activity_delete(*, actor, activity: RaciActivity) -> None:
    """Remove a team activity and its cells."""
    matrix = lock_matrix(activity.matrix)
    check_manager(actor, matrix.project)
    check_editable(matrix)
    activity = RaciActivity.objects.get(pk=activity.pk, matrix=matrix)
    if not activity.is_custom:
        raise ValidationError("Gate and deliverable rows come from the lifecycle and cannot be removed.")
    for assignment in activity.assignments.all():
        assignment.delete()  # one by one, so that each is audited
    activity.delete()
    matrix_changed(matrix)


# --- Approval --------------------------------------------------------------------------


@transaction.atomic
def raci_matrix_submit(
    *, actor, matrix: RaciMatrix, due_on: datetime.date | None = None, note: str = ""
) -> SignoffRequest:
    """Ask the Executive Sponsor and the Product Owner to approve the matrix; refused while it breaks a rule."""
    matrix = lock_matrix(matrix)
    check_manager(actor, matrix.project)
    grid = grid_build(matrix=matrix)
    if grid.violations:
        first = grid.violations[0]
        raise ValidationError(
            f"The matrix breaks {grid.violation_count} rule(s) and cannot be approved yet; "
            f"first: “{first.activity.name}”: {first.violations[0]}"
        )
    return signoff_services.signoff_request(
        actor=actor,
        target=matrix,
        due_on=due_on or timezone.localdate() + datetime.timedelta(days=DEFAULT_APPROVAL_DAYS),
        note=note,
    )


def matrix_approval_state(*, matrix: RaciMatrix) -> dict:
    """The latest request and what it means for the page: approved / awaiting / invalidated / never."""
    requests = approval_requests(matrix=matrix)
    latest = requests[0] if requests else None
    return {"latest": latest, "requests": requests}
