"""Action items are chased until done, also after their incident closed.

Each day (settings: INCIDENT_ACTION_REMINDER_DAYS_BEFORE, INCIDENT_ACTION_ESCALATION_DAYS):

* from N days before the due date until the due date, the owner is reminded;
* after the due date, the owner is reminded every day;
* from M days overdue on, the incident's product owner (or, when none is named, the project's
  Product Owners) hears too, every day.

Every reminder goes through the notification outbox with the day as its period key,
so each item, person, kind and day gets one notification however often the task runs.
"""

import datetime
from dataclasses import dataclass

from django.conf import settings
from django.db import transaction
from django.template.loader import render_to_string
from django.utils import timezone

from apps.notifications.services import Message, notify_many
from apps.projects.choices import ProjectStatus, Role
from apps.projects.selectors import members_by_project

from .choices import NotificationKind
from .models import ActionItem

CATEGORY = "incidents"
BATCH_SIZE = 500  # reminders per notify_many call


@dataclass(frozen=True)
class Reminder:
    item: ActionItem
    recipient: object
    kind: str
    period_key: str


def _days_before() -> int:
    return getattr(settings, "INCIDENT_ACTION_REMINDER_DAYS_BEFORE", 2)


def _escalation_days() -> int:
    return getattr(settings, "INCIDENT_ACTION_ESCALATION_DAYS", 3)


def action_item_reminders_due(*, today: datetime.date | None = None) -> list[Reminder]:
    """The reminders that open action items are due for on `today` (three queries)."""
    today = today or timezone.localdate()
    horizon = today + datetime.timedelta(days=_days_before())
    items = list(
        ActionItem.objects.open()
        .filter(due_on__lte=horizon)
        .exclude(incident__project__status=ProjectStatus.RETIRED)
        .select_related("owner", "incident__project", "incident__product_owner")
        .order_by("due_on", "id")
    )
    escalate_after = _escalation_days()
    escalated = [item for item in items if (today - item.due_on).days >= escalate_after]
    project_owners = members_by_project(
        projects={item.incident.project_id for item in escalated}, roles=[Role.PRODUCT_OWNER]
    )
    key = today.isoformat()
    reminders = []
    for item in items:
        overdue_days = (today - item.due_on).days
        if item.owner.is_active:
            kind = NotificationKind.OVERDUE if overdue_days > 0 else NotificationKind.DUE_SOON
            reminders.append(Reminder(item, item.owner, kind, key))
        if overdue_days >= escalate_after:
            named = item.incident.product_owner
            leads = (
                [named] if named is not None and named.is_active else project_owners.get(item.incident.project_id, [])
            )
            reminders += [
                Reminder(item, lead, NotificationKind.ESCALATION, key) for lead in leads if lead.pk != item.owner_id
            ]
    return reminders


SUBJECTS = {
    NotificationKind.DUE_SOON: "Action item due {due}",
    NotificationKind.OVERDUE: "Action item overdue since {due}",
    NotificationKind.ESCALATION: "Escalation: action item overdue since {due}",
}


def _message(reminder: Reminder) -> Message:
    item = reminder.item
    incident = item.incident
    body = render_to_string(
        "incidents/email/action_item.txt",
        {
            "item": item,
            "incident": incident,
            "kind": reminder.kind,
            "kinds": NotificationKind,
            "days_overdue": max((timezone.localdate() - item.due_on).days, 0),
        },
    )
    subject = SUBJECTS[reminder.kind].format(due=f"{item.due_on:%-d %b}")
    return Message(
        recipients=[reminder.recipient],
        category=CATEGORY,
        kind=reminder.kind,
        subject=f"[{incident.project.name}] {subject}: {item.title} ({incident.code})",
        body=body,
        target=item,
        project=incident.project,
        period_key=reminder.period_key,
        url=item.get_absolute_url(),
    )


@transaction.atomic
def send_action_item_reminders(*, today: datetime.date | None = None) -> int:
    """Queue today's reminders in the outbox; returns how many were new (0 on a second run the same day).

    `BATCH_SIZE` reminders per notify_many call: a fixed number of queries per batch.
    """
    reminders = action_item_reminders_due(today=today)
    return sum(
        notify_many(_message(reminder) for reminder in reminders[start : start + BATCH_SIZE])
        for start in range(0, len(reminders), BATCH_SIZE)
    )
