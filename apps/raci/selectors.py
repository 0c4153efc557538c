"""Reads of RACI matrices. Views resolve the project through ProjectAccessMixin (404 for outsiders)."""

from collections import defaultdict
from dataclasses import dataclass, field

from django.contrib.contenttypes.models import ContentType
from django.db.models import Prefetch

from apps.gates.models import Gate
from apps.projects.choices import Role
from apps.projects.models import Membership, Project
from apps.signoffs.choices import RequestState
from apps.signoffs.models import SignoffRequest

from .choices import ActivityKind, Letter, spell
from .models import RaciActivity, RaciAssignment, RaciMatrix
from .rules import accountable_roles, activity_violations, responsible_roles


@dataclass
class ActivityRow:
    """One row of the grid: the activity, its cells (role -> "RA"), and what breaks the rules."""

    activity: RaciActivity
    cells: dict[str, str]
    violations: list[str]

    @property
    def accountable(self) -> str | None:
        roles = accountable_roles(self.cells)
        return roles[0] if len(roles) == 1 else None

    @property
    def responsible(self) -> list[str]:
        return responsible_roles(self.cells)

    def cell_list(self) -> list[tuple[Role, str]]:
        """(role, letters) for every role, in column order."""
        return [(role, self.cells.get(role.value, "")) for role in Role]


@dataclass
class Grid:
    """The whole matrix as the pages, exports and the approval read it."""

    matrix: RaciMatrix
    rows: list[ActivityRow]
    members: dict[str, list] = field(default_factory=dict)  # role -> users holding it

    @property
    def staffed(self) -> set[str]:
        return {role for role, users in self.members.items() if users}

    @property
    def violations(self) -> list[ActivityRow]:
        return [row for row in self.rows if row.violations]

    @property
    def violation_count(self) -> int:
        return sum(len(row.violations) for row in self.rows)

    def stages(self) -> list[tuple[str, list[ActivityRow]]]:
        """Rows grouped by stage, in lifecycle order, for the grid's stage header rows."""
        groups: dict[str, list[ActivityRow]] = {}
        for row in self.rows:
            groups.setdefault(row.activity.stage, []).append(row)
        return list(groups.items())

    def snapshot(self) -> dict:
        """What an approval of the matrix covers: every activity's name, stage and cells."""
        return {
            row.activity.key: {
                "name": row.activity.name,
                "stage": row.activity.stage,
                "cells": {role: letters for role, letters in sorted(row.cells.items()) if letters},
            }
            for row in self.rows
        }


def role_members(*, project: Project) -> dict[str, list]:
    """role -> active members holding it, by name (one query)."""
    members: dict[str, list] = {role: [] for role in Role.values}
    memberships = Membership.objects.filter(project=project, user__is_active=True).select_related("user")
    for membership in sorted(memberships, key=lambda m: m.user.display_name.lower()):
        members[membership.role].append(membership.user)
    return members


def matrix_get(*, project: Project) -> RaciMatrix | None:
    return RaciMatrix.objects.filter(project=project).select_related("project").first()


def grid_build(*, matrix: RaciMatrix, stage: str | None = None) -> Grid:
    """The matrix's rows with their cells and violations, in three queries whatever its size."""
    activities = (
        RaciActivity.objects.filter(matrix=matrix)
        .select_related("deliverable")
        .prefetch_related(Prefetch("assignments", RaciAssignment.objects.only("activity_id", "role", "letter")))
    )
    if stage:
        activities = activities.filter(stage=stage)
    members = role_members(project=matrix.project)
    staffed = {role for role, users in members.items() if users}
    rows = []
    for activity in sorted(activities, key=lambda a: a.sort_key):
        letters: dict[str, set[str]] = defaultdict(set)
        for assignment in activity.assignments.all():
            letters[assignment.role].add(assignment.letter)
        cells = {role: spell(held) for role, held in letters.items()}
        rows.append(ActivityRow(activity=activity, cells=cells, violations=activity_violations(cells, staffed)))
    return Grid(matrix=matrix, rows=rows, members=members)


def by_role(*, grid: Grid) -> list[dict]:
    """Per role: the activities it is Accountable, Responsible, Consulted and Informed for."""
    result = []
    for role in Role:
        buckets = {letter: [] for letter in Letter}
        for row in grid.rows:
            for letter in row.cells.get(role.value, ""):
                buckets[Letter(letter)].append(row)
        result.append({"role": role, "members": grid.members.get(role.value, []), "buckets": buckets})
    return result


def by_person(*, grid: Grid) -> list[dict]:
    """Per member: their roles and, through them, what they are Accountable, Responsible... for."""
    people: dict[int, dict] = {}
    for role, users in grid.members.items():
        for user in users:
            empty = {"user": user, "roles": [], "buckets": {letter: [] for letter in Letter}}
            entry = people.setdefault(user.pk, empty)
            entry["roles"].append(Role(role))
    for entry in people.values():
        for row in grid.rows:
            for letter in Letter:
                via = [role for role in entry["roles"] if letter.value in row.cells.get(role.value, "")]
                if via:
                    entry["buckets"][letter].append((row, via))
    return sorted(people.values(), key=lambda e: e["user"].display_name.lower())


def approval_requests(*, matrix: RaciMatrix) -> list[SignoffRequest]:
    """The matrix's sign-off requests, newest first."""
    return list(
        SignoffRequest.objects.filter(target_type=ContentType.objects.get_for_model(RaciMatrix), target_id=matrix.pk)
        .select_related("requested_by")
        .order_by("-id")
    )


def gate_routes(*, grid: Grid) -> list[dict]:
    """Per gate: who its next submission asks (the Accountable role's members) and, when a request
    is open, whom that request asked: it keeps the approvers of the matrix it was made under."""
    gates = {gate.pk: gate for gate in Gate.objects.filter(project=grid.matrix.project)}
    open_requests = (
        SignoffRequest.objects.filter(
            target_type=ContentType.objects.get_for_model(Gate), target_id__in=list(gates), state=RequestState.OPEN
        )
        .prefetch_related("approvers")
        .order_by("id")
    )
    open_by_stage = {gates[request.target_id].stage: request for request in open_requests}
    routes = []
    for row in grid.rows:
        if row.activity.kind != ActivityKind.GATE:
            continue
        stage = row.activity.stage
        accountable = row.accountable
        request = open_by_stage.get(stage)
        asked = [slot.role for slot in request.approvers.all() if slot.role] if request else []
        routes.append(
            {
                "row": row,
                "accountable": Role(accountable) if accountable else None,
                "members": grid.members.get(accountable, []) if accountable else [],
                "open_request": request,
                "asked": [Role(role) for role in asked],
                "differs": bool(request) and asked != [accountable],
            }
        )
    return routes
