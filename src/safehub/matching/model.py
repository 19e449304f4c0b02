"""Fellegi-Sunter match model: m/u probabilities per comparison level, trained without labels.

* ``u`` (chance agreement among non-matches) is estimated from random pairs of records.
* ``m`` (agreement among true matches) and the prior are estimated by expectation
  maximisation over blocked candidate pairs, with ``u`` held fixed.
* Exact agreement on a given name or surname is scored against that value's own frequency
  (term-frequency adjustment): agreeing on "Smith" is weaker evidence than on "Okonkwo".
"""

from __future__ import annotations

import json
import math
import random
from collections import Counter
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field

import numpy as np

from safehub.matching.features import (
    FIELDS,
    LEVELS,
    MISSING,
    REASONS,
    Features,
    compare,
    nickname_direct,
    swapped_levels,
)

# Starting (and fallback) m/u values when there is too little data to learn from.
_DEFAULT_M: dict[str, list[float]] = {
    "given_name": [0.80, 0.05, 0.03, 0.05, 0.02, 0.02, 0.03],
    "surname": [0.85, 0.03, 0.02, 0.05, 0.02, 0.03],
    "date_of_birth": [0.88, 0.02, 0.05, 0.02, 0.03],
    "sex": [0.98, 0.02],
    "location": [0.70, 0.05, 0.03, 0.03, 0.04, 0.15],
    "nhs_number": [0.97, 0.01, 0.02],
    "school": [0.90, 0.10],
}
_DEFAULT_U: dict[str, list[float]] = {
    "given_name": [0.01, 0.002, 0.002, 0.005, 0.001, 0.03, 0.95],
    "surname": [0.005, 0.001, 0.002, 0.004, 0.02, 0.968],
    "date_of_birth": [0.0001, 0.00002, 0.002, 0.01, 0.98788],
    "sex": [0.5, 0.5],
    "location": [0.0001, 0.0003, 0.0005, 0.003, 0.05, 0.9461],
    "nhs_number": [1e-7, 1e-5, 0.99998],
    "school": [0.02, 0.98],
}
_MIN_PROB = 1e-6
_M_FLOOR = 2e-3
# A check-digit-validated NHS number is very rarely wrong for the right person.
_M_FLOORS = {"nhs_number": 1e-4}
_TF_FIELDS = ("given_name", "surname")
_LOCATION = FIELDS.index("location")
_GIVEN, _SURNAME, _DOB, _SEX = (FIELDS.index(f) for f in ("given_name", "surname", "date_of_birth", "sex"))
_NHS = FIELDS.index("nhs_number")

# ---------------------------------------------------------------------------- evidence against
# Three rules for pairs where the independence of Fellegi-Sunter's fields fails, each with its
# weight derived below.  A pair a rule *holds* is never merged automatically: its probability
# is capped at HOLD_PROBABILITY, below the automatic-merge threshold (0.95 by default), so it
# can at most go to clerical review.
HOLD_PROBABILITY = 0.9
# A surname level read as a first-name level, and back (for names recorded in each other's fields).
_AS_GIVEN = {MISSING: MISSING, 0: 0, 1: 3, 2: 2, 3: 3, 4: 5, 5: 6}
_AS_SURNAME = {MISSING: MISSING, 0: 0, 1: 1, 2: 2, 3: 3, 4: 4, 5: 4, 6: 5}
_HOLD_WEIGHT = math.log2(HOLD_PROBABILITY / (1 - HOLD_PROBABILITY))

# Share of people born a twin (or triplet).  ONS, Births in England and Wales: characteristics
# of birth, puts the multiple maternity rate between 13.7 (2021) and 16.1 (2011, 2015) per 1,000
# maternities over the years today's children were born; each multiple maternity gives at least
# two children, so at 14 per 1,000 about 2 x 14 / 1,014 = 2.8% of children have a co-twin (the
# lower end: a smaller share makes the rule a little less strict).
TWIN_SHARE = 0.028
# Twin pairs are boy/girl about a third of the time: two-thirds of twins are non-identical
# (Weinberg's rule on UK twin births), and half of those differ in sex.
_U_SEX_TWINS = (2 / 3, 1 / 3)
# A person's NHS number is changed only in rare cases (adoption, a duplicate registration
# resolved, protection from harm); at most about 1 in 10,000 people's records carry two
# different valid numbers because of it.
M_NHS_CHANGED = 1e-4
# A date of birth wrong by twelve years or more in its year *and* wrong in its day or month as
# well is a double keying error; at most 1 in 1,000 duplicates.  Two records of one name and
# home born that far apart are a parent and child (Jr/Sr) or grandparent and grandchild.
M_GENERATIONS = 1e-3
GENERATION_YEARS = 12

