"""The demo city's cases: every child's referrals, assessments, enquiries, plans and periods of care
gathered into child-in-need episodes that open, progress and close over the two years.

The same sweep migrates records made before episodes existed: a referral opens an episode unless
the child's case is still open (then it is recorded on that case); work that began before the
records did gets the referral that must have opened it; a case closes after its last piece of
work ends, with the CIN census reason its work fits. Workers get realistic caseloads (about 15
to 18 children each) in teams by stage; open cases are visited and reviewed on time, except the
few planted exceptions named in the seed output.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta

from django.contrib.auth import get_user_model
from django.db.models import F, Q

from safehub.agencies.models import Agency, Membership, Role, Team
from safehub.casework import rules
from safehub.casework.models import (
    Assessment,
    CaseAllocation,
    CaseEpisode,
    CaseNote,
    CaseStage,
    ChildProtectionPlan,
    CINPlan,
    CINPlanReview,
    CoreGroupMeeting,
    CPReview,
    LookedAfterEpisode,
    Section47,
)
from safehub.core.calendar import UK, add_working_days
from safehub.demo.context import DemoContext
from safehub.frontdoor.models import Referral
from safehub.people.models import Involvement

NEEDS = [("N1", 55), ("N2", 5), ("N3", 4), ("N4", 9), ("N5", 14), ("N6", 2), ("N7", 1), ("N8", 6), ("N9", 4)]
TEAMS: dict[str, str] = {
    CaseStage.REFERRAL: "Assessment team",
    CaseStage.ASSESSMENT: "Assessment team",
    CaseStage.CHILD_IN_NEED: "Child in need team",
    CaseStage.CHILD_PROTECTION: "Child protection team",
    CaseStage.LOOKED_AFTER: "Children in care team",
}
CASES_PER_WORKER = 16
SOURCES = ["6", "2A", "3F", "1A", "5D", "8"]


@dataclass
class _Unit:
    kind: str  # assessment | s47 | cp | cla | cin
    obj: object
    start: date
    end: date | None  # None: still open


@dataclass
class _Ep:
    referral_id: int | None
    referral_date: date
    source: str
    nfa: bool
    units: list[_Unit] = field(default_factory=list)
    closure: date | None = None
    reason: str = ""
    need: str = ""

    def last_end(self) -> date | None:
        """The last day of work, or None while any work is open."""
        if any(u.end is None for u in self.units):
            return None
        return max([u.end for u in self.units if u.end] + [self.referral_date])

    def ongoing_at(self, day: date) -> bool:
        last = self.last_end()
        return last is None or last >= day


def _at(day: date, hour: float = 11) -> datetime:
    return datetime.combine(day, time(int(hour), int((hour % 1) * 60)), tzinfo=UK)


def _workers(ctx: DemoContext, csc: Agency, needed: dict[str, int]) -> dict[str, list]:
    """Social workers for each team, enough for about 16 open cases each (synthetic, cannot sign in)."""
    User = get_user_model()
    out: dict[str, list] = {}
    existing = User.objects.filter(username="demo.socialworker").first()
    for team_name, cases in needed.items():
        team, _ = Team.objects.get_or_create(agency=csc, name=team_name)
        count = max(1, round(cases / CASES_PER_WORKER))
        staff = []
        if existing is not None and team_name == "Assessment team":
            staff.append(existing)
            count -= 1
        for i in range(max(count, 0)):
            username = f"demo.sw.{team_name.split()[0].lower()}{team_name.split()[-2][0].lower()}{i + 1:02d}"
            user, created = User.objects.get_or_create(
                username=username,
                defaults={"first_name": ["Amy", "Ben", "Chloe", "Dev", "Ewa", "Femi", "Grace", "Huw"][i % 8],
                          "last_name": ["Ashworth", "Bello", "Carter", "Dunne", "Evans", "Farah", "Gill"][i % 7]},
            )  # fmt: skip
            if created:
                user.set_unusable_password()
                user.save()
                Membership.objects.create(user=user, agency=csc, team=team, role=Role.SOCIAL_WORKER)
            staff.append(user)
        out[team_name] = staff
    return out


def seed_cases(ctx: DemoContext) -> str:
    """Gather every child's casework into episodes; return what was made."""
    rng = ctx.rng("casework.cases")
    today = ctx.today
    csc = Agency.objects.get(code="HCC-CSC")
    opener = get_user_model().objects.get(username="demo.mashmanager")

    referrals: dict[int, list[tuple]] = defaultdict(list)
    for row in Referral.objects.values_list("id", "person_id", "referral_date", "source", "nfa"):
        referrals[row[1]].append(row)
    units: dict[int, list[_Unit]] = defaultdict(list)
    assessments = list(Assessment.objects.all())
    for a in assessments:
        units[a.person_id].append(_Unit("assessment", a, a.start_date, a.authorised_date))
    for s in Section47.objects.all():
        s47_end = max([d for d in (s.completed_date, s.icpc_date) if d], default=None)
        units[s.person_id].append(_Unit("s47", s, s.strategy_date, s47_end if s.completed_date else None))
    # A child has one child protection plan at a time: a later overlapping plan is not kept.
    dropped_plans = []
    by_child: dict[int, list[ChildProtectionPlan]] = defaultdict(list)
    for p in ChildProtectionPlan.objects.order_by("start_date", "pk"):
        by_child[p.person_id].append(p)
    for person_id, plans in by_child.items():
        last_end: date | None = date.min
        for p in plans:
            if last_end is None or p.start_date <= last_end:
                dropped_plans.append(p.pk)
                continue
            units[person_id].append(_Unit("cp", p, p.start_date, p.end_date))
            last_end = p.end_date
    CPReview.objects.filter(plan_id__in=dropped_plans).delete()
    ChildProtectionPlan.objects.filter(pk__in=dropped_plans).delete()
    for la in LookedAfterEpisode.objects.all():
        units[la.person_id].append(_Unit("cla", la, la.start_date, la.end_date))
    moved = _after_birth(units, today, rng)

    # Child-in-need plans follow the assessments that led to one (ended before any CP plan starts).
    cin_plans = []
    for a in sorted(assessments, key=lambda a: (a.start_date, a.pk)):
        if a.outcome != "CIN_PLAN" or a.authorised_date is None:
            continue
        start = min(a.authorised_date + timedelta(days=rng.randint(0, 5)), today)
        end: date | None = start + timedelta(days=rng.randint(90, 400))
        if any(u.kind == "cp" and u.start <= start and (u.end is None or u.end >= start) for u in units[a.person_id]):
            continue  # a child protection plan is open: the CIN plan would run beside it (DfE rule 4001)
        later_cp = [u.start for u in units[a.person_id] if u.kind in ("cp", "cla") and u.start >= start]
        if later_cp:
            if min(later_cp) <= start:
                continue
            end = min(end, min(later_cp) - timedelta(days=1)) if end else min(later_cp) - timedelta(days=1)
        if end is not None and end > today:
            end = None
        earlier = [u for u in units[a.person_id] if u.kind == "cin"]
        if any(u.end is None or u.end >= start for u in earlier):
            continue  # the child's plan is still open: this assessment reviewed it
        plan = CINPlan(person_id=a.person_id, start_date=start, end_date=end)
        cin_plans.append(plan)
        units[a.person_id].append(_Unit("cin", plan, start, end))

    new_referrals: list[Referral] = []
    episodes: dict[int, list[_Ep]] = {}
    # A second assessment or enquiry while one is open on the case is not kept (DfE rules 8896, 8890).
    dropped: dict[str, list[int]] = defaultdict(list)
    dropped_s47: set[int] = set()
    for person_id in set(referrals) | set(units):
        items: list[tuple[date, int, object]] = [(r[2], 0, r) for r in referrals.get(person_id, [])]
        items += [(u.start, 1, u) for u in units.get(person_id, [])]
        items.sort(key=lambda i: (i[0], i[1]))
        eps: list[_Ep] = []
        current: _Ep | None = None
        for _day, order, item in items:
            if order == 0:
                assert isinstance(item, tuple)
                rid: int = item[0]
                rdate: date = item[2]
                source: str = item[3]
                nfa: bool = item[4]
                if current is not None and current.ongoing_at(rdate):
                    continue  # the referral is recorded on the open case
                if current is not None:
                    _close(current, before=rdate, today=today, rng=rng)
                    current = None
                ep = _Ep(rid, rdate, source, bool(nfa))
                eps.append(ep)
                if ep.nfa:
                    ep.closure, ep.reason, ep.need = rdate, "RC7", "N0"
                else:
                    current = ep
            else:
                unit: _Unit = item  # type: ignore[assignment]
                if unit.kind == "cp" and getattr(unit.obj, "section47_id", None) in dropped_s47:
                    # Its conference was the dropped enquiry's: a plan needs the conference that made it
                    # (the census ties a plan's start to an initial conference, DfE rule 2885).
                    dropped["cp"].append(unit.obj.pk)  # type: ignore[attr-defined]
                    continue
                if current is None or not _joins(current, unit):
                    if current is not None:
                        _close(current, before=unit.start, today=today, rng=rng)
                    # Work with no referral before it: the referral that opened the case (made for the demo).
                    opened = unit.start - timedelta(days=rng.randint(1, 20))
                    if eps and eps[-1].closure and opened <= eps[-1].closure:
                        opened = eps[-1].closure + timedelta(days=1)
                    if opened > unit.start:  # a same-day no-further-action referral: it led to this work after all
                        eps[-1].nfa, eps[-1].closure, eps[-1].reason, eps[-1].need = False, None, "", ""
                        current = eps[-1]
                        current.units.append(unit)
                        continue
                    ref = Referral(person_id=person_id, referral_date=opened, source=rng.choice(SOURCES), nfa=False)
                    new_referrals.append(ref)
                    current = _Ep(None, opened, ref.source, False)
                    current.units.append(unit)
                    eps.append(current)
                    current._new_ref = ref  # type: ignore[attr-defined]
                elif unit.kind in ("assessment", "s47") and any(
                    u.kind == unit.kind and (u.end is None or u.end >= unit.start) for u in current.units
                ):
                    dropped[unit.kind].append(unit.obj.pk)  # type: ignore[attr-defined]
                    if unit.kind == "s47":
                        dropped_s47.add(unit.obj.pk)  # type: ignore[attr-defined]
                else:
                    current.units.append(unit)
        if current is not None:
            _close(current, before=None, today=today, rng=rng)
        episodes[person_id] = eps

    CPReview.objects.filter(plan_id__in=dropped["cp"]).delete()
    ChildProtectionPlan.objects.filter(pk__in=dropped["cp"]).delete()
    Section47.objects.filter(pk__in=dropped["s47"]).delete()
    Assessment.objects.filter(pk__in=dropped["assessment"]).delete()
    # The demo's own referrals for work that began before the records did.
    Referral.objects.bulk_create(new_referrals, batch_size=5000)
    needed: dict[str, int] = defaultdict(int)
    for eps in episodes.values():
        for ep in eps:
            if ep.closure is None:
                needed[TEAMS[_stage(ep)]] += 1
    workers = _workers(ctx, csc, dict(needed))
    teams = {t.name: t for t in Team.objects.filter(agency=csc)}

    rows: list[CaseEpisode] = []
    meta: list[_Ep] = []
    for person_id, eps in episodes.items():
        for ep in eps:
            if not ep.need and not ep.nfa and (ep.closure is not None or any(
                u.kind == "assessment" and u.end for u in ep.units) or any(u.kind in ("cp", "cla", "cin") for u in ep.units)):  # fmt: skip
                ep.need = "N1" if any(u.kind == "cp" for u in ep.units) else _need(rng)
            stage = CaseStage.CLOSED if ep.closure else _stage(ep)
            worker = team = None
            if ep.closure is None:
                team_name = TEAMS[stage]
                team = teams[team_name]
                worker = rng.choice(workers[team_name]) if rng.random() > 0.03 else None  # a few unallocated
            rid = ep.referral_id if ep.referral_id is not None else ep._new_ref.pk  # type: ignore[attr-defined]
            rows.append(
                CaseEpisode(
                    person_id=person_id,
                    referral_id=rid,
                    referral_date=ep.referral_date,
                    referral_source=ep.source,
                    referral_nfa=ep.nfa,
                    is_re_referral=bool(rows and rows[-1].person_id == person_id
                                        and rules.is_re_referral(ep.referral_date, rows[-1].referral_date)),
                    stage=stage,
                    primary_need=ep.need,
                    team=team,
                    worker=worker,
                    visit_interval_working_days=20 if stage == CaseStage.CHILD_IN_NEED else None,
                    closure_date=ep.closure,
                    closure_reason=ep.reason,
                    opened_by=opener,
                    opened_at=_at(ep.referral_date),
                    closed_by=opener if ep.closure else None,
                )
            )  # fmt: skip
            meta.append(ep)
    CaseEpisode.objects.bulk_create(rows, batch_size=5000)

    links: dict[str, list] = defaultdict(list)
    allocations, notes, cin_reviews, cp_reviews, core_groups = [], [], [], [], []
    planted = 0
    for episode, ep in zip(rows, meta, strict=True):
        for u in ep.units:
            u.obj.episode_id = episode.pk  # type: ignore[attr-defined]
            links[u.kind].append(u.obj)
        if ep.nfa:
            continue
        start_at = _at(ep.referral_date, 10)
        if episode.closure_date is not None:
            allocations.append(
                CaseAllocation(episode=episode, team=teams["Assessment team"], worker=None, started_at=start_at,
                               ended_at=_at(episode.closure_date, 16), decided_by=opener, reason="Allocated on opening")
            )  # fmt: skip
            continue
        allocations.append(
            CaseAllocation(episode=episode, team=episode.team, worker=episode.worker, started_at=start_at,
                           decided_by=opener, reason="Allocated on opening")
        )  # fmt: skip
        visitor = episode.worker or opener  # an unallocated case is visited by the duty team manager
        # Visits to open plans, on time (a few planted late ones are counted in the output).
        interval = 10 if episode.stage == CaseStage.CHILD_PROTECTION else 20
        if episode.stage in (CaseStage.CHILD_PROTECTION, CaseStage.CHILD_IN_NEED):
            late = rng.random() < 0.01
            planted += late
            since = max([u.start for u in ep.units if u.kind in ("cp", "cin") and u.end is None], default=today)
            day = max(since, today - timedelta(days=70))
            last_allowed = today - timedelta(days=40 if late else 0)
            while True:
                day = add_working_days(day, max(1, interval - rng.randint(1, 4)))
                if day > last_allowed or day > today:
                    break
                seen = rng.random() < 0.95
                notes.append(
                    CaseNote(episode=episode, kind="HOME_VISIT", occurred_at=_at(day, rng.uniform(9, 17)),
                             present="Child and parent", child_seen=seen, child_seen_alone=seen and rng.random() < 0.6,
                             child_words="I like it when my nan picks me up from school." if seen else "",
                             text="Statutory visit. Home conditions and the plan discussed.", written_by=visitor,
                             written_at=_at(day, 18), locks_at=_at(day + timedelta(days=1), 18))
                )  # fmt: skip
    for unit_kind, objs in links.items():
        if unit_kind == "cin":
            for plan in objs:
                plan.episode_id = plan.episode_id  # set above
                plan.next_review_date = None
                if plan.end_date is None:
                    due = rules.cin_plan_review_due(plan.start_date)
                    while due <= today:
                        due = rules.cin_plan_review_due(due)
                    plan.next_review_date = due
            CINPlan.objects.bulk_create(objs, batch_size=5000)
            for plan in objs:
                due = rules.cin_plan_review_due(plan.start_date)
                while due <= (plan.end_date or today):
                    held_on = due - timedelta(days=rng.randint(0, 7))
                    cin_reviews.append(CINPlanReview(plan=plan, due_date=due, held_date=held_on, recorded_by=opener))
                    due = rules.cin_plan_review_due(held_on)
        else:
            model = {"assessment": Assessment, "s47": Section47, "cp": ChildProtectionPlan, "cla": LookedAfterEpisode}
            model[unit_kind].objects.bulk_update(objs, ["episode"], batch_size=5000)  # type: ignore[attr-defined]
        if unit_kind == "cp":
            for plan in objs:
                if plan.end_date is not None:
                    continue
                due = rules.cp_review_due(plan.start_date, None)
                last = None
                while due <= today:
                    last = due - timedelta(days=rng.randint(0, 10))
                    cp_reviews.append(CPReview(plan=plan, due_date=due, held_date=last))
                    due = rules.cp_review_due(plan.start_date, last)
                cp_reviews.append(CPReview(plan=plan, due_date=due))
                held_on = rules.first_core_group_due(plan.start_date) - timedelta(days=rng.randint(0, 4))
                while held_on <= today:
                    core_groups.append(CoreGroupMeeting(plan=plan, held_date=held_on, recorded_by=opener))
                    held_on = rules.next_core_group_due(held_on) - timedelta(days=rng.randint(0, 6))
    CaseAllocation.objects.bulk_create(allocations, batch_size=5000)
    CaseNote.objects.bulk_create(notes, batch_size=5000)
    CINPlanReview.objects.bulk_create(cin_reviews, batch_size=5000)
    CPReview.objects.bulk_create(cp_reviews, batch_size=5000)
    CoreGroupMeeting.objects.bulk_create(core_groups, batch_size=5000)
    # Children's social care holds every child with a case, so the allocated worker can open it.
    holding = set(
        Involvement.objects.filter(agency=csc).filter(Q(ended_at__isnull=True)).values_list("person_id", flat=True)
    )
    Involvement.objects.bulk_create(
        [Involvement(person_id=pid, agency=csc, kind="CASE_HOLDER", started_at=_at(eps[0].referral_date),
                     source="casework.CaseEpisode") for pid, eps in episodes.items() if pid not in holding and eps]
    )  # fmt: skip
    # An assessment begun before the baby was born (or of a baby still unborn) is a pre-birth assessment.
    pre_birth = Assessment.objects.filter(
        Q(person__date_of_birth__isnull=True, person__expected_date_of_birth__isnull=False)
        | Q(start_date__lt=F("person__date_of_birth"))
    ).update(pre_birth=True)
    open_count = sum(1 for e in rows if e.closure_date is None)
    unallocated = sum(1 for e in rows if e.closure_date is None and e.worker is None)
    return (
        f"{len(rows):,} case episodes ({open_count:,} open, {len(new_referrals):,} referrals for work begun before "
        f"the records), {len(notes):,} visits, {len(cin_plans):,} child-in-need plans, "
        f"{len(dropped_plans):,} overlapping plans, {len(dropped['assessment']):,} assessments and "
        f"{len(dropped['s47']):,} enquiries overlapping open ones not kept (with {len(dropped['cp']):,} plans from their conferences), {moved:,} records moved after birth, {pre_birth:,} pre-birth assessments; planted exceptions: {planted} cases with a visit overdue, "
        f"{unallocated} open cases unallocated"
    )


