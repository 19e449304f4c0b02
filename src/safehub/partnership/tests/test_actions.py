"""Recommendations, actions, overdue chasing (one notification per action per day) and who may update what."""

from __future__ import annotations

from datetime import UTC, date, datetime
from io import StringIO

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.management import call_command

from safehub.core.errors import StaleEdit
from safehub.partnership.actions import selectors as actions_selectors
from safehub.partnership.actions import services as actions_services
from safehub.partnership.dashboard import selectors as dashboard_selectors
from safehub.partnership.models import Action, ActionStatus, Notification, Recommendation

pytestmark = pytest.mark.django_db

JUNE = datetime(2025, 6, 2, 9, 0, tzinfo=UTC)


@pytest.fixture
def inspection(manager):
    return actions_services.inspection_record(
        by=manager,
        now=JUNE,
        title="JTAI: identification of initial need and risk",
        kind="JTAI",
        inspectorates="Ofsted, CQC, HMICFRS",
        started_date=date(2025, 5, 19),
        ended_date=date(2025, 5, 23),
        action_plan_due_date=date(2025, 10, 24),
    )


@pytest.fixture
def police_action(inspection, manager, police):
    rec = actions_services.recommendation_add(
        by=manager,
        now=JUNE,
        inspection=inspection,
        kind=Recommendation.Kind.AREA_FOR_IMPROVEMENT,
        text="The timeliness of high-risk referrals by the police to the children's resource service.",
        made_by="Inspection letter",
        lead_agency=police,
    )
    return actions_services.action_add(
        recommendation=rec,
        description="Repeat the audit of referral timeliness quarterly",
        agency=police,
        owner_name="DCI Ward",
        due_date=date(2025, 6, 30),
        by=manager,
        now=JUNE,
    )


def test_recommendations_are_numbered_within_their_source(inspection, manager):
    first = actions_services.recommendation_add(by=manager, now=JUNE, inspection=inspection, text="One")
    second = actions_services.recommendation_add(by=manager, now=JUNE, inspection=inspection, text="Two")
    assert (first.number, second.number) == (1, 2)


def test_a_recommendation_needs_exactly_one_source(manager, inspection, child_referral):
    with pytest.raises(ValidationError):
        actions_services.recommendation_add(by=manager, now=JUNE, text="Orphan")
    with pytest.raises(ValidationError):
        actions_services.recommendation_add(
            by=manager, now=JUNE, text="Two", inspection=inspection, review=child_referral
        )


def test_overdue_is_computed_from_the_due_date(police_action):
    assert police_action.is_overdue(date(2025, 6, 30)) is False
    assert police_action.is_overdue(date(2025, 7, 1)) is True
    assert police_action.status_label(date(2025, 7, 1)) == "Overdue"


def test_chasing_creates_one_notification_per_overdue_action_per_day(police_action, police):
    july_1_morning = datetime(2025, 7, 1, 7, 0, tzinfo=UTC)
    july_1_evening = datetime(2025, 7, 1, 18, 0, tzinfo=UTC)
    july_2 = datetime(2025, 7, 2, 7, 0, tzinfo=UTC)

    first = actions_services.actions_chase_overdue(now=july_1_morning)
    again = actions_services.actions_chase_overdue(now=july_1_evening)
    next_day = actions_services.actions_chase_overdue(now=july_2)

    assert len(first) == 1 and first[0].recipient_agency == police
    assert "overdue by 1 day" in first[0].message
    assert again == []
    assert len(next_day) == 1
    assert Notification.objects.filter(recipient_agency=police).count() == 2


def test_nothing_is_chased_on_the_due_date_or_once_complete(police_action, police_officer):
    assert actions_services.actions_chase_overdue(now=datetime(2025, 6, 30, 20, 0, tzinfo=UTC)) == []
    actions_services.action_update(
        action=police_action,
        status=ActionStatus.COMPLETE,
        evidence="Audit repeated; 2 of 40 referrals late",
        by=police_officer,
        now=JUNE,
        expected_version=police_action.version,
    )
    assert actions_services.actions_chase_overdue(now=datetime(2025, 7, 5, 9, 0, tzinfo=UTC)) == []


