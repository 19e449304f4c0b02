"""Train the model's parameters without labels: u from random pairs, m by EM, term frequencies for common names."""

from __future__ import annotations

import itertools
import random
from collections import Counter
from collections.abc import Callable, Mapping, Sequence

import numpy as np

from safehub.matching.features import (
    FIELDS,
    LEVELS,
    Features,
    compare,
    location_level,
)
from safehub.matching.model import _DEFAULT_M, _DEFAULT_U, _M_FLOOR, _M_FLOORS, _MIN_PROB, _normalise


def term_frequencies(features: Sequence[Features], *, keep: int = 20_000) -> tuple[dict, dict]:
    """Count given names and surnames; return (tf tables, default for unseen values)."""
    given = Counter(f.given for f in features if f.given)
    surname = Counter(f.surname for f in features if f.surname)
    return tf_from_counts(given, surname, len(features), keep=keep)


def tf_from_counts(given: Counter, surname: Counter, n: int, *, keep: int = 20_000) -> tuple[dict, dict]:
    """Return (tf tables, default for unseen values) from name counts over ``n`` records.

    Counts gathered in record order (as :func:`term_frequencies` does) keep ties in the same order.
    """
    n = max(1, n)
    tf = {
        "given_name": {k: v / n for k, v in given.most_common(keep)},
        "surname": {k: v / n for k, v in surname.most_common(keep)},
    }
    default = {"given_name": 1.0 / n, "surname": 1.0 / n}
    return tf, default


def _level_matrix(pairs: Sequence[tuple[int, int]], feats: Sequence[Features] | Mapping[int, Features]) -> np.ndarray:
    rows = np.empty((len(pairs), len(FIELDS)), dtype=np.int8)
    for k, (i, j) in enumerate(pairs):
        rows[k] = compare(feats[i], feats[j])
    return rows


def random_pairs(n: int, *, samples: int = 60_000, seed: int = 1) -> list[tuple[int, int]]:
    """Return random pairs of distinct record indexes (the pairs :func:`estimate_u` compares)."""
    rng = random.Random(seed)
    pairs = []
    for _ in range(samples):
        i, j = rng.randrange(n), rng.randrange(n)
        if i != j:
            pairs.append((i, j))
    return pairs


def u_from_levels(levels: np.ndarray) -> dict[str, list[float]]:
    """Return u probabilities from the levels of random pairs."""
    u: dict[str, list[float]] = {}
    for col, f in enumerate(FIELDS):
        counts = np.bincount(levels[:, col][levels[:, col] >= 0], minlength=len(LEVELS[f]))
        total = counts.sum()
        if total < 100:
            u[f] = list(_DEFAULT_U[f])
            continue
        # Add-half smoothing so unseen levels keep a small, finite u.
        u[f] = _normalise([(c + 0.5) / (total + 0.5 * len(counts)) for c in counts])
    return u


def estimate_u(feats: Sequence[Features], *, samples: int = 60_000, seed: int = 1) -> dict[str, list[float]]:
    """Estimate u probabilities from random pairs (almost all of which are non-matches)."""
    return u_from_levels(_level_matrix(random_pairs(len(feats), samples=samples, seed=seed), feats))


def dob_key(f: Features) -> object:
    """Group key of the birth-date training session (records without a date of birth take no part)."""
    return f.dob


def name_key(f: Features) -> object:
    """Group key of the names training session (records without a first name take no part)."""
    return (f.given, f.surname) if f.given else None


def surname_key(f: Features) -> object:
    """Group key of records sharing a surname (for the location u of families)."""
    return f.surname


def key_groups(feats: Sequence[Features], key: Callable[[Features], object]) -> list[list[int]]:
    """Return the groups of two or more records sharing a (truthy) key value.

    Groups come in the order of their first record, members in record order: the sampling in
    :func:`pairs_from_groups` and :func:`sample_group_pairs` depends on that order.
    """
    groups: dict[object, list[int]] = {}
    for i, f in enumerate(feats):
        k = key(f)
        if k:
            groups.setdefault(k, []).append(i)
    return [g for g in groups.values() if len(g) >= 2]


def sample_group_pairs(groups: Sequence[Sequence[int]], *, samples: int, seed: int) -> list[tuple[int, int]]:
    """Return ``samples`` random pairs from within groups, each pair in the groups equally likely."""
    rng = random.Random(seed)
    weights = [len(g) * (len(g) - 1) for g in groups]
    pairs = []
    for group in rng.choices(groups, weights=weights, k=samples):
        x, y = rng.sample(range(len(group)), 2)
        pairs.append((int(group[x]), int(group[y])))
    return pairs


def location_u_from_pairs(
    pairs: Sequence[tuple[int, int]], feats: Sequence[Features] | Mapping[int, Features]
) -> list[float] | None:
    """Return location u from pairs sharing a surname (None when too few have a location)."""
    counts = np.zeros(len(LEVELS["location"]))
    for i, j in pairs:
        lvl = location_level(feats[i], feats[j])
        if lvl >= 0:
            counts[lvl] += 1
    if counts.sum() < 100:
        return None
    return _normalise(list((counts + 0.5) / (counts.sum() + 0.5 * len(counts))))


