"""Action items are chased until done: before the due date, when overdue, and escalated to the Product Owner."""

import datetime

import pytest
from django.test import override_settings

from apps.incidents import services
from apps.incidents.choices import NotificationKind, Status
from apps.incidents.reminders import action_item_reminders_due
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
        signoff_services.signoff_decide(actor=person, request=signoff, approve=True, note="")
    incident = services.incident_close(actor=team["owner"], incident=resolved_incident)
    assert incident.status == Status.CLOSED
    _item(incident, team["scientist"], -1, team["owner"])
    assert [r.kind for r in action_item_reminders_due(today=TODAY)] == [NotificationKind.OVERDUE]
