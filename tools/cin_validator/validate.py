"""Validate a CIN census XML file with the DfE rules and print the issues as JSON.

Run with the separate environment made by setup.sh (it needs pandas 1.5):

    .venv-cin/bin/python tools/cin_validator/validate.py FILE.xml [--ruleset cin2024_25]

Prints {"ruleset", "issues": [...], "return_level": [...], "crashed_rules": [...]}; each issue has
rule_code, rule_type (ERROR or QUERY), message, child_id, table and column. Exits 0 whatever it
finds: the caller decides what an acceptable file is.
"""

from __future__ import annotations

import argparse
import contextlib
import importlib
import io
import json
import re
import sys
import xml.etree.ElementTree as ET  # noqa: S405 - the file is one we wrote ourselves

from cin_validator import cin_validator


def _rule_types(registry) -> dict[str, str]:
    return {str(code): rule.rule_type.name for code, rule in registry.items()}


def main() -> int:
    """Run every rule of a ruleset on one file and print what they found."""
    parser = argparse.ArgumentParser()
    parser.add_argument("xml")
    parser.add_argument("--ruleset", default="cin2024_25")
    args = parser.parse_args()

    root = ET.parse(args.xml).getroot()  # noqa: S314 - see above
    tables = cin_validator.process_data(cin_validator.convert_data(root))
    registry = importlib.import_module(f"cin_validator.rules.{args.ruleset}").registry
    captured = io.StringIO()
    with contextlib.redirect_stdout(captured):
        validator = cin_validator.CinValidator(tables, registry)
    types = _rule_types(registry)

    issues = []
    for row in validator.full_issue_df.to_dict("records"):
        code = str(row.get("rule_code"))
        issues.append(
            {
                "rule_code": code,
                "rule_type": types.get(code, "UNKNOWN"),
                "message": str(row.get("rule_description")),
                "child_id": None if row.get("child_id") is None else str(row.get("child_id")),
                "table": str(row.get("tables_affected")),
                "column": str(row.get("columns_affected")),
            }
        )
    return_level = [
        {"rule_code": str(r["rule_code"]), "rule_type": types.get(str(r["rule_code"]), "UNKNOWN"),
         "message": str(r["rule_description"])}
        for r in validator.multichild_issues.drop_duplicates().to_dict("records")
    ]  # fmt: skip
    crashed = re.findall(r"Error with rule (\S+): (.*)", captured.getvalue())
    json.dump(
        {
            "ruleset": args.ruleset,
            "issues": issues,
            "return_level": return_level,
            "crashed_rules": [{"rule_code": c, "error": e} for c, e in crashed],
        },
        sys.stdout,
        indent=1,
    )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
