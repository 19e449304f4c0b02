"""Demo partnership work: two years of reviews, an inspection, audits, training, returns and escalations.

Calibrated to a real partnership's yearly report (practice_reviews_2024_25.csv): each year about
14 adult and 9 children's referrals to the practice review group, 4 rapid reviews, a handful of
safeguarding adult reviews, local learning reviews and thematic work, and about 3 publications.
Rows are written directly (no audit rows: nobody did these things).
"""

from __future__ import annotations

from datetime import date, datetime, time, timedelta
from typing import TYPE_CHECKING

from django.contrib.auth import get_user_model
from django.db import transaction

from safehub.agencies.models import Agency, AgencyKind, Membership
from safehub.core.calendar import UK, add_working_days, due_after_working_days, financial_year_start
from safehub.demo.context import DemoContext
from safehub.partnership.models import (
    AUDIT_QUESTIONS,
    SELF_ASSESSMENT_STANDARDS,
    Action,
    ActionStatus,
    AssuranceCheck,
    Attendance,
    AuditAgencyReturn,
    AuditCase,
    AuditFinding,
    AuditStatus,
    Briefing,
    BriefingRead,
    Budget,
    CaseReview,
    CaseReviewPerson,
    CaseReviewStageChange,
    Escalation,
    FamilyInvolvement,
    FundingPartner,
    Inspection,
    MeetingAction,
    MeetingAttendance,
    MultiAgencyAudit,
    Notification,
    PartnerContribution,
    Priority,
    Rating,
    Recommendation,
    ReviewDecision,
    ReviewStage,
    SectionStatus,
    SelfAssessmentCycle,
    SelfAssessmentRating,
    SelfAssessmentReturn,
    SubGroup,
    SubGroupMeeting,
    TrainingAttendance,
    TrainingCourse,
    TrainingEvent,
    TrainingQualityCheck,
    YearlyReportDraft,
    YearlyReportSectionLead,
)
from safehub.partnership.services import add_months
from safehub.people.models import Involvement, Person

if TYPE_CHECKING:
    from django.contrib.auth.models import User

