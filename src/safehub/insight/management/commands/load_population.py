"""``safehub load_population PATH.csv``: headline population figures or an age-band table."""

from __future__ import annotations

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from safehub.core.actors import command_line
from safehub.insight.services import population_load, population_parse


class Command(BaseCommand):
    help = "Load population figures: 'measure,value,note' (headline) or 'age_from,age_to,value[,as_of_year][,note]'."

    def add_arguments(self, parser):
        parser.add_argument("path")
        parser.add_argument("--source", default="", help="Where the figures come from (shown beside them)")

    def handle(self, *args, path: str, source: str, **options):
        csv_path = Path(path)
        if not csv_path.is_file():
            raise CommandError(f"no file {csv_path}")
        try:
            rows, errors = population_parse(csv_path)
        except (OSError, UnicodeDecodeError) as exc:
            raise CommandError(f"cannot read {csv_path}: {exc}") from exc
        for error in errors:
            self.stderr.write(str(error))
        if not rows:
            raise CommandError(f"no population figures loaded from {csv_path} ({len(errors)} problems)")
        result = population_load(rows=rows, source=source or csv_path.name, by=command_line(), now=timezone.now())
        self.stdout.write(f"{result.created} figures added, {result.updated} updated, {len(errors)} rows rejected")
