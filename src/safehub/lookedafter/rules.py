"""Children looked after: the SSDA903 codes and the statutory timescales, as pure functions.

Sources (the law and guidance of the year):
- DfE, *Children looked after return 2025 to 2026: guide* (SSDA903), and its validation rules as the
  DfE's rules are implemented by csc-validator-be-903 (ruleset ``lac2025_26``): rule numbers are
  cited where a function mirrors one.
- The Care Planning, Placement and Case Review (England) Regulations 2010: regulation 33 (review
  timetable) and regulation 7 with Schedule 1 (health assessments), and the statutory guidance
  *Promoting the health and wellbeing of looked-after children* (2015).

Everything here is Django-free: services, the demo, the 903 writer and the tests call the same
functions.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

from dateutil.relativedelta import relativedelta

from safehub.core.calendar import add_working_days

# The 903 code lists live in codes.py; re-exported so every caller reads them as rules.<NAME>.
from safehub.lookedafter.codes import (  # noqa: F401
    ACCOMMODATION,
    ACCOMMODATION_KINDS,
    ACTIVITY,
    CATEGORY_OF_NEED,
    IN_TOUCH,
    LEGAL_STATUS,
    NO_PROVIDER_PLACES,
    NO_URN_PLACES,
    OC3_NOT_APPLICABLE,
    PARTICIPATION,
    PLACE,
    PLACE_PROVIDER,
    REASON_PLACE_CHANGE,
    REC,
    RNE,
    SDQ_REASON,
    SHORT_BREAK_STATUSES,
    TEMPORARY_PLACES,
    UPN_UNKNOWN,
)


def place_needs_urn(place: str) -> bool:
    """Whether the placement must carry the provider's Ofsted URN (903 guide; validator rules 218, 222)."""
    return place not in NO_URN_PLACES


def place_takes_provider(place: str) -> bool:
    """Whether the placement has a PLACE_PROVIDER code (rules 213, 526): not temporary or 'other'."""
    return place not in NO_PROVIDER_PLACES


def reason_new_episode(*, legal_status_changed: bool, placement_changed: bool, carer_changed: bool) -> str:
    """Return the RNE of a continuation episode (903 guide, RNE; validator rules 434, 435, 436).

    L when only the legal status changes; P or T when only the placement changes (with or without a
    change of carer); U or B when both change. Nothing changing is not a new episode.
    """
    if legal_status_changed and placement_changed:
        return "U" if carer_changed else "B"
    if placement_changed:
        return "P" if carer_changed else "T"
    if legal_status_changed:
        return "L"
    raise ValueError("a new episode needs a change of placement or legal status")


class EpisodeRuleError(ValueError):
    """An episode that the 903 rules refuse; the message says which rule and why."""


@dataclass(frozen=True)
class EpisodeFacts:
    decom: date
    rne: str
    ls: str
    place: str
    place_provider: str
    urn: str
    pl_post: str
    dec: date | None = None
    rec: str = ""


