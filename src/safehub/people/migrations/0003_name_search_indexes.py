"""Case-insensitive prefix search on names: expression indexes on PostgreSQL (SQLite's LIKE needs none)."""

from django.db import migrations

INDEXES = [
    ("person_family_upper", "people_person", "family_name"),
    ("person_given_upper", "people_person", "given_name"),
    ("personname_family_upper", "people_personname", "family_name"),
]


def create(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    for name, table, column in INDEXES:
        schema_editor.execute(f'CREATE INDEX IF NOT EXISTS {name} ON {table} (UPPER("{column}"::text) text_pattern_ops)')


def drop(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    for name, _, _ in INDEXES:
        schema_editor.execute(f"DROP INDEX IF EXISTS {name}")


class Migration(migrations.Migration):
    dependencies = [("people", "0002_duplicate_review_and_merges")]
    operations = [migrations.RunPython(create, drop)]
