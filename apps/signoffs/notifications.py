"""What the sign-off engine tells people, through the notification outbox: a request opened,
a request closed, and daily reminders of overdue requests.

Nothing is sent from here: `notify()` stores the messages in the caller's transaction
and the outbox's sender e-mails them after commit. The overdue reminder is stored once
per request, person and day (the day is the outbox's period key), however often the
task runs.
"""

from django.db import transaction
from django.db.models import Prefetch, prefetch_related_objects
from django.template.loader import render_to_string
from django.utils import timezone

from apps.notifications.services import Message, notify_many
from apps.projects.selectors import project_members, role_holders_by_project

from .choices import EventKind, RequestState
from .models import Approver, SignoffRequest

CATEGORY = "signoffs"


def waiting_on(signoff: SignoffRequest) -> list:
    """People who can still fill an open slot of `signoff` (not the requester, not who already decided)."""
    decided = set(
        signoff.events.filter(kind__in=[EventKind.APPROVED, EventKind.REJECTED]).values_list("actor_id", flat=True)
    )
    open_slots = list(signoff.approvers.filter(events__isnull=True))
    roles = [slot.role for slot in open_slots if slot.role]
    return _still_to_decide(signoff, decided, open_slots, project_members(project=signoff.project_id, roles=roles))


def _still_to_decide(signoff: SignoffRequest, decided: set, open_slots: list, role_holders) -> list:
    people = {slot.user for slot in open_slots if slot.user_id} | set(role_holders)
    return sorted(
        (p for p in people if p.is_active and p.pk != signoff.requested_by_id and p.pk not in decided),
        key=lambda p: p.pk,
    )


def _waiting_on_batch(signoffs: list[SignoffRequest]) -> dict[int, list]:
    """`waiting_on` for many requests in four queries (events, slots, their events, role holders)."""
    prefetch_related_objects(signoffs, "events", Prefetch("approvers", Approver.objects.select_related("user")))
    prefetch_related_objects([slot for s in signoffs for slot in s.approvers.all()], "events")
    holders = role_holders_by_project(projects={s.project_id for s in signoffs})
    waiting = {}
    for signoff in signoffs:
        decided = {e.actor_id for e in signoff.events.all() if e.kind in (EventKind.APPROVED, EventKind.REJECTED)}
        open_slots = [slot for slot in signoff.approvers.all() if not slot.events.all()]
        by_role = holders.get(signoff.project_id, {})
        role_holders = {person for slot in open_slots if slot.role for person in by_role.get(slot.role, [])}
        waiting[signoff.pk] = _still_to_decide(signoff, decided, open_slots, role_holders)
    return waiting


def _message(signoff: SignoffRequest, recipients, *, kind: str, subject: str, template: str, **context) -> Message:
    return Message(
        recipients=recipients,
        category=CATEGORY,
        kind=kind,
        subject=subject,
        body=render_to_string(template, {"signoff": signoff, **context}),
        target=signoff,
        project=signoff.project,
        period_key=context.get("period_key", ""),
        url=signoff.get_absolute_url(),
    )


def _notify(signoff: SignoffRequest, recipients, **message) -> int:
    return notify_many([_message(signoff, recipients, **message)])


def notify_requested(signoff: SignoffRequest) -> int:
    """Ask the approvers to decide (once per request and person)."""
    return _notify(
        signoff,
        waiting_on(signoff),
        kind="signoff_requested",
        subject=f"Sign-off requested: {signoff.title}",
        template="signoffs/email/requested.txt",
    )


def notify_closed(signoff: SignoffRequest) -> int:
    """Tell the requester and the approvers who decided how the request ended."""
    people = {signoff.requested_by} | {e.actor for e in signoff.events.select_related("actor") if e.actor_id}
    return _notify(
        signoff,
        people,
        kind=f"signoff_{signoff.state}",
        subject=f"Sign-off {signoff.get_state_display().lower()}: {signoff.title}",
        template="signoffs/email/closed.txt",
    )


REMINDER_BATCH_SIZE = 500


def send_overdue_signoff_reminders(*, today=None, batch_size: int = REMINDER_BATCH_SIZE) -> int:
    """Remind approvers of overdue open requests, once per request, person and day; return how many are new.

    Every overdue request in one run, `batch_size` at a time, in a fixed number of queries per batch.
    """
    today = today or timezone.localdate()
    overdue = (
        SignoffRequest.objects.filter(state=RequestState.OPEN, due_on__lt=today)
        .select_related("project", "requested_by")
        .order_by("pk")
    )
    new, after = 0, 0
    while batch := list(overdue.filter(pk__gt=after)[:batch_size]):
        after = batch[-1].pk
        waiting = _waiting_on_batch(batch)
        messages = [
            _message(
                signoff,
                waiting[signoff.pk],
                kind="signoff_overdue",
                subject=f"Overdue sign-off: {signoff.title}",
                template="signoffs/email/overdue.txt",
                period_key=today.isoformat(),
                today=today,
            )
            for signoff in batch
        ]
        with transaction.atomic():
            new += notify_many(messages)
    return new
