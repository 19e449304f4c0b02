"""Weighted random choice from name lists: Zipf-shaped ranks, explicit weights, or (value, weight) pairs."""

from __future__ import annotations

import bisect
import random
from collections.abc import Sequence


class _Picker:
    """Pick from a weighted list in O(log n) with a cumulative table."""

    __slots__ = ("values", "cum", "total")

    def __init__(self, values: Sequence[str], weights: Sequence[float]) -> None:
        self.values = list(values)
        self.cum: list[float] = []
        running = 0.0
        for w in weights:
            running += w
            self.cum.append(running)
        self.total = running

    def pick(self, rng: random.Random) -> str:
        """Return one value, chosen in proportion to its weight."""
        return self.values[bisect.bisect_right(self.cum, rng.random() * self.total)]


def _zipf_picker(spec: str, k: float) -> _Picker:
    """Build a picker from a rank-ordered 'Name Name:weight ...' spec with Zipf-like weights."""
    values: list[str] = []
    weights: list[float] = []
    for rank, token in enumerate(spec.split()):
        name, _, explicit = token.partition(":")
        values.append(name.replace("_", " "))
        weights.append(float(explicit) if explicit else 10.0 * k / (rank + k))
    return _Picker(values, weights)


def _pairs_picker(pairs: Sequence[tuple[str, float]] | dict[str, float]) -> _Picker:
    items = list(pairs.items()) if isinstance(pairs, dict) else list(pairs)
    return _Picker([v for v, _ in items], [w for _, w in items])


def _explicit_picker(spec: str) -> _Picker:
    """Build a picker from 'Value:weight ...' (weight 1 when omitted)."""
    values, weights = [], []
    for token in spec.split():
        name, _, explicit = token.partition(":")
        values.append(name.replace("_", " "))
        weights.append(float(explicit) if explicit else 1.0)
    return _Picker(values, weights)
