"""Annex A Lists 4 to 7 from the casework records: assessments, section 47 enquiries, children in need
and child protection plans.

List 4 is one row per assessment, List 5 one per section 47 enquiry (with the enquiries and initial
conferences in the 12 months before), each keyed by child + start date (``CaseworkBinding``).

Lists 6 and 7 are mapped to the case spine. List 6 is one row per child-in-need episode
(``casework.CaseEpisode``), keyed by child + CIN start date (the referral date that opened the
episode); List 7 one row per child protection plan, keyed by child + plan start
(shared/formats/measures.md). Both export every episode or plan open at any point in the period, not
only those that started in it. The last time the child was seen, the last statutory visit (and
whether the child was seen alone) and the latest review conference come from the case notes and the
plan's reviews.

A workbook written by another system keeps its rows: an odd cell is dropped and reported as a
warning (``ListSpec.keep_odd_rows``); only a row with no child or no start date is refused, and a
row that would give a child a second open episode (a child has one open case at a time).
"""

from __future__ import annotations

from collections import defaultdict
from datetime import date, timedelta

from django.db.models import Q

from safehub.casework import rules as casework_rules
from safehub.core.calendar import same_date_one_year_earlier
from safehub.core.sql import any_of
from safehub.core.timescales import timescale
from safehub.returns.annex_a.bindings_base import CaseworkBinding, uk_day, uk_noon

OPEN_STAGES_BY_NEED = ("ASSESSMENT", "CHILD_IN_NEED")  # before after_import sets the stage from the open work
PLACEHOLDER_REASON = "RC7"
CLOSED = "CLOSED"


def _open_stage(need: str) -> str:
    """The stage an imported open episode starts at: child in need once a need is recorded."""
    return OPEN_STAGES_BY_NEED[1] if need and need != "N0" else OPEN_STAGES_BY_NEED[0]


def _chunks(ids: list[int], size: int = 5000):
    for i in range(0, len(ids), size):
        yield ids[i : i + size]


def _yes_no(flag: bool | None) -> str | None:
    return None if flag is None else ("Y" if flag else "N")


def _seen(person_ids: set[int], end: date, *, visits_only: bool) -> dict[int, tuple[date, bool]]:
    """The last day each child was seen on or before ``end`` (a visit, when ``visits_only``), and
    whether the child was seen alone then."""
    from safehub.casework.models import VISIT_KINDS, CaseNote

    last: dict[int, tuple[date, bool]] = {}
    ids = sorted(person_ids)
    for part in _chunks(ids):
        qs = CaseNote.objects.filter(
            episode__person_id__in=part, child_seen=True, occurred_at__lt=uk_noon(end) + timedelta(hours=12)
        )
        if visits_only:
            qs = qs.filter(kind__in=list(VISIT_KINDS))
        for person_id, occurred_at, alone in qs.order_by("occurred_at", "pk").values_list(
            "episode__person_id", "occurred_at", "child_seen_alone"
        ):
            last[person_id] = (uk_day(occurred_at), alone)
    return last


def _allocation(episode_ids: set[int]) -> dict[int, tuple[str | None, str | None]]:
    """The team and worker now holding each episode (names, as the list shows them)."""
    from safehub.casework.models import CaseEpisode

    out: dict[int, tuple[str | None, str | None]] = {}
    for part in _chunks(sorted(episode_ids)):
        for pk, team, first, last in CaseEpisode.objects.filter(pk__in=part).values_list(
            "pk", "team__name", "worker__first_name", "worker__last_name"
        ):
            worker = " ".join(n for n in (first, last) if n) or None
            out[pk] = (team or None, worker)
    return out


def _held(values: dict, **fields) -> dict:
    """Add only the values Safehub holds, so a file's own cells (kept with the link) show through."""
    values.update({k: v for k, v in fields.items() if v is not None})
    return values


