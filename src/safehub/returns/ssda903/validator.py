"""Run the DfE's SSDA903 rules (csc-validator-be-903, in its own venv) on a folder of 903 CSVs.

The validator pins pandas < 2, so it lives in tools/ssda903_validator/.venv (made by
tools/ssda903_validator/setup.sh, or ``$SSDA903_VENV``) and is called as a separate process.
"""

from __future__ import annotations

import json
import os
import subprocess  # nosec B404
from dataclasses import dataclass
from pathlib import Path

REPO = Path(__file__).resolve().parents[4]
TOOLS = REPO / "tools" / "ssda903_validator"


# A defect of the validator, not of a return: csc-validator-be-903's 2024-25 rule 146 lists the
# placement code K3 (supported accommodation registered with Ofsted, a code of the DfE's 2024-25
# guide, which the same ruleset's rules 221 and 371 accept) as "k3" in lower case, so every K3
# episode fails it; the 2025-26 ruleset has "K3". Findings it explains are counted and named apart
# on the command's output, still listed as errors: the return is never changed to please the
# validator (writing "k3" would make the DfE's own data wrong).
KNOWN_DEFECTS = {("2024-25", "146"): ("K3", "rule 146 of the validator's 2024-25 ruleset lists K3 as 'k3'")}


class ValidatorUnavailable(RuntimeError):
    """The validator's venv is not there (run tools/ssda903_validator/setup.sh)."""


@dataclass(frozen=True)
class Finding:
    code: str
    message: str
    table: str
    child: str
    row: int


@dataclass(frozen=True)
class Report:
    errors: list[Finding]
    failed_rules: list[str]
    rules_run: int


def venv_python() -> Path:
    return Path(os.environ.get("SSDA903_VENV", TOOLS / ".venv")) / "bin" / "python"


def validate(folder: Path, *, year: str, la_code: str, timeout: int = 900) -> Report:
    """Run the year's ruleset on the CSVs in ``folder`` for the council with ONS code ``la_code``."""
    python = venv_python()
    if not python.exists():
        raise ValidatorUnavailable(f"no SSDA903 validator at {python}: run tools/ssda903_validator/setup.sh")
    result = subprocess.run(  # noqa: S603 - fixed argument list, no shell  # nosec B603
        [str(python), str(TOOLS / "run.py"), str(folder), "--year", year, "--la", la_code],
        capture_output=True,
        text=True,
        check=False,
        timeout=timeout,
    )
    try:
        data = json.loads(result.stdout.strip().splitlines()[-1]) if result.stdout.strip() else {}
    except json.JSONDecodeError:
        data = {}
    if "errors" not in data:
        detail = data.get("error") or (result.stderr.strip().splitlines() or ["no output"])[-1]
        raise ValidatorUnavailable(f"the SSDA903 validator did not run: {detail}")
    return Report(
        errors=[Finding(**e) for e in data["errors"]],
        failed_rules=list(data.get("failed_rules", [])),
        rules_run=int(data.get("rules_run", 0)),
    )


def known_defect(finding: Finding, *, year: str, episodes: list[dict[str, str]]) -> str:
    """Return why ``finding`` is the validator's known defect (see KNOWN_DEFECTS), or "" when it is not.

    ``episodes`` are the episodes table's rows as written; the finding's row is its index there.
    """
    known = KNOWN_DEFECTS.get((year, finding.code))
    if known is None or finding.table != "Episodes" or not 0 <= finding.row < len(episodes):
        return ""
    place, why = known
    return why if episodes[finding.row].get("PLACE") == place else ""
