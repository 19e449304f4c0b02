"""Demo pathways: LADO referrals, private fostering, the CME/EHE register and MARAC links.

Volumes per year at scale 1 (a city of about 265,000 people). The seed report gives no LADO,
private fostering, CME or MARAC figures, so these are synthetic orders of magnitude for a city of
this size, stated here so nobody mistakes them for measurements:
- LADO: 300 referrals a year, education the largest sector;
- private fostering: 15 notifications a year (nationally a few per 100,000 people);
- children missing education: 700 a year; elective home education: 400 newly registered a year;
- MARAC: 800 referrals a year (SafeLives' planning figure is 40 per 10,000 adults), about a
  quarter repeats.
Dates come from ``pathways.rules`` (the same functions the services use), mostly on time, with a
share planted late so the measures and lists have something to show. Idempotent: skipped when
LADO cases exist.
"""

from __future__ import annotations

import random
from datetime import date, datetime, time, timedelta

from dateutil.relativedelta import relativedelta
from django.contrib.auth import get_user_model
from django.db import transaction

from safehub.agencies.models import Agency, AgencyKind, Membership
from safehub.core.calendar import UK
from safehub.demo.context import DemoContext
from safehub.pathways import rules
from safehub.pathways.models import (
    EducationRegisterEntry,
    EducationRegisterKind,
    EducationRegisterReason,
    LadoCase,
    LadoCategory,
    LadoDecision,
    LadoMeetingKind,
    LadoNamed,
    LadoOutcome,
    LadoSector,
    MaracAction,
    MaracLink,
    PfNotifier,
    PrivateFostering,
    PrivateFosteringVisit,
)
from safehub.people.models import EducationPlacement, Involvement, Person

PER_YEAR = {"lado": 300, "pf": 15, "cme": 700, "ehe": 400, "marac": 800}
MINIMUM = {"lado": 12, "pf": 4, "cme": 10, "ehe": 6, "marac": 12}

SECTORS = [  # (sector, weight, agency kind that employs them, roles)
    (
        LadoSector.EDUCATION,
        38,
        AgencyKind.SCHOOL,
        ["Teacher", "Teaching assistant", "Lunchtime supervisor", "Sports coach"],
    ),
    (LadoSector.EARLY_YEARS, 10, AgencyKind.EARLY_YEARS, ["Nursery practitioner", "Childminder", "Room leader"]),
    (LadoSector.SOCIAL_CARE, 14, AgencyKind.CARE_PROVIDER, ["Residential support worker", "Support worker"]),
    (LadoSector.FOSTER_CARE, 10, None, ["Foster carer", "Foster carer's adult son"]),
    (LadoSector.HEALTH, 7, AgencyKind.HEALTH_TRUST, ["Nurse", "Healthcare assistant", "Paediatric porter"]),
    (LadoSector.POLICE, 3, AgencyKind.POLICE, ["Police constable", "PCSO"]),
    (LadoSector.FAITH, 4, None, ["Youth leader", "Madrassa teacher", "Sunday school volunteer"]),
    (LadoSector.SPORT, 6, None, ["Football coach", "Swimming instructor", "Gym instructor"]),
    (LadoSector.VOLUNTARY, 4, AgencyKind.VOLUNTARY, ["Volunteer", "Youth worker"]),
    (LadoSector.TRANSPORT, 2, None, ["Taxi driver", "Passenger assistant"]),
    (LadoSector.OTHER, 2, None, ["Tutor", "Music teacher"]),
]
OTHER_EMPLOYERS = {
    LadoSector.FOSTER_CARE: ["Hamwic City Council fostering service", "Harbourside Fostering Agency"],
    LadoSector.FAITH: ["St Mary's Parish", "Hamwic Central Mosque", "Riverside Gurdwara"],
    LadoSector.SPORT: ["Hamwic Juniors FC", "Itchen Swimming Club", "Bargate Boxing Gym"],
    LadoSector.TRANSPORT: ["Solent Taxis (school transport contract)", "City Minibus Ltd"],
    LadoSector.OTHER: ["Self-employed tutor", "Harbour Music School"],
}
CATEGORY_WEIGHTS = [
    (LadoCategory.PHYSICAL, 40),
    (LadoCategory.SEXUAL, 18),
    (LadoCategory.EMOTIONAL, 14),
    (LadoCategory.NEGLECT, 8),
    (LadoCategory.SUITABILITY, 20),
]
OUTCOME_WEIGHTS = [
    (LadoOutcome.SUBSTANTIATED, 30),
    (LadoOutcome.UNSUBSTANTIATED, 30),
    (LadoOutcome.UNFOUNDED, 27),
    (LadoOutcome.FALSE, 9),
    (LadoOutcome.MALICIOUS, 4),
]
SUBJECT_GIVEN = ["Alex", "Sam", "Jordan", "Chris", "Jamie", "Lee", "Robin", "Kerry", "Dana", "Morgan", "Tariq", "Ewa"]
SUBJECT_FAMILY = ["Hart", "Pryce", "Lomas", "Venn", "Okoro", "Dunmore", "Halley", "Rook", "Sadiq", "Pell", "Novak"]
CME_REASONS = [
    (EducationRegisterReason.NOT_ON_ROLL, 30),
    (EducationRegisterReason.ROLL_REMOVED_UNKNOWN, 25),
    (EducationRegisterReason.ABSENT_20_DAYS, 20),
    (EducationRegisterReason.MOVED_ABROAD, 20),
    (EducationRegisterReason.EXCLUDED_NO_PROVISION, 5),
]
EHE_REASONS = [
    (EducationRegisterReason.EHE_HEALTH, 30),
    (EducationRegisterReason.EHE_PHILOSOPHICAL, 25),
    (EducationRegisterReason.EHE_DISSATISFIED, 30),
    (EducationRegisterReason.EHE_AVOID_SANCTION, 10),
    (EducationRegisterReason.OTHER, 5),
]
MARAC_ACTIONS = [
    ("WPOL", "Flag the address for an urgent response; check bail conditions"),
    ("HCH", "Health visitor to see the mother alone and review the children's health"),
    ("HCC-CSC", "Children's social care to consider a strategy discussion for the children"),
    ("HOUSE", "Housing to consider a sanctuary scheme and a management transfer"),
    ("VOL-HDAS", "Independent domestic violence adviser (IDVA) to agree a safety plan"),
    ("PROB", "Probation to review the perpetrator's licence conditions"),
]


