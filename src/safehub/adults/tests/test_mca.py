"""Mental Capacity Act services: capacity, best interests, advocacy whatever the capacity, DoLS."""

from datetime import UTC, date, datetime, timedelta

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from safehub.adults import rules, selectors_mca, services_mca
from safehub.adults.models_mca import CapacityOutcome, DolsOutcome
from safehub.core.actors import SystemActor
from safehub.core.models import AuditEvent
from safehub.people.services import involvement_record
from safehub.testing.factories import AgencyFactory, PersonFactory

from .helpers import decide, raise_concern

TEST_ACTOR = SystemActor("test set-up")

pytestmark = pytest.mark.django_db
NOW = datetime(2025, 3, 20, 12, tzinfo=UTC)


@pytest.fixture
def known_adult(adult, council):
    involvement_record(person=adult, agency_id=council.pk, kind="CASE_HOLDER", now=NOW, source="test", by=TEST_ACTOR)
    return adult


@pytest.fixture
def care_home(db):
    return AgencyFactory(kind="CARE_PROVIDER", code="OAK", name="Oakfield Care Home")


def assess(person, by, **extra):
    fields = {
        "decision": "Whether to move into a care home",
        "impairment": True,
        "impairment_detail": "Vascular dementia (diagnosed 2023)",
        "can_understand": True,
        "can_retain": False,
        "can_use_or_weigh": False,
        "can_communicate": True,
        "because_of_impairment": True,
        "support_given": "Visited twice, mornings; pictures of the home; her daughter present",
        "assessed_on": date(2025, 3, 18),
    }
    fields.update(extra)
    return services_mca.capacity_assess(person=person, by=by, now=NOW, **fields)


def test_capacity_assessment_is_decision_specific_and_follows_the_two_stage_test(known_adult, adult_social_worker):
    lacks = assess(known_adult, adult_social_worker)
    has = assess(known_adult, adult_social_worker, decision="Who visits her", can_retain=True, can_use_or_weigh=True)
    assert (lacks.outcome, has.outcome) == (CapacityOutcome.LACKS_CAPACITY, CapacityOutcome.HAS_CAPACITY)
    assert lacks.assessor == adult_social_worker and lacks.support_given.startswith("Visited twice")
    with pytest.raises(ValidationError) as excinfo:
        assess(known_adult, adult_social_worker, decision="", support_given="", assessed_on=date(2025, 3, 21))
    assert {"decision", "support_given", "assessed_on"} <= set(excinfo.value.message_dict)


def test_best_interests_needs_lack_of_capacity_consultation_and_the_least_restrictive_option(
    known_adult, adult_social_worker
):
    lacks = assess(known_adult, adult_social_worker)
    has = assess(known_adult, adult_social_worker, can_retain=True, can_use_or_weigh=True)
    fields = {
        "decision": "A trial stay of four weeks at Oakfield",
        "persons_views": "Wants to be near her garden; has said she is frightened at night",
        "consulted": "Daughter (LPA health and welfare), GP, home care manager",
        "least_restrictive_option": "Night sitting service considered: not available; trial stay before any move",
        "decided_on": date(2025, 3, 19),
    }
    decision = services_mca.best_interests_record(assessment=lacks, by=adult_social_worker, now=NOW, **fields)
    assert decision.consulted.startswith("Daughter")
    with pytest.raises(ValidationError) as excinfo:
        services_mca.best_interests_record(assessment=has, by=adult_social_worker, now=NOW, **fields)
    assert "assessment" in excinfo.value.message_dict
    with pytest.raises(ValidationError) as excinfo:
        services_mca.best_interests_record(
            assessment=lacks,
            by=adult_social_worker,
            now=NOW,
            **{**fields, "consulted": "", "least_restrictive_option": ""},
        )
    assert {"consulted", "least_restrictive_option"} <= set(excinfo.value.message_dict)


