"""The looked-after measures in the engine, at the boundaries of the year (Django-free)."""

from datetime import date

from safehub.insight.engine.compute import compute_measures
from safehub.insight.engine.datasets import snapshot_from_rows

YEAR = "2025-26"


def _ep(i, pid, decom, dec=None, rne="S", rec=None, ls="C2", place="U6", period=None):
    return {"episode_id": i, "person_id": pid, "period_id": period or pid, "decom": decom, "dec": dec,
            "rne": rne, "rec": rec, "ls": ls, "place": place}  # fmt: skip


def test_looked_after_started_ceased_and_placements_at_the_year_boundaries():
    rows = {
        "la_episodes": [
            _ep(1, 1, date(2025, 3, 31)),  # started the day before the year: looked after, not started in it
            _ep(2, 2, date(2025, 4, 1), date(2026, 3, 31), rec="E4A"),  # ceased on 31 March: not looked after
            _ep(3, 3, date(2026, 3, 31)),  # started on 31 March: both
            # Three placements in the year: the one on 1 April, two moves; a legal-status change does not count.
            _ep(4, 4, date(2024, 1, 1), date(2025, 6, 1), rec="X1"),
            _ep(5, 4, date(2025, 6, 1), date(2025, 9, 1), rne="P", rec="X1"),
            _ep(6, 4, date(2025, 9, 1), date(2025, 12, 1), rne="L", rec="X1", ls="E1"),
            _ep(7, 4, date(2025, 12, 1), rne="P", ls="E1"),
            _ep(8, 5, date(2025, 5, 1), ls="V3"),  # a short break: never counted
        ],
    }
    m = compute_measures(snapshot_from_rows(rows), year=YEAR, population={"children_0_17": 40_000})
    assert m["la_children_looked_after_31_march"] == 3  # children 1, 3 and 4
    assert m["la_children_looked_after_per_10k"] == 0.8
    assert m["la_children_started_in_year"] == 2  # children 2 and 3
    assert m["la_children_ceased_in_year"] == 1
    assert m["la_three_or_more_placements_pct"] == 33.3  # child 4 of 3
    assert compute_measures(snapshot_from_rows(rows), year=YEAR)["la_children_looked_after_per_10k"] is None


def test_reviews_and_health_on_time_on_the_due_day_and_late_the_day_after():
    rows = {
        "la_reviews": [
            {"review_id": 1, "person_id": 1, "due_date": date(2025, 6, 2), "held_date": date(2025, 6, 2)},
            {"review_id": 2, "person_id": 1, "due_date": date(2025, 9, 2), "held_date": date(2025, 9, 3)},
            {"review_id": 3, "person_id": 2, "due_date": date(2026, 3, 31), "held_date": None},
            {"review_id": 4, "person_id": 2, "due_date": date(2026, 4, 1), "held_date": None},  # next year
        ],
        "la_health_checks": [
            {"check_id": 1, "person_id": 1, "kind": "INITIAL", "due_date": date(2025, 4, 1), "done_date": date(2025, 4, 1)},
            {"check_id": 2, "person_id": 1, "kind": "REVIEW", "due_date": date(2025, 10, 1), "done_date": date(2025, 10, 2)},
        ],
    }  # fmt: skip
    m = compute_measures(snapshot_from_rows(rows), year=YEAR)
    assert m["la_reviews_on_time_pct"] == 33.3
    assert m["la_health_assessments_on_time_pct"] == 50.0


def test_care_leavers_by_age_band_with_everyone_in_the_cohort():
    def c(pid, birthday, age, suitable, eet, in_touch="YES"):
        return {"person_id": pid, "birthday": birthday, "age": age, "in_touch": in_touch,
                "suitable_accommodation": suitable, "in_eet": eet}  # fmt: skip

    rows = {
        "la_leaver_contacts": [
            c(1, date(2025, 4, 1), 17, True, True),
            c(2, date(2026, 3, 31), 18, False, False, in_touch="NO"),
            c(3, date(2025, 7, 1), 19, True, False),
            c(4, date(2025, 8, 1), 21, True, True),
            c(5, date(2025, 3, 31), 20, True, True),  # the year before
        ]
    }
    m = compute_measures(snapshot_from_rows(rows), year=YEAR)
    assert (m["la_care_leavers_17_18_suitable_pct"], m["la_care_leavers_17_18_eet_pct"]) == (50.0, 50.0)
    assert (m["la_care_leavers_19_21_suitable_pct"], m["la_care_leavers_19_21_eet_pct"]) == (100.0, 50.0)
