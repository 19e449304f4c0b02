"""Cluster scored pairs into people: connected components, holds that keep records apart, and stable person ids."""

from __future__ import annotations

import hashlib
import math
from collections import Counter, defaultdict
from collections.abc import Callable, Iterable, Mapping, Sequence

import numpy as np

from safehub.matching.features import Features
from safehub.matching.model import (
    MatchModel,
)


def connected_components(n: int, pairs_i: np.ndarray, pairs_j: np.ndarray) -> np.ndarray:
    """Return a component label per node for the undirected graph given by the pairs."""
    parent = np.arange(n)

    def find(x: int) -> int:
        root = x
        while parent[root] != root:
            root = parent[root]
        while parent[x] != root:
            parent[x], x = root, parent[x]
        return root

    for a, b in zip(pairs_i.tolist(), pairs_j.tolist(), strict=True):
        ra, rb = find(a), find(b)
        if ra != rb:
            parent[max(ra, rb)] = min(ra, rb)
    return _labels(n, pairs_i, pairs_j, find)


def _labels(n: int, pairs_i: np.ndarray, pairs_j: np.ndarray, find: Callable[[int], int]) -> np.ndarray:
    """Return each node's root; only nodes on a pair can have moved, so only those are looked up."""
    labels = np.arange(n)
    touched = np.union1d(pairs_i, pairs_j).astype(np.int64)
    labels[touched] = [find(x) for x in touched.tolist()]
    return labels


def constrained_components(
    n: int,
    pairs_i: np.ndarray,
    pairs_j: np.ndarray,
    probs: np.ndarray,
    apart_i: np.ndarray,
    apart_j: np.ndarray,
) -> np.ndarray:
    """Join records along the strong pairs, most probable first, never joining two groups held apart.

    ``apart_i``/``apart_j`` are the pairs an evidence-against rule holds (two different valid NHS
    numbers, twins): a strong pair is skipped when joining it would put any such pair in one
    person, so a third record (say, one with no NHS number) cannot chain twins together.  Without
    any held pair this is exactly :func:`connected_components`.
    """
    if not len(apart_i):
        return connected_components(n, pairs_i, pairs_j)
    parent = np.arange(n)

    def find(x: int) -> int:
        root = x
        while parent[root] != root:
            root = parent[root]
        while parent[x] != root:
            parent[x], x = root, parent[x]
        return root

    apart: dict[int, set[int]] = defaultdict(set)  # root -> records its group must stay apart from
    for a, b in zip(apart_i.tolist(), apart_j.tolist(), strict=True):
        apart[a].add(b)
        apart[b].add(a)
    order = np.lexsort((pairs_j, pairs_i, -probs))
    for k in order.tolist():
        ra, rb = find(int(pairs_i[k])), find(int(pairs_j[k]))
        if ra == rb:
            continue
        banned_a, banned_b = apart.get(ra), apart.get(rb)
        if banned_a and any(find(x) == rb for x in banned_a):
            continue
        if banned_b and any(find(x) == ra for x in banned_b):
            continue
        low, high = min(ra, rb), max(ra, rb)
        parent[high] = low
        merged = apart.pop(high, None)
        if merged:
            apart[low] |= merged
    return _labels(n, pairs_i, pairs_j, find)


# Holds that rest on the first names alone (not on NHS numbers, sex or age): a record that accounts
# for both names shows them to be one person's.
_NAME_HOLDS = frozenset({"twins", "twins_similar"})


def _named_for(a: Features, z: Features) -> bool:
    """Return whether z accounts for a's first name: the same name, a's is a short form of z's, the
    same middle name (as the twin rules take it), or the same valid NHS number (one person,
    whatever a was called)."""
    return (
        a.given == z.given
        or z.given in a.given_forms
        or a.given in z.middles
        or bool(a.middles and z.middles and a.middles[0] == z.middles[0])
        or (a.nhs_valid and a.nhs == z.nhs)
    )


def _names_one_child(z: Features, x: Features, y: Features) -> bool:
    """Return whether record z shows x's and y's first names to be one child's.

    Maddy and Mattie born the same day to one family could be twins; beside a Madison of that
    family they are two short forms of her name.  Daiy (Daisy's NHS number) and Daisy are one
    Daisy.  Beside Isabella and Isabelle, a "Bella" accounts for Isabella (its short form) but not
    for Isabelle, so the twins stay apart.
    """
    return bool(z.given) and _named_for(x, z) and _named_for(y, z)


