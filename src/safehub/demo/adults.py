"""Demo adult safeguarding: two years of concerns and enquiries about adults in the demo city.

Volumes and mixes are calibrated to the published figures in ``data/`` (shared/reference): about
1,500-2,000 concerns a year at scale 1, roughly 1.5 concerns per adult, about half leading to a
section 42 or other enquiry, risk types, mental capacity and Making Safeguarding Personal in the
proportions of the yearly report. Records are bulk-created (no audit rows: nobody did anything).
"""

from __future__ import annotations

import math
from datetime import UTC, date, datetime, time, timedelta

from django.contrib.auth import get_user_model
from django.db import transaction

from safehub.adults.models import (
    Enquiry,
    EnquiryRiskLocation,
    EnquiryRiskSource,
    EnquiryRiskType,
    RiskAction,
    SafeguardingConcern,
)
from safehub.adults.services import DECISION_WORKING_DAYS
from safehub.agencies.models import Agency, AgencyKind
from safehub.core import calendar
from safehub.demo.adults_pathways import seed_pathways
from safehub.demo.context import DemoContext
from safehub.people.models import Involvement, Person

SOURCE = "demo"
BATCH = 2000

# (source kind, agency code or None, weight)
SOURCES = [
    ("AGENCY", "WPOL", 15),
    ("AGENCY", "HUH", 12),
    ("AGENCY", "HCH", 8),
    ("AGENCY", "SCAS", 5),
    ("AGENCY", "GP-PORT", 3),
    ("AGENCY", "GP-BARG", 3),
    ("AGENCY", "CARE-OAK", 8),
    ("AGENCY", "CARE-SHC", 8),
    ("AGENCY", "HOUSE", 4),
    ("AGENCY", "PROB", 2),
    ("AGENCY", "VOL-HDAS", 3),
    ("AGENCY", "HCC-ASC", 12),
    ("FAMILY_OR_FRIEND", None, 10),
    ("SELF", None, 4),
    ("MEMBER_OF_PUBLIC", None, 3),
]
# Published 2023/24 concluded s42 risk types (self-neglect from 2024/25, which first reported it).
RISK_WEIGHTS = {
    "NEGLECT": 474,
    "FINANCIAL": 104,
    "PHYSICAL": 99,
    "PSYCHOLOGICAL": 77,
    "DOMESTIC": 45,
    "SELF_NEGLECT": 40,
    "SEXUAL": 20,
    "ORGANISATIONAL": 19,
    "SEXUAL_EXPLOITATION": 7,
    "DISCRIMINATORY": 4,
    "MODERN_SLAVERY": 1,
}
CAPACITY_WEIGHTS = {"YES": 101, "NO": 187, "DONT_KNOW": 145, "NOT_RECORDED": 3}
MSP_WEIGHTS = {"EXPRESSED": 246, "ASKED_NOT_EXPRESSED": 65, "NOT_ASKED": 55, "DONT_KNOW": 62, "NOT_RECORDED": 8}
ACHIEVED_WEIGHTS = {"FULLY": 60, "PARTIALLY": 32, "NOT_ACHIEVED": 8}
LOCATION_WEIGHTS = {"OWN_HOME": 45, "CARE_HOME": 30, "COMMUNITY_SERVICE": 8, "COMMUNITY": 7, "HOSPITAL": 6, "OTHER": 4}
# Care homes and hospitals by SAC SG2b sub-type. Illustrative shares (the yearly report publishes no
# split): residential care homes about three in five, acute hospitals over half, and a few "not known
# which" as older records hold. Drawn from their own generator, so the rest of the demo is unchanged.
LOCATION_SUBTYPE_WEIGHTS = {
    "CARE_HOME": {"CARE_HOME_RESIDENTIAL": 57, "CARE_HOME_NURSING": 38, "CARE_HOME": 5},
    "HOSPITAL": {"HOSPITAL_ACUTE": 55, "HOSPITAL_MENTAL_HEALTH": 32, "HOSPITAL_COMMUNITY": 9, "HOSPITAL": 4},
}
# Share of concluded enquiries ending at the adult's own request (SG2c's seventh row), among adults not
# lacking capacity: illustrative, drawn from the SAC generator like the location sub-types.
CEASED_AT_REQUEST_SHARE = 0.04
OUTCOME_WEIGHTS = {"REDUCED": 55, "REMOVED": 20, "REMAINS": 8, "NO_ACTION": 5, "NONE_IDENTIFIED": 7, "INCONCLUSIVE": 5}
# Primary support reason (SG1d) by age: older adults mostly physical support and memory and
# cognition; younger adults more often mental health and learning disability. "" = not known.
PSR_WEIGHTS_OLDER = {"PHYSICAL_PERSONAL_CARE": 45, "PHYSICAL_ACCESS_MOBILITY": 10, "MEMORY_COGNITION": 20,
                     "SENSORY_VISUAL": 2, "SENSORY_HEARING": 1, "MENTAL_HEALTH": 6, "LEARNING_DISABILITY": 1,
                     "SOCIAL_ISOLATION_OTHER": 3, "NO_SUPPORT_REASON": 6, "": 6}  # fmt: skip