@pytest.mark.parametrize("lacks_capacity", [True, False, None])
def test_care_act_advocate_whatever_the_capacity(known_adult, adult_mash_manager, adult_social_worker, lacks_capacity):
    concern = raise_concern(known_adult, adult_mash_manager, NOW)
    decide(concern, adult_social_worker, NOW)
    enquiry = concern.enquiries.get()
    row = services_mca.advocacy_refer(
        person=known_adult,
        by=adult_social_worker,
        now=NOW,
        kind="CARE_ACT_S68",
        referred_on=date(2025, 3, 20),
        substantial_difficulty=True,
        appropriate_individual=False,
        lacks_capacity=lacks_capacity,
        enquiry=enquiry,
        advocate="Jo Pike, Solent Advocacy",
    )
    assert row.kind == "CARE_ACT_S68"
    with pytest.raises(ValidationError) as excinfo:  # someone appropriate can support her: no duty
        services_mca.advocacy_refer(
            person=known_adult, by=adult_social_worker, now=NOW, kind="CARE_ACT_S68", referred_on=date(2025, 3, 20),
            substantial_difficulty=True, appropriate_individual=True, lacks_capacity=lacks_capacity, enquiry=enquiry,
        )  # fmt: skip
    assert "substantial_difficulty" in excinfo.value.message_dict


def test_imca_only_where_capacity_is_lacking_and_no_one_to_consult(known_adult, adult_social_worker):
    services_mca.advocacy_refer(
        person=known_adult, by=adult_social_worker, now=NOW, kind="IMCA", referred_on=date(2025, 3, 1),
        lacks_capacity=True, anyone_to_consult=False,
    )  # fmt: skip
    for lacks, anyone in ((False, False), (True, True)):
        with pytest.raises(ValidationError):
            services_mca.advocacy_refer(
                person=known_adult, by=adult_social_worker, now=NOW, kind="IMCA", referred_on=date(2025, 3, 1),
                lacks_capacity=lacks, anyone_to_consult=anyone,
            )  # fmt: skip


def test_dols_day_counts_come_from_the_settings_table_when_used(known_adult, adult_social_worker, care_home, settings):
    settings.SAFEHUB_TIMESCALES = {
        **settings.SAFEHUB_TIMESCALES,
        "dols_urgent_days": 5,
        "dols_urgent_extension_days": 3,
        "dols_standard_decision_days": 14,
    }
    application = services_mca.dols_request(
        person=known_adult,
        by=adult_social_worker,
        now=NOW,
        managing_authority=care_home,
        requested_on=date(2025, 3, 10),
        urgent_granted_on=date(2025, 3, 10),
    )
    assert (application.decision_due, application.urgent_last_day) == (date(2025, 3, 23), date(2025, 3, 14))
    application = services_mca.dols_extend_urgent(
        application=application, by=adult_social_worker, now=NOW, extended_on=date(2025, 3, 14), expected_version=1
    )
    assert application.urgent_last_day == date(2025, 3, 17)


def test_dols_urgent_then_extended_once_then_standard_granted_and_reviewed(known_adult, adult_social_worker, care_home):
    application = services_mca.dols_request(
        person=known_adult,
        by=adult_social_worker,
        now=NOW,
        managing_authority=care_home,
        requested_on=date(2025, 3, 10),
        urgent_granted_on=date(2025, 3, 10),
    )
    assert (application.decision_due, application.urgent_last_day) == (date(2025, 3, 30), date(2025, 3, 16))
    with pytest.raises(ValidationError):  # expired on 17 March: too late to extend
        services_mca.dols_extend_urgent(
            application=application, by=adult_social_worker, now=NOW, extended_on=date(2025, 3, 17), expected_version=1
        )
    application = services_mca.dols_extend_urgent(
        application=application, by=adult_social_worker, now=NOW, extended_on=date(2025, 3, 16), expected_version=1
    )
    assert application.urgent_last_day == date(2025, 3, 23)
    with pytest.raises(ValidationError):  # once only
        services_mca.dols_extend_urgent(
            application=application, by=adult_social_worker, now=NOW, extended_on=date(2025, 3, 18), expected_version=2
        )
    with pytest.raises(ValidationError) as excinfo:  # more than a year
        services_mca.dols_decide(
            application=application, by=adult_social_worker, now=NOW, expected_version=2, outcome="GRANTED",
            decided_on=date(2025, 3, 20), authorised_from=date(2025, 3, 20), authorised_until=date(2026, 3, 20),
        )  # fmt: skip
    assert "authorised_until" in excinfo.value.message_dict
    application = services_mca.dols_decide(
        application=application, by=adult_social_worker, now=NOW, expected_version=2, outcome="GRANTED",
        decided_on=date(2025, 3, 20), authorised_from=date(2025, 3, 20), authorised_until=date(2026, 3, 19),
        conditions="Daily walk in the garden with staff", review_every_days=90,
    )  # fmt: skip
    assert (application.outcome, application.review_due) == (DolsOutcome.GRANTED, date(2025, 6, 18))
    status = selectors_mca.dols_status(application, date(2025, 6, 19))
    assert status == ("Review overdue", date(2025, 6, 18), True)
    application = services_mca.dols_review(
        application=application, by=adult_social_worker, now=NOW, expected_version=3,
        reviewed_on=date(2025, 3, 20), next_review_due=date(2025, 9, 1),
    )  # fmt: skip
    assert selectors_mca.dols_status(application, date(2025, 6, 19))[2] is False
    assert selectors_mca.dols_status(application, date(2026, 3, 20))[0] == "Authorisation expired"


