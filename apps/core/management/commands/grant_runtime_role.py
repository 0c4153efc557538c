"""Give the runtime database role exactly the rights the portal needs, after every `migrate`.

Migrations run as the tables' owner; web, worker and beat connect as a role
that reads and writes rows but owns nothing, so it can neither alter nor drop
the audit trail's triggers, and may only read and append audit records.
"""

from django.core.management.base import BaseCommand, CommandError
from django.db import connection, transaction
from psycopg import sql

# Append-only at the privilege level too: the runtime role may read and add, never change or empty.
APPEND_ONLY_TABLES = (
    "audit_auditentry",
    "audit_auditcheckpoint",
    "audit_chainverification",
    "audit_securityevent",
)


class Command(BaseCommand):
    help = "Grant the runtime role read/write on the portal's tables and append-only rights on the audit trail."

    def add_arguments(self, parser):
        parser.add_argument("role", help="The runtime database role (it must exist and must not own the tables).")

    @transaction.atomic
    def handle(self, *args, role: str, **options):
        if connection.vendor != "postgresql":
            raise CommandError("Runtime roles are a PostgreSQL deployment feature.")
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1 FROM pg_roles WHERE rolname = %s", [role])
            if cursor.fetchone() is None:
                raise CommandError(f"No database role “{role}”: create it first (docs/security.md).")
            cursor.execute("SELECT current_user")
            if cursor.fetchone()[0] == role:
                raise CommandError("Run this as the owner of the tables, not as the runtime role.")
            grantee = sql.Identifier(role)
            schema = sql.Identifier(connection.settings_dict.get("OPTIONS", {}).get("schema", "public"))
            statements = [
                sql.SQL("GRANT USAGE ON SCHEMA {} TO {}").format(schema, grantee),
                sql.SQL("GRANT SELECT, INSERT, UPDATE, DELETE ON ALL TABLES IN SCHEMA {} TO {}").format(
                    schema, grantee
                ),
                sql.SQL("GRANT USAGE, SELECT ON ALL SEQUENCES IN SCHEMA {} TO {}").format(schema, grantee),
                sql.SQL("REVOKE TRUNCATE, REFERENCES, TRIGGER ON ALL TABLES IN SCHEMA {} FROM {}").format(
                    schema, grantee
                ),
            ]
            statements += [
                sql.SQL("REVOKE UPDATE, DELETE ON {} FROM {}").format(sql.Identifier(table), grantee)
                for table in APPEND_ONLY_TABLES
            ]
            for statement in statements:
                cursor.execute(statement)
        self.stdout.write(self.style.SUCCESS(f"Runtime role “{role}”: rows read and written, audit trail append-only."))
