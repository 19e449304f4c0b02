"""More prefix-search indexes on PostgreSQL: preferred names and aliases' given names."""

from django.db import migrations

INDEXES = [
    ("person_preferred_upper", "people_person", "preferred_name"),
    ("personname_given_upper", "people_personname", "given_name"),
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
    dependencies = [("people", "0003_name_search_indexes")]
    operations = [migrations.RunPython(create, drop)]
