"""The SSDA903 return: the DfE's CSV tables, written from the looked-after records.

One CSV per table, with the column names of the DfE specification for 2025-26 (the same names the
DfE validator matches files on). Nothing is invented or defaulted: a value the records do not hold
is left blank and the gap is reported as a problem (child, table, column, message), so the analyst
sees what to fix before submitting (CONVENTIONS 12).

Who is in it (903 guide 2025-26):
- Episodes: every 903 episode open at any point in the year (1 April - 31 March), with the child's
  earlier episodes of the same period of care, so the history behind the year is there.
- Header: every child in Episodes or OC3.
- Reviews: reviews held in the year; OC2: children looked after continuously for 12 months at
  31 March; OC3: care leavers whose 17th-21st birthday falls in the year; Missing: missing and away
  episodes that started in the year while the child was looked after; UASC: children in the header
  who are or were unaccompanied asylum-seeking children.
"""

from __future__ import annotations

import csv
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date, datetime
from pathlib import Path

from dateutil.relativedelta import relativedelta
from django.db.models import Q

from safehub.casework.models import LookedAfterEpisode, MissingEpisode
from safehub.core.calendar import financial_year, financial_year_label, financial_year_start, uk_date
from safehub.lookedafter import rules
from safehub.lookedafter.models import (
    AdoptionPlan,
    AwayFromPlacement,
    CareEpisode,
    CareLeaverContact,
    HealthKind,
    ItemStatus,
    LAHealthCheck,
    LAReview,
    PreviousPermanence,
    UASCStatus,
    UPNUnknown,
    YearOutcome,
)
from safehub.people.models import Person, Relationship, RelationshipKind

COLUMNS: dict[str, list[str]] = {
    "header": ["CHILD", "SEX", "DOB", "ETHNIC", "UPN", "MOTHER", "MC_DOB"],
    "episodes": [
        "CHILD",
        "DECOM",
        "RNE",
        "LS",
        "CIN",
        "PLACE",
        "PLACE_PROVIDER",
        "DEC",
        "REC",
        "REASON_PLACE_CHANGE",
        "HOME_POST",
        "PL_POST",
        "URN",
    ],
    "reviews": ["CHILD", "DOB", "REVIEW", "REVIEW_CODE"],
    "uasc": ["CHILD", "SEX", "DOB", "DUC"],
    "oc2": [
        "CHILD",
        "DOB",
        "SDQ_SCORE",
        "SDQ_REASON",
        "CONVICTED",
        "HEALTH_CHECK",
        "IMMUNISATIONS",
        "TEETH_CHECK",
        "HEALTH_ASSESSMENT",
        "SUBSTANCE_MISUSE",
        "INTERVENTION_RECEIVED",
        "INTERVENTION_OFFERED",
    ],
    "oc3": ["CHILD", "DOB", "IN_TOUCH", "ACTIV", "ACCOM"],
    "missing": ["CHILD", "DOB", "MISSING", "MIS_START", "MIS_END"],
    "ad1": ["CHILD", "DOB", "DATE_INT", "DATE_MATCH", "FOSTER_CARE", "NB_ADOPTR", "SEX_ADOPTR", "LS_ADOPTR"],
    "placed_for_adoption": ["CHILD", "DOB", "DATE_PLACED", "DATE_PLACED_CEASED", "REASON_PLACED_CEASED"],
    "previous_permanence": ["CHILD", "DOB", "PREV_PERM", "LA_PERM", "DATE_PERM"],
    "social_worker_episodes": ["CHILD", "DOB", "SW_ID", "SW_DECOM", "SW_DEC", "SW_REASON"],
    "dolo": ["CHILD", "DOB", "DOLO_START", "DOLO_END"],  # from 2026-27 only (rules.dolo_collected)
}
SEX_CODES = {"M": "M", "F": "F", "U": "U"}  # 903 SEX from 2024-25 (validator rule 101)


@dataclass(frozen=True)
class Problem:
    child: str
    table: str
    column: str
    message: str


@dataclass
class Return903:
    year: str
    tables: dict[str, list[dict[str, str]]] = field(default_factory=dict)
    problems: list[Problem] = field(default_factory=list)

    def counts(self) -> dict[str, int]:
        return {name: len(rows) for name, rows in self.tables.items()}


def _d(day: date | None) -> str:
    return day.strftime("%d/%m/%Y") if day else ""


def _b(value: bool | None) -> str:
    return "" if value is None else ("1" if value else "0")


