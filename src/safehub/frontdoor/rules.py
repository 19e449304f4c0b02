"""Front-door rules that are definitions, not settings: police risk grades and when the limit applies.

Police Public Protection Notices (PPNs, called VPRFs or "merlins" in some forces) carry the
officer's own risk grade on the force's BRAG scale: Blue (no safeguarding concern, information
only), Green (standard), Amber (medium) and Red (high: immediate risk of significant harm). The
MASH rates the same contact RED/AMBER/GREEN when it triages (its RAG). The joint targeted area
inspection's first recommendation was that police recognise risk: a PPN the police graded *below*
the MASH's grade is the risk the police did not see, and that is what the front door measures
(Working Together to Safeguard Children 2023, 2.1 "multi-agency expectations": safeguarding
partners hold each other to account for the quality of referrals).
"""

from __future__ import annotations

from datetime import date, datetime, time, timedelta

from dateutil.relativedelta import relativedelta

from safehub.core.calendar import UK, due_after_working_days
from safehub.core.timescales import timescale

POLICE_GRADES = ("BLUE", "GREEN", "AMBER", "RED")
MASH_RAG = ("GREEN", "AMBER", "RED")
_RANK = {"BLUE": 0, "GREEN": 1, "AMBER": 2, "RED": 3}


def grade_rank(grade: str) -> int | None:
    """Order BRAG and RAG grades on one scale (Blue lowest); None for no grade."""
    return _RANK.get((grade or "").upper())


def police_under_graded(*, police_grade: str, mash_rag: str) -> bool:
    """Whether the MASH rated the contact higher than the police graded it (both graded)."""
    police, mash = grade_rank(police_grade), grade_rank(mash_rag)
    return police is not None and mash is not None and mash > police


def police_limit_applies(*, high_risk: bool, police_grade: str, mash_rag: str) -> bool:
    """The agreed receipt limit (24 hours) applies to a PPN the police graded red or flagged high risk,
    *and* to one the MASH later graded red: a red the police missed was still a red the child lived."""
    return high_risk or (police_grade or "").upper() == "RED" or (mash_rag or "").upper() == "RED"


# ---------------------------------------------------------------------------------------------
# A red PPN is decided the same day
# ---------------------------------------------------------------------------------------------
RED_PPN_DECISION_DAYS = 0  # calendar days after the day of receipt: 0 is the same day


def red_ppn_standard_applies(*, from_police: bool, police_grade: str, mash_rag: str) -> bool:
    """Whether the same-day decision standard applies: a PPN graded red by the police *or* the MASH.

    As for the receipt limit (``police_limit_applies``), a red the police missed is still a red:
    when the MASH grades a PPN red, the standard applies to it from its receipt.
    """
    return from_police and ((police_grade or "").upper() == "RED" or (mash_rag or "").upper() == "RED")


def red_ppn_decision_days() -> int:
    """Return the partnership's setting: calendar days after the day of receipt (0, the same day)."""
    return timescale("ppn_red_decision_days", RED_PPN_DECISION_DAYS)


def red_ppn_decision_due(received_at: datetime, *, days: int | None = None) -> datetime:
    """Return when the MASH's decision on a red PPN is due: the end (23:59:59 UK) of the day received.

    Working Together to Safeguard Children 2023, chapter 3 ("Referral" and "Immediate
    protection"): within one working day of a referral a local authority social worker decides
    the type of response, including whether the child requires immediate protection and urgent
    action; where there is a risk to the life of a child or a likelihood of serious immediate harm,
    agencies act immediately. The one-working-day decision (``contact_decision_working_days``)
    is the ceiling for every contact; a PPN graded red (BRAG: immediate risk of significant harm)
    is immediate-risk work, so the partnership's MASH standard is a decision on the *calendar*
    day of receipt (``ppn_red_decision_days``, default 0): weekends and bank holidays do not move
    it, because the MASH's out-of-hours cover decides red PPNs on those days too. The partnership's
    own yearly report (shared/seeds) records "agreed limits" for high-risk police referrals without
    a number; the 24-hour receipt limit is ``police_limit_applies``.
    """
    days = red_ppn_decision_days() if days is None else days
    day = received_at.astimezone(UK).date() + timedelta(days=days)
    return datetime.combine(day, time(23, 59, 59), tzinfo=UK)


