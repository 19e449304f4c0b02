"""Two years of children's casework for the demo city, following from the front door's referrals and
strategy decisions, calibrated to the partnership's published figures (about 290 children on a plan,
460 looked after, 86% of assessments in 45 working days)."""

from __future__ import annotations

from datetime import date, datetime, time, timedelta

from django.contrib.auth import get_user_model
from django.db import transaction

from safehub.agencies.models import Agency, AgencyKind
from safehub.casework.models import (
    Assessment,
    CareLeaverStatus,
    ChildProtectionPlan,
    CLAReview,
    ExploitationRiskAssessment,
    HealthAssessment,
    LookedAfterEpisode,
    MeetingInvite,
    MeetingStatus,
    MissingEpisode,
    RecordShare,
    Section47,
    StrategyMeeting,
    TransitionPlan,
)
from safehub.core.calendar import UK, add_working_days, due_after_working_days, is_working_day
from safehub.demo.casework_cases import seed_cases
from safehub.demo.context import DemoContext
from safehub.frontdoor.models import Decision, Referral
from safehub.people.models import EducationPlacement, Involvement, Person

CATEGORIES = [("NEGLECT", 59), ("EMOTIONAL", 25), ("PHYSICAL", 10), ("SEXUAL", 5.5), ("MULTIPLE", 0.5)]
FACTORS = ["3B", "16A", "4B", "17A", "2B", "1B", "18B", "3A", "10A", "22A", "14A", "6B", "5B", "7A", "24A"]


def _at(day: date, hour: float = 11) -> datetime:
    return datetime.combine(day, time(int(hour), int((hour % 1) * 60)), tzinfo=UK)


