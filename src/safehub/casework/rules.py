"""Children's casework timescales and definitions: pure functions, one place for each rule.

Sources:
- *Working Together to Safeguard Children 2023* (DfE, December 2023), chapter 3 "Providing help,
  support and protection": assessment timescales, strategy discussions, section 47 enquiries,
  initial and review child protection conferences, core groups.
- *Children in need census 2025 to 2026: guide* (DfE): referral, re-referral, primary need,
  closure reasons, CIN plan dates.

Every timescale that the guidance leaves to local procedure (visit frequency, CIN plan reviews,
the core-group interval after the first) has a default here and is configurable through
``settings.SAFEHUB_TIMESCALES`` (read by the services when they call these functions).
"""

from __future__ import annotations

import calendar as _calendar
from collections.abc import Mapping
from datetime import date, datetime, timedelta

from safehub.core.calendar import add_working_days

ASSESSMENT_WORKING_DAYS = 45
ICPC_WORKING_DAYS = 15
FIRST_CORE_GROUP_WORKING_DAYS = 10
CORE_GROUP_INTERVAL_WEEKS = 6
FIRST_CP_REVIEW_MONTHS = 3
LATER_CP_REVIEW_MONTHS = 6
CP_VISIT_WORKING_DAYS = 10
CIN_VISIT_WORKING_DAYS = 20
CIN_PLAN_REVIEW_MONTHS = 3
NOTE_LOCK_HOURS = 24
RE_REFERRAL_MONTHS = 12

# The agencies a strategy discussion must include (Working Together 2023, chapter 3, "Strategy
# discussion": "local authority children's social care, health practitioners and a police
# representative" as a minimum).
STRATEGY_REQUIRED_AGENCY_KINDS: Mapping[str, str] = {
    "POLICE": "the police",
    "HEALTH": "health",
    "LA_CHILDREN": "children's social care",
}

PRIMARY_NEEDS_AFTER_ASSESSMENT = ("N1", "N2", "N3", "N4", "N5", "N6", "N7", "N8", "N9")
CLOSURE_REASONS = ("RC1", "RC2", "RC3", "RC4", "RC5", "RC6", "RC7", "RC8", "RC9")


def add_months(day: date, months: int) -> date:
    """Return the same day ``months`` later, or the month's last day when it is shorter."""
    index = day.month - 1 + months
    year, month = day.year + index // 12, index % 12 + 1
    return date(year, month, min(day.day, _calendar.monthrange(year, month)[1]))


def assessment_due(referral_date: date, *, working_days: int = ASSESSMENT_WORKING_DAYS) -> date:
    """Return the date a child and family assessment is due: 45 working days from the referral.

    Working Together 2023, chapter 3, "Timeliness": "the maximum timeframe for the assessment to
    conclude ... should be within 45 working days from the point of referral". The same clock
    serves the case page, the caseload and the census (the authorisation date against this one).
    """
    return add_working_days(referral_date, working_days)


def icpc_due(strategy_date: date, *, working_days: int = ICPC_WORKING_DAYS) -> date:
    """Return the date the initial child protection conference is due.

    Working Together 2023, chapter 3, "Initial child protection conferences": held "within 15
    working days of the strategy discussion, or the last strategy discussion if more than one".
    """
    return add_working_days(strategy_date, working_days)


def first_core_group_due(icpc_date: date, *, working_days: int = FIRST_CORE_GROUP_WORKING_DAYS) -> date:
    """Return when the first core group meeting is due: within 10 working days of the ICPC.

    Working Together 2023, chapter 3, "The child protection plan": the core group meets "within 10
    working days of the initial child protection conference".
    """
    return add_working_days(icpc_date, working_days)


def next_core_group_due(last_held: date, *, weeks: int = CORE_GROUP_INTERVAL_WEEKS) -> date:
    """Return when the next core group is due after one held on ``last_held`` (default 6 weeks, local procedure)."""
    return last_held + timedelta(weeks=weeks)


def cp_review_due(
    icpc_date: date,
    last_review: date | None,
    *,
    first_months: int = FIRST_CP_REVIEW_MONTHS,
    later_months: int = LATER_CP_REVIEW_MONTHS,
) -> date:
    """Return when the next review child protection conference is due.

    Working Together 2023, chapter 3, "Child protection review conference": "the first child
    protection review conference should be held within 3 months of the initial conference, and
    further reviews should be held at intervals of not more than 6 months". The second review is
    therefore 6 months after the first, not 3.
    """
    if last_review is None:
        return add_months(icpc_date, first_months)
    return add_months(last_review, later_months)


