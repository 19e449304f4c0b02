"""Self-neglect and hoarding, provider concerns and large-scale enquiries, people in positions of trust."""

from datetime import UTC, date, datetime

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from safehub.adults import measures, selectors_pathways, services_pathways
from safehub.adults.models import Enquiry
from safehub.core.models import AuditEvent
from safehub.testing.factories import AgencyFactory, PersonFactory

from .helpers import decide, raise_concern

pytestmark = pytest.mark.django_db
NOW = datetime(2025, 3, 20, 12, tzinfo=UTC)


@pytest.fixture
def fire(db):
    return AgencyFactory(kind="VOLUNTARY", code="FIRE", name="Fire and Rescue home safety")


def open_case(adult, by, **extra):
    fields = {
        "opened_on": date(2025, 3, 3),
        "reason": "Hoarding blocks the stairs and the back door; no heating since January",
        "engagement": "PARTLY",
        "adult_view": "It's my home and my things. I don't want anyone throwing them away.",
        "hoarding": True,
        "clutter_rating": 7,
        "next_review_date": date(2025, 3, 17),
    }
    fields.update(extra)
    return services_pathways.self_neglect_open(person=adult, by=by, now=NOW, **fields)


def test_self_neglect_from_concern_to_closure_without_a_s42_enquiry(
    adult, adult_mash_manager, adult_social_worker, fire
):
    concern = raise_concern(adult, adult_mash_manager, datetime(2025, 3, 1, 10, tzinfo=UTC))
    decide(concern, adult_social_worker, datetime(2025, 3, 2, 10, tzinfo=UTC), decision="NFA")  # no s42 duty
    case = open_case(adult, adult_social_worker, concern=concern)
    assert (case.enquiry, case.clutter_rating) == (None, 7)
    rows = selectors_pathways.self_neglect_open_cases(user=adult_social_worker, now=NOW)
    assert [(r.case_id, r.review_overdue, r.escalation_suggested) for r in rows] == [(case.pk, True, False)]
    assert AuditEvent.objects.filter(details__list="self-neglect cases", person_id=adult.pk).exists()
    services_pathways.self_neglect_meeting_add(
        case=case, by=adult_social_worker, now=NOW, held_on=date(2025, 3, 18),
        attendees="ASC, fire service, housing, GP; Mrs Marsh joined for the first half",
        summary="Agreed a fire safety visit and to clear the stairs first, with her choosing what goes",
        next_review_date=date(2025, 4, 15),
    )  # fmt: skip
    case.refresh_from_db()
    action = services_pathways.self_neglect_action_add(
        case=case, by=adult_social_worker, now=NOW, agency=fire, description="Home fire safety visit",
        due_date=date(2025, 3, 25),
    )  # fmt: skip
    case = services_pathways.self_neglect_update(
        case=case, by=adult_social_worker, now=NOW, expected_version=case.version, clutter_rating=9,
        engagement="NOT_ENGAGING", adult_view="Leave me alone now.", next_review_date=date(2025, 4, 1),
    )  # fmt: skip
    assert selectors_pathways.self_neglect_open_cases(user=adult_social_worker, now=NOW)[0].escalation_suggested
    case = services_pathways.self_neglect_escalate(
        case=case, by=adult_social_worker, now=NOW, expected_version=case.version, escalated_on=date(2025, 3, 20),
        reason="Clutter 9, exits blocked, refusing the fire visit: to the high-risk panel",
    )  # fmt: skip
    with pytest.raises(ValidationError) as excinfo:  # the fire visit is still open
        services_pathways.self_neglect_close(
            case=case, by=adult_social_worker, now=NOW, expected_version=case.version, closed_on=date(2025, 3, 20),
            outcome="RISK_REDUCED", summary="Stairs clear",
        )  # fmt: skip
    assert "actions" in excinfo.value.message_dict
    services_pathways.self_neglect_action_complete(
        action=action, by=adult_social_worker, now=NOW, completed_on=date(2025, 3, 20)
    )
    case = services_pathways.self_neglect_close(
        case=case, by=adult_social_worker, now=NOW, expected_version=case.version, closed_on=date(2025, 3, 20),
        outcome="RISK_REDUCED", summary="Stairs and back door clear; smoke alarms fitted; she is pleased",
    )  # fmt: skip
    assert (case.closed_on, case.closure_outcome) == (date(2025, 3, 20), "RISK_REDUCED")
    assert selectors_pathways.self_neglect_open_cases(user=adult_social_worker, now=NOW) == []


def test_clutter_rating_is_one_to_nine_and_the_adults_view_is_required(adult, adult_social_worker, adult_mash_manager):
    raise_concern(adult, adult_mash_manager, datetime(2025, 3, 1, 10, tzinfo=UTC))  # gives the council access
    for bad, field in (({"clutter_rating": 10}, "clutter_rating"), ({"adult_view": " "}, "adult_view")):
        with pytest.raises(ValidationError) as excinfo:
            open_case(adult, adult_social_worker, **bad)
        assert field in excinfo.value.message_dict


