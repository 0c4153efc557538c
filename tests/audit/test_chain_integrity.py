"""The trail cannot be emptied, shortened or re-hashed without verification noticing."""

import hashlib

import pytest
from django.core.management import CommandError, call_command
from django.db import DatabaseError, connection, transaction

from apps.audit.models import AuditCheckpoint, AuditEntry
from apps.audit.services import audit_chain_verify, audit_checkpoint_record
from apps.audit.tasks import verify_audit_chain
from apps.projects.choices import Role

pytestmark = pytest.mark.postgres


@pytest.fixture(autouse=True)
def _postgresql_only():
    if connection.vendor != "postgresql":
        pytest.fail("these tests need PostgreSQL (triggers); run them with DATABASE_URL set")


def _as_superuser(sql, params=()):
    """What a database superuser could do: bypass the triggers for the session first."""
    with connection.cursor() as cursor:
        cursor.execute("SET session_replication_role = replica")
        cursor.execute(sql, params)
        cursor.execute("SET session_replication_role = origin")


def test_truncate_of_the_trail_is_refused_by_the_database(project):
    with pytest.raises(DatabaseError, match="TRUNCATE refused"), transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")  # the test's pending FK checks would block TRUNCATE
        cursor.execute("SET LOCAL portal.audit_maintenance = off")
        cursor.execute("TRUNCATE audit_auditentry")
    assert AuditEntry.objects.exists()


def test_checkpoints_cannot_be_changed_or_emptied(project):
    audit_checkpoint_record()
    for sql in ("UPDATE audit_auditcheckpoint SET entry_count = 0", "DELETE FROM audit_auditcheckpoint"):
        with pytest.raises(DatabaseError, match="append-only"), transaction.atomic(), connection.cursor() as cursor:
            cursor.execute(sql)
    assert AuditCheckpoint.objects.count() == 1


def test_an_emptied_trail_fails_verification(project):
    audit_checkpoint_record()
    _as_superuser("DELETE FROM audit_auditentry")
    result = audit_chain_verify()
    assert not result.ok
    assert result.checked == 0
    assert "shortened" in result.reason
    with pytest.raises(CommandError, match="shortened"):
        call_command("verify_audit_chain")


def test_removing_the_latest_entries_fails_verification(project, member_of):
    member_of(project, Role.DOMAIN_SME)
    checkpoint = audit_checkpoint_record()
    latest = list(AuditEntry.objects.order_by("-id").values_list("id", flat=True)[:2])
    _as_superuser("DELETE FROM audit_auditentry WHERE id = ANY(%s)", [latest])
    result = audit_chain_verify()
    assert not result.ok
    assert result.first_broken_id == checkpoint.head_id
    assert f"only {checkpoint.entry_count - 2} entries remain" in result.reason


def test_entries_written_after_the_last_checkpoint_still_verify(project, member_of):
    audit_checkpoint_record()
    member_of(project, Role.QA_ENGINEER)
    assert audit_chain_verify().ok


def test_a_rehashed_row_is_named_itself_not_its_successor(project, member_of):
    member_of(project)
    victim = AuditEntry.objects.order_by("id")[2]
    victim.object_repr = "Something else"
    # An attacker without the chain key recomputes the hash the only way they can.
    forged = hashlib.sha256(victim.hash_payload().encode()).hexdigest()
    _as_superuser(
        "UPDATE audit_auditentry SET object_repr = %s, entry_hash = %s WHERE id = %s",
        ["Something else", forged, victim.id],
    )
    result = audit_chain_verify()
    assert result.first_broken_id == victim.id
    assert "content no longer matches" in result.reason


def test_a_forged_checkpoint_fails_verification(project):
    audit_checkpoint_record()
    _as_superuser("UPDATE audit_auditcheckpoint SET entry_count = 1")
    result = audit_chain_verify()
    assert not result.ok
    assert "signature" in result.reason


def test_checkpoint_is_recorded_once_per_growth(project, member_of):
    assert audit_checkpoint_record() is not None
    assert audit_checkpoint_record() is None
    member_of(project)
    second = audit_checkpoint_record()
    assert second.entry_count == AuditEntry.objects.count()
    assert second.head_id == AuditEntry.objects.order_by("-id").first().id


def test_nightly_verification_checkpoints_an_intact_chain(project):
    assert verify_audit_chain()["ok"]
    assert AuditCheckpoint.objects.get().entry_count == AuditEntry.objects.count()