def test_chase_command_is_cronable(police_action):
    out = StringIO()
    call_command("partnership_chase", stdout=out)  # real clock: well past the due date
    call_command("partnership_chase", stdout=out)
    assert "1 overdue action(s) chased" in out.getvalue()
    assert "0 overdue action(s) chased" in out.getvalue()
    assert Notification.objects.count() == 1


def test_agency_updates_its_own_action_and_completion_needs_evidence(police_action, police_officer):
    with pytest.raises(ValidationError):
        actions_services.action_update(
            action=police_action, status="COMPLETE", evidence="", by=police_officer, now=JUNE, expected_version=1
        )
    actions_services.action_update(
        action=police_action,
        status="IN_PROGRESS",
        evidence="First audit done",
        by=police_officer,
        now=JUNE,
        expected_version=1,
    )
    police_action.refresh_from_db()
    assert police_action.status == ActionStatus.IN_PROGRESS
    assert police_action.version == 2


def test_an_agency_cannot_update_another_agencys_action(police_action, nurse):
    with pytest.raises(PermissionDenied):
        actions_services.action_update(
            action=police_action, status="COMPLETE", evidence="Not ours", by=nurse, now=JUNE, expected_version=1
        )
    police_action.refresh_from_db()
    assert police_action.status == ActionStatus.NOT_STARTED


def test_an_agency_cannot_move_its_own_due_date(police_action, police_officer, manager):
    with pytest.raises(PermissionDenied):
        actions_services.action_update(
            action=police_action,
            status="IN_PROGRESS",
            evidence="",
            due_date=date(2025, 12, 31),
            by=police_officer,
            now=JUNE,
            expected_version=1,
        )
    actions_services.action_update(
        action=police_action,
        status="IN_PROGRESS",
        evidence="",
        due_date=date(2025, 12, 31),
        by=manager,
        now=JUNE,
        expected_version=1,
    )
    assert Action.objects.get(pk=police_action.pk).due_date == date(2025, 12, 31)


def test_stale_action_update_is_refused(police_action, police_officer):
    actions_services.action_update(
        action=police_action, status="IN_PROGRESS", evidence="", by=police_officer, now=JUNE, expected_version=1
    )
    with pytest.raises(StaleEdit):
        actions_services.action_update(
            action=police_action, status="COMPLETE", evidence="x", by=police_officer, now=JUNE, expected_version=1
        )


def test_non_manager_cannot_add_recommendations_or_actions(inspection, police_officer, police):
    with pytest.raises(PermissionDenied):
        actions_services.recommendation_add(by=police_officer, now=JUNE, inspection=inspection, text="Ours")


def test_notifications_are_read_by_their_agency_only(
    police_action, police_officer, nurse, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):  # delivered by the outbox worker after commit
        [note] = actions_services.actions_chase_overdue(now=datetime(2025, 7, 1, 7, 0, tzinfo=UTC))
        assert actions_selectors.notifications_for_user(user=police_officer) == []
    note.refresh_from_db()
    assert not note.awaiting_delivery
    with pytest.raises(PermissionDenied):
        actions_services.notification_mark_read(notification=note, by=nurse, now=JUNE)
    assert actions_selectors.notifications_for_user(user=nurse) == []
    assert actions_selectors.notifications_for_user(user=police_officer) == [note]
    actions_services.notification_mark_read(notification=note, by=police_officer, now=JUNE)
    assert Notification.objects.get(pk=note.pk).read_at == JUNE


def test_action_plan_marks_who_may_update(police_action, police_officer, nurse):
    july = datetime(2025, 7, 1, 7, 0, tzinfo=UTC)
    [row] = actions_selectors.action_plan(user=police_officer, now=july)
    assert row["can_update"] is True and row["overdue"] is True
    assert actions_selectors.action_plan(user=nurse, now=july)[0]["can_update"] is False


def test_dashboard_counts_overdue_actions_by_agency(police_action, manager):
    data = dashboard_selectors.dashboard(user=manager, now=datetime(2025, 7, 1, 7, 0, tzinfo=UTC))
    assert data["overdue_actions"] == 1
    assert data["actions_by_agency"][0]["agency__name"] == "Police"
