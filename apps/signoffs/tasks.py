"""Celery entry points of the sign-off engine."""

from celery import shared_task

from .notifications import send_overdue_signoff_reminders


@shared_task(acks_late=True)
def remind_overdue_signoffs() -> int:
    """Daily: remind approvers of overdue requests (at most once per request, person and day)."""
    return send_overdue_signoff_reminders()
