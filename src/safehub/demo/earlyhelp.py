"""Demo early help: families from the front door's early help decisions, agency requests and step-downs.

Volumes at scale 1 (a city of about 265,000 people, about 55,000 children). The seed report says
the partnership launched the Family Safeguarding Model in September 2024 but publishes no early
help figures, so these are synthetic orders of magnitude, stated so nobody mistakes them for
measurements:
- about 2,400 early help episodes a year: 55% of the front door's "early help" decisions where the
  family consents, as many again a third as requests from schools, health visiting and others, and
  every social care case closed "referred to early help" (RC9) stepped down;
- the assessment completed within 30 working days in about four in five; a first team around the
  family meeting, then reviews about every six weeks; closed after 3 to 12 months;
- about one closure in ten a step up, linked to the child's next referral when there is one;
- from September 2024, adult specialists (domestic abuse, mental health, substance misuse)
  attached to about one family in eight, with their typed entries.
The early help practitioner's caseload (``demo.earlyhelp``) looks like an ordinary working day:
a few assessments due this week, a review or two overdue. Records are bulk-created (no audit rows:
nobody did anything). Idempotent: skipped when episodes exist.
"""

from __future__ import annotations

import random
from collections import defaultdict
from datetime import date, datetime, time, timedelta

from django.contrib.auth import get_user_model
from django.contrib.auth.hashers import make_password
from django.db import transaction

from safehub.agencies.models import Agency, AgencyKind, Membership, Role, Team
from safehub.casework.models import CaseEpisode
from safehub.core.calendar import UK, add_working_days
from safehub.demo.context import DEMO_PASSWORD, DemoContext
from safehub.earlyhelp import rules
from safehub.earlyhelp.models import (
    ClosureReason,
    EarlyHelpEpisode,
    EarlyHelpFamilyMember,
    EarlyHelpMeeting,
    EpisodeOrigin,
    FamilyRole,
    MeetingKind,
    Progress,
    SpecialistAttachment,
    SpecialistEntry,
    SpecialistEntryKind,
    SpecialistKind,
    StepDirection,
    StepRecord,
)
from safehub.frontdoor.models import Decision, Referral
from safehub.people.models import Involvement, Person, Relationship

