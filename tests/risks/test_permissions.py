"""Risk register pages and API through the permission suite (tests/permission_suite.py)."""

import datetime

import pytest
from django.utils import timezone

from apps.projects import roles
from tests.permission_suite import api, assert_access, page, permission_cases

pytestmark = pytest.mark.django_db

RISK = {"risk_code": lambda w: w.risk.code}
NEW_RISK = {"title": "Label leakage", "category": "concept_drift", "impact": 3, "likelihood": 2}


def _acceptance(world):
    return {"expires_on": (timezone.localdate() + datetime.timedelta(days=30)).isoformat(), "note": "Capped impact"}


ENDPOINTS = [
    page("risks:risk-register"),
    page("risks:register-export", fmt="csv"),
    page("risks:risk-create", "get", roles.MANAGE_RISKS),
    page("risks:risk-create", "post", roles.MANAGE_RISKS, data=NEW_RISK),
    page("risks:risk-import", "get", roles.MANAGE_RISKS),
    page("risks:risk-import", "post", roles.MANAGE_RISKS),
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