class CINEpisodesBinding(CaseworkBinding):
    """List 6: child-in-need episodes (casework.CaseEpisode), keyed by child + CIN start date."""

    list_number = 6
    model_label = "casework.CaseEpisode"
    date_field = "referral_date"

    def __init__(self) -> None:
        self._open_in_file: dict[int, date] = {}  # child -> start of the open episode this import holds

    def fields_of_names(self):
        return ("primary_need", "referral_nfa", "closure_date", "closure_reason", "stage")

    def fields_of(self, values):
        need = values.get("need") or ""
        closed = values.get("closure_date")
        return {
            "primary_need": need,
            "referral_nfa": need == "N0",  # N0 only where the referral closed with no further action
            "closure_date": closed,
            "closure_reason": (values.get("closure_reason") or PLACEHOLDER_REASON) if closed else "",
            "stage": CLOSED if closed else _open_stage(need),
        }

    def current_by_pk(self, pks):
        """The held stage of an open episode follows its open work; compared as the stage it was imported at."""
        held = super().current_by_pk(pks)
        for values in held.values():
            if values["stage"] != CLOSED:
                values["stage"] = _open_stage(values["primary_need"])
        return held

    def constants(self, ctx):
        from safehub.core.actors import user_or_none

        by = user_or_none(ctx.by)
        return {"opened_by_id": getattr(by, "pk", None), "opened_at": ctx.now, "referral_source": ""}

    def build(self, person_id, values, ctx):
        return {"person_id": person_id, "referral_date": values["start_date"], **self.fields_of(values)}

    def check_rows(self, rows):
        """Warn about a closure without a reason (kept as RC7 for a person to check) or a reason
        without a closure; refuse a row that would give a child a second open episode."""
        from safehub.casework.models import CaseEpisode

        notes: dict[int, list[tuple[str, object, str, bool]]] = defaultdict(list)
        people = [p for _, p, _ in rows if p > 0]
        open_held: dict[int, date] = {}
        for part in _chunks(sorted(set(people))):
            open_held.update(
                CaseEpisode.objects.filter(person_id__in=part, closure_date__isnull=True).values_list(
                    "person_id", "referral_date"
                )
            )
        closing = {(p, v["start_date"]) for _, p, v in rows if v.get("closure_date")}
        for number, person_id, values in rows:
            start, closed = values["start_date"], values.get("closure_date")
            if closed and not values.get("closure_reason"):
                notes[number].append(
                    (
                        "Reason for Closure",
                        "",
                        "The episode is closed with no reason for closure: recorded as RC7 (services ceased for "
                        "any other reason) until a person checks it (a warning to resolve: the row was imported)",
                        False,
                    )
                )
            if not closed and values.get("closure_reason"):
                notes[number].append(
                    (
                        "Reason for Closure",
                        values["closure_reason"],
                        "A reason for closure without a closure date: the episode is kept open and the reason "
                        "dropped (a warning to resolve: the row was imported)",
                        False,
                    )
                )
            if closed:
                continue
            held = open_held.get(person_id)
            in_file = self._open_in_file.get(person_id)
            other = next(
                (d for d in (in_file, held) if d is not None and d != start and (person_id, d) not in closing), None
            )
            if other is not None:
                notes[number].append(
                    (
                        "CIN Start Date",
                        start,
                        f"The child already has a child-in-need episode open from {other:%d/%m/%Y}: a child has one "
                        "open episode at a time, so this row was not imported (close the other episode first)",
                        True,
                    )
                )
            else:
                self._open_in_file[person_id] = start
        return notes

    def after_import(self, person_ids):
        """Set each open episode's stage from the child's open work, fill the referral source from the
        child's referral that day (List 3), and flag re-referrals, as the case services do."""
        from safehub.casework.models import (
            CaseEpisode,
            CaseStage,
            ChildProtectionPlan,
            CINPlan,
            LookedAfterEpisode,
        )
        from safehub.frontdoor.models import Referral

        for part in _chunks(sorted(person_ids)):
            episodes = list(
                CaseEpisode.objects.filter(person_id__in=part).only(
                    "pk",
                    "person_id",
                    "referral_date",
                    "referral_source",
                    "stage",
                    "closure_date",
                    "is_re_referral",
                    "previous_episode_id",
                    "primary_need",
                )
            )
            open_ids = [e.person_id for e in episodes if e.closure_date is None]
            care = set(
                LookedAfterEpisode.objects.filter(person_id__in=open_ids, end_date__isnull=True).values_list(
                    "person_id", flat=True
                )
            )
            cp = set(
                ChildProtectionPlan.objects.filter(person_id__in=open_ids, end_date__isnull=True).values_list(
                    "person_id", flat=True
                )
            )
            cin = set(
                CINPlan.objects.filter(person_id__in=open_ids, end_date__isnull=True).values_list(
                    "person_id", flat=True
                )
            )
            sources: dict[tuple[int, date], str] = {}
            for person_id, day, source in (
                Referral.objects.filter(person_id__in=part)
                .order_by("pk")
                .values_list("person_id", "referral_date", "source")
            ):
                sources.setdefault((person_id, day), source)
            by_person: dict[int, list] = defaultdict(list)
            for e in episodes:
                by_person[e.person_id].append(e)
            changed = []
            for own in by_person.values():
                own.sort(key=lambda e: (e.referral_date, e.pk))
                for i, e in enumerate(own):
                    before = (e.stage, e.referral_source, e.is_re_referral, e.previous_episode_id)
                    if e.closure_date is None:
                        if e.person_id in care:
                            e.stage = CaseStage.LOOKED_AFTER
                        elif e.person_id in cp:
                            e.stage = CaseStage.CHILD_PROTECTION
                        elif e.person_id in cin:
                            e.stage = CaseStage.CHILD_IN_NEED
                    if not e.referral_source:
                        e.referral_source = sources.get((e.person_id, e.referral_date), "")
                    previous = own[i - 1] if i else None
                    e.previous_episode_id = previous.pk if previous else None
                    e.is_re_referral = previous is not None and (
                        same_date_one_year_earlier(e.referral_date) <= previous.referral_date < e.referral_date
                    )
                    if (e.stage, e.referral_source, e.is_re_referral, e.previous_episode_id) != before:
                        changed.append(e)
            CaseEpisode.objects.bulk_update(
                changed, ["stage", "referral_source", "is_re_referral", "previous_episode"], batch_size=2000
            )

    def export_rows(self, start, end):
        from safehub.casework.models import CaseEpisode, CaseStage

        rows = list(
            CaseEpisode.objects.filter(referral_date__lte=end)
            .filter(Q(closure_date__isnull=True) | Q(closure_date__gte=start))
            .order_by("referral_date", "pk")
            .values("pk", "person_id", "referral_date", "primary_need", "closure_date", "closure_reason", "stage")
        )
        seen = _seen({r["person_id"] for r in rows}, end, visits_only=False)
        held_by = _allocation({r["pk"] for r in rows if r["closure_date"] is None})
        for r in rows:
            last_seen = seen.get(r["person_id"])
            team, worker = held_by.get(r["pk"], (None, None))
            values = {
                "start_date": r["referral_date"],
                "need": r["primary_need"] or None,
                "closure_date": r["closure_date"],
                "closure_reason": r["closure_reason"] or None,
                "case_status": CaseStage(r["stage"]).label,
                "_pk": r["pk"],
            }
            if last_seen and last_seen[0] >= r["referral_date"]:
                values["last_seen_date"] = last_seen[0]
            yield r["person_id"], r["referral_date"], _held(values, allocated_team=team, allocated_worker=worker)


