"""Write the Department for Education's Children in Need (CIN) census XML from a snapshot.

The census covers 1 April to 31 March (``year="2024-25"``: reference date 31 March 2025). One
``<Child>`` per child given in ``children`` with at least one CIN episode open in the period;
one ``<CINdetails>`` episode per referral, holding the assessments, CIN plans, section 47
enquiries and child protection plans that belong to it. Everything dated after the reference
date is left out, as the census asks (an assessment authorised in April is still open in March).

Episodes are derived from the snapshot's referrals:
- an assessment belongs to its referral; a section 47 enquiry or plan to the child's latest
  referral on or before its start;
- an episode is closed by the caller's ``CINEpisode`` details, or, when none are given, a
  no-further-action referral closes on its own date (reason ``RC7``) and an earlier episode closes
  the day before the child's next referral, so only the latest episode stays open (rules 8815,
  8816, 8820);
- primary need and CIN plan dates are not in the snapshot: the caller passes them per referral.
"""

from __future__ import annotations

import xml.etree.ElementTree as ET  # noqa: S405 - used to write XML only, never to parse
from collections import defaultdict
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any

import pyarrow as pa

from safehub.casework.rules import icpc_due
from safehub.core.calendar import add_working_days, financial_year
from safehub.insight.engine.compute import Snapshot
from safehub.insight.engine.datasets import snapshot_conform, snapshot_read

SOFTWARE = "Safehub"
RELEASE = "1"

# Annex A / Safehub source words to CIN census referral source codes (CIN code set, table 4).
REFERRAL_SOURCES: dict[str, str] = {
    "individual": "1D",
    "family": "1A",
    "acquaintance": "1B",
    "self": "1C",
    "school": "2A",
    "education": "2B",
    "early_years": "2B",
    "gp": "3A",
    "health_visitor": "3B",
    "school_nurse": "3C",
    "primary_health": "3D",
    "a_and_e": "3E",
    "health": "3F",
    "housing": "4",
    "la_services": "5A",
    "internal": "5B",
    "external": "5C",
    "early_help": "5D",
    "police": "6",
    "other_legal": "7",
    "other": "8",
    "anonymous": "9",
    "unknown": "10",
}
CIN_REFERRAL_CODES = frozenset(REFERRAL_SOURCES.values())
CATEGORY_CODES = {"NEGLECT": "NEG", "EMOTIONAL": "EMO", "PHYSICAL": "PHY", "SEXUAL": "SAB", "MULTIPLE": "MUL"}
NFA_CLOSURE_REASON = "RC7"


@dataclass(frozen=True)
class CINChild:
    """A child's census identifiers; fields left as None are taken from the snapshot's person."""

    la_child_id: str
    upn: str | None = None
    upn_unknown: str | None = None
    former_upn: str | None = None
    date_of_birth: date | None = None
    expected_date_of_birth: date | None = None
    sex: str | None = None
    ethnicity: str | None = None
    disabilities: Sequence[str] = ()
    date_of_death: date | None = None


@dataclass(frozen=True)
class CINEpisode:
    """What the census asks about a referral that the snapshot does not hold."""

    primary_need: str | None = None
    closure_date: date | None = None
    closure_reason: str | None = None
    cin_plans: Sequence[tuple[date, date | None]] = field(default_factory=tuple)


@dataclass
class _Episode:
    referral: dict[str, Any]
    closure_date: date | None = None
    closure_reason: str | None = None
    primary_need: str | None = None
    cin_plans: list[tuple[date, date | None]] = field(default_factory=list)
    assessments: list[dict[str, Any]] = field(default_factory=list)
    section47: list[dict[str, Any]] = field(default_factory=list)
    plans: list[dict[str, Any]] = field(default_factory=list)


def referral_source_code(source: str | None) -> str:
    """Return the CIN census referral source code for a source word (or a code already)."""
    if source is None:
        return "10"
    if source in CIN_REFERRAL_CODES:
        return source
    return REFERRAL_SOURCES.get(source.lower(), "8")


def _rows(table: pa.Table) -> list[dict[str, Any]]:
    return table.to_pylist()


def _by_person(rows: list[dict[str, Any]], people: set[int]) -> dict[int, list[dict[str, Any]]]:
    out: dict[int, list[dict[str, Any]]] = defaultdict(list)
    for row in rows:
        if row["person_id"] in people:
            out[row["person_id"]].append(row)
    return out


def _before(day: date | None, end: date) -> date | None:
    return day if day is not None and day <= end else None