def estimate_u_location_same_surname(
    feats: Sequence[Features], *, samples: int = 30_000, seed: int = 2
) -> list[float] | None:
    """Estimate location u among random pairs of records that share a surname."""
    big = key_groups(feats, surname_key)
    if not big:
        return None
    return location_u_from_pairs(sample_group_pairs(big, samples=samples, seed=seed), feats)


def run_em(
    levels: np.ndarray,
    u: dict[str, list[float]],
    *,
    iterations: int = 40,
    prior: float = 0.1,
    ignore: frozenset[str] = frozenset(),
    m_start: dict[str, list[float]] | None = None,
    fix_m: bool = False,
) -> tuple[dict[str, list[float]], float]:
    """Estimate m probabilities and the match share by EM, with u held fixed.

    Fields in ``ignore`` (the ones the pairs were selected on, as in Splink's training
    sessions) take no part: their agreement says nothing once pairs were chosen for it.
    With ``fix_m`` only the match share is estimated.
    """
    patterns, counts = np.unique(levels, axis=0, return_counts=True)
    counts = counts.astype(float)
    m = {f: list((m_start or _DEFAULT_M)[f]) for f in FIELDS}
    used = [(col, f) for col, f in enumerate(FIELDS) if f not in ignore]
    for _ in range(iterations):
        log_m = np.zeros(len(patterns))
        log_u = np.zeros(len(patterns))
        for col, f in used:
            lv = patterns[:, col]
            present = lv >= 0
            mv = np.log(np.maximum(np.array(m[f]), _MIN_PROB))
            uv = np.log(np.maximum(np.array(u[f]), _MIN_PROB))
            log_m[present] += mv[lv[present]]
            log_u[present] += uv[lv[present]]
        a = np.log(prior) + log_m
        b = np.log(1 - prior) + log_u
        top = np.maximum(a, b)
        gamma = np.exp(a - top) / (np.exp(a - top) + np.exp(b - top))
        weighted = gamma * counts
        prior = float(min(0.999, max(1e-6, weighted.sum() / counts.sum())))
        if fix_m:
            continue
        for col, f in used:
            lv = patterns[:, col]
            present = lv >= 0
            sums = np.bincount(lv[present], weights=weighted[present], minlength=len(LEVELS[f]))
            if sums.sum() >= 1.0:
                # Floor m: real records carry keying errors EM may not have seen in the sample.
                m[f] = _normalise(list(sums / sums.sum()), floor=_M_FLOORS.get(f, _M_FLOOR))
    return m, prior


def pairs_from_groups(
    members: np.ndarray, sizes: np.ndarray, *, limit: int = 200_000, seed: int = 3, most: int = 30
) -> np.ndarray:
    """Return up to ``limit`` random pairs (rows of two record indexes) from within groups.

    The groups are ``members`` cut into runs of ``sizes``.  Each group gives every pair of its
    members (of ``most`` drawn at random, when larger), group after group, as a nested loop over
    the members would; then ``limit`` of them are drawn.  Built with array operations, one size
    of group at a time, since a register has millions of small groups.
    """
    rng = random.Random(seed)
    members = np.asarray(members, dtype=np.int64)
    sizes = np.asarray(sizes, dtype=np.int64)
    starts = np.cumsum(sizes) - sizes
    kept = np.minimum(sizes, most)
    chosen = np.empty(int(kept.sum()), dtype=np.int64)
    chosen_starts = np.cumsum(kept) - kept
    small = sizes <= most
    # Members of groups within the limit are kept as they are; the larger groups draw theirs in
    # group order (the only use of the random generator before the final draw).
    position = np.repeat(chosen_starts[small], kept[small]) + _ranks(kept[small])
    chosen[position] = members[np.repeat(starts[small], kept[small]) + _ranks(kept[small])]
    for g in np.nonzero(~small)[0].tolist():
        picked = rng.sample(range(int(sizes[g])), most)
        chosen[chosen_starts[g] : chosen_starts[g] + most] = members[starts[g] + np.array(picked, dtype=np.int64)]
    counts = kept * (kept - 1) // 2
    offsets = np.cumsum(counts) - counts
    pairs = np.empty((int(counts.sum()), 2), dtype=np.int64)
    for k in np.unique(kept[kept >= 2]).tolist():
        groups = np.nonzero(kept == k)[0]
        a, b = np.triu_indices(k, 1)
        at = (offsets[groups][:, None] + np.arange(len(a))[None, :]).ravel()
        base = chosen_starts[groups][:, None]
        pairs[at, 0] = (base + a[None, :]).ravel()
        pairs[at, 1] = (base + b[None, :]).ravel()
    pairs = chosen[pairs] if len(pairs) else pairs
    if len(pairs) > limit:
        pairs = pairs[rng.sample(range(len(pairs)), limit)]
    return pairs


