"""SAC SG5: safeguarding adults reviews concluded in the year, by whether a subject died (Care Act s44)."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest
from django.core.exceptions import ValidationError

from safehub.core.models import AuditEvent
from safehub.insight.engine import snapshot_from_rows
from safehub.partnership.reviews import services as reviews
from safehub.returns.sac.records import sac_details
from safehub.returns.sac.writer import build_sac_return, sac_details_from_rows
from safehub.testing.factories import AgencyFactory, InvolvementFactory, PersonFactory, make_user

EMPTY = {"persons": [], "adult_concerns": [], "s42_enquiries": []}


def _tables(review_rows: list[dict], year: str = "2024-25") -> dict:
    details = sac_details_from_rows({"sac_reviews": review_rows})
    return build_sac_return(snapshot_from_rows(EMPTY), year=year, details=details)


def _row(review_id: int, day: date, person_id: int | None, harm: str) -> dict:
    return {"review_id": review_id, "concluded_on": day, "person_id": person_id, "harm": harm}


def test_reviews_are_counted_by_whether_any_subject_died_and_individuals_by_condition() -> None:
    in_year, before, after = date(2024, 9, 1), date(2024, 3, 31), date(2025, 4, 1)
    rows = [
        _row(1, in_year, 11, "DIED"), _row(1, in_year, 12, "SURVIVED"),  # a death: "died" column
        _row(2, in_year, 13, "SURVIVED"),  # no one died
        _row(3, date(2025, 3, 31), 14, "NEITHER"),  # s44(4), on the year's last day: no one died
        _row(4, in_year, 15, "DIED"), _row(4, in_year, 16, ""),  # a death is known: "died"
        _row(5, in_year, 17, ""),  # not recorded: in neither column
        _row(6, in_year, None, ""),  # no subject linked: in neither column
        _row(7, before, 18, "DIED"), _row(8, after, 19, "SURVIVED"),  # other years
    ]  # fmt: skip
    tables = _tables(rows)
    sg5a, sg5b = tables["SG5a"], tables["SG5b"]
    assert sg5a.columns == (
        "Safeguarding Adult Reviews",
        "Where one or more individuals died",
        "Where no individuals died",
    )
    assert sg5a.rows == (("Count of Safeguarding Adult Reviews", 2, 2),)
    assert "2 reviews do not say" in sg5a.notes[0]
    assert sg5b.columns == (
        "Individuals",
        "Who suffered serious harm and died",
        "Who suffered serious harm and survived",
    )
    assert sg5b.rows == (("Count of Individuals Involved in Safeguarding Adult Reviews", 2, 2),)
    assert any(note.startswith("2 subjects do not record") for note in sg5b.notes)
    assert any(note.startswith("1 subject of reviews the board chose") for note in sg5b.notes)


def test_the_same_adult_in_two_reviews_is_one_individual() -> None:
    day = date(2024, 6, 3)
    sg5b = _tables([_row(1, day, 21, "SURVIVED"), _row(2, day, 21, "SURVIVED")])["SG5b"]
    assert sg5b.rows[0][1:] == (0, 1)


def test_without_review_records_the_cells_are_blank_not_zero() -> None:
    tables = build_sac_return(snapshot_from_rows(EMPTY), year="2024-25")
    assert tables["SG5a"].rows == (("Count of Safeguarding Adult Reviews", None, None),)
    assert tables["SG5b"].rows[0][1:] == (None, None)
    assert "fill in by hand" in tables["SG5a"].notes[0]


@pytest.mark.django_db
def test_records_give_each_sar_approved_with_its_subjects_condition_and_leave_out_other_reviews(police_officer):
    partnership = AgencyFactory(kind="PARTNERSHIP", code="HSP", name="Safeguarding Partnership")
    manager = make_user("sar.manager", "PARTNERSHIP_MANAGER", partnership)
    adult, carer = PersonFactory(date_of_birth=date(1941, 2, 3)), PersonFactory(date_of_birth=date(1970, 5, 6))
    for person in (adult, carer):
        InvolvementFactory(person=person, agency=police_officer.membership.agency, kind="PROFESSIONAL")
    at = datetime(2024, 11, 5, 10, tzinfo=UTC)

    def review(title: str, decision: str, *, approve: bool, subject: str = "ADULT"):
        made = reviews.review_refer(
            by=police_officer, now=at, title=title, subject=subject, summary="Died after neglect", learned_at=at
        )
        reviews.review_decide(review=made, decision=decision, rationale="Criteria met", by=manager, now=at)
        reviews.review_commission(review=made, reviewer="Independent reviewer", by=manager, now=at)
        for stage in ("IN_PROGRESS", "DRAFT", *(("APPROVED",) if approve else ())):
            reviews.review_move(review=made, to_stage=stage, by=manager, now=at)
        return made

    sar = review("Adult A", "SAR", approve=True)
    reviews.review_link_person(review=sar, person=adult, role="SUBJECT", harm="SURVIVED", by=police_officer, now=at)
    reviews.review_link_person(review=sar, person=carer, role="PARENT_CARER", by=police_officer, now=at)
    # Linking again records what the board later learned: the adult died.
    reviews.review_link_person(review=sar, person=adult, role="SUBJECT", harm="DIED", by=police_officer, now=at)
    assert AuditEvent.objects.filter(object_id=str(sar.pk), person_id=adult.pk).count() == 2
    unlinked = review("Adult B", "SAR", approve=True)
    review("Adult C", "SAR", approve=False)  # report still in draft: not concluded
    review("Adult D", "LOCAL_LEARNING", approve=True)  # not a safeguarding adults review

    rows = sac_details()["sac_reviews"].to_pylist()
    assert rows == [
        {"review_id": sar.pk, "concluded_on": date(2024, 11, 5), "person_id": adult.pk, "harm": "DIED"},
        {"review_id": unlinked.pk, "concluded_on": date(2024, 11, 5), "person_id": None, "harm": ""},
    ]


@pytest.mark.django_db
def test_the_condition_is_only_for_the_subject_of_an_adults_review(police_officer, child):
    at = datetime(2024, 11, 5, 10, tzinfo=UTC)
    InvolvementFactory(person=child, agency=police_officer.membership.agency, kind="PROFESSIONAL")
    child_review = reviews.review_refer(
        by=police_officer, now=at, title="Child A", subject="CHILD", summary="Injury", learned_at=at
    )
    with pytest.raises(ValidationError, match="safeguarding adults review"):
        reviews.review_link_person(
            review=child_review, person=child, role="SUBJECT", harm="DIED", by=police_officer, now=at
        )
    adult_review = reviews.review_refer(
        by=police_officer, now=at, title="Adult E", subject="ADULT", summary="Neglect", learned_at=at
    )
    with pytest.raises(ValidationError, match="safeguarding adults review"):
        reviews.review_link_person(
            review=adult_review, person=child, role="SIBLING", harm="DIED", by=police_officer, now=at
        )
