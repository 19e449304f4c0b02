"""``safehub measures --year 2024-25 --json``: every measure by id, computed from the records."""

from __future__ import annotations

import json
import time

from django.core.management.base import BaseCommand, CommandError

from safehub.insight.engine import compute_measures, measure_definitions
from safehub.insight.management.commands._common import check_year, one_line, progress_done, progress_printer
from safehub.insight.selectors import format_value, population_figures
from safehub.insight.snapshot import build_snapshot, snapshot_save


class Command(BaseCommand):
    help = "Compute every measure for a financial year from the records (JSON with --json)."

    def add_arguments(self, parser):
        parser.add_argument("--year", required=True, help="Financial year such as 2024-25")
        parser.add_argument("--json", action="store_true", help="Print one JSON object: every measure by id")
        parser.add_argument(
            "--save-snapshot",
            action="store_true",
            help="Also write the snapshot as Parquet under var/snapshots/<timestamp>/",
        )
        parser.add_argument("--timings", action="store_true", help="Report snapshot and measure times on stderr")

    def handle(self, *args, year: str, json: bool, save_snapshot: bool, timings: bool, **options):
        check_year(year)
        say = progress_printer(self.stderr._out)
        try:
            started = time.perf_counter()
            snapshot = build_snapshot(progress=say)
            built = time.perf_counter()
            if say:
                say("Computing measures")
            values = compute_measures(snapshot, year=year, population=population_figures())
            computed = time.perf_counter()
            if save_snapshot:
                directory = snapshot_save(snapshot)
                self.stderr.write(f"snapshot written to {directory}")
        except CommandError:
            raise
        except Exception as exc:  # noqa: BLE001 - the contract: a one-line reason, non-zero exit
            progress_done(say, self.stderr._out)
            raise CommandError(f"measures failed: {one_line(exc)}") from exc
        progress_done(say, self.stderr._out)
        if timings:
            self.stderr.write(f"snapshot {built - started:.2f} s, measures {computed - built:.2f} s")
        if json:
            self.stdout.write(_json_dumps(values))
            return
        for measure in measure_definitions():
            self.stdout.write(
                f"{measure.id:55s} {format_value(values[measure.id], measure.unit):>12s}  {measure.title}"
            )


def _json_dumps(values: dict) -> str:
    return json.dumps(values, sort_keys=False)
