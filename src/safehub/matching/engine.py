"""Train, look up, and de-duplicate: the engine behind the public matching API."""

from __future__ import annotations

import copy
import hashlib
import math
import os
from collections import Counter, defaultdict
from collections.abc import Callable, Iterable, Iterator, Sequence

import numpy as np

from safehub.matching.blocking import NO_DOB_KEY, blocking_keys
from safehub.matching.features import Features
from safehub.matching.model import (
    MatchModel,
    _level_matrix,
    estimate_u,
    estimate_u_location_same_surname,
    match_share,
    term_frequencies,
    train_m,
)
from safehub.matching.records import Candidate, DedupeResult, MatchRecord

MAX_BLOCK = 400  # blocks bigger than this are skipped in batch work (except NHS number blocks)
_EM_SAMPLE = 40_000  # up to this many records, EM sees every candidate pair
_EM_PAIRS = 400_000


# ---------------------------------------------------------------------------------- blocking


def candidate_pairs(feats: Sequence[Features], *, max_block: int = MAX_BLOCK) -> set[tuple[int, int]]:
    """Return index pairs (i < j) that share a blocking key, in pure Python."""
    blocks: dict[tuple, list[int]] = defaultdict(list)
    for i, f in enumerate(feats):
        for key in blocking_keys(f):
            blocks[key].append(i)
    pairs: set[tuple[int, int]] = set()
    for key, members in blocks.items():
        if len(members) < 2:
            continue
        if key[0] == NO_DOB_KEY:
            undated = [i for i in members if feats[i].dob is None]
            for i in undated:
                for j in members[:max_block]:
                    if i != j:
                        pairs.add((i, j) if i < j else (j, i))
            continue
        if len(members) > max_block and key[0] != "n":
            continue
        for x in range(len(members)):
            a = members[x]
            for b in members[x + 1 :]:
                pairs.add((a, b))
    return pairs


# ---------------------------------------------------------------------------------- training


def train_model(records: Iterable[MatchRecord], *, seed: int = 1) -> MatchModel:
    """Estimate a match model from unlabelled records (random-pair u, EM for m and prior)."""
    feats = [r.features() for r in records]
    return train_model_from_features(feats, seed=seed)


def train_model_from_features(feats: Sequence[Features], *, seed: int = 1) -> MatchModel:
    """Estimate a match model from pre-computed features."""
    model = MatchModel()
    tf, tf_default = term_frequencies(feats)
    model.tf, model.tf_default = tf, tf_default
    model.trained_on = len(feats)
    if len(feats) < 50:
        model._refresh()
        return model
    model.u = estimate_u(feats, seed=seed)
    family_u = estimate_u_location_same_surname(feats, seed=seed)
    if family_u is not None:
        model.u_location_same_surname = family_u
    if len(feats) <= _EM_SAMPLE:
        pairs = sorted(candidate_pairs(feats))
        total_pairs = len(pairs)
    else:
        # Block the whole data set (cheap in DuckDB) and run EM on a random sample of its
        # candidate pairs: sampling *records* instead would break up most true duplicates.
        from safehub.matching.duck import candidate_pairs_duckdb

        all_i, all_j = candidate_pairs_duckdb(feats)
        total_pairs = len(all_i)
        rng = np.random.default_rng(seed)
        take = rng.choice(total_pairs, size=min(total_pairs, _EM_PAIRS), replace=False)
        pairs = list(zip(all_i[take].tolist(), all_j[take].tolist(), strict=True))
    if len(pairs) >= 20:
        levels = _level_matrix(pairs, feats)
        m = train_m(feats, model.u)
        share = match_share(levels, m, model.u)
        model.m = m
        model.match_rate = float(min(5.0, max(1e-4, share * total_pairs / len(feats))))
    model.set_population(len(feats))
    return model


# ---------------------------------------------------------------------------------- lookup