def build(year: str, *, person_ids: list[int] | None = None) -> Return903:
    """Build the 903 tables for a year such as '2025-26' from the records (``person_ids`` narrows it)."""
    start, end = financial_year(year)
    tables = [name for name in COLUMNS if name != "dolo" or rules.dolo_collected(start)]
    out = Return903(year=year, tables={name: [] for name in tables})
    problems = out.problems

    in_year = Q(decom__lte=end) & (Q(dec__isnull=True) | Q(dec__gte=start))
    eps = CareEpisode.objects.all()
    if person_ids is not None:
        eps = eps.filter(person_id__in=person_ids)
    period_ids = set(eps.filter(in_year).values_list("period_id", flat=True))
    episodes = list(eps.filter(period_id__in=period_ids, decom__lte=end).order_by("person_id", "decom"))
    children: set[int] = {e.person_id for e in episodes}

    # Periods of care open in the year with no 903 episode: the return cannot speak for them.
    periods = LookedAfterEpisode.objects.filter(start_date__lte=end).filter(
        Q(end_date__isnull=True) | Q(end_date__gte=start)
    )
    if person_ids is not None:
        periods = periods.filter(person_id__in=person_ids)
    for pid, period_id in periods.exclude(pk__in=period_ids).values_list("person_id", "pk"):
        problems.append(
            Problem(str(pid), "episodes", "DECOM", f"period of care {period_id} has no SSDA903 episodes recorded")
        )

    # A period ended elsewhere (casework's own "stops being looked after") with its 903 episode still open.
    ended = dict(periods.filter(pk__in=period_ids, end_date__isnull=False).values_list("pk", "end_date"))
    for ep in episodes:
        if ep.dec is None and ep.period_id in ended:
            problems.append(
                Problem(
                    str(ep.person_id),
                    "episodes",
                    "DEC",
                    f"period of care {ep.period_id} ended on {_d(ended[ep.period_id])} but its last episode is open: "
                    "end care on the looked-after page to record why (REC)",
                )
            )

    contacts = list(CareLeaverContact.objects.filter(birthday__gte=start, birthday__lte=end).order_by("person_id"))
    if person_ids is not None:
        contacts = [c for c in contacts if c.person_id in person_ids]
    leavers = {c.person_id for c in contacts}
    everyone = children | leavers
    people = {p.pk: p for p in Person.objects.filter(pk__in=everyone)}

    # An unaccompanied asylum-seeking child has no UK home postcode (validator rule 406).
    uasc_ids = set(UASCStatus.objects.filter(person_id__in=children).values_list("person_id", flat=True))
    for ep in episodes:
        if ep.dec is not None and ep.dec > end:
            # Still open at 31 March from the return's point of view (903 guide: DEC after the year is blank).
            dec, rec, rpc = "", "", ""
        else:
            dec, rec, rpc = _d(ep.dec), ep.rec, ep.reason_place_change
        out.tables["episodes"].append(
            {
                "CHILD": str(ep.person_id),
                "DECOM": _d(ep.decom),
                "RNE": ep.rne,
                "LS": ep.ls,
                "CIN": ep.cin,
                "PLACE": ep.place,
                "PLACE_PROVIDER": ep.place_provider,
                "DEC": dec,
                "REC": rec,
                "REASON_PLACE_CHANGE": rpc,
                "HOME_POST": ep.home_post,
                "PL_POST": ep.pl_post,
                "URN": ep.urn,
            }
        )
        if not ep.home_post and ep.person_id not in uasc_ids:
            problems.append(Problem(str(ep.person_id), "episodes", "HOME_POST", "home postcode not recorded"))

    mothers = _mothers(children)
    unknown_upn = dict(UPNUnknown.objects.filter(person_id__in=everyone).values_list("person_id", "code"))
    for pid in sorted(everyone):
        p = people[pid]
        child = str(pid)
        sex = SEX_CODES.get(p.sex, "")
        if not sex:
            problems.append(Problem(child, "header", "SEX", f"sex {p.get_sex_display()!r} has no 903 code"))
        if p.date_of_birth is None:
            problems.append(Problem(child, "header", "DOB", "date of birth not recorded"))
        upn = p.upn or unknown_upn.get(pid, "")
        if not upn and p.date_of_birth:
            upn = rules.unknown_upn_code(date_of_birth=p.date_of_birth, year_start=start)
        if not upn and pid in children:
            problems.append(Problem(child, "header", "UPN", "no unique pupil number recorded for a school-age child"))
        mother, mc_dob = "", ""
        if p.sex == "F" and pid in children:
            first_child = mothers.get(pid)
            mother, mc_dob = ("1", _d(first_child)) if first_child else ("0", "")
        out.tables["header"].append(
            {
                "CHILD": child,
                "SEX": sex,
                "DOB": _d(p.date_of_birth),
                "ETHNIC": p.ethnicity,
                "UPN": upn,
                "MOTHER": mother,
                "MC_DOB": mc_dob,
            }
        )

    for r in LAReview.objects.filter(
        person_id__in=children, status=ItemStatus.DONE, held_date__gte=start, held_date__lte=end
    ).order_by("person_id", "held_date"):
        p = people[r.person_id]
        out.tables["reviews"].append(
            {
                "CHILD": str(r.person_id),
                "DOB": _d(p.date_of_birth),
                "REVIEW": _d(r.held_date),
                "REVIEW_CODE": r.participation,
            }
        )

    # UASC rows are for children looked after in the year, not care leavers (validator rule 1014).
    for u in UASCStatus.objects.filter(person_id__in=children).order_by("person_id"):
        p = people[u.person_id]
        out.tables["uasc"].append(
            {
                "CHILD": str(u.person_id),
                "SEX": SEX_CODES.get(p.sex, ""),
                "DOB": _d(p.date_of_birth),
                "DUC": _d(u.ceased_date),
            }
        )

    _oc2(out, episodes, people, start=start, end=end)

    for c in contacts:
        p = people[c.person_id]
        out.tables["oc3"].append(
            {
                "CHILD": str(c.person_id),
                "DOB": _d(p.date_of_birth),
                "IN_TOUCH": c.in_touch,
                # Not in touch, died or returned home: the 903's "0" (no information), rules 344, 345.
                "ACTIV": c.activ or rules.OC3_NOT_APPLICABLE,
                "ACCOM": c.accom or rules.OC3_NOT_APPLICABLE,
            }
        )

    _missing(out, children, people, start=start, end=end)
    _adoption(out, episodes, people, start=start, end=end)
    _previous_permanence(out, episodes, people, start=start, end=end)
    _social_workers(out, episodes, people, start=start, end=end)
    if "dolo" in out.tables:
        _dolo(out, people, start=start, end=end)
    return out


