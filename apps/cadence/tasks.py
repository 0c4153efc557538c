"""Celery entry points of the governance cadence (scheduled in settings.CELERY_BEAT_SCHEDULE)."""

from celery import shared_task

from .reminders import reminders_send


@shared_task(acks_late=True)
def send_cadence_reminders() -> dict:
    """Daily: reminders before, on and after review meetings, review actions, deliverables (each once)."""
    return reminders_send()
