"""The daily sweep: each reminder exactly once per meeting (or due date), person and kind."""

import datetime

import pytest
import time_machine
from django.core import mail
from django.db import connection

from apps.cadence import reminders, services, sources
from apps.cadence.models import ReviewOccurrence
from apps.cadence.tasks import send_cadence_reminders
from apps.deliverables import services as deliverable_services
from apps.notifications.models import Notification
from apps.notifications.services import notifications_send
from apps.projects.choices import Role
from tests.concurrency import race
from tests.factories import ProjectFactory

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
    with _at(D(2026, 12, 15)):
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


@pytest.fixture
def portfolio(member_of, today):
    """portfolio(count): `count` projects started on TODAY with their default series (weekly from
    7 Dec), a Product Manager and a Data Scientist, one owned deliverable due on 20 Dec, and the weekly
    review of 7 Dec recorded with a follow-up action due on 16 Dec."""
    deliverable_services.registry_load()

    def make(count: int) -> None:
        for _ in range(count):
            project = ProjectFactory()
            pm = member_of(project, Role.PRODUCT_MANAGER)
            member_of(project, Role.DATA_SCIENTIST)
            deliverable_services.project_deliverables_setup(actor=project.owner, project=project)
            project.deliverables.update(next_due_on=D(2027, 6, 1))
            project.deliverables.filter(pk=project.deliverables.order_by("pk")[0].pk).update(
                next_due_on=D(2026, 12, 20)
            )
            with _at(D(2026, 12, 7)):
                services.occurrence_record(
                    actor=project.owner,
                    series=project.review_series.get(kind="weekly"),
                    scheduled_on=D(2026, 12, 7),
                    held_on=D(2026, 12, 7),
                    attendees=[pm],
                    actions=[{"title": "Retrain on the new data", "owner": pm, "due_on": D(2026, 12, 16)}],
                )

    return make


def _occurrences() -> list:
    return sorted(ReviewOccurrence.objects.values_list("series_id", "scheduled_on", "held_on"))


@pytest.mark.django_db
@pytest.mark.parametrize("count", [3, 30])
def test_sweep_costs_the_same_queries_whatever_the_number_of_projects(count, portfolio, django_assert_max_num_queries):
    portfolio(count)
    # 15 Dec: the weekly review of 14 Dec to write down and escalate, deliverables and actions
    # due soon, the week's digest for each Product Manager.
    with _at(D(2026, 12, 15)), django_assert_max_num_queries(62):
        counts = reminders.reminders_send()
    assert counts == {
        "occurrences": count,
        "reviews": count,
        "review-actions": count,
        "deliverables": count,
        "deliverables-digest": count,
    }
    with _at(D(2026, 12, 15)):
        assert set(reminders.reminders_send().values()) == {0}  # a second run writes nothing


@pytest.mark.django_db
def test_sweep_in_batches_of_two_projects_writes_what_one_batch_writes(portfolio, monkeypatch):
    portfolio(5)
    with _at(D(2026, 12, 15)):
        whole = reminders.reminders_send()
    written = (_kinds(), _occurrences())
    Notification.objects.all().delete()
    ReviewOccurrence.objects.filter(held_on=None).delete()
    monkeypatch.setattr(sources, "PLAN_BATCH_SIZE", 2)
    monkeypatch.setattr(services, "MATERIALIZE_BATCH_SIZE", 2)
    with _at(D(2026, 12, 15)):
        assert reminders.reminders_send() == whole
    assert (_kinds(), _occurrences()) == written
