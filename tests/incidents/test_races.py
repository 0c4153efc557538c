"""Concurrent writers on real PostgreSQL: codes and the Alertmanager intake are serialised by the counter row."""

import datetime

import pytest
from django.db import connection

from apps.incidents import services
from apps.incidents.alertmanager import alertmanager_receive
from apps.incidents.models import Incident
from apps.signoffs import services as signoff_services
from tests.concurrency import race
from tests.incidents.test_alertmanager import payload

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]


@pytest.fixture(autouse=True)
def postgres_only():
    if connection.vendor != "postgresql":
        pytest.skip("row-lock races need PostgreSQL (SQLite serialises writers by locking the whole file)")


def test_incidents_opened_at_the_same_moment_get_distinct_codes(make_incident):
    assert race(*[make_incident for _ in range(6)]) == []
    assert sorted(Incident.objects.values_list("number", flat=True)) == [1, 2, 3, 4, 5, 6]


def test_one_alert_delivered_twice_at_once_opens_one_incident(project):
    def deliver():
        alertmanager_receive(project=project, payload=payload())

    assert race(deliver, deliver, deliver) == []
    assert Incident.objects.filter(project=project).count() == 1


def test_approving_the_review_while_the_team_writes_the_timeline_raises_no_deadlock(resolved_incident, team):
    item = services.action_item_create(
        actor=team["owner"],
        incident=resolved_incident,
        title="Drill",
        owner=team["scientist"],
        due_on=datetime.date(2030, 1, 1),
    )
    signoff = services.review_submit(actor=team["mlops"], review=resolved_incident.review)
    signoff_services.signoff_decide(actor=team["owner"], signoff=signoff, approve=True, note="")
    errors = race(
        lambda: signoff_services.signoff_decide(actor=team["compliance"], signoff=signoff, approve=True, note=""),
        lambda: services.timeline_add(actor=team["mlops"], incident=resolved_incident, text="Customer comms sent"),
        lambda: services.action_item_update(actor=team["scientist"], item=item, status="in_progress"),
    )
    assert errors == []
    resolved_incident.refresh_from_db()
    assert resolved_incident.review.approved_at is not None
