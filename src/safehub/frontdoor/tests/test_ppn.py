"""Police Public Protection Notices: the police grade held against the MASH's (issue 21.1)."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from safehub.frontdoor import rules, selectors, services
from safehub.frontdoor.models import Contact
from safehub.frontdoor.services import ChildEntry

pytestmark = pytest.mark.django_db


def test_under_grading_compares_brag_with_the_mash_rag():
    assert rules.police_under_graded(police_grade="AMBER", mash_rag="RED")
    assert rules.police_under_graded(police_grade="BLUE", mash_rag="GREEN")
    assert not rules.police_under_graded(police_grade="RED", mash_rag="AMBER")
    assert not rules.police_under_graded(police_grade="AMBER", mash_rag="AMBER")
    assert not rules.police_under_graded(police_grade="", mash_rag="RED")  # not graded: not counted


def test_the_limit_applies_to_police_red_and_to_mash_red():
    assert rules.police_limit_applies(high_risk=False, police_grade="RED", mash_rag="")
    assert rules.police_limit_applies(high_risk=False, police_grade="AMBER", mash_rag="RED")
    assert not rules.police_limit_applies(high_risk=False, police_grade="AMBER", mash_rag="AMBER")


def _ppn(by, grade: str, unit: str = "Response and patrol", rationale: str = "Children present") -> Contact:
    now = timezone.now()
    [contact] = services.contact_record(
        by=by,
        now=now,
        children=[ChildEntry(family_name="Grade", given_name="Kai", child_voice="Hid upstairs")],
        source="6",
        received_at=now - timedelta(hours=30),
        incident_recorded_at=now - timedelta(hours=60),
        summary="Domestic incident",
        consent="NOT_SOUGHT",
        lawful_basis="SAFEGUARDING",
        police_reference="44000001",
        police_grade=grade,
        police_grade_rationale=rationale,
        police_unit=unit,
    )
    return contact


def test_a_ppn_keeps_the_officer_s_grade_and_rationale(police_officer):
    contact = _ppn(police_officer, "AMBER")
    assert contact.police_grade == "AMBER" and contact.police_unit == "Response and patrol"
    with pytest.raises(ValidationError) as caught:
        _ppn(police_officer, "AMBER", rationale="  ")
    assert "police_grade_rationale" in caught.value.message_dict
    with pytest.raises(ValidationError):
        _ppn(police_officer, "PURPLE")


def test_amber_from_the_police_red_from_the_mash_shows_as_under_graded_and_late(police_officer, mash_worker):
    contact = _ppn(police_officer, "AMBER")
    services.contact_rate(contact=contact, rating="RED", rationale="Disclosure of assault", by=mash_worker,
                          now=timezone.now())  # fmt: skip
    today = timezone.localdate()
    data = selectors.ppn_grading(user=police_officer, start=today - timedelta(days=5), end=today, now=timezone.now())
    assert data["graded"] == 1 and data["under"] == 1 and data["units"][0]["unit"] == "Response and patrol"
    assert [r["id"] for r in data["rows"]] == [contact.pk] and data["rows"][0]["child"] == ""  # police: no name
    timeliness = selectors.police_timeliness(user=police_officer, start=today - timedelta(days=5), end=today)
    (row,) = timeliness["rows"]
    # Received 30 hours after the incident: the 24-hour limit applies because the MASH graded it red.
    assert row["high_risk"] and row["within"] is False


def test_the_grading_page_is_paged_and_names_children_only_to_the_front_door(client, police_officer, mash_worker):
    contact = _ppn(police_officer, "GREEN")
    services.contact_rate(contact=contact, rating="AMBER", rationale="Repeat", by=mash_worker, now=timezone.now())
    client.force_login(mash_worker)
    page = client.get("/front-door/ppn-grading/").content.decode()
    assert "Kai Grade" in page and f"/front-door/contacts/{contact.pk}/" in page
    client.force_login(police_officer)
    page = client.get("/front-door/ppn-grading/").content.decode()
    assert "Kai Grade" not in page and "44000001" in page


def test_grading_counts_by_uk_month_and_unit_equal_a_count_of_each_contact_and_list_the_under_graded_newest_first(
    police_officer,
):
    """Months are UK months (a PPN at 00:30 on 1 April BST is April's), units and pairs as each contact says."""
    from datetime import UTC, date, datetime

    from safehub.testing.factories import ContactFactory

    made = [
        # (received, unit, police grade, MASH RAG)
        (datetime(2025, 3, 31, 23, 30, tzinfo=UTC), "Response", "AMBER", "RED"),  # 1 April in the UK
        (datetime(2025, 3, 31, 22, 30, tzinfo=UTC), "Response", "GREEN", "GREEN"),  # 31 March 23:30 in the UK
        (datetime(2025, 3, 10, 9, 0, tzinfo=UTC), "CID", "BLUE", "AMBER"),
        (datetime(2025, 4, 2, 9, 0, tzinfo=UTC), "CID", "RED", "AMBER"),
        (datetime(2025, 4, 3, 9, 0, tzinfo=UTC), "", "GREEN", "RED"),
        (datetime(2025, 4, 4, 9, 0, tzinfo=UTC), "CID", "", "RED"),  # not graded by the police: not counted
    ]
    contacts = [
        ContactFactory(received_at=at, police_unit=unit, police_grade=grade, current_rag=rag)
        for at, unit, grade, rag in made
    ]
    data = selectors.ppn_grading(user=police_officer, start=date(2025, 3, 1), end=date(2025, 4, 30), now=timezone.now())
    assert [(m["month"], m["graded"], m["under"]) for m in data["months"]] == [("2025-03", 2, 1), ("2025-04", 3, 2)]
    # most under-graded first, then by name
    assert [(u["unit"], u["graded"], u["under"]) for u in data["units"]] == [
        ("CID", 2, 1), ("Not recorded", 1, 1), ("Response", 2, 1),
    ]  # fmt: skip
    assert (data["graded"], data["under"]) == (5, 3)
    assert [r["id"] for r in data["rows"]] == [contacts[4].pk, contacts[0].pk, contacts[2].pk]