CONSENT_SHARE = 0.55  # front-door early help decisions that become an early help assessment
AGENCY_REQUESTS_SHARE = 0.33  # further episodes requested directly by agencies, per front-door episode
FSM_LAUNCH = date(2024, 9, 2)
FSM_SHARE = 0.12
CASELOAD = 20
CLOSURES = [
    (ClosureReason.OUTCOMES_MET, 55),
    (ClosureReason.UNIVERSAL, 12),
    (ClosureReason.WITHDREW, 12),
    (ClosureReason.MOVED, 5),
    (ClosureReason.OTHER, 6),
    (ClosureReason.STEP_UP, 10),
]
NEEDS = [
    "School attendance has fallen and mum is struggling with routines",
    "Parental conflict; the children are anxious at school",
    "Housing insecurity and debt; the family has been evicted twice",
    "Child's behaviour at home and school; parents asking for help",
    "Young carer for a parent with poor mental health",
    "Domestic abuse in the past; mum wants support to stay safe",
    "Neglect concerns below threshold: hygiene and missed health appointments",
    "Teenager missing school and staying out late",
]
PLANS = [
    "Attendance above 90% by the review; morning routine plan with school",
    "Parenting programme (Triple P) for both parents; family time each week",
    "Housing options and debt advice; school uniform grant",
    "Young carers' support and a carer's assessment for mum",
    "Freedom programme for mum; school nurse drop-ins for the children",
]
ENTRIES = {
    SpecialistKind.DOMESTIC_ABUSE: [
        (SpecialistEntryKind.ASSESSMENT, "DASH completed with mum: standard risk"),
        (SpecialistEntryKind.SAFETY_PLAN, "Safety plan agreed, including the children's plan for the school run"),
        (SpecialistEntryKind.SESSION, "Direct work on the impact of abuse on the children"),
        (SpecialistEntryKind.GROUP_WORK, "Started the Freedom programme"),
    ],
    SpecialistKind.MENTAL_HEALTH: [
        (SpecialistEntryKind.ASSESSMENT, "Mental health assessment with dad: low mood, not in treatment"),
        (SpecialistEntryKind.SESSION, "Motivational session; agreed to see the GP"),
        (
            SpecialistEntryKind.CONSULTATION,
            "Consultation with the lead professional on how mum's anxiety affects routines",
        ),
        (SpecialistEntryKind.ONWARD, "Referred to NHS Talking Therapies"),
    ],
    SpecialistKind.SUBSTANCE_MISUSE: [
        (SpecialistEntryKind.ASSESSMENT, "Alcohol use assessment (AUDIT 18): harmful drinking"),
        (SpecialistEntryKind.TESTING, "Hair strand test agreed"),
        (SpecialistEntryKind.SESSION, "Relapse prevention session"),
        (SpecialistEntryKind.DID_NOT_ENGAGE, "Did not attend; letter and call to re-offer"),
    ],
}
STAFF = [
    # username, first, last, role, agency code, team, title
    ("demo.earlyhelp", "Rosa", "Delgado", Role.AGENCY_PRACTITIONER, "HCC-CSC", "Early help", "Early help practitioner"),
    ("demo.ehmanager", "Owen", "Baptiste", Role.SOCIAL_WORKER, "HCC-CSC", "Early help", "Early help team manager"),
    ("demo.fsm.da", "Ife", "Adebayo", Role.AGENCY_PRACTITIONER, "VOL-HDAS", "Advocacy",
     "Domestic abuse practitioner (Family Safeguarding)"),
    ("demo.fsm.mh", "Cara", "Quinn", Role.AGENCY_PRACTITIONER, "HCH", "Mental health",
     "Adult mental health practitioner (Family Safeguarding)"),
    ("demo.fsm.sm", "Marek", "Wojcik", Role.AGENCY_PRACTITIONER, "VOL-RECOVERY", "Family recovery",
     "Substance misuse practitioner (Family Safeguarding)"),
]  # fmt: skip
SPECIALIST_OF = {
    SpecialistKind.DOMESTIC_ABUSE: "demo.fsm.da",
    SpecialistKind.MENTAL_HEALTH: "demo.fsm.mh",
    SpecialistKind.SUBSTANCE_MISUSE: "demo.fsm.sm",
}


def _pick(rng: random.Random, weighted):
    items, weights = zip(*weighted, strict=True)
    return rng.choices(items, weights=weights, k=1)[0]


def _moment(rng: random.Random, day: date) -> datetime:
    return datetime.combine(day, time(rng.randrange(9, 17), rng.randrange(60)), tzinfo=UK)


def _staff() -> dict:
    """Create the early help and Family Safeguarding demo staff (and the recovery service) once."""
    recovery, _ = Agency.objects.get_or_create(
        code="VOL-RECOVERY", defaults={"name": "Hamwic Drug and Alcohol Recovery Service", "kind": AgencyKind.VOLUNTARY}
    )
    Team.objects.get_or_create(agency=recovery, name="Family recovery")
    User = get_user_model()
    password = make_password(DEMO_PASSWORD)
    users: dict[str, object] = {}
    for username, first, last, role, code, team_name, title in STAFF:
        agency = Agency.objects.filter(code=code).first()
        if agency is None:
            continue
        user, created = User.objects.get_or_create(
            username=username,
            defaults={"first_name": first, "last_name": last, "password": password, "email": f"{username}@example.org"},
        )
        if created:
            team, _ = Team.objects.get_or_create(agency=agency, name=team_name)
            Membership.objects.create(user=user, agency=agency, role=role, job_title=title, team=team)
        users[username] = user
    return users


def seed(ctx: DemoContext) -> str:
    if EarlyHelpEpisode.objects.exists():
        return "already loaded"
    csc = Agency.objects.filter(code="HCC-CSC").first()
    team = Team.objects.filter(agency=csc, name="Early help").first() if csc else None
    if csc is None or team is None:
        return "skipped (no children's services early help team in the demo)"
    with transaction.atomic():
        staff = _staff()
        n, counts = _seed(ctx, csc, team, staff)
    return (
        f"{n} early help episodes ({counts['FRONT_DOOR']} from the front door, {counts['AGENCY']} agency requests, "
        f"{counts['STEP_DOWN']} step-downs, {counts['step_up']} step-ups, {counts['specialists']} specialists)"
    )


