"""RACI pages and API through the permission suite (tests/permission_suite.py)."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from apps.projects import roles
from apps.projects.choices import Role, Stage
from apps.raci import services
from tests.permission_suite import api, assert_access, page, permission_cases

pytestmark = pytest.mark.django_db


def PERMISSION_OBJECTS(world):
    """The world's project has its default matrix (a project default); add a team activity."""
    matrix = world.project.raci_matrix
    team = services.raci_activity_create(
        actor=world.project.owner,
        matrix=matrix,
        name="Permission suite review",
        stage=Stage.EVALUATION,
        cells={Role.QA_ENGINEER: "R", Role.PRODUCT_OWNER: "A"},
    )
    gate_row = matrix.activities.get(kind="gate", stage=Stage.SCOPING)
    return {"raci_team": team, "raci_gate_row": gate_row}


GATE_ROW = {"pk": lambda w: w.raci_gate_row.pk}
TEAM = {"pk": lambda w: w.raci_team.pk}
CELL = {"role": Role.QA_ENGINEER, "letters": "I"}
NEW_ACTIVITY = {"name": "Vendor contract", "stage": Stage.SCOPING}


def _csv(world):
    return {"file": SimpleUploadedFile("raci.csv", b"Activity,QA / Test Engineer\nScoping gate,I\n", "text/csv")}


ENDPOINTS = [
    page("raci:matrix"),
    page("raci:by-role"),
    page("raci:by-person"),
    page("raci:export", fmt="csv"),
    page("raci:export", fmt="pdf"),
    page("raci:matrix-setup", "post", roles.MANAGE_RACI),
    page("raci:cell", "post", roles.MANAGE_RACI, data={"letters": "I"}, role=Role.QA_ENGINEER, **GATE_ROW),
    page("raci:activity-create", "get", roles.MANAGE_RACI),
    page("raci:activity-create", "post", roles.MANAGE_RACI, data=NEW_ACTIVITY),
    page("raci:activity-update", "get", roles.MANAGE_RACI, **TEAM),
    page("raci:activity-update", "post", roles.MANAGE_RACI, data={"name": "Renamed", "stage": "evaluation"}, **TEAM),
    page("raci:activity-delete", "post", roles.MANAGE_RACI, **TEAM),
    page("raci:import", "get", roles.MANAGE_RACI),
    page("raci:import", "post", roles.MANAGE_RACI, data=_csv),
    page("raci:submit", "get", roles.MANAGE_RACI),
    page("raci:submit", "post", roles.MANAGE_RACI, data={"due_on": "2099-01-01"}),
    api("raci-matrix-list"),
    api("raci-matrix-violations"),
    api("raci-matrix-by-role"),
    api("raci-matrix-by-person"),
    api("raci-matrix-export", file_format="xlsx"),
    api("raci-matrix-setup", "post", roles.MANAGE_RACI),
    api("raci-matrix-import-matrix", "post", roles.MANAGE_RACI, data=_csv),
    api("raci-matrix-submit", "post", roles.MANAGE_RACI, data={"note": "Please approve"}),
    api("raci-activity-list"),
    api("raci-activity-list", "post", roles.MANAGE_RACI, data=NEW_ACTIVITY),
    api("raci-activity-detail", **TEAM),
    api("raci-activity-detail", "patch", roles.MANAGE_RACI, data={"name": "Renamed"}, **TEAM),
    api("raci-activity-detail", "delete", roles.MANAGE_RACI, **TEAM),
    api("raci-activity-cells", "put", roles.MANAGE_RACI, data=CELL, **GATE_ROW),
]


@pytest.mark.parametrize(("endpoint", "who"), permission_cases(ENDPOINTS))
def test_raci_permissions(endpoint, who, permission_world):
    assert_access(endpoint, who, permission_world)