CORE = ["HCC-CSC", "HCC-ASC", "WPOL", "HW-ICB", "HUH", "HCH", "SCAS", "PROB", "YJS", "HOUSE", "VOL-HDAS", "CARE-OAK"]
ADULT_NAMES = [
    "Anna",
    "Gianbir",
    "Maureen",
    "Derek",
    "Tomasz",
    "Precious",
    "Colin",
    "Aisha",
    "Frank",
    "Jean",
    "Kofi",
    "Brenda",
    "Pawel",
    "Sandra",
    "Raymond",
    "Joyce",
    "Imran",
    "Lorraine",
    "Victor",
    "Elsie",
    "Mark",
    "Hilda",
    "Stanley",
    "Yvonne",
    "Neil",
    "Rita",
    "Gordon",
    "Sheila",
]
CHILD_NAMES = [
    "Lily",
    "Stephen",
    "Child M",
    "Kai",
    "Baby R",
    "Amelia",
    "Jayden",
    "Ruby",
    "Tyler",
    "Baby S",
    "Maisie",
    "Leo",
    "Ellie-Mae",
    "Finley",
    "Child T",
    "Harper",
    "Mason",
    "Zara",
]
ADULT_THEMES = [
    "SELF_NEGLECT",
    "NEGLECT",
    "SUBSTANCE_USE",
    "MENTAL_HEALTH",
    "CULTURALLY_INCLUSIVE",
    "TRANSITIONS",
    "HOMELESSNESS",
    "MENTAL_CAPACITY",
    "ESCALATION",
    "DOMESTIC_ABUSE",
]
CHILD_THEMES = [
    "EXPLOITATION",
    "SEXUAL_ABUSE",
    "PHYSICAL_ABUSE",
    "NEGLECT",
    "SUBSTANCE_USE",
    "DOMESTIC_ABUSE",
    "VOICE",
    "PROFESSIONAL_CURIOSITY",
    "TRANSITIONS",
]
# Per year: (subject, decision path). Paths: SAR, DARDR, LLR (local learning), THEMATIC, NONE, RR_CSPR, RR_LLR, RR_NONE
YEAR_PLAN = {
    0: ["SAR"] * 4
    + ["DARDR"]
    + ["LLR"] * 2
    + ["THEMATIC"] * 2
    + ["NONE"] * 5  # adults (14)
    + ["RR_CSPR", "RR_LLR", "RR_LLR", "RR_NONE"]
    + ["THEMATIC"] * 3
    + ["NONE"] * 2,  # children (9)
    1: ["SAR"] * 6
    + ["LLR"] * 2
    + ["THEMATIC"] * 2
    + ["NONE"] * 4
    + ["RR_LLR", "RR_LLR", "RR_NONE", "RR_NONE"]
    + ["THEMATIC"] * 4
    + ["NONE"],
}
REC_TEXTS = [
    "Agencies should use professional curiosity to look beyond the presenting concern.",
    "Partners should escalate using the resolving professional differences protocol when plans stall.",
    "Practitioners should seek the person's voice away from family members, using an independent interpreter.",
    "The partnership should embed the unborn baby protocol with pharmacies and outreach services.",
    "Agencies should share written records of strategy meetings with every partner involved.",
    "Mental capacity assessments should be decision-specific and recorded when risk is refused.",
    "Transitions planning should start at 14 for young people likely to need adult services.",
    "Multi-agency risk management meetings should be used for self-neglect where engagement is difficult.",
]
ACTION_TEXTS = [
    "Deliver a briefing to all front-line staff",
    "Audit 10 cases to test that the change is embedded",
    "Update the single-agency policy and procedures",
    "Add the learning to induction and level 2 training",
    "Report progress to the practice review group",
    "Review supervision templates to prompt reflection",
]
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
FIRST = ["Sam", "Alex", "Jo", "Chris", "Pat", "Jamie", "Kim", "Lee", "Nat", "Robin", "Ash", "Toni", "Dana", "Mo"]
LAST = ["Patel", "Smith", "Jones", "Khan", "Brown", "Taylor", "Wilson", "Evans", "Okoro", "Nowak", "Hughes", "Ali"]
GRADES = ["OUTSTANDING", "GOOD", "GOOD", "GOOD", "REQUIRES_IMPROVEMENT", "REQUIRES_IMPROVEMENT", "INADEQUATE"]


def _at(day: date, hour: int = 10) -> datetime:
    return datetime.combine(day, time(hour), tzinfo=UK)


def seed(ctx: DemoContext) -> str:
    if CaseReview.objects.exists():
        # added after the first demos were loaded
        made = {"partner contributions": _contributions(ctx), "meetings": _meetings(ctx),
                "report drafts": _report_draft(ctx)}  # fmt: skip
        added = ", ".join(f"{n} {label}" for label, n in made.items() if n)
        return f"already loaded (added {added})" if added else "already loaded"
    agencies = {a.code: a for a in Agency.objects.filter(code__in=CORE + ["HSP"])}
    if "HSP" not in agencies:
        return "skipped: load the agencies stage first"
    with transaction.atomic():
        counts = {
            "reviews": _reviews(ctx, agencies),
            "inspection actions": _inspection(ctx, agencies),
            "audits": _audits(ctx, agencies),
            "training events": _training(ctx, agencies),
            "returns": _self_assessments(ctx, agencies),
            "escalations": _escalations(ctx, agencies),
        }
        counts["notifications"] = _chase(ctx)
        counts["partner contributions"] = _contributions(ctx)
        counts["meetings"] = _meetings(ctx)
        counts["report drafts"] = _report_draft(ctx)
    return ", ".join(f"{n} {label}" for label, n in counts.items())


def _users_by_agency() -> tuple[dict[int, User], User]:
    User = get_user_model()
    by_agency = {
        m.agency_id: m.user
        for m in Membership.objects.select_related("user").filter(user__username__startswith="demo.")
    }
    manager = User.objects.filter(username="demo.partnership").first() or next(iter(by_agency.values()))
    return by_agency, manager