def check_episode(facts: EpisodeFacts, *, date_of_birth: date | None) -> None:
    """Refuse an episode the 903 rules reject on its own (rules 143-149, 178, 213, 218, 222, 352)."""
    if facts.rne not in RNE:
        raise EpisodeRuleError(f"reason for new episode {facts.rne!r} is not a 903 code")
    if facts.ls not in LEGAL_STATUS:
        raise EpisodeRuleError(f"legal status {facts.ls!r} is not a 903 code")
    if facts.place not in PLACE:
        raise EpisodeRuleError(f"placement type {facts.place!r} is not a 903 code")
    if facts.rec and facts.rec not in REC:
        raise EpisodeRuleError(f"reason episode ceased {facts.rec!r} is not a 903 code")
    if place_takes_provider(facts.place):
        if facts.place_provider not in PLACE_PROVIDER:
            raise EpisodeRuleError(f"placement type {facts.place} needs a placement provider code (PR0-PR5)")
    elif facts.place_provider:
        raise EpisodeRuleError(f"placement type {facts.place} takes no placement provider code")
    if place_needs_urn(facts.place) and not facts.urn:
        raise EpisodeRuleError(f"placement type {facts.place} needs the provider's Ofsted URN")
    if not place_needs_urn(facts.place) and facts.urn:
        raise EpisodeRuleError(f"placement type {facts.place} takes no Ofsted URN")
    if facts.place == "P1" and facts.ls == "V2":
        raise EpisodeRuleError("a child placed with parents cannot be accommodated under section 20 (rule 378)")
    if facts.rne == "S" and facts.place in TEMPORARY_PLACES:
        raise EpisodeRuleError("a period of care cannot start with a temporary placement (rule 380)")
    if date_of_birth is not None:
        if facts.decom < date_of_birth:
            raise EpisodeRuleError("the episode cannot start before the child's date of birth")
        if facts.rne == "S" and facts.decom >= date_of_birth + relativedelta(years=18):
            raise EpisodeRuleError("a child who starts to be looked after must be under 18 (rule 352)")
    if facts.dec is not None and facts.dec < facts.decom:
        raise EpisodeRuleError("the episode cannot end before it started")


def check_continuation(previous: EpisodeFacts, nxt: EpisodeFacts) -> None:
    """Refuse a next episode that does not follow the previous one (rules 142, 433, 434-436, 501)."""
    if previous.dec is None or previous.rec != "X1":
        raise EpisodeRuleError("the previous episode must end with X1 for a new episode to begin")
    if nxt.decom != previous.dec:
        raise EpisodeRuleError("a continuation episode starts the day the previous one ended (rule 433)")
    placement_changed = (nxt.place, nxt.place_provider, nxt.urn, nxt.pl_post) != (
        previous.place,
        previous.place_provider,
        previous.urn,
        previous.pl_post,
    )
    ls_changed = nxt.ls != previous.ls
    if nxt.rne in ("P", "T") and (ls_changed or not placement_changed):
        raise EpisodeRuleError("RNE P/T means the placement changed and the legal status did not (rule 435)")
    if nxt.rne in ("U", "B") and (not ls_changed or not placement_changed):
        raise EpisodeRuleError("RNE U/B means both the placement and the legal status changed (rule 436)")
    if nxt.rne == "L" and (not ls_changed or placement_changed):
        raise EpisodeRuleError("RNE L means only the legal status changed (rule 434)")
    if nxt.rne == "S":
        raise EpisodeRuleError("a continuation episode cannot be 'started to be looked after' (rule 432)")


# --- Reviews (2010 Regulations, regulation 33) ---------------------------------------------------


def first_review_due(start: date) -> date:
    """The first review is due within 20 working days of the date the child became looked after (reg 33(1)(a))."""
    return add_working_days(start, 20)


def second_review_due(first_review: date) -> date:
    """The second review is due not more than 3 months after the first (reg 33(1)(b))."""
    return first_review + relativedelta(months=3)


def later_review_due(previous_review: date) -> date:
    """Each later review is due not more than 6 months after the previous one (reg 33(1)(c))."""
    return previous_review + relativedelta(months=6)


def next_review_due(*, start: date, held: list[date]) -> date:
    """Return the due date of the next review given the start of care and the reviews held so far."""
    if not held:
        return first_review_due(start)
    if len(held) == 1:
        return second_review_due(held[0])
    return later_review_due(held[-1])


def participation_allowed(code: str, *, age_at_review: int) -> bool:
    """PN0 is for a child under 4 at the review and only for them (903 guide, REVIEW_CODE)."""
    if code not in PARTICIPATION:
        return False
    return (code == "PN0") == (age_at_review < 4)


# --- Health (2010 Regulations, reg 7 and Schedule 1; statutory guidance 2015) --------------------


def initial_health_due(start: date) -> date:
    """The initial health assessment is due before the first review, so by the same day (reg 7(1))."""
    return first_review_due(start)


