"""The audit trail on the dashboard: when the chain was last checked and the latest signed checkpoint."""

from django_celery_beat.models import PeriodicTask

from .models import AuditCheckpoint

# The beat entry that re-verifies the whole chain (portal/settings/base.py, CELERY_BEAT_SCHEDULE).
NIGHTLY_VERIFICATION = "verify-audit-chain-nightly"


def audit_chain_panel(viewer, projects) -> dict:
    """The nightly verification's last run and the latest checkpoint (two queries).

    A verification that finds the chain intact records a checkpoint; one that finds it broken
    e-mails the administrators instead. Checkpoints are also taken every ten minutes.
    """
    checkpoint = AuditCheckpoint.objects.order_by("-id").first()
    last_run = PeriodicTask.objects.filter(name=NIGHTLY_VERIFICATION).values_list("last_run_at", flat=True).first()
    return {
        "verification_last_run_at": last_run,
        "checkpoint": None
        if checkpoint is None
        else {
            "created_at": checkpoint.created_at,
            "entry_count": checkpoint.entry_count,
            "head_id": checkpoint.head_id,
            "head_hash": checkpoint.head_hash,
        },
    }
