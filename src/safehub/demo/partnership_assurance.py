"""Demo partnership work, part 2: multi-agency audits, training, section 11/175 returns, escalations, chasing.

Rows are written directly (no audit rows: nobody did these things)."""

from __future__ import annotations

from datetime import date, timedelta

from django.contrib.auth import get_user_model

from safehub.agencies.models import Agency, AgencyKind, Membership
from safehub.core.calendar import add_working_days, financial_year_start
from safehub.demo.context import DemoContext
from safehub.demo.partnership_reviews import CORE, FIRST, LAST, add_recommendations, uk_at, users_by_agency
from safehub.partnership.models import (
    AUDIT_QUESTIONS,
    SELF_ASSESSMENT_STANDARDS,
    Action,
    ActionStatus,
    AuditAgencyReturn,
    AuditCase,
    AuditFinding,
    AuditStatus,
    Briefing,
    BriefingRead,
    CaseReview,
    Escalation,
    MultiAgencyAudit,
    Notification,
    Priority,
    Rating,
    SelfAssessmentCycle,
    SelfAssessmentRating,
    SelfAssessmentReturn,
    TrainingAttendance,
    TrainingCourse,
    TrainingEvent,
    TrainingQualityCheck,
)
from safehub.partnership.reviews.services import add_months
from safehub.people.models import Involvement

COURSES = [
    ("Neglect toolkit: recognising and responding", "NEGLECT", Priority.NEGLECT_SELF_NEGLECT),
    ("Self-neglect and hoarding", "SELF_NEGLECT", Priority.NEGLECT_SELF_NEGLECT),
    ("Transitional safeguarding: from 16 to 25", "TRANSITIONS", Priority.TRANSITIONAL_SAFEGUARDING),
    ("Severe and multiple disadvantage", "HOMELESSNESS", Priority.SEVERE_MULTIPLE_DISADVANTAGE),
    ("Child sexual abuse: the CSA toolkit", "SEXUAL_ABUSE", Priority.CSA_EXPLOITATION),
    ("Child protection medicals: myths and purpose", "SEXUAL_ABUSE", Priority.CSA_EXPLOITATION),
    ("Completing the exploitation risk assessment (CERAF)", "EXPLOITATION", Priority.CSA_EXPLOITATION),
    ("Mental Capacity Act in practice", "MENTAL_CAPACITY", ""),
    ("Making Safeguarding Personal: hear my voice", "VOICE", ""),
    ("Professional curiosity and difficult engagement", "PROFESSIONAL_CURIOSITY", ""),
    ("Domestic abuse: Clare's law and Sarah's law", "DOMESTIC_ABUSE", ""),
    ("Culturally inclusive safeguarding", "CULTURALLY_INCLUSIVE", ""),
    ("Safer recruitment for small organisations", "ESCALATION", ""),
    ("Working together: multi-agency safeguarding level 3", "INFORMATION_SHARING", ""),
]


ROLES: dict[str, list[str]] = {
    AgencyKind.LA_CHILDREN: ["Social worker", "Team manager", "Family support worker"],
    AgencyKind.LA_ADULTS: ["Social worker", "Occupational therapist", "Team manager"],
    AgencyKind.POLICE: ["Police officer", "Detective", "PCSO"],
    AgencyKind.HEALTH_TRUST: ["Nurse", "Midwife", "Health visitor", "Doctor"],
    AgencyKind.ICB: ["Named nurse", "Designated professional"],
    AgencyKind.SCHOOL: ["Designated safeguarding lead", "Teacher", "Pastoral lead"],
    AgencyKind.EARLY_YEARS: ["Nursery manager", "Early years practitioner"],
}


GRADES = ["OUTSTANDING", "GOOD", "GOOD", "GOOD", "REQUIRES_IMPROVEMENT", "REQUIRES_IMPROVEMENT", "INADEQUATE"]


AUDIT_PLAN = [
    (1, "Making Safeguarding Personal deep dive", "MSP", "", ["HCC-ASC", "WPOL", "HUH", "HCH", "HW-ICB"]),
    (1, "Child sexual abuse audit", "CSA", Priority.CSA_EXPLOITATION, ["HCC-CSC", "WPOL", "HCH", "HUH"]),
    (
        5,
        "Exploitation risk assessments (CERAF) deep dive",
        "CERAF",
        Priority.CSA_EXPLOITATION,
        ["HCC-CSC", "WPOL", "YJS", "HCH"],
    ),
    (6, "Getting referrals right: adult social care", "REFERRALS", "", ["HCC-ASC", "WPOL", "SCAS", "HOUSE"]),
    (
        13,
        "Neglect, self-neglect and hoarding",
        "NEGLECT",
        Priority.NEGLECT_SELF_NEGLECT,
        ["HCC-ASC", "HCC-CSC", "HCH", "HOUSE", "WPOL"],
    ),
    (
        16,
        "Transitions: care leavers in unsuitable accommodation",
        "NEGLECT",
        Priority.TRANSITIONAL_SAFEGUARDING,
        ["HCC-CSC", "HCC-ASC", "HOUSE"],
    ),
    (19, "Child sexual abuse: re-audit", "CSA", Priority.CSA_EXPLOITATION, ["HCC-CSC", "WPOL", "HCH"]),
]


