"""Action items are chased until done: before the due date, when overdue, and escalated to the Product Owner."""

import datetime

import pytest
import time_machine
from django.core import mail
from django.test import override_settings

from apps.incidents import services
from apps.incidents.choices import NotificationKind, Status
from apps.incidents.reminders import action_item_reminders_due, send_action_item_reminders
from apps.incidents.tasks import remind_incident_action_items
from apps.notifications.models import Notification
from apps.projects.choices import Role
from apps.signoffs import services as signoff_services

pytestmark = pytest.mark.django_db

TODAY = datetime.date(2026, 11, 30)


def _item(incident, owner, due_in_days, actor):
    return services.action_item_create(
        actor=actor,
        incident=incident,
        title=f"Due in {due_in_days}",
        owner=owner,
        due_on=TODAY + datetime.timedelta(days=due_in_days),
    )


def _plan(today=TODAY):
    return sorted(
        (r.item.title, r.recipient.username, r.kind, r.period_key) for r in action_item_reminders_due(today=today)
    )


@override_settings(INCIDENT_ACTION_REMINDER_DAYS_BEFORE=2, INCIDENT_ACTION_ESCALATION_DAYS=3)
def test_who_hears_about_which_item_on_a_day(make_incident, team):
    incident = make_incident()
    scientist, owner = team["scientist"], team["owner"]
    for days in (5, 2, 0, -1, -3):
        _item(incident, scientist, days, team["mlops"])
    done = _item(incident, scientist, -10, team["mlops"])
    services.action_item_update(actor=scientist, item=done, status="done", verification_note="Merged")
    day = TODAY.isoformat()
    assert _plan() == sorted(
        [
            ("Due in 2", scientist.username, NotificationKind.DUE_SOON, day),
            ("Due in 0", scientist.username, NotificationKind.DUE_SOON, day),
            ("Due in -1", scientist.username, NotificationKind.OVERDUE, day),
            ("Due in -3", scientist.username, NotificationKind.OVERDUE, day),
            ("Due in -3", owner.username, NotificationKind.ESCALATION, day),
        ]
    )


@override_settings(INCIDENT_ACTION_ESCALATION_DAYS=1)
def test_escalation_goes_to_the_incidents_product_owner_when_one_is_named(project, make_incident, team, member_of):
    second_po = member_of(project, Role.PRODUCT_OWNER)
    incident = make_incident(product_owner=second_po)
    _item(incident, team["scientist"], -2, team["mlops"])
    escalations = [r.recipient for r in action_item_reminders_due(today=TODAY) if r.kind == NotificationKind.ESCALATION]
    assert escalations == [second_po]


def test_items_of_closed_incidents_are_still_chased(resolved_incident, team):
    signoff = services.review_submit(actor=team["mlops"], review=resolved_incident.review)
    for person in (team["owner"], team["compliance"]):
        signoff_services.signoff_decide(actor=person, signoff=signoff, approve=True, note="")
    incident = services.incident_close(actor=team["owner"], incident=resolved_incident)
    assert incident.status == Status.CLOSED
    _item(incident, team["scientist"], -1, team["owner"])
    assert [r.kind for r in action_item_reminders_due(today=TODAY)] == [NotificationKind.OVERDUE]


def test_running_the_reminder_task_twice_sends_one_reminder_per_overdue_item_and_person(make_incident, team):
    incident = make_incident()
    with time_machine.travel(datetime.datetime(2026, 11, 20, 9, 0, tzinfo=datetime.UTC), tick=False):
        for title in ("Range check", "Runbook drill"):
            services.action_item_create(
                actor=team["mlops"],
                incident=incident,
                title=title,
                owner=team["scientist"],
                due_on=datetime.date(2026, 11, 25),
            )
    with time_machine.travel(datetime.datetime(2026, 11, 30, 7, 30, tzinfo=datetime.UTC), tick=False):
        first = remind_incident_action_items.delay().get()
        second = remind_incident_action_items.delay().get()
    # Two items, five days overdue: the owner and (escalation) the Product Owner hear about each, once.
    assert first == {"queued": 4, "sent": 4} and second == {"queued": 0, "sent": 0}
    rows = Notification.objects.filter(category="incidents")
    assert sorted(rows.values_list("recipient__username", "kind")) == sorted(
        [(team["scientist"].username, NotificationKind.OVERDUE)] * 2
        + [(team["owner"].username, NotificationKind.ESCALATION)] * 2
    )
    assert sorted(message.to[0] for message in mail.outbox) == sorted(
        [team["scientist"].email] * 2 + [team["owner"].email] * 2
    )
    assert all("overdue since 25 Nov" in message.subject for message in mail.outbox)
    with time_machine.travel(datetime.datetime(2026, 12, 1, 7, 30, tzinfo=datetime.UTC), tick=False):
        assert remind_incident_action_items.delay().get()["queued"] == 4  # the next day, again


@pytest.mark.parametrize("count", [2, 12])
@override_settings(INCIDENT_ACTION_REMINDER_DAYS_BEFORE=2, INCIDENT_ACTION_ESCALATION_DAYS=3)
def test_sweep_costs_the_same_queries_whatever_the_number_of_items(
    count, make_incident, team, django_assert_max_num_queries
):
    incident = make_incident()
    for _ in range(count):
        _item(incident, team["scientist"], -5, team["mlops"])
    with time_machine.travel(datetime.datetime(2026, 11, 30, 9, tzinfo=datetime.UTC), tick=False):
        with django_assert_max_num_queries(12):
            assert send_action_item_reminders(today=TODAY) == 2 * count  # the owner and the Product Owner
        assert send_action_item_reminders(today=TODAY) == 0
