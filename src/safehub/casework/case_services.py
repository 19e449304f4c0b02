"""The child's case: open, allocate, transfer, record notes and visits, CIN plans, close.

Each action checks the actor's role and access to the child's record, validates, and writes its
audit row in the same transaction. Timescales come from ``casework.rules``.
"""

from __future__ import annotations

from datetime import date, datetime

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction

from safehub.casework import rules
from safehub.casework.models import (
    Assessment,
    CaseAllocation,
    CaseEpisode,
    CaseNote,
    CaseNoteCorrection,
    CaseStage,
    ChildProtectionPlan,
    CINPlan,
    CINPlanReview,
    LookedAfterEpisode,
    Section47,
)
from safehub.core import audit
from safehub.core.calendar import uk_date
from safehub.core.codes import ReferralSource
from safehub.core.models import AuditAction
from safehub.core.timescales import timescale
from safehub.people import policy
from safehub.people.models import Person

RECORD = "casework.record"
SOURCE_CODES = frozenset(ReferralSource.values)


def _require(by, person: Person, now: datetime) -> None:
    """The actor needs the role and at least read access to the child's record."""
    policy.require(by, RECORD)
    if not policy.person_access(by, person, now=now).allowed:
        raise PermissionDenied("You do not have access to this child's record")


def open_episode_for(person_id: int) -> CaseEpisode | None:
    """Return the child's open episode, if any (no access check: callers have one)."""
    return CaseEpisode.objects.filter(person_id=person_id, closure_date__isnull=True).first()


def open_work(person_id: int) -> dict[str, int]:
    """Count the child's open assessments, enquiries, plans and periods of care."""
    return {
        "open_assessments": Assessment.objects.filter(person_id=person_id, authorised_date__isnull=True).count(),
        "open_section47s": Section47.objects.filter(person_id=person_id, completed_date__isnull=True).count(),
        "open_cin_plans": CINPlan.objects.filter(person_id=person_id, end_date__isnull=True).count(),
        "open_cp_plans": ChildProtectionPlan.objects.filter(person_id=person_id, end_date__isnull=True).count(),
        "open_periods_of_care": LookedAfterEpisode.objects.filter(person_id=person_id, end_date__isnull=True).count(),
    }


def stage_for(episode: CaseEpisode) -> str:
    """The stage follows the open work: looked after > child protection > child in need > assessment."""
    if episode.closure_date is not None:
        return CaseStage.CLOSED
    work = open_work(episode.person_id)
    if work["open_periods_of_care"]:
        return CaseStage.LOOKED_AFTER
    if work["open_cp_plans"]:
        return CaseStage.CHILD_PROTECTION
    if work["open_cin_plans"]:
        return CaseStage.CHILD_IN_NEED
    if work["open_assessments"] or work["open_section47s"]:
        return CaseStage.ASSESSMENT
    if episode.assessments.filter(authorised_date__isnull=False).exists():
        return CaseStage.CHILD_IN_NEED
    return CaseStage.REFERRAL


def episode_refresh_stage(*, episode: CaseEpisode, by, now: datetime) -> CaseEpisode:
    """Set the stage from the open work (called by every service that opens or ends work)."""
    stage = stage_for(episode)
    if stage != episode.stage:
        previous, episode.stage = episode.stage, stage
        episode.save(update_fields=["stage"])
        audit.record(actor=by, action=AuditAction.UPDATE, subject=episode, at=now, details={"stage": [previous, stage]})
    return episode