def review_health_due(*, last_assessment: date, date_of_birth: date) -> date:
    """Review health assessments: every 6 months under 5, then at least once every 12 months (Sch 1, para 2)."""
    under_five = last_assessment < date_of_birth + relativedelta(years=5)
    return last_assessment + relativedelta(months=6 if under_five else 12)


def dental_check_due(last_check: date) -> date:
    """Dental checks: at least once a year (statutory guidance 2015; 903 guide, OC2 TEETH_CHECK)."""
    return last_check + relativedelta(years=1)


def age_on(day: date, date_of_birth: date) -> int:
    """Whole years of age on a day."""
    return relativedelta(day, date_of_birth).years


def sdq_applies(*, date_of_birth: date, year_start: date, year_end: date) -> bool:
    """An SDQ score (or the reason for none) is due for a child aged 4 to 16 at some point in the year.

    903 guide, OC2 SDQ_SCORE; validator rules 186 and 197B (children who turn 4 or 17 in the year
    are in), 188 (under 4 at the year end: out) and 189 (17 or over at its start: out).
    """
    return age_on(year_end, date_of_birth) >= 4 and age_on(year_start, date_of_birth) < 17


def health_promotion_applies(*, date_of_birth: date, year_end: date) -> bool:
    """Health promotion (development checks) is collected for children under 5 at 31 March (rules 545, 546)."""
    return age_on(year_end, date_of_birth) < 5


def unknown_upn_code(*, date_of_birth: date, year_start: date) -> str:
    """UN1 (not yet of school age) when the child was under 4 on 31 August before the year's start.

    903 guide, UPN unknown codes; validator rule 209. Any other child without a UPN has no code
    that the records can honestly give, so the return reports it instead (blank).
    """
    reference = date(year_start.year - 1, 8, 31)
    return "UN1" if reference < date_of_birth + relativedelta(years=4) else ""


def convictions_apply(*, age_at_year_end: int) -> bool:
    """Convictions are asked about for children aged 10 or over at 31 March (903 guide, OC2 CONVICTED)."""
    return age_at_year_end >= 10


def looked_after_continuously(periods: list[tuple[date, date | None]], *, year_end: date) -> bool:
    """OC2 applies to a child looked after continuously for at least 12 months at 31 March (903 guide, OC2)."""
    year_ago = year_end - relativedelta(years=1) + timedelta(days=1)
    # A period ending on 31 March itself still counts, as the DfE's rules count it (validator
    # CONTINUOUSLY_LOOKED_AFTER: only a cessation before 31 March breaks the 12 months).
    return any(start <= year_ago and (end is None or end >= year_end) for start, end in periods)


# --- Care leavers (OC3) ----------------------------------------------------------------------------


def oc3_birthdays(date_of_birth: date, *, year_start: date, year_end: date) -> list[tuple[int, date]]:
    """The 17th to 21st birthdays falling in the collection year (903 guide, OC3)."""
    out = []
    for age in range(17, 22):
        birthday = date_of_birth + relativedelta(years=age)
        if year_start <= birthday <= year_end:
            out.append((age, birthday))
    return out


def oc3_eligible(*, looked_after_days_after_14: int, looked_after_on_16th_or_later: bool) -> bool:
    """OC3 covers former relevant children: 13 weeks looked after from 14, some of it at 16 or later.

    Children (Leaving Care) Act 2000 and the 903 guide's OC3 definition (13 weeks = 91 days).
    """
    return looked_after_days_after_14 >= 91 and looked_after_on_16th_or_later


def accommodation_suitable(code: str) -> bool:
    """Whether an OC3 accommodation code is the 'suitable' one of its pair (ends in 1)."""
    return code in ACCOMMODATION and code.endswith("1")


# --- Adoption and permanence (903 guide 2025-26: AD1, PlacedAdoption, PrevPerm) --------------------

