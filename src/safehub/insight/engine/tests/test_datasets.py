"""Check that snapshots are validated against the declared datasets before any measure runs."""

from __future__ import annotations

import os
import subprocess
import sys
from datetime import date, datetime
from pathlib import Path

import pyarrow as pa
import pytest

from safehub.insight.engine import (
    DATASETS,
    SnapshotInvalid,
    compute_measures,
    snapshot_conform,
    snapshot_from_rows,
    snapshot_validate,
)


def test_missing_tables_are_read_as_empty_with_the_declared_schema() -> None:
    conformed = snapshot_conform({})

    assert set(conformed) == set(DATASETS)
    assert conformed["contacts"].schema == DATASETS["contacts"].schema
    assert conformed["contacts"].num_rows == 0


def test_narrower_types_are_widened() -> None:
    table = pa.table(
        {
            "referral_id": pa.array([1], pa.int32()),
            "person_id": pa.array([2], pa.int16()),
            "contact_id": pa.array([None], pa.null()),
            "referral_date": pa.array([date(2024, 5, 1)], pa.date32()),
            "source": pa.array(["police"]).dictionary_encode(),
            "nfa": pa.array([False]),
        }
    )

    conformed = snapshot_conform({"referrals": table})

    assert conformed["referrals"].schema == DATASETS["referrals"].schema
    assert compute_measures({"referrals": table}, year="2024-25")["referrals_total"] == 1


def test_every_problem_is_reported_at_once() -> None:
    contacts = snapshot_from_rows({"contacts": [{"contact_id": 1}]})["contacts"].drop_columns(["source"])
    naive = pa.table(
        {
            "request_id": pa.array([1], pa.int64()),
            "requested_at": pa.array([datetime(2024, 5, 1, 9)], pa.timestamp("us")),
            "due_at": pa.array([None], pa.timestamp("us", tz="UTC")),
            "answered_at": pa.array([None], pa.timestamp("us", tz="UTC")),
            "urgency": pa.array([None], pa.string()),
        }
    )

    problems = snapshot_validate({"contacts": contacts, "health_requests": naive})

    assert [str(p) for p in problems] == [
        "contacts.source: column is missing",
        "health_requests.requested_at: type timestamp[us] cannot be read as timestamp[us, tz=UTC]",
    ]


def test_repeated_and_missing_keys_are_refused() -> None:
    rows = {
        "referrals": [{"referral_id": 1}, {"referral_id": 1}],
        "strategy_invites": [{"meeting_id": 1, "agency_id": 2}, {"meeting_id": 1, "agency_id": 2}],
    }
    tables = snapshot_from_rows(rows)
    tables["cp_plans"] = pa.table({"plan_id": pa.array([None, 3], pa.int64())}).append_column(
        "person_id", pa.array([1, 1], pa.int64())
    )

    with pytest.raises(SnapshotInvalid) as caught:
        snapshot_conform(tables)

    messages = [str(p) for p in caught.value.problems]
    assert "referrals.referral_id: 1 rows repeat a key" in messages
    assert "strategy_invites.meeting_id,agency_id: 1 rows repeat a key" in messages
    assert any(m.startswith("cp_plans.start_date: column is missing") for m in messages)


def test_key_checks_share_one_duckdb_connection(monkeypatch) -> None:
    """Issue 23: a connection per key check cost the first insight page in a fresh process seconds."""
    import duckdb

    opened = []
    connect = duckdb.connect
    monkeypatch.setattr(duckdb, "connect", lambda *args, **kwargs: opened.append(1) or connect(*args, **kwargs))
    tables = snapshot_from_rows({
        "referrals": [{"referral_id": 2}, {"referral_id": 1}, {"referral_id": 2}],
        "contacts": [{"contact_id": 9}, {"contact_id": 8}],
        "strategy_invites": [{"meeting_id": 1, "agency_id": 2}, {"meeting_id": 1, "agency_id": 2}],
    })  # fmt: skip

    problems = [str(p) for p in snapshot_validate(tables)]

    assert "referrals.referral_id: 1 rows repeat a key" in problems
    assert "strategy_invites.meeting_id,agency_id: 1 rows repeat a key" in problems
    assert not any(p.startswith("contacts.") for p in problems)
    assert len(opened) == 1


def test_unknown_fixture_columns_are_refused() -> None:
    with pytest.raises(ValueError, match="unknown columns"):
        snapshot_from_rows({"contacts": [{"contact_id": 1, "colour": "red"}]})


def test_engine_and_returns_do_not_import_django() -> None:
    code = (
        "import sys, safehub.insight.engine, safehub.returns.cin_census.writer, safehub.returns.sac.writer; "
        "sys.exit(1 if any(m == 'django' or m.startswith('django.') for m in sys.modules) else 0)"
    )

    src = str(Path(__file__).resolve().parents[4])
    env = {**os.environ, "PYTHONPATH": src, "DJANGO_SETTINGS_MODULE": ""}

    completed = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=False, env=env)

    assert completed.returncode == 0, completed.stderr