def _pick(rng: random.Random, weighted):
    items, weights = zip(*weighted, strict=True)
    return rng.choices(items, weights=weights, k=1)[0]


def _count(ctx: DemoContext, key: str) -> int:
    return max(MINIMUM[key], round(PER_YEAR[key] * ctx.scale * ctx.years))


def _moment(rng: random.Random, day: date, start_hour: int = 9, end_hour: int = 17) -> datetime:
    return datetime.combine(day, time(rng.randrange(start_hour, end_hour), rng.randrange(60)), tzinfo=UK)


def _day_between(rng: random.Random, start: date, end: date) -> date:
    return start + timedelta(days=rng.randrange(max(1, (end - start).days)))


def _users_by_agency() -> dict[int, list]:
    out: dict[int, list] = {}
    for m in Membership.objects.select_related("user").filter(user__is_active=True).order_by("pk"):
        out.setdefault(m.agency_id, []).append(m.user)
    return out


def seed(ctx: DemoContext) -> str:
    from safehub.demo import pathways_links as demo_links

    links = demo_links.seed(ctx)
    if LadoCase.objects.exists():
        return f"already loaded; {links}"
    User = get_user_model()
    lado = User.objects.filter(username="demo.lado").first()
    csc = Agency.objects.filter(code="HCC-CSC").first()
    if lado is None or csc is None:
        return "skipped (no LADO officer or children's services in the demo)"
    with transaction.atomic():
        users = _users_by_agency()
        n_lado = _seed_lado(ctx, lado, users)
        n_pf = _seed_private_fostering(ctx, lado, csc)
        n_cme, n_ehe = _seed_education(ctx, csc, users)
        n_marac = _seed_marac(ctx, users)
    return (
        f"{n_lado} LADO referrals, {n_pf} private fostering arrangements, {n_cme} children missing education, "
        f"{n_ehe} home educated, {n_marac} MARAC referrals; {links}"
    )


