"""Celery entry points of the audit trail."""

from celery import shared_task
from django.core.mail import mail_admins

from .services import audit_chain_verify


@shared_task(acks_late=True)
def verify_audit_chain() -> dict:
    """Nightly: verify the hash chain and alert the portal admins when it is broken."""
    result = audit_chain_verify()
    if not result.ok:
        mail_admins(
            "Audit trail integrity check FAILED",
            f"Audit entry #{result.first_broken_id}: {result.reason}. {result.checked} entries before it verified.",
        )
    return {"ok": result.ok, "checked": result.checked, "first_broken_id": result.first_broken_id}