class MatchIndex:
    """In-memory online index over a register: add records, look people up."""

    def __init__(self, model: MatchModel) -> None:
        self.model = model
        self._ids: list[str] = []
        self._feats: list[Features] = []
        self._blocks: dict[tuple, list[int]] = defaultdict(list)
        self._undated_blocks: dict[tuple, list[int]] = defaultdict(list)
        self._given_counts: Counter[str] = Counter()
        self._surname_counts: Counter[str] = Counter()

    @classmethod
    def build(cls, records: Iterable[MatchRecord], model: MatchModel | None = None) -> MatchIndex:
        """Index a register, training a model on it when none is given."""
        records = list(records)
        feats = [r.features() for r in records]
        if model is None:
            model = train_model_from_features(feats)
        index = cls(copy.deepcopy(model))
        for record, f in zip(records, feats, strict=True):
            index._add(record.record_id, f)
        index._refresh_tf()
        return index

    def __len__(self) -> int:
        return len(self._ids)

    def add(self, record: MatchRecord) -> None:
        """Add one record to the register (it can be found by the next lookup)."""
        self._add(record.record_id, record.features())
        if len(self._ids) % 1000 == 0:
            self._refresh_tf()

    def _add(self, record_id: str, f: Features) -> None:
        idx = len(self._ids)
        self._ids.append(record_id)
        self._feats.append(f)
        for key in blocking_keys(f):
            if key[0] == NO_DOB_KEY:
                self._blocks[key].append(idx)
                if f.dob is None:
                    self._undated_blocks[key].append(idx)
            else:
                self._blocks[key].append(idx)
        if f.given:
            self._given_counts[f.given] += 1
        if f.surname:
            self._surname_counts[f.surname] += 1

    def _refresh_tf(self) -> None:
        """Use the register's own name frequencies for term-frequency weights."""
        n = max(1, len(self._ids))
        if n < 50:
            return
        self.model.tf = {
            "given_name": {k: v / n for k, v in self._given_counts.items()},
            "surname": {k: v / n for k, v in self._surname_counts.items()},
        }
        self.model.tf_default = {"given_name": 1.0 / n, "surname": 1.0 / n}
        self.model.set_population(n)

    def candidates(self, f: Features, *, max_block: int = 2000) -> set[int]:
        """Return indexes of register records sharing a blocking key with the features."""
        found: set[int] = set()
        for key in blocking_keys(f):
            if key[0] == NO_DOB_KEY:
                members = self._blocks.get(key) if f.dob is None else self._undated_blocks.get(key)
            else:
                members = self._blocks.get(key)
            if members:
                found.update(members[:max_block])
        return found

    def lookup(self, query: MatchRecord, *, limit: int = 10, min_probability: float = 0.05) -> list[Candidate]:
        """Return register records that may be the queried person, most likely first."""
        f = query.features()
        results = []
        for idx in self.candidates(f):
            weight, prob, reasons = self.model.score(f, self._feats[idx])
            if prob >= min_probability:
                results.append(Candidate(self._ids[idx], prob, weight, reasons))
        results.sort(key=lambda c: (-c.match_weight, c.record_id))
        return results[:limit]


# ---------------------------------------------------------------------------------- scoring


_POOL_STATE: dict[str, object] = {}


def _score_chunk(bounds: tuple[int, int]) -> tuple[np.ndarray, np.ndarray]:
    start, end = bounds
    pairs_i = _POOL_STATE["i"][start:end]  # type: ignore[index]
    pairs_j = _POOL_STATE["j"][start:end]  # type: ignore[index]
    feats: Sequence[Features] = _POOL_STATE["feats"]  # type: ignore[assignment]
    model: MatchModel = _POOL_STATE["model"]  # type: ignore[assignment]
    probs = np.empty(len(pairs_i), dtype=np.float64)
    held = np.zeros(len(pairs_i), dtype=np.bool_)
    score = model.probability_held
    for k in range(len(pairs_i)):
        probs[k], held[k] = score(feats[pairs_i[k]], feats[pairs_j[k]])
    return probs, held