def _seed_lado(ctx: DemoContext, lado, users: dict[int, list]) -> int:
    rng = ctx.rng("pathways.lado")
    by_kind: dict[str, list[Agency]] = {}
    for agency in Agency.objects.all():
        by_kind.setdefault(agency.kind, []).append(agency)
    referrers = {u.username: u for u in get_user_model().objects.filter(username__startswith="demo.")}
    today = ctx.today
    cases: list[LadoCase] = []
    for _ in range(_count(ctx, "lado")):
        sector, _w, kind, roles = rng.choices(SECTORS, weights=[s[1] for s in SECTORS], k=1)[0]
        employer = rng.choice(by_kind[kind]) if kind and by_kind.get(kind) else None
        employer_name = employer.name if employer else rng.choice(OTHER_EMPLOYERS.get(sector, ["Not known"]))
        referred_at = _moment(rng, _day_between(rng, ctx.start, today))
        # The referrer: a user of the employer if there is one, else the demo user of that sector.
        staff = users.get(employer.pk, []) if employer else []
        fallback = {
            LadoSector.EARLY_YEARS: "demo.eydsl",
            LadoSector.HEALTH: "demo.nurse",
            LadoSector.SOCIAL_CARE: "demo.provider",
            LadoSector.POLICE: "demo.police",
        }.get(sector, "demo.mash")
        referrer = staff[0] if staff else referrers.get(fallback, lado)
        due = rules.lado_initial_consideration_due(referred_at)
        considered_at = None
        if referred_at < ctx.now - timedelta(days=2) or rng.random() < 0.5:
            # Most within the working day; about one in eight planted late.
            considered_at = (
                referred_at + timedelta(hours=rng.randrange(1, 20))
                if rng.random() < 0.88
                else due + timedelta(hours=rng.randrange(2, 60))
            )
            considered_at = min(considered_at, ctx.now)
        decision = ""
        meeting_kind, meeting_at = "", None
        outcome, outcome_date, actions = "", None, []
        if considered_at:
            decision = _pick(rng, [(LadoDecision.MEETING, 45), (LadoDecision.EMPLOYER, 25), (LadoDecision.ADVICE, 30)])
            if decision == LadoDecision.MEETING:
                meeting_at = considered_at + timedelta(days=rng.randrange(1, 8))
                meeting_kind = LadoMeetingKind.STRATEGY if rng.random() < 0.4 else LadoMeetingKind.EVALUATION
                if meeting_at > ctx.now:
                    meeting_kind, meeting_at = "", None
            if decision != LadoDecision.ADVICE:
                finished = considered_at.date() + timedelta(days=rng.randrange(20, 140))
                if finished < today:
                    outcome = _pick(rng, OUTCOME_WEIGHTS)
                    outcome_date = finished
                    actions = _employer_actions(rng, outcome)
        cases.append(
            LadoCase(
                referred_at=referred_at,
                referred_by=referrer,
                referrer_agency=employer if staff else None,
                subject_name=f"{rng.choice(SUBJECT_GIVEN)} {rng.choice(SUBJECT_FAMILY)}",
                subject_role=rng.choice(roles),
                employer=employer,
                employer_name=employer_name,
                sector=sector,
                category=_pick(rng, CATEGORY_WEIGHTS),
                summary="Synthetic demo allegation.",
                initial_consideration_due_at=due,
                considered_at=considered_at,
                considered_by=lado if considered_at else None,
                decision=decision,
                decision_rationale="Considered against the harm test (synthetic)." if decision else "",
                meeting_kind=meeting_kind,
                meeting_at=meeting_at,
                outcome=outcome,
                outcome_date=outcome_date,
                employer_actions=actions,
                closed_at=_moment(rng, outcome_date) if outcome_date else None,
            )
        )
    LadoCase.objects.bulk_create(cases, batch_size=500)
    named = [
        LadoNamed(case=c, user=c.referred_by, added_by=c.referred_by, added_at=c.referred_at, why="Made the referral")
        for c in LadoCase.objects.all()
    ]
    LadoNamed.objects.bulk_create(named, batch_size=500, ignore_conflicts=True)
    return len(cases)


def _employer_actions(rng: random.Random, outcome: str) -> list[str]:
    if outcome == LadoOutcome.SUBSTANTIATED:
        return rng.choice(
            [["DISMISSED", "DBS"], ["WARNING", "SUPPORT"], ["RESIGNED", "DBS"], ["DISMISSED", "REGULATOR"]]
        )
    if outcome == LadoOutcome.UNSUBSTANTIATED:
        return rng.choice([["SUPPORT"], ["NONE"], ["WARNING"]])
    return ["NONE"]


def _people_aged(ctx: DemoContext, rng: random.Random, *, youngest: int, oldest: int, n: int) -> list[Person]:
    today = ctx.today
    born_after = today - relativedelta(years=oldest + 1)
    born_before = today - relativedelta(years=youngest)
    ids = list(
        Person.objects.filter(
            date_of_birth__gt=born_after, date_of_birth__lte=born_before, sealed=False, merged_into__isnull=True
        ).values_list("pk", flat=True)[: max(n * 20, 200)]
    )
    chosen = rng.sample(ids, min(n, len(ids)))
    return list(Person.objects.filter(pk__in=chosen))


