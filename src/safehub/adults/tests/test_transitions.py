from datetime import UTC, date, datetime

import pytest
import time_machine
from django.core.exceptions import PermissionDenied
from django.utils import timezone

from safehub.adults.selectors import young_people_in_transition
from safehub.testing.factories import InvolvementFactory, PersonFactory, TransitionPlanFactory

from .helpers import raise_concern

pytestmark = pytest.mark.django_db
AS_OF = date(2025, 1, 15)
WHEN = datetime(2025, 1, 10, 10, tzinfo=UTC)


def _known_to_csc(person, agency):
    InvolvementFactory(person=person, agency=agency, started_at=timezone.now())


def test_lists_17_to_25_year_olds_known_to_childrens_services_with_an_adult_concern(
    front_door, adult_mash_manager, council
):
    care_leaver = PersonFactory(given_name="Jade", date_of_birth=date(2005, 3, 1))  # 19
    too_old = PersonFactory(given_name="Kim", date_of_birth=date(1998, 1, 1))  # 27
    not_known = PersonFactory(given_name="Lee", date_of_birth=date(2004, 6, 1))  # 20, never known to CSC
    no_concern = PersonFactory(given_name="Max", date_of_birth=date(2006, 6, 1))  # 18, no adult concern
    for person in (care_leaver, too_old, no_concern):
        _known_to_csc(person, front_door)
    for person in (care_leaver, too_old, not_known):
        raise_concern(person, adult_mash_manager, WHEN, has_care_and_support_needs=True)
    rows = young_people_in_transition(user=adult_mash_manager, as_of=AS_OF)
    assert [(r.person_id, r.age, r.adult_concerns, r.care_and_support_needs) for r in rows] == [
        (care_leaver.pk, 19, 1, True)
    ]


def test_a_concern_after_the_date_does_not_count(front_door, adult_mash_manager, council):
    person = PersonFactory(date_of_birth=date(2005, 3, 1))
    _known_to_csc(person, front_door)
    raise_concern(person, adult_mash_manager, datetime(2025, 2, 1, 10, tzinfo=UTC))
    assert young_people_in_transition(user=adult_mash_manager, as_of=AS_OF) == []


def test_transitions_need_casework_or_adult_decision_rights(nurse, front_door):
    with pytest.raises(PermissionDenied):
        young_people_in_transition(user=nurse, as_of=AS_OF)


# ---------------------------------------------------------------------------------------------
# The adult side of the 16-25 view: needs, concerns and enquiries, the handover
# ---------------------------------------------------------------------------------------------


@time_machine.travel(datetime(2025, 6, 4, 10, tzinfo=UTC), tick=False)  # ages by year: "today" must not be 29 February
def test_adult_side_lists_needs_concerns_enquiries_and_the_handover(
    client, front_door, adult_mash_manager, adult_social_worker, council
):
    from safehub.adults.selectors_transitions import handover_status, transitions_adult_side
    from safehub.core.models import AuditEvent

    from .helpers import decide

    today = timezone.localdate()
    now = timezone.now()
    care_leaver = PersonFactory(given_name="Jade", date_of_birth=today.replace(year=today.year - 19))
    sixteen = PersonFactory(given_name="Ola", date_of_birth=today.replace(year=today.year - 16))
    young_adult = PersonFactory(given_name="Rui", date_of_birth=today.replace(year=today.year - 22))  # not CSC
    too_young = PersonFactory(given_name="Tia", date_of_birth=today.replace(year=today.year - 15))
    too_old = PersonFactory(given_name="Uma", date_of_birth=today.replace(year=today.year - 26))
    for person in (care_leaver, sixteen, too_young, too_old):
        _known_to_csc(person, front_door)
    concern = raise_concern(care_leaver, adult_mash_manager, now, has_care_and_support_needs=True)
    decide(concern, adult_social_worker, now)
    raise_concern(young_adult, adult_mash_manager, now)
    raise_concern(too_old, adult_mash_manager, now)
    TransitionPlanFactory(person=care_leaver, owner=adult_mash_manager, started_date=today, review_date=today,
                          needs="Autism; exploitation risk", plan="Joint visits")  # fmt: skip

    rows = {r.person_id: r for r in transitions_adult_side(user=adult_social_worker, as_of=today, now=now)}

    # The 16-year-old is known only to children's services: adult social care cannot open her record.
    assert set(rows) == {care_leaver.pk, young_adult.pk}
    jade = rows[care_leaver.pk]
    assert (jade.care_and_support_needs, jade.open_enquiries, jade.known_to_childrens) == (True, 1, True)
    assert jade.concerns[0].enquiry_id == concern.enquiries.get().pk and jade.concerns[0].can_open
    assert (jade.handover, jade.needs_attention) == ("Plan agreed; no adult service named", True)
    assert handover_status(age=16, has_plan=False, adult_service=False, adult_concern=False) == (
        "No transition plan",
        False,
    )  # 16, no adult concern: a plan is not due yet
    assert handover_status(age=18, has_plan=True, adult_service=True, adult_concern=True)[1] is False
    assert rows[young_adult.pk].known_to_childrens is False and rows[young_adult.pk].needs_attention
    assert AuditEvent.objects.filter(details__list="adults.transitions", person_id=care_leaver.pk).exists()
    only = transitions_adult_side(user=adult_social_worker, as_of=today, now=now, needs_attention_only=True)
    assert {r.person_id for r in only} == {care_leaver.pk, young_adult.pk}

    client.force_login(adult_social_worker)
    page = client.get("/adults/transitions/").content.decode()
    assert "Jade" in page and f"/adults/enquiries/{concern.enquiries.get().pk}/" in page
    assert "Uma" not in page and "Tia" not in page


