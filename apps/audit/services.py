"""Audit trail operations: chain verification and checkpoints."""

import logging
from dataclasses import dataclass

from django.db import transaction

from .models import GENESIS_HASH, AuditCheckpoint, AuditEntry, _chain_lock, chain_mac

logger = logging.getLogger("portal.audit")


@dataclass(frozen=True)
class ChainVerification:
    """The outcome of checking the whole hash chain."""

    checked: int
    first_broken_id: int | None = None
    reason: str = ""
    broken: bool = False

    @property
    def ok(self) -> bool:
        return self.first_broken_id is None and not self.broken

    def describe(self) -> str:
        where = f"at entry #{self.first_broken_id}" if self.first_broken_id else "in its checkpoints"
        return f"Audit chain BROKEN {where}: {self.reason} ({self.checked} entries before it verified)."


def audit_chain_verify(*, batch_size: int = 2000) -> ChainVerification:
    """Recompute every entry's hash in order, compare with the checkpoints, and name the first break.

    An edited row no longer matches its own keyed hash (and cannot be re-hashed
    without the chain key); a removed row leaves the next entry pointing at a hash
    that is not its predecessor's; removed latest entries, or an emptied table,
    no longer reach the length and head that a signed checkpoint recorded.
    """
    checkpoints = sorted(
        (cp for cp in AuditCheckpoint.objects.all() if cp.signature == chain_mac(cp.signed_payload())),
        key=lambda cp: cp.entry_count,
    )
    forged = AuditCheckpoint.objects.count() - len(checkpoints)
    if forged:
        return ChainVerification(0, None, f"{forged} checkpoint(s) carry a signature that does not match", broken=True)
    pending = [cp for cp in checkpoints if cp.entry_count]
    expected_prev = GENESIS_HASH
    checked = 0
    for entry in AuditEntry.objects.order_by("id").iterator(chunk_size=batch_size):
        if entry.compute_hash() != entry.entry_hash:
            return ChainVerification(checked, entry.id, "its content no longer matches its hash (it was altered)")
        if entry.prev_hash != expected_prev:
            return ChainVerification(
                checked, entry.id, "its link to the previous entry is broken (an entry was removed or reordered)"
            )
        expected_prev = entry.entry_hash
        checked += 1
        while pending and pending[0].entry_count <= checked:
            checkpoint = pending.pop(0)
            if checkpoint.entry_count != checked or checkpoint.head_id != entry.id:
                return ChainVerification(checked, entry.id, f"the trail no longer matches {checkpoint}", broken=True)
    if pending:
        checkpoint = pending[0]
        return ChainVerification(
            checked,
            checkpoint.head_id,
            f"the trail was shortened: {checkpoint} but only {checked} entries remain",
            broken=True,
        )
    return ChainVerification(checked)


@transaction.atomic
def audit_checkpoint_record() -> AuditCheckpoint | None:
    """Sign the chain's current length and head, when it grew since the last checkpoint."""
    with _chain_lock():
        head = AuditEntry.objects.order_by("-id").values("id", "entry_hash").first()
        count = AuditEntry.objects.count()
        last = AuditCheckpoint.objects.order_by("-id").first()
        if last is not None and last.entry_count == count and last.head_id == (head and head["id"]):
            return None
        checkpoint = AuditCheckpoint(
            entry_count=count,
            head_id=head["id"] if head else None,
            head_hash=head["entry_hash"] if head else GENESIS_HASH,
        )
        checkpoint.save()
    # The log keeps a copy outside the database: a checkpoint can be checked against it.
    logger.info(
        "audit checkpoint #%s: %s entries, head #%s %s, signature %s",
        checkpoint.pk,
        checkpoint.entry_count,
        checkpoint.head_id,
        checkpoint.head_hash,
        checkpoint.signature,
    )
    return checkpoint