def _strong_neighbours(
    nodes: np.ndarray, pairs_i: np.ndarray, pairs_j: np.ndarray, strong: np.ndarray
) -> dict[int, set[int]]:
    """Return the strong-pair neighbours of each of ``nodes``."""
    near: dict[int, set[int]] = defaultdict(set)
    touch = strong & (np.isin(pairs_i, nodes) | np.isin(pairs_j, nodes))
    for a, b in zip(pairs_i[touch].tolist(), pairs_j[touch].tolist(), strict=True):
        near[a].add(b)
        near[b].add(a)
    return near


def lift_name_holds(
    feats: Sequence[Features] | Mapping[int, Features],
    model: MatchModel,
    pairs_i: np.ndarray,
    pairs_j: np.ndarray,
    strong: np.ndarray,
    apart_i: np.ndarray,
    apart_j: np.ndarray,
    *,
    firm: Iterable[tuple[int, int]] = (),
) -> tuple[np.ndarray, np.ndarray]:
    """Return the held-apart pairs less those a third record shows are one child's two names.

    Two records held only because their first names are alike (``twins_similar``: Maddy and
    Mattie, same birthday and family), both strongly matching a third record that accounts for
    both names (:func:`_names_one_child`: Madison, the full name both are short forms of), are one
    child: the hold is lifted so they can join through the third record.  ``firm`` pairs (a person's decision) are never lifted.
    """
    if not len(apart_i) or not strong.any():
        return apart_i, apart_j
    near = _strong_neighbours(np.union1d(apart_i, apart_j), pairs_i, pairs_j, strong)
    firm_set = {(min(a, b), max(a, b)) for a, b in firm}
    keep = np.ones(len(apart_i), dtype=bool)
    for k, (x, y) in enumerate(zip(apart_i.tolist(), apart_j.tolist(), strict=True)):
        bridges = near.get(x, set()) & near.get(y, set())
        if not bridges or (min(x, y), max(x, y)) in firm_set:
            continue
        if (
            any(_names_one_child(feats[z], feats[x], feats[y]) for z in bridges)
            and {r for r, _w in model.assess(feats[x], feats[y])[2]} <= _NAME_HOLDS
        ):
            keep[k] = False
    return apart_i[keep], apart_j[keep]


def contested_holds(
    feats: Sequence[Features] | Mapping[int, Features],
    model: MatchModel,
    pairs_i: np.ndarray,
    pairs_j: np.ndarray,
    strong: np.ndarray,
    apart_i: np.ndarray,
    apart_j: np.ndarray,
    labels: np.ndarray,
    *,
    upper: float,
) -> set[tuple[int, int]]:
    """Return new pairs to hold apart, for records whose person a first clustering chose by chance.

    Clustering joins the most probable pairs first, so a record z strongly matching two people
    held apart (twins with different NHS numbers; "Nib" beside Isabella and Isabelle) lands with
    whichever pair came first.  For each strong pair the clustering left split, each end z that
    could have joined the other side (no hold against anyone there) compares its best match
    weight on its own side with its best on the other:

    * its own side better by at least log2(upper / (1 - upper)) bits (so that, given it is one
      of the two, its own side has the automatic-merge probability): it stays;
    * the other side better by that margin: it is held apart from its own side, to move over;
    * neither: it is held apart from both and goes to review, matched to no one.
    """
    si, sj = pairs_i[strong], pairs_j[strong]
    split = labels[si] != labels[sj]
    if not split.any():
        return set()
    ends = np.union1d(si[split], sj[split])
    near = _strong_neighbours(ends, pairs_i, pairs_j, strong)
    held: dict[int, set[int]] = defaultdict(set)
    for a, b in zip(apart_i.tolist(), apart_j.tolist(), strict=True):
        held[a].add(b)
        held[b].add(a)
    involved = set(labels[ends].tolist()) | {int(labels[x]) for z in ends.tolist() for x in near.get(z, ())}
    members: dict[int, list[int]] = defaultdict(list)
    for idx in np.nonzero(np.isin(labels, np.fromiter(involved, dtype=labels.dtype)))[0].tolist():
        members[int(labels[idx])].append(idx)
    margin = float(np.log2(upper / (1 - upper))) if 0 < upper < 1 else 0.0
    weights: dict[tuple[int, int], float] = {}

    def weight(a: int, b: int) -> float:
        key = (a, b) if a < b else (b, a)
        if key not in weights:
            weights[key] = model.assess(feats[a], feats[b])[3]
        return weights[key]

    def best(z: int, label: int) -> float:
        return max((weight(z, x) for x in near.get(z, ()) if x != z and labels[x] == label), default=-math.inf)

    out: set[tuple[int, int]] = set()
    for u, v in zip(si[split].tolist(), sj[split].tolist(), strict=True):
        for z, other in ((u, v), (v, u)):
            own, theirs = int(labels[z]), int(labels[other])
            if held.get(z, set()).intersection(members[theirs]):
                continue  # z itself is held apart from that side: no doubt where it belongs
            w_own, w_theirs = best(z, own), best(z, theirs)
            if w_own - w_theirs >= margin:
                continue
            out.update((min(z, x), max(z, x)) for x in members[own] if x != z)
            if w_theirs - w_own < margin:
                out.update((min(z, x), max(z, x)) for x in members[theirs])
    return out


