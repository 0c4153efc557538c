"""The audit trail on the dashboard: the chain's last verification and the latest signed checkpoint."""

from .models import AuditCheckpoint
from .selectors import chain_verification_latest


def audit_chain_panel(viewer, projects) -> dict:
    """The latest recorded verification (nightly task or command) and the latest checkpoint (two queries).

    A verification that finds the chain intact is followed by a checkpoint; one that finds it
    broken names the first broken entry and e-mails the administrators (nightly). Checkpoints
    are also taken every ten minutes.
    """
    verification = chain_verification_latest()
    checkpoint = AuditCheckpoint.objects.order_by("-id").first()
    return {
        "verification": None
        if verification is None
        else {
            "ran_at": verification.ran_at,
            "trigger": verification.trigger,
            "trigger_label": verification.get_trigger_display(),
            "intact": verification.intact,
            "entries_checked": verification.entries_checked,
            "head_id": verification.head_id,
            "head_hash": verification.head_hash,
            "first_broken_entry_id": verification.first_broken_entry_id,
            "message": verification.message,
        },
        "checkpoint": None
        if checkpoint is None
        else {
            "created_at": checkpoint.created_at,
            "entry_count": checkpoint.entry_count,
            "head_id": checkpoint.head_id,
            "head_hash": checkpoint.head_hash,
        },
    }