def _reviews(ctx: DemoContext, agencies: dict[str, Agency]) -> int:
    rng = ctx.rng("partnership.reviews")
    today = ctx.today
    users, manager = _users_by_agency()
    adult_ids = list(
        Person.objects.filter(date_of_birth__lt=date(today.year - 19, 1, 1)).values_list("pk", flat=True)[:4000]
    )
    child_ids = list(
        Person.objects.filter(date_of_birth__gt=date(today.year - 16, 1, 1)).values_list("pk", flat=True)[:4000]
    )
    adult_names, child_names = list(ADULT_NAMES), list(CHILD_NAMES)
    rng.shuffle(adult_names)
    rng.shuffle(child_names)
    adult_referrers = ["HCC-ASC", "WPOL", "HUH", "HCH", "HW-ICB", "HOUSE", "PROB", "VOL-HDAS", "CARE-OAK"]
    child_referrers = ["HCC-CSC", "WPOL", "HUH", "HCH", "YJS"]
    made = 0
    seq: dict[int, int] = {}
    for year_index in range(2):
        year_start = ctx.start + timedelta(days=365 * year_index)
        plan = list(YEAR_PLAN[year_index])
        for n, path in enumerate(plan):
            is_child = path.startswith("RR") or (n >= 14 and path in {"THEMATIC", "NONE"})
            is_death = path == "DARDR"
            learned = year_start + timedelta(days=int(rng.uniform(0, 360)))
            if learned >= today:
                continue
            learned_at = _at(learned, rng.choice([9, 11, 14, 16]))
            seq[learned.year] = seq.get(learned.year, 0) + 1
            referrer = agencies.get(rng.choice(child_referrers if is_child else adult_referrers)) or agencies["HSP"]
            title = (
                (child_names if is_child else adult_names).pop()
                if (child_names if is_child else adult_names)
                else f"Case {n}"
            )
            themes = sorted(set(rng.sample(CHILD_THEMES if is_child else ADULT_THEMES, rng.choice([2, 3]))))
            review = CaseReview(
                reference=f"PRG-{learned.year}-{seq[learned.year]:02d}",
                title=title,
                subject="CHILD" if is_child else ("DEATH" if is_death else "ADULT"),
                summary=_summary(themes, is_child),
                referring_agency=referrer,
                referred_by=users.get(referrer.pk, manager),
                referred_at=learned_at,
                learned_at=learned_at,
                incident_date=learned - timedelta(days=rng.randint(1, 20)),
                notifiable=path.startswith("RR"),
                themes=themes,
                stage=ReviewStage.REFERRED,
                stage_changed_at=learned_at,
            )
            history = [(None, ReviewStage.REFERRED, learned_at, "")]
            _progress(review, path, history, rng=rng, today=today, manager=manager)
            review.save()
            CaseReviewStageChange.objects.bulk_create(
                [
                    CaseReviewStageChange(
                        review=review,
                        from_stage=f or "",
                        to_stage=t,
                        changed_at=at,
                        changed_by=manager if f else review.referred_by,
                        note=note,
                    )
                    for f, t, at, note in history
                ]
            )
            pool = child_ids if is_child else adult_ids
            if pool:
                CaseReviewPerson.objects.create(review=review, person_id=rng.choice(pool), role="SUBJECT")
            if review.published_at:
                due = add_months(review.published_at.date(), 6)
                check = AssuranceCheck(review=review, due_date=due)
                if review.stage == ReviewStage.CLOSED:
                    check.completed_at, check.completed_by = review.closed_at, manager
                    check.learning_embedded = rng.random() < 0.8
                    check.outcome = "Single-agency audits show the learning in practice; the briefing is in induction."
                check.save()
            approved = [at for _, to, at, _ in history if to == ReviewStage.APPROVED]
            if approved:  # the action plan is agreed with the final report
                _recommendations(review, agencies, rng=rng, today=today, start=approved[0].date())
            made += 1
    return made


def _summary(themes: list[str], is_child: bool) -> str:
    from safehub.partnership.models import Theme

    who = "A child known to several agencies" if is_child else "An adult with care and support needs"
    return f"{who}; concerns about {', '.join(Theme(t).label.lower() for t in themes)}."


