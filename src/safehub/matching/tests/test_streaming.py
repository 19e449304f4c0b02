"""The streaming de-duplication gives what the in-memory one gives, on a register with the hard cases."""

from __future__ import annotations

import itertools
import random
from collections import defaultdict

import pytest

from safehub.matching import MatchRecord, dedupe, engine
from safehub.matching.features import features_from_normalised, features_of, normalise_fields
from safehub.matching.streaming import dedupe_stream
from safehub.matching.tests.conftest import AS_OF
from safehub.matching.training import groups_as_arrays, pairs_from_groups
from safehub.synth.hard_cases import hard_case_records


@pytest.fixture(scope="module")
def hard_register(people, register_with_duplicates) -> list[MatchRecord]:
    """The synthetic register with its duplicates, plus twins, namesakes, swapped names and the other hard cases."""
    records, _truth = register_with_duplicates
    hard = [
        MatchRecord(
            record_id=h.record_id,
            given_name=h.given_name,
            middle_names=h.middle_names,
            surname=h.family_name,
            date_of_birth=h.date_of_birth,
            sex=h.sex,
            postcode=h.postcode,
            address=h.address_line,
            nhs_number=h.nhs_number,
            previous_nhs_numbers=h.previous_nhs_numbers,
        )
        for h in hard_case_records(itertools.islice(people, 3000), seed=4, as_of=AS_OF, per_kind=15)
    ]
    swapped = [
        MatchRecord(
            record_id=f"swap-{r.record_id}",
            given_name=r.surname,
            middle_names="",
            surname=r.given_name,
            date_of_birth=r.date_of_birth,
            sex=r.sex,
            postcode=r.postcode,
            address=r.address,
            nhs_number="",
        )
        for r in records[:400:7]
    ]
    return records + hard + swapped


def _merges(clusters: dict[str, str]) -> set[tuple[str, ...]]:
    members: dict[str, list[str]] = defaultdict(list)
    for record_id, person_id in clusters.items():
        members[person_id].append(record_id)
    return {tuple(sorted(m)) for m in members.values() if len(m) > 1}


def _assert_same(in_memory, streamed) -> None:
    assert streamed.model.to_json() == in_memory.model.to_json()
    assert streamed.pairs_scored == in_memory.pairs_scored
    assert _merges(streamed.clusters) == _merges(in_memory.clusters)
    assert {rid: pid for rid, pid in in_memory.clusters.items() if rid in streamed.clusters} == streamed.clusters
    assert streamed.review_pairs == in_memory.review_pairs


def test_features_rebuilt_from_normalised_fields_equal_features_of(hard_register):
    for r in hard_register[::13]:
        fields = {
            "given_name": r.given_name,
            "middle_names": r.middle_names,
            "surname": r.surname,
            "date_of_birth": r.date_of_birth,
            "sex": r.sex,
            "postcode": r.postcode,
            "address": r.address,
            "nhs_number": r.nhs_number,
            "previous_nhs_numbers": r.previous_nhs_numbers,
        }
        assert features_from_normalised(*normalise_fields(**fields)) == features_of(**fields)


def test_streamed_in_tiny_chunks_gives_the_in_memory_result(hard_register):
    in_memory = dedupe(hard_register)
    streamed = dedupe_stream(iter(hard_register), chunk=701, pair_chunk=997, workers=2)
    assert _merges(in_memory.clusters) and in_memory.review_pairs
    assert streamed.records == len(hard_register)
    _assert_same(in_memory, streamed)
    for a, b, _p, _reasons in streamed.review_pairs:
        assert {a, b} <= set(streamed.review_features)


def test_streamed_training_replays_the_in_memory_training(hard_register, monkeypatch):
    # Above _EM_SAMPLE records training blocks the whole register and samples its pairs, which
    # the streaming path replays from DuckDB; a small threshold takes this register there.
    monkeypatch.setattr(engine, "_EM_SAMPLE", 2_000)
    in_memory = dedupe(hard_register)
    streamed = dedupe_stream(hard_register, chunk=1_500, pair_chunk=4_000, workers=1)
    _assert_same(in_memory, streamed)


def test_pairs_decided_apart_stay_apart_in_both(hard_register):
    first = dedupe(hard_register)
    merged = sorted(_merges(first.clusters))[:5]
    apart = [(m[0], m[1]) for m in merged]
    in_memory = dedupe(hard_register, model=first.model, apart=apart)
    streamed = dedupe_stream(hard_register, model=first.model, apart=apart, chunk=2_000, pair_chunk=3_000)
    _assert_same(in_memory, streamed)
    for a, b in apart:
        assert in_memory.clusters[a] != in_memory.clusters[b]


def _pairs_nested_loop(groups: list[list[int]], *, limit: int, seed: int) -> list[tuple[int, int]]:
    """The pair sampling of the training's sessions, written as the plain loop the array code replaces."""
    rng = random.Random(seed)
    pairs: list[tuple[int, int]] = []
    for members in groups:
        if len(members) > 30:
            members = rng.sample(members, 30)
        pairs.extend((a, b) for x, a in enumerate(members) for b in members[x + 1 :])
    if len(pairs) > limit:
        pairs = rng.sample(pairs, limit)
    return pairs


@pytest.mark.parametrize("limit", [7, 400, 10**6])
def test_pairs_from_groups_draws_the_pairs_the_nested_loop_draws(limit):
    rng = random.Random(limit)
    groups, start = [], 0
    for size in rng.choices([2, 3, 5, 29, 30, 31, 45, 120], k=80):
        members = list(range(start, start + size))
        rng.shuffle(members)
        groups.append(members)
        start += size
    members, sizes = groups_as_arrays(groups)
    drawn = [tuple(p) for p in pairs_from_groups(members, sizes, limit=limit, seed=3).tolist()]
    assert drawn == _pairs_nested_loop(groups, limit=limit, seed=3)
    assert pairs_from_groups(*groups_as_arrays([]), limit=limit).shape == (0, 2)