# Rules that are evidence of two people, not only doubt: besides capping the pair's probability,
# clustering never puts the two records into one person, even through other records.
APART_RULES = frozenset({"nhs_conflict", "twins", "twins_similar", "generations"})
# Plain words for each rule, for the practitioner (explanations) and the CLI's --explain.
RULE_TEXT = {
    "nhs_conflict": "different NHS numbers: almost certainly two people",
    "twins": "same date of birth and family name but a different first name: twins or siblings, not a typo",
    "twins_similar": "same date of birth and family name, first names only alike: could be twins, a person must decide",
    "sex_and_name": "different sex and a different first name: strong evidence of two people",
    "generations": "born 12 or more years apart: a parent and child, not one person",
    "siblings": "same family name and home, different first name and date of birth: brothers or sisters",
}


def _normalise(values: Sequence[float], floor: float = _MIN_PROB) -> list[float]:
    clipped = [max(floor, v) for v in values]
    total = sum(clipped)
    return [v / total for v in clipped]


@dataclass
class MatchModel:
    """Fellegi-Sunter parameters; serialisable with :meth:`to_json` / :meth:`from_json`."""

    m: dict[str, list[float]] = field(default_factory=lambda: {k: list(v) for k, v in _DEFAULT_M.items()})
    u: dict[str, list[float]] = field(default_factory=lambda: {k: list(v) for k, v in _DEFAULT_U.items()})
    # Expected number of other records of the same person per record (learnt by EM); the
    # prior for a pair is derived from it and the size of the data being matched.
    match_rate: float = 0.2
    prior: float = 1e-4
    # u of the location levels among non-matching pairs that share a surname: family members
    # share addresses, so an address match means less once the surname already agrees.
    u_location_same_surname: list[float] = field(default_factory=lambda: [0.02, 0.02, 0.02, 0.05, 0.2, 0.69])
    # Relative frequency of each normalised given name / surname (for term-frequency weights).
    tf: dict[str, dict[str, float]] = field(default_factory=lambda: {"given_name": {}, "surname": {}})
    tf_default: dict[str, float] = field(default_factory=lambda: {"given_name": 1e-4, "surname": 1e-4})
    trained_on: int = 0

    def __post_init__(self) -> None:
        self._refresh()

    def _refresh(self) -> None:
        """Precompute the weight tables (log2 Bayes factors) used on every pair."""
        self._weights = {
            f: [math.log2(max(_MIN_PROB, m) / max(_MIN_PROB, u)) for m, u in zip(self.m[f], self.u[f], strict=True)]
            for f in FIELDS
        }
        loc_m = self.m["location"]
        self._location_family = [
            min(w, math.log2(max(_MIN_PROB, m) / max(_MIN_PROB, u)))
            for w, m, u in zip(self._weights["location"], loc_m, self.u_location_same_surname, strict=True)
        ]
        self._prior_weight = math.log2(self.prior / (1 - self.prior))
        self._log_m_exact = {f: math.log2(max(_MIN_PROB, self.m[f][0])) for f in _TF_FIELDS}

    # ------------------------------------------------------------------ serialisation
    def to_json(self) -> str:
        """Return the model as a JSON document."""
        return json.dumps(
            {
                "version": 1,
                "m": self.m,
                "u": self.u,
                "prior": self.prior,
                "match_rate": self.match_rate,
                "u_location_same_surname": self.u_location_same_surname,
                "tf": self.tf,
                "tf_default": self.tf_default,
                "trained_on": self.trained_on,
            }
        )

    @classmethod
    def from_json(cls, text: str) -> MatchModel:
        """Load a model written by :meth:`to_json`."""
        data = json.loads(text)
        return cls(
            m=data["m"],
            u=data["u"],
            prior=data["prior"],
            match_rate=data.get("match_rate", 0.2),
            u_location_same_surname=data.get("u_location_same_surname", [0.02, 0.02, 0.02, 0.05, 0.2, 0.69]),
            tf=data["tf"],
            tf_default=data["tf_default"],
            trained_on=data.get("trained_on", 0),
        )

    # ------------------------------------------------------------------ scoring
    def set_population(self, n: int) -> None:
        """Set the prior for matching within (or against) ``n`` records."""
        self.prior = min(0.5, max(1e-9, 2 * self.match_rate / max(2, n)))
        self._refresh()

    def set_link_population(self, n_left: int, n_right: int) -> None:
        """Set the prior for linking ``n_left`` records against ``n_right`` (cross pairs only).

        ``match_rate`` matches per record over ``n_left + n_right`` records, spread over the
        ``n_left * n_right`` cross-source pairs (as :meth:`set_population` spreads them over
        all ``n * (n - 1) / 2`` pairs).
        """
        cross = max(1, n_left) * max(1, n_right)
        self.prior = min(0.5, max(1e-9, self.match_rate * (n_left + n_right) / cross))
        self._refresh()

    def field_weight(self, field_name: str, level: int, value: str = "") -> float:
        """Return the match weight (log2 Bayes factor) of one field at one level."""
        if level == MISSING:
            return 0.0
        if level == 0 and field_name in _TF_FIELDS and value:
            freq = self.tf[field_name].get(value, self.tf_default[field_name])
            # Never let a rare value claim more than 2^3 times the average exact weight.
            tf_weight = self._log_m_exact[field_name] - math.log2(max(freq, _MIN_PROB))
            return min(tf_weight, self._weights[field_name][0] + 3.0)
        return self._weights[field_name][level]

    def score_levels(self, levels: Sequence[int], a: Features) -> float:
        """Return the total match weight of a levels vector (including the prior)."""
        w = self._prior_weight
        w += self.field_weight("given_name", levels[0], a.given)
        w += self.field_weight("surname", levels[1], a.surname)
        weights = self._weights
        for i in range(2, len(FIELDS)):
            lvl = levels[i]
            if lvl != MISSING:
                if i == _LOCATION and 0 <= levels[1] <= 1:
                    w += self._location_family[lvl]
                else:
                    w += weights[FIELDS[i]][lvl]
        return w

    def _levels(self, a: Features, b: Features) -> tuple[list[int], dict[int, str]]:
        """Return the levels of a pair (names read crosswise when that scores better)."""
        levels = list(compare(a, b))
        reasons_override: dict[int, str] = {}
        if levels[0] >= 5 or levels[1] >= 4:
            swapped = swapped_levels(a, b)
            if swapped is not None:
                before = self.score_levels(levels, a)
                trial = list(levels)
                for k, lvl in enumerate(swapped):
                    if lvl < trial[k] or trial[k] == MISSING:
                        trial[k] = lvl
                        reasons_override[k] = "transposed"
                if self.score_levels(trial, a) > before:
                    levels = trial
                else:
                    reasons_override = {}
        return levels, reasons_override

    def field_weights(self, levels: Sequence[int], a: Features) -> list[float]:
        """Return each field's match weight for a levels vector (in FIELDS order)."""
        out = [
            self.field_weight("given_name", levels[0], a.given),
            self.field_weight("surname", levels[1], a.surname),
        ]
        for i in range(2, len(FIELDS)):
            lvl = levels[i]
            if lvl == MISSING:
                out.append(0.0)
            elif i == _LOCATION and 0 <= levels[1] <= 1:
                out.append(self._location_family[lvl])
            else:
                out.append(self._weights[FIELDS[i]][lvl])
        return out

    def rules(
        self, levels: Sequence[int], weights: Sequence[float], a: Features, b: Features, *, swapped: bool = False
    ) -> list[tuple[str, float]]:
        """Return the evidence-against rules that apply to a pair, with each one's weight adjustment.

        * ``nhs_conflict``: two different *valid* NHS numbers (neither temporary, neither listed as
          the other's previous number).  Its weight is log2(M_NHS_CHANGED / u) for the NHS field,
          and the pair is held from automatic merging.
        * ``twins``: same date of birth and surname, NHS numbers not the same (nor one keying error
          apart), and first names that
          are neither the same, a direct nickname, a middle name, nor alike.  Under independence
          those agreements add up to near-certainty, but among people who are *not* the same person
          they go together: they describe twins, a share TWIN_SHARE of records.  The rule replaces
          the fields' weights with the joint Bayes factor
          log2(m_given * m_surname * m_dob [* m_home] / (TWIN_SHARE / n)) (n records: 1/n per pair;
          the home joins the joint when it agrees, as twins live together), and weighs sex against
          twins' one-in-three boy/girl pairs.  It only ever lowers the weight, and holds the pair.
        * ``twins_similar``: the same, but the first names are only alike (a spelling variant,
          one letter apart, or two short forms of one name, as Jack/Jake): one child mis-spelt, or
          twins with similar names (Isabella/Isabelle sound the same).  Held for a person to
          decide; the fields keep their weights.  So are a direct nickname (Alex/Alexander) whose
          recorded sexes differ.  Only the same name, a direct nickname
          (Bill/William) or a middle name count as the same child without an NHS number; a
          middle name recorded on both records and the same lifts the hold (twins who share a
          middle name *and* have similar first names would then merge: the hard-case set has none).
        * ``generations``: dates of birth 12 or more years apart in the year and different in day
          or month, NHS numbers not the same (nor one keying error apart): the date of birth's weight becomes log2(M_GENERATIONS / u), and the pair is held.
        * ``siblings``: same family name and home, different first names (not variants) and dates
          of birth that differ: brothers or sisters.  The fields keep their weights (the home's is
          already weighed against families sharing a surname); the pair is held, because a date
          of birth one keying error apart can otherwise carry it past the threshold.
        * ``sex_and_name``: both sexes recorded and different, and first names that are not a
          nickname or transliteration of each other.  The two fields' learned weights stand (each
          is already strongly negative); the pair is held.
        """
        out: list[tuple[str, float]] = []
        if levels[_NHS] == 2 and a.nhs_valid and b.nhs_valid:
            conflict = math.log2(M_NHS_CHANGED / max(_MIN_PROB, self.u["nhs_number"][2]))
            out.append(("nhs_conflict", min(0.0, conflict - weights[_NHS])))
        # A parent and child, or twins, never share an NHS number: when the numbers agree (or are
        # one keying error apart) the generations and twin rules do not apply.
        nhs_agrees = levels[_NHS] in (0, 1)
        if (
            not nhs_agrees
            and levels[_DOB] == 4
            and a.dob is not None
            and b.dob is not None
            and abs(a.dob[0] - b.dob[0]) >= GENERATION_YEARS
        ):
            generations = math.log2(M_GENERATIONS / max(_MIN_PROB, self.u["date_of_birth"][4]))
            out.append(("generations", min(0.0, generations - weights[_DOB])))
        given, surname = levels[_GIVEN], levels[_SURNAME]
        if swapped:
            # Names read crosswise: the given-name slot compared one's first name with the other's
            # surname, so the first names themselves are in the surname slot, and vice versa.
            given, surname = _AS_GIVEN[surname], _AS_SURNAME[given]
        if given == MISSING or a.baby or b.baby:
            return out
        direct = given == 1 and not swapped and nickname_direct(a, b)
        if levels[_SEX] == 1 and given not in (0, 1, 2, 4):
            out.append(("sex_and_name", 0.0))
        # A direct nickname is one child's two names (Bill/William), unless the sexes differ: Alex (F)
        # and Alexander (M) born the same day to one family are boy/girl twins as often as a keying error.
        one_name = direct and levels[_SEX] != 1
        if given in (0, 4) or one_name or not 0 <= surname <= 2 or nhs_agrees:
            return out
        if levels[_DOB] != 0:
            if given >= 5 and levels[_DOB] != MISSING and 0 <= levels[_LOCATION] <= 2:
                out.append(("siblings", 0.0))
            return out
        if given >= 5:
            m = self.m
            at_home = 0 <= levels[_LOCATION] <= 2
            joint_m = m["given_name"][given] * m["surname"][surname] * m["date_of_birth"][0]
            replaced = weights[_GIVEN] + weights[_SURNAME] + weights[_DOB]
            if at_home:
                joint_m *= m["location"][levels[_LOCATION]]
                replaced += weights[_LOCATION]
            u_twin = TWIN_SHARE * self.prior / (2 * max(self.match_rate, 1e-6))
            adjust = math.log2(max(_MIN_PROB, joint_m) / max(1e-15, u_twin)) - replaced
            sex = levels[_SEX]
            if sex != MISSING:
                adjust += math.log2(max(_MIN_PROB, self.u["sex"][sex]) / _U_SEX_TWINS[sex])
            out.append(("twins", min(0.0, adjust)))
        elif not (a.middles and b.middles and a.middles[0] == b.middles[0]):
            # A shared middle name corroborates one child whose first name was mis-keyed.
            out.append(("twins_similar", 0.0))
        return out

    def assess(self, a: Features, b: Features) -> tuple[list[int], list[float], list[tuple[str, float]], float, bool]:
        """Return (levels, field weights, rules with their weights, total weight, held) for a pair."""
        levels, override = self._levels(a, b)
        weights = self.field_weights(levels, a)
        rules = self.rules(levels, weights, a, b, swapped=bool(override))
        total = self._prior_weight + sum(weights) + sum(w for _r, w in rules)
        held = bool(rules)
        if held:
            total = min(total, _HOLD_WEIGHT)
        return levels, weights, rules, total, held

    def score(self, a: Features, b: Features) -> tuple[float, float, list[tuple[str, str]]]:
        """Return (match weight, probability, reasons) for a pair of records.

        ``reasons`` has one (field, verdict) per field, then one (rule, "against") per
        evidence-against rule that applied (see :meth:`rules`).
        """
        levels, reasons_override = self._levels(a, b)
        weights = self.field_weights(levels, a)
        weight = self._prior_weight + sum(weights)
        swapped = bool(reasons_override)
        rules = self.rules(levels, weights, a, b, swapped=swapped) if swapped or self._may_hold(levels) else []
        if rules:
            weight = min(weight + sum(w for _r, w in rules), _HOLD_WEIGHT)
        reasons = []
        for i, f in enumerate(FIELDS):
            lvl = levels[i]
            if i in reasons_override:
                reasons.append((f, reasons_override[i]))
            else:
                reasons.append((f, "missing" if lvl == MISSING else REASONS[f][lvl]))
        if a.baby or b.baby:
            reasons[0] = ("given_name", "missing")
        reasons.extend((rule, "against") for rule, _w in rules)
        return weight, probability(weight), reasons

    def probability_held(self, a: Features, b: Features) -> tuple[float, bool]:
        """Return (probability, kept apart) without building reasons.

        Every rule caps the probability; only the rules in :data:`APART_RULES` (evidence of two
        people, not only doubt) also keep the two records out of one cluster.
        """
        levels, override = self._levels(a, b)
        weights = self.field_weights(levels, a)
        weight = self._prior_weight + sum(weights)
        if override or self._may_hold(levels):
            rules = self.rules(levels, weights, a, b, swapped=bool(override))
            if rules:
                apart = any(r in APART_RULES for r, _w in rules)
                return probability(min(weight + sum(w for _r, w in rules), _HOLD_WEIGHT)), apart
        return probability(weight), False

    @staticmethod
    def _may_hold(levels: Sequence[int]) -> bool:
        # Cheap pre-check on the hot path: a rule needs an NHS disagreement, a sex disagreement,
        # dates of birth far apart, the same date of birth with first names that differ, or
        # different first names at one home.
        return (
            levels[_NHS] == 2
            or levels[_SEX] == 1
            or levels[_DOB] == 4
            or (levels[_DOB] == 0 and levels[_GIVEN] > 0)
            or (levels[_GIVEN] >= 5 and 0 <= levels[_LOCATION] <= 2)
        )

    def evidence(self, a: Features, b: Features) -> dict:
        """Return each piece of evidence on a pair with its weight (bits), for a person to read.

        ``{"probability", "weight", "prior", "held", "items": [{"field", "how", "weight", "rule"}]}``:
        one item per field, then one per evidence-against rule.
        """
        weight, prob, reasons = self.score(a, b)
        levels, override = self._levels(a, b)
        weights = self.field_weights(levels, a)
        rules = dict(self.rules(levels, weights, a, b, swapped=bool(override)))
        items = [
            {"field": f, "how": how, "weight": round(weights[i], 2), "rule": False}
            for i, (f, how) in enumerate(reasons[: len(FIELDS)])
        ]
        items.extend(
            {"field": rule, "how": "against", "weight": round(rules.get(rule, 0.0), 2), "rule": True}
            for rule, _how in reasons[len(FIELDS) :]
        )
        return {
            "probability": prob,
            "weight": round(weight, 2),
            "prior": round(self._prior_weight, 2),
            "held": bool(rules),
            "items": items,
        }


def probability(weight: float) -> float:
    """Convert a match weight to a probability."""
    if weight > 60:
        return 1.0
    if weight < -60:
        return 0.0
    odds = 2.0**weight
    return odds / (1 + odds)


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
