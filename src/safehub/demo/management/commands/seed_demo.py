"""``safehub seed_demo --scale N``: the synthetic demo city (never real people). Idempotent."""

from __future__ import annotations

import sys
import time
from importlib import import_module

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from safehub.demo.context import DemoContext

# Each stage is a module with ``seed(ctx)``; order matters (people before contacts...).
STAGES = [
    "safehub.demo.agencies",
    "safehub.demo.people",
    "safehub.demo.frontdoor",
    "safehub.demo.casework",
    "safehub.demo.lookedafter",
    "safehub.demo.pathways",
    "safehub.demo.earlyhelp",
    "safehub.demo.adults",
    "safehub.demo.partnership",
    "safehub.demo.exchange",
    "safehub.demo.insight",
    "safehub.demo.people_matching",
    "safehub.demo.people_seals",
    "safehub.demo.snapshot",
]


class Command(BaseCommand):
    help = "Load a synthetic demo city: agencies, staff, residents and two years of records."

    def add_arguments(self, parser):
        parser.add_argument("--scale", type=float, default=1.0, help="1 = one city (~265,000 people); 50 = a region")
        parser.add_argument("--seed", type=int, default=20251, help="Random seed (same seed, same city)")
        parser.add_argument("--years", type=int, default=2, help="Years of records to generate")
        parser.add_argument("--only", nargs="*", default=None, help="Run only these stages (e.g. people frontdoor)")
        parser.add_argument(
            "--contacts-scale",
            type=float,
            default=None,
            help="Scale of front-door volumes if different from --scale (benchmarks: 70 = 3M contacts)",
        )

    def handle(self, *args, scale: float, seed: int, years: int, only, contacts_scale=None, **options):
        if scale <= 0:
            raise CommandError("--scale must be greater than 0")
        ctx = DemoContext(
            scale=scale,
            seed=seed,
            years=years,
            now=timezone.now(),
            progress=self._progress if sys.stderr.isatty() else None,
        )
        ctx.cache["contacts_scale"] = contacts_scale or scale
        for stage in STAGES:
            name = stage.rsplit(".", 1)[1]
            short = {"people_matching": "matching", "people_seals": "seals"}.get(name, name)
            if only and short not in only:
                continue
            module = import_module(stage)
            started = time.perf_counter()
            summary = module.seed(ctx)
            self.stdout.write(f"{short:12s} {summary or 'done'} ({time.perf_counter() - started:.1f} s)")

    def _progress(self, message: str) -> None:
        sys.stderr.write(f"\r{message:80s}")
        sys.stderr.flush()
