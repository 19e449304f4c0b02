"""Demo for the front-door links: setting rolls, health visiting notices, CP-IS attendances, missing strategy.

Volumes at scale 1 (a city of about 265,000 people), synthetic orders of magnitude stated so nobody
mistakes them for measurements:
- rolls: every school uploads its roll each term it is asked (the latest upload is kept here, one
  per setting); about 80% of early-years settings have uploaded one (the inspection found early
  years missed notifications), so the rest stay unknown. In each roll about 1.5% of rows are
  uncertain matches sent to review (a third of them still waiting) and about 3% are not known.
- health visiting: every police domestic abuse notification for a child under 5 with no known
  setting (computed from the contacts the front-door demo made, as the service would have).
- CP-IS: about 0.35 unscheduled care attendances a year per flagged child (children's emergency
  department attendance runs at roughly 300 to 400 per 1,000 children a year), mostly at the
  emergency department; the social worker has seen all but the last day's.
- missing: each high-risk missing episode prompts a strategy discussion within a day or two;
  the last fortnight's are partly still waiting.
Idempotent: skipped when roll uploads exist.
"""

from __future__ import annotations

from datetime import date, datetime, timedelta

from django.contrib.auth import get_user_model
from django.db import transaction
from django.db.models import Q

from safehub.agencies.models import Agency, AgencyKind, Membership, Team
from safehub.core.calendar import uk_date
from safehub.core.codes import ReferralSource
from safehub.demo.context import DemoContext
from safehub.pathways import rules
from safehub.pathways.cpis_selectors import cpis_status
from safehub.pathways.models import (
    CpisAttendance,
    MissingStrategyLink,
    RollRow,
    RollRowStatus,
    RollUpload,
    UnscheduledCareSetting,
)
from safehub.people.models import Address, EducationPlacement, Person

REVIEW_SHARE, NOT_FOUND_SHARE = 0.015, 0.03
EY_UPLOADED_SHARE = 0.8
ATTENDANCES_PER_CHILD_YEAR = 0.35
SETTING_WEIGHTS = [("ED", 62), ("UTC", 18), ("MIU", 6), ("AMB", 8), ("OOH", 6)]
REASONS = [
    "Head injury after a fall",
    "Burn to the hand",
    "Ingested tablets",
    "Fever and vomiting",
    "Wrist injury, said to be from a trampoline",
    "Asthma attack",
    "Self-harm: cuts to the forearm",
    "Alcohol intoxication",
    "Bruising to the face, mother says from a fall",
    "Abdominal pain",
    "Breathing difficulty",
    "Found by police, intoxicated",
]
GIVEN = ["Aisha", "Ben", "Chloe", "Dylan", "Ella", "Finn", "Grace", "Harry", "Isla", "Jack", "Keira", "Leo"]
FAMILY = ["Ashworth", "Bailey", "Chowdhury", "Dobrev", "Evans", "Foster", "Gallagher", "Hussain", "Ivanova"]


def seed(ctx: DemoContext) -> str:
    if RollUpload.objects.exists():
        return "links already loaded"
    with transaction.atomic():
        rolls, rows, review = _seed_rolls(ctx)
        notices = _seed_health_visiting(ctx)
        attendances = _seed_cpis(ctx)
        linked = _seed_missing_strategy(ctx)
    return (
        f"{rolls} roll uploads ({rows} pupils, {review} waiting for review), {notices} health visiting notices, "
        f"{attendances} CP-IS attendances, {linked} missing episodes linked to a strategy discussion"
    )


def _lead_for(setting: Agency, fallback):
    membership = Membership.objects.filter(agency=setting, role="DESIGNATED_SAFEGUARDING_LEAD").first()
    return membership.user if membership else fallback


