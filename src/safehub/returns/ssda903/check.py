"""The analyst's SSDA903 pre-submission check: the DfE rules' errors and the records' problems, per child.

A check writes the year's tables to a temporary folder, runs the DfE's 903 rules on them and keeps
the findings as JSON in the data folder (``returns/ssda903-<year>.json``), so the page reads the
last check rather than running the rules on every visit; ``safehub returns ssda903`` saves one too.
"""

from __future__ import annotations

import json
import tempfile
from collections import defaultdict
from datetime import datetime
from pathlib import Path

from django.conf import settings

from safehub.returns.ssda903 import writer as ssda903
from safehub.returns.ssda903.validator import Report, validate


def report_path(year: str) -> Path:
    return Path(settings.DATA_DIR) / "returns" / f"ssda903-{year}.json"


def save(year: str, ret: ssda903.Return903, report: Report, *, la_code: str, now: datetime) -> dict:
    data = {
        "year": year,
        "la_code": la_code,
        "checked_at": now.isoformat(),
        "rules_run": report.rules_run,
        "failed_rules": report.failed_rules,
        "counts": ret.counts(),
        "errors": [{"code": e.code, "message": e.message, "table": e.table, "child": e.child} for e in report.errors],
        "problems": [
            {"child": p.child, "table": p.table, "column": p.column, "message": p.message} for p in ret.problems
        ],
    }
    path = report_path(year)
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(data), encoding="utf-8")
    return data


def load(year: str) -> dict | None:
    path = report_path(year)
    if not path.exists():
        return None
    try:
        return json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None


def check_now(year: str, *, la_code: str, now: datetime) -> dict:
    """Build the year's return, run the DfE rules on it and keep the findings (raises ValidatorUnavailable)."""
    ret = ssda903.build(year)
    with tempfile.TemporaryDirectory() as folder:
        ssda903.write(ret, Path(folder))
        report = validate(Path(folder), year=year, la_code=la_code)
    return save(year, ret, report, la_code=la_code, now=now)


def by_child(data: dict) -> list[dict]:
    """The findings grouped by child (903 CHILD is Safehub's person id), most findings first."""
    found: dict[str, list[dict]] = defaultdict(list)
    for e in data.get("errors", []):
        found[e["child"]].append({"kind": "DfE rule " + e["code"], "table": e["table"], "message": e["message"]})
    for p in data.get("problems", []):
        found[p["child"]].append({"kind": "Record problem", "table": p["table"], "message": p["message"]})
    return sorted(
        ({"child": child, "findings": items} for child, items in found.items()),
        key=lambda r: (-len(r["findings"]), r["child"]),
    )