PLACED_FOR_ADOPTION = frozenset({"A3", "A4", "A5", "A6"})
# A3 and A5 are with the child's current foster carers (903 AD1 FOSTER_CARE; validator rule 335).
ADOPTION_WITH_FOSTER_CARERS = frozenset({"A3", "A5"})
ADOPTED = frozenset({"E11", "E12"})
PLACEMENT_ORDER = "E1"
REASON_PLACED_CEASED = {
    "RD1": "The child's needs changed after the decision",
    "RD2": "The court did not make a placement order",
    "RD3": "Prospective adopters could not be found",
    "RD4": "Any other reason",
}
ADOPTER_SEX = {
    "M1": "Single male adopter",
    "F1": "Single female adopter",
    "MM": "Couple, both male",
    "FF": "Couple, both female",
    "MF": "Couple, male and female",
}
ADOPTER_LEGAL_STATUS = {
    "L0": "Single adopter",
    "L11": "Married couple of different genders",
    "L12": "Married couple of the same gender",
    "L2": "Civil partners",
    "L3": "Unmarried couple of different genders",
    "L4": "Unmarried couple of the same gender",
}
PREV_PERM = {
    "P1": "Adoption",
    "P2": "Special guardianship order",
    "P3": "Residence order",
    "P4": "Child arrangements order (with whom the child lives)",
    "Z1": "No previous permanence option, or not known",
}
# LA_PERM for an order made outside England (validator rule 633); otherwise a DfE LA code.
LA_PERM_OUTSIDE_ENGLAND = {"WAL": "Wales", "SCO": "Scotland", "NIR": "Northern Ireland", "NUK": "Outside the UK"}


class AdoptionRuleError(ValueError):
    """An adoption record the 903 rules refuse; the message names the rule."""


def check_adopters(*, number: int, sex: str, legal_status: str) -> None:
    """The adopters' number, genders and legal status must agree (rules 175-177, 511, 514, 517-520, 524)."""
    if number not in (1, 2):
        raise AdoptionRuleError("the number of adopters is 1 or 2 (rule 175)")
    if sex not in ADOPTER_SEX or legal_status not in ADOPTER_LEGAL_STATUS:
        raise AdoptionRuleError("the adopters' genders and legal status must be 903 codes (rules 176, 177)")
    couple = sex in ("MM", "FF", "MF")
    if couple != (number == 2):
        raise AdoptionRuleError("two adopters are a couple (MM, FF or MF), one is M1 or F1 (rule 511)")
    if (legal_status == "L0") == couple:
        raise AdoptionRuleError("a single adopter has legal status L0, and only a single adopter (rules 514, 519)")
    if legal_status in ("L3", "L11") and sex != "MF":
        raise AdoptionRuleError("a couple of different genders is MF (rules 517, 520)")
    if legal_status in ("L4", "L12") and sex not in ("MM", "FF"):
        raise AdoptionRuleError("a couple of the same gender is MM or FF (rules 518, 524)")


def check_adoption_dates(
    *,
    care_started: date,
    decision: date,
    placement_order: date | None = None,
    matched: date | None = None,
    placed: date | None = None,
    adopted: date | None = None,
    ceased: date | None = None,
) -> None:
    """The adoption dates must come in order (903 rules 1003, 333, 334, 331, 521, 522, 552, 554, 582)."""
    if decision < care_started:
        raise AdoptionRuleError("the decision cannot be before the child started to be looked after (rules 334, 1003)")
    if placement_order is not None and placement_order < decision:
        raise AdoptionRuleError("the placement order cannot come before the decision (rule 554)")
    if matched is not None and matched < decision:
        raise AdoptionRuleError("matching cannot come before the decision (rule 333)")
    if placed is not None:
        if placed < decision:
            raise AdoptionRuleError("the child cannot be placed before the decision (rules 521, 552)")
        if matched is None or matched > placed:
            raise AdoptionRuleError("the child is matched with adopters on or before being placed (rule 331)")
    if adopted is not None:
        if placed is None or adopted <= placed:
            raise AdoptionRuleError("the adoption order comes after the child was placed for adoption")
        if matched is not None and adopted == matched:
            raise AdoptionRuleError("the adoption order cannot be the day of matching (rule 582)")
    if ceased is not None and ceased < decision:
        raise AdoptionRuleError("the decision cannot be reversed before it was made (rule 522)")


