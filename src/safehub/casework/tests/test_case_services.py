"""The child's case: one open episode, allocation history, notes and visits, CIN plans, closure."""

from datetime import UTC, date, datetime, timedelta

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction

from safehub.casework import case_selectors, case_services, services
from safehub.casework.models import CaseAllocation, CaseEpisode, CaseStage
from safehub.testing.factories import AgencyFactory, CaseEpisodeFactory, InvolvementFactory, PersonFactory, make_user

NOW = datetime(2025, 6, 2, 10, 0, tzinfo=UTC)


@pytest.fixture
def social_worker(front_door):
    return make_user("sw", "SOCIAL_WORKER", front_door)


@pytest.fixture
def colleague(front_door):
    return make_user("colleague", "SOCIAL_WORKER", front_door)


@pytest.fixture
def case_child(front_door, child):
    InvolvementFactory(person=child, agency=front_door, started_at=NOW - timedelta(days=90))
    return child


def open_case(child, by, referral_date=date(2025, 4, 1)):
    return case_services.episode_open(person=child, referral_date=referral_date, source="6", by=by, now=NOW)


@pytest.mark.django_db
def test_a_child_has_at_most_one_open_case(case_child, social_worker):
    episode = open_case(case_child, social_worker)
    with pytest.raises(ValidationError, match="already has an open case"):
        open_case(case_child, social_worker, referral_date=date(2025, 5, 1))
    # The database refuses a second open episode even when the service is bypassed.
    with pytest.raises(IntegrityError), transaction.atomic():
        CaseEpisodeFactory(
            person=case_child,
            referral_date=date(2025, 5, 2),
            referral_source="6",
            opened_by=social_worker,
            opened_at=NOW,
        )
    assert episode.stage == CaseStage.REFERRAL


@pytest.mark.django_db
def test_no_further_action_referral_closes_the_same_day_with_n0(case_child, social_worker):
    episode = case_services.episode_open(
        person=case_child, referral_date=date(2025, 4, 1), source="2A", nfa=True, by=social_worker, now=NOW
    )
    assert (episode.closure_date, episode.closure_reason, episode.primary_need) == (date(2025, 4, 1), "RC7", "N0")
    assert episode.stage == CaseStage.CLOSED
    with pytest.raises(ValidationError, match="N0"):
        case_services.episode_record_primary_need(episode=open_case(case_child, social_worker, date(2025, 5, 1)),
                                                  code="N0", by=social_worker, now=NOW)  # fmt: skip


@pytest.mark.django_db
def test_closure_is_refused_while_work_is_open_and_says_which(case_child, social_worker):
    episode = open_case(case_child, social_worker)
    assessment = services.assessment_start(person=case_child, start_date=date(2025, 4, 2), by=social_worker, now=NOW)
    episode.refresh_from_db()
    assert episode.stage == CaseStage.ASSESSMENT and assessment.episode_id == episode.pk
    with pytest.raises(ValidationError, match="while an assessment is open"):
        case_services.episode_close(episode=episode, closure_date=date(2025, 5, 30), reason="RC7", by=social_worker,
                                    now=NOW)  # fmt: skip
    with pytest.raises(ValidationError, match="primary need"):
        services.assessment_authorise(assessment=assessment, authorised_date=date(2025, 4, 20), factors=["21"],
                                      outcome="CIN_PLAN", summary="", by=social_worker, now=NOW)  # fmt: skip
    services.assessment_authorise(assessment=assessment, authorised_date=date(2025, 4, 22), factors=["21"],
                                  outcome="CIN_PLAN", summary="", by=social_worker, now=NOW, primary_need="N4")  # fmt: skip
    plan = episode.cin_plans.get()  # the outcome opened the plan on the authorisation date
    episode.refresh_from_db()
    assert episode.stage == CaseStage.CHILD_IN_NEED and episode.primary_need == "N4"
    assert plan.start_date == date(2025, 4, 22) and plan.next_review_date == date(2025, 7, 22)
    with pytest.raises(ValidationError, match="while a child-in-need plan is open"):
        case_services.episode_close(episode=episode, closure_date=date(2025, 5, 30), reason="RC7", by=social_worker,
                                    now=NOW)  # fmt: skip
    review = case_services.cin_plan_review(plan=plan, held_date=date(2025, 5, 20), by=social_worker, now=NOW)
    plan.refresh_from_db()
    assert review.due_date == date(2025, 7, 22) and plan.next_review_date == date(2025, 8, 20)
    case_services.cin_plan_end(plan=plan, end_date=date(2025, 5, 28), by=social_worker, now=NOW)
    with pytest.raises(ValidationError, match="RC8 cannot close a case that had a plan"):
        case_services.episode_close(episode=episode, closure_date=date(2025, 5, 30), reason="RC8", by=social_worker,
                                    now=NOW)  # fmt: skip
    with pytest.raises(ValidationError, match="recorded up to"):
        case_services.episode_close(episode=episode, closure_date=date(2025, 5, 27), reason="RC7", by=social_worker,
                                    now=NOW)  # fmt: skip
    case_services.episode_close(episode=episode, closure_date=date(2025, 5, 30), reason="RC7", by=social_worker,
                                now=NOW)  # fmt: skip
    episode.refresh_from_db()
    assert (episode.stage, episode.closure_reason) == (CaseStage.CLOSED, "RC7")


