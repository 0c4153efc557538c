"""The runtime database role reads and writes rows, but cannot change, empty or unguard the audit trail."""

import uuid

import pytest
from django.core.management import CommandError, call_command
from django.db import DatabaseError, connection, transaction

from apps.audit.models import AuditEntry

pytestmark = pytest.mark.postgres


@pytest.fixture
def runtime_role(project):
    if connection.vendor != "postgresql":
        pytest.fail("database roles need PostgreSQL: run with DATABASE_URL set")
    role = f"portal_app_{uuid.uuid4().hex[:8]}"  # roles are cluster-wide; CREATE ROLE rolls back with the test
    with connection.cursor() as cursor:
        cursor.execute(f'CREATE ROLE "{role}" NOLOGIN')
    call_command("grant_runtime_role", role)
    return role


def _as(role, sql, params=()):
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(f'SET LOCAL ROLE "{role}"')
        cursor.execute(sql, params)
        return cursor.rowcount


def test_the_runtime_role_reads_and_writes_ordinary_rows(runtime_role, project):
    assert _as(runtime_role, "SELECT id FROM projects_project") >= 1
    assert _as(runtime_role, "UPDATE projects_project SET name = name WHERE id = %s", [project.pk]) == 1
    assert _as(runtime_role, "SELECT id FROM audit_auditentry") == AuditEntry.objects.count()


@pytest.mark.parametrize(
    "sql",
    [
        "UPDATE audit_auditentry SET object_repr = 'x'",
        "DELETE FROM audit_auditentry",
        "TRUNCATE audit_auditentry",
        "DELETE FROM audit_auditcheckpoint",
        "ALTER TABLE audit_auditentry DISABLE TRIGGER audit_entry_append_only",
        "DROP TRIGGER audit_entry_no_truncate ON audit_auditentry",
        "TRUNCATE risks_risk",
    ],
)
def test_the_runtime_role_cannot_change_or_unguard_the_audit_trail(runtime_role, sql):
    with pytest.raises(DatabaseError, match="permission denied|must be owner"):
        _as(runtime_role, sql)


def test_the_command_refuses_an_unknown_role(db):
    if connection.vendor != "postgresql":
        pytest.fail("database roles need PostgreSQL: run with DATABASE_URL set")
    with pytest.raises(CommandError, match="No database role"):
        call_command("grant_runtime_role", "no_such_role_here")
