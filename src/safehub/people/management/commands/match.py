"""``safehub match``: person matching.

- ``match file INPUT.csv --output OUT.csv``: cluster a file's records (no database, no network);
- ``match dedupe-file INPUT.csv --output OUT.csv --review REVIEW.csv``: the same, with pairs to review;
- ``match dedupe [--no-auto-merge]``: deduplicate the register into the clerical review queue.
"""

import sys

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone


class Command(BaseCommand):
    help = "Person matching: 'file' and 'dedupe-file' for CSV files, 'dedupe' for the register."
    requires_system_checks: list = []

    def add_arguments(self, parser):
        parser.add_argument("action", choices=["file", "dedupe-file", "dedupe"])
        parser.add_argument("rest", nargs="*")
        parser.add_argument("--output")
        parser.add_argument("--review")
        parser.add_argument("--upper", type=float)
        parser.add_argument("--lower", type=float)
        parser.add_argument("--no-auto-merge", action="store_true")

    def handle(self, *args, action, rest, output, review, upper, lower, no_auto_merge, **options):
        if action in ("file", "dedupe-file"):
            from safehub.matching.cli import main

            argv = [action, *rest]
            if output:
                argv += ["--output", output]
            if review:
                argv += ["--review", review]
            if upper is not None:
                argv += ["--upper", str(upper)]
            if lower is not None and action == "dedupe-file":
                argv += ["--lower", str(lower)]
            code = main(argv)
            if code:
                sys.exit(code)
            return
        from safehub.people.merging import register_dedupe

        try:
            summary = register_dedupe(now=timezone.now(), auto_merge=not no_auto_merge)
        except Exception as exc:  # a one-line reason for the operator, as the command contract asks
            raise CommandError(f"dedupe failed: {type(exc).__name__}: {exc}") from exc
        self.stdout.write(
            f"{summary['records']:,} people; {summary['pairs_scored']:,} pairs scored; "
            f"{summary['merged']:,} merged automatically; {summary['queued']:,} pairs queued for review"
        )
