"""Tests for link-only matching of two de-duplicated files."""

from __future__ import annotations

from datetime import date

import pytest

from safehub.matching import MatchModel, MatchRecord, link, train_model
from safehub.matching.linking import resolve_one_to_one


@pytest.fixture(scope="module")
def model(register_with_duplicates: tuple[list[MatchRecord], dict[str, int]]) -> MatchModel:
    records, _truth = register_with_duplicates
    return train_model(records)


def _files() -> tuple[list[MatchRecord], list[MatchRecord]]:
    left = [
        MatchRecord("L1", "Amelia", "", "Hartley", date(2012, 3, 4), "F", "SO14 3AB", "12 Elm Road", ""),
        MatchRecord("L2", "Muhammad", "", "Khan", date(1990, 11, 2), "M", "SO17 1XY", "3 Oak Way", "9434765919"),
        MatchRecord("L3", "Olivia", "", "Ward", date(2005, 2, 1), "F", "SO19 2AB", "5 Test Lane", ""),
        MatchRecord("L4", "George", "", "Pemberton", date(1975, 8, 9), "M", "SO16 4ZZ", "7 Park Close", ""),
    ]
    right = [
        MatchRecord("R1", "Amelia", "", "Hartley", date(2012, 4, 3), "F", "SO14 3AB", "12 Elm Rd", ""),
        MatchRecord("R2", "Mohammed", "", "Khan", date(1990, 11, 2), "M", "SO17 1XY", "", "9434765919"),
        MatchRecord("R3", "Olivia", "", "Ward", date(2005, 2, 1), "F", "SO19 2AB", "5 Test Lane", ""),
        MatchRecord("R9", "Priya", "", "Raman", date(1988, 1, 30), "F", "SO15 7QQ", "9 Mill Street", ""),
    ]
    return left, right


def test_small_two_file_set_gives_the_expected_links(model: MatchModel) -> None:
    left, right = _files()
    links = link(left, right, model=model)
    assert {(a, b) for a, b, _p in links} == {("L1", "R1"), ("L2", "R2"), ("L3", "R3")}
    assert all(p >= 0.95 for _a, _b, p in links)


def test_link_never_pairs_records_of_the_same_source(model: MatchModel) -> None:
    left, right = _files()
    # Each file holds an exact copy of one of its own records: a dedupe would join those.
    left = [*left, MatchRecord("L3b", "Olivia", "", "Ward", date(2005, 2, 1), "F", "SO19 2AB", "5 Test Lane", "")]
    right = [*right, MatchRecord("R9b", "Priya", "", "Raman", date(1988, 1, 30), "F", "SO15 7QQ", "9 Mill Street", "")]
    links = link(left, right, model=model, upper=0.01)
    left_ids, right_ids = {r.record_id for r in left}, {r.record_id for r in right}
    assert links
    assert all(a in left_ids and b in right_ids for a, b, _p in links)


def test_link_is_one_to_one_and_keeps_the_best_counterpart(model: MatchModel) -> None:
    left, right = _files()
    # A second, weaker candidate for L1 in the right file (different address and a year off).
    right = [*right, MatchRecord("R1x", "Amelia", "", "Hartley", date(2011, 3, 4), "F", "", "", "")]
    links = link(left, right, model=model, upper=0.01)
    assert ("L1", "R1") in {(a, b) for a, b, _p in links}
    assert len({a for a, _b, _p in links}) == len(links) == len({b for _a, b, _p in links})


def test_resolve_one_to_one_picks_the_best_counterpart() -> None:
    scored = [
        ("a", "x", 0.97),
        ("a", "y", 0.99),  # a's best is y
        ("b", "y", 0.98),  # y is taken by the more probable (a, y), so b falls back to x
        ("b", "x", 0.96),
        ("c", "z", 0.95),
    ]
    assert resolve_one_to_one(scored) == [("a", "y", 0.99), ("b", "x", 0.96), ("c", "z", 0.95)]


def test_link_trains_its_own_model_and_leaves_a_given_one_alone(
    register_with_duplicates: tuple[list[MatchRecord], dict[str, int]], model: MatchModel
) -> None:
    records, _truth = register_with_duplicates
    originals = [r for r in records if r.record_id.startswith("a")][:2000]
    variants = {r.record_id[1:]: r for r in records if r.record_id.startswith("b")}
    right = [variants[r.record_id[1:]] for r in originals if r.record_id[1:] in variants]
    prior = model.prior
    found = link(originals, right, model=model)
    assert model.prior == prior
    own = link(originals, right)
    for links in (found, own):
        correct = sum(a[1:] == b[1:] for a, b, _p in links)
        assert correct / len(right) > 0.9
        assert correct / max(1, len(links)) > 0.98
