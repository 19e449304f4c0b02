"""Demo Mental Capacity Act records and pathways, built on the demo's adult enquiries.

Volumes (scale 1): a capacity assessment for most enquiries where capacity was in question,
best-interests decisions for about half of those lacking capacity, a few hundred DoLS requests a
year (a third with an urgent authorisation; many waiting past 21 days, as in most councils),
Care Act s68 advocates and IMCAs, a handful of self-neglect cases, one large-scale enquiry at a
care home, and three position-of-trust referrals. Dates follow ``adults/rules.py``.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from datetime import UTC, date, datetime, time, timedelta

from safehub.adults import rules
from safehub.adults.models import Enquiry
from safehub.adults.models_mca import (
    Advocacy,
    BestInterestsDecision,
    CapacityAssessment,
    DolsApplication,
    DolsKind,
    DolsOutcome,
)
from safehub.adults.models_pathways import (
    PositionOfTrustCase,
    ProviderCase,
    ProviderQualityAction,
    SelfNeglectAction,
    SelfNeglectCase,
    SelfNeglectMeeting,
)
from safehub.adults.services_mca import standard_decision_due, urgent_days
from safehub.agencies.models import Agency, AgencyKind
from safehub.pathways.models import LadoCase  # read only: the LADO case a PiPoT referral was made to
from safehub.people.models import Involvement

DECISIONS = ("Where to live", "Accepting care at home", "Managing money", "Contact with a family member",
             "Medical treatment for a leg ulcer")  # fmt: skip


def seed_pathways(
    rng,
    *,
    today: date,
    now: datetime,
    council: Agency,
    enquiries: list[Enquiry],
    user,
    older_people: Sequence[int] = (),
    scale: float = 1.0,
) -> str:
    """Create the MCA records and pathways for the demo's enquiries; return what was made."""
    if user is None or not enquiries:
        return "no MCA records (no adult social care user or enquiries)"
    homes = list(Agency.objects.filter(kind__in=[AgencyKind.CARE_PROVIDER, AgencyKind.HEALTH_TRUST]).order_by("pk"))
    if not homes:
        return "no MCA records (no care homes or hospitals)"
    assessments, decisions = [], []
    for e in enquiries:
        if e.lacked_capacity not in ("YES", "NO") or rng.random() > 0.8:
            continue
        lacks = e.lacked_capacity == "YES"
        functional = rules.FunctionalTest(True, not lacks or rng.random() < 0.5, not lacks, True)
        assessments.append(
            CapacityAssessment(
                person_id=e.person_id, enquiry=e, agency=council, decision=rng.choice(DECISIONS),
                impairment=lacks or rng.random() < 0.3, impairment_detail="Dementia" if lacks else "",
                can_understand=functional.understand, can_retain=functional.retain,
                can_use_or_weigh=functional.use_or_weigh, can_communicate=functional.communicate,
                because_of_impairment=lacks, outcome="LACKS_CAPACITY" if lacks else "HAS_CAPACITY",
                support_given="Seen at home in the morning, with large-print information and a family member",
                assessed_on=e.planning_date or e.started_date, assessor=user, assessor_role="Social worker",
                recorded_at=now,
            )
        )  # fmt: skip
    CapacityAssessment.objects.bulk_create(assessments, batch_size=2000)
    for a in assessments:
        if a.outcome == "LACKS_CAPACITY" and rng.random() < 0.5:
            decisions.append(
                BestInterestsDecision(
                    assessment=a, decision="Care and support at home increased; trial respite stay offered",
                    persons_views="Wants to stay at home with her cat", consulted="Daughter (LPA), GP, care provider",
                    least_restrictive_option="More home care before any move", decided_on=a.assessed_on,
                    decided_by=user, recorded_at=now,
                )
            )  # fmt: skip
    BestInterestsDecision.objects.bulk_create(decisions, batch_size=2000)

    dols = _dols(rng, today=today, now=now, council=council, enquiries=enquiries, homes=homes, user=user,
                 older_people=older_people, scale=scale)  # fmt: skip
    advocacy = []
    for e in enquiries:
        if e.kind == "S42" and rng.random() < 0.18:
            advocacy.append(Advocacy(
                person_id=e.person_id, enquiry=e, council=council, kind="CARE_ACT_S68", substantial_difficulty=True,
                appropriate_individual=False, referred_on=e.started_date,
                started_on=min(e.started_date + timedelta(days=rng.randint(2, 10)), today),
                advocate="Solent Advocacy", recorded_by=user, recorded_at=now,
            ))  # fmt: skip
        elif e.lacked_capacity == "YES" and rng.random() < 0.1:
            advocacy.append(Advocacy(
                person_id=e.person_id, enquiry=e, council=council, kind="IMCA", lacks_capacity=True,
                anyone_to_consult=False, referred_on=e.started_date, advocate="Solent Advocacy (IMCA)",
                recorded_by=user, recorded_at=now,
            ))  # fmt: skip
    Advocacy.objects.bulk_create(advocacy, batch_size=2000)
    neglect = _self_neglect(rng, today=today, council=council, enquiries=enquiries, user=user, scale=scale)
    large = _large_scale(rng, today=today, council=council, enquiries=enquiries, homes=homes, user=user)
    pipot = _pipot(today=today, council=council, homes=homes, user=user)
    return (
        f"{len(assessments):,} capacity assessments, {len(decisions):,} best-interests decisions, {dols:,} DoLS "
        f"requests, {len(advocacy):,} advocates, {neglect} self-neglect cases, {large}, {pipot} PiPoT referrals"
    )