def _seed_private_fostering(ctx: DemoContext, lado, csc: Agency) -> int:
    rng = ctx.rng("pathways.private_fostering")
    worker = get_user_model().objects.filter(username="demo.socialworker").first() or lado
    children = _people_aged(ctx, rng, youngest=6, oldest=15, n=_count(ctx, "pf"))
    visits: list[PrivateFosteringVisit] = []
    involvements: list[Involvement] = []
    for child in children:
        notified = _day_between(rng, ctx.start, ctx.today - timedelta(days=3))
        ended = None
        if rng.random() < 0.4:
            ended = min(ctx.today, notified + timedelta(days=rng.randrange(60, 400)))
        arrangement = PrivateFostering.objects.create(
            person=child,
            notified_date=notified,
            notified_by_kind=_pick(
                rng,
                [
                    (PfNotifier.SCHOOL, 40),
                    (PfNotifier.CARER, 20),
                    (PfNotifier.PARENT, 15),
                    (PfNotifier.HEALTH, 15),
                    (PfNotifier.OTHER, 10),
                ],
            ),  # fmt: skip
            carer_name=f"{rng.choice(SUBJECT_GIVEN)} {rng.choice(SUBJECT_FAMILY)}",
            carer_relationship=rng.choice(["Family friend", "Great-aunt", "Host family (language school)", "Cousin"]),
            intended_duration=rng.choice(["Until the end of the school year", "Six months", "Not known"]),
            recorded_by=worker,
            recorded_at=_moment(rng, notified),
            ended_date=ended,
            end_reason="Returned to parents" if ended else "",
        )
        # Visits on the regulations' timetable, a few days early as a rule, one in ten late.
        last_day = ended or ctx.today
        due = rules.pf_initial_visit_due(notified)
        while True:
            slack = rng.randrange(1, 8) if rng.random() < 0.9 else -rng.randrange(2, 15)
            visit = max(notified, due - timedelta(days=slack))
            if visit > last_day:
                break
            visits.append(
                PrivateFosteringVisit(
                    arrangement=arrangement,
                    visited_date=visit,
                    child_seen_alone=rng.random() < 0.85,
                    note="",
                    recorded_by=worker,
                    recorded_at=_moment(rng, visit),
                )
            )
            due = rules.pf_next_visit_due(notified_date=notified, last_visit_date=visit)
        involvements.append(
            Involvement(
                person=child,
                agency=csc,
                kind="CASE_HOLDER",
                started_at=_moment(rng, notified),
                ended_at=_moment(rng, ended) if ended else None,
                source=f"pathways.PrivateFostering:{arrangement.pk}",
            )
        )
    PrivateFosteringVisit.objects.bulk_create(visits, batch_size=500)
    Involvement.objects.bulk_create(involvements, batch_size=500)
    return len(children)


def _seed_education(ctx: DemoContext, csc: Agency, users: dict[int, list]) -> tuple[int, int]:
    rng = ctx.rng("pathways.education")
    n_cme, n_ehe = _count(ctx, "cme"), _count(ctx, "ehe")
    children = _people_aged(ctx, rng, youngest=5, oldest=15, n=n_cme + n_ehe)
    placements = {
        p.person_id: p.setting_id
        for p in EducationPlacement.objects.filter(person__in=children, ended_date__isnull=True)
    }
    settings_ = list(Agency.objects.filter(kind=AgencyKind.SCHOOL).values_list("pk", flat=True))
    la_user = get_user_model().objects.filter(username="demo.mash").first()
    entries: list[EducationRegisterEntry] = []
    for i, child in enumerate(children):
        kind = EducationRegisterKind.CME if i < n_cme else EducationRegisterKind.EHE
        reason = _pick(rng, CME_REASONS if kind == EducationRegisterKind.CME else EHE_REASONS)
        reported = _day_between(rng, ctx.start, ctx.today)
        school_id = placements.get(child.pk)
        school_users = users.get(school_id, []) if school_id else []
        restarted = None
        if kind == EducationRegisterKind.CME and rng.random() < 0.8:
            restarted = reported + timedelta(days=rng.randrange(3, 60))
        elif kind == EducationRegisterKind.EHE and rng.random() < 0.25:
            restarted = reported + timedelta(days=rng.randrange(60, 300))
        if restarted and restarted > ctx.today:
            restarted = None
        entries.append(
            EducationRegisterEntry(
                person=child,
                kind=kind,
                reason=reason,
                last_setting_id=school_id,
                reported_date=reported,
                reported_by=school_users[0] if school_users else la_user,
                reporting_agency_id=school_id if (school_id and school_users) else csc.pk,
                recorded_at=_moment(rng, reported),
                note="",
                safeguarding_concern=rng.random() < 0.08,
                education_restarted_date=restarted,
                restarted_setting_id=rng.choice(settings_) if restarted and settings_ else None,
            )
        )
    EducationRegisterEntry.objects.bulk_create(entries, batch_size=500)
    return min(n_cme, len(children)), max(0, len(children) - n_cme)


