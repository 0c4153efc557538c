import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction

from apps.projects.choices import Role
from apps.raci import services
from apps.raci.models import RaciAssignment
from apps.raci.selectors import grid_build

from .conftest import activity


def test_default_matrix_has_a_row_per_gate_and_deliverable_and_no_violation_when_staffed(matrix):
    grid = grid_build(matrix=matrix)
    assert len(grid.rows) == 37
    assert grid.violations == []


def test_default_gate_row_follows_the_stage_approver_and_lead(matrix):
    row = next(r for r in grid_build(matrix=matrix).rows if r.activity.key == "gate:evaluation")
    assert row.accountable == Role.PRODUCT_OWNER
    assert row.responsible == [Role.DATA_SCIENTIST]
    assert "C" in row.cells[Role.ETHICS_REVIEWER]


def test_default_deliverable_row_makes_the_registry_owner_responsible(matrix):
    row = next(r for r in grid_build(matrix=matrix).rows if r.activity.key == "deliverable:project-charter")
    assert row.cells[Role.PRODUCT_OWNER] == "R"
    assert row.accountable == Role.EXECUTIVE_SPONSOR


def test_a_second_accountable_is_refused_by_the_service(matrix, staffed_project):
    gate = activity(matrix, "gate:evaluation")
    with pytest.raises(ValidationError, match="only one Accountable"):
        services.raci_cell_set(actor=staffed_project.owner, activity=gate, role=Role.DATA_SCIENTIST, letters="RA")
    assert grid_build(matrix=matrix).rows  # nothing changed
    assert RaciAssignment.objects.filter(activity=gate, letter="A").count() == 1


def test_the_database_refuses_a_second_accountable_too(matrix):
    gate = activity(matrix, "gate:evaluation")
    with pytest.raises(IntegrityError), transaction.atomic():
        RaciAssignment.objects.create(project=gate.project, activity=gate, role=Role.QA_ENGINEER, letter="A")


def test_moving_the_accountable_lists_the_gap_then_clears_it(matrix, staffed_project):
    gate = activity(matrix, "gate:evaluation")
    services.raci_cell_set(actor=staffed_project.owner, activity=gate, role=Role.PRODUCT_OWNER, letters="")
    row = next(r for r in grid_build(matrix=matrix).rows if r.activity.pk == gate.pk)
    assert row.violations == ["No role is Accountable: mark exactly one role A."]
    services.raci_cell_set(actor=staffed_project.owner, activity=gate, role=Role.QA_ENGINEER, letters="A")
    row = next(r for r in grid_build(matrix=matrix).rows if r.activity.pk == gate.pk)
    assert row.violations == [] and row.accountable == Role.QA_ENGINEER
    matrix.refresh_from_db()
    assert matrix.revision == 3


def test_an_unstaffed_accountable_role_and_a_missing_responsible_are_violations(registry):
    from tests.factories import ProjectFactory

    project = ProjectFactory()  # only a Product Owner
    matrix = services.raci_matrix_setup(actor=project.owner, project=project)
    row = next(r for r in grid_build(matrix=matrix).rows if r.activity.key == "gate:scoping")
    assert "Nobody holds the Accountable role, Executive Sponsor, on this project: add a member." in row.violations
    services.raci_cell_set(actor=project.owner, activity=row.activity, role=Role.PRODUCT_MANAGER, letters="")
    row = next(r for r in grid_build(matrix=matrix).rows if r.activity.key == "gate:scoping")
    assert "No role is Responsible: mark at least one role R." in row.violations


def test_letters_other_than_raci_are_refused(matrix, staffed_project):
    with pytest.raises(ValidationError, match="R, A, C and I only"):
        services.raci_cell_set(
            actor=staffed_project.owner, activity=activity(matrix, "gate:scoping"), role=Role.QA_ENGINEER, letters="X"
        )


def test_setup_is_idempotent(matrix, staffed_project):
    again = services.raci_matrix_setup(actor=staffed_project.owner, project=staffed_project)
    assert again.pk == matrix.pk and again.activities.count() == 37 and again.revision == 1
