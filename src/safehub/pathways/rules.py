"""Timescales and definitions of the pathways around the front door, as pure functions.

Each rule cites its source. Dates are UK calendar dates; working days come from the one calendar
(``safehub.core.calendar``: Monday to Friday, not an England bank holiday).
"""

from __future__ import annotations

from datetime import date, datetime, timedelta

from django.conf import settings

from safehub.core.calendar import add_working_days, due_after_working_days, uk_date, working_days_between
from safehub.frontdoor.rules import (  # noqa: F401 - the front door's rules, named here for pathways' callers
    HEALTH_VISITING_UPPER_AGE,
    PPN_STRATEGY_WINDOW,
    PPN_STRATEGY_WORKING_DAYS_DEFAULT,
    encompass_health_visiting_needed,
    ppn_first_strategy,
    ppn_strategy_due,
    ppn_strategy_on_time,
    ppn_strategy_working_days,
)

# ---------------------------------------------------------------------------------------------
# LADO: allegations against people who work with children
# ---------------------------------------------------------------------------------------------
LADO_INITIAL_CONSIDERATION_WORKING_DAYS = 1


def lado_initial_consideration_due(referred_at: datetime) -> datetime:
    """Return when the designated officer's initial consideration of an allegation is due.

    Working Together to Safeguard Children 2023, chapter 2 (organisational responsibilities:
    the local authority designated officer, LADO) and Keeping Children Safe in Education part 4:
    allegations are reported to the LADO within one working day, and the LADO's initial
    consideration (does the allegation meet the harm test, is a strategy or evaluation meeting
    needed) follows within 1 working day of the referral. Deadline: the end of that working day.
    """
    return due_after_working_days(referred_at, LADO_INITIAL_CONSIDERATION_WORKING_DAYS)


def lado_initial_consideration_on_time(
    referred_at: datetime, considered_at: datetime | None, *, as_of: datetime
) -> bool | None:
    """Return True/False once decided (or overdue), None while still within time and undecided."""
    due = lado_initial_consideration_due(referred_at)
    if considered_at is not None:
        return considered_at <= due
    return False if as_of > due else None


# ---------------------------------------------------------------------------------------------
# Private fostering
# ---------------------------------------------------------------------------------------------
PF_INITIAL_VISIT_WORKING_DAYS = 7
PF_FIRST_YEAR_INTERVAL = timedelta(weeks=6)
PF_LATER_INTERVAL = timedelta(weeks=12)


def pf_child_in_scope(*, age: int | None, disabled: bool) -> bool:
    """Return whether a child can be privately fostered (by age on the notification date).

    Children Act 1989 section 66(1) and (4): a privately fostered child is under 16, or under 18
    if disabled. An unknown age is not ruled out (the visit establishes it).
    """
    if age is None:
        return True
    return age < (18 if disabled else 16)


def pf_initial_visit_due(notified_date: date) -> date:
    """Return the last day for the first visit after the local authority is notified.

    The Children (Private Arrangements for Fostering) Regulations 2005, regulations 4(1) (a
    proposed arrangement) and 7(1) (an arrangement already in place): on receiving the
    notification the authority must arrange for an officer, within seven working days, to visit
    the premises, the carer and the household, and to see the child (alone unless inappropriate).
    The National Minimum Standards for Private Fostering (2005) carry the Regulations as an annex.
    """
    return add_working_days(notified_date, PF_INITIAL_VISIT_WORKING_DAYS)


def pf_next_visit_due(*, notified_date: date, last_visit_date: date) -> date:
    """Return when the next visit is due after ``last_visit_date``.

    Regulation 8(1) of the 2005 Regulations: visits at intervals of not more than six weeks in the
    first year of the arrangement, and not more than 12 weeks in any later year. Regulation 8(6):
    the arrangement is deemed to begin when the local authority become aware of it, so the first
    year runs from the notification date. An interval that starts inside the first year is a
    first-year interval (six weeks).
    """
    first_anniversary = _add_years(notified_date, 1)
    interval = PF_FIRST_YEAR_INTERVAL if last_visit_date < first_anniversary else PF_LATER_INTERVAL
    return last_visit_date + interval