FINDINGS = {
    "MSP": [
        ("IMPROVEMENT", "VOICE", "The person's voice was not always heard away from family members."),
        ("IMPROVEMENT", "CULTURALLY_INCLUSIVE", "Unconscious bias: protected characteristics were not explored."),
        ("STRENGTH", "MENTAL_CAPACITY", "Capacity was considered and recorded in most cases."),
    ],
    "CSA": [
        (
            "IMPROVEMENT",
            "SEXUAL_ABUSE",
            "Child protection medicals were seen as evidence-gathering, not for the child's wellbeing.",
        ),
        ("IMPROVEMENT", "SEXUAL_ABUSE", "The CSA toolkit was rarely used across agencies."),
        ("STRENGTH", "VOICE", "Children's accounts were recorded in their own words."),
    ],
    "CERAF": [
        ("IMPROVEMENT", "EXPLOITATION", "Agencies worked in silos and missed chances to contribute to CERAF plans."),
        ("IMPROVEMENT", "EXPLOITATION", "Downgrading of risk lacked analysis and collaboration."),
        ("STRENGTH", "INFORMATION_SHARING", "Referrals were timely."),
    ],
    "REFERRALS": [
        ("IMPROVEMENT", "INFORMATION_SHARING", "Referrals did not say clearly what the concern was and why now."),
        ("STRENGTH", "INFORMATION_SHARING", "Consent was sought or the reason recorded."),
    ],
    "NEGLECT": [
        ("IMPROVEMENT", "SELF_NEGLECT", "Missed chances to address the root cause of neglect and hoarding early."),
        ("IMPROVEMENT", "VOICE", "Family members with a dominant voice were over-represented in records."),
        ("STRENGTH", "NEGLECT", "Good multi-agency planning once the right professionals were involved."),
    ],
}


def seed_audits(ctx: DemoContext, agencies) -> int:
    rng = ctx.rng("partnership.audits")
    _, manager = users_by_agency()
    made = 0
    for months, title, tool, priority, codes in AUDIT_PLAN:
        planned = add_months(ctx.start, months)
        if planned >= ctx.today:
            continue
        complete = add_months(planned, 2) < ctx.today
        item = MultiAgencyAudit.objects.create(
            title=title,
            tool=tool,
            priority=priority,
            planned_date=planned,
            created_by=manager,
            created_at=uk_at(planned),
            status=AuditStatus.COMPLETE if complete else AuditStatus.IN_PROGRESS,
            completed_at=uk_at(add_months(planned, 2)) if complete else None,
            findings=" ".join(text for _, _, text in FINDINGS[tool]) if complete else "",
            learning="Learning shared through a 7-minute briefing and built into the training offer."
            if complete
            else "",
        )
        parts = [agencies[c] for c in codes if c in agencies]
        item.agencies.set(parts)
        ids = list(
            Involvement.objects.filter(started_at__date__lte=planned)
            .values_list("person_id", flat=True)
            .distinct()[:3000]
        )
        chosen = sorted(rng.sample(ids, min(6, len(ids))))
        cases = AuditCase.objects.bulk_create(
            [AuditCase(audit=item, person_id=pid, number=i) for i, pid in enumerate(chosen, 1)]
        )
        item.sample_criteria = {"involvement_started_to": planned.isoformat(), "size": 6}
        item.save(update_fields=["sample_criteria"])
        answers_text = ["Yes, clearly recorded", "Partly: recorded but not acted on", "No evidence in the record"]
        returns = []
        for case in cases:
            for agency in parts:
                if not complete and rng.random() < 0.4:
                    continue
                returns.append(
                    AuditAgencyReturn(
                        case=case,
                        agency=agency,
                        grade=rng.choice(GRADES),
                        submitted_at=uk_at(planned + timedelta(days=rng.randint(7, 30))),
                        answers={code: rng.choice(answers_text) for code, _ in AUDIT_QUESTIONS[tool]},
                    )
                )
        AuditAgencyReturn.objects.bulk_create(returns)
        if complete:
            AuditFinding.objects.bulk_create(
                [AuditFinding(audit=item, kind=k, theme=t, text=x) for k, t, x in FINDINGS[tool]]
            )
            add_recommendations(
                item, agencies, rng=rng, today=ctx.today, start=add_months(planned, 2), field="audit", n=2
            )
        made += 1
    return made