def _ranks(sizes: np.ndarray) -> np.ndarray:
    """Return 0, 1, ..., size - 1 for each size in turn, as one array."""
    total = int(sizes.sum())
    if not total:
        return np.empty(0, dtype=np.int64)
    return np.arange(total, dtype=np.int64) - np.repeat(np.cumsum(sizes) - sizes, sizes)


def groups_as_arrays(groups: Sequence[Sequence[int]]) -> tuple[np.ndarray, np.ndarray]:
    """Return groups of record indexes as (members, one after another; sizes)."""
    sizes = np.array([len(g) for g in groups], dtype=np.int64)
    members = np.fromiter(itertools.chain.from_iterable(groups), dtype=np.int64, count=int(sizes.sum()))
    return members, sizes


def pairs_sharing(
    feats: Sequence[Features], key: Callable[[Features], object], *, limit: int = 200_000, seed: int = 3
) -> list[tuple[int, int]]:
    """Return up to ``limit`` random pairs of records that share a value of ``key``."""
    members, sizes = groups_as_arrays(key_groups(feats, key))
    return [tuple(p) for p in pairs_from_groups(members, sizes, limit=limit, seed=seed).tolist()]


def _sane(
    m: dict[str, list[float]], u: dict[str, list[float]], share: float, n_pairs: int
) -> dict[str, list[float]] | None:
    """Keep only the learnt m that make sense; fall back to defaults for the rest.

    A register without duplicates gives EM no matches to find: it then fits some other
    structure (say, relatives) and its m must not be used.
    """
    if share * n_pairs < 20:
        return None
    checked = {}
    for f in FIELDS:
        mf, uf = m[f], u[f]
        ok = mf[0] > 5 * uf[0] and mf[-1] < uf[-1] and mf[0] > 0.3
        checked[f] = mf if ok else list(_DEFAULT_M[f])
    return checked


# The most a true duplicate shows each field's outright disagreement.  EM learns m from the pairs
# it believes are matches; where relatives are common (twins, siblings born on the same day of
# the year, a father and son of one name) it takes some of them for matches and these m grow
# until relatives merge.  The caps are generous against what a register's real duplicates show
# (on the synthetic city EM itself learns 0.044, 0.024 and 0.002):
# * a first name that is neither the same, a variant, nor a middle name: a change of name or a
#   placeholder, at most 1 in 20 duplicates;
# * a different surname: marriage, a step-parent's surname, a deed poll: at most 1 in 10;
# * a date of birth wrong in two of its three parts: at most 1 in 50.
M_DISAGREE_CAP = {"given_name": 0.05, "surname": 0.10, "date_of_birth": 0.02}


def cap_disagreement(m: dict[str, list[float]]) -> dict[str, list[float]]:
    """Return m with each field's disagreement level held to :data:`M_DISAGREE_CAP`."""
    out = {f: list(v) for f, v in m.items()}
    for f, cap in M_DISAGREE_CAP.items():
        levels = out[f]
        if levels[-1] > cap:
            rest = sum(levels[:-1])
            scale = (1 - cap) / rest if rest > 0 else 0.0
            out[f] = [v * scale for v in levels[:-1]] + [cap]
    return out


def train_m(feats: Sequence[Features], u: dict[str, list[float]]) -> dict[str, list[float]]:
    """Estimate m in two sessions, as Splink does: pairs sharing a birth date; pairs sharing names.

    Each session ignores the fields its pairs were chosen on, so the non-matches in it look
    like random pairs on every other field and u can stay at its random-pair value.
    """
    by_dob = _level_matrix(pairs_sharing(feats, dob_key), feats)
    by_name = _level_matrix(pairs_sharing(feats, name_key), feats)
    return m_from_sessions(by_dob, by_name, u)


def m_from_sessions(by_dob: np.ndarray, by_name: np.ndarray, u: dict[str, list[float]]) -> dict[str, list[float]]:
    """Estimate m from the levels of the two training sessions (see :func:`train_m`)."""
    m = {f: list(_DEFAULT_M[f]) for f in FIELDS}
    m_dob = m_name = None
    if len(by_dob) >= 50:
        m_dob, share_dob = run_em(by_dob, u, ignore=frozenset({"date_of_birth"}))
        m_dob = _sane(m_dob, u, share_dob, len(by_dob))
    if len(by_name) >= 50:
        m_name, share_name = run_em(by_name, u, ignore=frozenset({"given_name", "surname"}))
        m_name = _sane(m_name, u, share_name, len(by_name))
    for f in FIELDS:
        if f in ("given_name", "surname"):
            if m_dob is not None:
                m[f] = m_dob[f]
        elif f == "date_of_birth":
            if m_name is not None:
                m[f] = m_name[f]
        else:
            sources = [x[f] for x in (m_dob, m_name) if x is not None]
            if sources:
                m[f] = _normalise([sum(vals) / len(vals) for vals in zip(*sources, strict=True)])
    return cap_disagreement(m)


def match_share(levels: np.ndarray, m: dict[str, list[float]], u: dict[str, list[float]]) -> float:
    """Estimate the share of true matches among candidate pairs, with m and u fixed."""
    _m, share = run_em(levels, u, m_start=m, fix_m=True)
    return share