def test_dols_worklist_lists_visible_adults_and_audits_them(known_adult, adult_social_worker, care_home):
    stranger = PersonFactory(date_of_birth=date(1940, 2, 2))
    services_mca.dols_request(
        person=known_adult, by=adult_social_worker, now=NOW, managing_authority=care_home, requested_on=date(2025, 2, 1)
    )
    rows = selectors_mca.dols_worklist(user=adult_social_worker, now=NOW)
    assert [(r.person_id, r.status, r.overdue) for r in rows] == [(known_adult.pk, "Standard decision due", True)]
    assert AuditEvent.objects.filter(details__list="DoLS worklist", person_id=known_adult.pk).exists()
    with pytest.raises(PermissionDenied):  # no access to this adult's record: no request either
        services_mca.dols_request(
            person=stranger,
            by=adult_social_worker,
            now=NOW,
            managing_authority=care_home,
            requested_on=date(2025, 2, 1),
        )


def test_dols_measures_count_applications_outcomes_and_waiting(known_adult, adult_social_worker, care_home, analyst):
    for requested, decided in (
        (date(2024, 5, 1), date(2024, 5, 15)),
        (date(2024, 6, 1), date(2024, 7, 11)),
        (date(2025, 3, 1), None),
    ):
        application = services_mca.dols_request(
            person=known_adult, by=adult_social_worker, now=NOW, managing_authority=care_home, requested_on=requested
        )
        if decided:
            services_mca.dols_decide(
                application=application, by=adult_social_worker, now=NOW, expected_version=1, outcome="NOT_GRANTED",
                decided_on=decided,
            )  # fmt: skip
    figures = selectors_mca.dols_measures(user=analyst, year="2024-25", now=NOW)
    assert figures["dols_applications_received"] == 3
    assert figures["dols_not_granted"] == 2
    assert figures["dols_decided_within_21_days"] == 1
    assert (figures["dols_median_days_to_decision"], figures["dols_mean_days_to_decision"]) == (27.0, 27.0)
    assert (figures["dols_waiting_at_year_end_or_now"], figures["dols_waiting_over_21_days"]) == (1, 0)
    with pytest.raises(PermissionDenied):
        selectors_mca.dols_measures(user=adult_social_worker, year="2024-25", now=NOW)


def test_dols_expiry_at_the_boundary_days(known_adult, adult_social_worker, care_home):
    application = services_mca.dols_request(
        person=known_adult, by=adult_social_worker, now=NOW, managing_authority=care_home, requested_on=date(2024, 3, 1)
    )
    application = services_mca.dols_decide(
        application=application, by=adult_social_worker, now=NOW, expected_version=1, outcome="GRANTED",
        decided_on=date(2024, 3, 10), authorised_from=date(2024, 3, 10), authorised_until=date(2025, 3, 9),
    )  # fmt: skip
    last_day, day_after = date(2025, 3, 9), date(2025, 3, 10)
    assert selectors_mca.dols_status(application, last_day)[0] != "Authorisation expired"
    assert selectors_mca.dols_status(application, day_after) == ("Authorisation expired", last_day, True)
    on_last_day = datetime(2025, 3, 9, 12, tzinfo=UTC)
    assert [r.application_id for r in selectors_mca.dols_worklist(user=adult_social_worker, now=on_last_day)] == [
        application.pk
    ]
    assert selectors_mca.dols_worklist(user=adult_social_worker, now=datetime(2025, 3, 10, 12, tzinfo=UTC)) == []
    with pytest.raises(ValidationError) as excinfo:  # the day after expiry: no review, a new request
        services_mca.dols_review(
            application=application, by=adult_social_worker, now=NOW, expected_version=2, reviewed_on=day_after
        )
    assert "a new request is needed" in excinfo.value.message_dict["reviewed_on"][0]
    reviewed = services_mca.dols_review(
        application=application, by=adult_social_worker, now=NOW, expected_version=2, reviewed_on=last_day
    )
    assert reviewed.reviewed_on == last_day