def _progress(review: CaseReview, path: str, history: list, *, rng, today: date, manager) -> None:
    """Walk the review along its stages as far as the days since referral allow."""

    def step(to: str, day: date, note: str = "") -> bool:
        if day > today:
            return False
        at = _at(day, 15)
        history.append((review.stage, to, at, note))
        review.stage, review.stage_changed_at = to, at
        if to == ReviewStage.CLOSED:
            review.closed_at = at
        return True

    learned = review.learned_at.date()
    if review.notifiable:
        review.notification_due_at = due_after_working_days(review.learned_at, 5)
        notified = add_working_days(learned, rng.choice([1, 2, 3, 4, 5, 5, 7]))
        if notified <= today:
            review.notified_at = _at(notified, 12)
            review.rapid_review_due_at = due_after_working_days(review.notified_at, 15)
    decided = learned + timedelta(days=rng.randint(14, 40))
    if path.startswith("RR"):
        decided = add_working_days(learned, 2)
    decision = {
        "SAR": "SAR",
        "DARDR": "DARDR",
        "LLR": "LOCAL_LEARNING",
        "THEMATIC": "THEMATIC",
        "NONE": "NO_REVIEW",
    }.get(path, "RAPID_REVIEW")
    if not step(ReviewStage.DECIDED, decided, ReviewDecision(decision).label):
        return
    review.decision, review.decided_at, review.decided_by = decision, _at(decided, 15), manager
    review.decision_rationale = {
        "SAR": "Section 44 criteria met: the adult died or suffered serious abuse or neglect and agencies could have worked together more effectively.",
        "DARDR": "A death in which domestic abuse appears to have been a factor.",
        "LOCAL_LEARNING": "Criteria for a statutory review not met, but there is valuable local learning.",
        "THEMATIC": "Similar to other referrals; to be considered within the thematic review.",
        "NO_REVIEW": "Criteria not met; single-agency learning has been identified and is under way.",
        "RAPID_REVIEW": "Serious child safeguarding incident notified; a rapid review is needed.",
    }[decision]
    if decision in {"THEMATIC", "NO_REVIEW"}:
        step(ReviewStage.CLOSED, decided, review.get_decision_display())
        return
    start = decided
    if decision == "RAPID_REVIEW":
        if not step(ReviewStage.RAPID_REVIEW, decided):
            return
        done = add_working_days(review.notified_at or decided, rng.choice([10, 12, 14, 15, 15, 17]))
        if done > today:
            return
        review.rapid_review_completed_at = _at(done, 16)
        review.decision = {"RR_CSPR": "CSPR", "RR_LLR": "LOCAL_LEARNING", "RR_NONE": "NO_REVIEW"}[path]
        review.decision_rationale += (
            f"\n\nRapid review: {'national learning likely' if path == 'RR_CSPR' else 'learning is local'}."
        )
        if path == "RR_NONE":
            step(ReviewStage.CLOSED, done, "Rapid review: no further review")
            return
        start = done
    review.family_involvement = rng.choice(
        [FamilyInvolvement.CONTRIBUTED, FamilyInvolvement.INVITED, FamilyInvolvement.DECLINED]
    )
    commissioned = start + timedelta(days=rng.randint(20, 45))
    if not step(ReviewStage.COMMISSIONED, commissioned, "Independent reviewer"):
        return
    review.reviewer, review.commissioned_at = (
        rng.choice(["J. Hartley (independent)", "M. Osei (independent)", "Partnership team"]),
        _at(commissioned),
    )
    lengths = [
        (ReviewStage.IN_PROGRESS, 14),
        (ReviewStage.DRAFT, rng.randint(120, 200)),
        (ReviewStage.APPROVED, rng.randint(25, 50)),
    ]
    day = commissioned
    for stage, days in lengths:
        day += timedelta(days=days)
        if not step(stage, day):
            return
    publishes = review.decision in {"SAR", "CSPR", "DARDR"}
    day += timedelta(days=rng.randint(14, 35))
    if not publishes:
        step(ReviewStage.CLOSED, day, "Learning shared through briefings; not for publication")
        return
    if not step(ReviewStage.PUBLISHED, day):
        return
    review.published_at = _at(day)
    review.publication_url = f"https://example.org/hamwic-partnership/reviews/{review.reference.lower()}"
    due = add_months(day, 6)
    if not step(ReviewStage.ASSURANCE_DUE, due, "Six months since publication"):
        return
    step(ReviewStage.CLOSED, due + timedelta(days=rng.randint(10, 40)), "Assurance check completed")


