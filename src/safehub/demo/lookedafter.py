"""SSDA903 episodes, placement providers, reviews and health for the casework demo's periods of care.

Runs after the casework stage and reads its periods of care (``LookedAfterEpisode``) and missing
episodes. For each period it builds a realistic 903 history: a start (RNE S) under section 20 or an
interim care order, a full care order some months later, a few placement moves with their reasons,
and an end matched to the child's age. Reviews, health assessments and dental checks follow
``lookedafter.rules`` (the same functions the services use), mostly on time. Postcodes are real
postcodes of Southampton and south Hampshire (ONS Postcode Directory, via the DfE validator's
reference package), so the return's distance checks work; URNs are in Ofsted's SC format.

A period the 903 cannot describe (starting before the child was born or after their 18th
birthday, or overlapping another period) gets no episodes: the return lists it as a problem.
"""

from __future__ import annotations

import random
from collections import defaultdict
from datetime import date, datetime, time, timedelta
from pathlib import Path

from dateutil.relativedelta import relativedelta
from django.db import transaction

from safehub.casework.models import LookedAfterEpisode
from safehub.core.calendar import UK
from safehub.demo import lookedafter_later as later
from safehub.demo.context import DemoContext
from safehub.lookedafter import rules
from safehub.lookedafter.models import (
    AdoptionPlan,
    CareEpisode,
    HealthKind,
    ItemStatus,
    LAHealthCheck,
    LAReview,
    PlacementProvider,
    PreviousPermanence,
    ProviderKind,
    UASCStatus,
)
from safehub.people.models import Person

DATA = Path(__file__).parent / "data"


def _postcodes(name: str) -> list[str]:
    return [line.strip() for line in (DATA / name).read_text().splitlines() if line.strip()]


def _at(day: date) -> datetime:
    return datetime.combine(day, time(12), tzinfo=UK)


def _episode(period, day, rne, ls, cin, place, provider, pl_post, home_post) -> CareEpisode:
    """A 903 episode of ``period`` starting on ``day`` (reason for new episode ``rne``)."""
    return CareEpisode(
        person_id=period.person_id,
        period=period,
        decom=day,
        rne=rne,
        ls=ls,
        cin=cin,
        place=place,
        provider=provider,
        place_provider=(provider.place_provider if provider else "PR0"),
        pl_post=pl_post,
        urn=provider.urn if provider and rules.place_needs_urn(place) else "",
        home_post=home_post,
        recorded_at=_at(day),
    )


def _providers(rng: random.Random, scale: float) -> dict[str, list[PlacementProvider]]:
    city, county = _postcodes("postcodes_southampton.txt")[::2], _postcodes("postcodes_hampshire.txt")
    own_fostering_urn = "SC058592"  # the council's own fostering service (one URN, Ofsted SC format)
    agencies = ["SC413076", "SC390281", "SC477319"]  # independent fostering agencies
    made: list[PlacementProvider] = []
    for i in range(max(12, int(140 * scale))):
        made.append(
            PlacementProvider(
                name=f"Foster carers {i + 1:03d} (council)",
                kind=ProviderKind.FOSTER_CARER,
                place_provider="PR1",
                postcode=rng.choice(city),
                urn=own_fostering_urn,
            )
        )
    for i in range(max(8, int(70 * scale))):
        made.append(
            PlacementProvider(
                name=f"Foster carers {i + 1:03d} (agency)",
                kind=ProviderKind.FOSTER_CARER,
                place_provider="PR4",
                postcode=rng.choice(city + county),
                urn=rng.choice(agencies),
            )
        )
    for i in range(max(4, int(20 * scale))):
        made.append(
            PlacementProvider(
                name=f"Children's home {i + 1:02d}",
                kind=ProviderKind.CHILDRENS_HOME,
                place_provider=rng.choice(["PR4", "PR4", "PR4", "PR5"]),
                postcode=rng.choice(city + county),
                urn=f"SC{rng.randrange(400_000, 500_000)}",
            )
        )
    for i in range(max(3, int(30 * scale))):
        made.append(
            PlacementProvider(
                name=f"Adopters {i + 1:03d} (regional adoption agency)",
                kind=ProviderKind.OTHER,
                place_provider="PR1",
                postcode=rng.choice(city + county),
                urn="SC476330",  # the regional adoption agency (Ofsted SC format)
            )
        )
    for i in range(max(3, int(10 * scale))):
        made.append(
            PlacementProvider(
                name=f"Supported accommodation {i + 1:02d}",
                kind=ProviderKind.OTHER,
                place_provider=rng.choice(["PR4", "PR5"]),
                postcode=rng.choice(city),
                urn=f"SC{rng.randrange(500_000, 520_000)}",
            )
        )
    PlacementProvider.objects.bulk_create(made)
    out: dict[str, list[PlacementProvider]] = defaultdict(list)
    for p in PlacementProvider.objects.all():
        if p.kind == ProviderKind.FOSTER_CARER:
            out["foster_own" if p.place_provider == "PR1" else "foster_agency"].append(p)
        elif p.name.startswith("Adopters"):
            out["adopters"].append(p)
        elif p.kind == ProviderKind.CHILDRENS_HOME:
            out["home"].append(p)
        else:
            out["supported"].append(p)
    return out