def _dols(rng, *, today, now, council, enquiries, homes, user, older_people=(), scale=1.0) -> int:
    """DoLS requests as a supervisory body receives them: about 1,200 a year at scale 1 (265,000 people).

    Requests arrive every working day; most are decided within a few weeks (some past 21 days, as in
    most councils); granted authorisations run 3, 6 or 12 months and are reviewed every 90 days, so
    the worklist holds today's undecided requests and the running authorisations with reviews coming up.
    People: adults lacking capacity in an enquiry, and older people in care homes and hospitals.
    """
    lacking = sorted({e.person_id for e in enquiries if e.lacked_capacity == "YES"})
    lacking_set = set(lacking)
    candidates = lacking + [p for p in older_people if p not in lacking_set]
    if not candidates:
        return 0
    first = min(e.started_date for e in enquiries)
    span = max(1, (today - first).days)
    n = min(len(candidates), max(1, round(1200 * scale * span / 365)))
    from_enquiries = lacking[: n // 3]
    others = candidates[len(from_enquiries) :]
    people = from_enquiries + rng.sample(others, min(n - len(from_enquiries), len(others)))
    rows, involved = [], []
    days = urgent_days()  # the settings table's numbers, as the service uses
    recent = max(4, round(len(people) * 30 / span))  # the last month's requests, at least a few at any scale
    for i, person_id in enumerate(people):
        requested = today - timedelta(days=rng.randrange(30 if i < recent else span))
        if requested.weekday() >= 5:
            requested -= timedelta(days=requested.weekday() - 4)
        urgent = requested if rng.random() < 0.33 else None
        wait = max(1, int(rng.lognormvariate(math.log(16), 0.55)))
        decided = requested + timedelta(days=wait)
        app = DolsApplication(
            person_id=person_id, supervisory_body=council, managing_authority=rng.choice(homes),
            kind=DolsKind.URGENT if urgent else DolsKind.STANDARD, requested_on=requested,
            decision_due=standard_decision_due(requested), urgent_granted_on=urgent,
            urgent_last_day=rules.urgent_last_day(urgent, **days) if urgent else None, recorded_by=user, recorded_at=now,
        )  # fmt: skip
        if urgent and wait > 7 and rng.random() < 0.6 and urgent + timedelta(days=5) <= today:
            app.urgent_extended_on = urgent + timedelta(days=5)
            app.urgent_last_day = rules.urgent_last_day(urgent, extended=True, **days)
        if decided <= today:
            app.decided_on = decided
            app.outcome = rng.choices([DolsOutcome.GRANTED, DolsOutcome.NOT_GRANTED, DolsOutcome.WITHDRAWN],
                                      weights=[75, 8, 17])[0]  # fmt: skip
            if app.outcome == DolsOutcome.GRANTED:
                until = decided + timedelta(days=rng.choice([89, 179, 364]))
                app.authorised_from, app.authorised_until = decided, until
                app.conditions = rng.choice(["", "Supported walks outside twice a week", "Review sensor mat use",
                                             "Weekly contact with her son to be supported"])  # fmt: skip
                app.review_due = rules.dols_review_due(start=decided, until=until, review_every_days=90)
                # Reviews are done on time, bar a few a day or two late: the queue of an ordinary day.
                while app.review_due < until and app.review_due <= today - timedelta(days=rng.choice([0, 1, 2, 30])):
                    app.reviewed_on = app.review_due
                    app.review_due = rules.dols_review_due(start=app.reviewed_on, until=until, review_every_days=90)
        rows.append(app)
        involved.append(
            Involvement(person_id=person_id, agency=council, kind="CASE_HOLDER",
                        started_at=datetime.combine(requested, time(10), tzinfo=UTC), source="adults.demo:dols")
        )  # fmt: skip
    DolsApplication.objects.bulk_create(rows, batch_size=2000)
    Involvement.objects.bulk_create(involved, batch_size=2000)
    _dols_assessments(rng, rows=rows, council=council, user=user, now=now)
    return len(rows)


def _dols_assessments(rng, *, rows, council, user, now) -> None:
    """The mental capacity and best-interests assessments a standard authorisation rests on (Sch A1 paras 12-16)."""
    assessments, decisions = [], []
    for app in rows:
        if app.decided_on is None or app.outcome == DolsOutcome.WITHDRAWN:
            continue
        lacks = app.outcome == DolsOutcome.GRANTED or rng.random() < 0.4
        home = app.managing_authority.name
        assessed = max(app.requested_on, app.decided_on - timedelta(days=rng.randint(1, 5)))
        assessment = CapacityAssessment(
            person_id=app.person_id, agency=council, decision=f"Whether to be accommodated at {home} for care",
            impairment=True, impairment_detail=rng.choice(["Dementia", "Learning disability", "Acquired brain injury"]),
            can_understand=not lacks, can_retain=not lacks or rng.random() < 0.3, can_use_or_weigh=not lacks,
            can_communicate=True, because_of_impairment=lacks,
            outcome="LACKS_CAPACITY" if lacks else "HAS_CAPACITY",
            support_given="Seen in her room at a quiet time, with a member of staff she knows; easy-read leaflet",
            assessed_on=assessed, assessor=user, assessor_role="Best interests assessor", recorded_at=now,
        )  # fmt: skip
        assessments.append(assessment)
        if app.outcome == DolsOutcome.GRANTED:
            decisions.append(BestInterestsDecision(
                assessment=assessment, decision=f"Stay at {home} under a standard authorisation, with the conditions set",
                persons_views="Asks to go home; settles with her own photographs and music",
                consulted="Son (next of kin), home manager, GP; an IMCA where no one else",
                least_restrictive_option="Home care four times a day tried first; sensor mat instead of bed rails",
                decided_on=app.decided_on, decided_by=user, recorded_at=now,
            ))  # fmt: skip
    CapacityAssessment.objects.bulk_create(assessments, batch_size=2000)
    BestInterestsDecision.objects.bulk_create(decisions, batch_size=2000)


def _self_neglect(rng, *, today, council, enquiries, user, scale=1.0) -> int:
    """A few self-neglect and hoarding cases, most open with reviews in the coming weeks, one a few days late."""
    recent = [e for e in enquiries if today - timedelta(days=200) <= e.started_date <= today - timedelta(days=7)]
    n = max(4, round(12 * scale))
    chosen = rng.sample(recent, min(n, len(recent))) if recent else enquiries[-n:]
    made = 0
    for i, e in enumerate(sorted(chosen, key=lambda e: e.started_date)):
        opened = min(e.started_date + timedelta(days=3), today)
        closed = i % 4 == 3 and opened + timedelta(days=60) <= today
        next_review = today + timedelta(days=rng.randint(1, 27)) if i != 1 else today - timedelta(days=3)
        rating = rng.randint(3, 9)
        case = SelfNeglectCase.objects.create(
            person_id=e.person_id, council=council, concern_id=e.concern_id, enquiry=e if e.kind == "S42" else None,
            opened_on=opened, reason=rng.choice(SELF_NEGLECT_REASONS), hoarding=rating >= 5,
            clutter_rating=rating if rating >= 5 else None,
            engagement=rng.choice(["ENGAGING", "PARTLY", "PARTLY", "NOT_ENGAGING"]),
            adult_view=rng.choice(ADULT_VIEWS), next_review_date=None if closed else next_review, opened_by=user,
            closed_on=opened + timedelta(days=60) if closed else None,
            closure_outcome=rng.choice(["RISK_REDUCED", "RISK_REMAINS"]) if closed else "",
            closure_summary="Kitchen and stairs clear; she has a cleaner she chose" if closed else "",
        )  # fmt: skip
        SelfNeglectMeeting.objects.create(
            case=case, held_on=opened + timedelta(days=1), attendees="ASC, fire service, housing, GP",
            summary="Fire safety visit; GP review; small steps the adult agrees", recorded_by=user,
            next_review_date=case.next_review_date,
        )  # fmt: skip
        SelfNeglectAction.objects.create(
            case=case, agency=council, description="Weekly visit by the same worker",
            due_date=opened + timedelta(days=14), completed_on=opened + timedelta(days=14),
        )  # fmt: skip
        if not closed:
            SelfNeglectAction.objects.create(
                case=case, agency=council, description=rng.choice(["Fire service home safety visit",
                                                                   "Deep clean of the kitchen, with her agreement",
                                                                   "Benefits check"]),
                due_date=today + timedelta(days=rng.randint(-2, 14)),
            )  # fmt: skip
        made += 1
    return made


SELF_NEGLECT_REASONS = (
    "Hoarding in every room; rotten food; not taking insulin",
    "Not eating or washing since his wife died; house very cold",
    "Papers and bags to the ceiling; fire exits blocked; refuses carers",
    "Leg ulcers untreated; declines the district nurse; many cats",
)
ADULT_VIEWS = (
    "I know it's a mess. I don't want strangers moving my things.",
    "I'm fine. I've always lived like this.",
    "I'd like help with the kitchen, but not the bedroom.",
)


def _large_scale(rng, *, today, council, enquiries, homes, user) -> str:
    home = next((h for h in homes if h.code == "CARE-OAK"), homes[0])
    residents = [e for e in enquiries if e.carried_out_by_id == home.pk or e.concern.where_happened == "Care home"]
    residents = sorted(residents, key=lambda e: e.started_date)[-10:]
    if not residents:
        return "no large-scale enquiry"
    opened = residents[0].started_date
    case = ProviderCase.objects.create(
        provider=home, council=council, opened_on=opened, large_scale=True, opened_by=user,
        summary="Missed medication and night checks reported across two floors", cqc_notified_on=opened,
        cqc_reference="CQC-DEMO-0001",
    )  # fmt: skip
    Enquiry.objects.filter(pk__in=[e.pk for e in residents]).update(provider_case=case)
    ProviderQualityAction.objects.create(
        case=case, description="Weekly medication audit shared with the council", due_date=opened + timedelta(days=30)
    )
    return f"one large-scale enquiry ({len(residents)} adults)"


def _pipot(*, today, council, homes, user) -> int:
    """Position-of-trust referrals; one about someone the children's LADO also has a case for."""
    lado = LadoCase.objects.order_by("-referred_at", "pk").first()
    rows = [
        PositionOfTrustCase(
            council=council, subject_name="Gary Pitman", employer=homes[0], role="Night care assistant",
            received_on=today - timedelta(days=40), allegation="Residents describe rough handling at night",
            works_with_children=False, recorded_by=user,
        ),
        PositionOfTrustCase(
            council=council, subject_name="Sandra Kowalczyk", employer=homes[-1], role="Agency nurse",
            received_on=today - timedelta(days=120), allegation="Medication not given and records altered",
            outcome="SUBSTANTIATED", actions="Removed from the agency's list; NMC referral", recorded_by=user,
            closed_on=today - timedelta(days=30),
        ),
        PositionOfTrustCase(
            council=council, subject_name="Martin Hale", employer_name="Community transport scheme",
            role="Volunteer driver", works_with_children=True, received_on=today - timedelta(days=2),
            allegation="Asked an adult passenger for money; also drives a school run", recorded_by=user,
        ),
    ]  # fmt: skip
    if lado is not None:
        referred = lado.referred_at.date()
        rows.append(
            PositionOfTrustCase(
                council=council, subject_name=lado.subject_name, employer_name=lado.employer_name,
                role="Also supports adults with learning disabilities at weekends", works_with_children=True,
                lado_reference=lado.reference, lado_referred_on=referred, received_on=referred,
                allegation="The same allegation, made by an adult he supports", recorded_by=user,
            )
        )  # fmt: skip
    PositionOfTrustCase.objects.bulk_create(rows)
    return len(rows)
