"""The pathway measures in the engine, and the snapshot tables the pathways app builds for them."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import pytest

from safehub.casework.models import StrategyMeeting
from safehub.insight.engine import compute_measures, snapshot_from_rows
from safehub.pathways import snapshot_tables
from safehub.testing.factories import EducationPlacementFactory, InvolvementFactory, PersonFactory

YEAR = "2024-25"


def _measures(rows: dict) -> dict:
    return compute_measures(snapshot_from_rows(rows), year=YEAR)  # type: ignore[arg-type]


def test_ppn_strategy_measures_count_followed_ppns_and_the_share_within_the_standard():
    at = datetime(2024, 6, 3, 9, tzinfo=UTC)
    rows = {
        "ppn_strategy": [
            {"contact_id": 1, "person_id": 1, "received_at": at, "received_date": date(2024, 6, 3), "followed": True,
             "first_strategy_held_at": at, "on_time": True},
            {"contact_id": 2, "person_id": 2, "received_at": at, "received_date": date(2024, 6, 3), "followed": True,
             "first_strategy_held_at": None, "on_time": False},
            {"contact_id": 3, "person_id": 3, "received_at": at, "received_date": date(2024, 6, 3), "followed": True,
             "first_strategy_held_at": None, "on_time": None},  # still within time: not in the percentage
            {"contact_id": 4, "person_id": 4, "received_at": at, "received_date": date(2024, 6, 3), "followed": False},
            {"contact_id": 5, "person_id": 5, "received_at": at, "received_date": date(2024, 3, 31), "followed": True,
             "on_time": True},  # the year before
        ]
    }  # fmt: skip
    result = _measures(rows)
    assert result["ppn_strategy_discussions_total"] == 3
    assert result["ppn_strategy_within_standard_pct"] == 50.0


def test_encompass_measures_count_incidents_with_no_known_setting():
    day = date(2024, 9, 10)
    rows = {
        "encompass_incidents": [
            {"contact_id": 1, "person_id": 1, "incident_date": day, "setting_known": True, "under_five": False,
             "health_visiting_notified": False},
            {"contact_id": 2, "person_id": 2, "incident_date": day, "setting_known": False, "under_five": True,
             "health_visiting_notified": True},
            {"contact_id": 3, "person_id": 3, "incident_date": day, "setting_known": False, "under_five": True,
             "health_visiting_notified": False},
            {"contact_id": 4, "person_id": 4, "incident_date": day, "setting_known": False, "under_five": False,
             "health_visiting_notified": False},
        ]
    }  # fmt: skip
    result = _measures(rows)
    assert result["encompass_incidents_total"] == 4
    assert result["encompass_incidents_no_setting_total"] == 3
    assert result["encompass_under5_no_setting_health_visiting_pct"] == 50.0
    assert _measures({})["encompass_under5_no_setting_health_visiting_pct"] is None


@pytest.mark.django_db
def test_the_snapshot_tables_apply_the_pathway_rules(police_officer, mash_manager, school):
    from safehub.frontdoor import services

    now = datetime(2025, 3, 12, 15, tzinfo=UTC)
    at_school, toddler = PersonFactory(), PersonFactory(date_of_birth=date(2023, 1, 1))
    EducationPlacementFactory(person=at_school, setting=school)  # since 1 September 2024
    for child in (at_school, toddler):
        InvolvementFactory(person=child, agency=police_officer.membership.agency, kind="PROFESSIONAL", started_at=now)
        services.contact_record(
            by=police_officer, now=now, children=[services.ChildEntry(family_name="X", person_id=child.pk,
                                                                      child_voice="Upset")],
            source="6", received_at=now - timedelta(hours=1), incident_recorded_at=now - timedelta(hours=2),
            summary="Domestic incident", consent="NOT_SOUGHT", lawful_basis="SAFEGUARDING",
            domestic_abuse_incident=True,
        )  # fmt: skip
    StrategyMeeting.objects.create(person=toddler, convened_by=mash_manager, chair=mash_manager, convened_at=now,
                                   scheduled_at=now, held_at=now + timedelta(hours=3))  # fmt: skip
    tables = snapshot_tables.tables(now=now + timedelta(days=1))
    ppn = tables["ppn_strategy"].to_pylist()
    assert sorted((r["person_id"], r["followed"], r["on_time"]) for r in ppn) == sorted(
        [(at_school.pk, False, None), (toddler.pk, True, True)]
    )
    incidents = {r["person_id"]: r for r in tables["encompass_incidents"].to_pylist()}
    assert incidents[at_school.pk]["setting_known"] and not incidents[at_school.pk]["under_five"]
    assert not incidents[toddler.pk]["setting_known"] and incidents[toddler.pk]["under_five"]