def _episodes_for_child(
    referrals: list[dict[str, Any]],
    details: Mapping[int, CINEpisode],
    start: date,
    end: date,
) -> list[_Episode]:
    referrals = sorted(
        (r for r in referrals if r["referral_date"] is not None and r["referral_date"] <= end),
        key=lambda r: (r["referral_date"], r["referral_id"]),
    )
    episodes = []
    for index, referral in enumerate(referrals):
        given = details.get(referral["referral_id"], CINEpisode())
        episode = _Episode(referral=referral, primary_need=given.primary_need)
        episode.cin_plans = [(a, _before(b, end)) for a, b in given.cin_plans if a <= end]
        if given.closure_date is not None:
            episode.closure_date, episode.closure_reason = given.closure_date, given.closure_reason
        elif referral["nfa"]:
            episode.closure_date, episode.closure_reason = referral["referral_date"], NFA_CLOSURE_REASON
        elif index + 1 < len(referrals):
            following = referrals[index + 1]["referral_date"]
            episode.closure_date = max(referral["referral_date"], following - timedelta(days=1))
            episode.closure_reason = given.closure_reason or NFA_CLOSURE_REASON
        if episode.closure_date is not None and episode.closure_date > end:
            episode.closure_date = episode.closure_reason = None
        episodes.append(episode)
    return [e for e in episodes if e.closure_date is None or e.closure_date >= start]


def _episode_for(episodes: list[_Episode], day: date | None) -> _Episode | None:
    if day is None:
        return None
    chosen = None
    for episode in episodes:
        # A no-further-action referral carries no activity (DfE rules 8831, 8832).
        if episode.referral["referral_date"] <= day and not episode.referral["nfa"]:
            chosen = episode
    return chosen


def _text(parent: ET.Element, tag: str, value: object) -> None:
    if value is None:
        return
    if isinstance(value, bool):
        text = "true" if value else "false"
    elif isinstance(value, date):
        text = value.isoformat()
    else:
        text = str(value)
    ET.SubElement(parent, tag).text = text


def _header(root: ET.Element, *, end: date, la_code: str, generated_at: datetime) -> None:
    header = ET.SubElement(root, "Header")
    details = ET.SubElement(header, "CollectionDetails")
    _text(details, "Collection", "CIN")
    _text(details, "Year", end.year)
    _text(details, "ReferenceDate", end)
    source = ET.SubElement(header, "Source")
    _text(source, "SourceLevel", "L")
    _text(source, "LEA", la_code)
    _text(source, "SoftwareCode", SOFTWARE)
    _text(source, "Release", RELEASE)
    _text(source, "SerialNo", "1")
    _text(source, "DateTime", generated_at.astimezone(UTC).replace(tzinfo=None).isoformat(timespec="seconds"))


def _child_block(
    children_el: ET.Element,
    child: CINChild,
    person: Mapping[str, Any],
    episodes: list[_Episode],
    plan_starts: list[date],
    end: date,
) -> None:
    element = ET.SubElement(children_el, "Child")
    identifiers = ET.SubElement(element, "ChildIdentifiers")
    _text(identifiers, "LAchildID", child.la_child_id)
    _text(identifiers, "UPN", child.upn)
    _text(identifiers, "FormerUPN", child.former_upn)
    _text(identifiers, "UPNunknown", child.upn_unknown if not child.upn else None)
    birth = child.date_of_birth or person.get("date_of_birth")
    if birth is not None and birth > end:  # born after the reference date: unborn in this census (rule 8520)
        birth, expected = None, birth
    else:
        expected = None if birth else (child.expected_date_of_birth or person.get("expected_date_of_birth"))
    _text(identifiers, "PersonBirthDate", birth)
    _text(identifiers, "ExpectedPersonBirthDate", expected)
    sex = child.sex or person.get("sex") or "U"
    _text(identifiers, "Sex", "U" if birth is None else sex)
    _text(identifiers, "PersonDeathDate", child.date_of_death)

    characteristics = ET.SubElement(element, "ChildCharacteristics")
    _text(characteristics, "Ethnicity", child.ethnicity or person.get("ethnicity") or "NOBT")
    if birth is not None:
        disabilities = ET.SubElement(characteristics, "Disabilities")
        for code in dict.fromkeys(child.disabilities or ("NONE",)):
            _text(disabilities, "Disability", code)

    for episode in episodes:
        _cin_details(element, episode, plan_starts, end)


