"""``safehub load_comparators PATH.csv``: measure values elsewhere (measure_id,comparator,year,value[,source])."""

from __future__ import annotations

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from safehub.core.actors import command_line
from safehub.insight.services import comparators_load, comparators_parse


class Command(BaseCommand):
    help = "Load comparator values (e.g. England, statistical neighbours) for peer comparison."

    def add_arguments(self, parser):
        parser.add_argument("path")
        parser.add_argument("--source", default="", help="Where the figures come from, when the file has no source")

    def handle(self, *args, path: str, source: str, **options):
        csv_path = Path(path)
        if not csv_path.is_file():
            raise CommandError(f"no file {csv_path}")
        try:
            rows, errors = comparators_parse(csv_path)
        except (OSError, UnicodeDecodeError) as exc:
            raise CommandError(f"cannot read {csv_path}: {exc}") from exc
        for error in errors:
            self.stderr.write(str(error))
        if not rows:
            raise CommandError(f"no comparator values loaded from {csv_path} ({len(errors)} problems)")
        result = comparators_load(rows=rows, source=source or csv_path.name, by=command_line(), now=timezone.now())
        self.stdout.write(f"{result.created} values added, {result.updated} updated, {len(errors)} rows rejected")
