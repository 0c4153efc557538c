"""Concurrent writers on real PostgreSQL: the code counter and the reminder rows are taken under row locks."""

import datetime

import pytest
import time_machine
from django.core import mail
from django.db import connection

from apps.risks.models import AgingNotice, Risk
from apps.risks.tasks import escalate_aging_risks
from tests.concurrency import race

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]


@pytest.fixture(autouse=True)
def postgres_only():
    if connection.vendor != "postgresql":
        pytest.skip("row-lock races need PostgreSQL (SQLite serialises writers by locking the whole file)")


def test_risks_created_at_the_same_moment_get_distinct_codes(make_risk):
    assert race(*[make_risk for _ in range(6)]) == []
    assert sorted(Risk.objects.values_list("number", flat=True)) == [1, 2, 3, 4, 5, 6]


def test_two_aging_sweeps_at_the_same_moment_announce_each_risk_once(make_risk, team):
    with time_machine.travel(datetime.date(2026, 3, 2), tick=False):
        for _ in range(10):
            make_risk()
    with time_machine.travel(datetime.date(2026, 3, 20), tick=False):
        assert race(escalate_aging_risks.delay, escalate_aging_risks.delay) == []
    assert AgingNotice.objects.count() == 20  # 10 risks x (the owner's step, the leads' step)
    # One sweep's insert waited for the other's and then skipped every row: three summaries in all.
    assert sorted(m.to[0] for m in mail.outbox) == sorted(team[k].email for k in ("engineer", "owner", "compliance"))
    assert all("10 risks" in m.subject for m in mail.outbox)
