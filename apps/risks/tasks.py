"""Celery entry points of the risk register (scheduled in settings.CELERY_BEAT_SCHEDULE)."""

from celery import shared_task

from .services import risk_acceptances_expire, risk_escalations_plan, risk_notifications_send


@shared_task(acks_late=True)
def escalate_aging_risks() -> dict:
    """Weekday mornings: queue the reminders aging risks are due for, then send what is queued (each once)."""
    due = risk_escalations_plan()
    return {"due": due, "sent": risk_notifications_send()}


@shared_task(acks_late=True)
def expire_risk_acceptances() -> dict:
    """Daily: return expired acceptances to open, tell their owners (each once)."""
    expired = risk_acceptances_expire()
    return {"expired": expired, "sent": risk_notifications_send()}
