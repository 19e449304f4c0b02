"""PPN to the first strategy discussion, and the strategy discussion a high-risk missing episode prompts."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from safehub.casework.models import MissingEpisode, StrategyMeeting
from safehub.core.calendar import UK
from safehub.frontdoor import selectors as frontdoor_selectors
from safehub.frontdoor import services as frontdoor_services
from safehub.pathways import missing_strategy, rules
from safehub.pathways.models import MissingStrategyLink
from safehub.testing.factories import InvolvementFactory, PersonFactory

pytestmark = pytest.mark.django_db

WEDNESDAY_10 = datetime(2025, 3, 12, 10, 0, tzinfo=UK)


# --- rules -----------------------------------------------------------------------------------------
def test_the_strategy_discussion_is_due_three_working_days_after_the_ppn():
    due = rules.ppn_strategy_due(WEDNESDAY_10)
    assert due == datetime(2025, 3, 17, 23, 59, 59, tzinfo=UK)  # Thu, Fri, Mon
    assert rules.ppn_strategy_on_time(WEDNESDAY_10, due, as_of=due) is True
    assert rules.ppn_strategy_on_time(WEDNESDAY_10, due + timedelta(seconds=1), as_of=due) is False
    assert rules.ppn_strategy_on_time(WEDNESDAY_10, None, as_of=due) is None
    assert rules.ppn_strategy_on_time(WEDNESDAY_10, None, as_of=due + timedelta(hours=1)) is False


def test_the_standard_comes_from_the_settings_table(settings):
    settings.SAFEHUB_TIMESCALES = {**settings.SAFEHUB_TIMESCALES, "ppn_strategy_working_days": 1}
    assert rules.ppn_strategy_due(WEDNESDAY_10) == datetime(2025, 3, 13, 23, 59, 59, tzinfo=UK)


def test_the_first_strategy_discussion_is_the_first_within_30_days_after_the_ppn():
    before = (WEDNESDAY_10 - timedelta(days=1), None)
    first = (WEDNESDAY_10 + timedelta(days=2), WEDNESDAY_10 + timedelta(days=2, hours=2))
    later = (WEDNESDAY_10 + timedelta(days=5), None)
    assert rules.ppn_first_strategy(WEDNESDAY_10, [later, before, first]) == first
    assert rules.ppn_first_strategy(WEDNESDAY_10, [(WEDNESDAY_10 + timedelta(days=31), None)]) is None


def test_only_a_high_risk_missing_episode_prompts_a_strategy_discussion():
    assert rules.missing_prompts_strategy("HIGH")
    assert not rules.missing_prompts_strategy("MEDIUM")


# --- PPN to strategy discussion --------------------------------------------------------------------
def _ppn(officer, child, received_at):
    InvolvementFactory(person=child, agency=officer.membership.agency, kind="PROFESSIONAL", started_at=received_at)
    [contact] = frontdoor_services.contact_record(
        by=officer, now=received_at, children=[frontdoor_services.ChildEntry(
            family_name=child.family_name, person_id=child.pk, child_voice="Quiet")],
        source="6", received_at=received_at, incident_recorded_at=received_at - timedelta(hours=2),
        summary="Assault in the home", consent="NOT_SOUGHT", lawful_basis="SAFEGUARDING",
        police_grade="AMBER", police_grade_rationale="Children asleep", police_unit="Response",
    )  # fmt: skip
    return contact


def _meeting(child, manager, convened_at, held_at):
    return StrategyMeeting.objects.create(
        person=child, convened_by=manager, chair=manager, convened_at=convened_at, scheduled_at=convened_at,
        held_at=held_at, status="HELD" if held_at else "CONVENED",
    )  # fmt: skip


def test_ppn_strategy_timeliness_counts_on_time_late_and_pending(police_officer, mash_manager):
    quick, slow, waiting, none = (PersonFactory() for _ in range(4))
    for child in (quick, slow, waiting, none):
        _ppn(police_officer, child, WEDNESDAY_10)
    _meeting(quick, mash_manager, WEDNESDAY_10 + timedelta(hours=3), WEDNESDAY_10 + timedelta(hours=5))
    _meeting(slow, mash_manager, WEDNESDAY_10 + timedelta(days=6), WEDNESDAY_10 + timedelta(days=6, hours=1))
    _meeting(waiting, mash_manager, WEDNESDAY_10 + timedelta(days=1), None)
    data = frontdoor_selectors.ppn_strategy_timeliness(
        user=mash_manager, start=WEDNESDAY_10.date(), end=WEDNESDAY_10.date(), now=WEDNESDAY_10 + timedelta(days=2)
    )
    assert (data["ppns"], data["followed"], data["on_time"], data["late"], data["pending"]) == (4, 3, 1, 1, 1)
    assert data["on_time_pct"] == 50.0 and data["median_hours"] == (5 + 145) / 2


def test_the_database_finds_the_first_discussion_the_rule_would_on_both_sides_of_the_window(
    police_officer, mash_manager
):
    """The page finds each PPN's first discussion in SQL; it must pick what ppn_first_strategy picks."""
    window = rules.PPN_STRATEGY_WINDOW
    at = WEDNESDAY_10.astimezone(UTC)  # the window is 30 whole days (720 hours), across the clocks changing
    cases = {
        "at receipt": [(at, at + timedelta(hours=1))],
        "window's last second": [(at + window, at + window)],
        "a second too late": [(at + window + timedelta(seconds=1), at + window + timedelta(hours=1))],
        "a second too early": [(at - timedelta(seconds=1), WEDNESDAY_10)],
        "two, the earlier convened first held later": [
            (at + timedelta(days=2), at + timedelta(days=9)),
            (at + timedelta(days=1), at + timedelta(days=12)),
        ],
    }
    expected_hours = []
    for meetings in cases.values():
        child = PersonFactory()
        _ppn(police_officer, child, WEDNESDAY_10)
        for convened, held in meetings:
            _meeting(child, mash_manager, convened, held)
        first = rules.ppn_first_strategy(at, meetings)
        if first is not None:
            expected_hours.append((first[1] - at).total_seconds() / 3600)
    data = frontdoor_selectors.ppn_strategy_timeliness(
        user=mash_manager, start=WEDNESDAY_10.date(), end=WEDNESDAY_10.date(), now=at + timedelta(days=60)
    )
    assert expected_hours == [1.0, 720.0, 288.0]  # the rule: at receipt, the last second, the first convened
    assert (data["ppns"], data["followed"]) == (5, 3)
    assert data["median_hours"] == 288.0


