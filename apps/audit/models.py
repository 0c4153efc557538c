"""The append-only, hash-chained audit trail.

django-auditlog captures every create, update and delete of a registered model
(through the UI, the API, the admin, Celery or a management command) with a
field-level diff. This model is auditlog's entry with three additions:

* `prev_hash` / `entry_hash`: each entry hashes its own content together with
  the previous entry's hash, so altering or removing a row breaks the chain
  (see `services.audit_chain_verify`);
* `project_id`: the project the audited record belongs to (a plain column, no
  foreign key: deleting a project must not touch its history);
* refusal to update or delete: in the ORM through `apps.core.models.AppendOnlyModel`
  (the portal's one append-only guard) and, on PostgreSQL, by a trigger (migration 0002)
  that holds even against raw SQL.
"""

import hashlib
import json
import threading
from contextlib import contextmanager

from auditlog.models import AbstractLogEntry, LogEntryManager
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
        return hashlib.sha256(self.hash_payload().encode()).hexdigest()
