"""Two years of front-door work for the demo city, calibrated to the partnership's published figures
(about 21,500 contacts a year, 12% progressing to referral, a fifth of referrals re-referrals)."""

from __future__ import annotations

import bisect
import math
import uuid
from datetime import date, datetime, time, timedelta

from django.conf import settings
from django.db import transaction

from safehub.agencies.models import Agency, AgencyKind
from safehub.core.bulk import bulk_insert
from safehub.core.calendar import UK, next_school_day_start, same_date_one_year_earlier
from safehub.demo.context import DemoContext
from safehub.frontdoor.models import (
    Consultation,
    Contact,
    ContactStatus,
    Decision,
    EducationNotification,
    InformationRequest,
    LateFlag,
    OutcomeShare,
    RagRating,
    Referral,
)
from safehub.frontdoor.rules import contact_decision_due_for_grade
from safehub.frontdoor.services import decision_due
from safehub.people.models import Address, EducationPlacement, Involvement, Person

CONTACTS_PER_YEAR = 21_500
CHUNK = 50_000
# (source code, share, agency kind the referrer comes from)
SOURCES = [
    ("6", 0.30, AgencyKind.POLICE),
    ("2A", 0.19, AgencyKind.SCHOOL),
    ("2B", 0.03, AgencyKind.EARLY_YEARS),
    ("3E", 0.05, AgencyKind.HEALTH_TRUST),
    ("3B", 0.04, AgencyKind.HEALTH_TRUST),
    ("3A", 0.03, AgencyKind.GP),
    ("3F", 0.04, AgencyKind.HEALTH_TRUST),
    ("1A", 0.07, None),
    ("1C", 0.01, None),
    ("1D", 0.02, None),
    ("4", 0.03, AgencyKind.HOUSING),
    ("5A", 0.06, None),
    ("5D", 0.04, None),
    ("7", 0.04, AgencyKind.PROBATION),
    ("8", 0.03, AgencyKind.VOLUNTARY),
    ("9", 0.02, None),
]
OUTCOMES = [
    ("NFA", 0.24),
    ("INFORMATION_ADVICE", 0.31),
    ("EARLY_HELP", 0.21),
    ("CIN_REFERRAL", 0.085),
    ("STRATEGY_DISCUSSION", 0.02),
    ("OTHER_AGENCY", 0.135),
]
CONCERNS = [
    "3A",
    "3B",
    "16A",
    "17A",
    "18B",
    "19B",
    "4B",
    "2B",
    "1B",
    "10A",
    "11A",
    "22A",
    "14A",
    "15A",
    "4A",
    "6A",
    "5A",
    "7A",
    "21",
    "24A",
]
CONCERN_WEIGHTS = [12, 10, 14, 9, 8, 3, 8, 5, 4, 4, 2, 2, 3, 3, 4, 1, 1, 1, 0.5, 4]
VOICES = [
    "Said they felt scared when mum and her partner argue.",
    "Told the teacher they had not eaten since yesterday.",
    "Did not want to go home; said 'it's loud at night'.",
    "Quiet and withdrawn; would not talk about the bruise.",
    "Said they look after their little brother when mum is poorly.",
    "Said 'I just want it to stop'.",
    "Pre-verbal: observed to be unkempt and hungry.",
    "Said they were fine and did not want any fuss.",
]
SUMMARIES = {
    "6": "Police attended a report of a domestic incident at the home address; children present.",
    "2A": "School concerned about the child's presentation and repeated absence.",
    "3E": "Child brought to the emergency department with an injury; explanation inconsistent.",
}


def _weighted(rng, pairs):
    return rng.choices([p[0] for p in pairs], weights=[p[1] for p in pairs])[0]


def _aware(day: date, hour: float) -> datetime:
    return datetime.combine(day, time(int(hour) % 24, int((hour % 1) * 60)), tzinfo=UK)