def score_pairs(
    feats: Sequence[Features],
    model: MatchModel,
    pairs_i: np.ndarray,
    pairs_j: np.ndarray,
    *,
    workers: int | None = None,
    chunk: int = 200_000,
) -> np.ndarray:
    """Return the match probability of every (i, j) pair, using worker processes if large."""
    return score_pairs_held(feats, model, pairs_i, pairs_j, workers=workers, chunk=chunk)[0]


def score_pairs_held(
    feats: Sequence[Features],
    model: MatchModel,
    pairs_i: np.ndarray,
    pairs_j: np.ndarray,
    *,
    workers: int | None = None,
    chunk: int = 200_000,
    progress: Callable[[int, int], None] | None = None,
) -> tuple[np.ndarray, np.ndarray]:
    """Return (probability, held by an evidence-against rule) of every (i, j) pair.

    ``progress(done, total)`` is called as chunks of pairs finish.
    """
    n = len(pairs_i)
    workers = workers or min(os.cpu_count() or 1, 8)
    _POOL_STATE.update(i=pairs_i, j=pairs_j, feats=feats, model=model)
    bounds = [(s, min(n, s + chunk)) for s in range(0, n, chunk)]
    try:
        if workers > 1 and n > 2 * chunk and hasattr(os, "fork"):
            import multiprocessing as mp

            with mp.get_context("fork").Pool(workers) as pool:
                parts = []
                for (_start, end), part in zip(bounds, pool.imap(_score_chunk, bounds), strict=True):
                    parts.append(part)
                    if progress is not None:
                        progress(end, n)
        else:
            parts = []
            for b in bounds:
                parts.append(_score_chunk(b))
                if progress is not None:
                    progress(b[1], n)
    finally:
        _POOL_STATE.clear()
    if not parts:
        return np.empty(0), np.zeros(0, dtype=np.bool_)
    return np.concatenate([p[0] for p in parts]), np.concatenate([p[1] for p in parts])


# ---------------------------------------------------------------------------------- clusters


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
    return np.array([find(x) for x in range(n)])


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
    return np.array([find(x) for x in range(n)])


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
    feats: Sequence[Features],
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
    feats: Sequence[Features],
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
    feats: Sequence[Features],
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
) -> np.ndarray:
    """Cluster records along the strong pairs, never joining records held apart; return labels.

    Holds a third record shows to be one child's two names are lifted (:func:`lift_name_holds`);
    records a first clustering placed by the order of the pairs alone are settled by
    :func:`contested_holds` and the clustering is repeated (at most ``rounds`` times).
    """
    firm = list(firm)
    apart_i, apart_j = lift_name_holds(feats, model, pairs_i, pairs_j, strong, apart_i, apart_j, firm=firm)
    si, sj, sp = pairs_i[strong], pairs_j[strong], probs[strong]
    labels = constrained_components(len(feats), si, sj, sp, apart_i, apart_j)
    for _ in range(rounds):
        extra = contested_holds(feats, model, pairs_i, pairs_j, strong, apart_i, apart_j, labels, upper=upper)
        if not extra:
            break
        more = np.array(sorted(extra), dtype=apart_i.dtype).reshape(-1, 2)
        apart_i, apart_j = np.concatenate([apart_i, more[:, 0]]), np.concatenate([apart_j, more[:, 1]])
        labels = constrained_components(len(feats), si, sj, sp, apart_i, apart_j)
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