def red_ppn_decided_on_time(
    received_at: datetime, decided_at: datetime | None, *, as_of: datetime, days: int | None = None
) -> bool | None:
    """True/False once decided (or once overdue undecided); None while still within the day.

    ``days`` is the setting (``red_ppn_decision_days``), read once by a caller that checks many."""
    due = red_ppn_decision_due(received_at, days=days)
    if decided_at is not None:
        return decided_at <= due
    return False if as_of > due else None


def contact_decision_due_for_grade(
    *, received_at: datetime, usual_due: datetime, from_police: bool, police_grade: str, mash_rag: str
) -> datetime:
    """Return a contact's decision due time: the usual one, or the red PPN's same day if earlier."""
    if red_ppn_standard_applies(from_police=from_police, police_grade=police_grade, mash_rag=mash_rag):
        return min(usual_due, red_ppn_decision_due(received_at))
    return usual_due


# ---------------------------------------------------------------------------------------------
# PPN to strategy discussion (measured by the front door's police timeliness and by pathways)
# ---------------------------------------------------------------------------------------------
PPN_STRATEGY_WORKING_DAYS_DEFAULT = 3


def ppn_strategy_working_days() -> int:
    """The partnership's standard for a strategy discussion after a PPN, in working days.

    Read from the one settings table (``SAFEHUB_TIMESCALES["ppn_strategy_working_days"]``);
    3 when not set, the common local standard.
    """
    return timescale("ppn_strategy_working_days", PPN_STRATEGY_WORKING_DAYS_DEFAULT)


def ppn_strategy_due(received_at: datetime) -> datetime:
    """Return when the first strategy discussion after a PPN is due.

    Working Together to Safeguard Children 2023, paragraphs 209 to 214: whenever there is reason
    to suspect significant harm a strategy discussion is held, "as soon as possible"; the guidance
    sets no number of days, so local procedures do (commonly within 3 working days of the
    referral, the same day where the child's immediate safety is at issue). Measured from the
    PPN's receipt at the front door to the end of the working day the standard allows.
    """
    return due_after_working_days(received_at, ppn_strategy_working_days())


def ppn_strategy_on_time(received_at: datetime, first_held_at: datetime | None, *, as_of: datetime) -> bool | None:
    """True/False once the first strategy discussion is held (or the time has passed), else None."""
    due = ppn_strategy_due(received_at)
    if first_held_at is not None:
        return first_held_at <= due
    return False if as_of > due else None


PPN_STRATEGY_WINDOW = timedelta(days=30)


def ppn_first_strategy(
    received_at: datetime, meetings: list[tuple[datetime, datetime | None]]
) -> tuple[datetime, datetime | None] | None:
    """Return the first strategy discussion that followed a PPN: ``(convened_at, held_at)`` or None.

    The child's first strategy discussion convened at or after the PPN's receipt and within 30
    days of it (a later one answers a later concern). Most PPNs need none: only those followed by
    one are measured.
    """
    following = sorted(
        (m for m in meetings if received_at <= m[0] <= received_at + PPN_STRATEGY_WINDOW), key=lambda m: m[0]
    )
    return following[0] if following else None


# ---------------------------------------------------------------------------------------------
# Operation Encompass: who is told of a domestic abuse incident (used by the front door's
# notifications and by pathways)
# ---------------------------------------------------------------------------------------------
HEALTH_VISITING_UPPER_AGE = 5


def encompass_health_visiting_needed(*, date_of_birth: date | None, incident_date: date, has_setting: bool) -> bool:
    """Return whether a domestic abuse incident goes to the child's health visiting team.

    Operation Encompass tells the child's school or early-years setting before the next school
    day; a child under 5 who attends no setting would hear from nobody. The health visiting
    service leads the Healthy Child Programme for every child from birth to 5 (Department of
    Health, Healthy Child Programme 0 to 5, 2009; OHID, Universal health visiting service, 2021),
    so it is the service that knows the youngest children: they are told instead. An unknown date
    of birth is not assumed to be under 5.
    """
    if has_setting or date_of_birth is None:
        return False
    return date_of_birth + relativedelta(years=HEALTH_VISITING_UPPER_AGE) > incident_date  # 29 Feb: 28 Feb