def seed_training(ctx: DemoContext, agencies) -> int:
    rng = ctx.rng("partnership.training")
    _, manager = users_by_agency()
    courses = TrainingCourse.objects.bulk_create(
        [
            TrainingCourse(
                title=t, theme=th, priority=p, provider=rng.choice(["Partnership team", "Health", "Police", "External"])
            )
            for t, th, p in COURSES
        ]
    )
    checks = []
    for course in courses:
        if rng.random() < 0.85:
            checks.append(
                TrainingQualityCheck(
                    course=course,
                    checked_date=ctx.today - timedelta(days=rng.randint(20, 500)),
                    checked_by=manager,
                    reflects_legislation=True,
                    reflects_local_policy=rng.random() < 0.9,
                    includes_review_learning=rng.random() < 0.8,
                )
            )
    TrainingQualityCheck.objects.bulk_create(checks)
    pool = list(Agency.objects.filter(kind__in=list(ROLES), is_active=True))
    weights = [40 if a.code in CORE else 1 for a in pool]
    events, attendance = [], []
    days = (ctx.today - ctx.start).days
    n_events = round(40 * days / 365)
    for _ in range(n_events):
        day = ctx.start + timedelta(days=rng.randint(0, days - 1))
        while day.weekday() > 4:
            day += timedelta(days=1)
        events.append(
            TrainingEvent(
                course=rng.choice(courses),
                starts_at=uk_at(day, rng.choice([9, 10, 13])),
                venue=rng.choice(["", "Civic Centre", "St Mary's Stadium", ""]),
                capacity=30,
            )
        )
    TrainingEvent.objects.bulk_create(events)
    for event in events:
        past = event.starts_at.date() < ctx.today
        for _ in range(rng.randint(10, 28) if past else rng.randint(0, 12)):
            agency = rng.choices(pool, weights)[0]
            attendance.append(
                TrainingAttendance(
                    event=event,
                    agency=agency,
                    job_role=rng.choice(ROLES.get(agency.kind, ["Practitioner"])),
                    attendee_name=f"{rng.choice(FIRST)} {rng.choice(LAST)}",
                    attended=not past or rng.random() < 0.93,
                    usefulness=rng.choices([2, 3, 4, 5], [3, 12, 45, 40])[0] if past else None,
                )
            )
    TrainingAttendance.objects.bulk_create(attendance, batch_size=2000)
    briefing_topics = [
        ("Private fostering", "VOICE"),
        ("Self-neglect and hoarding", "SELF_NEGLECT"),
        ("The unborn baby protocol", "NEGLECT"),
        ("Child exploitation: CERAF", "EXPLOITATION"),
        ("When engagement is difficult", "PROFESSIONAL_CURIOSITY"),
        ("Transitions: the pathway at 14", "TRANSITIONS"),
        ("Child protection medicals", "SEXUAL_ABUSE"),
        ("Resolving professional differences", "ESCALATION"),
        ("Hear my voice", "VOICE"),
        ("Homelessness and care leavers", "HOMELESSNESS"),
    ]
    reviews = list(CaseReview.objects.filter(published_at__isnull=False))
    users = list(get_user_model().objects.filter(username__startswith="demo."))
    memberships = {m.user_id: m.agency_id for m in Membership.objects.filter(user__in=users)}
    for i, (title, theme) in enumerate(briefing_topics):
        published = uk_at(ctx.start + timedelta(days=int((i + 0.5) * days / len(briefing_topics))))
        if published.date() >= ctx.today:
            continue
        briefing = Briefing.objects.create(
            title=f"7-minute briefing: {title}",
            theme=theme,
            published_at=published,
            review=reviews[i % len(reviews)] if reviews and i % 3 == 0 else None,
            body="1. Why it matters\n2. What we found\n3. What good looks like\n4. Questions to ask\n5. What to do\n6. Where to get help\n7. Reflect",
        )
        BriefingRead.objects.bulk_create(
            [
                BriefingRead(
                    briefing=briefing,
                    user=u,
                    agency_id=memberships.get(u.pk),
                    read_at=published + timedelta(days=rng.randint(1, 30)),
                )
                for u in users
                if rng.random() < 0.6
            ]
        )
    return len(events)