def dedupe_features(
    record_ids: Sequence[str],
    feats: Sequence[Features],
    *,
    model: MatchModel,
    upper: float,
    lower: float,
    existing_ids: dict[str, str] | None,
    backend: str = "duckdb",
    progress: Callable[[int, int], None] | None = None,
    keep_pairs: bool = False,
    apart: Iterable[tuple[str, str]] = (),
) -> DedupeResult:
    """De-duplicate pre-computed features (see :func:`dedupe`).

    With ``keep_pairs`` the result's ``pairs`` holds every scored pair as arrays
    (i, j, probability, held), for explaining the decisions afterwards.
    """
    if backend == "duckdb":
        from safehub.matching.duck import candidate_pairs_duckdb

        pairs_i, pairs_j = candidate_pairs_duckdb(feats)
    else:
        pairs = candidate_pairs(feats)
        arr = np.array(sorted(pairs), dtype=np.int64).reshape(-1, 2)
        pairs_i, pairs_j = arr[:, 0], arr[:, 1]
    probs, held = score_pairs_held(feats, model, pairs_i, pairs_j, progress=progress)
    strong = probs >= upper
    apart_i, apart_j = pairs_i[held], pairs_j[held]
    position = {rid: k for k, rid in enumerate(record_ids)} if apart else {}
    known = [(position[a], position[b]) for a, b in apart if a in position and b in position]
    if known:
        apart_i = np.concatenate([apart_i, np.array([k[0] for k in known], dtype=pairs_i.dtype)])
        apart_j = np.concatenate([apart_j, np.array([k[1] for k in known], dtype=pairs_j.dtype)])
        decided = {(min(a, b), max(a, b)) for a, b in known}
        keep = np.array([(int(i), int(j)) not in decided for i, j in zip(pairs_i, pairs_j, strict=True)], dtype=bool)
        strong &= keep
    labels = cluster_strong_pairs(
        feats, model, pairs_i, pairs_j, probs, strong, apart_i, apart_j, upper=upper, firm=known
    )
    clusters = assign_person_ids(record_ids, labels, existing_ids)
    review = []
    for k in np.nonzero(probs >= lower)[0].tolist():
        i, j = int(pairs_i[k]), int(pairs_j[k])
        if labels[i] == labels[j]:
            continue
        _w, p, reasons = model.score(feats[i], feats[j])
        review.append((record_ids[i], record_ids[j], p, reasons))
    review.sort(key=lambda r: -r[2])
    result = DedupeResult(clusters=clusters, review_pairs=review, pairs_scored=len(probs), model=model)
    if keep_pairs:
        result.pairs = (pairs_i, pairs_j, probs, held)
    return result


def dedupe(
    records: list[MatchRecord],
    *,
    model: MatchModel | None = None,
    upper: float = 0.95,
    lower: float = 0.6,
    existing_ids: dict[str, str] | None = None,
    progress: Callable[[int, int], None] | None = None,
    keep_pairs: bool = False,
    apart: Iterable[tuple[str, str]] = (),
) -> DedupeResult:
    """Group records into people: pairs at or above ``upper`` join, ``lower``..``upper`` go to review.

    Clusters are connected components of the pairs above ``upper``, except that two records an
    evidence-against rule holds apart are never put into one cluster (see
    :func:`constrained_components`); strong pairs kept apart that way go to review.  Records in
    ``existing_ids`` keep their person id (so ids stay stable as new records arrive).
    ``progress(done, total)`` is called as pairs are scored.  ``apart`` lists pairs of record
    ids a person has decided are different people: they are never joined, not even through others.
    """
    if not lower <= upper:
        raise ValueError("lower threshold must not exceed upper threshold")
    feats = [r.features() for r in records]
    if model is None:
        model = train_model_from_features(feats)
    else:
        model = copy.deepcopy(model)
        model.set_population(len(feats))
    ids = [r.record_id for r in records]
    return dedupe_features(
        ids,
        feats,
        model=model,
        upper=upper,
        lower=lower,
        existing_ids=existing_ids,
        progress=progress,
        keep_pairs=keep_pairs,
        apart=list(apart),
    )