def _candidates(ctx: DemoContext, rng: random.Random) -> list[dict]:
    """Where each episode comes from, in date order: front-door decisions, step-downs, agency requests."""
    today = ctx.today
    out: list[dict] = []
    decisions = (
        Decision.objects.filter(outcome="EARLY_HELP", contact__person__isnull=False)
        .values_list("contact_id", "contact__person_id", "decided_at", "contact__summary")
        .order_by("decided_at", "pk")
    )
    n_front = 0
    for contact_id, person_id, decided_at, summary in decisions.iterator():
        if rng.random() >= CONSENT_SHARE:
            continue
        start = add_working_days(decided_at.astimezone(UK).date(), rng.randint(3, 15))
        if start > today:
            continue
        n_front += 1
        out.append({"origin": EpisodeOrigin.FRONT_DOOR, "person_id": person_id, "start": start,
                    "contact_id": contact_id, "reason": (summary or "")[:300]})  # fmt: skip
    for case_id, person_id, closed in CaseEpisode.objects.filter(closure_reason="RC9").values_list(
        "pk", "person_id", "closure_date"
    ):
        if closed and closed <= today:
            out.append({"origin": EpisodeOrigin.STEP_DOWN, "person_id": person_id, "start": closed,
                        "case_id": case_id, "reason": "Assessment found needs that early help can meet"})  # fmt: skip
    children = list(
        Person.objects.filter(date_of_birth__gt=date(today.year - 17, 1, 1), date_of_birth__lt=ctx.start)
        .values_list("pk", flat=True)
        .order_by("pk")[:20000]
    )
    span = max(1, (today - ctx.start).days)
    for _ in range(round(n_front * AGENCY_REQUESTS_SHARE)):
        if not children:
            break
        out.append({"origin": EpisodeOrigin.AGENCY, "person_id": rng.choice(children),
                    "start": ctx.start + timedelta(days=rng.randrange(span)), "reason": rng.choice(NEEDS)})  # fmt: skip
    out.sort(key=lambda c: (c["start"], c["person_id"]))
    return out


