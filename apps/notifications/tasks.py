"""Celery entry points of the notification outbox (scheduled in settings.CELERY_BEAT_SCHEDULE)."""

from celery import shared_task

from .services import notifications_build_digests, notifications_send


@shared_task(acks_late=True)
def send_pending_notifications() -> int:
    """After each notify() and every minute: e-mail the due outbox rows (each once)."""
    return notifications_send()


@shared_task(acks_late=True)
def send_daily_digests() -> dict:
    """Every morning: one digest e-mail per person who chose the daily digest and has news."""
    queued = notifications_build_digests()
    return {"digests": queued, "sent": notifications_send()}