@pytest.mark.django_db
def test_a_new_referral_after_closure_is_a_re_referral_within_12_months(case_child, social_worker):
    first = case_services.episode_open(
        person=case_child, referral_date=date(2024, 6, 1), source="6", nfa=True, by=social_worker, now=NOW
    )
    again = open_case(case_child, social_worker, referral_date=date(2025, 6, 1))
    assert again.is_re_referral and again.previous_episode_id == first.pk
    other = PersonFactory()
    InvolvementFactory(person=other, agency=first.person.involvements.first().agency, started_at=NOW)
    case_services.episode_open(person=other, referral_date=date(2024, 6, 1), source="6", nfa=True, by=social_worker,
                               now=NOW)  # fmt: skip
    assert not open_case(other, social_worker, referral_date=date(2025, 6, 2)).is_re_referral


@pytest.mark.django_db
def test_allocation_and_transfer_keep_the_history(case_child, social_worker, colleague, mash_manager):
    episode = open_case(case_child, mash_manager)
    case_services.episode_allocate(episode=episode, team=None, worker=social_worker, by=mash_manager, now=NOW)
    later = NOW + timedelta(days=3)
    case_services.episode_allocate(episode=episode, team=None, worker=colleague, by=mash_manager, now=later,
                                   reason="Transfer to the child-in-need team")  # fmt: skip
    history = list(CaseAllocation.objects.filter(episode=episode).order_by("started_at"))
    assert [(a.worker, a.started_at, a.ended_at, a.decided_by) for a in history] == [
        (social_worker, NOW, later, mash_manager),
        (colleague, later, None, mash_manager),
    ]
    episode.refresh_from_db()
    assert episode.worker == colleague


@pytest.mark.django_db
def test_a_note_locks_after_24_hours_and_is_then_only_corrected(case_child, social_worker):
    episode = open_case(case_child, social_worker)
    note = case_services.case_note_record(
        episode=episode, kind="HOME_VISIT", occurred_at=NOW - timedelta(hours=2), text="Visited at home.",
        child_seen=True, child_seen_alone=True, child_words="I am OK", by=social_worker, now=NOW,
    )  # fmt: skip
    case_services.case_note_edit(note=note, text="Visited at home with mum.", by=social_worker, now=NOW)
    with pytest.raises(ValidationError, match="locked"):
        case_services.case_note_edit(note=note, text="Rewritten", by=social_worker, now=NOW + timedelta(hours=24))
    case_services.case_note_correct(note=note, text="Mum's partner was present", reason="Omitted", by=social_worker,
                                    now=NOW + timedelta(days=2))  # fmt: skip
    note.refresh_from_db()
    assert note.text == "Visited at home with mum." and note.corrections.count() == 1
    with pytest.raises(ValidationError, match="seen alone"):
        case_services.case_note_record(episode=episode, kind="HOME_VISIT", occurred_at=NOW, text="x",
                                       child_seen_alone=True, by=social_worker, now=NOW)  # fmt: skip