def visit_due(
    *,
    stage: str,
    since: date,
    last_visit: date | None,
    cin_interval_working_days: int | None = None,
    cp_interval_working_days: int = CP_VISIT_WORKING_DAYS,
) -> date | None:
    """Return when the next statutory visit is due for a case at ``stage`` (None: no visit cycle).

    Visit frequency is set by local procedure, not Working Together: the defaults are a visit to a
    child on a child protection plan at least every 10 working days and to a child in need as the
    CIN plan says (default every 20 working days). The cycle counts from the last visit at which
    the child was seen, or from ``since`` (the start of the plan) when there has been none.
    """
    if stage == "CHILD_PROTECTION":
        interval = cp_interval_working_days
    elif stage == "CHILD_IN_NEED":
        interval = cin_interval_working_days or CIN_VISIT_WORKING_DAYS
    else:
        return None
    start = max(since, last_visit) if last_visit else since
    return add_working_days(start, interval)


def cin_plan_review_due(last: date, *, months: int = CIN_PLAN_REVIEW_MONTHS) -> date:
    """Return when a child-in-need plan is next reviewed (local procedure; default every 3 months)."""
    return add_months(last, months)


def note_locks_at(written_at: datetime, *, hours: int = NOTE_LOCK_HOURS) -> datetime:
    """Return when a case note locks (default 24 hours after it was written); later changes are corrections."""
    return written_at + timedelta(hours=hours)


def is_re_referral(referral_date: date, previous_referral_date: date | None) -> bool:
    """Return whether a referral is a re-referral: within 12 months of the child's previous referral.

    CIN census 2025-26 guide (and the DfE's re-referral measure): a referral is a re-referral if it
    is "within 12 months of a previous referral" for the same child.
    """
    if previous_referral_date is None or previous_referral_date > referral_date:
        return False
    return referral_date <= add_months(previous_referral_date, RE_REFERRAL_MONTHS)


def primary_need_error(code: str, *, nfa: bool) -> str | None:
    """Return why a primary need code cannot be recorded on an episode, or None when it can.

    CIN census 2025-26 guide: the primary need (N1-N9) is recorded at the end of the assessment;
    N0 ("not stated") only applies where the referral is closed with no further action.
    """
    if code == "N0":
        return None if nfa else "N0 (not stated) is only for a referral closed with no further action"
    if code not in PRIMARY_NEEDS_AFTER_ASSESSMENT:
        return f"{code} is not a CIN census primary need code (N1-N9)"
    return None


def closure_blockers(
    *,
    open_assessments: int,
    open_section47s: int,
    open_cin_plans: int,
    open_cp_plans: int,
    open_periods_of_care: int,
) -> list[str]:
    """Return the open work that stops an episode closing (empty: it may close).

    An episode ends when the services end (CIN census guide: the closure date is the date the
    child stopped being a child in need), so it cannot close while work for the child is open.
    """
    blockers = []
    for count, what in (
        (open_assessments, "an assessment"),
        (open_section47s, "a section 47 enquiry"),
        (open_cin_plans, "a child-in-need plan"),
        (open_cp_plans, "a child protection plan"),
        (open_periods_of_care, "a period of care"),
    ):
        if count:
            blockers.append(what)
    return blockers


def closure_reason_error(reason: str, *, had_assessment: bool, had_plan_or_s47: bool) -> str | None:
    """Return why a closure reason does not fit the episode, or None.

    CIN census 2025-26 (DfE validation rules 8640, 8873Q): RC8 and RC9 mean "closed after
    assessment", so the episode needs an assessment and cannot hold a CIN plan, section 47 or CP plan.
    """
    if reason not in CLOSURE_REASONS:
        return f"{reason} is not a CIN census reason for closure (RC1-RC9)"
    if reason in ("RC8", "RC9") and not had_assessment:
        return f"{reason} is for a case closed after an assessment, and this case has none"
    if reason in ("RC8", "RC9") and had_plan_or_s47:
        return f"{reason} cannot close a case that had a plan or a section 47 enquiry: use RC7"
    return None


def missing_strategy_agencies(invited_kinds: set[str]) -> list[str]:
    """Return which of the police, health and children's social care were not invited (chair's warning)."""
    health = any(k in invited_kinds for k in ("ICB", "HEALTH_TRUST", "GP", "AMBULANCE"))
    missing = []
    if "POLICE" not in invited_kinds:
        missing.append(STRATEGY_REQUIRED_AGENCY_KINDS["POLICE"])
    if not health:
        missing.append(STRATEGY_REQUIRED_AGENCY_KINDS["HEALTH"])
    if "LA_CHILDREN" not in invited_kinds:
        missing.append(STRATEGY_REQUIRED_AGENCY_KINDS["LA_CHILDREN"])
    return missing
