"""Celery entry points of the audit trail."""

from celery import shared_task
from django.core.mail import mail_admins

from .models import ChainVerification
from .services import audit_chain_verification_run, audit_checkpoint_record


@shared_task(acks_late=True)
def verify_audit_chain() -> dict:
    """Nightly: verify and record the result; alert the admins on a break, else checkpoint."""
    result = audit_chain_verification_run(trigger=ChainVerification.Trigger.NIGHTLY)
    if not result.intact:
        mail_admins("Audit trail integrity check FAILED", result.message)
    return {
        "ok": result.intact,
        "checked": result.entries_checked,
        "first_broken_id": result.first_broken_entry_id,
        "verification_id": result.pk,
    }


@shared_task(acks_late=True)
def checkpoint_audit_chain() -> int | None:
    """Every few minutes: sign the chain's length and head so a shortened trail is noticed."""
    checkpoint = audit_checkpoint_record()
    return checkpoint.pk if checkpoint else None
