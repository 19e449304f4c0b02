"""Make the audit trail append-only in the database itself (both SQLite and PostgreSQL)."""

from django.db import migrations

from safehub.core import audit_triggers


def apply(apps, schema_editor):
    audit_triggers.install(schema_editor.connection)


def revert(apps, schema_editor):
    audit_triggers.remove(schema_editor.connection)


class Migration(migrations.Migration):
    dependencies = [("core", "0001_initial")]
    operations = [migrations.RunPython(apply, revert)]
