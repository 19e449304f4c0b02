"""``safehub adults_sac --year 2025-26 --output sac.xlsx``: the Safeguarding Adults Collection return.

The tables are laid out as the year's SAC template (``returns.sac.writer.build_sac_return``),
with the locations, sources and advocacy the engine's snapshot does not carry yet.
"""

from __future__ import annotations

import re
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from safehub.insight.snapshot import build_snapshot
from safehub.returns.sac.records import sac_details
from safehub.returns.sac.writer import build_sac_return, write_sac_csv, write_sac_xlsx


class Command(BaseCommand):
    help = "Write the Safeguarding Adults Collection (SAC) return for a financial year, as XLSX or CSV files."

    def add_arguments(self, parser):
        parser.add_argument("--year", required=True, help="Financial year, e.g. 2025-26")
        parser.add_argument("--output", required=True, help="A .xlsx file, or a folder for one CSV file per table")

    def handle(self, *args, year: str, output: str, **options):
        if not re.fullmatch(r"\d{4}-\d{2}", year or "") or (int(year[:4]) + 1) % 100 != int(year[5:]):
            raise CommandError(f"--year must be a financial year such as 2025-26, not {year!r}")
        out = Path(output)
        if out.suffix and out.suffix.lower() != ".xlsx":
            raise CommandError("--output must be a .xlsx file or a folder for CSV files")
        tables = build_sac_return(build_snapshot(), year=year, details=sac_details())
        try:
            if out.suffix:
                write_sac_xlsx(tables, out)
            else:
                write_sac_csv(tables, out)
        except OSError as exc:
            raise CommandError(f"cannot write {out}: {exc.strerror or exc}") from exc
        self.stdout.write(f"Safeguarding Adults Collection {year} written to {out} ({', '.join(tables)})")
