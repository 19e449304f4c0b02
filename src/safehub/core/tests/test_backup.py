"""Backup and restore drill against a real database file (and PostgreSQL when the suite runs on it)."""

import os
import subprocess
import sys
import uuid
from pathlib import Path

import pytest
from django.db import connection

ROOT = Path(__file__).resolve().parents[4]


def _run(env, *args):
    result = subprocess.run(
        [sys.executable, "-m", "safehub", *args], env=env, cwd=ROOT, capture_output=True, text=True, timeout=300
    )
    return result


def _env(database_url: str, tmp_path: Path) -> dict:
    env = {k: v for k, v in os.environ.items() if not k.startswith("DATABASE_URL")}
    env.update(
        {
            "DATABASE_URL": database_url,
            "SAFEHUB_DEMO": "1",
            "DJANGO_SETTINGS_MODULE": "safehub.config.settings",
            "SAFEHUB_DATA_DIR": str(tmp_path),
        }
    )
    return env


def _drill(env, tmp_path):
    assert _run(env, "migrate", "--noinput", "-v0").returncode == 0
    assert _run(env, "seed_demo", "--scale", "0.002", "--only", "agencies", "people").returncode == 0
    # Some audit rows to protect: a failed sign-in is audited even with no user.
    script = "from django.test import Client; c = Client(); c.post('/sign-in/', {'username': 'x', 'password': 'y'})"
    assert _run(env, "shell", "-c", script).returncode == 0
    backup_file = tmp_path / "backup.bin"
    made = _run(env, "backup", str(backup_file))
    assert made.returncode == 0, made.stderr
    # Damage the live database, then restore and verify.
    damage = "from safehub.people.models import Address; Address.objects.all().delete()"
    assert _run(env, "shell", "-c", damage).returncode == 0
    restored = _run(env, "restore", str(backup_file))
    assert restored.returncode == 0, restored.stderr
    assert "audit checksum matches" in restored.stdout
    count = _run(env, "shell", "-c", "from safehub.people.models import Address; print(Address.objects.count())")
    assert int(count.stdout.strip().splitlines()[-1]) > 0


def test_sqlite_backup_restore_drill(tmp_path):
    _drill(_env(f"sqlite:///{tmp_path / 'live.sqlite3'}", tmp_path), tmp_path)


def test_postgresql_backup_restore_drill(tmp_path):
    if connection.vendor != "postgresql":
        pytest.skip("runs in the PostgreSQL pass of the suite (DATABASE_URL=postgres://...)")
    import psycopg

    name = f"safehub_drill_{uuid.uuid4().hex[:8]}"
    s = connection.settings_dict
    server = {"host": s["HOST"] or "127.0.0.1", "port": s["PORT"] or 5432, "user": s["USER"], "dbname": "postgres"}
    with psycopg.connect(**server, autocommit=True) as admin:
        admin.execute(f'CREATE DATABASE "{name}"')
    try:
        url = f"postgres://{s['USER']}@{server['host']}:{server['port']}/{name}"
        _drill(_env(url, tmp_path), tmp_path)
    finally:
        with psycopg.connect(**server, autocommit=True) as admin:
            admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


@pytest.mark.django_db
def test_manifest_checksum_changes_when_an_audit_row_is_added(mash_worker):
    from django.utils import timezone

    from safehub.core import audit
    from safehub.core.backup import manifest
    from safehub.core.models import AuditAction

    before = manifest()
    audit.record(actor=mash_worker, action=AuditAction.VIEW, at=timezone.now(), person_id=1)
    after = manifest()
    assert before["audit_sha256"] != after["audit_sha256"]
    assert after["tables"]["core_auditevent"] == before["tables"]["core_auditevent"] + 1