class CPPlansOpenBinding(CaseworkBinding):
    """List 7: child protection plans (casework.ChildProtectionPlan), every plan open in the period."""

    list_number = 7
    model_label = "casework.ChildProtectionPlan"

    def fields_of_names(self):
        return ("initial_category", "latest_category", "end_date")

    def fields_of(self, values):
        initial = values.get("initial_category") or ""  # blank or odd in the file: kept as a warning to resolve
        return {
            "initial_category": initial,
            "latest_category": values.get("latest_category") or initial,
            "end_date": values.get("end_date"),
        }

    def build(self, person_id, values, ctx):
        return {"person_id": person_id, "start_date": values["start_date"], **self.fields_of(values)}

    def after_import(self, person_ids):
        """Put each plan on the child's episode that was open on its start date (when there is one)."""
        from safehub.casework.models import CaseEpisode, ChildProtectionPlan

        for part in _chunks(sorted(person_ids)):
            episodes: dict[int, list[tuple[date, date | None, int]]] = defaultdict(list)
            for pk, person_id, opened, closed in CaseEpisode.objects.filter(person_id__in=part).values_list(
                "pk", "person_id", "referral_date", "closure_date"
            ):
                episodes[person_id].append((opened, closed, pk))
            changed = []
            for plan in ChildProtectionPlan.objects.filter(person_id__in=part, episode__isnull=True).only(
                "pk", "person_id", "start_date", "episode_id"
            ):
                match = next(
                    (
                        pk
                        for opened, closed, pk in sorted(episodes[plan.person_id], reverse=True)
                        if opened <= plan.start_date and (closed is None or closed >= plan.start_date)
                    ),
                    None,
                )
                if match is not None:
                    plan.episode_id = match
                    changed.append(plan)
            ChildProtectionPlan.objects.bulk_update(changed, ["episode"], batch_size=2000)

    def export_rows(self, start, end):
        from safehub.casework.models import ChildProtectionPlan, CPReview

        rows = list(
            ChildProtectionPlan.objects.filter(start_date__lte=end)
            .filter(Q(end_date__isnull=True) | Q(end_date__gte=start))
            .order_by("start_date", "pk")
            .values("pk", "person_id", "start_date", "initial_category", "latest_category", "end_date", "episode_id")
        )
        persons = {r["person_id"] for r in rows}
        starts: dict[int, list[date]] = defaultdict(list)
        for part in _chunks(sorted(persons)):
            for person_id, day in ChildProtectionPlan.objects.filter(person_id__in=part).values_list(
                "person_id", "start_date"
            ):
                starts[person_id].append(day)
        visits = _seen(persons, end, visits_only=True)
        reviews: dict[int, date] = {}
        for part in _chunks([r["pk"] for r in rows]):
            for plan_id, held in CPReview.objects.filter(
                plan_id__in=any_of(part), held_date__isnull=False, held_date__lte=end
            ).values_list("plan_id", "held_date"):
                reviews[plan_id] = max(held, reviews.get(plan_id, held))
        held_by = _allocation({r["episode_id"] for r in rows if r["episode_id"]})
        for r in rows:
            ended = r["end_date"]
            visit = visits.get(r["person_id"])
            if visit and visit[0] < r["start_date"]:
                visit = None
            team, worker = held_by.get(r["episode_id"], (None, None)) if ended is None else (None, None)
            values = {
                "start_date": r["start_date"],
                "initial_category": r["initial_category"],
                "latest_category": r["latest_category"],
                "end_date": ended,
                "previous_plans": sum(1 for d in starts[r["person_id"]] if d < r["start_date"]),
                "_pk": r["pk"],
            }
            yield (
                r["person_id"],
                r["start_date"],
                _held(
                    values,
                    last_visit_date=visit[0] if visit else None,
                    seen_alone=_yes_no(visit[1]) if visit else None,
                    review_date=reviews.get(r["pk"]),
                    allocated_team=team,
                    allocated_worker=worker,
                ),
            )