def _placement(
    rng: random.Random, providers, *, age: int, home_post: str, ls: str
) -> tuple[str, PlacementProvider | None, str]:
    """Return (PLACE, provider, PL_POST) for a child of this age and legal status."""
    if age >= 16 and rng.random() < 0.35:
        p = rng.choice(providers["supported"])
        return "K3", p, p.postcode
    if age >= 11 and rng.random() < 0.22:
        p = rng.choice(providers["home"])
        return "K2", p, p.postcode
    if ls in ("C1", "C2") and home_post and rng.random() < 0.05:
        return "P1", None, home_post  # placed with parents: only under a care order (rule 378)
    kinship = rng.random() < 0.2
    p = rng.choice(providers["foster_own"] if kinship or rng.random() < 0.65 else providers["foster_agency"])
    long_term = rng.random() < 0.4
    if kinship:
        return ("U1" if long_term else "U3"), p, p.postcode
    return ("U4" if long_term else "U6"), p, p.postcode


def _visible(place: str, provider: PlacementProvider | None, postcode: str) -> tuple[str, str, str, str]:
    """What the 903 shows of a placement (PLACE, PLACE_PROVIDER, URN, PL_POST), as the services compare it."""
    urn = provider.urn if provider and rules.place_needs_urn(place) else ""
    return place, provider.place_provider if provider else "PR0", urn, postcode


# Moves a year for the three kinds of placement history: most children settle, a quarter move now and
# then, and one in ten moves often (DfE, Children looked after in England including adoptions,
# placement stability: about 68% of children looked after at 31 March had one placement in the year,
# 21% two and 10% three or more, every year since 2016).
MOVE_RATES = ((0.1, 66), (0.6, 24), (2.2, 10))


def _move_dates(rng: random.Random, start: date, stop: date) -> list[date]:
    """Return the days a child moves placement: a Poisson process at the period's rate, faster early on.

    Placements break down most in the first months of care (and a first placement is often an
    emergency one), so the rate is doubled in the first six months. Moves are at least three weeks
    apart and none falls in the first month (the validator's short-episode checks stay quiet).
    """
    rate = rng.choices([r for r, _ in MOVE_RATES], weights=[w for _, w in MOVE_RATES])[0]
    days: list[date] = []
    day = start + timedelta(days=30)
    while True:
        early = 2.0 if (day - start).days < 183 else 1.0
        day += timedelta(days=max(21, round(rng.expovariate(rate * early) * 365)))
        if day >= stop:
            return days
        days.append(day)


def _end_reason(rng: random.Random, *, age_at_end: int, place: str, ls: str) -> str:
    if age_at_end >= 18:
        return "E17" if place.startswith("U") and rng.random() < 0.3 else rng.choice(["E5", "E5", "E6", "E8"])
    if ls == "V2":
        return rng.choice(["E4A", "E4A", "E13", "E8"])
    if place in ("U1", "U3") and rng.random() < 0.5:
        return rng.choice(["E47", "E41"])
    if place in ("U4", "U6") and rng.random() < 0.15:
        return "E45"
    return rng.choice(["E4A", "E4A", "E41", "E13", "E8"])


