"""What the CIN census needs from the case records: each child's episodes with their work.

Plain dictionaries (no model instances) so the census writer stays a writer: every element comes
from a recorded field, and work that is not on an episode is returned separately to be listed.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from datetime import date
from typing import Any

from django.db.models import Q

from safehub.casework.models import Assessment, CaseEpisode, ChildProtectionPlan, CINPlan, Section47

CHUNK = 2000
NO_ICPC_OUTCOMES = frozenset({"SUBSTANTIATED_NO_ICPC", "NOT_SUBSTANTIATED", "NO_FURTHER_ACTION"})


def census_children(*, start: date, end: date, referred: Iterable[int] = ()) -> list[int]:
    """Return the ids of every child in the census year: each child-in-need episode open at any point in it.

    The CIN census covers every child in need during the year (DfE, CIN census guide: episodes
    open on or after 1 April), however the episode reached Safehub: an episode imported from an
    Annex A List 6 row may have no List 3 referral. ``referred`` adds the children with a referral
    (the writer lists any of them with nothing to return).
    """
    ids = set(referred)
    ids.update(
        CaseEpisode.objects.filter(referral_date__lte=end)
        .filter(Q(closure_date__isnull=True) | Q(closure_date__gte=start))
        .values_list("person_id", flat=True)
    )
    return sorted(ids)


def cin_cases(*, person_ids: list[int], start: date, end: date) -> dict:
    """Return {"episodes": {person id: [episode dict]}, "unlinked": [note]} for episodes referred by ``end``.

    An episode dict holds referral_date, source, nfa, primary_need, closure_date, closure_reason,
    cin_plans [(start, end)], assessments, section47 and cp_plans (dicts of their dates and codes).
    """
    episodes: dict[int, list[dict]] = defaultdict(list)
    unlinked: list[str] = []
    for offset in range(0, len(person_ids), CHUNK):
        chunk = person_ids[offset : offset + CHUNK]
        rows: dict[int, dict[str, Any]] = {
            e["id"]: {**e, "cin_plans": [], "assessments": [], "section47": [], "cp_plans": []}
            for e in CaseEpisode.objects.filter(person_id__in=chunk, referral_date__lte=end).values(
                "id", "person_id", "referral_date", "referral_source", "referral_nfa", "primary_need",
                "closure_date", "closure_reason",
            )
        }  # fmt: skip
        for start, stop, episode_id in CINPlan.objects.filter(episode_id__in=rows).values_list(
            "start_date", "end_date", "episode_id"
        ):
            rows[episode_id]["cin_plans"].append((start, stop))
        for a in map(_plain, Assessment.objects.filter(person_id__in=chunk).values(
            "id", "person_id", "episode_id", "start_date", "authorised_date", "factors"
        )):  # fmt: skip
            _add(rows, a, "assessments", "assessment", a["start_date"], a["authorised_date"], (start, end), unlinked)
        for s in map(_plain, Section47.objects.filter(person_id__in=chunk).values(
            "id", "person_id", "episode_id", "strategy_date", "icpc_date", "outcome", "completed_date"
        )):  # fmt: skip
            s["icpc_not_required"] = s["icpc_date"] is None and s["outcome"] in NO_ICPC_OUTCOMES
            finished = max([d for d in (s["completed_date"], s["icpc_date"]) if d], default=None)
            _add(rows, s, "section47", "section 47 enquiry", s["strategy_date"], finished, (start, end), unlinked)
        for p in map(_plain, ChildProtectionPlan.objects.filter(person_id__in=chunk).values(
            "id", "person_id", "episode_id", "start_date", "end_date", "initial_category", "latest_category"
        )):  # fmt: skip
            _add(rows, p, "cp_plans", "child protection plan", p["start_date"], p["end_date"], (start, end), unlinked)
        for row in rows.values():
            episodes[row["person_id"]].append(row)
    return {"episodes": dict(episodes), "unlinked": unlinked}


def _add(
    rows: dict,
    record: dict,
    bucket: str,
    kind: str,
    began: date | None,
    finished: date | None,
    year: tuple[date, date],
    unlinked: list,
) -> None:
    if began is None or began > year[1]:
        return
    episode = rows.get(record["episode_id"])
    if episode is None:
        # Work in the census year that is on no case: listed, never placed on a guessed episode.
        if record["episode_id"] is None and (finished is None or finished >= year[0]):
            unlinked.append(f"person {record['person_id']}: {kind} {record['id']} is not on a case")
        return
    episode[bucket].append(record)


def _plain(row: Any) -> dict[str, Any]:
    return dict(row)