def pf_visit_timeliness(*, notified_date: date, visit_dates: list[date], as_of: date) -> dict:
    """Return each visit due date against the visit that met it, and what is due next.

    ``{"initial_due", "initial_on_time", "visits": [(due, done, on_time)], "next_due", "overdue"}``;
    the first visit answers the initial visit rule, each later one the interval rule.
    """
    visits = sorted(visit_dates)
    initial_due = pf_initial_visit_due(notified_date)
    rows = []
    due = initial_due
    for done in visits:
        rows.append((due, done, done <= due))
        due = pf_next_visit_due(notified_date=notified_date, last_visit_date=done)
    return {
        "initial_due": initial_due,
        "initial_on_time": (visits[0] <= initial_due) if visits else (None if as_of <= initial_due else False),
        "visits": rows,
        "next_due": due,
        "overdue": as_of > due,
    }


def _add_years(day: date, years: int) -> date:
    try:
        return day.replace(year=day.year + years)
    except ValueError:  # 29 February
        return day.replace(year=day.year + years, day=28)


# ---------------------------------------------------------------------------------------------
# Children missing education (CME) and elective home education (EHE)
# ---------------------------------------------------------------------------------------------
CME_ENQUIRY_SCHOOL_DAYS = 20


def cme_enquiries_due(reported_date: date) -> date:
    """Return when the joint reasonable enquiries into a child's whereabouts should be concluded.

    Children missing education, statutory guidance for local authorities (DfE, September 2016),
    "Making reasonable enquiries" and annex A; the Education (Pupil Registration) (England)
    Regulations 2006 regulation 8(1)(h)(iii) (now the School Attendance (Pupil Registration)
    (England) Regulations 2024, regulation 9(1)(i)): a pupil continuously absent for 20 school days
    may come off the roll only once the school and the local authority have jointly failed, after
    reasonable enquiry, to find them. School days are counted as working days (term dates vary by
    setting and are not modelled).
    """
    return add_working_days(reported_date, CME_ENQUIRY_SCHOOL_DAYS)


def cme_days_missing(reported_date: date, restarted_date: date | None, *, as_of: date) -> int:
    """Return the school days from the report to education restarting (or to ``as_of``)."""
    return max(0, working_days_between(reported_date, restarted_date or as_of))


def ehe_needs_front_door(*, safeguarding_concern: bool) -> bool:
    """Return whether an elective home education entry must go to the front door.

    Elective home education, departmental guidance for local authorities (DfE, April 2024): home
    education is not in itself a safeguarding concern, but where there are concerns about a home
    educated child's safety or welfare the authority acts under its safeguarding duties (a contact
    to children's social care), as it would for any other child.
    """
    return safeguarding_concern


# ---------------------------------------------------------------------------------------------
# MARAC and DASH
# ---------------------------------------------------------------------------------------------
DASH_QUESTIONS = 24
DASH_HIGH_RISK_SCORE = 14
MARAC_REPEAT_MONTHS = 12


def dash_risk_level(score: int) -> str:
    """Return the SafeLives DASH risk level of a score: 0-9 standard, 10-13 medium, 14+ high.

    SafeLives Dash risk checklist practice guidance: 24 yes/no questions; 14 or more "yes" answers
    is high risk. The score is one of three routes to high risk (with professional judgement and
    escalation), so a lower score never rules a case out of MARAC.
    """
    if not 0 <= score <= DASH_QUESTIONS:
        raise ValueError(f"a DASH score is between 0 and {DASH_QUESTIONS}")
    if score >= DASH_HIGH_RISK_SCORE:
        return "HIGH"
    return "MEDIUM" if score >= 10 else "STANDARD"


def marac_eligible(*, dash_score: int | None, professional_judgement: bool) -> bool:
    """Return whether a case is high risk and goes to MARAC.

    SafeLives MARAC guidance: refer every high-risk case, identified by a DASH score of 14 or more
    or by professional judgement (serious concern about homicide or serious harm whatever the
    score). Escalation (potential escalation: three police call-outs in 12 months) is recorded as
    professional judgement here.
    """
    if professional_judgement:
        return True
    return dash_score is not None and dash_risk_level(dash_score) == "HIGH"