PSR_WEIGHTS_YOUNGER = {"PHYSICAL_PERSONAL_CARE": 18, "PHYSICAL_ACCESS_MOBILITY": 6, "MEMORY_COGNITION": 3,
                       "SENSORY_VISUAL": 1, "SENSORY_DUAL": 1, "MENTAL_HEALTH": 28, "LEARNING_DISABILITY": 18,
                       "SOCIAL_SUBSTANCE_MISUSE": 6, "SOCIAL_ASYLUM_SEEKER": 1, "SOCIAL_ISOLATION_OTHER": 5,
                       "NO_SUPPORT_REASON": 8, "": 5}  # fmt: skip
# Autism reported on the concern (SAC SG1e), once per adult, more often with a learning disability or
# mental health support reason: illustrative shares (the yearly report publishes none). "" = none.
AUTISM_WEIGHTS_BY_PSR = {
    "LEARNING_DISABILITY": {"AUTISM": 20, "ASPERGERS": 5, "": 75},
    "MENTAL_HEALTH": {"AUTISM": 3, "ASPERGERS": 3, "": 94},
}
AUTISM_WEIGHTS_OTHER = {"AUTISM": 6, "ASPERGERS": 4, "": 990}
DECISION_WEIGHTS = {"S42": 36, "OTHER": 16, "NFA": 48}
CONSENT_WEIGHTS = {"GIVEN": 60, "UNABLE": 25, "REFUSED": 8, "NOT_SOUGHT": 7}
LAWFUL_BASES = {
    "UNABLE": "Best interests: the adult may lack capacity to decide about the risk (MCA 2005)",
    "REFUSED": "Others may be at risk from the same person (public interest)",
    "NOT_SOUGHT": "Asking would increase the risk from the person thought to cause harm",
}
WHAT_HAPPENED = {
    "NEGLECT": ("Missed medication and pressure sores not reported", "Left without food or heating for two days"),
    "FINANCIAL": ("Money withdrawn from her account by a relative", "A new 'friend' is collecting his pension"),
    "PHYSICAL": ("Unexplained bruising to the upper arms", "Pushed by a carer during personal care"),
    "PSYCHOLOGICAL": ("Shouted at and threatened by a family member", "Told she will be put in a home if she speaks"),
    "DOMESTIC": ("Partner controls her phone and money; injuries seen", "Police called to a domestic incident"),
    "SELF_NEGLECT": ("Home cluttered and unsafe, refusing help", "Not eating and declining all services"),
    "SEXUAL": ("Disclosed unwanted touching by another resident",),
    "ORGANISATIONAL": ("Several residents left in wet beds overnight", "Call bells unanswered on the night shift"),
    "SEXUAL_EXPLOITATION": ("Older men visiting the flat and giving her alcohol",),
    "DISCRIMINATORY": ("Repeated racist abuse from neighbours",),
    "MODERN_SLAVERY": ("Working unpaid for a 'landlord' who holds his passport",),
}
WHERE = {
    "OWN_HOME": "Their home",
    "CARE_HOME": "Oakfield House care home",
    "CARE_HOME_NURSING": "Oakfield House care home (nursing)",
    "CARE_HOME_RESIDENTIAL": "Oakfield House care home (residential)",
    "COMMUNITY_SERVICE": "Day centre",
    "COMMUNITY": "In the town centre",
    "HOSPITAL": "General hospital ward",
    "HOSPITAL_ACUTE": "General hospital ward",
    "HOSPITAL_MENTAL_HEALTH": "Mental health inpatient unit",
    "HOSPITAL_COMMUNITY": "Community hospital ward",
    "OTHER": "Supported housing",
}
# The synthetic register has more centenarians than a real city: 95+ weighted down (SAC: about 4% of adults).
AGE_WEIGHTS = ((18, 1.0), (65, 4.0), (75, 9.0), (85, 22.0), (95, 8.0), (100, 1.0))