@pytest.mark.django_db
def test_writes_need_read_access_to_the_child(case_child, social_worker):
    episode = open_case(case_child, social_worker)
    outsider = make_user("outsider", "SOCIAL_WORKER", AgencyFactory(kind="LA_CHILDREN", code="OTHER", name="Other LA"))
    with pytest.raises(PermissionDenied):
        case_services.case_note_record(episode=episode, kind="PHONE_CALL", occurred_at=NOW, text="x", by=outsider,
                                       now=NOW)  # fmt: skip
    with pytest.raises(PermissionDenied):
        case_services.episode_allocate(episode=episode, team=None, worker=outsider, by=outsider, now=NOW)


@pytest.mark.django_db
def test_caseload_shows_visits_due_and_overdue(case_child, social_worker):
    episode = open_case(case_child, social_worker)
    case_services.episode_allocate(episode=episode, team=None, worker=social_worker, by=social_worker, now=NOW)
    services.cp_plan_start(person=case_child, start_date=date(2025, 5, 1), category="NEGLECT", by=social_worker,
                           now=NOW)  # fmt: skip
    data = case_selectors.caseload(user=social_worker, now=NOW)
    (row,) = data["rows"]
    assert row["stage"] == "Child protection"
    # 10 working days from 1 May 2025 (5 May is a bank holiday): due 16 May, overdue on 2 June.
    # The first core group is due 10 working days after the conference too.
    assert [(d.what, d.due) for d in row["overdue"]] == [
        ("Visit", date(2025, 5, 16)),
        ("Core group", date(2025, 5, 16)),
    ]
    case_services.case_note_record(episode=episode, kind="HOME_VISIT", occurred_at=NOW - timedelta(hours=1),
                                   text="Seen.", child_seen=True, by=social_worker, now=NOW)  # fmt: skip
    plan = episode.person.cp_plans.get()
    case_services.core_group_record(plan=plan, held_date=date(2025, 5, 30), by=social_worker, now=NOW)
    (row,) = case_selectors.caseload(user=social_worker, now=NOW)["rows"]
    assert row["overdue"] == [] and row["next_due"].due == date(2025, 6, 16)
    assert ("Core group", date(2025, 7, 11)) in [(d.what, d.due) for d in case_selectors._dues(
        case_selectors._annotated(CaseEpisode.objects.filter(pk=episode.pk)).get(), date(2025, 6, 2))]  # fmt: skip


@pytest.mark.django_db
def test_cp_category_changes_keep_the_initial_and_a_history(case_child, social_worker):
    plan = services.cp_plan_start(person=case_child, start_date=date(2025, 4, 1), category="NEGLECT", by=social_worker,
                                  now=NOW)  # fmt: skip
    case_services.cp_plan_change_category(plan=plan, category="EMOTIONAL", changed_date=date(2025, 5, 1),
                                          by=social_worker, now=NOW)  # fmt: skip
    plan.refresh_from_db()
    assert (plan.initial_category, plan.latest_category) == ("NEGLECT", "EMOTIONAL")
    assert [(c.from_category, c.to_category) for c in plan.category_changes.all()] == [("NEGLECT", "EMOTIONAL")]
    with pytest.raises(ValidationError):
        case_services.cp_plan_change_category(plan=plan, category="EMOTIONAL", changed_date=date(2025, 5, 2),
                                              by=social_worker, now=NOW)  # fmt: skip


@pytest.mark.django_db
def test_strategy_meeting_warns_the_chair_when_health_is_not_invited(case_child, social_worker, mash_manager, police):
    from safehub.casework import selectors

    meeting = services.meeting_convene(person=case_child, by=social_worker, now=NOW, scheduled_at=NOW,
                                       chair=mash_manager, agencies=[police])  # fmt: skip
    view = selectors.meeting_get_for_user(user=mash_manager, meeting_id=meeting.pk, now=NOW)
    assert selectors.meeting_page(view=view, now=NOW)["missing_agencies"] == ["health"]
