"""Demo partnership work: two years of reviews, an inspection, audits, training, returns and escalations.

Calibrated to a real partnership's yearly report (practice_reviews_2024_25.csv): each year about
14 adult and 9 children's referrals to the practice review group, 4 rapid reviews, a handful of
safeguarding adult reviews, local learning reviews and thematic work, and about 3 publications.
Rows are written directly (no audit rows: nobody did these things). The stage is here (``seed``) with the
partner contributions, sub-group meetings and the yearly report's sign-off; reviews and the inspection are
in ``partnership_reviews``, audits, training, returns and escalations in ``partnership_assurance``.
"""

from __future__ import annotations

from datetime import datetime, time, timedelta

from django.contrib.auth import get_user_model
from django.db import transaction

from safehub.agencies.models import Agency, Membership
from safehub.core.calendar import UK
from safehub.demo.context import DemoContext
from safehub.demo.partnership_assurance import (
    seed_audits,
    seed_chase,
    seed_escalations,
    seed_self_assessments,
    seed_training,
)
from safehub.demo.partnership_reviews import CORE, seed_inspection, seed_reviews, users_by_agency
from safehub.partnership.models import (
    Attendance,
    Budget,
    CaseReview,
    FundingPartner,
    MeetingAction,
    MeetingAttendance,
    PartnerContribution,
    SectionStatus,
    SubGroup,
    SubGroupMeeting,
    YearlyReportDraft,
    YearlyReportSectionLead,
)


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
            "reviews": seed_reviews(ctx, agencies),
            "inspection actions": seed_inspection(ctx, agencies),
            "audits": seed_audits(ctx, agencies),
            "training events": seed_training(ctx, agencies),
            "returns": seed_self_assessments(ctx, agencies),
            "escalations": seed_escalations(ctx, agencies),
        }
        counts["notifications"] = seed_chase(ctx)
        counts["partner contributions"] = _contributions(ctx)
        counts["meetings"] = _meetings(ctx)
        counts["report drafts"] = _report_draft(ctx)
    return ", ".join(f"{n} {label}" for label, n in counts.items())


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
    _, manager = users_by_agency()
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
    _, manager = users_by_agency()
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
