"""The looked-after demo's later records: OC2 and OC3, missing/away, unknown UPNs, adoption, leaving care.

Called by ``safehub.demo.lookedafter.seed`` with the periods of care it has given 903 episodes
(``spans``: person id -> [(start, end, period id)]); the same ``lookedafter.rules`` as the services.
"""

from __future__ import annotations

import random
from datetime import date, datetime, timedelta

from dateutil.relativedelta import relativedelta

from safehub.casework.models import MissingEpisode
from safehub.core.calendar import uk_date
from safehub.lookedafter import rules
from safehub.lookedafter.models import (
    Adopter,
    AdopterFamily,
    AdoptionPlan,
    AwayFromPlacement,
    CareEpisode,
    CareLeaver,
    CareLeaverContact,
    ItemStatus,
    PathwayPlan,
    PathwayReview,
    StayingPut,
    UPNUnknown,
    YearOutcome,
)
from safehub.people.models import EducationPlacement, Person


def year_outcomes(rng, spans, dobs, today: date, now: datetime) -> int:
    rows = []
    year_ends = [date(y, 3, 31) for y in range(today.year - 3, today.year + 1) if date(y, 3, 31) <= today]
    for pid, ps in spans.items():
        dob = dobs[pid]
        for year_end in year_ends:
            if not rules.looked_after_continuously([(s, e) for s, e, _ in ps], year_end=year_end):
                continue
            year_start = date(year_end.year - 1, 4, 1)
            sdq_due = rules.sdq_applies(date_of_birth=dob, year_start=year_start, year_end=year_end)
            age = rules.age_on(year_end, dob)
            score = rng.randint(2, 32) if sdq_due and rng.random() < 0.85 else None
            misuse = age >= 12 and rng.random() < 0.05
            received = rng.random() < 0.6 if misuse else None
            rows.append(
                YearOutcome(
                    person_id=pid,
                    year_end=year_end,
                    immunisations=rng.random() < 0.87,
                    health_promotion=(rng.random() < 0.9)
                    if rules.health_promotion_applies(date_of_birth=dob, year_end=year_end)
                    else None,
                    sdq_score=score,
                    sdq_reason="" if score is not None or not sdq_due else rng.choice(["SDQ2", "SDQ4", "SDQ5"]),
                    convicted=rules.convictions_apply(age_at_year_end=age) and rng.random() < 0.03,
                    substance_misuse=misuse,
                    intervention_received=received,
                    intervention_offered=(rng.random() < 0.7) if misuse and not received else None,
                    recorded_at=now,
                )
            )
    YearOutcome.objects.bulk_create(rows, batch_size=5000)
    return len(rows)


def care_leavers(rng, spans, dobs, today: date, now: datetime) -> int:
    rows = []
    for pid, ps in spans.items():
        dob = dobs[pid]
        s, e, _ = ps[-1]
        if e is None:
            continue
        fourteen, sixteen = dob + relativedelta(years=14), dob + relativedelta(years=16)
        days_after_14 = sum(((ee or today) - max(ss, fourteen)).days for ss, ee, _ in ps if (ee or today) > fourteen)
        if not rules.oc3_eligible(looked_after_days_after_14=days_after_14, looked_after_on_16th_or_later=e >= sixteen):
            continue
        for age in range(17, 22):
            birthday = dob + relativedelta(years=age)
            if birthday <= e or birthday > today:
                continue
            in_touch = rng.choices(["YES", "NO", "REFU"], weights=[90, 6, 4])[0]
            activ = accom = ""
            if in_touch == "YES":
                # Roughly the national picture: most 17-18s and over half of 19-21s in EET.
                weights = [40, 2, 10, 6, 6, 24, 6, 6] if age <= 18 else [12, 8, 8, 18, 10, 30, 7, 7]
                activ = rng.choices(["F2", "F1", "F4", "F5", "P5", "G5", "G4", "G6"], weights)[0]
                accom = rng.choices(
                    ["Z1", "D1", "E1", "U1", "B1", "T1", "Z2", "D2", "B2"], [25, 20, 10, 10, 10, 5, 8, 7, 5]
                )[0]
            rows.append(
                CareLeaverContact(
                    person_id=pid, birthday=birthday, in_touch=in_touch, activ=activ, accom=accom, recorded_at=now
                )
            )
    CareLeaverContact.objects.bulk_create(rows, batch_size=5000)
    return len(rows)


