"""``safehub returns cin|sac --year 2024-25 --output FILE``: statutory returns from the records."""

from __future__ import annotations

import os
from datetime import UTC, datetime
from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from safehub.casework.census import census_children
from safehub.core.calendar import financial_year
from safehub.insight.management.commands._common import check_year, one_line, progress_done, progress_printer
from safehub.insight.snapshot import build_snapshot
from safehub.returns.cin_census import selectors
from safehub.returns.cin_census.writer import build_cin_xml
from safehub.returns.sac.records import sac_details
from safehub.returns.sac.writer import build_sac_return, write_sac_csv, write_sac_xlsx

DEFAULT_LA_CODE = "852"  # the demo city's DfE local authority code; set SAFEHUB_LA_CODE in settings


class Command(BaseCommand):
    help = "Write a statutory return: the DfE CIN census XML (cin) or the Safeguarding Adults Collection (sac)."

    def add_arguments(self, parser):
        parser.add_argument("kind", choices=["cin", "sac", "ssda903"])
        parser.add_argument("--year", required=True, help="Collection year such as 2024-25")
        parser.add_argument("--output", required=True, help="FILE.xml (cin), FILE.xlsx or a folder for CSVs (sac)")
        parser.add_argument("--la-code", default=None, help="DfE local authority code (cin)")
        parser.add_argument(
            "--no-validate",
            action="store_true",
            help="cin: skip the DfE rules (they run from .venv-cin when it exists)",
        )
        parser.add_argument("--strict", action="store_true", help="cin: exit non-zero when the DfE rules find errors")
        parser.add_argument(
            "--child-id",
            choices=["id", "reference"],
            default="id",
            help="LAchildID from the person id (default) or their reference",
        )

    def handle(self, *args, kind: str, year: str, output: str, la_code: str | None, child_id: str, **options):
        self._validate, self._strict = not options.get("no_validate"), bool(options.get("strict"))
        check_year(year)
        if kind == "ssda903":  # children looked after: lookedafter's writer, a folder of the DfE's CSV tables
            from safehub.returns.ssda903.command import run as ssda903

            ssda903(year=year, output=output, check=self._validate, strict=self._strict, stdout=self.stdout,
                    stderr=self.stderr)  # fmt: skip
            return
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
        start, end = financial_year(year)
        if say:
            say("Reading census identifiers")
        referrals = snapshot["referrals"]
        # Every child-in-need episode open in the year, referred or imported (issue 18).
        person_ids = census_children(
            start=start, end=end, referred=(p for p in referrals.column("person_id").to_pylist() if p is not None)
        )
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
        summary = f"CIN census {year} written to {out} ({len(notes)} records left out)"
        if self._validate:
            summary += "; " + self._cin_validate(out, year)
        return summary

    def _cin_validate(self, out: Path, year: str) -> str:
        """Run the DfE rules (csc-validator-be-cin, its own venv) and list errors per child."""
        import json
        import subprocess  # noqa: S404 - a fixed command in the project's own venv

        root = Path(settings.BASE_DIR)
        python = Path(os.environ.get("CIN_VENV", root / ".venv-cin")) / "bin" / "python"
        if not python.exists():
            return "not validated (run tools/cin_validator/setup.sh to install the DfE rules)"
        ruleset = "cin" + year.replace("-", "_")
        result = subprocess.run(  # noqa: S603 - fixed arguments
            [str(python), str(root / "tools" / "cin_validator" / "validate.py"), str(out), "--ruleset", ruleset],
            capture_output=True,
            text=True,
            timeout=900,
        )
        if result.returncode != 0:
            last = (result.stderr or result.stdout).strip().splitlines()[-1:] or ["no output"]
            return f"not validated: the validator failed ({last[0][:200]})"
        found = json.loads(result.stdout)
        errors = [i for i in found["issues"] if i["rule_type"] == "ERROR"]
        queries = [i for i in found["issues"] if i["rule_type"] != "ERROR"]
        for issue in sorted(errors, key=lambda i: (i["child_id"] or "", i["rule_code"]))[:200]:
            self.stderr.write(f"error: child {issue['child_id']}: rule {issue['rule_code']}: {issue['message']}")
        if len(errors) > 200:
            self.stderr.write(f"error: {len(errors) - 200} more")
        verdict = f"DfE rules {ruleset}: {len(errors)} errors, {len(queries)} queries"
        if errors and self._strict:
            raise CommandError(verdict)
        return verdict

    def _sac(self, year, out: Path, say) -> str:
        """The SAC in the year's template layout (SG1a-f, SG2a-c and e, SG3a, SG4a), as ``safehub adults_sac``."""
        if out.suffix and out.suffix.lower() != ".xlsx":
            raise CommandError("--output for the SAC must be a .xlsx file or a folder for CSV files")
        snapshot = build_snapshot(progress=say)
        if say:
            say("Counting the SAC tables")
        tables = build_sac_return(snapshot, year=year, details=sac_details())
        if out.suffix:
            write_sac_xlsx(tables, out)
        else:
            write_sac_csv(tables, out)
        return f"Safeguarding Adults Collection {year} written to {out} ({', '.join(tables)})"
