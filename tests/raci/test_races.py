"""Concurrent editors on real PostgreSQL: the matrix row lock and the partial unique constraint."""

import pytest
from django.core.exceptions import ValidationError
from django.db import connection

from apps.projects.choices import Role
from apps.raci import services
from apps.raci.models import RaciAssignment
from tests.concurrency import race

from .conftest import activity

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]


@pytest.fixture(autouse=True)
def postgres_only():
    if connection.vendor != "postgresql":
        pytest.skip("row-lock races need PostgreSQL (SQLite serialises writers by locking the whole file)")


def test_two_editors_marking_different_accountables_at_once_leave_exactly_one(matrix, staffed_project):
    gate = activity(matrix, "gate:evaluation")
    services.raci_cell_set(actor=staffed_project.owner, activity=gate, role=Role.PRODUCT_OWNER, letters="")
    candidates = [Role.QA_ENGINEER, Role.ETHICS_REVIEWER, Role.DATA_SCIENTIST, Role.DOMAIN_SME]
    errors = race(
        *[
            lambda role=role: services.raci_cell_set(actor=staffed_project.owner, activity=gate, role=role, letters="A")
            for role in candidates
        ]
    )
    assert len(errors) == len(candidates) - 1
    assert all(isinstance(error, ValidationError) for error in errors)  # refused by the rule, not a crash
    assert RaciAssignment.objects.filter(activity=gate, letter="A").count() == 1
    matrix.refresh_from_db()
    assert matrix.revision == 3
