"""Evidence against a match: twins stay apart, different NHS numbers never merge automatically,
nicknames still match, and adding a record never splits a correct cluster."""

from __future__ import annotations

import itertools
import random
from collections import defaultdict
from datetime import date

import pytest
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from safehub.matching import MatchModel, MatchRecord, dedupe, train_model
from safehub.matching.features import nhs_number_valid
from safehub.matching.model import HOLD_PROBABILITY
from safehub.synth.hard_cases import hard_case_records
from safehub.synth.population import generate_population, make_variant

from .conftest import AS_OF, record_of

TWIN_NHS = ("9434765919", "9123456787")  # two valid NHS numbers


def _child(rid: str, given: str, *, nhs: str = "", sex: str = "F", dob: date = date(2016, 4, 25), **kw) -> MatchRecord:
    fields = {
        "middle_names": "",
        "surname": "Whitfield",
        "postcode": "SO14 1SF",
        "address": "36 Bitterne Road",
        **kw,
    }
    return MatchRecord(record_id=rid, given_name=given, date_of_birth=dob, sex=sex, nhs_number=nhs, **fields)  # type: ignore[arg-type]


@pytest.fixture(scope="module")
def model(register_with_duplicates: tuple[list[MatchRecord], dict[str, int]]) -> MatchModel:
    return train_model(register_with_duplicates[0])


def test_the_test_nhs_numbers_are_valid() -> None:
    assert all(nhs_number_valid(n) for n in TWIN_NHS)
    assert not nhs_number_valid("9434765918")


def test_a_twin_pair_stays_apart_even_with_no_nhs_numbers(model: MatchModel) -> None:
    amelia, scarlett = _child("a", "Amelia"), _child("b", "Scarlett")
    _w, probability, reasons = model.score(amelia.features(), scarlett.features())
    assert ("twins", "against") in reasons
    assert probability < 0.5
    result = dedupe([amelia, scarlett], model=model)
    assert result.clusters["a"] != result.clusters["b"]


def test_twins_with_similar_names_go_to_review_never_merged(model: MatchModel) -> None:
    isabella, isabelle = _child("a", "Isabella"), _child("b", "Isabelle")
    _w, probability, reasons = model.score(isabella.features(), isabelle.features())
    assert ("twins_similar", "against") in reasons
    assert probability <= HOLD_PROBABILITY
    result = dedupe([isabella, isabelle], model=model, lower=0.6)
    assert result.clusters["a"] != result.clusters["b"]


def test_a_third_record_cannot_chain_twins_together(model: MatchModel) -> None:
    # Amelia's own second record (no NHS number, nickname-free) is the same child; Scarlett is her twin.
    amelia = _child("a1", "Amelia", nhs=TWIN_NHS[0])
    amelia_again = _child("a2", "Amelia", middle_names="Rose")
    scarlett = _child("s1", "Scarlett", nhs=TWIN_NHS[1])
    result = dedupe([amelia, amelia_again, scarlett], model=model)
    assert result.clusters["a1"] == result.clusters["a2"]
    assert result.clusters["s1"] not in (result.clusters["a1"], result.clusters["a2"])


def test_disagreeing_valid_nhs_numbers_never_merge_automatically(model: MatchModel) -> None:
    # Everything else agrees exactly: only the NHS numbers say two people.
    one = _child("a", "Amelia", nhs=TWIN_NHS[0])
    other = _child("b", "Amelia", nhs=TWIN_NHS[1])
    _w, probability, reasons = model.score(one.features(), other.features())
    assert ("nhs_conflict", "against") in reasons
    assert probability <= HOLD_PROBABILITY
    result = dedupe([one, other], model=model, upper=0.95, lower=0.6)
    assert result.clusters["a"] != result.clusters["b"]
    assert [(a, b) for a, b, _p, _r in result.review_pairs] == [("a", "b")]


def _in_review(result, a: str, b: str) -> bool:
    return any({x, y} == {a, b} for x, y, _p, _r in result.review_pairs)


def test_a_record_matching_both_twins_goes_to_review_not_to_either(model: MatchModel) -> None:
    # Twins Isabella and Isabelle, each with an NHS number; a "Bella" record with none is a short
    # form of both names: it could be either child, so it joins neither automatically.
    isabella = _child("t1", "Isabella", nhs=TWIN_NHS[0])
    isabelle = _child("t2", "Isabelle", nhs=TWIN_NHS[1])
    bella = _child("x", "Bella")
    result = dedupe([isabella, isabelle, bella], model=model)
    clusters = result.clusters
    assert len({clusters["t1"], clusters["t2"], clusters["x"]}) == 3
    assert _in_review(result, "x", "t1") and _in_review(result, "x", "t2")


