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

from datetime import datetime, time, timedelta

from safehub.core.calendar import UK
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


def red_ppn_decided_on_time(received_at: datetime, decided_at: datetime | None, *, as_of: datetime) -> bool | None:
    """True/False once decided (or once overdue undecided); None while still within the day."""
    due = red_ppn_decision_due(received_at)
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
