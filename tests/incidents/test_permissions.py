"""Who may do what on incident pages and endpoints, through the shared permission suite.

Reads need `view_project`; writes `manage_incidents` (recording a new risk from an incident:
`manage_risks`). The Alertmanager webhook is not authorised by project roles but by the project's
webhook token; it is declared here and tested in test_alertmanager.py.
"""

import datetime

import pytest
from django.utils import timezone

from apps.incidents import services
from apps.projects import roles
from apps.projects.choices import Role
from tests.permission_suite import DECLARED, api, assert_access, page, permission_cases

MANAGE = roles.MANAGE_INCIDENTS

# Token-authenticated (test_alertmanager.py): anyone without the token gets 401, members included.
DECLARED.add(("api-incident-alertmanager", "post"))


def PERMISSION_OBJECTS(world):  # noqa: N802 - the suite's hook name
    mlops = world.people[Role.MLOPS_ENGINEER]
    incident = services.incident_create(
        actor=mlops,
        project=world.project,
        title="Drift",
        severity="P2",
        category="model_degradation",
        rollback_target_version="churn-v12",
    )
    resolved = services.incident_create(
        actor=mlops, project=world.project, title="Resolved drift", severity="P3", category="data_issue"
    )
    resolved = services.incident_transition(actor=mlops, incident=resolved, to="resolved")
    item = services.action_item_create(
        actor=mlops,
        incident=resolved,
        title="Range check",
        owner=mlops,
        due_on=timezone.localdate() + datetime.timedelta(days=7),
    )
    return {"incident": incident, "resolved": resolved, "action_item": item}


def code(world):
    return world.incident.code


def resolved(world):
    return world.resolved.code


RUNBOOK = {"text": "title: From runbook\nseverity: SEV3\ncategory: data_issue\n"}
REVIEW = {"root_cause": "Schema change", "went_well": "Alert", "went_poorly": "Slow", "data_loss": "False"}

ENDPOINTS = [
    page("incidents:incident-list"),
    page("incidents:incident-create", "get", MANAGE),
    page(
        "incidents:incident-create",
        "post",
        MANAGE,
        data={"title": "Latency", "severity": "P3", "category": "infrastructure"},
    ),
    page("incidents:incident-from-runbook", "get", MANAGE),
    page("incidents:incident-from-runbook", "post", MANAGE, data=RUNBOOK),
    page("incidents:webhook", "get", MANAGE),
    page("incidents:webhook", "post", MANAGE),
    page("incidents:incident-detail", code=code),
    page("incidents:incident-update", "get", MANAGE, code=code),
    page(
        "incidents:incident-update",
        "post",
        MANAGE,
        code=code,
        data={"title": "Drift (edited)", "severity": "P2", "category": "model_degradation"},
    ),
    page("incidents:incident-transition", "post", MANAGE, code=code, data={"to": "acknowledged"}),
    page("incidents:incident-close", "post", MANAGE, code=resolved),
    page("incidents:timeline-add", "post", MANAGE, code=code, data={"kind": "note", "text": "PSI checked"}),
    page("incidents:rollback-record", "post", MANAGE, code=code),
    page("incidents:artifact-add", "post", MANAGE, code=code, data={"kind": "logs", "reference": "s3://logs"}),
    page("incidents:risk-link", "post", MANAGE, code=code, data=lambda w: {"risk": w.risk.pk}),
    page("incidents:risk-open", "get", roles.MANAGE_RISKS, code=code),
    page("incidents:risk-open", "post", roles.MANAGE_RISKS, code=code, data={"title": ""}),
    page("incidents:runbook-import", "get", MANAGE, code=code),
    page("incidents:runbook-import", "post", MANAGE, code=code, data=RUNBOOK),
    page(
        "incidents:action-create",
        "post",
        MANAGE,
        code=resolved,
        data=lambda w: {"title": "Drill", "owner": w.project.owner.pk, "due_on": "2030-01-01", "status": "open"},
    ),
    page("incidents:action-update", "get", MANAGE, code=resolved, pk=lambda w: w.action_item.pk),
    page(
        "incidents:action-update",
        "post",
        MANAGE,
        code=resolved,
        pk=lambda w: w.action_item.pk,
        data=lambda w: {
            "title": "Range check",
            "owner": w.action_item.owner_id,
            "due_on": "2030-01-01",
            "status": "in_progress",
        },
    ),
    page("incidents:review", code=resolved),
    page("incidents:review", "post", MANAGE, code=resolved, data=REVIEW),
    page("incidents:review-submit", "post", MANAGE, code=resolved),
    page("incidents:review-export", code=resolved, fmt="md"),
    api("project-incident-list"),
    api(
        "project-incident-list",
        "post",
        MANAGE,
        data={"title": "Latency", "severity": "P3", "category": "infrastructure"},
    ),
    api("project-incident-detail", code=code),
    api("project-incident-detail", "patch", MANAGE, code=code, data={"title": "Drift (edited)"}),
    api("project-incident-transition", "post", MANAGE, code=code, data={"to": "acknowledged"}),
    api("project-incident-close", "post", MANAGE, code=resolved),
    api("project-incident-rollback", "post", MANAGE, code=code),
    api("project-incident-timeline", code=code),
    api("project-incident-timeline", "post", MANAGE, code=code, data={"text": "PSI checked"}),
    api("project-incident-artifacts", code=code),
    api("project-incident-artifacts", "post", MANAGE, code=code, data={"kind": "logs", "reference": "s3://x"}),
    api("project-incident-risks", code=code),
    api("project-incident-risks", "post", MANAGE, code=code, data=lambda w: {"risk": w.risk.code}),
    api(
        "project-incident-risks-open",
        "post",
        roles.MANAGE_RISKS,
        code=code,
        data={"title": "Schema drift", "category": "dependency_fragility", "impact": 3, "likelihood": 3},
    ),
    api("project-incident-runbook", "post", MANAGE, code=code, data={"runbook": RUNBOOK["text"]}),
    api("project-incident-from-runbook", "post", MANAGE, data={"runbook": RUNBOOK["text"]}),
    api("project-incident-review", code=resolved),
    api("project-incident-review", "patch", MANAGE, code=resolved, data={"root_cause": "Schema change"}),
    api("project-incident-review-submit", "post", MANAGE, code=resolved),
    api("project-incident-review-pdf", code=resolved),
    api("project-incident-review-markdown", code=resolved),
    api("project-incident-action-items", code=resolved),
    api(
        "project-incident-action-items",
        "post",
        MANAGE,
        code=resolved,
        data=lambda w: {"title": "Drill", "owner": w.project.owner.pk, "due_on": "2030-01-01"},
    ),
    api(
        "project-incident-action-item",
        "patch",
        MANAGE,
        code=resolved,
        item_id=lambda w: w.action_item.pk,
        data={"status": "in_progress"},
    ),
    api("project-incident-figures"),
    api("project-incident-webhook-token", "post", MANAGE),
]


@pytest.mark.parametrize(("endpoint", "who"), permission_cases(ENDPOINTS))
def test_permissions(endpoint, who, permission_world):
    assert_access(endpoint, who, permission_world)
