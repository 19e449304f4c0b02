"""What an authorised assessment's outcome starts: a child-in-need plan, a strategy discussion, or closure.

Working Together to Safeguard Children 2023, chapter 3 ("Assessment", "Strategy discussion"): the
assessment ends in a decision, and the decision is acted on. One service, called in the same
transaction as the authorisation (``services.assessment_authorise``), so the outcome and its next
step are recorded together, each audited by the service that does it and once more on the
assessment (``next_step``).

- "Child in need plan" opens the plan on the case from the authorisation date.
- "Strategy discussion / section 47" convenes the strategy discussion, chaired by the person
  authorising, with the police and health partners known to the child invited (the chair is warned
  of any of the three statutory partners missing); someone who may not chair is offered it instead.
- "No further action" and "Step down to early help" close the case (RC8 / RC9, or RC7 when the case
  held a plan or an enquiry, as the CIN census rules require); while other work is open the
  closure is refused and the refusal says which, and the authorisation stands.
- "Become looked after" is offered: the period of care is recorded by its own service.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from django.core.exceptions import ValidationError

from safehub.agencies.models import HEALTH_KINDS, Agency
from safehub.casework import case_services, rules
from safehub.casework.meeting_services import meeting_convene
from safehub.casework.models import (
    Assessment,
    AssessmentOutcome,
    CaseEpisode,
    CINPlan,
    MeetingReason,
    MeetingStatus,
    StrategyMeeting,
)
from safehub.casework.selectors import involved_partner_agencies
from safehub.core import audit, policy
from safehub.core.models import AuditAction

CIN_PLAN_OPENED = "cin_plan_opened"
CIN_PLAN_ALREADY_OPEN = "cin_plan_already_open"
STRATEGY_CONVENED = "strategy_convened"
STRATEGY_ALREADY_CONVENED = "strategy_already_convened"
STRATEGY_OFFERED = "strategy_offered"
CASE_CLOSED = "case_closed"
CLOSURE_REFUSED = "closure_refused"
CARE_OFFERED = "care_offered"
NO_CASE = "no_case"


@dataclass(frozen=True)
class NextStep:
    action: str
    message: str
    object_id: int | None = None


def _closure_reason(outcome: str, episode: CaseEpisode) -> str:
    """RC8 (no further action) or RC9 (early help) after an assessment, unless the case held a plan
    or an enquiry: then RC7 (CIN census 2025-26 rules 8640, 8873Q; see rules.closure_reason_error)."""
    reason = "RC8" if outcome == AssessmentOutcome.NFA else "RC9"
    had_plan = episode.section47s.exists() or episode.cp_plans.exists() or episode.cin_plans.exists()
    if rules.closure_reason_error(reason, had_assessment=True, had_plan_or_s47=had_plan):
        return "RC7"
    return reason


def _statutory_partners(assessment: Assessment, now: datetime) -> list:
    """The police and health agencies involved with the child, or the partnership's only police force."""
    involved = Agency.objects.filter(pk__in=involved_partner_agencies(assessment.person, now))
    chosen = [a for a in involved if a.kind == "POLICE" or a.kind in HEALTH_KINDS]
    if not any(a.kind == "POLICE" for a in chosen):
        forces = list(Agency.objects.filter(kind="POLICE")[:2])
        if len(forces) == 1:
            chosen.append(forces[0])
    return chosen


def _strategy(assessment: Assessment, episode: CaseEpisode, by, now: datetime) -> NextStep:
    waiting = (
        StrategyMeeting.objects.filter(person_id=assessment.person_id, section47__isnull=True)
        .exclude(status=MeetingStatus.RECORD_SHARED)
        .order_by("-scheduled_at")
        .first()
    )
    if waiting is not None:
        return NextStep(
            STRATEGY_ALREADY_CONVENED, "A strategy discussion is already convened for this child", waiting.pk
        )
    if not (policy.can(by, "casework.convene") and policy.can(by, "casework.chair")):
        return NextStep(STRATEGY_OFFERED, "Convene the strategy discussion: a social worker or manager chairs it")
    meeting = meeting_convene(
        person=assessment.person,
        by=by,
        now=now,
        scheduled_at=now,
        chair=by,
        agencies=_statutory_partners(assessment, now),
        reason=MeetingReason.OPEN_CASE,
        referral=assessment.referral or episode.referral,
    )
    invited = {i.agency.kind for i in meeting.invites.select_related("agency")}
    membership = policy.membership_for_user(by)
    missing = rules.missing_strategy_agencies(invited | ({membership.agency.kind} if membership else set()))
    message = "Strategy discussion convened, chaired by you"
    if missing:
        message += f". Not invited yet: {', '.join(missing)} (Working Together 2023 expects all three)"
    return NextStep(STRATEGY_CONVENED, message, meeting.pk)


def assessment_next_step(*, assessment: Assessment, by, now: datetime) -> NextStep:
    """Start what the authorised assessment's outcome leads to (call inside the authorisation's transaction)."""
    episode = assessment.episode
    outcome = assessment.outcome
    if episode is None or episode.closure_date is not None:
        step = NextStep(NO_CASE, "The assessment is not on an open case: nothing further was started")
    elif outcome == AssessmentOutcome.CIN_PLAN:
        current = CINPlan.objects.filter(episode=episode, end_date__isnull=True).first()
        if current is not None:
            step = NextStep(CIN_PLAN_ALREADY_OPEN, "The child-in-need plan is already open", current.pk)
        else:
            plan = case_services.cin_plan_start(
                episode=episode, start_date=assessment.authorised_date or assessment.start_date, by=by, now=now
            )
            step = NextStep(
                CIN_PLAN_OPENED,
                f"Child-in-need plan opened; its first review is due by {plan.next_review_date:%d %B %Y}",
                plan.pk,
            )
    elif outcome == AssessmentOutcome.SECTION_47:
        step = _strategy(assessment, episode, by, now)
    elif outcome in (AssessmentOutcome.NFA, AssessmentOutcome.EARLY_HELP):
        reason = _closure_reason(outcome, episode)
        try:
            case_services.episode_close(
                episode=episode,
                closure_date=assessment.authorised_date or assessment.start_date,
                reason=reason,
                by=by,
                now=now,
            )
        except ValidationError as exc:
            step = NextStep(CLOSURE_REFUSED, f"The case stays open: {' '.join(exc.messages)}")
        else:
            step = NextStep(CASE_CLOSED, f"Case closed ({reason})", episode.pk)
    else:
        step = NextStep(CARE_OFFERED, "Record the start of the period of care when the child becomes looked after")
    audit.record(
        actor=by,
        action=AuditAction.UPDATE,
        subject=assessment,
        at=now,
        details={"next_step": step.action, "object_id": step.object_id},
    )
    return step
