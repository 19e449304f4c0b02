from datetime import date, timedelta

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction

from safehub.adults import services
from safehub.adults.models import Enquiry, SafeguardingConcern
from safehub.core.actors import SystemActor
from safehub.core.errors import StaleEdit
from safehub.core.models import AuditAction, AuditEvent
from safehub.people.models import Involvement
from safehub.people.services import involvement_record
from safehub.testing.factories import PersonFactory

from .helpers import complete_enquiry, decide, raise_concern

TEST_ACTOR = SystemActor("test set-up")

pytestmark = pytest.mark.django_db


def test_concern_is_recorded_with_a_two_working_day_decision_deadline_and_audited(
    adult_mash_manager, adult_social_worker, adult, now
):
    concern = raise_concern(adult, adult_mash_manager, now)
    # Tuesday 8 October 2024 + 2 working days = end of Thursday 10 October (UK time)
    assert concern.decision_due_at.date() == date(2024, 10, 10)
    assert concern.council.code == "ASC"
    assert AuditEvent.objects.filter(action=AuditAction.CREATE, person_id=adult.pk).exists()
    assert Involvement.objects.filter(person=adult, agency=concern.council, kind="CASE_HOLDER").exists()


def test_concern_from_another_agency_goes_to_the_council_and_records_the_referrer(
    council, mash_worker, adult, now, front_door
):
    concern = raise_concern(adult, mash_worker, now)
    assert concern.council_id == council.pk
    assert concern.source_agency_id == front_door.pk
    assert Involvement.objects.filter(person=adult, agency=front_door, kind="REFERRER").exists()


def test_concern_without_consent_needs_a_lawful_basis(adult_mash_manager, adult_social_worker, adult, now):
    with pytest.raises(ValidationError) as excinfo:
        raise_concern(adult, adult_mash_manager, now, consent="REFUSED")
    assert "lawful_basis" in excinfo.value.message_dict
    assert not SafeguardingConcern.objects.exists()
    concern = raise_concern(
        adult, adult_mash_manager, now, consent="REFUSED", lawful_basis="Others at risk: vital interests"
    )
    assert concern.consent == "REFUSED"


def test_concern_about_a_child_is_refused(adult_mash_manager, adult_social_worker, now, dsl, school):
    child = PersonFactory(date_of_birth=date(2015, 1, 1))
    # The adults' front door cannot open a child's record at all.
    with pytest.raises(PermissionDenied):
        raise_concern(child, adult_mash_manager, now)
    # A school that knows the child is told to use the children's front door.
    involvement_record(person=child, agency_id=school.pk, kind="EDUCATION", now=now, source="test", by=TEST_ACTOR)
    with pytest.raises(ValidationError) as excinfo:
        raise_concern(child, dsl, now)
    assert "person" in excinfo.value.message_dict


def test_analyst_cannot_raise_a_concern(analyst, adult, now, council):
    with pytest.raises(PermissionDenied):
        raise_concern(adult, analyst, now)


@pytest.mark.parametrize(
    "answers",
    [
        {"has_care_and_support_needs": False, "experiencing_or_at_risk": True, "unable_to_protect_self": True},
        {"has_care_and_support_needs": True, "experiencing_or_at_risk": False, "unable_to_protect_self": True},
        {"has_care_and_support_needs": True, "experiencing_or_at_risk": True, "unable_to_protect_self": None},
    ],
)
def test_s42_decision_is_refused_unless_all_three_answers_are_yes(
    adult_mash_manager, adult_social_worker, adult, now, answers
):
    concern = raise_concern(adult, adult_mash_manager, now)
    with pytest.raises(ValidationError) as excinfo:
        decide(concern, adult_social_worker, now, decision="S42", test=answers)
    assert "decision" in excinfo.value.message_dict
    assert not Enquiry.objects.exists()
    concern.refresh_from_db()
    assert concern.decision == ""