def _recommendations(
    source, agencies, *, rng, today: date, start: date, field: str = "review", n: int | None = None
) -> int:
    now = _at(start)
    recs = []
    for i, text in enumerate(rng.sample(REC_TEXTS, n or rng.randint(3, 5)), start=1):
        recs.append(
            Recommendation(
                **{field: source}, number=i, text=text, created_at=now, lead_agency=agencies[rng.choice(CORE[:6])]
            )
        )
    Recommendation.objects.bulk_create(recs)
    actions = []
    for rec in recs:
        for _ in range(rng.randint(1, 3)):
            due = start + timedelta(days=rng.randint(60, 300))
            agency = agencies[rng.choice(CORE)]
            elapsed = (today - due).days
            if elapsed > 0 and rng.random() < 0.8 or elapsed <= 0 and rng.random() < 0.25:
                status = ActionStatus.COMPLETE
            elif rng.random() < 0.6:
                status = ActionStatus.IN_PROGRESS
            else:
                status = ActionStatus.NOT_STARTED
            complete = status == ActionStatus.COMPLETE
            completed = min(today, due - timedelta(days=rng.randint(-10, 30))) if complete else None
            actions.append(
                Action(
                    recommendation=rec,
                    description=rng.choice(ACTION_TEXTS),
                    agency=agency,
                    owner_name=f"{rng.choice(FIRST)} {rng.choice(LAST)}",
                    due_date=due,
                    status=status,
                    completed_date=max(completed, start) if completed else None,
                    evidence="Briefing delivered to 120 staff; audit of 10 cases attached."
                    if complete
                    else ("Draft policy at governance board." if status == ActionStatus.IN_PROGRESS else ""),
                    updated_at=now,
                )
            )
    Action.objects.bulk_create(actions)
    return len(actions)


def _inspection(ctx: DemoContext, agencies) -> int:
    rng = ctx.rng("partnership.inspection")
    started = max(ctx.start + timedelta(days=60), min(date(2025, 5, 19), ctx.today - timedelta(days=120)))
    started -= timedelta(days=started.weekday())  # a Monday
    inspection = Inspection.objects.create(
        title="Joint targeted area inspection: identification of initial need and risk",
        kind=Inspection.Kind.JTAI,
        inspectorates="Ofsted, CQC, HMICFRS",
        started_date=started,
        ended_date=started + timedelta(days=4),
        letter_published_date=started + timedelta(days=45),
        action_plan_due_date=started + timedelta(days=158),
        summary="A caring, child-centred partnership with high-quality practice; three areas for improvement.",
    )
    published = _at(started + timedelta(days=45))
    areas = [
        ("The timeliness of high-risk referrals by the police to the children's resource service.", "WPOL"),
        ("The capacity of the health navigator role to respond to all requests for information.", "HW-ICB"),
        (
            "Arrangements to share written records of strategy meetings and the outcomes of assessments, including child protection enquiries, with partners involved with the child and family.",
            "HCC-CSC",
        ),
    ]
    pcc = [
        ("Ensure timely police recognition and referral, minimising delays to strategy meetings.", "WPOL"),
        ("Extend notification processes (Operation Encompass) to early years providers.", "HCC-CSC"),
        ("Improve recording of ethnicity and the child's voice at the earliest point of contact.", "WPOL"),
        ("Strengthen risk and missing-child assessments through training and audit.", "WPOL"),
        ("Enhance feedback loops: police receive timely written records of strategy meetings.", "HCC-CSC"),
    ]
    recs = [
        Recommendation(
            inspection=inspection,
            number=i,
            kind=Recommendation.Kind.AREA_FOR_IMPROVEMENT,
            text=text,
            made_by="Inspection letter",
            lead_agency=agencies[code],
            created_at=published,
        )
        for i, (text, code) in enumerate(areas, start=1)
    ] + [
        Recommendation(
            inspection=inspection,
            number=i,
            kind=Recommendation.Kind.RECOMMENDATION,
            text=text,
            made_by="Police and Crime Commissioner's response",
            lead_agency=agencies[code],
            created_at=published,
        )
        for i, (text, code) in enumerate(pcc, start=4)
    ]
    Recommendation.objects.bulk_create(recs)
    texts = {
        "WPOL": [
            "Repeat the referral timeliness audit quarterly through child-centred policing champions",
            "Refresh officer CPD training and the Crime Knowledge Hub on risk recognition",
        ],
        "HW-ICB": ["Review health navigator capacity across the four areas and recruit to the gap"],
        "HCC-CSC": [
            "Send written strategy meeting records to all partners within one working day",
            "Add early years settings to the domestic abuse notification process",
        ],
    }
    actions = []
    for rec in recs:
        code = next(c for c, a in agencies.items() if a.pk == rec.lead_agency_id)
        for text in texts.get(code, ["Agree and report an action"])[: rng.randint(1, 2)]:
            due = published.date() + timedelta(days=rng.randint(60, 240))
            done = due < ctx.today and rng.random() < 0.6
            actions.append(
                Action(
                    recommendation=rec,
                    description=text,
                    agency=rec.lead_agency,
                    owner_name=f"{rng.choice(FIRST)} {rng.choice(LAST)}",
                    due_date=due,
                    status=ActionStatus.COMPLETE if done else ActionStatus.IN_PROGRESS,
                    completed_date=due if done else None,
                    evidence="Audit shows 2 of 40 referrals outside the limit." if done else "",
                    updated_at=published,
                )
            )
    Action.objects.bulk_create(actions)
    return len(actions)


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