def marac_is_repeat(referral_date: date, earlier_referral_dates: list[date]) -> bool:
    """Return whether a MARAC referral is a repeat: another referral in the 12 months before it.

    SafeLives MARAC guidance: a repeat case is one referred again within 12 months of the date of
    its last referral to the MARAC.
    """
    window_start = _add_years(referral_date, -1)
    return any(window_start <= d < referral_date for d in earlier_referral_dates)


# ---------------------------------------------------------------------------------------------
# Operation Encompass: setting rolls and children under 5 with no setting (who is told, the
# health visiting team for a child under 5 with no setting, is the front door's rule:
# ``frontdoor.rules.encompass_health_visiting_needed``, imported above)
# ---------------------------------------------------------------------------------------------
ROLL_LINK = "LINK"
ROLL_REVIEW = "REVIEW"
ROLL_NOT_FOUND = "NOT_FOUND"


def roll_match_outcome(*, probabilities: list[float], upn_agrees: bool = False, exact_agrees: bool = False) -> str:
    """Decide what a roll row's match candidates come to: link, review, or not known.

    The thresholds are the matching engine's own (``SAFEHUB_MATCH_THRESHOLDS``, the same ones the
    register's deduplication uses): a best match at or above the upper threshold, with no rival
    above the lower one, is confident and linked; a best match between the two, or two rivals
    (twins, namesakes), goes to a person to review; below the lower threshold the child is not
    known to the register and nothing is created (Operation Encompass notifies only known
    children). A unique pupil number agreeing with the record's, with the date of birth, is
    confident whatever the name says (the DfE issues one UPN per pupil for life). So is a best
    match that agrees exactly on both names and the date of birth (and the postcode, when the
    roll gives one) with no rival: a small or untrained register scores even an exact match
    below the thresholds, which are set for merging two records, not for finding one.
    ``probabilities`` are the candidates' match probabilities in per cent, best first.
    """
    if upn_agrees:
        return ROLL_LINK
    ranked = sorted(probabilities, reverse=True)
    upper = 100 * settings.SAFEHUB_MATCH_THRESHOLDS["upper"]
    lower = 100 * settings.SAFEHUB_MATCH_THRESHOLDS["lower"]
    alone = len(ranked) < 2 or ranked[1] < lower
    if exact_agrees and ranked and alone:
        return ROLL_LINK
    if not ranked or ranked[0] < lower:
        return ROLL_NOT_FOUND
    if ranked[0] >= upper and alone:
        return ROLL_LINK
    return ROLL_REVIEW


# ---------------------------------------------------------------------------------------------
# CP-IS style flags for unscheduled care settings
# ---------------------------------------------------------------------------------------------
def cpis_flag(*, on_cp_plan: bool, unborn: bool, looked_after: bool) -> str | None:
    """Return the child's CP-IS flag, or None when there is none.

    NHS England, Child Protection - Information Sharing (CP-IS): local authorities share the
    details of children subject to a child protection plan, of unborn children subject to a
    pre-birth child protection plan, and of looked after children (including those with foster
    carers); unscheduled care settings (emergency departments, urgent treatment and walk-in
    centres, minor injuries units, ambulance services, out-of-hours GPs and unscheduled maternity)
    see the flag when the child attends. A plan takes precedence over looked after status, as it
    names the risk.
    """
    if on_cp_plan:
        return "UNBORN_CPP" if unborn else "CPP"
    return "LAC" if looked_after else None


# ---------------------------------------------------------------------------------------------
# PPN to strategy discussion, and missing episodes that prompt one
# ---------------------------------------------------------------------------------------------
# The PPN's strategy discussion standard (``ppn_strategy_due``, ``ppn_first_strategy`` ...) is the
# front door's rule, in ``frontdoor.rules``; imported at the top of this module for pathways' callers.


def missing_prompts_strategy(risk_level: str) -> bool:
    """Return whether a missing episode prompts a strategy discussion.

    Statutory guidance on children who run away or go missing from home or care (DfE, 2014),
    and the police's risk grading of missing people (College of Policing APP, 2021): a child
    graded high risk when missing is at risk of serious harm, so the local authority and the
    police hold a strategy discussion. Lower grades are kept under review but do not prompt one.
    """
    return risk_level == "HIGH"


def uk_day(moment: datetime) -> date:
    """Return the UK calendar date of an aware datetime (the day a timescale counts from)."""
    return uk_date(moment)