def _after_birth(units: dict[int, list[_Unit]], today: date, rng) -> int:
    """Move plans and periods of care the generator dated before the child's birth to after it."""
    from safehub.people.models import Person

    births = dict(
        Person.objects.filter(pk__in=list(units), date_of_birth__isnull=False).values_list("pk", "date_of_birth")
    )
    changed: dict[type, list] = defaultdict(list)
    gone: list[_Unit] = []
    for person_id, child_units in units.items():
        born = births.get(person_id)
        if born is None:
            continue
        for u in child_units:
            if u.kind not in ("cp", "cla") or u.start >= born or getattr(u.obj, "unborn_at_start", False):
                continue
            if u.kind == "cp":  # a plan before birth with no pre-birth conference: not kept
                gone.append(u)
                continue
            # The day after birth at the earliest: the 903 describes no period of care starting on
            # the day of birth or lasting under two weeks, and every period of care has its episodes.
            u.start = born + timedelta(days=rng.randint(1, 20))
            if u.end is not None and u.end < u.start + timedelta(days=14):
                end = u.start + timedelta(days=rng.randint(60, 300))
                u.end = end if end <= today else None
            u.obj.start_date, u.obj.end_date = u.start, u.end  # type: ignore[attr-defined]
            changed[type(u.obj)].append(u.obj)
    for model, objs in changed.items():
        model.objects.bulk_update(objs, ["start_date", "end_date"], batch_size=5000)  # type: ignore[attr-defined]
    for u in gone:
        units[u.obj.person_id].remove(u)  # type: ignore[attr-defined]
    ChildProtectionPlan.objects.filter(pk__in=[u.obj.pk for u in gone]).delete()  # type: ignore[attr-defined]
    return sum(len(v) for v in changed.values()) + len(gone)