def _seed_rolls(ctx: DemoContext) -> tuple[int, int, int]:
    rng = ctx.rng("pathways.rolls")
    User = get_user_model()
    fallback = User.objects.filter(username="demo.dsl").first()
    reviewer = (
        User.objects.filter(username="demo.mash").first()
        or User.objects.filter(membership__role="FRONT_DOOR_PRACTITIONER").first()
    )
    if fallback is None:
        return 0, 0, 0
    settings_ = list(Agency.objects.filter(kind__in=[AgencyKind.SCHOOL, AgencyKind.EARLY_YEARS]).order_by("pk"))
    pupils: dict[int, list[tuple]] = {}
    for setting_id, pid, given, family, born in EducationPlacement.objects.filter(ended_date__isnull=True).values_list(
        "setting_id", "person_id", "person__given_name", "person__family_name", "person__date_of_birth"
    ):
        pupils.setdefault(setting_id, []).append((pid, given, family, born))
    postcodes = dict(Address.objects.filter(ended_date__isnull=True).values_list("person_id", "postcode"))
    by_dob: dict[date, list[int]] = {}
    for pid, born in Person.objects.filter(date_of_birth__gte=ctx.today - timedelta(days=19 * 365)).values_list(
        "pk", "date_of_birth"
    ):
        if born is not None:
            by_dob.setdefault(born, []).append(pid)
    uploads = rows_total = waiting = 0
    all_rows: list[RollRow] = []
    term_start = ctx.today - timedelta(days=rng.randrange(20, 60))
    for setting in settings_:
        if setting.kind == AgencyKind.EARLY_YEARS and rng.random() > EY_UPLOADED_SHARE and setting.code != "EY-01":
            continue
        roll = pupils.get(setting.pk, [])
        if not roll:
            continue
        uploaded_at = datetime.combine(term_start + timedelta(days=rng.randrange(10)), datetime.min.time()).replace(
            hour=rng.randrange(8, 17), tzinfo=ctx.now.tzinfo
        )
        upload = RollUpload.objects.create(
            setting=setting,
            uploaded_by=_lead_for(setting, fallback),
            uploaded_at=uploaded_at,
            file_name=f"{setting.code.lower()}-roll-{uploaded_at:%Y%m%d}.csv",
            matched_at=uploaded_at + timedelta(minutes=rng.randrange(1, 6)),
        )
        counts = {"already": 0, "review": 0, "not_found": 0}
        number = 1
        for pid, given, family, born in roll:
            number += 1
            row = RollRow(upload=upload, row_number=number, given_name=given, family_name=family,
                          date_of_birth=born, postcode=postcodes.get(pid, ""))  # fmt: skip
            r = rng.random()
            namesakes = [p for p in by_dob.get(born, []) if p != pid][:2]
            if r < REVIEW_SHARE and namesakes:
                row.status = RollRowStatus.REVIEW
                row.candidates = [
                    {"person_id": p, "probability": round(rng.uniform(62, 92), 1), "reasons": _reasons(p == pid)}
                    for p in [pid, *namesakes[:1]]
                ]
                row.best_probability = max(c["probability"] for c in row.candidates)
                if rng.random() < 0.66 and reviewer is not None:
                    row.status, row.person_id = RollRowStatus.CONFIRMED, pid
                    row.resolved_by, row.resolved_at = reviewer, uploaded_at + timedelta(hours=rng.uniform(2, 60))
                else:
                    counts["review"] += 1
                    waiting += 1
            else:
                row.status, row.person_id = RollRowStatus.ALREADY, pid
                row.best_probability = round(rng.uniform(95, 99.9), 1)
                counts["already"] += 1
            all_rows.append(row)
        for _ in range(int(len(roll) * NOT_FOUND_SHARE)):
            number += 1
            born = ctx.today - timedelta(days=rng.randrange(3 * 365, 15 * 365))
            all_rows.append(RollRow(upload=upload, row_number=number, given_name=rng.choice(GIVEN),
                                    family_name=rng.choice(FAMILY), date_of_birth=born,
                                    status=RollRowStatus.NOT_FOUND))  # fmt: skip
            counts["not_found"] += 1
        upload.rows_total = number - 1
        upload.already, upload.review, upload.not_found = counts["already"], counts["review"], counts["not_found"]
        if rng.random() < 0.15:
            upload.errors = [{"row": number + 1, "column": "date of birth", "message": "Not a date (use DD/MM/YYYY)"}]
        upload.save()
        uploads += 1
        rows_total += upload.rows_total
    RollRow.objects.bulk_create(all_rows, batch_size=5000)
    return uploads, rows_total, waiting


