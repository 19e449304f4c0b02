"""Annex A Lists 8, 9 and 10 from the looked-after records, and back (odd cells kept as warnings)."""

from datetime import UTC, date, datetime, timedelta

import pytest

from safehub.casework.models import LookedAfterEpisode
from safehub.core.actors import command_line
from safehub.exchange.tests.helpers import write_workbook
from safehub.lookedafter import permanence, services
from safehub.lookedafter.models import AdoptionPlan, CareLeaver
from safehub.people.models import Involvement
from safehub.returns.annex_a import services as exchange
from safehub.returns.annex_a.exporter import build_lists
from safehub.returns.annex_a.spec import LISTS
from safehub.testing.factories import PersonFactory, make_user

NOW = datetime(2026, 3, 30, 10, 0, tzinfo=UTC)
BY = command_line("tests")


def _row(number: int, row: list) -> dict:
    return dict(zip([c.field for c in LISTS[number].columns], row, strict=True))


@pytest.mark.django_db
def test_lists_8_to_10_export_every_child_looked_after_in_the_year(front_door):
    sw = make_user("sw", "SOCIAL_WORKER", front_door)
    carers = services.provider_register(name="Carers A", kind="FOSTER_CARER", place_provider="PR1",
                                        postcode="SO14 0BE", urn="SC058592", by=sw, now=NOW)  # fmt: skip
    baby = PersonFactory(date_of_birth=date(2023, 9, 1))
    older = PersonFactory(date_of_birth=date(2008, 1, 10))
    for p in (baby, older):
        Involvement.objects.create(
            person=p, agency=front_door, kind="CASE_HOLDER", started_at=NOW - timedelta(days=999)
        )
    # Came into care before the year and left in its first week: still in List 8 (any point in the period).
    period_old = LookedAfterEpisode.objects.create(person=older, start_date=date(2023, 3, 1))
    period_baby = LookedAfterEpisode.objects.create(person=baby, start_date=date(2024, 5, 1))
    for period in (period_old, period_baby):
        services.care_start(period=period, legal_status="C2", category_of_need="N1",
                            placement=services.Placement("U6", carers), home_postcode="SO14 0HU", by=sw, now=NOW)  # fmt: skip
    services.care_end(period=period_old, on=date(2025, 4, 3), reason="E13", by=sw, now=NOW)
    permanence.care_leaver_update(person=older, personal_adviser=sw, by=sw, now=NOW)
    permanence.adoption_decision(period=period_baby, on=date(2024, 12, 2), by=sw, now=NOW)

    lists = build_lists(date(2025, 4, 1), date(2026, 3, 31))

    rows8 = {_row(8, r)["start_date"]: _row(8, r) for r in lists[8][1:]}
    assert set(rows8) == {date(2023, 3, 1), date(2024, 5, 1)}
    left = rows8[date(2023, 3, 1)]
    assert (left["end_date"], left["end_reason"], left["placement_urn"]) == (date(2025, 4, 3), "E13", "SC058592")
    assert rows8[date(2024, 5, 1)]["placement_provider"] == "PR1"
    (leaver,) = [_row(9, r) for r in lists[9][1:]]
    assert leaver["eligibility"] == "Former relevant" and leaver["personal_advisor"]
    (adoption,) = [_row(10, r) for r in lists[10][1:]]
    assert (adoption["decision_date"], adoption["entered_care_date"]) == (date(2024, 12, 2), date(2024, 5, 1))


@pytest.mark.django_db
def test_an_odd_workbook_keeps_every_row_with_warnings(tmp_path):
    child = {"child_id": "C700", "gender": "a) Male", "ethnicity": "a) WBRI", "date_of_birth": "01/03/2008"}

    def row(number, **cells):
        return [cells.get(c.field, "") for c in LISTS[number].columns]

    lists = {
        8: [[c.heading for c in LISTS[8].columns],
            row(8, **child, start_date="01/09/2023", end_date="01/08/2023", legal_status="V2: Single period under S20")],
        9: [[c.heading for c in LISTS[9].columns],
            row(9, **child, eligibility="Former relevant", pathway_review_date="not a date"),
            row(9, **{**child, "child_id": "C701"}, eligibility="Something odd")],
        10: [[c.heading for c in LISTS[10].columns],
             row(10, **{**child, "child_id": "C702"}, decision_date="02/02/2024", matching_date="31/02/2024",
                 no_longer_date="01/06/2024", no_longer_reason="Court refused")],
    }  # fmt: skip
    path = write_workbook(tmp_path / "odd.xlsx", lists)
    job = exchange.annex_a_job_create(path=path, file_name=path.name, by=BY, now=NOW)
    result = exchange.annex_a_import(job=job, by=BY, now=NOW)

    assert {n: c["imported"] for n, c in result.counts.items() if n in ("List 8", "List 9", "List 10")} == {
        "List 8": 1, "List 9": 2, "List 10": 1,
    }  # fmt: skip
    assert sum(c["rejected"] for c in result.counts.values()) == 0
    assert len([e for e in result.errors if e.list in ("List 8", "List 9", "List 10")]) >= 3  # the odd cells
    assert sorted(CareLeaver.objects.values_list("category", flat=True)) == ["", "FORMER_RELEVANT"]
    plan = AdoptionPlan.objects.get()
    assert (plan.matched_date, plan.ceased_date, plan.ceased_reason) == (None, date(2024, 6, 1), "RD4")