def _joins(current: _Ep, unit: _Unit) -> bool:
    """New work joins the open case while it is ongoing or within 60 days of its last work."""
    last = current.last_end()
    return last is None or unit.start <= last + timedelta(days=60)


def _need(rng) -> str:
    return rng.choices([c for c, _ in NEEDS], weights=[w for _, w in NEEDS])[0]


def _stage(ep: _Ep) -> str:
    open_kinds = {u.kind for u in ep.units if u.end is None}
    if "cla" in open_kinds:
        return CaseStage.LOOKED_AFTER
    if "cp" in open_kinds:
        return CaseStage.CHILD_PROTECTION
    if "cin" in open_kinds:
        return CaseStage.CHILD_IN_NEED
    if "assessment" in open_kinds or "s47" in open_kinds:
        return CaseStage.ASSESSMENT
    if any(u.kind == "assessment" for u in ep.units):
        return CaseStage.CHILD_IN_NEED
    return CaseStage.REFERRAL


def _close(ep: _Ep, *, before: date | None, today: date, rng) -> None:
    """Close a case whose work has ended: after its last piece of work, before the next referral."""
    last = ep.last_end()
    if last is None:
        return
    closure = last + timedelta(days=rng.randint(0, 20))
    if before is not None:
        closure = min(closure, before - timedelta(days=1))
    if closure > today:
        if before is None:
            return  # still open today: closure is a decision still to come
        closure = today
    closure = max(closure, last)
    ep.closure = closure
    kinds = {u.kind for u in ep.units}
    assessments = [u.obj for u in ep.units if u.kind == "assessment"]
    outcome = getattr(assessments[-1], "outcome", "") if assessments else ""
    if kinds == {"assessment"} and outcome == "NFA":
        ep.reason = "RC8"
    elif kinds == {"assessment"} and outcome == "EARLY_HELP":
        ep.reason = "RC9"
    else:
        ep.reason = "RC7"
