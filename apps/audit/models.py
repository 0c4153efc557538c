"""The append-only, hash-chained audit trail.

django-auditlog captures every create, update and delete of a registered model
(through the UI, the API, the admin, Celery or a management command) with a
field-level diff. This model is auditlog's entry with three additions:

* `prev_hash` / `entry_hash`: each entry's HMAC (keyed with AUDIT_CHAIN_KEY)
  covers its own content and the previous entry's hash, so altering or removing
  a row breaks the chain, and an altered row cannot be re-hashed to hide it
  without the key (see `services.audit_chain_verify`);
* `project_id`: the project the audited record belongs to (a plain column, no
  foreign key: deleting a project must not touch its history);
* refusal to update or delete: in the ORM through `apps.core.models.AppendOnlyModel`
  (the portal's one append-only guard) and, on PostgreSQL, by triggers that hold even
  against raw SQL and also refuse TRUNCATE (migrations 0002 and 0004).

`AuditCheckpoint` rows record the chain's length and head from time to time, so
an emptied or shortened trail no longer verifies as "intact". Checkpoints and
security events are append-only records too.
"""

import hashlib
import hmac
import json
import threading
from contextlib import contextmanager

from auditlog.models import AbstractLogEntry, LogEntryManager
from django.conf import settings
from django.db import connection, models, transaction

from apps.core.models import AppendOnlyModel, AppendOnlyQuerySet

GENESIS_HASH = "0" * 64
_sqlite_chain_lock = threading.Lock()


@contextmanager
def _chain_lock():
    """Serialise chain appends: a transaction-scoped advisory lock on PostgreSQL,
    a process lock on the embedded SQLite default."""
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_xact_lock(hashtext('portal.audit_chain'))")
        yield
    else:
        with _sqlite_chain_lock:
            yield


class AuditEntryQuerySet(AppendOnlyQuerySet):
    """Audit entries can be read and filtered, never bulk-changed."""

    def for_project(self, project_id: int):
        return self.filter(project_id=project_id)


class AuditEntryManager(LogEntryManager.from_queryset(AuditEntryQuerySet)):
    """auditlog's manager (log_create & co.) over the append-only queryset."""


class AuditEntry(AppendOnlyModel, AbstractLogEntry):
    """One create, update or delete of a governance record, chained to the one before."""

    project_id = models.BigIntegerField(null=True, blank=True, db_index=True)
    prev_hash = models.CharField(max_length=64, editable=False)
    entry_hash = models.CharField(max_length=64, editable=False, unique=True)

    objects = AuditEntryManager()

    class Meta(AbstractLogEntry.Meta):
        ordering = ["-id"]
        verbose_name = "audit entry"
        verbose_name_plural = "audit entries"

    def save(self, *args, **kwargs):
        self.project_id = (self.additional_data or {}).get("project_id", self.project_id)
        with transaction.atomic(), _chain_lock():
            super().save(*args, **kwargs)

    @classmethod
    def append_many(cls, entries: list["AuditEntry"], *, batch_size: int = 500) -> list["AuditEntry"]:
        """Chain `entries` after the current head, in order, and insert them in a few statements.

        The same chain as saving them one by one (verify cannot tell them apart): the
        lock is held while the head is read and the entries are inserted, and ids follow
        the list's order, which is the order verification walks.
        """
        if not entries:
            return entries
        with transaction.atomic(), _chain_lock():
            previous = cls.objects.order_by("-id").values_list("entry_hash", flat=True).first() or GENESIS_HASH
            for entry in entries:
                entry.project_id = (entry.additional_data or {}).get("project_id", entry.project_id)
                entry.prev_hash = previous
                entry.entry_hash = previous = entry.compute_hash()
            return cls.objects.bulk_create(entries, batch_size=batch_size)

    def _save_table(self, *args, **kwargs):
        # Chained here rather than in save(): auditlog fills the actor and the
        # request data in a pre_save receiver, and the hash must cover them.
        previous = AuditEntry.objects.order_by("-id").values_list("entry_hash", flat=True).first()
        self.prev_hash = previous or GENESIS_HASH
        self.entry_hash = self.compute_hash()
        return super()._save_table(*args, **kwargs)

    def hash_payload(self) -> str:
        """The canonical text that the entry's hash covers."""
        return json.dumps(
            {
                "prev": self.prev_hash,
                "timestamp": self.timestamp.isoformat(),
                "action": self.action,
                "content_type": self.content_type_id,
                "object_pk": str(self.object_pk),
                "object_repr": self.object_repr,
                "changes": self.changes,
                "changes_text": self.changes_text,
                "actor": self.actor_id,
                "actor_email": self.actor_email,
                "remote_addr": self.remote_addr,
                "cid": self.cid,
                "additional_data": self.additional_data,
                "project": self.project_id,
            },
            sort_keys=True,
            separators=(",", ":"),
            default=str,
        )

    def compute_hash(self) -> str:
        return chain_mac(self.hash_payload())