def _dolo(out: Return903, people: dict[int, Person], *, start: date, end: date) -> None:
    """DoLo: orders open at any point in the year for the children in the return (rules 703, 704)."""
    from safehub.lookedafter.models import DeprivationOfLiberty

    rows = DeprivationOfLiberty.objects.filter(person_id__in=list(people), start_date__lte=end).filter(
        Q(end_date__isnull=True) | Q(end_date__gte=start)
    )
    for d in rows.order_by("person_id", "start_date"):
        out.tables["dolo"].append(
            {
                "CHILD": str(d.person_id),
                "DOB": _d(people[d.person_id].date_of_birth),
                "DOLO_START": _d(d.start_date),
                "DOLO_END": _d(d.end_date) if d.end_date and d.end_date <= end else "",
            }
        )


def _adoption(
    out: Return903, episodes: list[CareEpisode], people: dict[int, Person], *, start: date, end: date
) -> None:
    """PlacedAdoption: decisions open in the year; AD1: children adopted in the year (903 guide 2025-26)."""
    children = {e.person_id for e in episodes}
    last_ceased: dict[int, CareEpisode] = {}
    for ep in episodes:
        if ep.dec is not None and ep.dec <= end and ep.rec != "X1":
            last_ceased[ep.person_id] = ep
    plans = (
        AdoptionPlan.objects.filter(person_id__in=children, decision_date__lte=end)
        .filter(Q(ceased_date__isnull=True) | Q(ceased_date__gte=start))
        .filter(Q(adoption_order_date__isnull=True) | Q(adoption_order_date__gte=start))
        .select_related("family")
        .order_by("person_id", "decision_date")
    )
    for plan in plans:
        p = people[plan.person_id]
        ceased = plan.ceased_date if plan.ceased_date and plan.ceased_date <= end else None
        out.tables["placed_for_adoption"].append(
            {
                "CHILD": str(plan.person_id),
                "DOB": _d(p.date_of_birth),
                "DATE_PLACED": _d(plan.decision_date),
                "DATE_PLACED_CEASED": _d(ceased),
                "REASON_PLACED_CEASED": plan.ceased_reason if ceased else "",
            }
        )
        ended = last_ceased.get(plan.person_id)
        if ended is None or ended.dec is None or ended.rec not in rules.ADOPTED or not start <= ended.dec <= end:
            continue
        if plan.adoption_order_date != ended.dec:
            continue
        family = plan.family
        if family is None or plan.matched_date is None:
            out.problems.append(Problem(str(plan.person_id), "ad1", "DATE_MATCH", "adopted but no match recorded"))
            continue
        for column, code in (("SEX_ADOPTR", family.sex_code), ("LS_ADOPTR", family.legal_status)):
            if not code:  # e.g. a family imported from Annex A List 11: left blank, listed for a person
                out.problems.append(Problem(str(plan.person_id), "ad1", column,
                                            f"not recorded for the adopters' family {family.reference}"))  # fmt: skip
        placed = [e for e in episodes if e.person_id == plan.person_id and e.place in rules.PLACED_FOR_ADOPTION]
        out.tables["ad1"].append(
            {
                "CHILD": str(plan.person_id),
                "DOB": _d(p.date_of_birth),
                "DATE_INT": _d(plan.decision_date),
                "DATE_MATCH": _d(plan.matched_date),
                "FOSTER_CARE": _b(bool(placed) and placed[-1].place in rules.ADOPTION_WITH_FOSTER_CARERS),
                "NB_ADOPTR": str(family.number_of_adopters),
                "SEX_ADOPTR": family.sex_code,
                "LS_ADOPTR": family.legal_status,
            }
        )