def test_other_enquiry_can_start_from_a_concern_that_fails_the_test(
    adult_mash_manager, adult_social_worker, adult, now
):
    concern = raise_concern(adult, adult_mash_manager, now)
    answers = {"has_care_and_support_needs": False, "experiencing_or_at_risk": True, "unable_to_protect_self": True}
    decide(concern, adult_social_worker, now, decision="OTHER", test=answers)
    enquiry = Enquiry.objects.get(concern=concern)
    assert enquiry.kind == "OTHER"


def test_s42_enquiry_cannot_be_started_directly_from_a_concern_failing_the_test(
    adult_mash_manager, adult_social_worker, adult, now
):
    concern = raise_concern(adult, adult_mash_manager, now)
    answers = {"has_care_and_support_needs": True, "experiencing_or_at_risk": True, "unable_to_protect_self": False}
    decide(concern, adult_social_worker, now, decision="OTHER", test=answers)
    with pytest.raises(ValidationError) as excinfo:
        services.enquiry_start(concern=concern, kind="S42", by=adult_social_worker, now=now, started_date=now.date())
    assert "kind" in excinfo.value.message_dict
    assert Enquiry.objects.filter(kind="S42").count() == 0


def test_database_refuses_an_s42_decision_without_the_test(adult_mash_manager, adult_social_worker, adult, now):
    concern = raise_concern(adult, adult_mash_manager, now)
    with pytest.raises(IntegrityError), transaction.atomic():
        SafeguardingConcern.objects.filter(pk=concern.pk).update(decision="S42", decided_at=now)


def test_s42_decision_starts_the_enquiry_and_gives_the_provider_access(
    adult_mash_manager, adult_social_worker, adult, now, care_provider
):
    concern = raise_concern(adult, adult_mash_manager, now)
    decide(concern, adult_social_worker, now, carried_out_by=care_provider)
    enquiry = Enquiry.objects.get(concern=concern)
    assert (enquiry.kind, enquiry.carried_out_by_id, enquiry.started_date) == ("S42", care_provider.pk, now.date())
    assert Involvement.objects.filter(person=adult, agency=care_provider, kind="ENQUIRY").exists()
    assert AuditEvent.objects.filter(action=AuditAction.SHARE, object_id=str(enquiry.pk)).exists()


def test_no_further_action_needs_signposting(adult_mash_manager, adult_social_worker, adult, now):
    concern = raise_concern(adult, adult_mash_manager, now)
    with pytest.raises(ValidationError) as excinfo:
        decide(concern, adult_social_worker, now, decision="NFA", signposting="")
    assert "signposting" in excinfo.value.message_dict


def test_decision_cannot_be_made_twice_and_stale_decisions_are_refused(
    adult_mash_manager, adult_social_worker, adult, now
):
    concern = raise_concern(adult, adult_mash_manager, now)
    stale = SafeguardingConcern.objects.get(pk=concern.pk)
    decide(concern, adult_social_worker, now, decision="NFA")
    with pytest.raises(ValidationError):
        decide(concern, adult_social_worker, now, decision="NFA")
    with pytest.raises(StaleEdit):
        decide(stale, adult_social_worker, now, decision="NFA")


def test_only_the_receiving_council_decides(adult_mash_manager, mash_manager, adult, now, council, adult_social_worker):
    concern = raise_concern(adult, adult_mash_manager, now)
    with pytest.raises(PermissionDenied):
        decide(concern, mash_manager, now)  # a children's front-door manager: right role, wrong agency


def test_risk_actions_are_recorded_on_the_concern(adult_mash_manager, adult_social_worker, adult, now):
    concern = raise_concern(adult, adult_mash_manager, now)
    action = services.risk_action_add(
        concern=concern,
        by=adult_social_worker,
        now=now,
        description="Daily welfare visits by the home care team",
        owner="Solent Home Care",
        due_date=date(2024, 10, 15),
    )
    services.risk_action_complete(action=action, by=adult_social_worker, now=now, completed_date=now.date())
    assert list(concern.risk_actions.values_list("owner", "completed_date")) == [("Solent Home Care", now.date())]


