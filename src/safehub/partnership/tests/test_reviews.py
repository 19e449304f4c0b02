"""Case reviews: timescales from the working-day calendar, the stage machine, publication and assurance."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import pytest
import time_machine
from django.core.exceptions import PermissionDenied, ValidationError

from safehub.core.calendar import UK
from safehub.core.models import AuditEvent
from safehub.partnership.models import (
    AssuranceCheck,
    CaseReview,
    Notification,
    ReviewDecision,
    ReviewStage,
)
from safehub.partnership.reviews import selectors as reviews_selectors
from safehub.partnership.reviews import services as reviews_services
from safehub.testing.factories import InvolvementFactory

pytestmark = pytest.mark.django_db


def _to_published(review, manager, now):
    reviews_services.review_decide(
        review=review, decision="RAPID_REVIEW", rationale="Serious harm, neglect known", by=manager, now=now
    )
    reviews_services.review_record_notification(review=review, notified_at=now, by=manager, now=now)
    reviews_services.review_complete_rapid_review(
        review=review, recommendation="CSPR", rationale="National learning likely", by=manager, now=now
    )
    reviews_services.review_commission(review=review, reviewer="Independent reviewer", by=manager, now=now)
    for stage in ("IN_PROGRESS", "DRAFT", "APPROVED"):
        reviews_services.review_move(review=review, to_stage=stage, by=manager, now=now)
    return reviews_services.review_publish(review=review, by=manager, now=now)


def test_notification_due_five_working_days_after_learning_skipping_easter(child_referral):
    # Learned Thursday 17 April 2025; Good Friday and Easter Monday are bank holidays:
    # 22, 23, 24, 25, 28 April are the five working days, so the deadline is the end of Monday 28th.
    due = child_referral.notification_due_at.astimezone(UK)
    assert due.date() == date(2025, 4, 28)
    assert (due.hour, due.minute) == (23, 59)


def test_notification_on_the_fifth_working_day_is_on_time_and_a_day_later_is_late(child_referral, manager):
    on_time = datetime(2025, 4, 28, 16, 0, tzinfo=UK)
    reviews_services.review_record_notification(review=child_referral, notified_at=on_time, by=manager, now=on_time)
    status = reviews_selectors.review_timeliness(child_referral, now=on_time)["notification"]
    assert status["late"] is False

    late_review = CaseReview.objects.get(pk=child_referral.pk)
    late_review.notified_at = datetime(2025, 4, 29, 9, 0, tzinfo=UK)
    status = reviews_selectors.review_timeliness(late_review, now=late_review.notified_at)["notification"]
    assert status["late"] is True


def test_unrecorded_notification_becomes_overdue_after_the_deadline(child_referral):
    before = datetime(2025, 4, 28, 22, 0, tzinfo=UK)
    after = datetime(2025, 4, 29, 0, 30, tzinfo=UK)
    assert reviews_selectors.review_timeliness(child_referral, now=before)["notification"]["late"] is False
    assert reviews_selectors.review_timeliness(child_referral, now=after)["notification"]["late"] is True
    assert reviews_selectors.review_timeliness(child_referral, now=after)["late"] is True


def test_rapid_review_due_fifteen_working_days_after_notification(child_referral, manager):
    notified = datetime(2025, 4, 28, 12, 0, tzinfo=UK)
    reviews_services.review_record_notification(review=child_referral, notified_at=notified, by=manager, now=notified)
    # 15 working days from Monday 28 April, skipping the early May bank holiday (5 May): Tuesday 20 May.
    assert child_referral.rapid_review_due_at.astimezone(UK).date() == date(2025, 5, 20)


def test_rapid_review_completed_after_due_date_is_late(child_referral, manager, now):
    reviews_services.review_decide(
        review=child_referral, decision="RAPID_REVIEW", rationale="Serious harm", by=manager, now=now
    )
    reviews_services.review_record_notification(review=child_referral, notified_at=now, by=manager, now=now)
    late = child_referral.rapid_review_due_at + timedelta(days=1)
    reviews_services.review_complete_rapid_review(
        review=child_referral, recommendation="CSPR", rationale="Learning", by=manager, now=late
    )
    assert reviews_selectors.review_timeliness(child_referral, now=late)["rapid_review"]["late"] is True


def test_adult_referral_is_not_notifiable(nurse, now):
    with pytest.raises(ValidationError):
        reviews_services.review_refer(
            by=nurse, now=now, title="Mr B", subject="ADULT", summary="Self-neglect", learned_at=now, notifiable=True
        )


def test_referral_starts_at_referred_with_a_reference_and_audit_row(child_referral, police):
    assert child_referral.stage == ReviewStage.REFERRED
    assert child_referral.reference == "PRG-2025-01"
    assert child_referral.referring_agency == police
    assert AuditEvent.objects.filter(object_type="partnership.CaseReview", object_id=str(child_referral.pk)).exists()


def test_full_path_referral_rapid_review_cspr_publication(child_referral, manager, now):
    check = _to_published(child_referral, manager, now)
    child_referral.refresh_from_db()
    assert child_referral.stage == ReviewStage.PUBLISHED
    assert child_referral.decision == ReviewDecision.CSPR
    stages = list(child_referral.stage_changes.values_list("to_stage", flat=True))
    assert stages == [
        "REFERRED",
        "DECIDED",
        "RAPID_REVIEW",
        "RAPID_REVIEW",
        "COMMISSIONED",
        "IN_PROGRESS",
        "DRAFT",
        "APPROVED",
        "PUBLISHED",
    ]
    assert check.due_date == date(2025, 10, 17)


def test_assurance_check_scheduled_six_months_after_publication(child_referral, manager):
    published = datetime(2025, 8, 31, 11, 0, tzinfo=UTC)
    check = _to_published(child_referral, manager, published)
    assert AssuranceCheck.objects.get(review=child_referral).due_date == date(2026, 2, 28)  # end of a short month
    assert check.completed_at is None


def test_assurance_task_run_early_does_nothing_and_the_sweep_moves_it_when_due(
    child_referral, manager, now, django_capture_on_commit_callbacks
):
    with time_machine.travel(now, tick=False), django_capture_on_commit_callbacks(execute=True) as callbacks:
        check = _to_published(child_referral, manager, now)  # the immediate backend runs the task now
    assert len(callbacks) == 1
    child_referral.refresh_from_db()
    assert child_referral.stage == ReviewStage.PUBLISHED

    day_before = datetime(2025, 10, 16, 12, 0, tzinfo=UTC)
    assert reviews_services.assurance_checks_fall_due(now=day_before) == 0
    due_day = datetime(2025, 10, 17, 7, 0, tzinfo=UTC)
    business_unit = manager.membership.agency
    assert reviews_services.assurance_checks_fall_due(now=due_day) == 1
    assert reviews_services.assurance_checks_fall_due(now=due_day) == 0  # idempotent
    child_referral.refresh_from_db()
    assert child_referral.stage == ReviewStage.ASSURANCE_DUE
    assert (
        Notification.objects.filter(recipient_agency=business_unit, dedupe_key__startswith="assurance-due").count() == 1
    )

    reviews_services.assurance_check_complete(
        check=check,
        learning_embedded=True,
        outcome="Audit shows the unborn baby protocol in use",
        by=manager,
        now=due_day,
    )
    child_referral.refresh_from_db()
    assert child_referral.stage == ReviewStage.CLOSED


def test_assurance_check_task_is_deferred_to_its_due_date(
    child_referral, manager, now, settings, django_capture_on_commit_callbacks
):
    from django_tasks import default_task_backend

    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.dummy.DummyBackend"}}
    with django_capture_on_commit_callbacks(execute=True):
        check = _to_published(child_referral, manager, now)
    [result] = default_task_backend.results
    assert result.task.name == "assurance_check_fall_due"
    assert result.args == [check.pk]
    assert result.task.run_after == datetime(2025, 10, 17, 7, 0, tzinfo=UK)


def test_the_app_wires_the_assurance_check_scheduler_to_the_task_queue():
    from safehub.partnership import tasks

    assert reviews_services.assurance_check_scheduler is tasks.schedule_assurance_check


def test_assurance_check_cannot_be_completed_before_it_is_due(child_referral, manager, now):
    check = _to_published(child_referral, manager, now)
    with pytest.raises(ValidationError):
        reviews_services.assurance_check_complete(
            check=check, learning_embedded=True, outcome="Early", by=manager, now=now
        )


@pytest.mark.parametrize(
    "to_stage",
    ["COMMISSIONED", "IN_PROGRESS", "DRAFT", "APPROVED", "CLOSED"],
)
def test_illegal_moves_from_referred_are_refused(child_referral, manager, now, to_stage):
    with pytest.raises(ValidationError):
        if to_stage == "COMMISSIONED":
            reviews_services.review_commission(review=child_referral, reviewer="X", by=manager, now=now)
        else:
            reviews_services.review_move(review=child_referral, to_stage=to_stage, by=manager, now=now)
    child_referral.refresh_from_db()
    assert child_referral.stage == ReviewStage.REFERRED


def test_cannot_publish_a_draft_or_skip_approval(child_referral, manager, now):
    reviews_services.review_decide(
        review=child_referral, decision="CSPR", rationale="Criteria met", by=manager, now=now
    )
    reviews_services.review_commission(review=child_referral, reviewer="Reviewer", by=manager, now=now)
    reviews_services.review_move(review=child_referral, to_stage="IN_PROGRESS", by=manager, now=now)
    reviews_services.review_move(review=child_referral, to_stage="DRAFT", by=manager, now=now)
    with pytest.raises(ValidationError):
        reviews_services.review_publish(review=child_referral, by=manager, now=now)
    assert not AssuranceCheck.objects.filter(review=child_referral).exists()
    reviews_services.review_move(review=child_referral, to_stage="IN_PROGRESS", by=manager, now=now, note="More work")
    child_referral.refresh_from_db()
    assert child_referral.stage == ReviewStage.IN_PROGRESS


def test_rapid_review_must_be_completed_before_commissioning(child_referral, manager, now):
    reviews_services.review_decide(
        review=child_referral, decision="RAPID_REVIEW", rationale="Serious harm", by=manager, now=now
    )
    with pytest.raises(ValidationError):
        reviews_services.review_commission(review=child_referral, reviewer="Reviewer", by=manager, now=now)


def test_closed_review_cannot_be_reopened(child_referral, manager, now):
    reviews_services.review_decide(
        review=child_referral, decision="NO_REVIEW", rationale="Criteria not met", by=manager, now=now
    )
    child_referral.refresh_from_db()
    assert child_referral.stage == ReviewStage.CLOSED
    with pytest.raises(ValidationError):
        reviews_services.review_move(review=child_referral, to_stage="IN_PROGRESS", by=manager, now=now)


def test_decision_needs_a_rationale(child_referral, manager, now):
    with pytest.raises(ValidationError):
        reviews_services.review_decide(review=child_referral, decision="CSPR", rationale="  ", by=manager, now=now)


def test_sar_is_only_for_adults(child_referral, manager, now):
    with pytest.raises(ValidationError):
        reviews_services.review_decide(review=child_referral, decision="SAR", rationale="x", by=manager, now=now)


def test_non_manager_cannot_decide_a_review(child_referral, police_officer, now):
    with pytest.raises(PermissionDenied):
        reviews_services.review_decide(
            review=child_referral, decision="CSPR", rationale="I think so", by=police_officer, now=now
        )
    child_referral.refresh_from_db()
    assert child_referral.decision == ""


def test_non_manager_cannot_move_or_publish(child_referral, police_officer, now):
    with pytest.raises(PermissionDenied):
        reviews_services.review_move(review=child_referral, to_stage="DECIDED", by=police_officer, now=now)
    with pytest.raises(PermissionDenied):
        reviews_services.review_publish(review=child_referral, by=police_officer, now=now)


def test_administrator_cannot_refer(administrator, now):
    with pytest.raises(PermissionDenied):
        reviews_services.review_refer(
            by=administrator, now=now, title="X", subject="CHILD", summary="x", learned_at=now
        )


def test_stale_decision_is_refused(child_referral, manager, now):
    from safehub.core.errors import StaleEdit

    with pytest.raises(StaleEdit):
        reviews_services.review_decide(
            review=child_referral, decision="CSPR", rationale="Met", by=manager, now=now, expected_version=99
        )


def test_linking_a_person_needs_access_to_their_record(child_referral, police_officer, manager, child, now):
    with pytest.raises(PermissionDenied):
        reviews_services.review_link_person(
            review=child_referral, person=child, role="SUBJECT", by=police_officer, now=now
        )

    InvolvementFactory(person=child, agency=police_officer.membership.agency, kind="PROFESSIONAL", started_at=now)
    link = reviews_services.review_link_person(
        review=child_referral, person=child, role="SUBJECT", by=police_officer, now=now
    )
    assert link.person == child
    # The manager (no involvement) sees that a record is linked but not whose it is.
    detail = reviews_selectors.review_detail(user=manager, review=child_referral, now=now)
    assert detail["people"][0]["id"] is None
    assert child.display_name not in detail["people"][0]["name"]
