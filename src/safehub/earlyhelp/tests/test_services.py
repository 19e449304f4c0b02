"""Early help services: opening, the assessment, meetings, closure, step up and step down, specialists."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from safehub.casework.models import CaseEpisode
from safehub.earlyhelp import rules, services
from safehub.earlyhelp.models import ClosureReason, EpisodeOrigin, SpecialistEntryKind, StepRecord
from safehub.frontdoor.models import Referral
from safehub.people import policy
from safehub.people.models import Involvement

pytestmark = pytest.mark.django_db


def _open(people, by, now, **extra):
    kwargs = {
        "child": people["child"], "by": by, "now": now, "origin": EpisodeOrigin.FRONT_DOOR,
        "assessment_start_date": date(2025, 2, 3), "origin_reason": "Attendance and parenting worries",
        "family": [(people["mother"], "PARENT"), (people["brother"], "SIBLING")],
    }  # fmt: skip
    kwargs.update(extra)
    return services.episode_open(**kwargs)


def test_opening_gives_the_team_and_the_lead_agency_the_family_record(family, mash_worker, eh_team, dsl, now):
    episode = _open(family, mash_worker, now, lead_professional=dsl)
    assert episode.team == eh_team and episode.lead_agency == dsl.membership.agency
    assert episode.organisation == dsl.membership.agency.name
    for person in family.values():
        assert policy.person_access(dsl, person, now=now).allowed
    assert Involvement.objects.filter(person=family["mother"], agency=eh_team.agency, kind="CASE_HOLDER").exists()


def test_a_family_member_must_be_on_the_childs_relationships(family, mash_worker, now):
    from safehub.testing.factories import PersonFactory

    stranger = PersonFactory(given_name="Not", family_name="Related")
    with pytest.raises(ValidationError, match="relationships"):
        _open(family, mash_worker, now, family=[(stranger, "PARENT")])


def test_one_open_episode_per_child(family, mash_worker, now):
    _open(family, mash_worker, now)
    with pytest.raises(ValidationError, match="already has open early help"):
        _open(family, mash_worker, now)


def test_someone_without_access_cannot_open_early_help(family, outsider, now):
    with pytest.raises(PermissionDenied):
        _open(family, outsider, now)


def test_assessment_timescale_and_review_due(family, mash_worker, eh_worker, now):
    episode = _open(family, mash_worker, now)
    assert rules.assessment_due(date(2025, 2, 3)) == date(2025, 3, 17)  # 30 working days, no bank holidays
    assert rules.assessment_on_time(date(2025, 2, 3), None, as_of=date(2025, 3, 12), working_days=30) is None
    assert rules.assessment_on_time(date(2025, 2, 3), None, as_of=date(2025, 3, 18), working_days=30) is False
    services.assessment_complete(
        episode=episode, by=eh_worker, now=now, completed_date=date(2025, 3, 10),
        summary="Warm relationships; mum isolated", plan_outcomes="School attendance above 90%",
    )  # fmt: skip
    assert episode.plan_started_date == date(2025, 3, 10)
    assert rules.next_review_due(completed_date=date(2025, 3, 10), last_meeting_date=None) == date(2025, 4, 21)
    with pytest.raises(ValidationError, match="already complete"):
        services.assessment_complete(
            episode=episode, by=eh_worker, now=now, completed_date=date(2025, 3, 11), summary="x", plan_outcomes="y"
        )


def test_a_review_needs_a_plan_and_a_meeting_gives_its_agencies_access(family, mash_worker, eh_worker, hospital, now):
    episode = _open(family, mash_worker, now)
    with pytest.raises(ValidationError, match="no plan to review"):
        services.meeting_record(episode=episode, by=eh_worker, now=now, kind="REVIEW", held_date=date(2025, 3, 1),
                                progress="SOME")  # fmt: skip
    services.meeting_record(episode=episode, by=eh_worker, now=now, kind="TAF", held_date=date(2025, 2, 20),
                            agencies=[hospital])  # fmt: skip
    assert Involvement.objects.filter(person=family["child"], agency=hospital, kind="MEETING_INVITEE").exists()


def test_closure_needs_a_reason_and_cannot_precede_a_meeting(family, mash_worker, eh_worker, now):
    episode = _open(family, mash_worker, now)
    services.meeting_record(episode=episode, by=eh_worker, now=now, kind="TAF", held_date=date(2025, 2, 20))
    with pytest.raises(ValidationError, match="meeting is recorded"):
        services.episode_close(episode=episode, by=eh_worker, now=now, closed_date=date(2025, 2, 10),
                               reason=ClosureReason.OUTCOMES_MET)  # fmt: skip
    with pytest.raises(ValidationError, match="Step up"):
        services.episode_close(episode=episode, by=eh_worker, now=now, closed_date=date(2025, 3, 1), reason="STEP_UP")
    services.episode_close(episode=episode, by=eh_worker, now=now, closed_date=date(2025, 3, 1),
                           reason=ClosureReason.OUTCOMES_MET)  # fmt: skip
    assert episode.stage == "CLOSED"
    with pytest.raises(ValidationError, match="closed"):
        services.meeting_record(episode=episode, by=eh_worker, now=now, kind="TAF", held_date=date(2025, 3, 2))


def test_step_up_opens_the_social_care_case_and_links_both(family, mash_worker, eh_manager, da_specialist, now):
    episode = _open(family, mash_worker, now)
    attachment = services.specialist_attach(
        child=family["child"], by=eh_manager, now=now, kind="DOMESTIC_ABUSE", specialist=da_specialist,
        adult=family["mother"], started_date=date(2025, 2, 10), early_help=episode,
    )  # fmt: skip
    step = services.step_up(episode=episode, by=eh_manager, now=now, step_date=date(2025, 3, 11),
                            reasons="Disclosure of violence at home; risk escalating")  # fmt: skip
    episode.refresh_from_db()
    referral = Referral.objects.get(person=family["child"])
    case = CaseEpisode.objects.get(person=family["child"])
    assert referral.source == "5D" and referral.referral_date == date(2025, 3, 11)
    assert episode.closure_reason == "STEP_UP" and episode.closed_date == date(2025, 3, 11)
    assert episode.stepped_up_referral == referral and episode.stepped_up_episode == case
    assert step.direction == "UP" and step.case_episode == case
    # The family's record moves across: children's social care holds the mother's and brother's too.
    csc = eh_manager.membership.agency
    assert Involvement.objects.filter(person=family["mother"], agency=csc, kind="CASE_HOLDER").exists()
    attachment.refresh_from_db()
    assert attachment.ended_date is None and attachment.case_episode == case


def test_an_early_help_practitioner_cannot_step_up_alone(family, mash_worker, eh_worker, now):
    episode = _open(family, mash_worker, now)
    with pytest.raises(PermissionDenied):
        services.step_up(episode=episode, by=eh_worker, now=now, step_date=date(2025, 3, 11), reasons="Escalating")
    assert not Referral.objects.exists()


def test_step_down_closes_the_case_and_opens_early_help(family, mash_worker, eh_manager, dsl, now):
    from safehub.frontdoor.services import referral_create

    referral_create(contact=None, person=family["child"], referral_date=date(2025, 1, 6), source="2A",
                    by=mash_worker, now=now)  # fmt: skip
    case = CaseEpisode.objects.get(person=family["child"])
    case.primary_need = "N1"
    case.save()
    step = services.step_down(
        case_episode=case, by=eh_manager, now=now, step_date=date(2025, 3, 10), close_case_reason="RC7",
        reasons="Assessment found needs met by early help", lead_professional=dsl,
    )  # fmt: skip
    case.refresh_from_db()
    assert case.closure_date == date(2025, 3, 10) and case.closure_reason == "RC7"
    episode = step.early_help
    assert episode.origin == "STEP_DOWN" and episode.stepped_down_from == case
    assert {m.person_id for m in episode.family.all()} == {family["mother"].pk, family["brother"].pk}
    assert policy.person_access(dsl, family["mother"], now=now).allowed
    assert StepRecord.objects.filter(direction="DOWN", early_help=episode).count() == 1


def test_step_down_with_the_case_open_needs_a_closure_reason(family, mash_worker, eh_manager, now):
    from safehub.frontdoor.services import referral_create

    referral_create(contact=None, person=family["child"], referral_date=date(2025, 1, 6), source="2A",
                    by=mash_worker, now=now)  # fmt: skip
    case = CaseEpisode.objects.get(person=family["child"])
    with pytest.raises(ValidationError, match="RC7 or RC9"):
        services.step_down(case_episode=case, by=eh_manager, now=now, step_date=date(2025, 3, 10), reasons="Ok")


def test_only_the_specialist_records_their_work(family, mash_worker, eh_worker, da_specialist, now):
    episode = _open(family, mash_worker, now)
    attachment = services.specialist_attach(
        child=family["child"], by=eh_worker, now=now, kind="DOMESTIC_ABUSE", specialist=da_specialist,
        adult=family["mother"], started_date=date(2025, 2, 10), early_help=episode,
    )  # fmt: skip
    assert policy.person_access(da_specialist, family["mother"], now=now).allowed
    entry = services.specialist_entry_record(
        attachment=attachment, by=da_specialist, now=now, kind=SpecialistEntryKind.SAFETY_PLAN,
        entry_date=date(2025, 2, 12), summary="Safety plan agreed with mum",
    )  # fmt: skip
    assert entry.attachment == attachment
    with pytest.raises(PermissionDenied):
        services.specialist_entry_record(attachment=attachment, by=eh_worker, now=now, kind="SESSION",
                                         entry_date=date(2025, 2, 13), summary="Not theirs")  # fmt: skip


def test_re_referral_window_is_twelve_months_after_closure():
    closed = date(2024, 2, 29)
    assert rules.re_referral_window_end(closed) == date(2025, 2, 28)
    assert rules.re_referred_within_12_months(closed, [date(2025, 2, 28)])
    assert not rules.re_referred_within_12_months(closed, [closed, date(2025, 3, 1)])
    assert not rules.re_referred_within_12_months(closed, [closed - timedelta(days=1)])


def test_the_chronology_and_the_home_tile_show_the_early_help(family, mash_worker, dsl, now):
    from safehub.earlyhelp import chronology, home

    episode = _open(family, mash_worker, now, lead_professional=dsl)
    titles = [e.title for e in chronology.chronology(family["child"], dsl)]
    assert any(t.startswith("Early help assessment started") for t in titles)
    assert [e.title for e in chronology.chronology(family["mother"], dsl)] == ["Part of a family's early help (parent)"]
    [tile] = home.home_panels(dsl, now=now)
    assert tile["figure"] == 1 and episode.lead_professional == dsl