@transaction.atomic
def episode_open(
    *,
    person: Person,
    referral_date: date,
    source: str,
    by,
    now: datetime,
    referral=None,
    nfa: bool = False,
    team=None,
    worker=None,
) -> CaseEpisode:
    """Open the child's episode with a referral; a referral closed with no further action closes it the same day.

    A child has one open episode at a time; a new referral while one is open joins it (the caller
    records it), so this refuses. A referral within 12 months of the previous one is a re-referral.
    """
    _require(by, person, now)
    if source not in SOURCE_CODES:
        raise ValidationError({"source": f"{source} is not a CIN census referral source code"})
    if referral_date > uk_date(now):
        raise ValidationError({"referral_date": "The referral date cannot be in the future"})
    if open_episode_for(person.pk) is not None:
        raise ValidationError("This child already has an open case: record the new referral on it")
    previous = CaseEpisode.objects.filter(person=person).order_by("-referral_date", "-pk").first()
    if previous is not None and previous.closure_date is not None and previous.closure_date > referral_date:
        raise ValidationError({"referral_date": "The referral is before the child's last case closed"})
    episode = CaseEpisode(
        person=person,
        referral=referral,
        referral_date=referral_date,
        referral_source=source,
        referral_nfa=nfa,
        previous_episode=previous,
        is_re_referral=rules.is_re_referral(referral_date, previous.referral_date if previous else None),
        team=team,
        worker=worker,
        opened_by=by,
        opened_at=now,
    )
    if nfa:
        episode.primary_need, episode.closure_date, episode.closure_reason = "N0", referral_date, "RC7"
        episode.stage, episode.closed_by = CaseStage.CLOSED, by
    episode.full_clean()
    try:
        with transaction.atomic():
            episode.save()
    except IntegrityError as exc:  # a concurrent open for the same child
        raise ValidationError("This child already has an open case") from exc
    audit.record(actor=by, action=AuditAction.CREATE, subject=episode, at=now, details={"nfa": nfa})
    if (team or worker) and not nfa:
        CaseAllocation.objects.create(
            episode=episode, team=team, worker=worker, started_at=now, decided_by=by, reason="Allocated on opening"
        )
    return episode


@transaction.atomic
def episode_open_from_referral(*, referral, by, now: datetime) -> CaseEpisode:
    """Open the child's episode from a front-door referral (the front door calls this on its decision).

    When the child already has an open case the referral joins it and that case is returned.
    """
    existing = open_episode_for(referral.person_id)
    if existing is not None:
        _require(by, referral.person, now)
        return existing
    return episode_open(
        person=referral.person,
        referral=referral,
        referral_date=referral.referral_date,
        source=referral.source,
        nfa=referral.nfa,
        by=by,
        now=now,
    )


@transaction.atomic
def episode_allocate(*, episode: CaseEpisode, team, worker, by, now: datetime, reason: str = "") -> CaseAllocation:
    """Allocate (or transfer) the case to a team and social worker; the history keeps from, to and who decided."""
    _require(by, episode.person, now)
    if episode.closure_date is not None:
        raise ValidationError("A closed case cannot be allocated")
    if team is None and worker is None:
        raise ValidationError("Choose a team or a social worker")
    if worker is not None and not policy.can(worker, RECORD):
        raise ValidationError({"worker": "The worker must be a social worker who can record casework"})
    current = episode.allocations.filter(ended_at__isnull=True).first()
    if current is not None:
        if current.team_id == getattr(team, "pk", None) and current.worker_id == getattr(worker, "pk", None):
            raise ValidationError("The case is already allocated to this team and worker")
        current.ended_at = now
        current.save(update_fields=["ended_at"])
    allocation = CaseAllocation.objects.create(
        episode=episode, team=team, worker=worker, started_at=now, decided_by=by, reason=reason.strip()[:200]
    )
    previous = (current.team_id, current.worker_id) if current else (episode.team_id, episode.worker_id)
    episode.team, episode.worker = team, worker
    episode.save(update_fields=["team", "worker"])
    audit.record(
        actor=by,
        action=AuditAction.UPDATE,
        subject=episode,
        at=now,
        details={"allocated": {"from": list(previous), "to": [allocation.team_id, allocation.worker_id]}},
    )
    return allocation


@transaction.atomic
def episode_record_primary_need(*, episode: CaseEpisode, code: str, by, now: datetime) -> CaseEpisode:
    """Record the primary need (N1-N9 when the assessment is authorised; N0 only for no further action)."""
    _require(by, episode.person, now)
    error = rules.primary_need_error(code, nfa=episode.referral_nfa)
    if error:
        raise ValidationError({"primary_need": error})
    episode.primary_need = code
    episode.full_clean()
    episode.save(update_fields=["primary_need"])
    audit.record(actor=by, action=AuditAction.UPDATE, subject=episode, at=now, details={"primary_need": code})
    return episode


