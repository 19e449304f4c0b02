"""``safehub measures --year ... --json`` end to end: records -> snapshot -> engine -> JSON."""

from __future__ import annotations

import json
from io import StringIO

import pytest
from django.core.management import CommandError, call_command

from safehub.insight.engine import measure_definitions
from safehub.insight.snapshot import build_snapshot

from .fixtures import KNOWN_2024_25, make_records

pytestmark = pytest.mark.django_db


def run_measures(year: str) -> dict:
    out = StringIO()
    call_command("measures", "--year", year, "--json", stdout=out, stderr=StringIO())
    return json.loads(out.getvalue())


def test_measures_json_gives_the_known_answers_for_the_fixture_year() -> None:
    make_records()

    values = run_measures("2024-25")

    assert {k: values[k] for k in KNOWN_2024_25} == KNOWN_2024_25


def test_measures_json_has_every_engine_measure_and_nothing_else() -> None:
    make_records()

    values = run_measures("2024-25")

    assert list(values) == [m.id for m in measure_definitions()]


def test_next_year_picks_up_the_records_dated_after_31_march() -> None:
    make_records()

    values = run_measures("2025-26")

    # Cara's contact at 00:30 BST on 1 April 2025, Cara's referral, Dev's conference.
    assert values["contacts_total"] == 1
    assert values["referrals_total"] == 1
    assert values["icpc_total"] == 1
    assert values["strategy_records_shared_in_time_pct"] == 100.0


def test_an_empty_denominator_is_null() -> None:
    values = run_measures("2024-25")

    assert values["contacts_total"] == 0
    assert values["re_referrals_12m_pct"] is None


def test_a_bad_year_fails_with_a_one_line_reason() -> None:
    with pytest.raises(CommandError, match="financial year such as 2024-25"):
        call_command("measures", "--year", "2024", "--json", stdout=StringIO())


def test_snapshot_maps_sources_to_groups_and_merged_people_to_the_survivor() -> None:
    records = make_records()
    records.dev.merged_into = records.anna
    records.dev.save()

    snapshot = build_snapshot()

    assert set(snapshot["contacts"].column("source").to_pylist()) == {"police", "school", "health"}
    assert records.dev.pk not in snapshot["referrals"].column("person_id").to_pylist()
    assert snapshot["referrals"].column("person_id").to_pylist().count(records.anna.pk) == 4
    assert snapshot["contacts"].column("late_flagged").to_pylist().count(True) == 1


def test_raw_sources_keep_census_codes_for_the_cin_return() -> None:
    make_records()

    snapshot = build_snapshot(raw_sources=True)

    assert set(snapshot["referrals"].column("source").to_pylist()) == {"6", "2A", "3F"}