def _cin_details(child_el: ET.Element, episode: _Episode, plan_starts: list[date], end: date) -> None:
    referral = episode.referral
    details = ET.SubElement(child_el, "CINdetails")
    _text(details, "CINreferralDate", referral["referral_date"])
    _text(details, "ReferralSource", referral_source_code(referral["source"]))
    nfa = bool(referral["nfa"])
    _text(details, "PrimaryNeedCode", episode.primary_need or (None if nfa else "N0"))
    _text(details, "CINclosureDate", episode.closure_date)
    _text(details, "ReasonForClosure", episode.closure_reason)
    _text(details, "ReferralNFA", nfa)
    for plan_start, plan_end in episode.cin_plans:
        dates = ET.SubElement(details, "CINPlanDates")
        _text(dates, "CINPlanStartDate", plan_start)
        _text(dates, "CINPlanEndDate", plan_end)
    for assessment in sorted(episode.assessments, key=lambda a: a["start_date"]):
        block = ET.SubElement(details, "Assessments")
        authorised = _before(assessment["authorised_date"], end)
        _text(block, "AssessmentActualStartDate", assessment["start_date"])
        _text(block, "AssessmentAuthorisationDate", authorised)
        if authorised is not None and assessment["factors"]:
            factors = ET.SubElement(block, "FactorsIdentifiedAtAssessment")
            for code in dict.fromkeys(assessment["factors"]):
                _text(factors, "AssessmentFactors", code)
    for enquiry in sorted(episode.section47, key=lambda s: s["strategy_date"]):
        block = ET.SubElement(details, "Section47")
        icpc = _before(enquiry["icpc_date"], end)
        _text(block, "S47ActualStartDate", enquiry["strategy_date"])
        _text(block, "InitialCPCtarget", add_working_days(enquiry["strategy_date"], 15))
        _text(block, "DateOfInitialCPC", icpc)
        # A recorded outcome without a conference means the conference was not needed.
        _text(block, "ICPCnotRequired", icpc is None and enquiry["outcome"] is not None)
    for plan in sorted(episode.plans, key=lambda p: p["start_date"]):
        block = ET.SubElement(details, "ChildProtectionPlans")
        category = CATEGORY_CODES.get(plan["initial_category"] or "", plan["initial_category"])
        _text(block, "CPPstartDate", plan["start_date"])
        _text(block, "CPPendDate", _before(plan["end_date"], end))
        _text(block, "InitialCategoryOfAbuse", category)
        _text(block, "LatestCategoryOfAbuse", category)
        _text(block, "NumberOfPreviousCPP", sum(1 for s in plan_starts if s < plan["start_date"]))


def build_cin_xml(
    snapshot: Snapshot,
    children: Mapping[int, CINChild],
    *,
    year: str,
    la_code: str,
    out: Path,
    episodes: Mapping[int, CINEpisode] | None = None,
    generated_at: datetime | None = None,
    cases: Mapping[str, Any] | None = None,
) -> list[str]:
    """Write the CIN census XML for a collection year and return notes on records left out.

    ``children`` maps person ids to their census identifiers. The episodes come from the case
    records (``cases``, or read from casework when the database holds cases): every referral,
    primary need, closure, plan and enquiry is one recorded on the child's case, nothing is
    derived or defaulted. Only a caller with no case records at all (a bare analytical snapshot)
    gets the older derivation from referrals, with ``episodes`` mapping referral ids to details.
    """
    start, end = financial_year(year)
    if cases is None:
        cases = _cases_from_records(sorted(children), start, end)
    if cases is not None:
        return _build_from_cases(children, cases, start=start, end=end, la_code=la_code, out=Path(out),
                                 generated_at=generated_at or datetime.now(UTC))  # fmt: skip
    tables = snapshot_conform(snapshot_read(Path(snapshot)) if isinstance(snapshot, (str, Path)) else snapshot)
    people = set(children)
    persons = {p["person_id"]: p for p in _rows(tables["persons"]) if p["person_id"] in people}
    referrals = _by_person(_rows(tables["referrals"]), people)
    assessments = _by_person(_rows(tables["assessments"]), people)
    enquiries = _by_person(_rows(tables["section47"]), people)
    plans = _by_person(_rows(tables["cp_plans"]), people)
    details = episodes or {}
    notes: list[str] = []

    root = ET.Element("Message")
    _header(root, end=end, la_code=la_code, generated_at=generated_at or datetime.now(UTC))
    children_el = ET.SubElement(root, "Children")
    for person_id in sorted(children):
        child_episodes = _episodes_for_child(referrals.get(person_id, []), details, start, end)
        if not child_episodes:
            continue
        by_referral = {e.referral["referral_id"]: e for e in child_episodes}
        for assessment in assessments.get(person_id, []):
            if assessment["start_date"] is None or assessment["start_date"] > end:
                continue
            if assessment["authorised_date"] is not None and assessment["authorised_date"] < start:
                continue
            episode = by_referral.get(assessment["referral_id"]) or _episode_for(
                child_episodes, assessment["start_date"]
            )
            _place(episode, episode.assessments if episode else None, assessment, "assessment", notes)
        for enquiry in enquiries.get(person_id, []):
            if enquiry["strategy_date"] is None or enquiry["strategy_date"] > end:
                continue
            if enquiry["icpc_date"] is not None and enquiry["icpc_date"] < start:
                continue
            episode = _episode_for(child_episodes, enquiry["strategy_date"])
            _place(episode, episode.section47 if episode else None, enquiry, "section 47 enquiry", notes)
        child_plans = plans.get(person_id, [])
        for plan in child_plans:
            if plan["start_date"] is None or plan["start_date"] > end:
                continue
            if plan["end_date"] is not None and plan["end_date"] < start:
                continue
            episode = _episode_for(child_episodes, plan["start_date"])
            _place(episode, episode.plans if episode else None, plan, "child protection plan", notes)
        plan_starts = [p["start_date"] for p in child_plans if p["start_date"] is not None]
        _child_block(children_el, children[person_id], persons.get(person_id, {}), child_episodes, plan_starts, end)

    ET.indent(root)
    Path(out).parent.mkdir(parents=True, exist_ok=True)
    ET.ElementTree(root).write(out, encoding="utf-8", xml_declaration=True)
    return notes