def _seed(ctx: DemoContext, csc: Agency, team: Team, staff: dict) -> tuple[int, dict]:
    rng = ctx.rng("earlyhelp")
    today = ctx.today
    worker = staff.get("demo.earlyhelp")
    manager = staff.get("demo.ehmanager")
    schools = list(Agency.objects.filter(kind=AgencyKind.SCHOOL, is_active=True).order_by("pk"))
    settings_ = list(Agency.objects.filter(kind=AgencyKind.EARLY_YEARS, is_active=True).order_by("pk"))
    health = Agency.objects.filter(code="HCH").first()
    dsl = get_user_model().objects.filter(username="demo.dsl").select_related("membership__agency").first()
    nurse = get_user_model().objects.filter(username="demo.nurse").first()
    partners = list(Agency.objects.filter(code__in=["HCH", "HOUSE", "WPOL", "VOL-YC", "VOL-HDAS"]).order_by("pk"))
    births = dict(Person.objects.filter(date_of_birth__isnull=False).values_list("pk", "date_of_birth"))
    referrals: dict[int, list[tuple[date, int]]] = defaultdict(list)
    for pk, person_id, day in Referral.objects.values_list("pk", "person_id", "referral_date"):
        referrals[person_id].append((day, pk))
    case_of_referral = dict(CaseEpisode.objects.filter(referral__isnull=False).values_list("referral_id", "pk"))
    busy_until: dict[int, date] = {}
    episodes: list[EarlyHelpEpisode] = []
    counts = {"FRONT_DOOR": 0, "AGENCY": 0, "STEP_DOWN": 0, "step_up": 0, "specialists": 0}
    assess_days = rules.timescale("early_help_assessment_working_days")
    for c in _candidates(ctx, rng):
        person_id, start = c["person_id"], c["start"]
        born = births.get(person_id)
        if born is None or born > start or (start - born).days > 17 * 365:
            continue
        if busy_until.get(person_id, date.min) >= start:
            continue  # one open early help per child
        # The lead professional: the early help team for most, a school or health visiting for others.
        lead_user, lead_agency = None, csc
        roll = rng.random()
        age = (start - born).days // 365
        if roll < 0.55:
            lead_user = None  # held by the early help team; a practitioner is named below for some
        elif roll < 0.85 and schools:
            lead_agency = rng.choice(schools if age >= 4 or not settings_ else settings_)
            if dsl is not None and lead_agency.pk == dsl.membership.agency_id:
                lead_user = dsl
        elif health is not None:
            lead_agency, lead_user = health, nurse
        # The assessment: mostly within 30 working days, some later, recent ones still open.
        late = rng.random() < 0.2
        done = add_working_days(
            start, rng.randint(assess_days + 2, assess_days + 25) if late else rng.randint(8, assess_days)
        )
        completed = done if done <= today else None
        length = timedelta(days=rng.randint(90, 365))
        closed = start + length if start + length <= today - timedelta(days=7) else None
        reason = _pick(rng, CLOSURES) if closed else ""
        stepped_referral = None
        # A referral to social care while the family has early help is a step up (most of the time;
        # otherwise the early help carries on alongside the assessment or closed earlier).
        later = [r for r in referrals.get(person_id, []) if start < r[0] <= (closed or today)]
        if later and rng.random() < 0.85:
            (closed, stepped_referral), reason = min(later), ClosureReason.STEP_UP
        elif reason == ClosureReason.STEP_UP:
            reason = ClosureReason.OUTCOMES_MET
        if closed is not None and completed is not None and completed > closed:
            completed = closed
        if closed is not None and completed is None:
            completed = min(done, closed)
        if worker is not None and lead_agency == csc and closed is not None and rng.random() < 0.35:
            lead_user = worker  # families the practitioner worked with before
        episodes.append(
            EarlyHelpEpisode(
                person_id=person_id,
                origin=c["origin"],
                contact_id=c.get("contact_id"),
                stepped_down_from_id=c.get("case_id"),
                origin_reason=c["reason"] or rng.choice(NEEDS),
                team=team,
                lead_agency=lead_agency,
                lead_professional=lead_user,
                organisation=lead_agency.name,
                assessment_start_date=start,
                assessment_completed_date=completed,
                assessment_summary=rng.choice(NEEDS) if completed else "",
                plan_started_date=completed,
                plan_outcomes=rng.choice(PLANS) if completed else "",
                opened_by=lead_user or manager,
                opened_at=_moment(rng, start),
                closed_date=closed,
                closure_reason=reason,
                closure_note="Stepped up: risks increased despite the plan" if stepped_referral else "",
                closed_by=(lead_user or manager) if closed else None,
                stepped_up_referral_id=stepped_referral,
                stepped_up_episode_id=case_of_referral.get(stepped_referral) if stepped_referral else None,
            )
        )
        busy_until[person_id] = closed or date.max
        counts[c["origin"]] += 1
        counts["step_up"] += bool(stepped_referral)
    _working_day(episodes, worker, csc, rng)
    EarlyHelpEpisode.objects.bulk_create(episodes, batch_size=2000)
    _family_and_access(episodes, csc, rng)
    _meetings(episodes, partners, rng, today, staff)
    _steps(episodes, manager, rng)
    counts["specialists"] = _specialists(episodes, staff, rng, today)
    return len(episodes), counts