def _audits(ctx: DemoContext, agencies) -> int:
    rng = ctx.rng("partnership.audits")
    _, manager = _users_by_agency()
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
            created_at=_at(planned),
            status=AuditStatus.COMPLETE if complete else AuditStatus.IN_PROGRESS,
            completed_at=_at(add_months(planned, 2)) if complete else None,
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
                        submitted_at=_at(planned + timedelta(days=rng.randint(7, 30))),
                        answers={code: rng.choice(answers_text) for code, _ in AUDIT_QUESTIONS[tool]},
                    )
                )
        AuditAgencyReturn.objects.bulk_create(returns)
        if complete:
            AuditFinding.objects.bulk_create(
                [AuditFinding(audit=item, kind=k, theme=t, text=x) for k, t, x in FINDINGS[tool]]
            )
            _recommendations(item, agencies, rng=rng, today=ctx.today, start=add_months(planned, 2), field="audit", n=2)
        made += 1
    return made


def _training(ctx: DemoContext, agencies) -> int:
    rng = ctx.rng("partnership.training")
    _, manager = _users_by_agency()
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
                starts_at=_at(day, rng.choice([9, 10, 13])),
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
        published = _at(ctx.start + timedelta(days=int((i + 0.5) * days / len(briefing_topics))))
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


def _self_assessments(ctx: DemoContext, agencies) -> int:
    rng = ctx.rng("partnership.self_assessment")
    _, manager = _users_by_agency()
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
                        submitted_at=_at(date(year, 9, rng.randint(1, 30))) if rng.random() < 0.85 else None,
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


def _escalations(ctx: DemoContext, agencies) -> int:
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
                raised_at=_at(raised),
                stage=stage,
                outcome=rng.choice(["AGREED", "AGREED", "UPHELD", "WITHDRAWN"]) if resolved < ctx.today else "",
                resolved_at=_at(resolved, 16) if resolved < ctx.today else None,
            )
        )
    Escalation.objects.bulk_create(rows)
    return len(rows)


def _chase(ctx: DemoContext) -> int:
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