def seed(ctx: DemoContext) -> str:
    if StrategyMeeting.objects.exists() or Assessment.objects.exists():
        return "already loaded"
    rng = ctx.rng("casework")
    unborn_rng = ctx.rng("casework.pre_birth")  # its own stream: the rest of the year stays as it was
    now, today = ctx.now, ctx.today
    users = {u.username: u for u in get_user_model().objects.filter(username__startswith="demo.")}
    sw, manager = users["demo.socialworker"], users["demo.mashmanager"]
    agencies = {a.code: a for a in Agency.objects.all()}
    police, icb, csc = agencies["WPOL"], agencies["HW-ICB"], agencies["HCC-CSC"]
    hospital = agencies["HUH"]
    schools = dict(EducationPlacement.objects.filter(ended_date__isnull=True).values_list("person_id", "setting_id"))
    counts: dict[str, int] = {}
    with transaction.atomic():
        # Assessments for referrals that were not closed with no further action.
        assessments = []
        for r in Referral.objects.filter(nfa=False).order_by("referral_date"):
            start = r.referral_date + timedelta(days=rng.choice([0, 1, 1, 2, 3, 5]))
            due = add_working_days(r.referral_date, 45)
            wd = rng.choices([rng.randint(10, 45), rng.randint(46, 70)], weights=[86, 14])[0]
            completed_on = add_working_days(r.referral_date, wd)
            authorised = completed_on if completed_on <= today else None
            assessments.append(
                Assessment(
                    person_id=r.person_id,
                    referral=r,
                    start_date=min(start, today),
                    due_date=due,
                    authorised_date=authorised,
                    worker=sw,
                    factors=sorted(set(rng.choices(FACTORS, k=rng.randint(1, 4)))) if authorised else [],
                    outcome=rng.choices(
                        ["NFA", "EARLY_HELP", "CIN_PLAN", "SECTION_47", "LOOKED_AFTER"], weights=[30, 25, 33, 9, 3]
                    )[0]
                    if authorised
                    else "",
                    summary="Assessment completed; plan agreed with the family." if authorised else "",
                )
            )
        Assessment.objects.bulk_create(assessments, batch_size=5000)
        counts["assessments"] = len(assessments)

        # Strategy meetings for every strategy-discussion decision.
        decisions = list(
            Decision.objects.filter(outcome="STRATEGY_DISCUSSION", contact__person__isnull=False)
            .select_related("contact")
            .order_by("decided_at")
        )
        meetings, meeting_meta = [], []
        for d in decisions:
            assert d.contact.person_id is not None  # filtered on contact__person__isnull=False
            held = d.decided_at + timedelta(hours=rng.uniform(2, 30))
            if held > now:
                continue
            progress = (held.date() - ctx.start).days / max((today - ctx.start).days, 1)
            share_due = due_after_working_days(held, 1)
            on_time = rng.random() < 0.55 + 0.35 * progress  # sharing improves after the inspection
            approve_at = (
                share_due - timedelta(hours=rng.uniform(1, 20))
                if on_time
                else share_due + timedelta(hours=rng.uniform(2, 120))
            )
            approved = approve_at if approve_at < now else None
            decision = rng.choices(["SECTION_47", "NO_SECTION_47", "FURTHER_MEETING"], weights=[70, 25, 5])[0]
            meetings.append(
                StrategyMeeting(
                    person_id=d.contact.person_id,
                    reason="REFERRAL",
                    convened_by=manager,
                    chair=manager,
                    convened_at=d.decided_at,
                    scheduled_at=held,
                    held_at=held,
                    decision=decision,
                    status=MeetingStatus.RECORD_SHARED if approved else MeetingStatus.HELD,
                    immediate_safety_actions="Child to stay with maternal grandmother tonight."
                    if rng.random() < 0.3
                    else "",
                    record_text="Agencies shared what they know. Decision recorded with reasons." if approved else "",
                    record_drafted_at=approved,
                    record_approved_at=approved,
                    record_share_due_at=share_due,
                )
            )
            meeting_meta.append(d)
        StrategyMeeting.objects.bulk_create(meetings, batch_size=2000)
        invites, shares, involvements, s47s = [], [], [], []
        for m in meetings:
            invited = [police, icb, csc]
            if m.person_id in schools:
                invited.append(agencies_by_pk(agencies, schools[m.person_id]))
            if rng.random() < 0.2:
                invited.append(hospital)
            for agency in invited:
                attendance = (
                    "ATTENDED"
                    if rng.random() < (0.8 if agency.kind != AgencyKind.ICB else 0.6)
                    else rng.choice(["APOLOGIES", "DID_NOT_ATTEND"])
                )
                invites.append(
                    MeetingInvite(
                        meeting=m,
                        agency=agency,
                        invited_at=m.convened_at,
                        attendance=attendance,
                        apologies_from="Named nurse" if attendance == "APOLOGIES" else "",
                        information_shared="Known to our service; shared history." if attendance == "ATTENDED" else "",
                    )
                )
                involvements.append(
                    Involvement(
                        person_id=m.person_id,
                        agency=agency,
                        kind="MEETING_INVITEE",
                        started_at=m.convened_at,
                        source=f"casework.StrategyMeeting:{m.pk}",
                    )
                )
                if m.record_approved_at and agency.kind != AgencyKind.LA_CHILDREN:
                    read = m.record_approved_at + timedelta(hours=rng.uniform(1, 96))
                    shares.append(
                        RecordShare(
                            meeting=m,
                            agency=agency,
                            shared_at=m.record_approved_at,
                            read_at=read if read < now and rng.random() < 0.85 else None,
                        )
                    )
            if m.decision == "SECTION_47":
                assert m.held_at is not None  # every demo meeting was held
                sd = m.held_at.astimezone(UK).date()
                due = add_working_days(sd, 15)
                outcome = rng.choices(
                    ["SUBSTANTIATED_ICPC", "SUBSTANTIATED_NO_ICPC", "NOT_SUBSTANTIATED"], weights=[42, 28, 30]
                )[0]
                completed = sd + timedelta(days=rng.randint(5, 20))
                icpc = (
                    add_working_days(sd, rng.choices([rng.randint(8, 15), rng.randint(16, 25)], weights=[80, 20])[0])
                    if outcome == "SUBSTANTIATED_ICPC"
                    else None
                )
                s47s.append(
                    Section47(
                        person_id=m.person_id,
                        strategy_meeting=m,
                        strategy_date=sd,
                        icpc_due_date=due,
                        completed_date=completed if completed <= today else None,
                        outcome=outcome if completed <= today else "",
                        icpc_date=icpc if icpc and icpc <= today else None,
                        worker=sw,
                    )
                )
        MeetingInvite.objects.bulk_create(invites, batch_size=5000)
        RecordShare.objects.bulk_create(shares, batch_size=5000)
        Involvement.objects.bulk_create(involvements, batch_size=5000)
        Section47.objects.bulk_create(s47s, batch_size=5000)
        counts["strategy meetings"], counts["s47"] = len(meetings), len(s47s)

        # Child protection plans from conferences, plus plans already open two years ago.
        plans = []
        for s in s47s:
            if s.icpc_date and rng.random() < 0.9:
                length = rng.randint(120, 600)
                end = s.icpc_date + timedelta(days=length)
                plans.append(_plan(rng, s.person_id, s.icpc_date, end if end <= today else None, s))
        children = list(
            Person.objects.filter(date_of_birth__gt=today - timedelta(days=17 * 365)).values_list("pk", flat=True)[
                :200000
            ]
        )
        for _ in range(int(200 * ctx.scale)):
            start = ctx.start - timedelta(days=rng.randint(30, 400))
            end = start + timedelta(days=rng.randint(200, 700))
            plans.append(_plan(rng, rng.choice(children), start, end if end <= today else None, None))
        # Unborn babies on a plan: about eight a year.
        for _ in range(int(8 * ctx.years * ctx.scale)):
            start = ctx.start + timedelta(days=rng.randrange((today - ctx.start).days))
            edd = start + timedelta(days=rng.randint(20, 120))
            baby = Person.objects.create(
                given_name="",
                family_name=rng.choice(["Smith", "Hughes", "Begum", "Nowak", "Ahmed", "Clarke"]),
                date_of_birth=edd if edd <= today else None,
                expected_date_of_birth=None if edd <= today else edd,
                sex="U",
            )
            involvements.append(Involvement(person=baby, agency=csc, kind="CASE_HOLDER", started_at=_at(start)))
            # A pre-birth plan follows a section 47 enquiry and a pre-birth initial conference.
            while not is_working_day(start):  # a conference sits on a working day (DfE rule 8875)
                start -= timedelta(days=1)
            strategy = start - timedelta(days=rng.randint(14, 20))
            while not is_working_day(strategy):
                strategy -= timedelta(days=1)
            prebirth = Section47.objects.create(
                person=baby,
                strategy_date=strategy,
                icpc_due_date=add_working_days(strategy, 15),
                completed_date=start,
                outcome="SUBSTANTIATED_ICPC",
                icpc_date=start,
                worker=sw,
            )
            plan = _plan(rng, baby.pk, start, None, prebirth)
            plan.unborn_at_start = True
            plans.append(plan)
            if edd > today:  # a baby still unborn: the pre-birth assessment is under way, within its 45 days
                begun = max(strategy, today - timedelta(days=unborn_rng.randint(3, 30)))
                Assessment.objects.create(
                    person=baby, start_date=begun, due_date=add_working_days(begun, 45), worker=sw, pre_birth=True
                )
        # Babies expected in the coming months with a pre-birth assessment under way (about six at a time).
        for _ in range(max(1, int(6 * ctx.scale))):
            expected = today + timedelta(days=unborn_rng.randint(30, 150))
            baby = Person.objects.create(
                given_name="",
                family_name=unborn_rng.choice(["Walsh", "Okafor", "Patel", "Kowalski", "Evans", "Rahman"]),
                expected_date_of_birth=expected,
                sex="U",
            )
            begun = today - timedelta(days=unborn_rng.randint(2, 40))
            involvements.append(Involvement(person=baby, agency=csc, kind="CASE_HOLDER", started_at=_at(begun)))
            Assessment.objects.create(
                person=baby, start_date=begun, due_date=add_working_days(begun, 45), worker=sw, pre_birth=True
            )
        ChildProtectionPlan.objects.bulk_create(plans, batch_size=5000)
        Involvement.objects.bulk_create(
            [i for i in involvements if i.pk is None and i.kind == "CASE_HOLDER"], batch_size=5000
        )
        counts["cp plans"] = len(plans)

        # Looked-after children: about 460 at any time, 150 starting a year.
        episodes, reviews, health = [], [], []
        cla_people = rng.sample(children, k=min(len(children), int(620 * ctx.scale)))
        for i, pid in enumerate(cla_people):
            if i < int(430 * ctx.scale):
                start = ctx.start - timedelta(days=rng.randint(30, 2500))
            else:
                start = ctx.start + timedelta(days=rng.randrange((today - ctx.start).days))
            cla_end = start + timedelta(days=rng.randint(100, 3000)) if rng.random() < 0.35 else None
            cla_end = cla_end if cla_end and cla_end <= today else None
            episodes.append(
                LookedAfterEpisode(
                    person_id=pid,
                    start_date=start,
                    end_date=cla_end,
                    legal_status=rng.choice(["C2", "C2", "C1", "V2", "E1"]),
                    placement=rng.choice(["Foster care", "Kinship care", "Residential home", "Placed with parents"]),
                )
            )
            involvements.append(Involvement(person_id=pid, agency=csc, kind="CASE_HOLDER", started_at=_at(start)))
            due = max(start + timedelta(days=20), ctx.start)
            while due <= min(cla_end or today, today + timedelta(days=30)):
                held_on = (
                    due - timedelta(days=rng.randint(0, 10))
                    if rng.random() < 0.9
                    else due + timedelta(days=rng.randint(3, 40))
                )
                reviews.append(CLAReview(person_id=pid, due_date=due, held_date=held_on if held_on <= today else None))
                due += timedelta(days=182)
            hdue = max(start + timedelta(days=28), ctx.start)
            while hdue <= min(cla_end or today, today + timedelta(days=30)):
                done = (
                    hdue - timedelta(days=rng.randint(0, 20))
                    if rng.random() < 0.88
                    else hdue + timedelta(days=rng.randint(5, 60))
                )
                health.append(
                    HealthAssessment(person_id=pid, due_date=hdue, completed_date=done if done <= today else None)
                )
                hdue += timedelta(days=365)
        LookedAfterEpisode.objects.bulk_create(episodes, batch_size=5000)
        CLAReview.objects.bulk_create(reviews, batch_size=5000)
        HealthAssessment.objects.bulk_create(health, batch_size=5000)
        Involvement.objects.bulk_create([i for i in involvements if i.pk is None], batch_size=5000)
        counts["looked-after episodes"] = len(episodes)

        # Care leavers aged 18-21: status at each year end.
        leavers: list[tuple[int, date]] = []
        for pid, dob in Person.objects.filter(
            date_of_birth__lte=today - timedelta(days=18 * 365), date_of_birth__gt=today - timedelta(days=22 * 365)
        ).values_list("pk", "date_of_birth")[: int(300 * ctx.scale)]:
            assert dob is not None  # filtered on date_of_birth
            leavers.append((pid, dob))
        statuses, leaver_eps = [], []
        for pid, dob in leavers:
            leaver_eps.append(
                LookedAfterEpisode(
                    person_id=pid,
                    start_date=dob + timedelta(days=14 * 365),
                    end_date=dob + timedelta(days=18 * 365),
                    legal_status="C2",
                    placement="Foster care",
                )
            )
            for year_end in (date(today.year - 1, 3, 31), date(today.year, 3, 31)):
                if year_end <= today and (year_end - dob).days >= 18 * 365:
                    statuses.append(
                        CareLeaverStatus(
                            person_id=pid,
                            as_of_date=year_end,
                            suitable_accommodation=rng.random() < 0.8,
                            activity="EET" if rng.random() < 0.5 else "NEET",
                        )
                    )
        LookedAfterEpisode.objects.bulk_create(leaver_eps, batch_size=5000)
        Involvement.objects.bulk_create(
            [
                Involvement(
                    person_id=pid,
                    agency=csc,
                    kind="CASE_HOLDER",
                    started_at=_at(dob + timedelta(days=14 * 365)),
                    source="demo",
                )
                for pid, dob in leavers
            ],
            batch_size=5000,
        )
        CareLeaverStatus.objects.bulk_create(statuses, batch_size=5000)

        # Missing episodes and exploitation risk assessments for teenagers.
        teens = list(
            Person.objects.filter(
                date_of_birth__lte=today - timedelta(days=12 * 365), date_of_birth__gt=today - timedelta(days=18 * 365)
            ).values_list("pk", flat=True)[:60000]
        )
        frequent = rng.sample(teens, k=min(len(teens), int(160 * ctx.scale)))
        missing, eras = [], []
        span = (today - ctx.start).days
        for _ in range(int(650 * ctx.years * ctx.scale)):
            pid = rng.choice(frequent)
            started = _at(ctx.start + timedelta(days=rng.randrange(span)), rng.uniform(15, 23.5))
            end_at = started + timedelta(hours=rng.uniform(2, 72))
            ended = end_at if end_at < now else None
            interviewed = ended + timedelta(hours=rng.uniform(10, 100)) if ended and rng.random() < 0.7 else None
            missing.append(
                MissingEpisode(
                    person_id=pid,
                    started_at=started,
                    ended_at=ended,
                    risk_level=rng.choices(["LOW", "MEDIUM", "HIGH"], weights=[40, 45, 15])[0],
                    return_interview_offered_at=ended,
                    return_interview_done_at=interviewed if interviewed and interviewed < now else None,
                    return_interview_declined=bool(ended and not interviewed and rng.random() < 0.5),
                )
            )
        MissingEpisode.objects.bulk_create(missing, batch_size=5000)
        for pid in frequent[: int(120 * ctx.scale)]:
            level = "NONE"
            for k in range(rng.randint(1, 3)):
                new = rng.choice(["LOW", "MODERATE", "SIGNIFICANT"])
                eras.append(
                    ExploitationRiskAssessment(
                        person_id=pid,
                        assessed_at=_at(ctx.start + timedelta(days=rng.randrange(span))),
                        kinds=["criminal"] if rng.random() < 0.6 else ["sexual"],
                        level=new,
                        previous_level="" if k == 0 else level,
                        rationale="Multi-agency exploitation screening.",
                        assessed_by=sw,
                        downgrade_agreed_by=[csc.pk, police.pk],
                        downgrade_agreement_note="Agreed at the exploitation panel",
                    )
                )
                level = new
        ExploitationRiskAssessment.objects.bulk_create(eras, batch_size=5000)

        # Transition plans for some 17-year-olds known to children's services.
        seventeen = list(
            Involvement.objects.filter(
                agency=csc,
                person__date_of_birth__lte=today - timedelta(days=17 * 365),
                person__date_of_birth__gt=today - timedelta(days=18 * 365),
            )
            .values_list("person_id", flat=True)
            .distinct()[:400]
        )
        asc = agencies.get("HCC-ASC")
        plans_t = [
            TransitionPlan(
                person_id=pid,
                owner=sw,
                adult_service=asc if rng.random() < 0.5 else None,
                started_date=today - timedelta(days=rng.randint(10, 200)),
                review_date=today + timedelta(days=rng.randint(10, 120)),
                needs="Emotional wellbeing; risk of exploitation into adulthood.",
                plan="Joint review with adult services before the 18th birthday.",
            )
            for pid in seventeen
            if rng.random() < 0.55
        ]
        TransitionPlan.objects.bulk_create(plans_t, batch_size=2000)
        cases = seed_cases(ctx)
    return ", ".join(f"{v:,} {k}" for k, v in counts.items()) + f", {len(missing):,} missing episodes; {cases}"


def agencies_by_pk(agencies: dict, pk: int) -> Agency:
    for agency in agencies.values():
        if agency.pk == pk:
            return agency
    raise KeyError(pk)


def _plan(rng, person_id: int, start: date, end: date | None, s47) -> ChildProtectionPlan:
    category = rng.choices([c for c, _ in CATEGORIES], weights=[w for _, w in CATEGORIES])[0]
    return ChildProtectionPlan(
        person_id=person_id,
        section47=s47,
        start_date=start,
        end_date=end,
        initial_category=category,
        latest_category=category,
        end_reason="RC1" if end else "",
    )