def seed(ctx: DemoContext) -> str:
    if CareEpisode.objects.exists():
        return "already loaded"
    rng = ctx.rng("lookedafter")
    today, now = ctx.today, ctx.now
    homes = _postcodes("postcodes_southampton.txt")[1::2]  # the providers' postcodes are the other half
    with transaction.atomic():
        providers = _providers(rng, ctx.scale)
        periods = list(LookedAfterEpisode.objects.order_by("person_id", "start_date", "pk"))
        dobs = dict(Person.objects.filter(pk__in={p.person_id for p in periods}).values_list("pk", "date_of_birth"))
        sexes = dict(Person.objects.filter(pk__in=list(dobs)).values_list("pk", "sex"))
        uascs: list[UASCStatus] = []
        episodes: list[CareEpisode] = []
        reviews: list[LAReview] = []
        checks: list[LAHealthCheck] = []
        changed_periods: list[LookedAfterEpisode] = []
        spans: dict[int, list[tuple[date, date | None, int]]] = defaultdict(list)
        skipped = 0
        last_end: dict[int, date | None] = {}
        last_period = {p.person_id: p.pk for p in periods}  # ordered by start: the last one wins
        plans: list[AdoptionPlan] = []
        prev_perms: list[PreviousPermanence] = []
        families = later.families(rng, providers, ctx.scale, today, now)
        for period in periods:
            dob = dobs.get(period.person_id)
            start, end = period.start_date, period.end_date
            eighteen = dob + relativedelta(years=18) if dob else None
            prior = spans.get(period.person_id, [])
            overlaps = any(s <= (end or date.max) and (e is None or e >= start) for s, e, _ in prior)
            if dob is None or start <= dob or eighteen is None or start >= eighteen - timedelta(days=30) or overlaps:
                skipped += 1
                continue
            if end is None and eighteen <= today:
                end = eighteen  # care ends at 18 at the latest (Children Act 1989 s.105(1))
            if end is not None and end > eighteen:
                end = eighteen
            # About a third of care leavers stay looked after until 18 (DfE): a teenager's last
            # period of care ending early is, half the time, kept until the 18th birthday.
            if (
                end is not None
                and end < eighteen <= today
                and rules.age_on(start, dob) >= 13
                and last_period.get(period.person_id) == period.pk
                and rng.random() < 0.5
            ):
                end = eighteen
            if end is not None and (end - start).days < 14:
                skipped += 1
                continue
            spans[period.person_id].append((start, end, period.pk))
            last_end[period.person_id] = end
            age0 = rules.age_on(start, dob)
            cin = rng.choices(["N1", "N2", "N3", "N4", "N5", "N6", "N7", "N8"], weights=[64, 7, 4, 8, 12, 2, 0.5, 2.5])[
                0
            ]
            ls = "V2" if (period.legal_status == "V2" or age0 >= 16) else "C1"
            # A few older boys accommodated under section 20 arrived unaccompanied: no UK home postcode.
            uasc = ls == "V2" and 14 <= age0 <= 17 and sexes.get(period.person_id) == "M" and rng.random() < 0.4
            home_post = "" if uasc else rng.choice(homes)
            if uasc:
                cin = "N8"  # absent parenting
                uascs.append(
                    UASCStatus(person_id=period.person_id, ceased_date=eighteen if eighteen <= today else None)
                )
            place, prov, pl_post = _placement(rng, providers, age=age0, home_post=home_post, ls=ls)
            stop = end or today
            # Events: C1 -> C2 after 4-9 months; placement moves as _move_dates draws them.
            events: list[tuple[date, str]] = []
            if ls == "C1":
                events.append((start + timedelta(days=rng.randint(120, 270)), "LS"))
            adopt = None
            if ls == "C1" and age0 <= 3 and last_period.get(period.person_id) == period.pk and rng.random() < 0.3:
                adopt = later.adoption_path(rng, start, stop)
            if adopt is not None and adopt["reversed"] is None:
                events = [(d, k) for d, k in ((adopt["c2"], "LS"), (adopt["po"], "E1"), (adopt["placed"], "ADOPT"))]
                end = adopt["order"] if adopt["order"] <= today else None
                stop = end or today
                spans[period.person_id][-1] = (start, end, period.pk)  # OC2 and OC3 follow the new end
                last_end[period.person_id] = end
            else:
                events.extend((day, "PLACE") for day in _move_dates(rng, start, stop))
            events = sorted({d: k for d, k in events if start + timedelta(days=30) < d < stop}.items())
            if rng.random() < 0.04 and start - timedelta(days=400) > dob:
                prev_perms.append(
                    PreviousPermanence(
                        person_id=period.person_id,
                        period=period,
                        prev_perm=rng.choice(["P2", "P2", "P4"]),
                        la_code="852",
                        order_date=start - timedelta(days=rng.randint(200, min(1500, (start - dob).days - 1))),
                        recorded_at=_at(start),
                    )
                )
            cur = _episode(period, start, "S", ls, cin, place, prov, pl_post, home_post)
            chain = [cur]
            for day, kind in events:
                if kind == "LS" and cur.ls == "C1":
                    new_ls, new_place, new_prov, new_post = "C2", cur.place, cur.provider, cur.pl_post
                elif kind == "E1":
                    new_ls, new_place, new_prov, new_post = "E1", cur.place, cur.provider, cur.pl_post
                elif kind == "ADOPT":
                    new_ls = cur.ls
                    with_carers = rng.random() < 0.2 and cur.place in ("U4", "U6", "U1", "U3")
                    new_prov = cur.provider if with_carers else rng.choice(providers["adopters"])
                    new_place = ("A5" if with_carers else "A6") if cur.ls == "E1" else ("A3" if with_carers else "A4")
                    new_post = new_prov.postcode if new_prov else cur.pl_post
                elif kind == "PLACE":
                    new_ls = cur.ls
                    # A move the 903 can see (rule 435): another type, provider, URN or postcode.
                    for _ in range(6):
                        new_place, new_prov, new_post = _placement(
                            rng, providers, age=rules.age_on(day, dob), home_post=home_post, ls=new_ls
                        )
                        if _visible(new_place, new_prov, new_post) != _visible(cur.place, cur.provider, cur.pl_post):
                            break
                    else:
                        continue
                else:
                    continue
                placement_changed = _visible(new_place, new_prov, new_post) != _visible(
                    cur.place, cur.provider, cur.pl_post
                )
                rne = rules.reason_new_episode(
                    legal_status_changed=new_ls != cur.ls,
                    placement_changed=placement_changed,
                    carer_changed=new_prov != cur.provider,
                )
                cur.dec, cur.rec = day, "X1"
                if kind == "ADOPT":
                    cur.reason_place_change = "CARPL"
                elif placement_changed:
                    cur.reason_place_change = rng.choice(
                        ["CARPL", "CARPL", "CARPL", "CREQB", "CREQO", "CHILD", "LAREQ", "STAND"]
                    )
                nxt = _episode(period, day, rne, new_ls, cin, new_place, new_prov, new_post, home_post)
                chain.append(nxt)
                cur = nxt
            if end is not None:
                cur.dec = end
                if adopt is not None and adopt["reversed"] is None:
                    cur.rec = "E12" if rng.random() < 0.3 else "E11"
                else:
                    cur.rec = _end_reason(rng, age_at_end=rules.age_on(end, dob), place=cur.place, ls=cur.ls)
            if adopt is not None:
                plan = later.adoption_plan(rng, adopt, period, stop, end, families, now)
                if plan is not None:
                    plans.append(plan)
            episodes.extend(chain)
            if end != period.end_date or period.legal_status != cur.ls:
                period.end_date, period.legal_status = end, cur.ls
                period.placement = rules.PLACE[cur.place][:120]
                changed_periods.append(period)
            _reviews_and_health(rng, period, dob, start, end, today, reviews, checks)
        CareEpisode.objects.bulk_create(episodes, batch_size=2000)
        AdoptionPlan.objects.bulk_create(plans, batch_size=2000)
        PreviousPermanence.objects.bulk_create(prev_perms, batch_size=2000)
        LookedAfterEpisode.objects.bulk_update(
            changed_periods, ["end_date", "legal_status", "placement"], batch_size=2000
        )
        LAReview.objects.bulk_create(reviews, batch_size=5000)
        UASCStatus.objects.bulk_create(uascs, batch_size=5000)
        LAHealthCheck.objects.bulk_create(checks, batch_size=5000)
        outcomes = later.year_outcomes(rng, spans, dobs, today, now)
        leavers = later.care_leavers(rng, spans, dobs, today, now)
        pathway = later.leaving_care(rng, spans, dobs, today, now)
        away = later.missing(rng, spans)
        upns = later.unknown_upns(spans, dobs, now)
    return (
        f"{len(episodes)} episodes for {len(periods) - skipped} periods of care ({skipped} left without), "
        f"{len(reviews)} reviews, {len(checks)} health checks, {outcomes} OC2, {leavers} OC3, {away} missing/away, "
        f"{upns} unknown-UPN reasons, {len(uascs)} UASC, {len(plans)} adoption plans "
        f"({sum(1 for p in plans if p.adoption_order_date)} adopted), {len(prev_perms)} previous permanence, {pathway}"
    )


