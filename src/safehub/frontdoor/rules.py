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
