"""Early help measures: the engine's counting rules on hand-made rows, and the snapshot from real records."""

from __future__ import annotations

from datetime import date

import pytest

from safehub.insight.engine import compute_measures, snapshot_from_rows
from safehub.testing.factories import EarlyHelpEpisodeFactory

YEAR = "2024-25"


def _measures(rows: dict) -> dict:
    return compute_measures(snapshot_from_rows(rows), year=YEAR)  # type: ignore[arg-type]


def _episode(i: int, person: int, start: date, closed: date | None = None, reason: str | None = None,
             origin: str = "FRONT_DOOR") -> dict:  # fmt: skip
    return {"episode_id": i, "person_id": person, "origin": origin, "start_date": start, "completed_date": None,
            "closed_date": closed, "closure_reason": reason}  # fmt: skip


def test_open_started_closed_and_step_ups() -> None:
    rows = {
        "early_help_episodes": [
            _episode(1, 1, date(2024, 3, 1)),  # started last year, still open: open at 31 March only
            _episode(2, 2, date(2024, 5, 1), date(2025, 3, 31), "OUTCOMES_MET"),  # closed on 31 March: still open then
            _episode(3, 3, date(2024, 6, 1), date(2024, 9, 1), "STEP_UP"),
            _episode(4, 4, date(2025, 1, 6), origin="STEP_DOWN"),
            _episode(5, 5, date(2025, 4, 1)),  # next year
        ]
    }

    result = _measures(rows)

    assert result["early_help_episodes_started_total"] == 3
    assert result["early_help_episodes_closed_total"] == 2
    assert result["early_help_open_31_march"] == 3  # 1, 2 and 4
    assert result["early_help_step_ups_total"] == 1
    assert result["early_help_step_downs_total"] == 1


def test_closures_re_referred_within_12_months_leave_step_ups_out() -> None:
    rows = {
        "early_help_episodes": [
            _episode(
                1, 1, date(2024, 1, 1), date(2024, 5, 1), "OUTCOMES_MET"
            ),  # re-referred 1 May 2025: exactly 12 months
            _episode(2, 2, date(2024, 1, 1), date(2024, 6, 1), "WITHDREW"),  # referral 13 months later: not counted
            _episode(3, 3, date(2024, 1, 1), date(2024, 7, 1), "STEP_UP"),  # left out of both
            _episode(4, 4, date(2024, 1, 1), date(2024, 8, 1), "MOVED"),  # referral before the closure: not counted
        ],
        "referrals": [
            {"referral_id": 1, "person_id": 1, "referral_date": date(2025, 5, 1)},
            {"referral_id": 2, "person_id": 2, "referral_date": date(2025, 7, 2)},
            {"referral_id": 3, "person_id": 3, "referral_date": date(2024, 7, 1)},
            {"referral_id": 4, "person_id": 4, "referral_date": date(2024, 7, 30)},
        ],
    }

    result = _measures(rows)

    assert result["early_help_closures_re_referred_12m_pct"] == pytest.approx(33.3)


def test_assessments_started_and_completed_count_every_assessment() -> None:
    rows = {
        "early_help_assessments": [
            {"assessment_id": 1, "person_id": 1, "start_date": date(2024, 4, 1), "completed_date": date(2024, 5, 1)},
            {"assessment_id": 2, "person_id": 2, "start_date": date(2024, 3, 1), "completed_date": date(2024, 4, 2)},
            {"assessment_id": 3, "person_id": 3, "start_date": date(2025, 3, 1), "completed_date": None},
        ]
    }

    result = _measures(rows)

    assert result["early_help_assessments_completed_total"] == 2
    assert result["early_help_assessments_started_total"] == 2
    assert result["early_help_closures_re_referred_12m_pct"] is None


@pytest.mark.django_db
def test_the_snapshot_counts_early_help_recorded_in_safehub(front_door, mash_worker, child):
    from datetime import datetime

    from safehub.core.calendar import UK
    from safehub.earlyhelp import services
    from safehub.insight.snapshot import build_snapshot

    now = datetime(2025, 3, 20, 10, 0, tzinfo=UK)
    episode = services.episode_open(child=child, by=mash_worker, now=now, origin="FRONT_DOOR",
                                    assessment_start_date=date(2025, 1, 6))  # fmt: skip
    services.assessment_complete(episode=episode, by=mash_worker, now=now, completed_date=date(2025, 2, 3),
                                 summary="Needs", plan_outcomes="Plan")  # fmt: skip
    # An imported List 2 row: counts as an assessment, not as an open episode.
    EarlyHelpEpisodeFactory(
        person=child,
        origin="ANNEX_A",
        assessment_start_date=date(2024, 6, 3),
        assessment_completed_date=date(2024, 7, 1),
    )

    result = compute_measures(build_snapshot(), year=YEAR)

    assert result["early_help_assessments_completed_total"] == 2
    assert result["early_help_episodes_started_total"] == 1
    assert result["early_help_open_31_march"] == 1