def test_a_provider_case_holds_each_adults_enquiry_and_sg1_counts_each_adult(
    adult_mash_manager, adult_social_worker, care_provider
):
    residents = [PersonFactory(date_of_birth=date(1935 + i, 1, 1)) for i in range(3)]
    case = services_pathways.provider_case_open(
        provider=care_provider, by=adult_social_worker, now=NOW, opened_on=date(2024, 10, 1),
        summary="Medication errors and missed night checks across the home", large_scale=True,
    )  # fmt: skip
    for person in residents:
        concern = raise_concern(person, adult_mash_manager, datetime(2024, 10, 2, 10, tzinfo=UTC))
        decide(concern, adult_social_worker, datetime(2024, 10, 3, 10, tzinfo=UTC))
        services_pathways.provider_case_link_enquiry(
            case=case, enquiry=Enquiry.objects.get(concern=concern), by=adult_social_worker, now=NOW
        )
    services_pathways.provider_quality_action_add(
        case=case, by=adult_social_worker, now=NOW, description="Medication audit weekly", due_date=date(2025, 4, 1)
    )
    services_pathways.provider_cqc_notified(
        case=case, by=adult_social_worker, now=NOW, notified_on=date(2024, 10, 2), reference="CQC-INS-88"
    )
    [row] = selectors_pathways.provider_cases(user=adult_social_worker)
    assert (row.adults, row.open_enquiries, row.open_actions, row.large_scale) == (3, 3, 1, True)
    assert row.cqc_notified_on == date(2024, 10, 2)
    listed = selectors_pathways.provider_case_enquiries(user=adult_social_worker, case=case, now=NOW)
    assert sorted(r["person_id"] for r in listed) == sorted(p.pk for p in residents)
    assert measures.adult_measures("2024-25")["adult_individuals_s42"] == 3


def test_pipot_is_restricted_and_links_to_the_lado(adult_mash_manager, adult_social_worker, care_provider):
    with pytest.raises(PermissionDenied):
        services_pathways.pipot_record(
            by=adult_social_worker, now=NOW, subject_name="A. Carer", role="Night care assistant",
            received_on=date(2025, 3, 1), allegation="Rough handling reported by two residents",
            employer=care_provider,
        )  # fmt: skip
    case = services_pathways.pipot_record(
        by=adult_mash_manager, now=NOW, subject_name="A. Carer", role="Night care assistant",
        received_on=date(2025, 3, 1), allegation="Rough handling reported by two residents", employer=care_provider,
        works_with_children=True,
    )  # fmt: skip
    services_pathways.pipot_refer_to_lado(
        case=case, by=adult_mash_manager, now=NOW, referred_on=date(2025, 3, 2), reference="LADO-2025-041"
    )
    case = services_pathways.pipot_close(
        case=case, by=adult_mash_manager, now=NOW, closed_on=date(2025, 3, 19), outcome="SUBSTANTIATED",
        actions="Dismissed by the employer; DBS referral made",
    )  # fmt: skip
    assert (case.lado_reference, case.outcome) == ("LADO-2025-041", "SUBSTANTIATED")
    with pytest.raises(PermissionDenied):
        selectors_pathways.pipot_cases(user=adult_social_worker, now=NOW)
    assert [c.pk for c in selectors_pathways.pipot_cases(user=adult_mash_manager, now=NOW)] == [case.pk]


def test_the_self_neglect_lists_filters_agree_with_the_rules_on_every_branch(adult_social_worker):
    """The list counts and filters in SQL; each filter keeps exactly the rows whose flag the rules set."""
    cases = []
    for n, (rating, engagement, review) in enumerate(
        [
            (9, "NOT_ENGAGING", date(2025, 3, 19)),  # overdue by a day, consider escalating
            (9, "NOT_ENGAGING", date(2025, 3, 20)),  # due today: not overdue
            (6, "NOT_ENGAGING", date(2025, 3, 21)),  # rating below serious
            (7, "NOT_ENGAGING", None),  # at the serious rating; no review date
            (9, "PARTLY", date(2025, 3, 4)),
            (None, "NOT_ENGAGING", date(2025, 3, 10)),
        ]
    ):
        cases.append(open_case(_known(PersonFactory(family_name=f"Neglect{n}", date_of_birth=date(1950, 1, 1)),
                                      adult_social_worker), adult_social_worker, clutter_rating=rating, engagement=engagement,
                               next_review_date=review))  # fmt: skip
    escalated = services_pathways.self_neglect_escalate(
        case=cases[3], by=adult_social_worker, now=NOW, expected_version=cases[3].version,
        escalated_on=date(2025, 3, 20), reason="High-risk panel",
    )  # fmt: skip
    rows = {r.case_id: r for r in selectors_pathways.self_neglect_open_cases(user=adult_social_worker, now=NOW)}
    assert len(rows) == 6

    def kept(show):
        qs = selectors_pathways.self_neglect_open_query(user=adult_social_worker, now=NOW, show=show)
        return set(qs.values_list("pk", flat=True))

    assert kept("overdue") == {k for k, r in rows.items() if r.review_overdue} == {cases[0].pk, cases[4].pk,
                                                                                     cases[5].pk}  # fmt: skip
    assert kept("consider") == {k for k, r in rows.items() if r.escalation_suggested} == {cases[0].pk, cases[1].pk}
    assert kept("escalated") == {escalated.pk}
    assert kept("nonsense") == kept("all") == set(rows)


def _known(person, user):
    """A person the user's council works with (an open involvement)."""
    from safehub.people import policy
    from safehub.testing.factories import InvolvementFactory

    InvolvementFactory(person=person, agency_id=policy.agency_id_of(user))
    return person