def _place(
    episode: _Episode | None,
    bucket: list[dict[str, Any]] | None,
    record: dict[str, Any],
    kind: str,
    notes: list[str],
) -> None:
    if episode is None or bucket is None:
        notes.append(f"person {record['person_id']}: {kind} left out, no referral on or before it")
        return
    bucket.append(record)


# ---------------------------------------------------------------------------------------------
# The census from the case records (casework episodes)
# ---------------------------------------------------------------------------------------------


def _cases_from_records(person_ids: list[int], start: date, end: date) -> Mapping[str, Any] | None:
    """Read the children's cases from casework; None when there is no database or it holds no case."""
    try:
        from safehub.casework.census import cin_cases
        from safehub.casework.models import CaseEpisode

        if not CaseEpisode.objects.exists():
            return None
    except (ImportError, RuntimeError):  # no Django database here: a snapshot-only caller
        return None
    return cin_cases(person_ids=person_ids, start=start, end=end)


def _in_year(began: date | None, finished: date | None, start: date, end: date) -> bool:
    return began is not None and began <= end and (finished is None or finished >= start)


def _build_from_cases(
    children: Mapping[int, CINChild],
    cases: Mapping[str, Any],
    *,
    start: date,
    end: date,
    la_code: str,
    out: Path,
    generated_at: datetime,
) -> list[str]:
    notes = list(cases.get("unlinked", []))
    by_child: Mapping[int, list[dict[str, Any]]] = cases.get("episodes", {})
    root = ET.Element("Message")
    _header(root, end=end, la_code=la_code, generated_at=generated_at)
    children_el = ET.SubElement(root, "Children")
    for person_id in sorted(set(by_child) - set(children)):
        if any(_in_year(e["referral_date"], e["closure_date"], start, end) for e in by_child[person_id]):
            notes.append(f"person {person_id}: has a case but no census identifiers (not in the return)")
    for person_id in sorted(children):
        all_episodes = sorted(by_child.get(person_id, []), key=lambda e: (e["referral_date"], e["id"]))
        shown = [e for e in all_episodes if _in_year(e["referral_date"], e["closure_date"], start, end)]
        if not shown:
            continue
        plan_starts = [p["start_date"] for e in all_episodes for p in e["cp_plans"]]
        _case_child(children_el, children[person_id], shown, plan_starts, start, end)
    ET.indent(root)
    out.parent.mkdir(parents=True, exist_ok=True)
    ET.ElementTree(root).write(out, encoding="utf-8", xml_declaration=True)
    return notes


