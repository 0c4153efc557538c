"""Risk register pages and API through the permission suite (tests/permission_suite.py)."""

import datetime

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from apps.projects import roles
from apps.projects.choices import Role
from apps.risks.importing import EXAMPLE_FILE, risk_import_start
from tests.permission_suite import api, assert_access, page, permission_cases

pytestmark = pytest.mark.django_db

RISK = {"risk_code": lambda w: w.risk.code}
NEW_RISK = {"title": "Label leakage", "category": "concept_drift", "impact": 3, "likelihood": 2}
IMPORT = {"pk": lambda w: w.risk_import.pk}
# Confirm and cancel: the uploader (here the Product Owner) or a Product Owner, among those who manage risks.
DECIDERS = {Role.PRODUCT_OWNER}


def PERMISSION_OBJECTS(world):  # noqa: N802 - the name the permission suite looks for
    upload = SimpleUploadedFile(EXAMPLE_FILE.name, EXAMPLE_FILE.read_bytes())
    return {"risk_import": risk_import_start(actor=world.project.owner, project=world.project, upload=upload)}


def _acceptance(world):
    return {"expires_on": (timezone.localdate() + datetime.timedelta(days=30)).isoformat(), "note": "Capped impact"}


ENDPOINTS = [
    page("risks:risk-register"),
    page("risks:register-export", fmt="csv"),
    page("risks:risk-create", "get", roles.MANAGE_RISKS),
    page("risks:risk-create", "post", roles.MANAGE_RISKS, data=NEW_RISK),
    page("risks:risk-import", "get", roles.MANAGE_RISKS),
    page("risks:risk-import", "post", roles.MANAGE_RISKS),
    page("risks:import-detail", **IMPORT),
    page("risks:import-confirm", "post", roles.MANAGE_RISKS, allowed_roles=DECIDERS, **IMPORT),
    page("risks:import-cancel", "post", roles.MANAGE_RISKS, allowed_roles=DECIDERS, **IMPORT),
    page("risks:register-settings", "get", roles.GOVERN_RISKS),
    page("risks:register-settings", "post", roles.GOVERN_RISKS, data={"acceptance_threshold": 6}),
    page("risks:risk-detail", **RISK),
    page("risks:risk-update", "get", roles.MANAGE_RISKS, **RISK),
    page("risks:risk-update", "post", roles.MANAGE_RISKS, data={"title": "Renamed"}, **RISK),
    page("risks:risk-delete", "get", roles.GOVERN_RISKS, **RISK),
    page("risks:risk-delete", "post", roles.GOVERN_RISKS, **RISK),
    page("risks:risk-review", "post", roles.MANAGE_RISKS, data={"note": "Still holds"}, **RISK),
    page("risks:risk-accept", "get", roles.MANAGE_RISKS, **RISK),
    page("risks:risk-accept", "post", roles.MANAGE_RISKS, data=_acceptance, **RISK),
    api("project-risk-list"),
    api("project-risk-list", "post", roles.MANAGE_RISKS, data=NEW_RISK),
    api("project-risk-import-register", "post", roles.MANAGE_RISKS),
    api("project-risk-import-detail", **IMPORT),
    api("project-risk-import-confirm", "post", roles.MANAGE_RISKS, allowed_roles=DECIDERS, **IMPORT),
    api("project-risk-import-cancel", "post", roles.MANAGE_RISKS, allowed_roles=DECIDERS, **IMPORT),
    api("project-risk-detail", **RISK),
    api("project-risk-detail", "put", roles.MANAGE_RISKS, data=NEW_RISK, **RISK),
    api("project-risk-detail", "patch", roles.MANAGE_RISKS, data={"title": "Renamed"}, **RISK),
    api("project-risk-detail", "delete", roles.GOVERN_RISKS, **RISK),
    api("project-risk-accept", "post", roles.MANAGE_RISKS, data=_acceptance, **RISK),
    api("project-risk-reviews", **RISK),
    api("project-risk-reviews", "post", roles.MANAGE_RISKS, data={"note": "Still holds"}, **RISK),
]


@pytest.mark.parametrize(("endpoint", "who"), permission_cases(ENDPOINTS))
def test_risk_register_permissions(endpoint, who, permission_world):
    assert_access(endpoint, who, permission_world)
