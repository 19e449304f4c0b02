"""Train, look up, and de-duplicate: the engine behind the public matching API."""

from __future__ import annotations

import copy
import os
from collections import Counter, defaultdict
from collections.abc import Callable, Iterable, Iterator, Sequence

import numpy as np

from safehub.matching.blocking import NO_DOB_KEY, blocking_keys
from safehub.matching.clusters import (
    assign_person_ids,
    cluster_strong_pairs,
)
from safehub.matching.features import Features
from safehub.matching.model import MatchModel
from safehub.matching.records import Candidate, DedupeResult, MatchRecord
from safehub.matching.training import (
    _level_matrix,
    estimate_u,
    estimate_u_location_same_surname,
    match_share,
    term_frequencies,
    train_m,
)

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
    result = DedupeResult(
        clusters=clusters, review_pairs=review, pairs_scored=len(probs), model=model, records=len(record_ids)
    )
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


def iter_chunks(items: Sequence, size: int) -> Iterator[Sequence]:
    """Yield consecutive slices of at most ``size`` items."""
    for start in range(0, len(items), size):
        yield items[start : start + size]
