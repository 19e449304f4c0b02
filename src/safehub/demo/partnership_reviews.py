"""Demo partnership work, part 1: case reviews from referral to assurance, with their recommendations
and actions, and an inspection.

The plan per year follows the real report's counts (see ``safehub.demo.partnership``).
Rows are written directly (no audit rows: nobody did these things)."""

from __future__ import annotations

from datetime import date, datetime, time, timedelta
from typing import TYPE_CHECKING

from django.contrib.auth import get_user_model

from safehub.agencies.models import Agency, Membership
from safehub.core.calendar import UK, add_working_days, due_after_working_days
from safehub.demo.context import DemoContext
from safehub.partnership.models import (
    Action,
    ActionStatus,
    AssuranceCheck,
    CaseReview,
    CaseReviewPerson,
    CaseReviewStageChange,
    FamilyInvolvement,
    Inspection,
    Recommendation,
    ReviewDecision,
    ReviewStage,
)
from safehub.partnership.reviews.services import add_months
from safehub.people.models import Person

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


FIRST = ["Sam", "Alex", "Jo", "Chris", "Pat", "Jamie", "Kim", "Lee", "Nat", "Robin", "Ash", "Toni", "Dana", "Mo"]


LAST = ["Patel", "Smith", "Jones", "Khan", "Brown", "Taylor", "Wilson", "Evans", "Okoro", "Nowak", "Hughes", "Ali"]


def uk_at(day: date, hour: int = 10) -> datetime:
    return datetime.combine(day, time(hour), tzinfo=UK)


def users_by_agency() -> tuple[dict[int, User], User]:
    User = get_user_model()
    by_agency = {
        m.agency_id: m.user
        for m in Membership.objects.select_related("user").filter(user__username__startswith="demo.")
    }
    manager = User.objects.filter(username="demo.partnership").first() or next(iter(by_agency.values()))
    return by_agency, manager


def seed_reviews(ctx: DemoContext, agencies: dict[str, Agency]) -> int:
    rng = ctx.rng("partnership.reviews")
    harm_rng = ctx.rng("partnership.review_harm")  # its own stream: the reviews stay as they were
    today = ctx.today
    users, manager = users_by_agency()
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
            learned_at = uk_at(learned, rng.choice([9, 11, 14, 16]))
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
                subject_id = rng.choice(pool)
                # A SAR's subject: most died (s44 condition 1), the rest survived serious abuse or neglect.
                harm = "" if review.decision != "SAR" else ("DIED" if harm_rng.random() < 0.7 else "SURVIVED")
                CaseReviewPerson.objects.create(review=review, person_id=subject_id, role="SUBJECT", harm=harm)
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
                add_recommendations(review, agencies, rng=rng, today=today, start=approved[0].date())
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
        at = uk_at(day, 15)
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
            review.notified_at = uk_at(notified, 12)
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
    review.decision, review.decided_at, review.decided_by = decision, uk_at(decided, 15), manager
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
        review.rapid_review_completed_at = uk_at(done, 16)
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
        uk_at(commissioned),
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
    review.published_at = uk_at(day)
    review.publication_url = f"https://example.org/hamwic-partnership/reviews/{review.reference.lower()}"
    due = add_months(day, 6)
    if not step(ReviewStage.ASSURANCE_DUE, due, "Six months since publication"):
        return
    step(ReviewStage.CLOSED, due + timedelta(days=rng.randint(10, 40)), "Assurance check completed")


def add_recommendations(
    source, agencies, *, rng, today: date, start: date, field: str = "review", n: int | None = None
) -> int:
    now = uk_at(start)
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


def seed_inspection(ctx: DemoContext, agencies) -> int:
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
    published = uk_at(started + timedelta(days=45))
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
