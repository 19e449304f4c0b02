"""``safehub match``: person matching.

- ``match file INPUT.csv --output OUT.csv [--explain EVIDENCE.csv]``: cluster a file's records (no
  database, no network; ``safehub`` runs it before Django is set up);
- ``match dedupe-file INPUT.csv --output OUT.csv --review REVIEW.csv``: the same, with pairs to review;
- ``match dedupe [--no-auto-merge]``: deduplicate the register into the clerical review queue;
- ``match recheck --by USERNAME [--undo --reason TEXT]``: list the register's merges the current
  model would not make (twins, different NHS numbers), and undo them through the audited unmerge.
"""

import sys

from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction
from django.utils import timezone


class Command(BaseCommand):
    help = (
        "Person matching: 'file' and 'dedupe-file' for CSV files, 'dedupe' for the register, "
        "'recheck' for merges the current model would not make."
    )
    requires_system_checks: list = []

    def add_arguments(self, parser):
        parser.add_argument("action", choices=["file", "dedupe-file", "dedupe", "recheck"])
        parser.add_argument("rest", nargs="*")
        parser.add_argument("--output")
        parser.add_argument("--review")
        parser.add_argument("--explain")
        parser.add_argument("--upper", type=float)
        parser.add_argument("--lower", type=float)
        parser.add_argument("--no-auto-merge", action="store_true")
        parser.add_argument("--by", help="recheck: the username acting (needs the merge permission)")
        parser.add_argument("--undo", action="store_true", help="recheck: undo every merge listed")
        parser.add_argument("--merge", type=int, action="append", help="recheck --undo: only these merge ids")
        parser.add_argument("--reason", default="", help="recheck --undo: why the merges were wrong")

    def handle(self, *args, action, rest, output, review, explain, upper, lower, no_auto_merge, **options):
        if action in ("file", "dedupe-file"):
            from safehub.matching.cli import main

            argv = [action, *rest]
            if output:
                argv += ["--output", output]
            if review:
                argv += ["--review", review]
            if explain:
                argv += ["--explain", explain]
            if upper is not None:
                argv += ["--upper", str(upper)]
            if lower is not None and action == "dedupe-file":
                argv += ["--lower", str(lower)]
            code = main(argv)
            if code:
                sys.exit(code)
            return
        if action == "recheck":
            self._recheck(by=options["by"], undo=options["undo"], only=options["merge"], reason=options["reason"])
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

    def _recheck(self, *, by, undo, only, reason):
        from safehub.people.merging import merges_to_recheck, merges_undo

        if not by:
            raise CommandError("recheck needs --by USERNAME: the person checking the merges")
        user = get_user_model().objects.filter(username=by, is_active=True).first()
        if user is None:
            raise CommandError(f"no active user {by!r}")
        if undo and not reason.strip():
            raise CommandError("--undo needs --reason: say why the merges were wrong")
        now = timezone.now()
        try:
            with transaction.atomic():
                rows = merges_to_recheck(by=user, now=now)
                if only:
                    rows = [r for r in rows if r["merge_id"] in set(only)]
                for r in rows:
                    how = "automatic" if r["automatic"] else "by a person"
                    self.stdout.write(
                        f"merge {r['merge_id']} ({how}, {r['merged_at']:%d/%m/%Y}): kept {r['survivor']} "
                        f"({r['survivor_id']}), merged {r['merged']} ({r['merged_id']}); "
                        f"{'the pair alone ' if r.get('group') else 'now '}{100 * r['probability']:.1f}%: {r['why']}"
                    )
                if undo and rows:
                    undone = merges_undo(merge_ids=[r["merge_id"] for r in rows], by=user, now=now, reason=reason)
                    self.stdout.write(f"{undone} merge{'s' if undone != 1 else ''} undone; each unmerge is audited")
                elif not rows:
                    self.stdout.write("every merge in the register is one the current model would make")
                else:
                    self.stdout.write(
                        f"{len(rows)} merge{'s' if len(rows) != 1 else ''} the current model would not make; "
                        "undo with --undo --reason TEXT (or one with --merge ID)"
                    )
        except PermissionDenied as exc:
            raise CommandError(f"{by} may not review merges") from exc
        except ValidationError as exc:
            raise CommandError("; ".join(exc.messages)) from exc