def _case_child(
    children_el: ET.Element,
    child: CINChild,
    episodes: list[dict[str, Any]],
    plan_starts: list[date],
    start: date,
    end: date,
) -> None:
    element = ET.SubElement(children_el, "Child")
    identifiers = ET.SubElement(element, "ChildIdentifiers")
    _text(identifiers, "LAchildID", child.la_child_id)
    _text(identifiers, "UPN", child.upn)
    _text(identifiers, "FormerUPN", child.former_upn)
    _text(identifiers, "UPNunknown", child.upn_unknown if not child.upn else None)
    birth = child.date_of_birth
    if birth is not None and birth > end:  # born after the reference date: unborn in this census (rule 8520)
        birth, expected = None, birth
    else:
        expected = None if birth else child.expected_date_of_birth
    _text(identifiers, "PersonBirthDate", birth)
    _text(identifiers, "ExpectedPersonBirthDate", expected)
    _text(identifiers, "Sex", "U" if birth is None else (child.sex or "U"))
    _text(identifiers, "PersonDeathDate", child.date_of_death)
    characteristics = ET.SubElement(element, "ChildCharacteristics")
    _text(characteristics, "Ethnicity", child.ethnicity)
    if birth is not None:
        disabilities = ET.SubElement(characteristics, "Disabilities")
        for code in dict.fromkeys(child.disabilities):
            _text(disabilities, "Disability", code)
    for episode in episodes:
        _case_details(element, episode, plan_starts, start, end)


def _case_details(
    child_el: ET.Element, episode: dict[str, Any], plan_starts: list[date], start: date, end: date
) -> None:
    details = ET.SubElement(child_el, "CINdetails")
    closed = _before(episode["closure_date"], end)
    _text(details, "CINreferralDate", episode["referral_date"])
    _text(details, "ReferralSource", episode["referral_source"])
    _text(details, "PrimaryNeedCode", episode["primary_need"] or None)
    _text(details, "CINclosureDate", closed)
    _text(details, "ReasonForClosure", (episode["closure_reason"] or None) if closed else None)
    _text(details, "ReferralNFA", bool(episode["referral_nfa"]))
    for plan_start, plan_end in sorted(episode["cin_plans"]):
        if not _in_year(plan_start, plan_end, start, end):
            continue
        dates = ET.SubElement(details, "CINPlanDates")
        _text(dates, "CINPlanStartDate", plan_start)
        _text(dates, "CINPlanEndDate", _before(plan_end, end))
    for assessment in sorted(episode["assessments"], key=lambda a: a["start_date"]):
        if not _in_year(assessment["start_date"], assessment["authorised_date"], start, end):
            continue
        block = ET.SubElement(details, "Assessments")
        authorised = _before(assessment["authorised_date"], end)
        _text(block, "AssessmentActualStartDate", assessment["start_date"])
        _text(block, "AssessmentAuthorisationDate", authorised)
        if authorised is not None and assessment["factors"]:
            factors = ET.SubElement(block, "FactorsIdentifiedAtAssessment")
            for code in dict.fromkeys(assessment["factors"]):
                _text(factors, "AssessmentFactors", code)
    for enquiry in sorted(episode["section47"], key=lambda s: s["strategy_date"]):
        # The conference ends the enquiry for the census (DateOfInitialCPC must fall in the year, rule
        # 8715), even where the outcome was written up after it; without one, its completion does.
        finished = enquiry["icpc_date"] or enquiry["completed_date"]
        if not _in_year(enquiry["strategy_date"], finished, start, end):
            continue
        block = ET.SubElement(details, "Section47")
        icpc = _before(enquiry["icpc_date"], end)
        _text(block, "S47ActualStartDate", enquiry["strategy_date"])
        _text(block, "InitialCPCtarget", icpc_due(enquiry["strategy_date"]))
        _text(block, "DateOfInitialCPC", icpc)
        # Recorded only when the enquiry's outcome says no conference is needed.
        _text(block, "ICPCnotRequired", bool(enquiry["icpc_not_required"] and _before(enquiry["completed_date"], end)))
    for plan in sorted(episode["cp_plans"], key=lambda p: p["start_date"]):
        if not _in_year(plan["start_date"], plan["end_date"], start, end):
            continue
        block = ET.SubElement(details, "ChildProtectionPlans")
        _text(block, "CPPstartDate", plan["start_date"])
        _text(block, "CPPendDate", _before(plan["end_date"], end))
        _text(block, "InitialCategoryOfAbuse", CATEGORY_CODES.get(plan["initial_category"], plan["initial_category"]))
        _text(block, "LatestCategoryOfAbuse", CATEGORY_CODES.get(plan["latest_category"], plan["latest_category"]))
        _text(block, "NumberOfPreviousCPP", sum(1 for s in plan_starts if s < plan["start_date"]))