def _reasons(same: bool) -> list[dict]:
    given = "same" if same else "similar"
    return [
        {"field": "Family name", "how": "same", "agrees": True, "rule": False, "weight": None, "strength": ""},
        {"field": "Given name", "how": given, "agrees": True, "rule": False, "weight": None, "strength": ""},
        {"field": "Date of birth", "how": "same", "agrees": True, "rule": False, "weight": None, "strength": ""},
    ]


def _seed_health_visiting(ctx: DemoContext) -> int:
    from safehub.frontdoor.models import Contact, EducationNotification, HealthVisitingNotice
    from safehub.frontdoor.services import HEALTH_VISITING_TEAM

    rng = ctx.rng("pathways.health_visiting")
    team = (
        Team.objects.filter(name__iexact=HEALTH_VISITING_TEAM, agency__kind=AgencyKind.HEALTH_TRUST)
        .select_related("agency")
        .first()
    )
    if team is None:
        return 0
    acknowledger = Membership.objects.filter(agency=team.agency, team=team).select_related("user").first()
    notified = set(EducationNotification.objects.values_list("contact_id", flat=True))
    notices = []
    for contact in (
        Contact.objects.filter(source=ReferralSource.POLICE, domestic_abuse_incident=True, person__isnull=False)
        .exclude(pk__in=notified)
        .select_related("person")
        .order_by("pk")
    ):
        incident = contact.incident_recorded_at or contact.received_at
        person = contact.person
        assert person is not None  # filtered on person__isnull=False
        if not rules.encompass_health_visiting_needed(
            date_of_birth=person.date_of_birth, incident_date=uk_date(incident), has_setting=False
        ):
            continue
        delivered = contact.received_at
        acknowledged = delivered + timedelta(hours=rng.uniform(1, 30))
        done = acknowledged < ctx.now - timedelta(hours=20) and acknowledger is not None
        notices.append(
            HealthVisitingNotice(
                contact=contact, person=person, agency=team.agency, team=team, incident_at=incident,
                delivered_at=delivered, acknowledged_at=acknowledged if done else None,
                acknowledged_by=acknowledger.user if done and acknowledger else None,
                summary=f"Police attended a domestic abuse incident ({contact.police_reference or 'no ref'}). The "
                "child is under 5 and attends no known school or early-years setting: please offer a health "
                "visiting contact.",
            )
        )  # fmt: skip
    HealthVisitingNotice.objects.bulk_create(notices, batch_size=2000)
    return len(notices)


