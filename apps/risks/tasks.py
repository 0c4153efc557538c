"""Celery entry points of the risk register (scheduled in settings.CELERY_BEAT_SCHEDULE)."""

from celery import shared_task

from apps.notifications.services import notifications_send

from .services import risk_acceptances_expire, risk_escalations_plan


@shared_task(acks_late=True)
def escalate_aging_risks() -> dict:
    """Weekday mornings: announce the steps aging risks are due for (each once), in one summary per person,
    then send what is due."""
    sweep = risk_escalations_plan()
    return {"announced": sweep.announced, "summaries": sweep.summaries, "sent": notifications_send()}


@shared_task(acks_late=True)
def expire_risk_acceptances() -> dict:
    """Daily: return expired acceptances to open, tell their owners (each once), then send what is due."""
    expired = risk_acceptances_expire()
    return {"expired": expired, "sent": notifications_send()}


@shared_task(acks_late=True)
def check_risk_import(risk_import_id: int) -> str:
    """Check a large import's file in the background; its page shows the progress, then the preview."""
    from .importing import risk_import_check
    from .models import RiskImport

    risk_import = RiskImport.objects.select_related("project", "uploaded_by").filter(pk=risk_import_id).first()
    if risk_import is None:
        return "gone"
    return risk_import_check(risk_import=risk_import).state


@shared_task(acks_late=True)
def create_imported_risks(risk_import_id: int) -> str:
    """Create the risks of a large confirmed import, all or none; its page shows when they are in."""
    from .importing import risk_import_create_risks

    return risk_import_create_risks(risk_import_id=risk_import_id).state
