"""The Alertmanager webhook: token, deduplication by fingerprint, resolved alerts, hostile input."""

import json

import pytest
from django.urls import reverse

from apps.incidents import services
from apps.incidents.choices import EntryKind, Severity, Status
from apps.incidents.models import Incident, IncidentCounter, TimelineEntry

pytestmark = pytest.mark.django_db


def payload(status="firing", fingerprint="3fa9c0e1d2b4a567", severity="critical", **extra):
    alert = {
        "status": status,
        "labels": {
            "alertname": "ChurnScorePSIHigh",
            "severity": severity,
            "metric": "psi_tenure_months",
            "model_version": "churn-v13",
        },
        "annotations": {"summary": "PSI of tenure_months above 0.25", "value": "0.31", "threshold": "0.25"},
        "startsAt": "2026-11-29T09:12:00Z",
        "endsAt": "2026-11-29T10:02:00Z" if status == "resolved" else "0001-01-01T00:00:00Z",
        "generatorURL": "http://prometheus.example/graph",
        "fingerprint": fingerprint,
        **extra,
    }
    return {
        "version": "4",
        "status": status,
        "receiver": "portal",
        "groupLabels": {},
        "commonLabels": {},
        "commonAnnotations": {},
        "externalURL": "http://alertmanager.example",
        "alerts": [alert],
    }


@pytest.fixture
def token(project, team):
    return services.webhook_token_rotate(actor=team["owner"], project=project)


@pytest.fixture
def post(client, project):
    def send(body, token, *, slug=None, raw=None):
        url = reverse("api-incident-alertmanager", kwargs={"project_slug": slug or project.slug})
        data = raw if raw is not None else json.dumps(body)
        return client.post(url, data=data, content_type="application/json", HTTP_AUTHORIZATION=f"Bearer {token}")

    return send


def test_posted_alert_opens_one_incident_and_posting_it_again_updates_the_same_one(post, token, project):
    first = post(payload(), token)
    assert first.status_code == 200, first.content
    assert first.json() == [{"incident": "INC-001", "fingerprint": "3fa9c0e1d2b4a567", "action": "created"}]
    second = post(payload(), token)
    assert second.json()[0] == {"incident": "INC-001", "fingerprint": "3fa9c0e1d2b4a567", "action": "updated"}
    incident = Incident.objects.get(project=project)
    assert Incident.objects.filter(project=project).count() == 1
    assert incident.severity == Severity.P2  # critical -> P2
    assert (incident.trigger_metric, incident.trigger_observed_value, incident.trigger_threshold) == (
        "psi_tenure_months",
        "0.31",
        "0.25",
    )
    assert incident.affected_model_version == "churn-v13"
    assert TimelineEntry.objects.filter(incident=incident, kind=EntryKind.ALERT).count() == 1


def test_resolved_alert_updates_the_incident_without_resolving_it(post, token, project):
    post(payload(), token)
    response = post(payload(status="resolved"), token)
    assert response.json()[0]["action"] == "resolved"
    incident = Incident.objects.get(project=project)
    assert incident.alert_resolved_at is not None
    assert incident.status == Status.DETECTED  # people confirm the resolution
    assert TimelineEntry.objects.filter(incident=incident, text__contains="resolved").exists()
    assert post(payload(status="resolved"), token).json()[0]["action"] == "ignored"


def test_alert_firing_after_its_incident_was_resolved_opens_a_new_incident(post, token, project, team):
    post(payload(), token)
    incident = Incident.objects.get(project=project)
    services.incident_transition(actor=team["mlops"], incident=incident, to=Status.RESOLVED)
    assert post(payload(), token).json()[0] == {
        "incident": "INC-002",
        "fingerprint": "3fa9c0e1d2b4a567",
        "action": "created",
    }


def test_only_a_hash_of_the_token_is_stored(token, project):
    counter = IncidentCounter.objects.get(project=project)
    assert token not in (counter.webhook_token_hash, counter.webhook_token_hint)
    assert len(counter.webhook_token_hash) == 64 and counter.webhook_token_hint == token[-4:]


@pytest.mark.parametrize("header", ["", "Bearer wrong-token", "Basic abc"])
def test_wrong_or_missing_token_is_refused_with_the_error_shape(client, project, token, header):
    url = reverse("api-incident-alertmanager", kwargs={"project_slug": project.slug})
    response = client.post(url, data=json.dumps(payload()), content_type="application/json", HTTP_AUTHORIZATION=header)
    assert response.status_code == 401
    assert response.json()["error"]["status"] == 401
    assert not Incident.objects.exists()


def test_a_token_works_for_its_own_project_only(post, token, project):
    from tests.factories import ProjectFactory

    other = ProjectFactory(owner=project.owner)
    assert post(payload(), token, slug=other.slug).status_code == 401
    assert post(payload(), token, slug="no-such-project").status_code == 401


def test_old_token_stops_working_after_rotation(post, token, project, team):
    services.webhook_token_rotate(actor=team["owner"], project=project)
    assert post(payload(), token).status_code == 401


@pytest.mark.parametrize(
    "raw, field",
    [
        ("not json", None),
        ("[1, 2]", "non_field_errors"),
        (json.dumps({"alerts": []}), "alerts"),
        (json.dumps({"alerts": ["x"]}), "alerts[0]"),
        (json.dumps(payload(status="maybe")), "alerts[0].status"),
        (json.dumps(payload(fingerprint="../../etc")), "alerts[0].fingerprint"),
        (json.dumps(payload(startsAt="yesterday")), "alerts[0].startsAt"),
        ("[" * 5000 + "]" * 5000, None),
        ('{"alerts": [{"status": "firing", "labels": {"a": "\\u0000"}}]}', None),
    ],
)
def test_malformed_payloads_answer_400_in_the_error_shape(post, token, raw, field):
    response = post(None, token, raw=raw)
    assert response.status_code == 400, response.content
    error = response.json()["error"]
    if field is None:  # refused by the API's bounded JSON parser
        assert error["code"] == "parse_error" and error["message"]
    else:
        assert error["code"] == "invalid" and field in error["fields"]
    assert not Incident.objects.exists()


def test_body_size_is_bounded(post, token):
    huge = payload()
    huge["alerts"][0]["annotations"]["description"] = "x" * 300_000
    response = post(huge, token)
    assert response.status_code == 413
    assert response.json()["error"]["code"] == "too_large"


def test_webhook_needs_no_csrf_token(project, token):
    from django.test import Client

    client = Client(enforce_csrf_checks=True)
    url = reverse("api-incident-alertmanager", kwargs={"project_slug": project.slug})
    response = client.post(
        url, data=json.dumps(payload()), content_type="application/json", HTTP_AUTHORIZATION=f"Bearer {token}"
    )
    assert response.status_code == 200


def test_missing_fingerprint_is_derived_from_the_labels(post, token, project):
    body = payload()
    del body["alerts"][0]["fingerprint"]
    first = post(body, token).json()[0]
    assert post(body, token).json()[0] == {**first, "action": "updated"}


def test_the_webhook_has_its_own_rate_limit_in_production_settings():
    from apps.incidents.api.views import AlertmanagerWebhookView
    from portal.settings import base

    assert AlertmanagerWebhookView.throttle_scope == "alertmanager"
    assert base.REST_FRAMEWORK["DEFAULT_THROTTLE_RATES"]["alertmanager"] == "600/minute"
