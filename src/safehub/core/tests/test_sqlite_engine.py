"""The embedded default runs on a SQLite that returns the rows a query asks for (core/sqlite_engine.py)."""

from __future__ import annotations

import platform
import sys
from types import SimpleNamespace

import pytest
from django.db import connection

from safehub.core import sqlite_engine

BUNDLED = sys.platform == "linux" and platform.machine() == "x86_64"  # where pysqlite3-binary has wheels


@pytest.mark.skipif(connection.vendor != "sqlite", reason="the SQLite pass of the suite")
@pytest.mark.skipif(not BUNDLED, reason="pysqlite3-binary has wheels for Linux x86-64 only")
def test_django_s_sqlite_backend_runs_on_the_bundled_current_library() -> None:
    assert connection.Database.__name__ == "pysqlite3.dbapi2"
    assert tuple(connection.Database.sqlite_version_info) >= sqlite_engine.MIN_VERSION
    assert sqlite_engine.check_sqlite_version() == []


def test_an_old_sqlite_library_is_warned_about_in_one_line(monkeypatch) -> None:
    old = SimpleNamespace(vendor="sqlite", Database=SimpleNamespace(sqlite_version_info=(3, 40, 1)))
    new = SimpleNamespace(vendor="sqlite", Database=SimpleNamespace(sqlite_version_info=(3, 42, 0)))
    postgres = SimpleNamespace(vendor="postgresql")
    fake = {"old": old, "new": new, "pg": postgres}

    class Connections(dict):
        def __iter__(self):
            return iter(self.keys())

    monkeypatch.setattr("django.db.connections", Connections(fake))
    (warning,) = sqlite_engine.check_sqlite_version()
    assert warning.id == "safehub.W001"
    assert "SQLite 3.40.1 can return rows a query excludes" in warning.msg and "\n" not in warning.msg


def test_prefer_bundled_leaves_the_standard_library_when_pysqlite3_is_missing(monkeypatch) -> None:
    import sqlite3

    monkeypatch.setitem(sys.modules, "pysqlite3", None)  # import fails as if not installed
    monkeypatch.setitem(sys.modules, "sqlite3", sqlite3)
    sqlite_engine.prefer_bundled()
    assert sys.modules["sqlite3"] is sqlite3
