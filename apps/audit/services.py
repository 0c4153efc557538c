"""Audit trail operations: chain verification, checkpoints, and audited bulk creation."""

import logging
from dataclasses import dataclass

from auditlog.cid import get_cid
from auditlog.diff import model_instance_diff
from auditlog.registry import auditlog
from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.db import transaction
from django.db.models.signals import pre_save
from django.utils.encoding import smart_str

from .models import GENESIS_HASH, AuditCheckpoint, AuditEntry, ChainVerification, _chain_lock, chain_mac

logger = logging.getLogger("portal.audit")


@dataclass(frozen=True)
class ChainCheck:
    """The outcome of checking the whole hash chain; `head_*` is the last entry verified."""

    checked: int
    first_broken_id: int | None = None
    reason: str = ""
    broken: bool = False
    head_id: int | None = None
    head_hash: str = GENESIS_HASH

    @property
    def ok(self) -> bool:
        return self.first_broken_id is None and not self.broken

    def describe(self) -> str:
        if self.ok:
            return f"Audit chain intact: {self.checked} entries verified."
        where = f"at entry #{self.first_broken_id}" if self.first_broken_id else "in its checkpoints"
        return f"Audit chain BROKEN {where}: {self.reason} ({self.checked} entries before it verified)."


def audit_chain_verify(*, batch_size: int = 2000) -> ChainCheck:
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
        return ChainCheck(0, None, f"{forged} checkpoint(s) carry a signature that does not match", broken=True)
    pending = [cp for cp in checkpoints if cp.entry_count]
    expected_prev = GENESIS_HASH
    checked, head_id = 0, None

    def outcome(first_broken_id=None, reason="", broken=False):
        return ChainCheck(checked, first_broken_id, reason, broken, head_id, expected_prev)

    for entry in AuditEntry.objects.order_by("id").iterator(chunk_size=batch_size):
        if entry.compute_hash() != entry.entry_hash:
            return outcome(entry.id, "its content no longer matches its hash (it was altered)")
        if entry.prev_hash != expected_prev:
            return outcome(entry.id, "its link to the previous entry is broken (an entry was removed or reordered)")
        expected_prev, head_id = entry.entry_hash, entry.id
        checked += 1
        while pending and pending[0].entry_count <= checked:
            checkpoint = pending.pop(0)
            if checkpoint.entry_count != checked or checkpoint.head_id != entry.id:
                return outcome(entry.id, f"the trail no longer matches {checkpoint}", broken=True)
    if pending:
        checkpoint = pending[0]
        return outcome(
            checkpoint.head_id, f"the trail was shortened: {checkpoint} but only {checked} entries remain", broken=True
        )
    return outcome()


def audit_chain_verification_run(*, trigger: str, checkpoint: bool = True) -> ChainVerification:
    """Verify the chain and record the result: the one path of the nightly task and the command.

    The result is recorded whatever it is (a broken chain most of all), outside any
    surrounding transaction's fate: the caller may fail afterwards (the command exits
    non-zero). An intact chain is then checkpointed when `checkpoint` is set. The
    record is not an audit entry (see `models.ChainVerification`).
    """
    check = audit_chain_verify()
    record = ChainVerification(
        trigger=trigger,
        intact=check.ok,
        entries_checked=check.checked,
        head_id=check.head_id,
        head_hash=check.head_hash,
        first_broken_entry_id=check.first_broken_id,
        message=check.describe(),
    )
    record.full_clean()
    record.save()
    log = logger.info if check.ok else logger.error
    log(
        "audit chain verification #%s (%s): %s head #%s %s",
        record.pk,
        trigger,
        record.message,
        check.head_id,
        check.head_hash,
    )
    if check.ok and checkpoint:
        audit_checkpoint_record()
    return record


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


def audit_bulk_create(model, objects: list, *, batch_size: int = 500) -> list:
    """`model.objects.bulk_create(objects)` with the audit trail still complete: one creation entry
    per object, with the same content as a one-by-one save would have written, chained in order.

    bulk_create sends no signals, so auditlog writes nothing by itself; this builds the
    entries the way its post_save receiver does (the registered fields' diff from nothing,
    the record's additional data, the actor and address of the request or task) and
    appends them to the chain in one locked batch. Only for models under `audit_model`.
    """
    if not auditlog.contains(model):
        raise ValueError(f"{model.__name__} is not audited: use bulk_create directly.")
    created = model._default_manager.bulk_create(objects, batch_size=batch_size)
    content_type = ContentType.objects.get_for_model(model)
    cid = get_cid()
    entries = []
    for obj in created:
        entry = AuditEntry(
            action=AuditEntry.Action.CREATE,
            content_type=content_type,
            object_pk=str(obj.pk),
            object_id=obj.pk if isinstance(obj.pk, int) else None,
            object_repr=smart_str(obj),
            changes=model_instance_diff(None, obj, use_json_for_changes=settings.AUDITLOG_STORE_JSON_CHANGES),
            serialized_data=AuditEntry.objects._get_serialized_data_or_none(obj),
            additional_data=obj.get_additional_data() if hasattr(obj, "get_additional_data") else None,
            cid=cid,
        )
        # The request's or task's actor and address, as auditlog's pre_save receiver fills them.
        pre_save.send(sender=AuditEntry, instance=entry, raw=False, using="default", update_fields=None)
        entries.append(entry)
    AuditEntry.append_many(entries, batch_size=batch_size)
    return created
