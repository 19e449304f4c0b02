"""Train the model's parameters without labels: u from random pairs, m by EM, term frequencies for common names."""

from __future__ import annotations

import random
from collections import Counter
from collections.abc import Callable, Sequence

import numpy as np

from safehub.matching.features import (
    FIELDS,
    LEVELS,
    Features,
    compare,
)
from safehub.matching.model import _DEFAULT_M, _DEFAULT_U, _M_FLOOR, _M_FLOORS, _MIN_PROB, _normalise


def term_frequencies(features: Sequence[Features], *, keep: int = 20_000) -> tuple[dict, dict]:
    """Count given names and surnames; return (tf tables, default for unseen values)."""
    n = max(1, len(features))
    given = Counter(f.given for f in features if f.given)
    surname = Counter(f.surname for f in features if f.surname)
    tf = {
        "given_name": {k: v / n for k, v in given.most_common(keep)},
        "surname": {k: v / n for k, v in surname.most_common(keep)},
    }
    default = {"given_name": 1.0 / n, "surname": 1.0 / n}
    return tf, default


def _level_matrix(pairs: Sequence[tuple[int, int]], feats: Sequence[Features]) -> np.ndarray:
    rows = np.empty((len(pairs), len(FIELDS)), dtype=np.int8)
    for k, (i, j) in enumerate(pairs):
        rows[k] = compare(feats[i], feats[j])
    return rows


def estimate_u(feats: Sequence[Features], *, samples: int = 60_000, seed: int = 1) -> dict[str, list[float]]:
    """Estimate u probabilities from random pairs (almost all of which are non-matches)."""
    n = len(feats)
    rng = random.Random(seed)
    pairs = []
    for _ in range(samples):
        i, j = rng.randrange(n), rng.randrange(n)
        if i != j:
            pairs.append((i, j))
    levels = _level_matrix(pairs, feats)
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


def estimate_u_location_same_surname(
    feats: Sequence[Features], *, samples: int = 30_000, seed: int = 2
) -> list[float] | None:
    """Estimate location u among random pairs of records that share a surname."""
    from safehub.matching.features import location_level

    groups: dict[str, list[int]] = {}
    for i, f in enumerate(feats):
        if f.surname:
            groups.setdefault(f.surname, []).append(i)
    big = [g for g in groups.values() if len(g) >= 2]
    if not big:
        return None
    rng = random.Random(seed)
    weights = [len(g) * (len(g) - 1) for g in big]
    counts = np.zeros(len(LEVELS["location"]))
    for group in rng.choices(big, weights=weights, k=samples):
        i, j = rng.sample(group, 2)
        lvl = location_level(feats[i], feats[j])
        if lvl >= 0:
            counts[lvl] += 1
    if counts.sum() < 100:
        return None
    return _normalise(list((counts + 0.5) / (counts.sum() + 0.5 * len(counts))))


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


def pairs_sharing(
    feats: Sequence[Features], key: Callable[[Features], object], *, limit: int = 200_000, seed: int = 3
) -> list[tuple[int, int]]:
    """Return up to ``limit`` random pairs of records that share a value of ``key``."""
    groups: dict[object, list[int]] = {}
    for i, f in enumerate(feats):
        k = key(f)
        if k:
            groups.setdefault(k, []).append(i)
    rng = random.Random(seed)
    pairs: list[tuple[int, int]] = []
    for members in groups.values():
        if len(members) < 2:
            continue
        if len(members) > 30:
            members = rng.sample(members, 30)
        pairs.extend((a, b) for x, a in enumerate(members) for b in members[x + 1 :])
    if len(pairs) > limit:
        pairs = rng.sample(pairs, limit)
    return pairs


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
    m = {f: list(_DEFAULT_M[f]) for f in FIELDS}
    by_dob = _level_matrix(pairs_sharing(feats, lambda f: f.dob), feats)
    by_name = _level_matrix(pairs_sharing(feats, lambda f: (f.given, f.surname) if f.given else None), feats)
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