def _count_within_12m(days: list[date], day: date) -> int:
    since = same_date_one_year_earlier(day)
    return sum(1 for d in days if d is not None and since <= d <= day)


class AssessmentsBinding(CaseworkBinding):
    """List 4: child and family assessments (casework.Assessment)."""

    list_number = 4
    model_label = "casework.Assessment"

    def fields_of_names(self):
        return ("authorised_date",)

    def fields_of(self, values):
        return {"authorised_date": values.get("authorised_date")}

    def build(self, person_id, values, ctx):
        return {
            "person_id": person_id,
            "start_date": values["start_date"],
            "due_date": casework_rules.assessment_due(
                values["start_date"],
                working_days=timescale("assessment_working_days", casework_rules.ASSESSMENT_WORKING_DAYS),
            ),
            **self.fields_of(values),
        }

    def export_rows(self, start, end):
        for r in self._records(start, end):
            yield (
                r["person_id"],
                r["start_date"],
                {"start_date": r["start_date"], "authorised_date": r["authorised_date"], "_pk": r["pk"]},
            )


class Section47Binding(CaseworkBinding):
    """List 5: section 47 enquiries and initial child protection conferences (casework.Section47)."""

    list_number = 5
    model_label = "casework.Section47"
    date_field = "strategy_date"
    key_field = "strategy_date"

    def fields_of_names(self):
        return ("icpc_date",)

    def fields_of(self, values):
        return {"icpc_date": values.get("icpc_date")}

    def build(self, person_id, values, ctx):
        return {
            "person_id": person_id,
            "strategy_date": values["strategy_date"],
            "icpc_due_date": casework_rules.icpc_due(
                values["strategy_date"], working_days=timescale("icpc_working_days", casework_rules.ICPC_WORKING_DAYS)
            ),
            **self.fields_of(values),
        }

    def export_rows(self, start, end):
        rows = self._records(start, end)
        history: dict[int, list] = defaultdict(list)
        for person_id, day, icpc in self.model.objects.filter(person_id__in={r["person_id"] for r in rows}).values_list(
            "person_id", "strategy_date", "icpc_date"
        ):
            history[person_id].append((day, icpc))
        for r in rows:
            day, past = r["strategy_date"], history[r["person_id"]]
            yield (
                r["person_id"],
                day,
                {
                    "strategy_date": day,
                    "icpc_date": r["icpc_date"],
                    "s47_12m": _count_within_12m([d for d, _ in past], day),
                    "icpc_12m": _count_within_12m([i for _, i in past], day),
                    "_pk": r["pk"],
                },
            )