def test_nickname_twins_a_record_with_no_nhs_number_never_joins_the_other_twin(model: MatchModel) -> None:
    # Twins Harry and Henry (Harry is a short form of Henry), each with an NHS number.  A second
    # Harry record with no NHS number: the model weighs "Harry" against Harry barely above "Harry"
    # against Henry, so it is Harry's only if decisively so; otherwise a person decides.
    harry = _child("h1", "Harry", nhs=TWIN_NHS[0], sex="M")
    henry = _child("h2", "Henry", nhs=TWIN_NHS[1], sex="M")
    harry_again = _child("h3", "Harry", sex="M")
    result = dedupe([harry, henry, harry_again], model=model)
    clusters = result.clusters
    assert clusters["h1"] != clusters["h2"]
    assert clusters["h3"] != clusters["h2"]
    if clusters["h3"] != clusters["h1"]:
        assert _in_review(result, "h3", "h1") and _in_review(result, "h3", "h2")


def test_one_nickname_at_one_birthday_and_home_is_one_child(model: MatchModel) -> None:
    # Without any NHS number, Alex and Alexander of one family born the same day are one child.
    alexander = _child("a", "Alexander", sex="M")
    alex = _child("b", "Alex", sex="M")
    _w, probability, reasons = model.score(alexander.features(), alex.features())
    assert not [r for r in reasons if r[1] == "against"]
    assert probability > 0.95
    assert dedupe([alexander, alex], model=model).clusters["a"] == dedupe([alexander, alex], model=model).clusters["b"]


def test_a_nickname_with_a_different_sex_at_one_birthday_is_held(model: MatchModel) -> None:
    # Alexander (M) and Alex (F) born the same day to one family: boy/girl twins as likely as a
    # keying error in the sex, so a person decides.
    alexander = _child("a", "Alexander", sex="M")
    alex = _child("b", "Alex", sex="F")
    _w, probability, reasons = model.score(alexander.features(), alex.features())
    assert ("twins_similar", "against") in reasons
    assert probability <= HOLD_PROBABILITY
    result = dedupe([alexander, alex], model=model)
    assert result.clusters["a"] != result.clusters["b"]
    assert _in_review(result, "a", "b")


def test_a_third_record_that_names_both_short_forms_joins_them(model: MatchModel) -> None:
    # Maddy (Madison's NHS number) and Mattie could be twins on their own; beside Madison they are
    # two short forms of her name.  Regression: the property test found Madison's pair split.
    madison = _child("m1", "Madison", nhs=TWIN_NHS[0], middle_names="Sienna")
    mattie = _child("m2", "Mattie", middle_names="Sienna", surname="Jnes", postcode="SO40 5NX", address="9 Hazel Lane")
    maddy = _child("m3", "Maddy", nhs=TWIN_NHS[0])
    clusters = dedupe([madison, mattie, maddy], model=model).clusters
    assert clusters["m1"] == clusters["m2"] == clusters["m3"]


def test_a_typo_with_the_same_nhs_number_does_not_split_a_pair(model: MatchModel) -> None:
    # Regression from the property test: "Daiy" carries Daisy's NHS number, and alone would be held
    # apart from the other Daisy record (similar names, same birthday) as a possible twin.
    daisy = _child("d1", "Daisy", nhs=TWIN_NHS[0])
    daisy_again = _child("d2", "Daisy")
    daiy = _child("d3", "Daiy", nhs=TWIN_NHS[0])
    clusters = dedupe([daisy, daisy_again, daiy], model=model).clusters
    assert clusters["d1"] == clusters["d2"] == clusters["d3"]


def test_a_record_under_the_middle_name_stays_with_the_person(model: MatchModel) -> None:
    # Regression from the property test: Heather Tina, a record under her middle name "Tina", then
    # a plain "Heather" with no middle name.  Alone, Heather and Tina of one birthday and home look
    # like twins; Heather Tina shows they are one woman's first and middle names.
    heather_tina = _child("f1", "Heather", nhs=TWIN_NHS[0], middle_names="Tina", surname="Fenley")
    tina = _child("f2", "Tina", surname="Fenley", postcode="")
    heather = _child("f3", "Heather", surname="Fenley")
    clusters = dedupe([heather_tina, tina, heather], model=model).clusters
    assert clusters["f1"] == clusters["f2"] == clusters["f3"]