def _seed_marac(ctx: DemoContext, users: dict[int, list]) -> int:
    rng = ctx.rng("pathways.marac")
    agencies = {a.code: a for a in Agency.objects.filter(code__in=[c for c, _ in MARAC_ACTIONS])}
    referring = [
        (c, w) for c, w in [("WPOL", 60), ("VOL-HDAS", 15), ("HCH", 10), ("HCC-CSC", 10), ("HOUSE", 5)] if c in agencies
    ]
    if not referring:
        return 0
    n = _count(ctx, "marac")
    victims = _people_aged(ctx, rng, youngest=18, oldest=60, n=max(1, int(n * 0.78)))
    if not victims:
        return 0
    links: list[MaracLink] = []
    history: dict[int, list[date]] = {}
    fallback = get_user_model().objects.filter(username="demo.mash").first()
    for i in range(n):
        # About a quarter are repeat referrals of an earlier victim.
        victim = victims[i] if i < len(victims) else rng.choice(victims)
        referred = _day_between(rng, ctx.start, ctx.today)
        code = _pick(rng, referring)
        agency = agencies[code]
        judgement = i % 6 == 5  # one in six on professional judgement, half of those below 14
        score = rng.randrange(6, 14) if judgement and i % 12 == 5 else rng.randrange(14, 25)
        earlier = history.setdefault(victim.pk, [])
        meeting = referred + timedelta(days=rng.randrange(7, 22))
        links.append(
            MaracLink(
                person=victim,
                dash_score=score,
                professional_judgement=judgement,
                judgement_reason="Non-fatal strangulation and separation (synthetic)" if judgement else "",
                referred_date=referred,
                referring_agency=agency,
                recorded_by=(users.get(agency.pk) or [fallback])[0],
                recorded_at=_moment(rng, referred),
                marac_reference=f"MARAC-{referred:%y}-{i + 1:04d}",
                meeting_date=meeting if meeting <= ctx.today + timedelta(days=14) else None,
                repeat=rules.marac_is_repeat(referred, earlier),
            )
        )
        earlier.append(referred)
    MaracLink.objects.bulk_create(links, batch_size=500)
    actions: list[MaracAction] = []
    involvements: list[Involvement] = []
    for link in MaracLink.objects.select_related("referring_agency").filter(meeting_date__isnull=False):
        meeting_day: date = link.meeting_date  # type: ignore[assignment]  # filtered to non-null above
        for code, text in rng.sample(MARAC_ACTIONS, rng.randrange(2, 5)):
            if code not in agencies:
                continue
            due = meeting_day + timedelta(days=rng.randrange(3, 21))
            done = due - timedelta(days=rng.randrange(0, 5)) if due < ctx.today and rng.random() < 0.85 else None
            actions.append(
                MaracAction(
                    link=link,
                    agency=agencies[code],
                    action=text,
                    due_date=due,
                    completed_date=done,
                    recorded_by=link.recorded_by,
                    recorded_at=_moment(rng, meeting_day),
                )
            )
            involvements.append(  # as marac_action_add does: the agency may open the record
                Involvement(
                    person_id=link.person_id,
                    agency=agencies[code],
                    kind="MEETING_INVITEE",
                    started_at=_moment(rng, meeting_day),
                    source=f"pathways.MaracLink:{link.pk}",
                )
            )
    for link in MaracLink.objects.all():
        involvements.append(
            Involvement(
                person_id=link.person_id,
                agency_id=link.referring_agency_id,
                kind="PROFESSIONAL",
                started_at=link.recorded_at,
                source=f"pathways.MaracLink:{link.pk}",
            )
        )
    MaracAction.objects.bulk_create(actions, batch_size=500)
    Involvement.objects.bulk_create(involvements, batch_size=500)
    return len(links)