def seed(ctx: DemoContext) -> str:
    if Contact.objects.exists():
        return "already loaded"
    rng = ctx.rng("frontdoor")
    grade_rng = ctx.rng("frontdoor-ppn-grades")  # its own stream: the rest of the city is unchanged
    today = ctx.today
    start = ctx.start
    days = (today - start).days
    total = int(CONTACTS_PER_YEAR * ctx.cache.get("contacts_scale", ctx.scale) * days / 365)
    children: list[tuple[int, str, str, date, str, str]] = []
    for row_pk, row_given, row_family, row_dob, row_sex, row_ethnicity in Person.objects.filter(
        date_of_birth__gt=today - timedelta(days=18 * 365 + 4)
    ).values_list("pk", "given_name", "family_name", "date_of_birth", "sex", "ethnicity"):
        assert row_dob is not None  # filtered on date_of_birth
        children.append((row_pk, row_given, row_family, row_dob, row_sex, row_ethnicity))
    if not children:
        return "no children in the register"
    postcodes = dict(
        Address.objects.filter(person_id__in=[c[0] for c in children], ended_date__isnull=True).values_list(
            "person_id", "postcode"
        )
    )
    placements: dict[int, list[int]] = {}
    for pid, setting in EducationPlacement.objects.filter(ended_date__isnull=True).values_list(
        "person_id", "setting_id"
    ):
        placements.setdefault(pid, []).append(setting)
    agencies_by_kind: dict[str, list[Agency]] = {}
    for agency in Agency.objects.all():
        agencies_by_kind.setdefault(agency.kind, []).append(agency)
    csc = agencies_by_kind[AgencyKind.LA_CHILDREN][0]
    icb = next(a for a in agencies_by_kind[AgencyKind.ICB])
    from django.contrib.auth import get_user_model

    users = {u.username: u for u in get_user_model().objects.filter(username__startswith="demo.")}
    worker, manager = users["demo.mash"], users["demo.mashmanager"]
    navigator = users["demo.navigator"]
    limit = settings.SAFEHUB_TIMESCALES["police_high_risk_limit_hours"]
    # A core of children come back again and again (re-referrals, repeat police call-outs).
    children.sort(key=lambda c: c[3])
    dobs = [c[3] for c in children]
    frequent = rng.sample(children, k=min(len(children), max(50, total // 25)))

    def draw_day() -> date:
        # Volumes dip in August and at Christmas.
        day = start + timedelta(days=rng.randrange(days))
        if day.month == 8 and rng.random() < 0.35 or (day.month == 12 and day.day > 22 and rng.random() < 0.5):
            day = start + timedelta(days=rng.randrange(days))
        return day

    all_days = sorted(draw_day() for _ in range(total))
    last_referral: dict[int, date] = {}
    now = ctx.now
    totals = {"contacts": 0, "referrals": 0, "requests": 0, "notifications": 0}
    # Chunks keep memory flat at benchmark scale (millions of contacts); time order is kept across them.
    for chunk_start in range(0, total, CHUNK):
        contacts, meta = [], []
        for day in all_days[chunk_start : chunk_start + CHUNK]:
            hour = rng.triangular(7, 23, 13) if day.weekday() < 5 else rng.uniform(0, 24)
            received = _aware(day, hour)
            # Only children already born on the day of the contact (unborn babies have their own plans).
            born = bisect.bisect_right(dobs, day)
            if born == 0:
                continue
            child = rng.choice(frequent) if rng.random() < 0.45 else children[rng.randrange(born)]
            if child[3] > day:
                child = children[rng.randrange(born)]
            source = _weighted(rng, [(s, w) for s, w, _ in SOURCES])
            kind = next(k for s, _, k in SOURCES if s == source)
            referrer = rng.choice(agencies_by_kind[kind]) if kind and agencies_by_kind.get(kind) else None
            progress = (received.date() - start).days / max(days, 1)  # recording improves over the two years
            police = source == "6"
            high_risk = police and rng.random() < 0.16
            delay_hours = math.exp(rng.gauss(2.3, 1.0)) if police else 0  # median about 10 hours; a long tail
            incident = received - timedelta(hours=delay_hours) if police else None
            concerns = sorted(set(rng.choices(CONCERNS, weights=CONCERN_WEIGHTS, k=rng.choice([1, 1, 2, 3]))))
            da = police and ("3A" in concerns or "3B" in concerns or rng.random() < 0.45)
            if da and "3B" not in concerns:
                concerns.append("3B")
            voice = rng.random() < 0.55 + 0.3 * progress
            ethnicity = child[5] if rng.random() < 0.7 + 0.25 * progress else "NOBT"
            urgency = (
                "IMMEDIATE" if high_risk and rng.random() < 0.3 else ("SAME_DAY" if rng.random() < 0.15 else "STANDARD")
            )
            pid, given, family, dob, sex, _eth = child
            contacts.append(
                Contact(
                    family_ref=uuid.uuid4(),
                    person_id=pid,
                    child_given_name=given,
                    child_family_name=family,
                    child_date_of_birth=dob,
                    child_sex=sex,
                    child_postcode=postcodes.get(pid, ""),
                    ethnicity=ethnicity,
                    child_voice=rng.choice(VOICES) if voice else "",
                    voice_not_recorded_reason=""
                    if voice
                    else rng.choice(
                        ["Child not seen", "Asleep when police attended", "Referrer did not speak to the child"]
                    ),
                    source=source,
                    referrer_agency=referrer,
                    referrer_name=rng.choice(
                        ["A. Patel", "J. Hughes", "S. O'Neill", "K. Mensah", "L. Nowak", "R. Ahmed"]
                    ),
                    referrer_role={"6": "Police constable", "2A": "Designated safeguarding lead"}.get(
                        source, "Practitioner"
                    ),
                    received_at=received,
                    presenting_concerns=concerns,
                    summary=SUMMARIES.get(source, "Worries about the child's safety and wellbeing at home."),
                    consent="GIVEN" if rng.random() < 0.6 else "NOT_SOUGHT",
                    lawful_basis="" if rng.random() < 0.6 else "SAFEGUARDING",
                    urgency=urgency,
                    police_reference=f"44{rng.randrange(10**8):08d}" if police else "",
                    incident_recorded_at=incident,
                    high_risk=high_risk,
                    domestic_abuse_incident=da,
                    police_limit_hours=limit if high_risk else None,
                    decision_due_at=decision_due(received, urgency),
                    created_by=worker,
                )
            )
            meta.append({"days_old": (today - day).days})
        for c in contacts:  # the constraint: no consent means a lawful basis is recorded
            if c.consent != "GIVEN" and not c.lawful_basis:
                c.lawful_basis = "SAFEGUARDING"
            if c.consent == "GIVEN":
                c.lawful_basis = ""
        contacts.sort(key=lambda c: c.received_at)
        with transaction.atomic():
            rags, decisions, requests, referrals, shares, notifications, flags, involvements = (
                [],
                [],
                [],
                [],
                [],
                [],
                [],
                [],
            )
            for c in contacts:
                age_hours = (now - c.received_at).total_seconds() / 3600
                rating = rng.choices(["RED", "AMBER", "GREEN"], weights=[12, 38, 50])[0]
                if age_hours > 2:
                    rags.append(
                        RagRating(
                            contact=c,
                            rating=rating,
                            rationale="Initial screening",
                            rated_by=worker,
                            rated_at=c.received_at + timedelta(hours=min(age_hours / 2, 1.5)),
                        )
                    )
                    c.current_rag = rating
                if c.source == "6":
                    _grade_ppn(c, rating if age_hours > 2 else "", grade_rng)
                    # A red PPN (either grade) is decided the same day: the rule the service applies.
                    c.decision_due_at = contact_decision_due_for_grade(
                        received_at=c.received_at,
                        usual_due=c.decision_due_at,
                        from_police=True,
                        police_grade=c.police_grade,
                        mash_rag=c.current_rag,
                    )
                if rng.random() < 0.24 and age_hours > 1:
                    asked = c.received_at + timedelta(hours=rng.uniform(0.5, 3))
                    urgent = rating == "RED"
                    due = (
                        asked + timedelta(hours=4)
                        if urgent
                        else datetime.combine(
                            (asked.astimezone(UK) + timedelta(days=1 if asked.weekday() < 4 else 3)).date(),
                            time(23, 59),
                            tzinfo=UK,
                        )
                    )
                    roll = rng.random()
                    answered = None
                    if roll < 0.8 - 0.15 * (c.received_at.month in (1, 2, 3)):  # winter pressure on the navigator
                        answered = asked + (due - asked) * rng.uniform(0.1, 0.95)
                    elif roll < 0.95:
                        answered = due + timedelta(hours=rng.uniform(1, 40))
                    elif now - asked > timedelta(days=3):
                        # The last few are chased and answered days late: a navigator's queue holds
                        # this week's requests, not two years of unanswered ones.
                        answered = due + timedelta(hours=rng.uniform(40, 120))
                    if answered and answered > now:
                        answered = None
                    requests.append(
                        InformationRequest(
                            contact=c,
                            agency=icb,
                            question="Is the child or family known to health services? Any concerns?",
                            urgency="URGENT" if urgent else "STANDARD",
                            requested_by=worker,
                            requested_at=asked,
                            due_at=due,
                            answer="Known to health visiting; missed two appointments." if answered else "",
                            answered_by=navigator if answered else None,
                            answered_at=answered,
                        )
                    )
                if age_hours < rng.uniform(2, 60):
                    c.status = ContactStatus.TRIAGE if c.current_rag else ContactStatus.DRAFT_MATCH
                    continue
                decided_at = min(c.decision_due_at - timedelta(hours=rng.uniform(-6, 20)), now - timedelta(minutes=30))
                decided_at = max(decided_at, c.received_at + timedelta(minutes=20))
                outcome = _weighted(rng, OUTCOMES)
                if c.high_risk and rng.random() < 0.5:
                    outcome = "STRATEGY_DISCUSSION"
                decisions.append(
                    Decision(
                        contact=c,
                        outcome=outcome,
                        rationale="Threshold considered against the partnership's levels of need.",
                        decided_by=worker,
                        decided_at=decided_at,
                        signed_off_by=manager,
                        signed_off_at=decided_at + timedelta(minutes=45),
                    )
                )
                c.status = ContactStatus.CLOSED
                if outcome in ("CIN_REFERRAL", "STRATEGY_DISCUSSION"):
                    assert c.person_id is not None  # every demo contact names its child
                    ref_date = c.received_at.astimezone(UK).date()
                    previous = last_referral.get(c.person_id)
                    is_re = previous is not None and same_date_one_year_earlier(ref_date) <= previous < ref_date
                    referrals.append(
                        Referral(
                            person_id=c.person_id,
                            contact=c,
                            referral_date=ref_date,
                            source=c.source,
                            is_re_referral=is_re,
                            nfa=rng.random() < 0.18,
                        )
                    )
                    last_referral[c.person_id] = ref_date
                    involvements.append(
                        Involvement(
                            person_id=c.person_id,
                            agency=csc,
                            kind="CASE_HOLDER",
                            started_at=c.received_at,
                            source="demo",
                        )
                    )
                if c.referrer_agency_id:
                    read = decided_at + timedelta(hours=rng.uniform(1, 72)) if rng.random() < 0.75 else None
                    shares.append(
                        OutcomeShare(
                            contact=c,
                            agency_id=c.referrer_agency_id,
                            shared_at=decided_at,
                            read_at=read if read and read < now else None,
                        )
                    )
                if (
                    c.high_risk
                    and c.incident_recorded_at
                    and c.police_limit_hours is not None  # set for every high-risk demo contact
                    and (c.received_at - c.incident_recorded_at).total_seconds() > c.police_limit_hours * 3600
                    and rng.random() < 0.4
                ):
                    flags.append(
                        LateFlag(
                            contact=c,
                            raised_by=worker,
                            agency=csc,
                            raised_at=decided_at,
                            reason="Received after the agreed 24-hour limit; delayed the strategy discussion.",
                        )
                    )
            for c in contacts:
                if c.domestic_abuse_incident and c.incident_recorded_at:
                    assert c.person_id is not None  # every demo contact names its child
                    due = next_school_day_start(c.incident_recorded_at)
                    for setting in placements.get(c.person_id, []):
                        delivered = c.received_at + timedelta(minutes=rng.uniform(5, 90))
                        if rng.random() < 0.08:
                            delivered = due + timedelta(hours=rng.uniform(1, 30))
                        delivered = min(delivered, now)
                        ack = delivered + timedelta(hours=rng.uniform(0.2, 6)) if rng.random() < 0.9 else None
                        notifications.append(
                            EducationNotification(
                                contact=c,
                                person_id=c.person_id,
                                setting_id=setting,
                                incident_at=c.incident_recorded_at,
                                due_at=due,
                                delivered_at=delivered,
                                acknowledged_at=ack if ack and ack < now else None,
                                summary="Police attended a domestic abuse incident at the child's home. Please offer support.",
                            )
                        )
            bulk_insert(Contact, contacts)  # after triage, so status and RAG go in with the row
            ctx.say("front door: contacts saved")
            bulk_insert(RagRating, rags)
            bulk_insert(InformationRequest, requests)
            bulk_insert(Decision, decisions)
            bulk_insert(Referral, referrals)
            bulk_insert(OutcomeShare, shares)
            bulk_insert(EducationNotification, notifications)
            bulk_insert(LateFlag, flags)
            bulk_insert(Involvement, involvements)
            totals["contacts"] += len(contacts)
            totals["referrals"] += len(referrals)
            totals["requests"] += len(requests)
            totals["notifications"] += len(notifications)
        ctx.say(f"front door: {totals['contacts']:,} contacts")
    with transaction.atomic():
        consultations = []
        for _ in range(int(1500 * ctx.scale * days / 365)):
            asked = _aware(start + timedelta(days=rng.randrange(days)), rng.uniform(8, 17))
            became = rng.random() < 0.3
            consultations.append(
                Consultation(
                    asked_by_name=rng.choice(
                        ["Head of year", "Health visitor", "Nursery manager", "GP", "Youth worker"]
                    ),
                    asked_at=asked,
                    child_description=f"{rng.choice('ABCDEFGHJKLMNPRST')}{rng.choice('ABCDEFGHJKLMNPRST')}, "
                    f"aged {rng.randrange(0, 17)}",
                    question="Worried about a child's home situation; should I refer?",
                    advice="Talk to the family first; refer if the worry remains."
                    if not became
                    else "Please make a contact today.",
                    advised_by=worker,
                    advised_at=asked + timedelta(minutes=20),
                    recorded_by=worker,
                )
            )
        bulk_insert(Consultation, consultations)
    return (
        f"{totals['contacts']:,} contacts, {totals['referrals']:,} referrals, "
        f"{totals['requests']:,} information requests, {totals['notifications']:,} education notifications, "
        f"{len(consultations):,} consultations"
    )


# Police units raising PPNs, and how often each grades a notice one step below what the MASH finds
# (response officers at a domestic incident under-grade most often; the public protection unit least).
PPN_UNITS = {
    "Response and patrol": 0.22,
    "Neighbourhood policing": 0.16,
    "Public protection unit": 0.06,
    "Missing and exploitation team": 0.09,
    "CID": 0.12,
}
_LOWER = {"RED": "AMBER", "AMBER": "GREEN", "GREEN": "BLUE"}
_RATIONALES = {
    "RED": "Children present during a serious assault; suspect not in custody.",
    "AMBER": "Repeat incident at the address; children upstairs, not spoken to.",
    "GREEN": "Verbal argument only; children asleep and safe; parents cooperative.",
    "BLUE": "Information only: no safeguarding concern identified by the officer.",
}


def _grade_ppn(contact, mash_rating: str, rng) -> None:
    """Give a police contact its officer's BRAG grade, the unit, and a rationale."""
    unit = rng.choices(list(PPN_UNITS), weights=[40, 20, 20, 10, 10])[0]
    basis = mash_rating or ("RED" if contact.high_risk else rng.choice(["AMBER", "GREEN"]))
    grade = basis
    roll = rng.random()
    if roll < PPN_UNITS[unit] and basis in _LOWER:
        grade = _LOWER[basis]  # the risk the officer did not see
    elif roll > 0.95 and basis == "AMBER":
        grade = "RED"  # over-graded: the MASH found it less serious
    if contact.high_risk:
        grade = "RED" if grade != "AMBER" or roll >= PPN_UNITS[unit] else grade
    contact.police_grade = grade
    contact.police_unit = unit
    contact.police_grade_rationale = _RATIONALES[grade]