# The published 2024-25 contributions (shared/reference finance_contributions_2024_25.csv), under the
# demo city's names; 2025-26 is the same with a 3% uplift, rounded to the pound (made up).
CONTRIBUTIONS_2024_25 = [
    (Budget.CHILDREN_PARTNERSHIP, FundingPartner.LOCAL_AUTHORITY, "Hamwic City Council", 141062),
    (Budget.CHILDREN_PARTNERSHIP, FundingPartner.ICB, "Hamwic and Wessex ICB", 65214),
    (Budget.CHILDREN_PARTNERSHIP, FundingPartner.POLICE, "Wessex Constabulary", 26353),
    (Budget.CHILDREN_PARTNERSHIP, FundingPartner.PROBATION, "Probation Service", 3799),
    (Budget.ADULTS_BOARD, FundingPartner.LOCAL_AUTHORITY, "Hamwic City Council", 108479),
    (Budget.ADULTS_BOARD, FundingPartner.ICB, "Hamwic and Wessex ICB", 63734),
    (Budget.ADULTS_BOARD, FundingPartner.POLICE, "Wessex Constabulary", 25494),
]
CONTRIBUTION_UPLIFT = {"2024-25": 1.0, "2025-26": 1.03}


def _contributions(ctx: DemoContext) -> int:
    if PartnerContribution.objects.exists():
        return 0
    rows = [
        PartnerContribution(
            year=year,
            budget=budget,
            partner=partner,
            organisation_name=name,
            amount_gbp=round(amount * uplift),
            in_kind="Venue and administration for sub-group meetings"
            if partner == FundingPartner.LOCAL_AUTHORITY
            else "",
            recorded_at=ctx.now,
        )
        for year, uplift in CONTRIBUTION_UPLIFT.items()
        for budget, partner, name, amount in CONTRIBUTIONS_2024_25
    ]
    PartnerContribution.objects.bulk_create(rows)
    return len(rows)


# ---------------------------------------------------------------------------------------------
# Sub-group meetings and the yearly report's sign-off
# ---------------------------------------------------------------------------------------------

# Who sits on each sub-group (agency codes), how often it meets (weeks) and what it decides.
MEETING_PLAN: dict[str, tuple[list[str], int, list[str]]] = {
    SubGroup.PRACTICE_REVIEW: (
        ["HCC-CSC", "HCC-ASC", "WPOL", "HW-ICB", "HUH", "PROB"],
        6,
        [
            "Referral considered: criteria for a safeguarding adult review met; review commissioned",
            "Rapid review outcome agreed and sent to the national panel",
            "Learning briefing on professional curiosity approved for publication",
            "Assurance check on published review actions accepted",
            "Thematic review scope agreed: self-neglect and hoarding",
        ],
    ),
    SubGroup.PERFORMANCE: (
        ["HCC-CSC", "HCC-ASC", "WPOL", "HW-ICB", "HCH", "YJS"],
        8,
        [
            "Audit programme for the next quarter agreed",
            "Neglect audit findings accepted; actions set for health and children's services",
            "Data dashboard to include re-referral rates by locality",
            "Front-door timeliness exception report to go to the executive",
        ],
    ),
    SubGroup.LEARNING: (
        ["HCC-CSC", "HCC-ASC", "WPOL", "HCH", "VOL-HDAS", "CARE-OAK"],
        8,
        [
            "Training programme for the next term agreed",
            "Course evaluation scores reviewed; mental capacity course to be refreshed",
            "Practice week on child sexual abuse to run in the autumn",
        ],
    ),
    SubGroup.EDUCATION: (
        ["HCC-CSC", "WPOL", "HCH", "YJS"],
        8,
        [
            "Attendance action plan for persistent absence agreed",
            "Section 175 return timetable agreed with schools",
            "Elective home education guidance to be reissued",
        ],
    ),
    SubGroup.EXECUTIVE: (
        ["HCC-CSC", "HCC-ASC", "WPOL", "HW-ICB"],
        12,
        [
            "Budget for the year agreed by the three statutory partners",
            "Independent scrutineer's report accepted",
            "Strategic priorities reviewed; no change",
        ],
    ),
}
MEETING_ACTIONS = [
    "Circulate the learning briefing to all frontline teams",
    "Report back on the audit actions at the next meeting",
    "Share the updated escalation protocol with managers",
    "Provide the quarter's data return to the business unit",
    "Arrange a practitioner event on the review's findings",
]


