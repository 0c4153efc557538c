"""Celery entry points of the audit trail."""

from celery import shared_task
from django.core.mail import mail_admins

from .services import audit_chain_verify, audit_checkpoint_record


@shared_task(acks_late=True)
def verify_audit_chain() -> dict:
    """Nightly: verify the hash chain and its checkpoints; alert the admins on a break, else checkpoint."""
    result = audit_chain_verify()
    if result.ok:
        audit_checkpoint_record()
    else:
        mail_admins("Audit trail integrity check FAILED", result.describe())
    return {"ok": result.ok, "checked": result.checked, "first_broken_id": result.first_broken_id}


@shared_task(acks_late=True)
def checkpoint_audit_chain() -> int | None:
    """Every few minutes: sign the chain's length and head so a shortened trail is noticed."""
    checkpoint = audit_checkpoint_record()
    return checkpoint.pk if checkpoint else None
