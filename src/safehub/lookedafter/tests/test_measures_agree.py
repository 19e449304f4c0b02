"""One count of children looked after: casework's periods of care and the SSDA903 episodes agree.

Casework starts and ends periods of care through ``lookedafter.services``, so every period has its
903 episodes with the same first and last dates, and the two measures (``cla_open_31_march`` from
the periods, ``la_children_looked_after_31_march`` from the episodes) count the same children.
"""

from __future__ import annotations

from datetime import UTC, date, datetime
from importlib import import_module

import pytest

from safehub.casework.models import LookedAfterEpisode
from safehub.demo.context import DemoContext
from safehub.insight.engine.compute import compute_measures
from safehub.insight.engine.datasets import snapshot_from_rows
from safehub.insight.snapshot import build_snapshot

DEMO_NOW = datetime(2026, 11, 2, 10, tzinfo=UTC)
BOTH = ("cla_open_31_march", "la_children_looked_after_31_march")


def _period_and_episode(i: int, start: date, end: date | None, rec: str = "E4A") -> tuple[dict, dict]:
    period = {"episode_id": i, "person_id": i, "start_date": start, "end_date": end}
    episode = {"episode_id": i, "person_id": i, "period_id": i, "decom": start, "dec": end,
               "rne": "S", "rec": rec if end else None, "ls": "C2", "place": "U6"}  # fmt: skip
    return period, episode


def test_both_counts_leave_out_a_child_whose_care_ended_on_31_march():
    cases = [
        _period_and_episode(1, date(2025, 1, 6), None),  # looked after
        _period_and_episode(2, date(2025, 1, 6), date(2026, 3, 31)),  # ceased on 31 March: not looked after
        _period_and_episode(3, date(2025, 1, 6), date(2026, 4, 1)),  # ceased the day after: looked after
        _period_and_episode(4, date(2026, 3, 31), None),  # started on 31 March: looked after
    ]
    rows = {"cla_episodes": [p for p, _ in cases], "la_episodes": [e for _, e in cases]}

    m = compute_measures(snapshot_from_rows(rows), year="2025-26")

    assert (m["cla_open_31_march"], m["la_children_looked_after_31_march"]) == (3, 3)


@pytest.mark.django_db
def test_generated_years_count_the_same_children_looked_after():
    ctx = DemoContext(scale=0.03, seed=20251, years=2, now=DEMO_NOW, progress=None)
    ctx.cache["contacts_scale"] = 0.03
    for stage in ("agencies", "people", "frontdoor", "casework", "lookedafter"):
        import_module(f"safehub.demo.{stage}").seed(ctx)

    assert not LookedAfterEpisode.objects.filter(ssda903_episodes__isnull=True).exists()
    snapshot = build_snapshot()
    for year in ("2024-25", "2025-26"):
        m = compute_measures(snapshot, year=year)
        assert m["cla_open_31_march"] > 5
        assert m["cla_open_31_march"] == m["la_children_looked_after_31_march"], year