# --- Care leavers (Children (Leaving Care) Act 2000; Care Leavers (England) Regulations 2010) ----

LEAVER_CATEGORY = {
    "ELIGIBLE": "Eligible: aged 16 or 17 and still looked after",
    "RELEVANT": "Relevant: aged 16 or 17, was eligible and has left care",
    "FORMER_RELEVANT": "Former relevant: aged 18 to 25, was eligible or relevant",
    "QUALIFYING": "Qualifying: looked after at or after 16 but not eligible (section 24)",
}


def leaver_category(
    *, date_of_birth: date, on: date, looked_after_now: bool, looked_after_days_after_14: int, looked_after_at_16: bool
) -> str:
    """The leaving-care category on a day (Children Act 1989 s.23A-24 and Sch 2 para 19B).

    Eligible and relevant children were looked after for 13 weeks (91 days) since 14, some of it
    at 16 or later; former relevant young people were, and are 18 to 25. Anyone else who was looked
    after at 16 or later is qualifying. Returns "" for a child outside all of these.
    """
    age = age_on(on, date_of_birth)
    was_eligible = looked_after_days_after_14 >= 91 and looked_after_at_16
    if age < 16 or age >= 25 or not looked_after_at_16:
        return ""
    if not was_eligible:
        return "QUALIFYING" if age < 21 else ""
    if age < 18:
        return "ELIGIBLE" if looked_after_now else "RELEVANT"
    return "FORMER_RELEVANT"


def pathway_plan_due(became_eligible: date) -> date:
    """The needs assessment and pathway plan: within 3 months of becoming eligible (2010 Regs, reg 42(1))."""
    return became_eligible + relativedelta(months=3)


def pathway_review_due(last: date) -> date:
    """A pathway plan is reviewed at least every 6 months (2010 Regulations, reg 44 and Care Leavers reg 7)."""
    return last + relativedelta(months=6)


def became_eligible_on(*, date_of_birth: date, periods: list[tuple[date, date | None]]) -> date | None:
    """The day a child first met the 13 weeks since 14 test with some of it at 16 or later, or None."""
    fourteen, sixteen = date_of_birth + relativedelta(years=14), date_of_birth + relativedelta(years=16)
    counted = 0
    for start, end in sorted(periods):
        begin = max(start, fourteen)
        stop = end or date.max
        if stop <= begin:
            continue
        day = begin + timedelta(days=max(0, 91 - counted))
        candidate = max(day, sixteen)
        if candidate <= stop:
            return candidate
        counted += (stop - begin).days
    return None


def add_years(day: date, years: int) -> date:
    """The same day ``years`` later (29 February becomes 28 February)."""
    return day + relativedelta(years=years)


# --- Deprivation of liberty orders (903 DoLo table, from the 2026-27 collection) ------------------

DOLO_FIRST_YEAR = 2026  # the collection year 2026-27 is the first with the DoLo table
DOLO_PLACES = frozenset({"K2", "Z12", "Z13"})  # validator rule 709


def dolo_collected(year_start: date) -> bool:
    """Whether the year's 903 collects deprivation of liberty orders (DfE 903 guide 2026-27)."""
    return year_start.year >= DOLO_FIRST_YEAR


def check_dolo(*, start: date, end: date | None, place: str, date_of_birth: date | None) -> None:
    """A DoLO runs while the child is in a children's home or an unregistered setting (rules 702, 708, 709)."""
    if place not in DOLO_PLACES:
        raise EpisodeRuleError("a deprivation of liberty order is for a child placed in K2, Z12 or Z13 (rule 709)")
    if end is not None and end < start:
        raise EpisodeRuleError("the order cannot end before it started (rule 702)")
    if date_of_birth is not None and start < date_of_birth:
        raise EpisodeRuleError("the order cannot start before the child was born (rule 708)")