def _working_day(episodes: list[EarlyHelpEpisode], worker, csc: Agency, rng: random.Random) -> None:
    """The practitioner leads about 20 open families: a few still being assessed, the rest on a plan."""
    if worker is None:
        return
    held = [e for e in episodes if e.closed_date is None and e.lead_agency_id == csc.pk]
    assessing = [e for e in held if e.assessment_completed_date is None]
    planning = [e for e in held if e.assessment_completed_date is not None]
    n_assessing = min(len(assessing), CASELOAD // 4)
    chosen = rng.sample(assessing, n_assessing) + rng.sample(planning, min(len(planning), CASELOAD - n_assessing))
    for e in chosen:
        e.lead_professional = worker
        e.opened_by = worker


def _family_and_access(episodes: list[EarlyHelpEpisode], csc: Agency, rng: random.Random) -> None:
    by_child: dict[int, list[tuple[int, str]]] = defaultdict(list)
    ids = list({e.person_id for e in episodes})
    kinds = {"PARENT": FamilyRole.PARENT, "CARER": FamilyRole.CARER, "SIBLING": FamilyRole.SIBLING}
    for i in range(0, len(ids), 5000):
        for person_id, related_id, kind in Relationship.objects.filter(person_id__in=ids[i : i + 5000]).values_list(
            "person_id", "related_id", "kind"
        ):
            by_child[person_id].append((related_id, kinds.get(kind, FamilyRole.OTHER)))
    members, involvements = [], []
    for e in episodes:
        opened = e.opened_at or datetime.combine(e.assessment_start_date, time(12), tzinfo=UK)
        people = [e.person_id]
        for related_id, role in by_child.get(e.person_id, [])[:5]:
            members.append(EarlyHelpFamilyMember(episode=e, person_id=related_id, role=role, added_at=opened))
            people.append(related_id)
        source = f"earlyhelp.Episode:{e.pk}"
        ended = None  # as the services do: the agencies keep their legitimate relationship with the record
        for person_id in people:
            involvements.append(Involvement(person_id=person_id, agency=csc, kind="CASE_HOLDER", source=source,
                                            started_at=opened, ended_at=ended))  # fmt: skip
            if e.lead_agency_id and e.lead_agency_id != csc.pk:
                involvements.append(Involvement(person_id=person_id, agency_id=e.lead_agency_id, kind="PROFESSIONAL",
                                                source=source, started_at=opened, ended_at=ended))  # fmt: skip
    EarlyHelpFamilyMember.objects.bulk_create(members, batch_size=5000)
    Involvement.objects.bulk_create(involvements, batch_size=5000)


def _meetings(episodes: list[EarlyHelpEpisode], partners: list[Agency], rng: random.Random, today: date,
              staff: dict) -> None:  # fmt: skip
    meetings: list[EarlyHelpMeeting] = []
    attended: list[tuple[int, list[int]]] = []
    weeks = rules.timescale("early_help_review_weeks")
    for e in episodes:
        recorder = e.lead_professional or staff.get("demo.ehmanager")
        if recorder is None:
            continue
        end = e.closed_date or today
        first = add_working_days(e.assessment_start_date, rng.randint(8, 24))
        if first > end:
            continue
        meetings.append(EarlyHelpMeeting(episode=e, kind=MeetingKind.TAF, held_date=first, recorded_by=recorder,
                                         recorded_at=_moment(rng, first), note="Needs agreed with the family"))  # fmt: skip
        attended.append(
            (len(meetings) - 1, [a.pk for a in rng.sample(partners, k=min(len(partners), rng.randint(1, 3)))])
        )
        day = max(first, e.assessment_completed_date or first)
        # An ordinary working day: about one open family in eight has its review overdue.
        slipped = e.closed_date is None and rng.random() < 0.12
        while e.assessment_completed_date is not None:
            # Mostly on time; about one review in six a week or two late.
            day = day + timedelta(weeks=weeks) + timedelta(days=rng.choice([0, 0, 0, 0, 0, 7, 14]) - rng.randint(0, 6))
            if day > end or (slipped and day > end - timedelta(weeks=weeks + 2)):
                break
            meetings.append(EarlyHelpMeeting(
                episode=e, kind=MeetingKind.REVIEW, held_date=day, recorded_by=recorder, recorded_at=_moment(rng, day),
                progress=_pick(rng, [(Progress.GOOD, 50), (Progress.SOME, 38), (Progress.NONE, 12)]),
                family_attended=rng.random() < 0.85, note="Plan reviewed with the family",
            ))  # fmt: skip
    EarlyHelpMeeting.objects.bulk_create(meetings, batch_size=5000)
    through = EarlyHelpMeeting.agencies.through
    rows = [
        through(earlyhelpmeeting_id=meetings[i].pk, agency_id=agency_id)
        for i, agency_ids in attended
        for agency_id in agency_ids
    ]
    through.objects.bulk_create(rows, batch_size=5000)


def _steps(episodes: list[EarlyHelpEpisode], manager, rng: random.Random) -> None:
    if manager is None:
        return
    steps = []
    for e in episodes:
        if e.stepped_up_episode_id and e.closed_date:
            steps.append(StepRecord(direction=StepDirection.UP, person_id=e.person_id, early_help=e,
                                    case_episode_id=e.stepped_up_episode_id, step_date=e.closed_date,
                                    reasons="Risks increased despite the plan; the lead professional and the manager agreed to refer",
                                    decided_by=manager, decided_at=_moment(rng, e.closed_date)))  # fmt: skip
        if e.stepped_down_from_id:
            steps.append(StepRecord(direction=StepDirection.DOWN, person_id=e.person_id, early_help=e,
                                    case_episode_id=e.stepped_down_from_id, step_date=e.assessment_start_date,
                                    reasons=e.origin_reason, decided_by=manager,
                                    decided_at=_moment(rng, e.assessment_start_date)))  # fmt: skip
    StepRecord.objects.bulk_create(steps, batch_size=5000)


def _specialists(episodes: list[EarlyHelpEpisode], staff: dict, rng: random.Random, today: date) -> int:
    """Family Safeguarding (from its launch): adult specialists on about one family in eight."""
    family_adults: dict[int, list[int]] = defaultdict(list)
    for episode_id, person_id in EarlyHelpFamilyMember.objects.filter(
        role__in=[FamilyRole.PARENT, FamilyRole.CARER]
    ).values_list("episode_id", "person_id"):
        family_adults[episode_id].append(person_id)
    memberships = dict(
        Membership.objects.filter(user__username__in=SPECIALIST_OF.values()).values_list("user_id", "agency_id")
    )
    attachments: list[SpecialistAttachment] = []
    for e in episodes:
        live_from = max(e.assessment_start_date, FSM_LAUNCH)
        if (e.closed_date or today) <= live_from or rng.random() >= FSM_SHARE:
            continue
        kind = _pick(rng, [(SpecialistKind.DOMESTIC_ABUSE, 45), (SpecialistKind.MENTAL_HEALTH, 30),
                           (SpecialistKind.SUBSTANCE_MISUSE, 25)])  # fmt: skip
        specialist = staff.get(SPECIALIST_OF[kind])
        if specialist is None or specialist.pk not in memberships:
            continue
        adults = family_adults.get(e.pk, [])
        start = live_from + timedelta(days=rng.randint(0, 20))
        if start > (e.closed_date or today):
            continue
        attachments.append(SpecialistAttachment(
            person_id=e.person_id, early_help=e, kind=kind, specialist=specialist, agency_id=memberships[specialist.pk],
            adult_id=adults[0] if adults else None, started_date=start, ended_date=e.closed_date,
            attached_by=e.lead_professional or specialist, attached_at=_moment(rng, start),
        ))  # fmt: skip
    SpecialistAttachment.objects.bulk_create(attachments, batch_size=2000)
    entries, involvements = [], []
    for a in attachments:
        end = a.ended_date or today
        for kind, summary in ENTRIES[SpecialistKind(a.kind)][: rng.randint(1, 4)]:
            day = a.started_date + timedelta(days=rng.randint(0, max(0, (end - a.started_date).days)))
            entries.append(SpecialistEntry(attachment=a, kind=kind, entry_date=day, summary=summary,
                                           recorded_by=a.specialist, recorded_at=_moment(rng, day)))  # fmt: skip
        for person_id in [a.person_id] + ([a.adult_id] if a.adult_id else []):
            involvements.append(Involvement(person_id=person_id, agency_id=a.agency_id, kind="PROFESSIONAL",
                                            source=f"earlyhelp.Specialist:{a.pk}", started_at=a.attached_at))  # fmt: skip
    SpecialistEntry.objects.bulk_create(entries, batch_size=5000)
    Involvement.objects.bulk_create(involvements, batch_size=5000)
    return len(attachments)