def cluster_strong_pairs(
    feats: Sequence[Features] | Mapping[int, Features],
    model: MatchModel,
    pairs_i: np.ndarray,
    pairs_j: np.ndarray,
    probs: np.ndarray,
    strong: np.ndarray,
    apart_i: np.ndarray,
    apart_j: np.ndarray,
    *,
    upper: float,
    firm: Iterable[tuple[int, int]] = (),
    rounds: int = 3,
    n: int | None = None,
) -> np.ndarray:
    """Cluster records along the strong pairs, never joining records held apart; return labels.

    Holds a third record shows to be one child's two names are lifted (:func:`lift_name_holds`);
    records a first clustering placed by the order of the pairs alone are settled by
    :func:`contested_holds` and the clustering is repeated (at most ``rounds`` times).

    Only the features of records on a strong pair are read, so ``feats`` may be a mapping from
    index to features holding just those, with ``n`` the number of records.  Holds with an end
    on no strong pair are dropped first: such a record is never joined to anyone, so its holds
    cannot change a cluster (on a register where most records carry a valid NHS number, almost
    every candidate pair is held, and keeping them all would cost memory for nothing).
    """
    firm = list(firm)
    n = len(feats) if n is None else n
    if len(apart_i):
        nodes = np.union1d(pairs_i[strong], pairs_j[strong])
        live = np.isin(apart_i, nodes) & np.isin(apart_j, nodes)
        apart_i, apart_j = apart_i[live], apart_j[live]
    apart_i, apart_j = lift_name_holds(feats, model, pairs_i, pairs_j, strong, apart_i, apart_j, firm=firm)
    si, sj, sp = pairs_i[strong], pairs_j[strong], probs[strong]
    labels = constrained_components(n, si, sj, sp, apart_i, apart_j)
    for _ in range(rounds):
        extra = contested_holds(feats, model, pairs_i, pairs_j, strong, apart_i, apart_j, labels, upper=upper)
        if not extra:
            break
        more = np.array(sorted(extra), dtype=apart_i.dtype).reshape(-1, 2)
        apart_i, apart_j = np.concatenate([apart_i, more[:, 0]]), np.concatenate([apart_j, more[:, 1]])
        labels = constrained_components(n, si, sj, sp, apart_i, apart_j)
    return labels


def new_person_id(record_ids: Iterable[str]) -> str:
    """Derive a person id from a cluster's earliest record, so reruns give the same id."""
    anchor = min(record_ids)
    return "P" + hashlib.sha1(anchor.encode(), usedforsecurity=False).hexdigest()[:12].upper()


def assign_person_ids(
    record_ids: Sequence[str], labels: np.ndarray, existing_ids: dict[str, str] | None
) -> dict[str, str]:
    """Give each cluster a person id, keeping ids already assigned wherever possible.

    A cluster whose records already carry a person id keeps the id most of them carry; when
    one old id is split across clusters, the largest share keeps it and the rest get new ids.
    """
    existing_ids = existing_ids or {}
    members: dict[int, list[int]] = defaultdict(list)
    for idx, label in enumerate(labels.tolist()):
        members[label].append(idx)
    # Rank claims on each existing id by how many records back them.
    claims: list[tuple[int, str, int]] = []
    for label, idxs in members.items():
        votes = Counter(existing_ids[record_ids[i]] for i in idxs if record_ids[i] in existing_ids)
        for pid, count in votes.items():
            claims.append((-count, pid, label))
    claims.sort()
    taken: set[str] = set()
    chosen: dict[int, str] = {}
    for _neg, pid, label in claims:
        if pid in taken or label in chosen:
            continue
        taken.add(pid)
        chosen[label] = pid
    result: dict[str, str] = {}
    for label, idxs in members.items():
        assigned = chosen.get(label)
        if assigned is None:
            assigned = new_person_id(record_ids[i] for i in idxs)
        for i in idxs:
            result[record_ids[i]] = assigned
    return result