def test_enquiry_concludes_only_when_the_sac_fields_are_complete(adult_mash_manager, adult_social_worker, adult, now):
    concern = raise_concern(adult, adult_mash_manager, now)
    decide(concern, adult_social_worker, now)
    enquiry = Enquiry.objects.get()
    with pytest.raises(ValidationError) as excinfo:
        services.enquiry_conclude(
            enquiry=enquiry, by=adult_social_worker, now=now, concluded_date=now.date(), expected_version=1
        )
    assert {"risk_types", "risk_locations", "risk_sources", "risk_outcome"} <= set(excinfo.value.message_dict)
    enquiry = complete_enquiry(enquiry, adult_social_worker, now, concluded_date=date(2024, 11, 20))
    enquiry.refresh_from_db()
    assert enquiry.concluded_date == date(2024, 11, 20)
    assert enquiry.risk_type_codes() == ["FINANCIAL", "NEGLECT"]


def test_enquiry_rules_on_msp_capacity_and_outcome(adult_mash_manager, adult_social_worker, adult, now):
    concern = raise_concern(adult, adult_mash_manager, now)
    decide(concern, adult_social_worker, now)
    enquiry = Enquiry.objects.get()
    for bad, field in (
        ({"desired_outcomes_asked": "NOT_ASKED", "outcomes_achieved": "FULLY"}, "outcomes_achieved"),
        ({"risk_outcome": "REMOVED", "action_taken": False}, "action_taken"),
    ):
        with pytest.raises(ValidationError) as excinfo:
            services.enquiry_update(
                enquiry=Enquiry.objects.get(), by=adult_social_worker, now=now, expected_version=1, **bad
            )
        assert field in excinfo.value.message_dict
    enquiry = services.enquiry_update(
        enquiry=enquiry,
        by=adult_social_worker,
        now=now,
        expected_version=1,
        lacked_capacity="YES",
        advocate_support=True,
        interpreter_used=False,
        heard_away_from_family=True,
    )
    assert (enquiry.version, enquiry.advocate_support) == (2, True)


def test_concluded_enquiry_cannot_be_changed(adult_mash_manager, adult_social_worker, adult, now):
    concern = raise_concern(adult, adult_mash_manager, now)
    decide(concern, adult_social_worker, now)
    enquiry = complete_enquiry(Enquiry.objects.get(), adult_social_worker, now)
    with pytest.raises(ValidationError):
        services.enquiry_update(
            enquiry=enquiry, by=adult_social_worker, now=now, expected_version=enquiry.version, risk_outcome="REMAINS"
        )


def test_enquiry_cannot_conclude_in_the_future(adult_mash_manager, adult_social_worker, adult, now):
    concern = raise_concern(adult, adult_mash_manager, now)
    decide(concern, adult_social_worker, now)
    enquiry = Enquiry.objects.get()
    with pytest.raises(ValidationError) as excinfo:
        complete_enquiry(
            enquiry, adult_social_worker, now, concluded_date=now.date() + timedelta(days=3), conclude_now=now
        )
    assert "concluded_date" in excinfo.value.message_dict
    assert Enquiry.objects.get().concluded_date is None


@pytest.mark.parametrize("capacity", ["YES", "NO", "DONT_KNOW", "NOT_RECORDED"])
def test_advocacy_is_recorded_whatever_the_capacity(adult_mash_manager, adult_social_worker, adult, now, capacity):
    """Care Act s68: the advocacy duty turns on substantial difficulty, not capacity (the old rule refused NO)."""
    concern = raise_concern(adult, adult_mash_manager, now)
    decide(concern, adult_social_worker, now)
    enquiry = complete_enquiry(
        Enquiry.objects.get(), adult_social_worker, now, lacked_capacity=capacity, advocate_support=True
    )
    enquiry.refresh_from_db()
    assert (enquiry.lacked_capacity, enquiry.advocate_support, enquiry.concluded_date is not None) == (
        capacity,
        True,
        True,
    )


