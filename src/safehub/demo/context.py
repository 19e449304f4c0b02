"""Shared state for the demo generator's stages."""

from __future__ import annotations

import random
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, datetime

DEMO_PASSWORD = "safehub-demo-2025"  # noqa: S105 - published demo password, demo mode only


@dataclass
class DemoContext:
    scale: float
    seed: int
    years: int
    now: datetime
    progress: Callable[[str], None] | None = None
    cache: dict = field(default_factory=dict)

    def rng(self, stage: str) -> random.Random:
        """Return a generator seeded per stage, so stages are reproducible on their own."""
        return random.Random(f"{self.seed}:{stage}")

    @property
    def today(self) -> date:
        return self.now.date()

    @property
    def start(self) -> date:
        """The first day of the records: ``years`` full years before today."""
        return date(self.today.year - self.years, self.today.month, 1)

    def say(self, message: str) -> None:
        if self.progress:
            self.progress(message)