def missing(rng, spans) -> int:
    rows = []
    for m in MissingEpisode.objects.filter(person_id__in=list(spans)).only("pk", "person_id", "started_at"):
        day = uk_date(m.started_at)
        if any(s <= day and (e is None or day <= e) for s, e, _ in spans[m.person_id]):
            rows.append(
                AwayFromPlacement(missing_episode=m, person_id=m.person_id, kind="M" if rng.random() < 0.7 else "A")
            )
    AwayFromPlacement.objects.bulk_create(rows, batch_size=5000)
    return len(rows)


def unknown_upns(spans, dobs, now: datetime) -> int:
    """The demo's people have no UPNs: record why, as a virtual school would (UN1 is derived, not stored)."""
    in_school = set(EducationPlacement.objects.filter(person_id__in=list(spans)).values_list("person_id", flat=True))
    rows = [
        UPNUnknown(person_id=pid, code="UN5" if pid in in_school else "UN2", recorded_at=now)
        for pid, upn in Person.objects.filter(pk__in=list(spans)).values_list("pk", "upn")
        if not upn and rules.age_on(now.date(), dobs[pid]) >= 5
    ]
    UPNUnknown.objects.bulk_create(rows, batch_size=5000)
    return len(rows)


def adoption_path(rng: random.Random, start: date, stop: date) -> dict:
    """Dates for a young child's adoption: full care order, decision, placement order, match, placed, order.

    About one in six decisions is reversed before a placement order (RD1 or RD3) and the child's
    care goes on as before.
    """
    c2 = start + timedelta(days=rng.randint(120, 200))
    decision = c2 + timedelta(days=rng.randint(20, 60))
    po = decision + timedelta(days=rng.randint(40, 120))
    match = po + timedelta(days=rng.randint(60, 160))
    placed = match + timedelta(days=rng.randint(7, 28))
    order = placed + timedelta(days=rng.randint(100, 280))
    if (order.month, order.day) == (3, 31):
        order += timedelta(days=1)  # adopted on 31 March would still count as looked after that day
    reversed_on = decision + timedelta(days=rng.randint(30, 90)) if rng.random() < 0.17 else None
    return {"c2": c2, "decision": decision, "po": po, "match": match, "placed": placed, "order": order,
            "reversed": reversed_on}  # fmt: skip


def families(rng: random.Random, providers, scale: float, today: date, now: datetime) -> list[AdopterFamily]:
    made = []
    adopters = []
    for i in range(max(6, int(60 * scale))):
        kind = rng.choices(["MF", "FF", "MM", "F1"], [70, 12, 6, 12])[0]
        legal = {"MF": rng.choice(["L11", "L11", "L3"]), "FF": rng.choice(["L12", "L2"]), "MM": "L12", "F1": "L0"}[kind]
        enquiry = today - timedelta(days=rng.randint(200, 1400))
        family = AdopterFamily(
            reference=f"ADF{i + 1:04d}",
            number_of_adopters=1 if kind == "F1" else 2,
            sex_code=kind,
            legal_status=legal,
            enquiry_date=enquiry,
            stage1_start=enquiry + timedelta(days=14),
            stage1_end=enquiry + timedelta(days=70),
            stage2_start=enquiry + timedelta(days=75),
            stage2_end=enquiry + timedelta(days=190),
            submitted_date=enquiry + timedelta(days=75),
            approved_date=enquiry + timedelta(days=200),
            recorded_at=now,
        )
        made.append(family)
    AdopterFamily.objects.bulk_create(made)
    for family in made:
        sexes = {"MF": "MF", "FF": "FF", "MM": "MM", "F1": "F"}[family.sex_code]
        for n, sex in enumerate(sexes, start=1):
            adopters.append(
                Adopter(family=family, reference=f"{family.reference}-{n}", sex=sex,
                        ethnicity=rng.choices(["WBRI", "WOTH", "MWBC", "ABAN", "BAFR"], [80, 6, 5, 5, 4])[0],
                        disability=rng.random() < 0.05)
            )  # fmt: skip
    Adopter.objects.bulk_create(adopters)
    return made