def _reviews_and_health(rng, period, dob, start, end, today, reviews, checks) -> None:
    stop = end or today
    held: list[date] = []
    number = 1
    while True:
        due = rules.next_review_due(start=start, held=held)
        on = (
            due - timedelta(days=rng.randint(0, 12)) if rng.random() < 0.9 else due + timedelta(days=rng.randint(3, 30))
        )
        on = max(on, start + timedelta(days=3))
        if on > stop or (held and on <= held[-1]):
            open_ = end is None
            reviews.append(
                LAReview(
                    person_id=period.person_id,
                    period=period,
                    number=number,
                    due_date=due,
                    status=ItemStatus.DUE if open_ else ItemStatus.CLOSED,
                )
            )
            break
        age = rules.age_on(on, dob)
        code = (
            "PN0"
            if age < 4
            else rng.choices(["PN1", "PN2", "PN3", "PN4", "PN5", "PN6", "PN7"], [60, 8, 3, 4, 8, 12, 5])[0]
        )
        reviews.append(
            LAReview(
                person_id=period.person_id,
                period=period,
                number=number,
                due_date=due,
                held_date=on,
                participation=code,
                status=ItemStatus.DONE,
            )
        )
        held.append(on)
        number += 1
    # Health: the IHA by the first review, then review assessments; a dental check each year.
    due, kind = rules.initial_health_due(start), HealthKind.INITIAL
    while True:
        done = (
            due - timedelta(days=rng.randint(0, 15))
            if rng.random() < 0.88
            else due + timedelta(days=rng.randint(5, 50))
        )
        done = max(done, start + timedelta(days=2))
        if done > stop:
            checks.append(
                LAHealthCheck(
                    person_id=period.person_id,
                    period=period,
                    kind=kind,
                    due_date=due,
                    status=ItemStatus.DUE if end is None else ItemStatus.CLOSED,
                )
            )
            break
        checks.append(
            LAHealthCheck(
                person_id=period.person_id,
                period=period,
                kind=kind,
                due_date=due,
                done_date=done,
                status=ItemStatus.DONE,
            )
        )
        due, kind = rules.review_health_due(last_assessment=done, date_of_birth=dob), HealthKind.REVIEW
    due = start + timedelta(days=60)
    while due <= stop + timedelta(days=30):
        done = due - timedelta(days=rng.randint(0, 30))
        if done > stop or rng.random() < 0.12:
            checks.append(
                LAHealthCheck(
                    person_id=period.person_id,
                    period=period,
                    kind=HealthKind.DENTAL,
                    due_date=due,
                    status=ItemStatus.DUE if end is None and done > stop else ItemStatus.CLOSED,
                )
            )
            break
        checks.append(
            LAHealthCheck(
                person_id=period.person_id,
                period=period,
                kind=HealthKind.DENTAL,
                due_date=due,
                done_date=done,
                status=ItemStatus.DONE,
            )
        )
        due = rules.dental_check_due(done)
