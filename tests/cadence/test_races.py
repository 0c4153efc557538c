"""Mixed writes on real PostgreSQL: recording a review races edits of what it touches, without deadlock."""

import pytest
from django.db import connection

from apps.cadence import services
from apps.projects import services as project_services
from apps.risks import services as risk_services
from tests.concurrency import race

from .conftest import TODAY

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]
ROUNDS = 5


@pytest.fixture(autouse=True)
def postgres_only():
    if connection.vendor != "postgresql":
        pytest.fail("row-lock races need PostgreSQL: run with DATABASE_URL set")


def test_recording_a_review_races_risk_and_project_edits_without_error(weekly, team, make_risk, today):
    risk = make_risk()
    occurrence = services.occurrence_record(
        actor=team["pm"],
        series=weekly,
        scheduled_on=TODAY,
        held_on=TODAY,
        chair=team["owner"],
        attendees=[team["pm"]],
    )
    for n in range(ROUNDS):
        errors = race(
            lambda n=n: services.occurrence_record(
                actor=team["pm"],
                series=weekly,
                scheduled_on=TODAY,
                held_on=TODAY,
                chair=team["owner"],
                attendees=[team["pm"], team["scientist"]],
                minutes=f"Round {n}",
                decisions=[f"Decision {n}"],
                reviewed_risks=[risk],
            ),
            lambda n=n: risk_services.risk_update(actor=team["owner"], risk=risk, mitigation=f"Mitigation {n}"),
            lambda n=n: project_services.project_update(
                actor=team["owner"], project=weekly.project, baseline_description=f"Baseline {n}"
            ),
            lambda n=n: services.decision_add(actor=team["compliance"], occurrence=occurrence, text=f"Also {n}"),
        )
        assert errors == [], errors
    assert occurrence.decisions.count() == 2 * ROUNDS