def adoption_plan(rng, adopt, period, stop: date, end: date | None, families, now) -> AdoptionPlan | None:
    if adopt["decision"] >= stop:
        return None
    plan = AdoptionPlan(person_id=period.person_id, period=period, decision_date=adopt["decision"], recorded_at=now)
    if adopt["reversed"] is not None:
        if adopt["reversed"] < stop and (end is None or adopt["reversed"] <= end):
            plan.ceased_date, plan.ceased_reason = adopt["reversed"], rng.choice(["RD1", "RD3", "RD4"])
        elif end is not None:
            return None  # care ended before the decision could be revisited: leave it out
        return plan
    if adopt["po"] < stop:
        plan.placement_order_date = adopt["po"]
    if adopt["match"] < stop:
        plan.matched_date = adopt["match"]
        plan.family = families[period.person_id % len(families)]
    if adopt["placed"] < stop:
        plan.placed_date = adopt["placed"]
    if end is not None and end == adopt["order"]:
        plan.adoption_order_date = end
    return plan


def leaving_care(rng, spans, dobs, today: date, now: datetime) -> str:
    """Care leavers' category, personal adviser, pathway plan with reviews, and staying put."""
    from django.contrib.auth import get_user_model

    advisers = list(get_user_model().objects.filter(username__startswith="demo.sw.").order_by("pk")[:12])
    leavers, plans, reviews, staying = [], [], [], []
    for pid, ps in spans.items():
        dob = dobs[pid]
        periods = [(s, e) for s, e, _ in ps]
        fourteen, sixteen = dob + relativedelta(years=14), dob + relativedelta(years=16)
        days = sum(((e or today) - max(s, fourteen)).days for s, e in periods if (e or today) > max(s, fourteen))
        now_in = any(e is None for _, e in periods)
        at_16 = any((e is None or e >= sixteen) for _, e in periods)
        category = rules.leaver_category(
            date_of_birth=dob, on=today, looked_after_now=now_in, looked_after_days_after_14=days,
            looked_after_at_16=at_16,
        )  # fmt: skip
        if category not in ("ELIGIBLE", "RELEVANT", "FORMER_RELEVANT"):
            continue
        eligible = rules.became_eligible_on(date_of_birth=dob, periods=periods)
        if eligible is None or eligible > today:
            continue
        adviser = rng.choice(advisers) if advisers and rules.age_on(today, dob) >= 16 else None
        leavers.append(
            CareLeaver(person_id=pid, category=category, eligible_from=eligible, personal_adviser=adviser,
                       adviser_from=eligible if adviser else None, recorded_at=now)
        )  # fmt: skip
        due = rules.pathway_plan_due(eligible)
        done = (
            due - timedelta(days=rng.randint(0, 40))
            if rng.random() < 0.85
            else due + timedelta(days=rng.randint(5, 40))
        )
        plan = PathwayPlan(person_id=pid, due_date=due, completed_date=done if done <= today else None, recorded_at=now)
        plans.append(plan)
        if plan.completed_date:
            last = plan.completed_date
            while True:
                rdue = rules.pathway_review_due(last)
                held = (
                    rdue - timedelta(days=rng.randint(0, 30))
                    if rng.random() < 0.85
                    else rdue + timedelta(days=rng.randint(3, 45))
                )
                if held > today or rules.age_on(held, dob) >= 21:
                    reviews.append(PathwayReview(plan=plan, person_id=pid, due_date=rdue))
                    break
                reviews.append(
                    PathwayReview(plan=plan, person_id=pid, due_date=rdue, held_date=held, status=ItemStatus.DONE)
                )
                last = held
    PathwayPlan.objects.bulk_create(plans, batch_size=2000)
    for r in reviews:
        r.plan_id = r.plan.pk
    PathwayReview.objects.bulk_create(reviews, batch_size=5000)
    CareLeaver.objects.bulk_create(leavers, batch_size=2000)
    ended_e17 = CareEpisode.objects.filter(person_id__in=[c.person_id for c in leavers], rec="E17")
    for ep in ended_e17.select_related("provider"):
        if ep.dec is None:
            continue
        stop = ep.dec + timedelta(days=rng.randint(120, 900))
        staying.append(StayingPut(person_id=ep.person_id, provider=ep.provider, start_date=ep.dec,
                                  end_date=stop if stop <= today else None, recorded_at=now))  # fmt: skip
    StayingPut.objects.bulk_create(staying, batch_size=2000)
    return f"{len(leavers)} care leavers, {len(plans)} pathway plans, {len(reviews)} pathway reviews, {len(staying)} staying put"
