"""``safehub returns cin|sac --year 2024-25 --output FILE``: statutory returns from the records."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from safehub.core.calendar import financial_year
from safehub.insight import selectors
from safehub.insight.management.commands._common import check_year, one_line, progress_done, progress_printer
from safehub.insight.returns.cin_census import build_cin_xml
from safehub.insight.returns.sac import build_sac_tables, write_sac_csv, write_sac_xlsx
from safehub.insight.snapshot import build_snapshot

DEFAULT_LA_CODE = "852"  # the demo city's DfE local authority code; set SAFEHUB_LA_CODE in settings


class Command(BaseCommand):
    help = "Write a statutory return: the DfE CIN census XML (cin) or the Safeguarding Adults Collection (sac)."

    def add_arguments(self, parser):
        parser.add_argument("kind", choices=["cin", "sac"])
        parser.add_argument("--year", required=True, help="Collection year such as 2024-25")
        parser.add_argument("--output", required=True, help="FILE.xml (cin), FILE.xlsx or a folder for CSVs (sac)")
        parser.add_argument("--la-code", default=None, help="DfE local authority code (cin)")
        parser.add_argument("--child-id", choices=["id", "reference"], default="id",
                            help="LAchildID from the person id (default) or their reference")

    def handle(self, *args, kind: str, year: str, output: str, la_code: str | None, child_id: str, **options):
        check_year(year)
        out = Path(output)
        say = progress_printer(self.stderr._out)
        try:
            summary = self._cin(year, out, la_code, child_id, say) if kind == "cin" else self._sac(year, out, say)
        except CommandError:
            progress_done(say, self.stderr._out)
            raise
        except Exception as exc:  # noqa: BLE001 - the contract: a one-line reason, non-zero exit
            progress_done(say, self.stderr._out)
            raise CommandError(f"returns {kind} failed: {one_line(exc)}") from exc
        progress_done(say, self.stderr._out)
        self.stdout.write(summary)

    def _cin(self, year, out: Path, la_code, child_id, say) -> str:
        if out.suffix.lower() != ".xml":
            raise CommandError("--output for the CIN census must be a .xml file")
        snapshot = build_snapshot(raw_sources=True, progress=say)
        _, end = financial_year(year)
        if say:
            say("Reading census identifiers")
        referrals = snapshot["referrals"]
        person_ids = sorted({p for p in referrals.column("person_id").to_pylist() if p is not None})
        children = selectors.cin_children(person_ids=person_ids, reference_date=end, id_field=child_id)
        episodes = selectors.cin_episodes(referral_ids=referrals.column("referral_id").to_pylist())
        if say:
            say("Writing the census XML")
        code = la_code or getattr(settings, "SAFEHUB_LA_CODE", DEFAULT_LA_CODE)
        notes = build_cin_xml(snapshot, children, year=year, la_code=code, out=out, episodes=episodes,
                              generated_at=datetime.now(UTC))  # fmt: skip
        for note in notes[:20]:
            self.stderr.write(f"note: {note}")
        if len(notes) > 20:
            self.stderr.write(f"note: {len(notes) - 20} more records left out")
        return f"CIN census {year} written to {out} ({len(notes)} records left out)"

    def _sac(self, year, out: Path, say) -> str:
        snapshot = build_snapshot(progress=say)
        if say:
            say("Counting the SAC tables")
        tables = build_sac_tables(snapshot, year=year)
        if out.suffix.lower() == ".xlsx":
            write_sac_xlsx(tables, out)
        elif out.suffix:
            raise CommandError("--output for the SAC must be a .xlsx file or a folder for CSV files")
        else:
            write_sac_csv(tables, out)
        return f"Safeguarding Adults Collection {year} written to {out} ({', '.join(tables)})"
