"""Stage gate pages and API through the permission suite (tests/permission_suite.py).

The world's Scoping gate is approved: reads include its certificate, writes reopen it.
"""

import pytest

from apps.projects import roles
from tests.permission_suite import api, assert_access, page, permission_cases

pytestmark = pytest.mark.django_db

GATE = {"stage": lambda w: w.gate_stage}
REOPEN = {"reason": "The evaluation data changed"}

ENDPOINTS = [
    page("gates:gate-detail", **GATE),
    page("gates:gate-detail", "post", roles.MANAGE_GATES, data={"action": "reopen", **REOPEN}, **GATE),
    page("gates:gate-certificate", **GATE),
    api("project-gate-list"),
    api("project-gate-detail", **GATE),
    api("project-gate-criteria", "post", roles.MANAGE_GATES, data={"go_no_go_criteria": "AUC >= 0.8"}, **GATE),
    api(
        "project-gate-decision",
        "post",
        roles.MANAGE_GATES,
        data={"decision": "go", "rationale": "Signal is there"},
        **GATE,
    ),
    api("project-gate-reopen", "post", roles.MANAGE_GATES, data=REOPEN, **GATE),
    api("project-gate-submit", "post", roles.MANAGE_GATES, **GATE),
]


@pytest.mark.parametrize(("endpoint", "who"), permission_cases(ENDPOINTS))
def test_gate_permissions(endpoint, who, permission_world):
    assert_access(endpoint, who, permission_world)