def _previous_permanence(
    out: Return903, episodes: list[CareEpisode], people: dict[int, Person], *, start: date, end: date
) -> None:
    """PrevPerm: every child who started to be looked after in the year (rule 630); Z1 when none is recorded."""
    started = {e.person_id: e.period_id for e in episodes if e.rne == "S" and start <= e.decom <= end}
    recorded = {r.period_id: r for r in PreviousPermanence.objects.filter(period_id__in=list(started.values()))}
    for pid in sorted(started):
        row = recorded.get(started[pid])
        out.tables["previous_permanence"].append(
            {
                "CHILD": str(pid),
                "DOB": _d(people[pid].date_of_birth),
                "PREV_PERM": row.prev_perm if row else "Z1",
                "LA_PERM": row.la_code if row else "",
                "DATE_PERM": _d(row.order_date) if row else "",
            }
        )


def _social_workers(
    out: Return903, episodes: list[CareEpisode], people: dict[int, Person], *, start: date, end: date
) -> None:
    """SWEpisodes: each child's allocated social workers, from casework's allocation history."""
    from safehub.lookedafter.selectors import social_worker_episodes

    children = sorted({e.person_id for e in episodes})
    for pid, spells in social_worker_episodes(person_ids=children, start=start, end=end).items():
        for sw_id, began, ended, reason in spells:
            out.tables["social_worker_episodes"].append(
                {
                    "CHILD": str(pid),
                    "DOB": _d(people[pid].date_of_birth),
                    "SW_ID": sw_id,
                    "SW_DECOM": _d(began),
                    "SW_DEC": _d(ended),
                    "SW_REASON": reason,
                }
            )


def _mothers(children: set[int]) -> dict[int, date]:
    """The date of birth of each looked-after girl's first child, from the parent relationships."""
    first: dict[int, date] = {}
    for mother_id, dob in Relationship.objects.filter(
        related_id__in=children, kind=RelationshipKind.PARENT, related__sex="F", person__date_of_birth__isnull=False
    ).values_list("related_id", "person__date_of_birth"):
        if dob is not None and (mother_id not in first or dob < first[mother_id]):
            first[mother_id] = dob
    return first


