"""The daily sweep: each reminder exactly once per meeting (or due date), person and kind."""

import datetime

import pytest
import time_machine
from django.core import mail
from django.db import connection

from apps.cadence import reminders, services
from apps.cadence.tasks import send_cadence_reminders
from apps.notifications.models import Notification
from apps.notifications.services import notifications_send
from tests.concurrency import race

from .conftest import TODAY

D = datetime.date


def _at(day: datetime.date):
    return time_machine.travel(datetime.datetime.combine(day, datetime.time(6, 30), tzinfo=datetime.UTC), tick=False)


def _kinds(**filters) -> list[tuple[str, str, str]]:
    """(kind, recipient, period) of the outbox rows, e.g. _kinds(kind="review-due", target_id=series.pk)."""
    return sorted(Notification.objects.filter(**filters).values_list("kind", "recipient__username", "period_key"))


@pytest.mark.django_db
def test_upcoming_due_and_overdue_reminders_each_once(weekly, team, today):
    # weekly: Mondays from 30 Nov, lead time 1 day (the weekly default), chair Product Owner,
    # attendees Product Manager and Data Scientist; escalation to the Product Owner.
    with _at(D(2026, 12, 6)):
        reminders.reminders_send()
        reminders.reminders_send()
    upcoming = _kinds(kind="review-upcoming", target_id=weekly.pk)
    assert upcoming == sorted(
        ("review-upcoming", user.username, "2026-12-07") for user in (team["owner"], team["pm"], team["scientist"])
    )
    with _at(D(2026, 12, 7)):
        reminders.reminders_send()
    assert len(_kinds(kind="review-due", target_id=weekly.pk)) == 3
    with _at(D(2026, 12, 8)):
        reminders.reminders_send()
    with _at(D(2026, 12, 9)):
        reminders.reminders_send()
    # 30 Nov (overdue when the sweep ran on 1-2 Dec? no sweep then) and 7 Dec: escalation once each.
    overdue = _kinds(kind="review-overdue", target_id=weekly.pk)
    assert ("review-overdue", team["owner"].username, "2026-12-07") in overdue
    assert len([row for row in overdue if row[2] == "2026-12-07"]) == 1


@pytest.mark.django_db
def test_recorded_meeting_is_not_reminded_on_the_day(weekly, team, today):
    services.occurrence_record(
        actor=team["pm"], series=weekly, scheduled_on=TODAY, held_on=TODAY, attendees=[team["pm"]]
    )
    with _at(TODAY):
        reminders.reminders_send()
    assert _kinds(kind="review-due", target_id=weekly.pk) == []


@pytest.mark.django_db
def test_deliverable_owner_reminded_before_due_and_when_stale_once_per_due_date(project, deliverables, today):
    pd = next(iter(deliverables.values()))
    type(pd).objects.filter(pk=pd.pk).update(next_due_on=D(2026, 12, 4))
    with _at(D(2026, 11, 30)):
        reminders.reminders_send()
        reminders.reminders_send()
    with _at(D(2026, 12, 5)):
        reminders.reminders_send()
    with _at(D(2026, 12, 6)):
        reminders.reminders_send()
    rows = _kinds(target_id=pd.pk, kind__startswith="deliverable-")
    assert rows == [
        ("deliverable-due", project.owner.username, "2026-12-04"),
        ("deliverable-stale", project.owner.username, "2026-12-04"),
    ]


@pytest.mark.django_db
def test_product_manager_gets_one_weekly_digest(project, team, deliverables, today):
    pd = next(iter(deliverables.values()))
    type(pd).objects.filter(pk=pd.pk).update(next_due_on=D(2026, 11, 20))
    for day in (D(2026, 11, 30), D(2026, 12, 1), D(2026, 12, 2)):
        with _at(day):
            reminders.reminders_send()
    with _at(D(2026, 12, 7)):
        reminders.reminders_send()
    digests = _kinds(kind="deliverables-digest")
    assert digests == [
        ("deliverables-digest", team["pm"].username, "2026-W49"),
        ("deliverables-digest", team["pm"].username, "2026-W50"),
    ]


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_two_beats_and_a_retried_worker_send_each_review_reminder_once(weekly, team):
    """The daily task twice at the same instant, then a retried worker: one e-mail per person and meeting."""
    assert connection.vendor == "postgresql", "the race needs PostgreSQL"

    def beat():
        send_cadence_reminders.delay()
        notifications_send(batch_size=2)

    with _at(D(2026, 12, 6)):
        assert race(beat, beat) == []
        assert race(beat, lambda: send_cadence_reminders.apply(retries=1)) == []
        notifications_send()
    rows = _kinds(kind="review-upcoming", target_id=weekly.pk)
    assert len(rows) == len(set(rows)) == 3
    mails = sorted(m.to[0] for m in mail.outbox if "weekly review on" in m.subject)
    assert mails == sorted(person.email for person in (team["owner"], team["pm"], team["scientist"]))