def _latest_activity(episode: CaseEpisode) -> date | None:
    """The last dated thing recorded on the episode: the case cannot close before it (DfE rule 8565)."""
    days: list[date] = []
    for a in episode.assessments.all():
        days += [d for d in (a.start_date, a.authorised_date) if d]
    for s in episode.section47s.all():
        days += [d for d in (s.strategy_date, s.completed_date, s.icpc_date) if d]
    for p in episode.cp_plans.all():
        days += [d for d in (p.start_date, p.end_date) if d]
    for c in episode.cin_plans.all():
        days += [d for d in (c.start_date, c.end_date) if d]
    for la in episode.cla_episodes.all():
        days += [d for d in (la.start_date, la.end_date) if d]
    return max(days) if days else None


@transaction.atomic
def episode_close(*, episode: CaseEpisode, closure_date: date, reason: str, by, now: datetime) -> CaseEpisode:
    """Close the case with its date and CIN census reason; refused while work is open (the refusal says which)."""
    _require(by, episode.person, now)
    if episode.closure_date is not None:
        raise ValidationError("This case is already closed")
    blockers = rules.closure_blockers(**open_work(episode.person_id))
    if blockers:
        raise ValidationError(f"The case cannot close while {', '.join(blockers)} is open")
    if closure_date < episode.referral_date:
        raise ValidationError({"closure_date": "The case cannot close before its referral"})
    if closure_date > uk_date(now):
        raise ValidationError({"closure_date": "The closure date cannot be in the future"})
    latest = _latest_activity(episode)
    if latest is not None and closure_date < latest:
        raise ValidationError({"closure_date": f"Work on this case is recorded up to {latest:%d %B %Y}"})
    had_assessment = episode.assessments.exists()
    had_plan = episode.section47s.exists() or episode.cp_plans.exists() or episode.cin_plans.exists()
    error = rules.closure_reason_error(reason, had_assessment=had_assessment, had_plan_or_s47=had_plan)
    if error:
        raise ValidationError({"closure_reason": error})
    if not episode.primary_need:
        raise ValidationError({"primary_need": "Record the child's primary need before closing the case"})
    episode.closure_date, episode.closure_reason = closure_date, reason
    episode.stage, episode.closed_by = CaseStage.CLOSED, by
    episode.full_clean()
    episode.save(update_fields=["closure_date", "closure_reason", "stage", "closed_by"])
    episode.allocations.filter(ended_at__isnull=True).update(ended_at=now)
    audit.record(
        actor=by,
        action=AuditAction.UPDATE,
        subject=episode,
        at=now,
        details={"closed": str(closure_date), "reason": reason},
    )
    return episode


# ---------------------------------------------------------------------------------------------
# Case notes and visits
# ---------------------------------------------------------------------------------------------


@transaction.atomic
def case_note_record(
    *,
    episode: CaseEpisode,
    kind: str,
    occurred_at: datetime,
    text: str,
    by,
    now: datetime,
    present: str = "",
    child_seen: bool = False,
    child_seen_alone: bool = False,
    child_words: str = "",
) -> CaseNote:
    """Write a typed case note (a visit records whether the child was seen, seen alone, and their words)."""
    _require(by, episode.person, now)
    if episode.closure_date is not None and uk_date(occurred_at) > episode.closure_date:
        raise ValidationError("This case is closed: the note would be after its closure")
    if occurred_at > now:
        raise ValidationError({"occurred_at": "A note records what has happened: the time cannot be in the future"})
    if child_seen_alone and not child_seen:
        raise ValidationError({"child_seen_alone": "A child seen alone must also be recorded as seen"})
    if not text.strip():
        raise ValidationError({"text": "Write the note"})
    note = CaseNote(
        episode=episode,
        kind=kind,
        occurred_at=occurred_at,
        present=present.strip(),
        child_seen=child_seen,
        child_seen_alone=child_seen_alone,
        child_words=child_words.strip(),
        text=text.strip(),
        written_by=by,
        written_at=now,
        locks_at=rules.note_locks_at(now, hours=timescale("case_note_lock_hours", rules.NOTE_LOCK_HOURS)),
    )
    note.full_clean()
    note.save()
    audit.record(actor=by, action=AuditAction.CREATE, subject=note, at=now, details={"kind": kind})
    return note


