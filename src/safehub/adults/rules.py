"""Adult safeguarding rules and definitions: pure functions (no Django), one place for each rule.

Sources (read for the 2025-26 year):
- *Safeguarding adults collection (SAC) data return, 2025 to 2026: guidance for local
  authorities* (NHS England, published 29 January 2026; "no changes to the data requirements for
  the 2025 to 2026 collection", so the 2024-25 table notes below still apply):
  SG1 "Demographics" (individuals and cases; age on the last day of the reporting period, or at
  death; each adult at risk of a large-scale enquiry counted), SG2 "Case details" (concluded
  section 42 enquiries; "multiple counts are permitted ... record a count of one for each
  different category that applies to the enquiry", for sources and locations of risk as for
  types), SG3 mental capacity, SG4 Making Safeguarding Personal.
- *Care and support statutory guidance* (DHSC), chapter 14 "Safeguarding": the section 42(1)
  test, making safeguarding personal, self-neglect (including hoarding) as a type of abuse or
  neglect, organisational abuse and provider concerns, people in positions of trust, and the
  duty under section 68 of the Care Act 2014 to arrange an independent advocate for an enquiry.
- Care Act 2014 ss67-68: an independent advocate where the adult would have *substantial
  difficulty* in being involved and there is *no appropriate individual* to support them. The
  test is about involvement, not capacity: "having substantial difficulty is not the same as
  lacking mental capacity".
- Mental Capacity Act 2005 ss1-4 (principles, the two-stage test, best interests), ss35-39
  (independent mental capacity advocates), Schedule A1 (Deprivation of Liberty Safeguards):
  an urgent authorisation for at most 7 days (para 78), extendable once by the supervisory body
  for at most 7 more days (paras 84-85); a standard authorisation request decided within 21
  days (the Mental Capacity (Deprivation of Liberty: Standard Authorisations, Assessments and
  Ordinary Residence) Regulations 2008, reg 13), for at most one year (para 42).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, timedelta

# ---------------------------------------------------------------------------------------------
# SAC counting
# ---------------------------------------------------------------------------------------------

# SG5 safeguarding adults reviews: the Care Act 2014 s44 condition a review's adult met.
# s44(2) condition 1: the adult has died and the board knows or suspects that the death resulted
# from abuse or neglect; s44(3) condition 2: the adult is still alive and the board knows or
# suspects that they have experienced serious abuse or neglect; s44(4): a review the board chose
# to arrange in any other case. SG5a counts reviews "where one or more individuals died" and
# "where no individuals died"; SG5b individuals "who suffered serious harm and died" or "...
# survived". The codes are stored on ``partnership.CaseReviewPerson.harm``.
S44_DIED = "DIED"
S44_SURVIVED = "SURVIVED"
S44_NEITHER = "NEITHER"

# SG1a age bands (SAC guidance, "SG1a - Counts of individuals by age band").
SAC_AGE_BANDS: tuple[tuple[str, int, int | None], ...] = (
    ("18-64", 18, 64),
    ("65-74", 65, 74),
    ("75-84", 75, 84),
    ("85-94", 85, 94),
    ("95+", 95, None),
)
SAC_AGE_UNKNOWN = "Age unknown"


def age_on(date_of_birth: date | None, day: date) -> int | None:
    """Return the age in whole years on ``day`` (None without a date of birth)."""
    if date_of_birth is None:
        return None
    return day.year - date_of_birth.year - ((day.month, day.day) < (date_of_birth.month, date_of_birth.day))


def sac_age(date_of_birth: date | None, *, year_end: date, date_of_death: date | None = None) -> int | None:
    """Return the age the SAC records: on the last day of the reporting year, or at death if earlier.

    SAC guidance, SG1a: "Record the age of the individual on the last day of the reporting period
    or age at the time of death if an individual has died."
    """
    day = date_of_death if date_of_death is not None and date_of_death < year_end else year_end
    return age_on(date_of_birth, day)


def sac_age_band(age: int | None) -> str:
    """Return the SG1a band label for an age (under 18 or unknown: ``Age unknown``)."""
    if age is None:
        return SAC_AGE_UNKNOWN
    for label, low, high in SAC_AGE_BANDS:
        if age >= low and (high is None or age <= high):
            return label
    return SAC_AGE_UNKNOWN


# SG1d primary support reason: the adult social care PSR categories (as in the short and long
# term support collection). SG1d counts *cases* (concerns, section 42 and other enquiries), so an
# adult appears once per case ("Mr X ... can appear multiple times in Tables SG1d and SG1e").
SAC_SUPPORT_REASONS: tuple[tuple[str, str], ...] = (
    ("PHYSICAL_ACCESS_MOBILITY", "Physical support: access and mobility only"),
    ("PHYSICAL_PERSONAL_CARE", "Physical support: personal care support"),
    ("SENSORY_VISUAL", "Sensory support: support for visual impairment"),
    ("SENSORY_HEARING", "Sensory support: support for hearing impairment"),
    ("SENSORY_DUAL", "Sensory support: support for dual impairment"),
    ("MEMORY_COGNITION", "Support with memory and cognition"),
    ("LEARNING_DISABILITY", "Learning disability support"),
    ("MENTAL_HEALTH", "Mental health support"),
    ("SOCIAL_SUBSTANCE_MISUSE", "Social support: substance misuse support"),
    ("SOCIAL_ASYLUM_SEEKER", "Social support: asylum seeker support"),
    ("SOCIAL_ISOLATION_OTHER", "Social support: support for social isolation or other"),
    ("NO_SUPPORT_REASON", "No support reason"),
)
SAC_SUPPORT_REASON_UNKNOWN = "Not known"


def sac_support_reason_label(code: str | None) -> str:
    """Return the SG1d row a case counts in (blank or an unknown code: ``Not known``)."""
    return dict(SAC_SUPPORT_REASONS).get((code or "").upper(), SAC_SUPPORT_REASON_UNKNOWN)


def once_per_category(codes: Iterable[str]) -> frozenset[str]:
    """Return the categories an enquiry counts under: each different one once (SAC SG2 notes).

    "If both sources of risk are of the same type, for example if two strangers were the sources of
    risk, there should only be a count of one in that category."
    """
    return frozenset(c for c in codes if c)


# SG3: the advocacy question is asked only of concluded enquiries where the adult lacked capacity.
SAC_ADVOCACY_YES = "yes"
SAC_ADVOCACY_NO = "no"
SAC_ADVOCACY_NOT_RECORDED = "not_recorded"


def sac_advocacy_answer(lacked_capacity: str, supported: bool | None) -> str | None:
    """Return the SG3 advocacy cell an enquiry counts in, or None when SG3 does not ask.

    SAC guidance SG3: of the concluded s42 enquiries where the adult lacked capacity, whether they
    were supported by an advocate, family or friend. Support is *recorded* whatever the capacity
    (the Care Act s68 duty does not depend on it); only the SAC cell is limited to those lacking it.
    """
    if lacked_capacity.upper() != "YES":
        return None
    if supported is None:
        return SAC_ADVOCACY_NOT_RECORDED
    return SAC_ADVOCACY_YES if supported else SAC_ADVOCACY_NO


# ---------------------------------------------------------------------------------------------
# Advocacy
# ---------------------------------------------------------------------------------------------


def care_act_advocate_required(*, substantial_difficulty: bool, appropriate_individual: bool) -> bool:
    """Return whether the Care Act 2014 s67/s68 duty to arrange an independent advocate applies.

    The local authority must arrange one where the adult would experience substantial difficulty in
    being involved and there is no appropriate individual to support and represent them (s68 for a
    safeguarding enquiry or review; statutory guidance chapter 14 and chapter 7). Capacity is not a
    condition: an adult with capacity may still have substantial difficulty.
    """
    return substantial_difficulty and not appropriate_individual


def imca_eligible(*, lacks_capacity: bool, anyone_appropriate_to_consult: bool) -> bool:
    """Return whether an independent mental capacity advocate must be instructed (MCA 2005 ss37-39).

    An IMCA is for an adult who lacks capacity for the decision and has no one, other than paid
    carers, whom it would be appropriate to consult about their best interests.
    """
    return lacks_capacity and not anyone_appropriate_to_consult


# ---------------------------------------------------------------------------------------------
# Mental capacity
# ---------------------------------------------------------------------------------------------

CAPACITY_HAS = "HAS_CAPACITY"
CAPACITY_LACKS = "LACKS_CAPACITY"


@dataclass(frozen=True)
class FunctionalTest:
    """Stage 2 of the test (MCA 2005 s3(1)): whether the person is *able* to do each of the four."""

    understand: bool
    retain: bool
    use_or_weigh: bool
    communicate: bool

    def unable_in_any(self) -> bool:
        return not (self.understand and self.retain and self.use_or_weigh and self.communicate)


def capacity_outcome(*, impairment: bool, functional: FunctionalTest, because_of_impairment: bool) -> str:
    """Return the outcome of the two-stage test for one decision (MCA 2005 ss2-3).

    A person lacks capacity for a decision only if they are unable to make it (unable to
    understand, retain, use or weigh the information, or communicate the decision) *because of*
    an impairment of, or disturbance in the functioning of, the mind or brain. Otherwise the
    presumption of capacity (s1(2)) stands.
    """
    if impairment and functional.unable_in_any() and because_of_impairment:
        return CAPACITY_LACKS
    return CAPACITY_HAS


# ---------------------------------------------------------------------------------------------
# Deprivation of Liberty Safeguards
# ---------------------------------------------------------------------------------------------

# Statutory defaults; the numbers in use come from settings.SAFEHUB_TIMESCALES
# ("dols_urgent_days", "dols_urgent_extension_days", "dols_standard_decision_days"), read by the
# callers through safehub.core.timescales.timescale and passed in as keywords.
URGENT_DAYS = 7
URGENT_EXTENSION_DAYS = 7
STANDARD_DECISION_DAYS = 21
STANDARD_MAX_DAYS = 365


def urgent_last_day(
    granted_on: date,
    *,
    extended: bool = False,
    urgent_days: int = URGENT_DAYS,
    extension_days: int = URGENT_EXTENSION_DAYS,
) -> date:
    """Return the last day an urgent authorisation is in force (MCA 2005 Sch A1 paras 78, 84-85).

    An urgent authorisation given on day D lasts 7 days (D to D+6); the supervisory body may extend
    it once, by up to 7 days (to D+13). It is not in force on the day after its last day.
    ``urgent_days`` and ``extension_days`` are the configured numbers (statutory 7 and 7).
    """
    days = urgent_days + (extension_days if extended else 0)
    return granted_on + timedelta(days=days - 1)


def urgent_in_force(
    granted_on: date,
    day: date,
    *,
    extended: bool = False,
    urgent_days: int = URGENT_DAYS,
    extension_days: int = URGENT_EXTENSION_DAYS,
) -> bool:
    """Return whether an urgent authorisation given on ``granted_on`` is in force on ``day``."""
    last = urgent_last_day(granted_on, extended=extended, urgent_days=urgent_days, extension_days=extension_days)
    return granted_on <= day <= last


def standard_decision_due(requested_on: date, *, decision_days: int = STANDARD_DECISION_DAYS) -> date:
    """Return the last day for deciding a standard authorisation request.

    The assessments must be completed within 21 days beginning with the day the supervisory body
    received the request (DoLS Standard Authorisations Regulations 2008, reg 13; DoLS code of
    practice): day 1 is the day received, so the last day is received + 20. ``decision_days`` is
    the configured number (statutory 21).
    """
    return requested_on + timedelta(days=decision_days - 1)


def standard_valid_until(start: date, until: date) -> bool:
    """Return whether a standard authorisation's period is lawful: at most one year (Sch A1 para 42)."""
    return start <= until <= start + timedelta(days=STANDARD_MAX_DAYS - 1)


