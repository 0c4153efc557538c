"""Guide 003's runbook template imported as an incident's runbook."""

import pytest
from django.core.exceptions import ValidationError

from apps.incidents.choices import ArtifactKind, Severity
from apps.incidents.runbook import TEMPLATE_FILE, incident_create_from_runbook, incident_runbook_import, runbook_load

pytestmark = pytest.mark.django_db

FILLED = """
title: Retrieval returns stale policy documents
severity: SEV1
category: model_degradation
trigger:
  metric: answer_groundedness
  observed_value: 0.71
  threshold: 0.90
  timestamp: 2026-11-20T08:15:00Z
timeline:
  T+0m: Initial detection; page on-call; freeze promotions
  T+30m: Roll back to the previous index
roles:
  incident_commander: {commander}
  mlops_engineer: <name/role>
rollback:
  previous_model_version: kb-index-2026-11-12
  rollback_command_ref: make rollback-index
communication_channels:
  slack: "#inc-support-assistant"
artifacts_to_collect:
  - logs: s3://logs/assistant/2026-11-20/
  - metrics_snapshot: <dashboard export>
"""


def test_the_shipped_template_loads_and_fills_nothing_but_the_planned_steps(make_incident, team):
    incident = make_incident()
    incident = incident_runbook_import(actor=team["mlops"], incident=incident, text=TEMPLATE_FILE.read_text())
    assert incident.severity == Severity.P2  # the template's example SEV2
    assert len(incident.runbook["steps"]) == 6
    assert incident.runbook["steps"][0][0] == "T+0m"
    assert incident.commander is None and not incident.artifacts.exists()


def test_a_filled_runbook_opens_an_incident_with_mapped_severity_people_and_artifacts(project, team):
    text = FILLED.format(commander=team["mlops"].username)
    incident = incident_create_from_runbook(actor=team["mlops"], project=project, text=text)
    assert (incident.code, incident.severity) == ("INC-001", Severity.P1)
    assert incident.commander == team["mlops"] and incident.mlops_engineer is None
    assert (incident.trigger_metric, incident.trigger_observed_value, incident.trigger_threshold) == (
        "answer_groundedness",
        "0.71",
        "0.9",
    )
    assert incident.rollback_target_version == "kb-index-2026-11-12"
    assert incident.channel_slack == "#inc-support-assistant"
    assert list(incident.artifacts.values_list("kind", "reference")) == [
        (ArtifactKind.LOGS, "s3://logs/assistant/2026-11-20/")
    ]


def test_people_who_are_not_members_are_named_in_the_error(project, team, outsider):
    with pytest.raises(ValidationError) as error:
        incident_create_from_runbook(actor=team["mlops"], project=project, text=FILLED.format(commander="nobody"))
    assert "roles.incident_commander" in error.value.message_dict


@pytest.mark.parametrize(
    "text, message",
    [
        ("a: &x [1]\nb: *x\n", "aliases"),
        ("- just\n- a list\n", "mapping"),
        ("title: [unclosed", "line 1"),
        ("x: " + "y" * 70_000, "65536 are read"),
        ("severity: SEV9\n", "Unknown severity"),
    ],
)
def test_hostile_or_wrong_runbooks_are_refused(text, message):
    with pytest.raises(ValidationError, match=message):
        from apps.incidents.runbook import runbook_fields

        document = runbook_load(text)
        runbook_fields(project=None, document=document)