@transaction.atomic
def case_note_edit(*, note: CaseNote, text: str, by, now: datetime) -> CaseNote:
    """Edit a note's text while it is unlocked (its author only); after that, append a correction."""
    _require(by, note.episode.person, now)
    if now >= note.locks_at:
        raise ValidationError("This note is locked: add a correction with a reason instead")
    if note.written_by_id != by.pk:
        raise PermissionDenied("Only the author may edit a note before it locks")
    note.text = text.strip()
    note.full_clean()
    note.save(update_fields=["text"])
    audit.record(actor=by, action=AuditAction.UPDATE, subject=note, at=now)
    return note


@transaction.atomic
def case_note_correct(*, note: CaseNote, text: str, reason: str, by, now: datetime) -> CaseNoteCorrection:
    """Append a correction to a note, with its reason; the note itself is never overwritten."""
    _require(by, note.episode.person, now)
    if not text.strip() or not reason.strip():
        raise ValidationError("A correction needs its text and the reason for it")
    correction = CaseNoteCorrection.objects.create(
        note=note, text=text.strip(), reason=reason.strip()[:300], written_by=by, written_at=now
    )
    audit.record(actor=by, action=AuditAction.UPDATE, subject=note, at=now, details={"correction": correction.pk})
    return correction


# ---------------------------------------------------------------------------------------------
# Child-in-need plans
# ---------------------------------------------------------------------------------------------


@transaction.atomic
def cin_plan_start(
    *,
    episode: CaseEpisode,
    start_date: date,
    by,
    now: datetime,
    review_interval_months: int | None = None,
    visit_interval_working_days: int | None = None,
) -> CINPlan:
    """Start a child-in-need plan on the case; reviews fall due every 3 months unless the plan says otherwise."""
    _require(by, episode.person, now)
    if episode.closure_date is not None or episode.referral_nfa:
        raise ValidationError("A closed case cannot start a child-in-need plan")
    if start_date < episode.referral_date or start_date > uk_date(now):
        raise ValidationError({"start_date": "The plan starts between the referral and today"})
    if CINPlan.objects.filter(episode=episode, end_date__isnull=True).exists():
        raise ValidationError("This case already has an open child-in-need plan")
    months = review_interval_months or timescale("cin_plan_review_months", rules.CIN_PLAN_REVIEW_MONTHS)
    visits = visit_interval_working_days or timescale("cin_visit_working_days", rules.CIN_VISIT_WORKING_DAYS)
    plan = CINPlan(
        person=episode.person,
        episode=episode,
        start_date=start_date,
        review_interval_months=months,
        visit_interval_working_days=visits,
        next_review_date=rules.cin_plan_review_due(start_date, months=months),
    )
    plan.full_clean()
    plan.save()
    episode.visit_interval_working_days = visits
    episode.save(update_fields=["visit_interval_working_days"])
    audit.record(actor=by, action=AuditAction.CREATE, subject=plan, at=now)
    episode_refresh_stage(episode=episode, by=by, now=now)
    return plan


@transaction.atomic
def cin_plan_review(*, plan: CINPlan, held_date: date, by, now: datetime) -> CINPlanReview:
    """Record a CIN plan review; the next is due one review interval later."""
    _require(by, plan.person, now)
    if plan.end_date is not None:
        raise ValidationError("This plan has ended")
    if held_date < plan.start_date or held_date > uk_date(now):
        raise ValidationError({"held_date": "The review is held between the plan's start and today"})
    review = CINPlanReview.objects.create(
        plan=plan, due_date=plan.next_review_date or held_date, held_date=held_date, recorded_by=by
    )
    plan.next_review_date = rules.cin_plan_review_due(held_date, months=plan.review_interval_months)
    plan.save(update_fields=["next_review_date"])
    audit.record(
        actor=by,
        action=AuditAction.UPDATE,
        subject=plan,
        at=now,
        details={"review": str(held_date), "in_time": held_date <= review.due_date},
    )
    return review