def _seed_cpis(ctx: DemoContext) -> int:
    from safehub.casework.models import ChildProtectionPlan, LookedAfterEpisode

    rng = ctx.rng("pathways.cpis")
    recorders = {
        m.agency.kind: m.user
        for m in Membership.objects.filter(
            agency__kind__in=[AgencyKind.HEALTH_TRUST, AgencyKind.AMBULANCE], role__in=["AGENCY_PRACTITIONER",
                                                                                      "HEALTH_NAVIGATOR"]
        ).select_related("agency", "user")
    }  # fmt: skip
    recorder = recorders.get(AgencyKind.HEALTH_TRUST) or next(iter(recorders.values()), None)
    if recorder is None:
        return 0
    hospital = Agency.objects.filter(code="HUH").first() or recorder.membership.agency
    ambulance = Agency.objects.filter(kind=AgencyKind.AMBULANCE).first() or hospital
    # The acute trust runs the emergency department, the ambulance service its crews; the community
    # trust (the recorder's) runs the urgent treatment centre, minor injuries unit and out of hours.
    community = recorder.membership.agency
    where: dict[str, Agency] = {
        UnscheduledCareSetting.EMERGENCY_DEPARTMENT: hospital,
        UnscheduledCareSetting.AMBULANCE: ambulance,
    }
    today = ctx.today
    live = Q(start_date__lte=today) & (Q(end_date__isnull=True) | Q(end_date__gte=today))
    flagged = set(ChildProtectionPlan.objects.filter(live).values_list("person_id", flat=True))
    flagged |= set(LookedAfterEpisode.objects.filter(live).values_list("person_id", flat=True))
    people = Person.objects.in_bulk(sorted(flagged))
    window = min(365, (today - ctx.start).days)
    made = []
    for pid in sorted(flagged):
        person = people[pid]
        status = cpis_status(person, today=today)
        if status.flag is None:
            continue
        start = max(status.since or today, today - timedelta(days=window))
        years = max(0.02, (today - start).days / 365)
        # Up to three attendances, each with a third of the expected number's chance.
        n = sum(rng.random() < ATTENDANCES_PER_CHILD_YEAR * years / 3 for _ in range(3))
        for _ in range(n):
            kind = rng.choices([k for k, _ in SETTING_WEIGHTS], weights=[w for _, w in SETTING_WEIGHTS])[0]
            day = start + timedelta(days=rng.randrange(max(1, (today - start).days)))
            attended = datetime.combine(day, datetime.min.time()).replace(
                hour=rng.randrange(0, 24), minute=rng.randrange(60), tzinfo=ctx.now.tzinfo
            )
            if attended > ctx.now:
                attended = ctx.now - timedelta(hours=rng.uniform(1, 20))
            recorded = attended + timedelta(minutes=rng.randrange(10, 90))
            if recorded > ctx.now:
                recorded = ctx.now
            seen = recorded + timedelta(hours=rng.uniform(0.5, 26))
            worker = status.worker
            made.append(
                CpisAttendance(
                    person=person, agency=where.get(kind, community),
                    setting_kind=kind, attended_at=attended, reason=rng.choice(REASONS), flag_kind=status.flag,
                    recorded_by=recorder, recorded_at=recorded, notified_worker=worker, notified_team=status.team,
                    notified_at=recorded if (worker or status.team) else None,
                    seen_by=worker if worker and seen < ctx.now else None,
                    seen_at=seen if worker and seen < ctx.now else None,
                )
            )  # fmt: skip
    CpisAttendance.objects.bulk_create(made, batch_size=2000)
    return len(made)


def _seed_missing_strategy(ctx: DemoContext) -> int:
    from safehub.casework.models import MeetingInvite, MissingEpisode, RecordShare, StrategyMeeting

    rng = ctx.rng("pathways.missing")
    User = get_user_model()
    chair = User.objects.filter(username="demo.mashmanager").first()
    convener = User.objects.filter(username="demo.socialworker").first() or chair
    police = Agency.objects.filter(kind=AgencyKind.POLICE).first()
    if chair is None or convener is None:
        return 0
    linked = 0
    for episode in MissingEpisode.objects.filter(risk_level="HIGH").order_by("started_at"):
        recent = episode.started_at > ctx.now - timedelta(days=14)
        if recent and rng.random() < 0.5:
            continue  # still waiting: on the prompt list
        convened = episode.started_at + timedelta(hours=rng.uniform(1, 30))
        if convened > ctx.now:
            continue
        scheduled = convened + timedelta(hours=rng.uniform(1, 20))
        held = scheduled if scheduled < ctx.now else None
        meeting = StrategyMeeting.objects.create(
            person_id=episode.person_id, reason="MISSING", convened_by=convener, chair=chair, convened_at=convened,
            scheduled_at=scheduled, held_at=held, status="RECORD_SHARED" if held else "CONVENED",
            decision="NO_SECTION_47" if held and rng.random() < 0.7 else ("SECTION_47" if held else ""),
            record_text="Missing from home overnight, graded high risk by police. Return interview to be offered; "
            "disruption plan agreed." if held else "",
            record_drafted_at=held, record_approved_at=held + timedelta(hours=4) if held else None,
            record_share_due_at=held + timedelta(days=1) if held else None,
        )  # fmt: skip
        if police is not None:
            MeetingInvite.objects.create(meeting=meeting, agency=police, invited_at=convened,
                                         attendance="ATTENDED" if held else "INVITED")  # fmt: skip
            if held:
                RecordShare.objects.create(meeting=meeting, agency=police, shared_at=held + timedelta(hours=5))
        MissingStrategyLink.objects.create(missing_episode=episode, meeting=meeting, linked_by=convener,
                                           linked_at=convened)  # fmt: skip
        linked += 1
    return linked