class CPPlansBinding(CaseworkBinding):
    """List 7: child protection plans (casework.ChildProtectionPlan)."""

    list_number = 7
    model_label = "casework.ChildProtectionPlan"

    def fields_of_names(self):
        return ("initial_category", "latest_category", "end_date")

    def fields_of(self, values):
        return {
            "initial_category": values["initial_category"],
            "latest_category": values.get("latest_category") or values["initial_category"],
            "end_date": values.get("end_date"),
        }

    def build(self, person_id, values, ctx):
        return {"person_id": person_id, "start_date": values["start_date"], **self.fields_of(values)}

    def export_rows(self, start, end):
        rows = self._records(start, end)
        starts: dict[int, list] = defaultdict(list)
        for person_id, day in self.model.objects.filter(person_id__in={r["person_id"] for r in rows}).values_list(
            "person_id", "start_date"
        ):
            starts[person_id].append(day)
        for r in rows:
            yield (
                r["person_id"],
                r["start_date"],
                {
                    "start_date": r["start_date"],
                    "initial_category": r["initial_category"],
                    "latest_category": r["latest_category"],
                    "end_date": r["end_date"],
                    "previous_plans": sum(1 for d in starts[r["person_id"]] if d < r["start_date"]),
                    "_pk": r["pk"],
                },
            )
