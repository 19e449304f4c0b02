"""Early help timescales and definitions, as pure functions (one place for each rule).

Working Together to Safeguard Children 2023, chapter 3 ("Early help"): early help is voluntary and
consent-based; a lead practitioner (from any agency: a school, health visiting, the early help
team) co-ordinates the assessment and the family plan and reviews it with the family and the
team around the family; where needs escalate, the case moves to children's social care, and
where a statutory case closes the family may be stepped down to early help with a plan. The
guidance sets no national timescales for early help, so the defaults below are the ones common
in local early help procedures (the assessment within six weeks, the plan reviewed at least every
six weeks, a first team around the family meeting within four weeks of the assessment starting).
Each is configurable through ``settings.SAFEHUB_TIMESCALES``; services and selectors read the
setting when they call these functions (``timescale``).
"""

from __future__ import annotations

from datetime import date, timedelta

from safehub.core.calendar import add_working_days, same_date_one_year_earlier
from safehub.core.timescales import timescale as core_timescale

ASSESSMENT_WORKING_DAYS = 30  # six weeks
FIRST_TAF_WORKING_DAYS = 20  # four weeks
REVIEW_INTERVAL_WEEKS = 6
RE_REFERRAL_MONTHS = 12

DEFAULTS = {
    "early_help_assessment_working_days": ASSESSMENT_WORKING_DAYS,
    "early_help_first_taf_working_days": FIRST_TAF_WORKING_DAYS,
    "early_help_review_weeks": REVIEW_INTERVAL_WEEKS,
}


def timescale(name: str) -> int:
    """Return a timescale from the one settings table (core.timescales), or this module's default."""
    return core_timescale(name, DEFAULTS[name])


def assessment_due(start_date: date, *, working_days: int = ASSESSMENT_WORKING_DAYS) -> date:
    """Return when the early help assessment should be complete: ``working_days`` after it starts.

    Local early help procedures (for example Newcastle's and Trafford's partnership procedures)
    ask for the assessment and the plan within about six weeks; Working Together 2023 leaves the
    timescale to the local partnership, so the default is 30 working days.
    """
    return add_working_days(start_date, working_days)


def first_taf_due(start_date: date, *, working_days: int = FIRST_TAF_WORKING_DAYS) -> date:
    """Return when the first team around the family meeting is due (default 20 working days)."""
    return add_working_days(start_date, working_days)


def next_review_due(
    *, completed_date: date | None, last_meeting_date: date | None, weeks: int = REVIEW_INTERVAL_WEEKS
) -> date | None:
    """Return when the plan is next due for review: ``weeks`` after the last meeting or the assessment.

    Local procedures: the plan is reviewed with the family at a team around the family meeting at
    least every six to eight weeks (six by default). There is no review due before the assessment
    is complete (there is no plan yet).
    """
    if completed_date is None:
        return None
    anchor = max(d for d in (completed_date, last_meeting_date) if d is not None)
    return anchor + timedelta(weeks=weeks)


def assessment_on_time(start_date: date, completed_date: date | None, *, as_of: date, working_days: int) -> bool | None:
    """True/False once complete (or overdue), None while still within time."""
    due = assessment_due(start_date, working_days=working_days)
    if completed_date is not None:
        return completed_date <= due
    return False if as_of > due else None


def re_referral_window_end(closed_date: date) -> date:
    """Return the last day of the 12 months after an early help closure (inclusive).

    The mirror of shared/formats/measures.md's "within 12 months before R": a referral R to
    children's social care re-refers a closed early help when the closure is within the 12 months
    before R (on or after the same date a year earlier, 29 February mapped to 28 February, and
    strictly before R).
    """
    try:
        return closed_date.replace(year=closed_date.year + 1)
    except ValueError:  # 29 February: the same date a year later is 28 February
        return closed_date.replace(year=closed_date.year + 1, day=28)


def re_referred_within_12_months(closed_date: date, referral_dates: list[date]) -> bool:
    """Return whether a referral follows the closure within 12 months (the measure's rule)."""
    return any(same_date_one_year_earlier(d) <= closed_date < d for d in referral_dates)