def _pick(rng, weights: dict[str, int]) -> str:
    return rng.choices(list(weights), weights=list(weights.values()))[0]


def _age_weight(age: int) -> float:
    weight = 0.0
    for low, w in AGE_WEIGHTS:
        if age >= low:
            weight = w
    return weight


def _age(dob: date, on: date) -> int:
    return on.year - dob.year - ((on.month, on.day) < (dob.month, dob.day))


def _years_before(day: date, years: int) -> date:
    try:
        return day.replace(year=day.year - years)
    except ValueError:  # 29 February
        return day.replace(year=day.year - years, day=28)


def _moment(rng, day: date) -> datetime:
    return datetime.combine(day, time(rng.randint(8, 17), rng.randint(0, 59)), tzinfo=UTC)


def seed(ctx: DemoContext) -> str:
    if SafeguardingConcern.objects.filter(source_system=SOURCE).exists():
        return "already loaded"
    agencies = {a.code: a for a in Agency.objects.filter(code__in={c for _, c, _ in SOURCES if c})}
    council = Agency.objects.filter(code="HCC-ASC").first() or Agency.objects.filter(kind=AgencyKind.LA_ADULTS).first()
    if council is None:
        return "skipped: no adult social care agency"
    rng = ctx.rng("adults")
    sac_rng = ctx.rng("adults-sac")  # SAC details added later: their own draws leave the others as they were
    autism_rng = ctx.rng("adults-autism")
    today = ctx.today
    adult_cutoff = _years_before(today, 18)
    pool: list[tuple[int, date]] = []
    for person_pk, person_dob in Person.objects.filter(
        date_of_birth__lte=adult_cutoff, merged_into__isnull=True, date_of_death__isnull=True, sealed=False
    ).values_list("pk", "date_of_birth"):
        assert person_dob is not None  # filtered on date_of_birth
        pool.append((person_pk, person_dob))
    if not pool:
        return "skipped: no adults"
    days = (today - ctx.start).days
    n_concerns = max(1, round(rng.uniform(1500, 2000) * ctx.scale * days / 365))
    weights = [_age_weight(_age(dob, today)) for _, dob in pool]
    # About 2.2 concerns per adult over two years (about 1.5 within a year, as published):
    # draw the adults, then give many of them repeat concerns.
    drawn = rng.choices(range(len(pool)), weights=weights, k=math.ceil(n_concerns / 2.2 * 1.15))
    individuals = list(dict.fromkeys(drawn))[: max(1, round(n_concerns / 2.2))]
    people: list[int] = []
    for index in individuals:
        people.append(index)
        while rng.random() < 0.55:
            people.append(index)
    rng.shuffle(people)
    people = (people * (n_concerns // max(1, len(people)) + 1))[:n_concerns]
    transitions = _young_people_known_to_csc(today)
    for person_id in transitions[: max(1, round(8 * ctx.scale))]:
        people.append(-person_id)  # negative: a person id, not a pool index

    decider = get_user_model().objects.filter(username="demo.adultsmash").first()
    source_kinds, source_codes, source_weights = zip(*SOURCES, strict=True)
    concerns: list[SafeguardingConcern] = []
    plans: list[dict] = []
    psr_of: dict[int, str] = {}  # one primary support reason per adult
    autism_of: dict[int, str] = {}  # and one reported autism
    recent = today - timedelta(days=4)  # concerns of the last few days are still awaiting a decision
    latest = ctx.now - timedelta(hours=1)
    for i, index in enumerate(people):
        person_id = -index if index < 0 else pool[index][0]
        day = ctx.start + timedelta(days=rng.randrange(days))
        if day.weekday() >= 5 and rng.random() < 0.7:
            day -= timedelta(days=day.weekday() - 4)
        received_at = min(_moment(rng, day), latest)
        j = rng.choices(range(len(SOURCES)), weights=source_weights)[0]
        risk = _pick(rng, RISK_WEIGHTS)
        location = _pick(rng, LOCATION_WEIGHTS)
        sac_location = (
            _pick(sac_rng, LOCATION_SUBTYPE_WEIGHTS[location]) if location in LOCATION_SUBTYPE_WEIGHTS else location
        )
        decided_at = None
        if day < recent or rng.random() < 0.3:
            wd = rng.choices([0, 1, 2, 3, 5], weights=[25, 40, 25, 7, 3])[0]
            decided_at = datetime.combine(calendar.add_working_days(day, wd), time(15), tzinfo=UTC)
            decided_at = max(decided_at, received_at + timedelta(hours=1))
            if decided_at > latest:
                decided_at = None
        decision = _pick(rng, DECISION_WEIGHTS) if decided_at else ""
        needs, at_risk, unable = True, True, True
        if decision == "OTHER":
            needs, unable = rng.random() < 0.5, False
        elif decision == "NFA":
            needs, at_risk, unable = rng.random() < 0.6, rng.random() < 0.4, rng.random() < 0.3
        consent = _pick(rng, CONSENT_WEIGHTS)
        psr = psr_of.get(person_id)
        if psr is None:
            dob = pool[index][1] if index >= 0 else today
            psr = psr_of[person_id] = _pick(rng, PSR_WEIGHTS_OLDER if _age(dob, today) >= 65 else PSR_WEIGHTS_YOUNGER)
        autism = autism_of.get(person_id)
        if autism is None:
            autism = autism_of[person_id] = _pick(autism_rng, AUTISM_WEIGHTS_BY_PSR.get(psr, AUTISM_WEIGHTS_OTHER))
        concerns.append(
            SafeguardingConcern(
                person_id=person_id,
                council=council,
                received_at=received_at,
                decision_due_at=calendar.due_after_working_days(received_at, DECISION_WORKING_DAYS),
                source_kind=source_kinds[j],
                source_agency=agencies.get(source_codes[j]) if source_codes[j] else None,
                source_name="" if source_codes[j] else "Details held by the adult MASH",
                what_happened=rng.choice(WHAT_HAPPENED[risk]),
                where_happened=WHERE[sac_location],
                alleged_source_of_risk=rng.choice(["Son", "Partner", "Care staff", "Neighbour", "Unknown", "Lodger"]),
                immediate_actions=rng.choice(["Welfare visit the same day", "GP informed", "Police informed", ""]),
                adult_views=rng.choice(["I just want it to stop", "I don't want any fuss", "I am frightened", ""]),
                adult_wishes=rng.choice(["To stay at home", "To see my family", "To feel safe", ""]),
                consent=consent,
                primary_support_reason=psr,
                reported_autism=autism,
                lawful_basis=LAWFUL_BASES.get(consent, ""),
                has_care_and_support_needs=needs if decision else None,
                experiencing_or_at_risk=at_risk if decision else None,
                unable_to_protect_self=unable if decision else None,
                decision=decision,
                decision_rationale={
                    "S42": "All three parts of the section 42(1) test are met",
                    "OTHER": "Does not meet the s42 test; an enquiry is still proportionate",
                    "NFA": "Risk managed by existing services",
                }.get(decision, ""),
                signposting="Age UK advice line; GP review" if decision == "NFA" else "",
                decided_at=decided_at,
                decided_by=decider if decision else None,
                source_system=SOURCE,
                source_record_id=f"C{i + 1}",
            )
        )
        plans.append({"risk": risk, "location": location, "sac_location": sac_location})

    with transaction.atomic():
        SafeguardingConcern.objects.bulk_create(concerns, batch_size=BATCH)
        enquiries, plans_by_enquiry, actions = [], [], []
        recorded_where: list[tuple[set[str], set[str]] | None] = []
        for concern, plan in zip(concerns, plans, strict=True):
            if concern.decision in ("S42", "OTHER"):
                assert concern.decided_at is not None  # only a decided concern has a decision
                enquiry, where = _enquiry(rng, concern, plan, today, agencies, sac_rng=sac_rng)
                enquiries.append(enquiry)
                recorded_where.append(where)
                plans_by_enquiry.append(plan)
                if rng.random() < 0.3:
                    actions.append(
                        RiskAction(
                            concern=concern,
                            description=rng.choice(["Daily welfare calls", "Safeguarding plan review", "Bank alerted"]),
                            owner=rng.choice(["Adult safeguarding team", "Solent Home Care", "Wessex Constabulary"]),
                            due_date=calendar.uk_date(concern.decided_at) + timedelta(days=rng.randint(3, 21)),
                            recorded_at=concern.decided_at,
                        )
                    )
        Enquiry.objects.bulk_create(enquiries, batch_size=BATCH)
        risk_rows, location_rows, source_rows = [], [], []
        for enquiry, plan, where in zip(enquiries, plans_by_enquiry, recorded_where, strict=True):
            types = {plan["risk"]}
            while rng.random() < 0.3:
                types.add(_pick(rng, RISK_WEIGHTS))
            if where is not None:
                locations, sources = where
                risk_rows += [EnquiryRiskType(enquiry=enquiry, risk_type=t) for t in sorted(types)]
                location_rows += [EnquiryRiskLocation(enquiry=enquiry, location=code) for code in sorted(locations)]
                source_rows += [EnquiryRiskSource(enquiry=enquiry, source=code) for code in sorted(sources)]
        EnquiryRiskType.objects.bulk_create(risk_rows, batch_size=BATCH)
        EnquiryRiskLocation.objects.bulk_create(location_rows, batch_size=BATCH)
        EnquiryRiskSource.objects.bulk_create(source_rows, batch_size=BATCH)
        RiskAction.objects.bulk_create(actions, batch_size=BATCH)
        Involvement.objects.bulk_create(_involvements(concerns, enquiries, council), batch_size=BATCH)
        social_worker = get_user_model().objects.filter(username="demo.adults").first() or decider
        older_people = [pk for pk, dob in pool if _age(dob, today) >= 75]
        pathways = seed_pathways(
            ctx.rng("adults-mca"), today=today, now=ctx.now, council=council, enquiries=enquiries, user=social_worker,
            older_people=older_people, scale=ctx.scale,
        )  # fmt: skip
    return (
        f"{len(concerns):,} adult concerns, {len(enquiries):,} enquiries "
        f"({sum(e.kind == 'S42' for e in enquiries):,} s42), {len(risk_rows):,} risk types; {pathways}"
    )


def _enquiry(
    rng, concern: SafeguardingConcern, plan: dict, today: date, agencies: dict, *, sac_rng
) -> tuple[Enquiry, tuple[set[str], set[str]] | None]:
    """Return the enquiry and, where its risk is recorded, its locations and sources of risk."""
    assert concern.decided_at is not None  # enquiries follow decided concerns
    started = min(calendar.uk_date(concern.decided_at) + timedelta(days=rng.choice([0, 0, 1, 2])), today)
    location = plan["location"]
    source = (
        "SERVICE_PROVIDER"
        if location in ("CARE_HOME", "COMMUNITY_SERVICE", "HOSPITAL")
        else ("KNOWN" if rng.random() < 0.85 else "UNKNOWN")
    )
    if plan["risk"] in ("ORGANISATIONAL",):
        source = "SERVICE_PROVIDER"
    carried_out_by = None
    if location == "CARE_HOME" and rng.random() < 0.45:
        carried_out_by = agencies.get("CARE-OAK")
    elif location == "OWN_HOME" and source == "SERVICE_PROVIDER" or (location == "OWN_HOME" and rng.random() < 0.1):
        carried_out_by = agencies.get("CARE-SHC")
    duration = int(min(300, rng.lognormvariate(math.log(55), 0.6)))
    concluded = started + timedelta(days=duration)
    is_open = concluded > today
    capacity = _pick(rng, CAPACITY_WEIGHTS)
    msp = _pick(rng, MSP_WEIGHTS)
    outcome = _pick(rng, OUTCOME_WEIGHTS)
    enquiry = Enquiry(
        concern=concern,
        person_id=concern.person_id,
        kind=concern.decision,
        council=concern.council,
        carried_out_by=carried_out_by,
        started_date=started,
        planning_date=min(started + timedelta(days=rng.randint(0, 5)), today),
        lacked_capacity=capacity,
        # Support is recorded for any adult; those lacking capacity are supported more often.
        advocate_support=(rng.random() < 0.8) if capacity == "YES" else (rng.random() < 0.25),
        desired_outcomes_asked=msp,
        desired_outcomes=concern.adult_wishes if msp == "EXPRESSED" else "",
        interpreter_used=rng.random() < 0.03,
        heard_away_from_family=rng.choices([True, False, None], weights=[70, 20, 10])[0],
        source_system=SOURCE,
        source_record_id=f"E{concern.source_record_id[1:]}",
    )
    # An open enquiry has its risk recorded only part of the time; a concluded one is complete.
    where = None
    if not is_open or rng.random() < 0.5:
        # A few enquiries find risk in two places or from two kinds of source (SAC SG2 counts each).
        locations, sources = {plan["sac_location"]}, {source}
        if rng.random() < 0.08:
            locations.add("COMMUNITY")
        if rng.random() < 0.06:
            sources.add("KNOWN" if source != "KNOWN" else "UNKNOWN")
        where = (locations, sources)
    if not is_open:
        enquiry.concluded_date = concluded
        enquiry.risk_outcome = outcome
        enquiry.action_taken = outcome not in ("NO_ACTION",) and (
            outcome not in ("NONE_IDENTIFIED", "INCONCLUSIVE") or rng.random() < 0.5
        )
        enquiry.action_summary = "Safeguarding plan agreed with the adult" if enquiry.action_taken else ""
        if capacity != "YES" and sac_rng.random() < CEASED_AT_REQUEST_SHARE:
            enquiry.risk_outcome, enquiry.action_taken, enquiry.action_summary = "CEASED_AT_REQUEST", False, ""
        if msp == "EXPRESSED":
            enquiry.outcomes_achieved = _pick(rng, ACHIEVED_WEIGHTS)
    return enquiry, where


def _involvements(concerns, enquiries, council) -> list[Involvement]:
    rows: dict[tuple[int, int, str], Involvement] = {}
    for c in concerns:
        for agency_id, kind in ((council.pk, "CASE_HOLDER"), (c.source_agency_id, "REFERRER")):
            if agency_id and (c.person_id, agency_id, kind) not in rows:
                rows[(c.person_id, agency_id, kind)] = Involvement(
                    person_id=c.person_id,
                    agency_id=agency_id,
                    kind=kind,
                    started_at=c.received_at,
                    source="adults.demo",
                )
    out = list(rows.values())
    for e in enquiries:
        if e.carried_out_by_id:
            out.append(
                Involvement(
                    person_id=e.person_id,
                    agency_id=e.carried_out_by_id,
                    kind="ENQUIRY",
                    started_at=datetime.combine(e.started_date, time(9), tzinfo=UTC),
                    source=f"adults.Enquiry:{e.pk}",
                )
            )
    return out


def _young_people_known_to_csc(today: date) -> list[int]:
    """Return ids of 18-25 year olds already known to children's services (for the transitions view)."""
    oldest, youngest = _years_before(today, 26), _years_before(today, 18)
    return list(
        Person.objects.filter(
            date_of_birth__gt=oldest,
            date_of_birth__lte=youngest,
            involvements__agency__kind=AgencyKind.LA_CHILDREN,
        )
        .distinct()
        .order_by("pk")
        .values_list("pk", flat=True)[:50]
    )