def _meetings(ctx: DemoContext) -> int:
    """Meetings of each sub-group over the demo's years, with attendance, decisions and actions."""
    if SubGroupMeeting.objects.exists():
        return 0
    agencies = {a.code: a for a in Agency.objects.filter(code__in=CORE)}
    _, manager = _users_by_agency()
    rng = ctx.rng("partnership.meetings")
    today = ctx.today
    made = 0
    for group, (codes, every, decisions) in MEETING_PLAN.items():
        members = [agencies[c] for c in codes if c in agencies]
        if not members:
            continue
        day = today - timedelta(days=365 * ctx.years) + timedelta(days=rng.randint(0, 20))
        while day < today:
            held = datetime.combine(day, time(10), tzinfo=UK)
            meeting = SubGroupMeeting.objects.create(
                group=group, held_at=held, chair_name=rng.choice(["Independent chair", "Deputy chair"]),
                summary="Standing items, data report and the group's action log.",
                decisions="\n".join(rng.sample(decisions, k=min(len(decisions), rng.randint(1, 3)))),
                recorded_at=held + timedelta(days=2), recorded_by=manager,
            )  # fmt: skip
            rows = []
            for agency in members:
                roll = rng.random()
                status = (
                    Attendance.PRESENT if roll < 0.82 else Attendance.APOLOGIES if roll < 0.95 else Attendance.ABSENT
                )
                rows.append(MeetingAttendance(meeting=meeting, agency=agency, status=status))
            MeetingAttendance.objects.bulk_create(rows)
            actions = []
            for _ in range(rng.randint(0, 3)):
                due = day + timedelta(weeks=rng.randint(3, 10))
                late = rng.random() < 0.15
                done = due <= today and not late
                actions.append(MeetingAction(
                    meeting=meeting, description=rng.choice(MEETING_ACTIONS), agency=rng.choice(members),
                    owner_name=rng.choice(["Service manager", "Named nurse", "Detective inspector", "Head of service"]),
                    due_date=due, completed_date=min(due - timedelta(days=rng.randint(0, 14)), today) if done else None,
                ))  # fmt: skip
            MeetingAction.objects.bulk_create(actions)
            made += 1
            day += timedelta(weeks=every, days=rng.randint(-3, 3))
    return made


SCRUTINEER = ("demo.scrutineer", "Helen", "Marsh", "Independent scrutineer")
SECTION_LEADS = {"MASH": "demo.police", "EDUCATION": "demo.dsl", "ADOLESCENTS": "demo.socialworker",
                 "REVIEWS": "demo.partnership", "LEARNING": "demo.nurse"}  # fmt: skip


def _report_draft(ctx: DemoContext) -> int:
    """The independent scrutineer (a member of the business unit with the approval permission) and the
    sign-off of last year's report under way: sections with their leads, some ready."""
    from django.contrib.auth.hashers import make_password

    from safehub.demo.context import DEMO_PASSWORD
    from safehub.insight.selectors import year_before, year_of

    User = get_user_model()
    hsp = Agency.objects.filter(code="HSP").first()
    if hsp is None or YearlyReportDraft.objects.exists():
        return 0
    username, first, last, title = SCRUTINEER
    scrutineer = User.objects.filter(username=username).first()
    if scrutineer is None:
        scrutineer = User.objects.create(username=username, first_name=first, last_name=last,
                                         email=f"{username}@example.org", password=make_password(DEMO_PASSWORD))  # fmt: skip
        Membership.objects.create(user=scrutineer, agency=hsp, role="PARTNERSHIP_MANAGER", job_title=title)
    _, manager = _users_by_agency()
    year = year_before(year_of(ctx.today))
    started = ctx.now - timedelta(days=20)
    draft = YearlyReportDraft.objects.create(year=year, scrutineer=scrutineer, started_by=manager, started_at=started)
    users = {u.username: u for u in User.objects.filter(username__in=SECTION_LEADS.values())}
    rng = ctx.rng("partnership.report_draft")
    for key, username in SECTION_LEADS.items():
        if username in users:
            ready = rng.random() < 0.5
            YearlyReportSectionLead.objects.create(
                draft=draft, key=key, lead=users[username], assigned_at=started,
                status=SectionStatus.READY if ready else SectionStatus.WITH_LEAD,
                ready_at=started + timedelta(days=rng.randint(2, 15)) if ready else None,
            )  # fmt: skip
    return 1