def dols_review_due(*, start: date, until: date, review_every_days: int | None = None) -> date:
    """Return when the authorisation should next be reviewed: the local interval, else before it expires.

    Schedule A1 Part 8 lets a review be requested at any time; local procedure reviews conditions
    at an interval set when the authorisation is given, and always before expiry (so a further
    authorisation can be requested in time, para 24).
    """
    if review_every_days:
        return min(start + timedelta(days=review_every_days), until)
    return max(start, until - timedelta(days=28))


def dols_authorised_on(authorised_from: date | None, authorised_until: date | None, day: date) -> bool:
    """Return whether a standard authorisation is in force on ``day``: from its first to its last day inclusive.

    It "comes into force at the time specified in it" and "ceases to be in force at the end of the
    period specified" (MCA Sch A1 paras 51-52, 62-63); the day after the last day it has expired.
    """
    if authorised_from is None or authorised_until is None:
        return False
    return authorised_from <= day <= authorised_until


def waiting_days(requested_on: date, decided_on: date | None, *, today: date) -> int:
    """Return the days a standard request waited: to its decision, or to ``today`` while undecided."""
    return ((decided_on or today) - requested_on).days


# ---------------------------------------------------------------------------------------------
# Self-neglect and hoarding
# ---------------------------------------------------------------------------------------------

CLUTTER_RATING_MIN, CLUTTER_RATING_MAX = 1, 9
CLUTTER_RATING_SERIOUS = 7  # images 7-9: local hoarding protocols treat as high risk (fire, access)


def clutter_rating_valid(rating: int | None) -> bool:
    """Return whether a clutter image rating is one of the nine images (blank is allowed)."""
    return rating is None or CLUTTER_RATING_MIN <= rating <= CLUTTER_RATING_MAX


def self_neglect_escalation_suggested(*, clutter_rating: int | None, engagement: str) -> bool:
    """Return whether the risk management route should be escalated (statutory guidance ch 14).

    Self-neglect may call for a multi-agency response whether or not the s42 duty applies; a high
    clutter rating with the adult not engaging is the usual local trigger to escalate.
    """
    return (clutter_rating or 0) >= CLUTTER_RATING_SERIOUS and engagement == "NOT_ENGAGING"


def review_overdue(review_due: date | None, *, today: date, closed: bool) -> bool:
    """Return whether a review date has passed on an open case."""
    return not closed and review_due is not None and review_due < today