def seed_self_assessments(ctx: DemoContext, agencies) -> int:
    rng = ctx.rng("partnership.self_assessment")
    _, manager = users_by_agency()
    first = financial_year_start(ctx.start)
    made = 0
    schools = list(Agency.objects.filter(kind__in=[AgencyKind.SCHOOL], is_active=True))
    s11_agencies = [agencies[c] for c in CORE if c in agencies]
    for offset, cycle_year in ((0, 1), (1, 2)):
        year = first + offset
        label = f"{year}-{(year + 1) % 100:02d}"
        opens = date(year, 6, 1)
        if opens >= ctx.today:
            continue
        for kind, members in (("SECTION_11", s11_agencies), ("SECTION_175", schools)):
            cycle = SelfAssessmentCycle.objects.create(
                kind=kind,
                year=label,
                cycle_year=cycle_year,
                opens_date=opens,
                due_date=date(year, 9, 30),
                themes_summary=(
                    "Standard 11 (disabled children) was the weakest across agencies; smaller organisations lack access "
                    "to safer recruitment training; acronyms still get in the way of shared understanding."
                    if kind == "SECTION_11"
                    else "Filtering and monitoring, and educational neglect, were the standards most often partly met."
                ),
            )
            returns = SelfAssessmentReturn.objects.bulk_create(
                [
                    SelfAssessmentReturn(
                        cycle=cycle,
                        agency=a,
                        submitted_at=uk_at(date(year, 9, rng.randint(1, 30))) if rng.random() < 0.85 else None,
                        submitted_by=None,
                    )
                    for a in members
                ]
            )
            ratings = []
            for ret in returns:
                if ret.submitted_at is None:
                    continue
                for code, _ in SELF_ASSESSMENT_STANDARDS[kind]:
                    weak = code in {"S11", "S6", "E7", "E6"}
                    rating = rng.choices(
                        [Rating.MET, Rating.PARTLY_MET, Rating.NOT_MET], [5, 4, 1] if weak else [17, 3, 0.3]
                    )[0]
                    ratings.append(
                        SelfAssessmentRating(
                            self_assessment=ret,
                            standard=code,
                            rating=rating,
                            evidence=""
                            if rating == Rating.MET
                            else "Gap identified; action plan agreed with the safeguarding lead.",
                        )
                    )
            SelfAssessmentRating.objects.bulk_create(ratings, batch_size=2000)
            made += len(returns)
    return made


def seed_escalations(ctx: DemoContext, agencies) -> int:
    rng = ctx.rng("partnership.escalations")
    concerns = [
        ("HCH", "HCC-CSC", "Disagreement with the threshold decision: referral closed with no further action."),
        ("WPOL", "HCC-CSC", "Strategy meeting record not shared with the police."),
        ("HCC-ASC", "HUH", "Discharge without a safeguarding plan for a person who self-neglects."),
        ("HOUSE", "HCC-ASC", "Care leaver placed in unsuitable accommodation without a transitions plan."),
        ("VOL-HDAS", "WPOL", "High-risk domestic abuse case not referred to MARAC."),
        ("HCC-CSC", "HW-ICB", "Health information not provided in time for the strategy discussion."),
    ]
    rows = []
    days = (ctx.today - ctx.start).days
    for _ in range(round(12 * days / 365)):
        by, with_, text = rng.choice(concerns)
        if by not in agencies or with_ not in agencies:
            continue
        raised = ctx.start + timedelta(days=rng.randint(0, days - 1))
        stage = rng.choices([1, 2, 3, 4], [55, 30, 12, 3])[0]
        resolved = add_working_days(raised, rng.randint(2, 6) * stage)
        rows.append(
            Escalation(
                raised_by_agency=agencies[by],
                raised_by_name=f"{rng.choice(FIRST)} {rng.choice(LAST)}",
                raised_with_agency=agencies[with_],
                raised_with_name=f"{rng.choice(FIRST)} {rng.choice(LAST)}",
                concern=text,
                theme="ESCALATION",
                raised_at=uk_at(raised),
                stage=stage,
                outcome=rng.choice(["AGREED", "AGREED", "UPHELD", "WITHDRAWN"]) if resolved < ctx.today else "",
                resolved_at=uk_at(resolved, 16) if resolved < ctx.today else None,
            )
        )
    Escalation.objects.bulk_create(rows)
    return len(rows)


def seed_chase(ctx: DemoContext) -> int:
    """Today's chasers for overdue actions (what the daily command would have sent)."""
    today = ctx.today
    overdue = Action.objects.filter(due_date__lt=today).exclude(status=ActionStatus.COMPLETE)
    notes = [
        Notification(
            recipient_agency_id=a.agency_id,
            message=f"Action overdue by {(today - a.due_date).days} days: {a.description}",
            url=f"/partnership/actions/{a.pk}/",
            dedupe_key=f"action-overdue:{a.pk}:{today.isoformat()}",
            created_at=ctx.now,
        )
        for a in overdue
    ]
    Notification.objects.bulk_create(notes)
    return len(notes)
