"""``safehub report yearly --year 2024-25 --output DIR``: the yearly report as DIR/report.html and DIR/report.pdf."""

from __future__ import annotations

import time
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from safehub.insight.management.commands._common import check_year, one_line, progress_done, progress_printer
from safehub.insight.report import build_report


class Command(BaseCommand):
    help = "Build the partnership's yearly report (HTML and PDF) from the records and the report's sections."

    def add_arguments(self, parser):
        parser.add_argument("kind", choices=["yearly"])
        parser.add_argument("--year", required=True, help="Financial year such as 2024-25")
        parser.add_argument("--output", required=True, help="Folder to write report.html and report.pdf into")

    def handle(self, *args, kind: str, year: str, output: str, **options):
        check_year(year)
        out = Path(output)
        if out.exists() and not out.is_dir():
            raise CommandError(f"--output {out} exists and is not a folder")
        printer = progress_printer(self.stderr._out)
        started = time.perf_counter()
        try:
            paths = build_report(
                year=year, out=out, now=timezone.now(),
                progress=(lambda percent, message: printer(f"{percent:3d}% {message}")) if printer else None,
            )  # fmt: skip
        except Exception as exc:  # noqa: BLE001 - the contract: a one-line reason, non-zero exit
            progress_done(printer, self.stderr._out)
            raise CommandError(f"report failed: {one_line(exc)}") from exc
        progress_done(printer, self.stderr._out)
        self.stdout.write(f"Yearly report {year} written to {paths['html']} and {paths['pdf']} "
                          f"({time.perf_counter() - started:.1f} s)")  # fmt: skip