def test_a_record_matching_a_child_and_a_possible_twin_equally_goes_to_review(model: MatchModel) -> None:
    # The "Heather Fenley" case the random property test found: Heather Tina (NHS number), a record
    # under her middle name Tina, then a twin "Jake Tina" with no NHS number.  "Tina" now fits both
    # children equally: it is held for a person, never put with the twin.
    heather = _child("f1", "Heather", nhs=TWIN_NHS[0], middle_names="Tina", surname="Fenley")
    tina = _child("f2", "Tina", surname="Fenley", postcode="")
    before = dedupe([heather, tina], model=model)
    assert before.clusters["f1"] == before.clusters["f2"]
    jake = _child("f3", "Jake", middle_names="Tina", surname="Fenley")
    after = dedupe([heather, tina, jake], model=model)
    assert after.clusters["f3"] not in (after.clusters["f1"], after.clusters["f2"])
    if after.clusters["f1"] != after.clusters["f2"]:
        assert _in_review(after, "f1", "f2")


def test_a_known_nhs_number_change_still_matches(model: MatchModel) -> None:
    old = _child("a", "Amelia", nhs=TWIN_NHS[0])
    new = _child("b", "Amelia", nhs=TWIN_NHS[1], previous_nhs_numbers=TWIN_NHS[0])
    _w, _p, reasons = model.score(old.features(), new.features())
    assert ("nhs_conflict", "against") not in reasons
    assert dedupe([old, new], model=model).clusters["a"] == dedupe([old, new], model=model).clusters["b"]


def test_a_mistyped_nhs_number_is_not_a_conflict(model: MatchModel) -> None:
    typo = TWIN_NHS[0][:3] + TWIN_NHS[0][4] + TWIN_NHS[0][3] + TWIN_NHS[0][5:]  # two digits swapped
    assert not nhs_number_valid(typo)
    _w, probability, reasons = model.score(
        _child("a", "Amelia", nhs=TWIN_NHS[0]).features(), _child("b", "Amelia", nhs=typo).features()
    )
    assert ("nhs_conflict", "against") not in reasons
    assert probability > 0.95


def test_a_nickname_variant_still_matches(model: MatchModel) -> None:
    william = _child("a", "William", sex="M")
    bill = _child("b", "Bill", sex="M", address="36 Bitterne Rd")
    _w, probability, reasons = model.score(william.features(), bill.features())
    assert dict(reasons)["given_name"] == "nickname"
    assert not [r for r in reasons if r[1] == "against"]
    assert probability > 0.95
    result = dedupe([william, bill], model=model)
    assert result.clusters["a"] == result.clusters["b"]


def test_different_sex_and_first_name_is_held(model: MatchModel) -> None:
    boy = _child("a", "Oliver", sex="M", dob=date(2015, 3, 4))
    girl = _child("b", "Grace", sex="F", dob=date(2015, 3, 4), postcode="SO40 4BH", address="12 Drake Road")
    _w, probability, reasons = model.score(boy.features(), girl.features())
    assert ("sex_and_name", "against") in reasons
    assert probability < 0.5


def test_father_and_son_of_one_name_stay_apart(model: MatchModel) -> None:
    father = _child("a", "Adnan", sex="M", dob=date(1987, 12, 6), surname="Khan")
    son = _child("b", "Adnan", sex="M", dob=date(2013, 1, 20), surname="Khan")
    _w, probability, reasons = model.score(father.features(), son.features())
    assert ("generations", "against") in reasons
    assert probability < 0.5


def test_evidence_lists_each_piece_with_its_weight(model: MatchModel) -> None:
    evidence = model.evidence(_child("a", "Amelia").features(), _child("b", "Scarlett").features())
    fields = [item["field"] for item in evidence["items"]]
    assert fields[:7] == ["given_name", "surname", "date_of_birth", "sex", "location", "nhs_number", "school"]
    assert "twins" in fields
    assert evidence["held"] is True
    twin_rule = next(item for item in evidence["items"] if item["field"] == "twins")
    assert twin_rule["weight"] < 0
    total = evidence["prior"] + sum(item["weight"] for item in evidence["items"])
    assert total == pytest.approx(evidence["weight"], abs=0.05)


def test_hard_case_twins_are_never_merged_automatically() -> None:
    people = list(itertools.islice(generate_population(seed=31, as_of=AS_OF), 3000))
    hard = [h for h in hard_case_records(people, seed=31, as_of=AS_OF, per_kind=40) if h.kind.startswith("twins")]
    records = [record_of(f"p{p.key}", p) for p in people] + [
        MatchRecord(
            h.record_id, h.given_name, h.middle_names, h.family_name, h.date_of_birth, h.sex, h.postcode,
            h.address_line, h.nhs_number,
        )
        for h in hard
    ]  # fmt: skip
    truth = {h.record_id: h.person_key for h in hard}
    result = dedupe(records)
    members: dict[str, set[int]] = defaultdict(set)
    for rid, key in truth.items():
        members[result.clusters[rid]].add(key)
    assert all(len(keys) == 1 for keys in members.values()), "a twin pair was merged automatically"


