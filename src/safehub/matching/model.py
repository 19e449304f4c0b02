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
from collections.abc import Sequence
from dataclasses import dataclass, field

from safehub.matching.features import (
    FIELDS,
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
