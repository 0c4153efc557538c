"""On PostgreSQL the database refuses any change to recorded verifications, and their TRUNCATE,
with the same functions as for checkpoints (migrations 0002 and 0004)."""

from django.db import migrations

CREATE = """
CREATE TRIGGER audit_chainverification_append_only
    BEFORE UPDATE OR DELETE ON audit_chainverification
    FOR EACH ROW EXECUTE FUNCTION audit_entry_append_only();
CREATE TRIGGER audit_chainverification_no_truncate
    BEFORE TRUNCATE ON audit_chainverification
    FOR EACH STATEMENT EXECUTE FUNCTION audit_refuse_truncate();
"""

DROP = """
DROP TRIGGER IF EXISTS audit_chainverification_append_only ON audit_chainverification;
DROP TRIGGER IF EXISTS audit_chainverification_no_truncate ON audit_chainverification;
"""


def _on_postgresql(sql):
    def run(apps, schema_editor):
        if schema_editor.connection.vendor == "postgresql":
            schema_editor.execute(sql)

    return run


class Migration(migrations.Migration):
    dependencies = [("audit", "0006_chain_verifications")]

    operations = [migrations.RunPython(_on_postgresql(CREATE), _on_postgresql(DROP))]