def test_locations_and_sources_are_many_per_enquiry_each_once(adult_mash_manager, adult_social_worker, adult, now):
    concern = raise_concern(adult, adult_mash_manager, now)
    decide(concern, adult_social_worker, now)
    enquiry = complete_enquiry(
        Enquiry.objects.get(),
        adult_social_worker,
        now,
        risk_locations=["OWN_HOME", "COMMUNITY", "OWN_HOME"],
        risk_sources=["KNOWN", "SERVICE_PROVIDER"],
    )
    assert enquiry.risk_location_codes() == ["COMMUNITY", "OWN_HOME"]
    assert enquiry.risk_source_codes() == ["KNOWN", "SERVICE_PROVIDER"]
    with pytest.raises(ValidationError) as excinfo:
        services.set_enquiry_categories(enquiry, "risk_sources", ["STRANGER"])
    assert "risk_sources" in excinfo.value.message_dict


def test_lacking_capacity_needs_the_advocacy_answer_to_conclude(adult_mash_manager, adult_social_worker, adult, now):
    concern = raise_concern(adult, adult_mash_manager, now)
    decide(concern, adult_social_worker, now)
    with pytest.raises(ValidationError) as excinfo:
        complete_enquiry(Enquiry.objects.get(), adult_social_worker, now, lacked_capacity="YES")
    assert "advocate_support" in excinfo.value.message_dict


def test_an_enquiry_ceased_at_the_adults_request_concludes_with_no_action_taken(
    adult_mash_manager, adult_social_worker, adult, now
):
    concern = raise_concern(adult, adult_mash_manager, now)
    decide(concern, adult_social_worker, now)
    enquiry = complete_enquiry(
        Enquiry.objects.get(), adult_social_worker, now, risk_outcome="CEASED_AT_REQUEST", action_taken=None
    )
    enquiry.refresh_from_db()
    # Whether action was taken is not asked: ceasing at the adult's request means none was.
    assert (enquiry.risk_outcome, enquiry.action_taken, enquiry.concluded_date is not None) == (
        "CEASED_AT_REQUEST",
        False,
        True,
    )


def test_an_enquiry_cannot_cease_at_the_request_with_action_or_when_the_adult_lacked_capacity(
    adult_mash_manager, adult_social_worker, adult, now
):
    concern = raise_concern(adult, adult_mash_manager, now)
    decide(concern, adult_social_worker, now)
    for bad, field in (
        ({"risk_outcome": "CEASED_AT_REQUEST", "action_taken": True}, "action_taken"),
        ({"risk_outcome": "CEASED_AT_REQUEST", "lacked_capacity": "YES"}, "risk_outcome"),
    ):
        with pytest.raises(ValidationError) as excinfo:
            services.enquiry_update(
                enquiry=Enquiry.objects.get(), by=adult_social_worker, now=now, expected_version=1, **bad
            )
        assert field in excinfo.value.message_dict
    # The database refuses the pair too (a write that skips the model's rules).
    with pytest.raises(IntegrityError), transaction.atomic():
        Enquiry.objects.filter(pk=Enquiry.objects.get().pk).update(risk_outcome="CEASED_AT_REQUEST", action_taken=True)
    # An adult whose capacity was not in doubt may end it, and "don't know" is not "lacked".
    enquiry = services.enquiry_update(
        enquiry=Enquiry.objects.get(),
        by=adult_social_worker,
        now=now,
        expected_version=1,
        risk_outcome="CEASED_AT_REQUEST",
        lacked_capacity="DONT_KNOW",
    )
    assert enquiry.risk_outcome == "CEASED_AT_REQUEST"