def test_ppn_strategy_timeliness_is_for_those_who_see_police_timeliness(dsl):
    with pytest.raises(PermissionDenied):
        frontdoor_selectors.ppn_strategy_timeliness(
            user=dsl, start=WEDNESDAY_10.date(), end=WEDNESDAY_10.date(), now=WEDNESDAY_10
        )


# --- missing episode to strategy discussion --------------------------------------------------------
@pytest.fixture
def missing_child(db):
    return PersonFactory(given_name="Tyler", family_name="Reece")


def _episode(child, risk="HIGH"):
    return MissingEpisode.objects.create(person=child, started_at=WEDNESDAY_10, risk_level=risk)


def test_a_high_risk_episode_prompts_a_strategy_discussion_and_the_link_is_recorded(
    missing_child, mash_manager, police
):
    episode = _episode(missing_child)
    now = WEDNESDAY_10 + timedelta(hours=2)
    waiting = missing_strategy.missing_strategy_prompts(user=mash_manager, now=now)
    assert [r["id"] for r in waiting["rows"]] == [episode.pk] and waiting["rows"][0]["hours_waiting"] == 2
    link = missing_strategy.missing_strategy_convene(
        episode=episode, by=mash_manager, now=now, scheduled_at=now + timedelta(hours=1), chair=mash_manager,
        agencies=[police],
    )  # fmt: skip
    assert link.meeting.reason == "MISSING" and link.meeting.person == missing_child
    assert missing_strategy.missing_strategy_prompts(user=mash_manager, now=now)["total"] == 0
    linked = missing_strategy.missing_strategy_prompts(user=mash_manager, now=now, status="linked")
    assert linked["rows"][0]["meeting"]["id"] == link.meeting_id


def test_a_low_risk_episode_does_not_prompt_one_and_is_not_listed(missing_child, mash_manager):
    episode = _episode(missing_child, risk="LOW")
    assert missing_strategy.missing_strategy_prompts(user=mash_manager, now=WEDNESDAY_10)["total"] == 0
    with pytest.raises(ValidationError):
        missing_strategy.missing_strategy_convene(
            episode=episode, by=mash_manager, now=WEDNESDAY_10, scheduled_at=WEDNESDAY_10, chair=mash_manager,
            agencies=[],
        )  # fmt: skip


def test_an_existing_discussion_links_once_and_only_for_the_same_child_after_they_went_missing(
    missing_child, mash_manager
):
    episode = _episode(missing_child)
    other_child = _meeting(PersonFactory(), mash_manager, WEDNESDAY_10, None)
    too_early = _meeting(missing_child, mash_manager, WEDNESDAY_10 - timedelta(days=3), None)
    right = _meeting(missing_child, mash_manager, WEDNESDAY_10 + timedelta(hours=4), None)
    for wrong in (other_child, too_early):
        with pytest.raises(ValidationError):
            missing_strategy.missing_strategy_link(episode=episode, meeting=wrong, by=mash_manager, now=WEDNESDAY_10)
    missing_strategy.missing_strategy_link(episode=episode, meeting=right, by=mash_manager, now=WEDNESDAY_10)
    with pytest.raises(ValidationError):
        missing_strategy.missing_strategy_link(episode=episode, meeting=right, by=mash_manager, now=WEDNESDAY_10)
    assert MissingStrategyLink.objects.get().meeting == right


def test_someone_without_access_to_the_child_cannot_link_or_list(missing_child, nurse, dsl, mash_manager):
    episode = _episode(missing_child)
    meeting = _meeting(missing_child, mash_manager, WEDNESDAY_10, None)
    for outsider in (nurse, dsl):
        with pytest.raises(PermissionDenied):
            missing_strategy.missing_strategy_link(episode=episode, meeting=meeting, by=outsider, now=WEDNESDAY_10)
        with pytest.raises(PermissionDenied):
            missing_strategy.missing_strategy_prompts(user=outsider, now=WEDNESDAY_10)
