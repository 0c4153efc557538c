"""E-mails of the sign-off engine: request opened, request decided, overdue reminders."""

from django.conf import settings
from django.core.mail import send_mail
from django.db import IntegrityError, transaction
from django.template.loader import render_to_string
from django.utils import timezone

from apps.projects.models import Membership

from .choices import EventKind, RequestState
from .models import SignoffReminder, SignoffRequest


def _absolute(path: str) -> str:
    return f"{settings.PORTAL_BASE_URL.rstrip('/')}{path}"


def waiting_on(request: SignoffRequest) -> list:
    """People who can still fill an open slot of `request` (not the requester, not who already decided)."""
    decided = set(
        request.events.filter(kind__in=[EventKind.APPROVED, EventKind.REJECTED]).values_list("actor_id", flat=True)
    )
    open_slots = request.approvers.filter(events__isnull=True)
    roles = [slot.role for slot in open_slots if slot.role]
    people = {slot.user for slot in open_slots if slot.user_id}
    people |= {
        m.user for m in Membership.objects.filter(project_id=request.project_id, role__in=roles).select_related("user")
    }
    return sorted(
        (p for p in people if p.is_active and p.pk != request.requested_by_id and p.pk not in decided),
        key=lambda p: p.pk,
    )


def _send(subject: str, template: str, recipients, context: dict) -> None:
    addresses = [person.email for person in recipients if person.email]
    if not addresses:
        return
    body = render_to_string(template, {**context, "url": _absolute(context["request"].get_absolute_url())})
    send_mail(subject, body, None, addresses)


def notify_requested(request: SignoffRequest) -> None:
    """After commit: ask the approvers to decide."""
    recipients = waiting_on(request)
    transaction.on_commit(
        lambda: _send(
            f"Sign-off requested: {request.title}", "signoffs/email/requested.txt", recipients, {"request": request}
        )
    )


def notify_closed(request: SignoffRequest) -> None:
    """After commit: tell the requester and the approvers who decided how the request ended."""
    people = {request.requested_by} | {e.actor for e in request.events.select_related("actor") if e.actor_id}
    transaction.on_commit(
        lambda: _send(
            f"Sign-off {request.get_state_display().lower()}: {request.title}",
            "signoffs/email/closed.txt",
            sorted(people, key=lambda p: p.pk),
            {"request": request},
        )
    )


def send_overdue_signoff_reminders(*, today=None) -> int:
    """Remind approvers of overdue open requests; idempotent per request, person and day (in the database)."""
    today = today or timezone.localdate()
    sent = 0
    overdue = SignoffRequest.objects.filter(state=RequestState.OPEN, due_on__lt=today).select_related("project")
    for request in overdue:
        for person in waiting_on(request):
            try:
                with transaction.atomic():
                    SignoffReminder.objects.create(request=request, recipient=person, day=today)
                    transaction.on_commit(
                        lambda r=request, p=person: _send(
                            f"Overdue sign-off: {r.title}",
                            "signoffs/email/overdue.txt",
                            [p],
                            {"request": r, "today": today},
                        )
                    )
            except IntegrityError:
                continue  # already reminded today (another run or a retry got here first)
            sent += 1
    return sent
