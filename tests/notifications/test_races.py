"""Exactly once on real PostgreSQL: two beats running the reminder sweep and the sender at the same
moment, then a retried worker running them again, e-mail each reminder once."""

import datetime

import pytest
import time_machine
from django.core import mail
from django.db import connection
from django.utils import timezone

from apps.gates.services import gate_submit
from apps.notifications.choices import State
from apps.notifications.models import Notification
from apps.notifications.services import notifications_send
from apps.projects.choices import Role
from apps.signoffs.tasks import remind_overdue_signoffs
from tests.concurrency import race

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]


def test_two_beats_and_a_retried_worker_send_each_overdue_reminder_once(ready_gate, project, member_of):
    assert connection.vendor == "postgresql", "row-lock races need PostgreSQL"
    approvers = [ready_gate.sponsor, *(member_of(project, Role.EXECUTIVE_SPONSOR) for _ in range(4))]
    gate_submit(actor=project.owner, gate=ready_gate, due_on=timezone.localdate() + datetime.timedelta(days=1))
    notifications_send()
    mail.outbox.clear()
    later = timezone.now() + datetime.timedelta(days=3)

    def beat():
        # The daily beat's task (its sweep schedules the sender after commit), then the minutely sender.
        remind_overdue_signoffs.delay()
        notifications_send(batch_size=2)

    with time_machine.travel(later, tick=True):
        assert race(beat, beat, beat) == []
        assert race(beat, lambda: remind_overdue_signoffs.apply(retries=1)) == []  # a retried worker, same day

    overdue = Notification.objects.filter(kind="signoff_overdue")
    assert overdue.count() == len(approvers)
    assert set(overdue.values_list("state", flat=True)) == {State.SENT}
    reminders = [m.to[0] for m in mail.outbox if m.subject.startswith("Overdue sign-off")]
    assert sorted(reminders) == sorted(person.email for person in approvers)
