"""Audit trail operations: chain verification."""

from dataclasses import dataclass

from .models import GENESIS_HASH, AuditEntry


@dataclass(frozen=True)
class ChainVerification:
    """The outcome of checking the whole hash chain."""

    checked: int
    first_broken_id: int | None = None
    reason: str = ""

    @property
    def ok(self) -> bool:
        return self.first_broken_id is None


def audit_chain_verify(*, batch_size: int = 2000) -> ChainVerification:
    """Recompute every entry's hash in order and name the first entry that does not fit.

    An edited row no longer matches its own hash; a removed row leaves the next
    entry pointing at a hash that is not its predecessor's.
    """
    expected_prev = GENESIS_HASH
    checked = 0
    for entry in AuditEntry.objects.order_by("id").iterator(chunk_size=batch_size):
        if entry.prev_hash != expected_prev:
            return ChainVerification(
                checked, entry.id, "its link to the previous entry is broken (an entry was removed or reordered)"
            )
        if entry.compute_hash() != entry.entry_hash:
            return ChainVerification(checked, entry.id, "its content no longer matches its hash (it was altered)")
        expected_prev = entry.entry_hash
        checked += 1
    return ChainVerification(checked)
