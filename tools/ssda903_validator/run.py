"""Run the DfE SSDA903 rules (csc-validator-be-903) on a folder of 903 CSV tables.

Runs inside the validator's own venv (tools/ssda903_validator/.venv), never in Safehub's:
    .venv/bin/python run.py DIR --year 2025-26 --la E06000045

Prints one JSON object: {"errors": [{"code", "message", "table", "child", "row"}...],
"failed_rules": [...], "rules_run": N}. Exit 0 when the rules ran (whatever they found), 2 when the
files could not be read.
"""

from __future__ import annotations

import argparse
import importlib
import json
import logging
import sys
from pathlib import Path

# The 903 tables by file name; other CSVs in the folder (e.g. problems.csv) are not the return's.
TABLE_FILES = {
    "header",
    "episodes",
    "reviews",
    "uasc",
    "oc2",
    "oc3",
    "ad1",
    "placed_for_adoption",
    "previous_permanence",
    "missing",
    "social_worker_episodes",
    "dolo",
    "sw_episodes",
}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("folder")
    parser.add_argument("--year", required=True, help="collection year, e.g. 2025-26")
    parser.add_argument("--la", required=True, help="the council's ONS code, e.g. E06000045")
    args = parser.parse_args(argv)
    logging.disable(logging.CRITICAL)  # the package logs every rule at INFO; keep stdout to the JSON

    from lac_validator import lac_validator
    from lac_validator.types import UploadError

    start, end = args.year.split("-")
    ruleset = f"lac{start}_{end}"
    try:
        registry = importlib.import_module(f"lac_validator.rules.{ruleset}").registry
    except ModuleNotFoundError:
        print(json.dumps({"error": f"no ruleset {ruleset} in this validator"}))
        return 2
    files = [
        {"name": p.name, "file_content": p.read_bytes(), "description": "This year"}
        for p in sorted(Path(args.folder).glob("*.csv"))
        if p.stem.lower() in TABLE_FILES
    ]
    # collectionYear is the year of the 31 March that ends the collection ("2026" for 2025-26).
    metadata = {"collectionYear": str(int(start) + 1), "localAuthority": args.la}
    try:
        v = lac_validator.LacValidator(metadata=metadata, files=files, registry=registry, selected_rules=None)
    except UploadError as exc:
        print(json.dumps({"error": str(exc)}))
        return 2
    errors = []
    for table, df in v.ds_results.items():
        if table == "metadata" or not hasattr(df, "columns"):
            continue
        for col in [c for c in df.columns if str(c).startswith("ERR_")]:
            code = col[4:]
            for row_id, row in df[df[col] == True].iterrows():  # noqa: E712 - pandas mask
                errors.append(
                    {
                        "code": code,
                        "message": registry[code].message if code in registry else "",
                        "table": table,
                        "child": str(row.get("CHILD", "")),
                        "row": int(row_id),
                    }
                )
    print(json.dumps({"errors": errors, "failed_rules": v.fails, "rules_run": len(v.dones)}))
    return 0


if __name__ == "__main__":
    sys.exit(main())
