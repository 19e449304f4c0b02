"""Backup and restore with verification: row counts per table and a checksum of the audit trail.

SQLite uses the online backup API (a consistent copy while the app runs); PostgreSQL uses
pg_dump's custom format and pg_restore. Each backup writes ``FILE.manifest.json`` beside it.
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import sqlite3
import subprocess  # noqa: S404 - pg_dump/pg_restore are run with fixed argument lists
from pathlib import Path

from django.apps import apps
from django.db import connection


def table_counts() -> dict[str, int]:
    counts = {}
    with connection.cursor() as cursor:
        for model in apps.get_models():
            if model._meta.managed and not model._meta.proxy:
                table = model._meta.db_table
                cursor.execute(f'SELECT COUNT(*) FROM "{table}"')  # noqa: S608 - table names come from models
                counts[table] = cursor.fetchone()[0]
    return dict(sorted(counts.items()))


def audit_checksum() -> str:
    """SHA-256 over every audit row in id order: any lost or altered row changes it."""
    digest = hashlib.sha256()
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT id, at, actor_username, action, object_type, object_id, person_id, reason "
            "FROM core_auditevent ORDER BY id"
        )
        while rows := cursor.fetchmany(10000):
            for row in rows:
                digest.update("|".join("" if v is None else str(v) for v in row).encode())
                digest.update(b"\n")
    return digest.hexdigest()


def manifest() -> dict:
    return {"vendor": connection.vendor, "tables": table_counts(), "audit_sha256": audit_checksum()}


def _pg_env() -> tuple[dict, list[str]]:
    s = connection.settings_dict
    env = dict(os.environ)
    if s.get("PASSWORD"):
        env["PGPASSWORD"] = s["PASSWORD"]
    args = ["-h", s.get("HOST") or "127.0.0.1", "-p", str(s.get("PORT") or 5432), "-U", s.get("USER") or "postgres"]
    return env, args


def backup(path: Path) -> dict:
    """Write a consistent backup to ``path`` and its manifest beside it; return the manifest."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    connection.ensure_connection()
    info = manifest()
    if connection.vendor == "sqlite":
        source = connection.connection
        with sqlite3.connect(path) as dest:
            source.backup(dest)
    elif connection.vendor == "postgresql":
        env, args = _pg_env()
        subprocess.run(  # noqa: S603 - fixed argument list, no shell; values come from settings
            [_binary("pg_dump"), *args, "-Fc", "-f", str(path), connection.settings_dict["NAME"]],
            check=True,
            env=env,
            capture_output=True,
        )
    else:
        raise RuntimeError(f"backup is not supported on {connection.vendor}")
    Path(f"{path}.manifest.json").write_text(json.dumps(info, indent=2))
    return info


def restore(path: Path) -> dict:
    """Restore ``path`` over the configured database, then verify it against the manifest."""
    path = Path(path)
    expected = json.loads(Path(f"{path}.manifest.json").read_text())
    if connection.vendor == "sqlite":
        connection.ensure_connection()
        with sqlite3.connect(path) as source:
            source.backup(connection.connection)
    elif connection.vendor == "postgresql":
        connection.close()
        env, args = _pg_env()
        subprocess.run(  # noqa: S603 - fixed argument list, no shell; values come from settings
            [
                _binary("pg_restore"),
                *args,
                "--clean",
                "--if-exists",
                "--no-owner",
                "-d",
                connection.settings_dict["NAME"],
                str(path),
            ],
            check=True,
            env=env,
            capture_output=True,
        )
    else:
        raise RuntimeError(f"restore is not supported on {connection.vendor}")
    actual = manifest()
    problems = [
        f"{t}: expected {n}, found {actual['tables'].get(t)}"
        for t, n in expected["tables"].items()
        if actual["tables"].get(t) != n
    ]
    if actual["audit_sha256"] != expected["audit_sha256"]:
        problems.append("audit trail checksum differs")
    return {"ok": not problems, "problems": problems, "manifest": actual}


def _binary(name: str) -> str:
    found = shutil.which(name)
    if found:
        return found
    for candidate in sorted(Path("/usr/lib/postgresql").glob(f"*/bin/{name}"), reverse=True):
        return str(candidate)
    raise RuntimeError(f"{name} not found: install the PostgreSQL client")
