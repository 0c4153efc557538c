"""Concurrent writers on real PostgreSQL: codes and the Alertmanager intake are serialised by the counter row."""

import pytest
from django.db import connection

from apps.incidents.alertmanager import alertmanager_receive
from apps.incidents.models import Incident
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
