"""Link two sets of records one-to-one (the two-file case of the engine)."""

from __future__ import annotations

import copy
from collections.abc import Iterable, Sequence

import numpy as np

from safehub.matching.engine import score_pairs, train_model_from_features
from safehub.matching.features import Features
from safehub.matching.model import (
    MatchModel,
)
from safehub.matching.records import MatchRecord


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