def cross_pairs(feats: Sequence[Features], n_left: int) -> tuple[np.ndarray, np.ndarray]:
    """Return candidate pairs (i < n_left <= j) only: blocking as usual, same-source pairs dropped.

    ``feats`` holds the left records first, then the right ones.
    """
    from safehub.matching.duck import candidate_pairs_duckdb

    pairs_i, pairs_j = candidate_pairs_duckdb(feats)
    keep = (pairs_i < n_left) & (pairs_j >= n_left)  # pairs come with i < j
    extra_i, extra_j = _same_dob_cross_pairs(feats, n_left)
    all_i = np.concatenate([pairs_i[keep], extra_i])
    all_j = np.concatenate([pairs_j[keep], extra_j])
    if not len(all_i):
        return all_i, all_j
    unique = np.unique(np.stack([all_i, all_j], axis=1), axis=0)
    return unique[:, 0], unique[:, 1]


DOB_BLOCK_MAX_PAIRS = 100


def _same_dob_cross_pairs(feats: Sequence[Features], n_left: int) -> tuple[np.ndarray, np.ndarray]:
    """Cross-file pairs with the same exact date of birth, where that date is shared by few records.

    Linking two files, names can be both swapped and mistyped, leaving the date of birth as the only
    exact agreement (FEBRL 4 has such pairs). A date shared by many records (a national register)
    would add too many pairs, so only small groups are blocked this way.
    """
    groups: dict[tuple, tuple[list[int], list[int]]] = {}
    for index, f in enumerate(feats):
        if f.dob is None:
            continue
        left, right = groups.setdefault(tuple(f.dob), ([], []))
        (left if index < n_left else right).append(index)
    out_i: list[int] = []
    out_j: list[int] = []
    for left, right in groups.values():
        if left and right and len(left) * len(right) <= DOB_BLOCK_MAX_PAIRS:
            for i in left:
                out_i.extend([i] * len(right))
                out_j.extend(right)
    return np.array(out_i, dtype=np.int64), np.array(out_j, dtype=np.int64)


def resolve_one_to_one(scored: Iterable[tuple[str, str, float]]) -> list[tuple[str, str, float]]:
    """Keep each record's best counterpart, greedily by probability (highest first).

    For two files that are each free of duplicates: a pair is kept when neither of its records
    has already been given a more probable partner.  Ties break on the ids, so the result is
    deterministic.
    """
    ranked = sorted(scored, key=lambda t: (-t[2], t[0], t[1]))
    used_left: set[str] = set()
    used_right: set[str] = set()
    links = []
    for left_id, right_id, prob in ranked:
        if left_id in used_left or right_id in used_right:
            continue
        used_left.add(left_id)
        used_right.add(right_id)
        links.append((left_id, right_id, prob))
    return links


def link(
    left: list[MatchRecord],
    right: list[MatchRecord],
    *,
    model: MatchModel | None = None,
    upper: float = 0.95,
) -> list[tuple[str, str, float]]:
    """Link two files, each already free of duplicates: return ``(left_id, right_id, probability)``.

    Only cross-file pairs are compared (blocking as in :func:`dedupe`, same-file pairs skipped),
    and the prior is set for the ``len(left) * len(right)`` cross pairs.  When no model is given
    one is trained (EM, no labels) on both files together, exactly as :func:`dedupe` does.  Pairs
    at or above ``upper`` are resolved one-to-one (:func:`resolve_one_to_one`), most probable first.
    """
    feats_left = [r.features() for r in left]
    feats_right = [r.features() for r in right]
    feats = feats_left + feats_right
    # Trained on both files together, as dedupe does; a given model is copied, never changed.
    model = train_model_from_features(feats) if model is None else copy.deepcopy(model)
    model.set_link_population(len(left), len(right))
    ids = [r.record_id for r in left] + [r.record_id for r in right]
    pairs_i, pairs_j = cross_pairs(feats, len(left))
    probs = score_pairs(feats, model, pairs_i, pairs_j)
    strong = np.nonzero(probs >= upper)[0].tolist()
    scored = [(ids[int(pairs_i[k])], ids[int(pairs_j[k])], float(probs[k])) for k in strong]
    return resolve_one_to_one(scored)


def iter_chunks(items: Sequence, size: int) -> Iterator[Sequence]:
    """Yield consecutive slices of at most ``size`` items."""
    for start in range(0, len(items), size):
        yield items[start : start + size]