def _oc2(out: Return903, episodes: list[CareEpisode], people: dict[int, Person], *, start: date, end: date) -> None:
    periods: dict[int, list[tuple[date, date | None]]] = defaultdict(list)
    by_period: dict[int, list[CareEpisode]] = defaultdict(list)
    for ep in episodes:
        by_period[ep.period_id].append(ep)
    for eps in by_period.values():
        if any(e.ls in rules.SHORT_BREAK_STATUSES for e in eps):
            continue  # short breaks are not 'looked after continuously' (903 guide, OC2)
        last = eps[-1]
        periods[last.person_id].append((eps[0].decom, last.dec if last.rec != "X1" else None))
    eligible = [pid for pid, ps in periods.items() if rules.looked_after_continuously(ps, year_end=end)]
    outcomes = {o.person_id: o for o in YearOutcome.objects.filter(person_id__in=eligible, year_end=end)}
    checks: dict[int, list[LAHealthCheck]] = defaultdict(list)
    for chk in LAHealthCheck.objects.filter(person_id__in=eligible, due_date__lte=end):
        checks[chk.person_id].append(chk)
    year_ago = end - relativedelta(years=1)
    for pid in sorted(eligible):
        p = people[pid]
        child = str(pid)
        o = outcomes.get(pid)
        dob = p.date_of_birth
        if o is None or dob is None:
            out.problems.append(
                Problem(child, "oc2", "CHILD", "looked after 12 months at 31 March but no OC2 outcomes are recorded")
            )
            continue
        mine = checks[pid]
        assessments = [c for c in mine if c.kind in (HealthKind.INITIAL, HealthKind.REVIEW)]
        # Up to date: every assessment due by 31 March was done by then, and one was done in the year.
        up_to_date = all(c.done_date and c.done_date <= end for c in assessments) and any(
            c.done_date and year_ago < c.done_date <= end for c in assessments
        )
        teeth = any(c.kind == HealthKind.DENTAL and c.done_date and year_ago < c.done_date <= end for c in mine)
        age_end = rules.age_on(end, dob)
        sdq_due = rules.sdq_applies(date_of_birth=dob, year_start=start, year_end=end)
        out.tables["oc2"].append(
            {
                "CHILD": child,
                "DOB": _d(dob),
                "SDQ_SCORE": "" if o.sdq_score is None or not sdq_due else str(o.sdq_score),
                "SDQ_REASON": o.sdq_reason if sdq_due else "",
                "CONVICTED": _b(o.convicted) if rules.convictions_apply(age_at_year_end=age_end) else "",
                "HEALTH_CHECK": _b(o.health_promotion)
                if rules.health_promotion_applies(date_of_birth=dob, year_end=end)
                else "",
                "IMMUNISATIONS": _b(o.immunisations),
                "TEETH_CHECK": _b(teeth),
                "HEALTH_ASSESSMENT": _b(up_to_date),
                "SUBSTANCE_MISUSE": _b(o.substance_misuse),
                "INTERVENTION_RECEIVED": _b(o.intervention_received),
                # Offered is asked only when no intervention was received (rules 158, 159).
                "INTERVENTION_OFFERED": _b(o.intervention_offered) if o.intervention_received is False else "",
            }
        )


def _missing(out: Return903, children: set[int], people: dict[int, Person], *, start: date, end: date) -> None:
    spans: dict[int, list[tuple[date, date]]] = defaultdict(list)
    for ep in CareEpisode.objects.filter(person_id__in=children).order_by("decom"):
        spans[ep.person_id].append((ep.decom, ep.dec or date.max))
    kinds = dict(AwayFromPlacement.objects.filter(person_id__in=children).values_list("missing_episode_id", "kind"))
    for m in MissingEpisode.objects.filter(person_id__in=children).order_by("person_id", "started_at"):
        began = uk_date(m.started_at)
        if not (start <= began <= end) or not any(a <= began <= b for a, b in spans[m.person_id]):
            continue
        child = str(m.person_id)
        kind = kinds.get(m.pk)
        if kind is None:
            out.problems.append(
                Problem(child, "missing", "MISSING", f"missing episode {m.pk}: missing or away not recorded")
            )
            continue
        ended = uk_date(m.ended_at) if m.ended_at else None
        out.tables["missing"].append(
            {
                "CHILD": child,
                "DOB": _d(people[m.person_id].date_of_birth),
                "MISSING": kind,
                "MIS_START": _d(began),
                "MIS_END": _d(ended) if ended and ended <= end else "",
            }
        )


def write(ret: Return903, folder: Path) -> list[Path]:
    """Write one CSV per table into ``folder`` (created if need be); return the paths."""
    folder.mkdir(parents=True, exist_ok=True)
    paths = []
    for name, columns in COLUMNS.items():
        if name not in ret.tables:
            continue  # not collected this year
        path = folder / f"{name}.csv"
        with path.open("w", newline="", encoding="utf-8") as fh:
            writer = csv.DictWriter(fh, fieldnames=columns)
            writer.writeheader()
            writer.writerows(ret.tables.get(name, []))
        paths.append(path)
    return paths


def problems_csv(ret: Return903, path: Path) -> None:
    with path.open("w", newline="", encoding="utf-8") as fh:
        w = csv.writer(fh)
        w.writerow(["child", "table", "column", "message"])
        for p in ret.problems:
            w.writerow([p.child, p.table, p.column, p.message])


def last_whole_year(now: datetime) -> str:
    """The last collection year that has ended by ``now`` (years end on 31 March)."""
    return financial_year_label(financial_year_start(uk_date(now)) - 1)
