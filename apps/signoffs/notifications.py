"""What the sign-off engine tells people, through the notification outbox: a request opened,
a request closed, and daily reminders of overdue requests.

Nothing is sent from here: `notify()` stores the messages in the caller's transaction
and the outbox's sender e-mails them after commit. The overdue reminder is stored once
per request, person and day (the day is the outbox's period key), however often the
task runs.
"""

from django.template.loader import render_to_string
from django.utils import timezone

from apps.notifications.services import notify
from apps.projects.selectors import project_members

from .choices import EventKind, RequestState
from .models import SignoffRequest

CATEGORY = "signoffs"


def waiting_on(signoff: SignoffRequest) -> list:
    """People who can still fill an open slot of `signoff` (not the requester, not who already decided)."""
    decided = set(
        signoff.events.filter(kind__in=[EventKind.APPROVED, EventKind.REJECTED]).values_list("actor_id", flat=True)
    )
    open_slots = signoff.approvers.filter(events__isnull=True)
    roles = [slot.role for slot in open_slots if slot.role]
    people = {slot.user for slot in open_slots if slot.user_id}
    people |= set(project_members(project=signoff.project_id, roles=roles))
    return sorted(
        (p for p in people if p.is_active and p.pk != signoff.requested_by_id and p.pk not in decided),
        key=lambda p: p.pk,
    )


def _notify(signoff: SignoffRequest, recipients, *, kind: str, subject: str, template: str, **context) -> int:
    return notify(
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


def send_overdue_signoff_reminders(*, today=None) -> int:
    """Remind approvers of overdue open requests, once per request, person and day; return how many are new."""
    today = today or timezone.localdate()
    overdue = SignoffRequest.objects.filter(state=RequestState.OPEN, due_on__lt=today).select_related(
        "project", "requested_by"
    )
    return sum(
        _notify(
            signoff,
            waiting_on(signoff),
            kind="signoff_overdue",
            subject=f"Overdue sign-off: {signoff.title}",
            template="signoffs/email/overdue.txt",
            period_key=today.isoformat(),
            today=today,
        )
        for signoff in overdue
    )