def test_care_act_advocate_recorded_for_an_adult_with_capacity(known_adult, adult_social_worker):
    assessment = assess(known_adult, adult_social_worker, can_retain=True, can_use_or_weigh=True)
    assert assessment.outcome == CapacityOutcome.HAS_CAPACITY
    concern = raise_concern(known_adult, adult_social_worker, NOW)
    enquiry = decide(concern, adult_social_worker, NOW).enquiries.get()
    advocacy = services_mca.advocacy_refer(
        person=known_adult, by=adult_social_worker, now=NOW, kind="CARE_ACT_S68", referred_on=date(2025, 3, 20),
        substantial_difficulty=True, appropriate_individual=False, enquiry=enquiry,
    )  # fmt: skip
    assert (advocacy.kind, advocacy.enquiry_id) == ("CARE_ACT_S68", enquiry.pk)


def test_dols_waiting_is_counted_on_the_last_day_of_the_year(known_adult, adult_social_worker, care_home, analyst):
    application = services_mca.dols_request(
        person=known_adult, by=adult_social_worker, now=NOW, managing_authority=care_home, requested_on=date(2024, 3, 1)
    )
    services_mca.dols_decide(
        application=application, by=adult_social_worker, now=NOW, expected_version=1, outcome="NOT_GRANTED",
        decided_on=date(2024, 4, 5),
    )  # fmt: skip
    later = datetime(2024, 6, 1, 12, tzinfo=UTC)
    figures = selectors_mca.dols_measures(user=analyst, year="2023-24", now=later)
    # Decided on 5 April 2024: still waiting on 31 March 2024, 31 days after the request.
    assert (figures["dols_waiting_at_year_end_or_now"], figures["dols_waiting_over_21_days"]) == (1, 1)


def test_the_worklist_s_database_order_and_overdue_count_agree_with_dols_status_on_every_branch(
    known_adult, adult_social_worker, care_home
):
    """``dols_work`` writes ``dols_status``'s date and flag as SQL: each branch, on both sides of its day."""
    today, d = NOW.date(), timedelta(days=1)

    def requested_for(due):  # the request day whose 21-day decision date is ``due``
        return next(today - k * d for k in range(60) if rules.standard_decision_due(today - k * d) == due)

    def ask(requested_on, urgent=None):
        return services_mca.dols_request(person=known_adult, by=adult_social_worker, now=NOW,
                                         managing_authority=care_home, requested_on=requested_on,
                                         urgent_granted_on=urgent)  # fmt: skip

    def granted(review_due):
        a = ask(today - 40 * d)
        a = services_mca.dols_decide(application=a, by=adult_social_worker, now=NOW, expected_version=1,
                                     outcome="GRANTED", decided_on=today - 30 * d, authorised_from=today - 30 * d,
                                     authorised_until=today + 200 * d)  # fmt: skip
        return services_mca.dols_review(application=a, by=adult_social_worker, now=NOW, expected_version=2,
                                        reviewed_on=today - 10 * d, next_review_due=review_due)  # fmt: skip

    made = [
        ask(requested_for(today + d)),  # standard decision due tomorrow
        ask(requested_for(today)),  # due today: not yet overdue
        ask(requested_for(today - d)),  # a day late
        ask(today - 2 * d, urgent=today - 2 * d),  # urgent authorisation in force
        ask(today - 9 * d, urgent=today - 9 * d),  # urgent authorisation ran out: decision needed now
        granted(today),  # review due today
        granted(today - d),  # review a day overdue
        granted(None),  # no review date set
    ]
    refused = ask(today - 5 * d)
    services_mca.dols_decide(application=refused, by=adult_social_worker, now=NOW, expected_version=1,
                             outcome="NOT_GRANTED", decided_on=today)  # fmt: skip
    work = selectors_mca.dols_work(user=adult_social_worker, now=NOW)
    listed = {a.pk: a for a in work}
    assert set(listed) == {a.pk for a in made}  # the refused request is not open work
    for a in made:
        a.refresh_from_db()
        _, due, overdue = selectors_mca.dols_status(a, today)
        assert (listed[a.pk].due_on, listed[a.pk].is_overdue) == (due or today, overdue), a.pk
    assert [a.pk for a in work] == sorted(listed, key=lambda pk: (listed[pk].due_on, pk))
    assert work.filter(is_overdue=True).count() == 3
