"""Celery entry points of the risk register (scheduled in settings.CELERY_BEAT_SCHEDULE)."""

from celery import shared_task

from apps.notifications.services import notifications_send

from .services import risk_acceptances_expire, risk_escalations_plan


@shared_task(acks_late=True)
def escalate_aging_risks() -> dict:
    """Weekday mornings: queue the reminders aging risks are due for (each once), then send what is due."""
    due = risk_escalations_plan()
    return {"due": due, "sent": notifications_send()}


@shared_task(acks_late=True)
def expire_risk_acceptances() -> dict:
    """Daily: return expired acceptances to open, tell their owners (each once), then send what is due."""
    expired = risk_acceptances_expire()
    return {"expired": expired, "sent": notifications_send()}