@transaction.atomic
def cin_plan_end(*, plan: CINPlan, end_date: date, by, now: datetime) -> CINPlan:
    _require(by, plan.person, now)
    if plan.end_date is not None:
        raise ValidationError("This plan has already ended")
    if end_date < plan.start_date or end_date > uk_date(now):
        raise ValidationError({"end_date": "The plan ends between its start and today"})
    plan.end_date, plan.next_review_date = end_date, None
    plan.full_clean()
    plan.save(update_fields=["end_date", "next_review_date"])
    audit.record(actor=by, action=AuditAction.UPDATE, subject=plan, at=now, details={"ended": str(end_date)})
    episode_refresh_stage(episode=plan.episode, by=by, now=now)
    return plan


def link_to_open_episode(record, *, by, now: datetime) -> None:
    """Attach a new assessment, enquiry, plan or period of care to the child's open case and refresh its stage."""
    episode = open_episode_for(record.person_id)
    if episode is None:
        return
    if getattr(record, "episode_id", None) is None:
        record.episode = episode
        record.save(update_fields=["episode"])
    episode_refresh_stage(episode=episode, by=by, now=now)


def refresh_open_episode(person_id: int, *, by, now: datetime) -> None:
    episode = open_episode_for(person_id)
    if episode is not None:
        episode_refresh_stage(episode=episode, by=by, now=now)


@transaction.atomic
def cp_plan_change_category(*, plan: ChildProtectionPlan, category: str, changed_date: date, by, now: datetime):
    """Change a child protection plan's latest category of abuse; the initial stays and the change is kept."""
    from safehub.casework.models import AbuseCategory, CPCategoryChange

    _require(by, plan.person, now)
    if category not in AbuseCategory.values:
        raise ValidationError({"category": f"{category} is not a category of abuse"})
    if plan.end_date is not None:
        raise ValidationError("This plan has ended")
    if category == plan.latest_category:
        raise ValidationError({"category": "The plan is already in this category"})
    if changed_date < plan.start_date or changed_date > uk_date(now):
        raise ValidationError({"changed_date": "The change is between the plan's start and today"})
    change = CPCategoryChange.objects.create(
        plan=plan, from_category=plan.latest_category, to_category=category, changed_date=changed_date, decided_by=by
    )
    plan.latest_category = category
    plan.save(update_fields=["latest_category"])
    audit.record(
        actor=by,
        action=AuditAction.UPDATE,
        subject=plan,
        at=now,
        details={"category": [change.from_category, category]},
    )
    return change


@transaction.atomic
def core_group_record(*, plan: ChildProtectionPlan, held_date: date, by, now: datetime):
    """Record a core group meeting; the next falls due 6 weeks later (the first was due 10 working days after the ICPC)."""
    from safehub.casework.models import CoreGroupMeeting

    _require(by, plan.person, now)
    if plan.end_date is not None:
        raise ValidationError("This plan has ended")
    if held_date < plan.start_date or held_date > uk_date(now):
        raise ValidationError({"held_date": "The core group meets between the plan's start and today"})
    last = plan.core_groups.order_by("-held_date").first()
    due = (
        rules.first_core_group_due(plan.start_date)
        if last is None
        else rules.next_core_group_due(
            last.held_date, weeks=timescale("core_group_interval_weeks", rules.CORE_GROUP_INTERVAL_WEEKS)
        )
    )
    meeting = CoreGroupMeeting.objects.create(plan=plan, held_date=held_date, recorded_by=by)
    audit.record(
        actor=by,
        action=AuditAction.UPDATE,
        subject=plan,
        at=now,
        details={"core_group": str(held_date), "due": str(due), "in_time": held_date <= due},
    )
    return meeting