def chain_mac(payload: str) -> str:
    """HMAC-SHA256 under the audit chain key: without the key, nobody can forge a matching hash."""
    return hmac.new(settings.AUDIT_CHAIN_KEY.encode(), payload.encode(), hashlib.sha256).hexdigest()


class AuditCheckpoint(AppendOnlyModel):
    """The chain's length and head at one moment, signed with the chain key.

    Checkpoints live outside the entry table (and are logged), so verification
    notices a trail that was emptied or lost its latest entries: the entry a
    checkpoint names must still be there, with the same hash and position.
    """

    created_at = models.DateTimeField(auto_now_add=True)
    entry_count = models.PositiveBigIntegerField()
    head_id = models.BigIntegerField(null=True, blank=True)
    head_hash = models.CharField(max_length=64)
    signature = models.CharField(max_length=64, editable=False)

    class Meta:
        ordering = ["-id"]
        get_latest_by = "id"

    def __str__(self) -> str:
        return f"Checkpoint of {self.entry_count} entries up to #{self.head_id} at {self.created_at:%Y-%m-%d %H:%M}"

    def save(self, *args, **kwargs):
        self.signature = chain_mac(self.signed_payload())
        super().save(*args, **kwargs)

    def signed_payload(self) -> str:
        return f"{self.entry_count}:{self.head_id}:{self.head_hash}"


class SecurityEvent(AppendOnlyModel):
    """A sign-in, sign-out, lockout, API token issue or revocation, or an export.

    Each event lands in the chained audit trail (it is an audited record), so
    the trail answers "who signed in from where" and "who exported what".
    """

    class Kind(models.TextChoices):
        LOGIN = "login", "Signed in"
        LOGIN_FAILED = "login_failed", "Failed sign-in"
        LOCKED_OUT = "locked_out", "Locked out"
        LOGOUT = "logout", "Signed out"
        TOKEN_ISSUED = "token_issued", "API token issued"
        TOKEN_REVOKED = "token_revoked", "API token revoked"
        TOKEN_EXPIRED = "token_expired", "API token expired"
        EXPORT = "export", "Export"

    kind = models.CharField(max_length=20, choices=Kind.choices, db_index=True)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    username = models.CharField(max_length=150, blank=True, help_text="As typed, for failed sign-ins.")
    ip_address = models.GenericIPAddressField(null=True, blank=True)
    project_id = models.BigIntegerField(null=True, blank=True)
    detail = models.JSONField(default=dict, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-id"]

    def __str__(self) -> str:
        what = self.detail.get("what", "") if isinstance(self.detail, dict) else ""
        who = self.username or (str(self.user) if self.user_id else "someone")
        return f"{self.get_kind_display()}: {who}{f' — {what}' if what else ''}"

    def get_additional_data(self) -> dict:
        return {"project_id": self.project_id}


class ChainVerification(AppendOnlyModel):
    """The outcome of one walk of the whole chain (`services.audit_chain_verification_run`).

    Not itself an audited record: an audit entry per verification would move the head that
    the verification has just recorded, and grow the trail every night with nothing that a
    person did. Like a checkpoint it lives outside the entry table, append-only in the ORM
    and, on PostgreSQL, by trigger (migration 0007); each run is also logged.
    """

    class Trigger(models.TextChoices):
        NIGHTLY = "nightly", "Nightly task"
        COMMAND = "command", "verify_audit_chain command"

    ran_at = models.DateTimeField(auto_now_add=True, db_index=True)
    trigger = models.CharField(max_length=10, choices=Trigger.choices)
    intact = models.BooleanField()
    entries_checked = models.PositiveBigIntegerField(help_text="Entries verified before the end or the break.")
    head_id = models.BigIntegerField(null=True, blank=True, help_text="The last entry verified.")
    head_hash = models.CharField(max_length=64, help_text="That entry's hash (the genesis hash for none).")
    first_broken_entry_id = models.BigIntegerField(null=True, blank=True)
    message = models.TextField()

    class Meta:
        ordering = ["-id"]
        get_latest_by = "id"

    def __str__(self) -> str:
        state = "intact" if self.intact else "BROKEN"
        return f"Verification of {self.entries_checked} entries at {self.ran_at:%Y-%m-%d %H:%M}: {state}"
