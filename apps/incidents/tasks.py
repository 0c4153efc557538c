"""Celery entry points of incidents (scheduled in settings.CELERY_BEAT_SCHEDULE)."""

from celery import shared_task

from apps.notifications.services import notifications_send

from .reminders import send_action_item_reminders


@shared_task(acks_late=True)
def remind_incident_action_items() -> dict:
    """Daily: queue due-soon, overdue and escalation reminders of open action items (each once per item,
    person and day), then send what is due."""
    return {"queued": send_action_item_reminders(), "sent": notifications_send()}