def test_adult_side_page_refused_without_rights(client, nurse):
    client.force_login(nurse)
    assert client.get("/adults/transitions/").status_code == 403


@time_machine.travel(datetime(2025, 6, 4, 10, tzinfo=UTC), tick=False)
def test_the_page_counts_and_filters_attention_in_the_database_as_the_rule_says(
    client, front_door, adult_mash_manager, adult_social_worker, council
):
    """The list is paged in the database, so "needs attention" is worked out in SQL: it must agree
    with ``handover_status`` for each plan and service (18th and 25th birthdays on the day)."""
    from safehub.adults.selectors_transitions import (
        transitions_adult_cohort,
        transitions_adult_people,
        transitions_adult_rows,
    )

    today = timezone.localdate()
    now = timezone.now()
    people = []
    for age in (18, 19, 25):  # adult social care opens adults with a concern: 18 and over
        for plan in ("none", "plan", "service"):
            person = PersonFactory(given_name=f"P{age}{plan}", date_of_birth=today.replace(year=today.year - age))
            raise_concern(person, adult_mash_manager, now)  # visible to adult social care
            if plan != "none":
                TransitionPlanFactory(person=person, owner=adult_mash_manager, started_date=today,
                                      adult_service=council if plan == "service" else None)  # fmt: skip
            people.append(person)
    qs = transitions_adult_people(user=adult_social_worker, as_of=today, now=now)
    found = list(qs.order_by("date_of_birth", "pk"))
    assert {p.pk for p in found} == {p.pk for p in people}
    rows = {
        r.person_id: r for r in transitions_adult_rows(user=adult_social_worker, people=found, as_of=today, now=now)
    }
    assert {p.pk: p.needs_attention for p in found} == {pk: r.needs_attention for pk, r in rows.items()}
    assert 0 < sum(p.needs_attention for p in found) < len(found)  # both answers met
    only = transitions_adult_people(user=adult_social_worker, as_of=today, now=now, needs_attention_only=True)
    assert {p.pk for p in only} == {pk for pk, r in rows.items() if r.needs_attention}
    # the page's cohort applies handover_status itself: the same answers, the same filter
    cohort = transitions_adult_cohort(user=adult_social_worker, as_of=today, now=now)
    assert {m.pk: m.needs_attention for m in cohort} == {pk: r.needs_attention for pk, r in rows.items()}
    narrowed = transitions_adult_cohort(user=adult_social_worker, as_of=today, now=now, needs_attention_only=True)
    assert {m.pk for m in narrowed} == {p.pk for p in only}

    client.force_login(adult_social_worker)
    page = client.get("/adults/transitions/?sort=name&dir=desc").content.decode()
    assert f"the adult side ({len(people)})" in page
    assert f"{sum(r.needs_attention for r in rows.values())} without a complete handover" in page
    by_name = sorted(people, key=lambda p: (p.family_name.casefold(), p.given_name.casefold(), p.pk), reverse=True)
    shown = [page.index(f"/people/{p.pk}/") for p in by_name]
    assert shown == sorted(shown)  # sorted by name, last first
