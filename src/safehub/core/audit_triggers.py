"""Database triggers that make the audit trail append-only (SQLite and PostgreSQL)."""

SQL = {
    "sqlite": [
        "CREATE TRIGGER IF NOT EXISTS audit_no_update BEFORE UPDATE ON core_auditevent "
        "BEGIN SELECT RAISE(ABORT, 'the audit trail is append-only'); END;",
        "CREATE TRIGGER IF NOT EXISTS audit_no_delete BEFORE DELETE ON core_auditevent "
        "BEGIN SELECT RAISE(ABORT, 'the audit trail is append-only'); END;",
    ],
    "postgresql": [
        """CREATE OR REPLACE FUNCTION safehub_audit_append_only() RETURNS trigger AS $$
        BEGIN RAISE EXCEPTION 'the audit trail is append-only'; END; $$ LANGUAGE plpgsql;""",
        "DROP TRIGGER IF EXISTS audit_append_only ON core_auditevent;",
        "CREATE TRIGGER audit_append_only BEFORE UPDATE OR DELETE ON core_auditevent "
        "FOR EACH ROW EXECUTE FUNCTION safehub_audit_append_only();",
        "DROP TRIGGER IF EXISTS audit_no_truncate ON core_auditevent;",
        "CREATE TRIGGER audit_no_truncate BEFORE TRUNCATE ON core_auditevent "
        "FOR EACH STATEMENT EXECUTE FUNCTION safehub_audit_append_only();",
    ],
}
REVERSE = {
    "sqlite": ["DROP TRIGGER IF EXISTS audit_no_update;", "DROP TRIGGER IF EXISTS audit_no_delete;"],
    "postgresql": [
        "DROP TRIGGER IF EXISTS audit_append_only ON core_auditevent;",
        "DROP TRIGGER IF EXISTS audit_no_truncate ON core_auditevent;",
    ],
}


def install(connection) -> None:
    with connection.cursor() as cursor:
        for sql in SQL.get(connection.vendor, []):
            cursor.execute(sql)


def remove(connection) -> None:
    """Drop the triggers: only the test suite's database flush and a retention job's purge need this."""
    with connection.cursor() as cursor:
        for sql in REVERSE.get(connection.vendor, []):
            cursor.execute(sql)