# ------------------------------------------------------------------------------ property test


@pytest.fixture(scope="module")
def small_register() -> tuple[list[MatchRecord], dict[str, int], list, MatchModel]:
    people = list(itertools.islice(generate_population(seed=41, as_of=AS_OF), 700))
    rng = random.Random(8)
    records, truth = [], {}
    for person in people:
        records.append(record_of(f"a{person.key}", person))
        truth[f"a{person.key}"] = person.key
        if rng.random() < 0.3:
            records.append(record_of(f"b{person.key}", make_variant(person, rng, as_of=AS_OF)))
            truth[f"b{person.key}"] = person.key
    return records, truth, people, train_model(records)


def _correct_clusters(clusters: dict[str, str], truth: dict[str, int]) -> list[set[str]]:
    by_cluster: dict[str, set[str]] = defaultdict(set)
    by_person: dict[int, set[str]] = defaultdict(set)
    for rid, pid in clusters.items():
        by_cluster[pid].add(rid)
    for rid, key in truth.items():
        by_person[key].add(rid)
    return [ids for ids in by_cluster.values() if ids == by_person[truth[next(iter(ids))]] and len(ids) > 1]


def _added_record(people: list, kind: str, pick: int, seed: int) -> MatchRecord:
    rng = random.Random(seed)
    person = people[pick]
    if kind == "variant":
        return record_of("new", make_variant(person, rng, as_of=AS_OF))
    if kind == "twin":
        added = record_of("new", person)
        added.given_name = rng.choice(
            ["Amelia", "Scarlett", "Noah", "Jack", "Jake", "Isabelle", person.given_name + "a"]
        )
        added.nhs_number = ""
        return added
    stranger = people[(pick + 1 + seed) % len(people)]
    added = record_of("new", stranger)
    added.surname = person.family_name
    return added


_KINDS = st.sampled_from(["variant", "twin", "stranger"])


# Random examples on every run.  The guarantee: adding a record never splits a correct cluster
# silently.  A record it splits off is one the new record makes ambiguous (it now matches two
# people held apart, say a child and a possible twin, about equally): it goes to clerical review
# with its own person, never automatically anywhere.
@settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(kind=_KINDS, pick=st.integers(0, 699), seed=st.integers(0, 10_000))
def test_adding_a_record_never_splits_a_correct_cluster_silently(
    small_register, kind: str, pick: int, seed: int
) -> None:
    records, truth, people, model = small_register
    correct = _correct_clusters(dedupe(records, model=model).clusters, truth)
    added = _added_record(people, kind, pick, seed)
    after = dedupe([*records, added], model=model)
    reviewed = {frozenset((a, b)) for a, b, _p, _r in after.review_pairs}
    for ids in correct:
        parts: dict[str, set[str]] = defaultdict(set)
        for rid in ids:
            parts[after.clusters[rid]].add(rid)
        main = max(parts.values(), key=len)
        for rid in ids - main:
            assert after.clusters[rid] != after.clusters["new"], f"adding {added} moved {rid} to it"
            assert any(frozenset((rid, other)) in reviewed for other in main), f"adding {added} split {sorted(ids)}"


# The strict form (no split at all) holds on these fixed cases, the same every run; the pinned ones
# are counterexamples random runs found, fixed by the clustering (a third record accounting
# for both names, or carrying the same NHS number, lifts a similar-names hold).  The cases where a
# split is right, because the added record makes one of the pair ambiguous, are tested above and
# by name (Heather Fenley).
@settings(max_examples=25, deadline=None, derandomize=True, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(kind=_KINDS, pick=st.integers(0, 699), seed=st.integers(0, 10_000))
@example(kind="variant", pick=315, seed=9718)  # Maddy beside Madison and Mattie
@example(kind="variant", pick=203, seed=359)  # Danny beside Daniel and Dann
@example(kind="variant", pick=318, seed=5665)  # Daiy (Daisy's NHS number) beside two Daisy records
@example(kind="variant", pick=2, seed=2311)  # Clive beside Clive Andrew and Clve Andrew
@example(kind="variant", pick=270, seed=1885)  # Heather beside Heather Tina and Tina
def test_adding_a_record_never_splits_a_correct_cluster(small_register, kind: str, pick: int, seed: int) -> None:
    records, truth, people, model = small_register
    before = dedupe(records, model=model)
    correct = _correct_clusters(before.clusters, truth)
    assert len(correct) > 100  # the register really has clusters to keep
    added = _added_record(people, kind, pick, seed)
    after = dedupe([*records, added], model=model)
    for ids in correct:
        assert len({after.clusters[r] for r in ids}) == 1, f"adding {added} split {sorted(ids)}"
