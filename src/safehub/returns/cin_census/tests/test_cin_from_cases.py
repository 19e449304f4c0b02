"""The CIN census of a generated demo year, from its case records, through the DfE's own rules.

A small demo city (agencies, people, front door, casework) is generated for a fixed date; the
return for its last whole year must leave no record out and pass csc-validator-be-cin with 0 errors.
"""

from __future__ import annotations

import json
import os
import subprocess
import xml.etree.ElementTree as ET  # noqa: S405 - parses only files these tests wrote
from datetime import UTC, datetime
from io import StringIO
from pathlib import Path

import pytest
from django.core.management import call_command

from safehub.demo.context import DemoContext

REPO = Path(__file__).resolve().parents[5]
CIN_VENV = Path(os.environ.get("CIN_VENV", REPO / ".venv-cin"))
DEMO_NOW = datetime(2026, 11, 2, 10, tzinfo=UTC)


def _validator() -> Path:
    python = CIN_VENV / "bin" / "python"
    if not python.exists():
        result = subprocess.run(  # noqa: S603 - the project's own set-up script
            ["bash", str(REPO / "tools" / "cin_validator" / "setup.sh")],  # noqa: S607
            capture_output=True,
            text=True,
            check=False,
        )
        if result.returncode != 0 or not python.exists():
            pytest.skip(f"cannot create the CIN validator venv at {CIN_VENV}: {result.stderr[-300:]}")
    return python


def _small_demo() -> DemoContext:
    from importlib import import_module

    ctx = DemoContext(scale=0.03, seed=20251, years=2, now=DEMO_NOW, progress=None)
    ctx.cache["contacts_scale"] = 0.03
    for stage in ("agencies", "people", "frontdoor", "casework"):
        import_module(f"safehub.demo.{stage}").seed(ctx)
    return ctx


@pytest.mark.django_db
def test_generated_year_gives_zero_dfe_errors_and_leaves_nothing_out(tmp_path: Path) -> None:
    python = _validator()
    ctx = _small_demo()
    from safehub.casework.models import CaseEpisode, ChildProtectionPlan, Section47

    # Every plan the records saw begin was made by an initial conference held that day (DfE rule 2885):
    # a plan whose enquiry was dropped as overlapping another is dropped with it.
    conferences = set(Section47.objects.filter(icpc_date__isnull=False).values_list("person_id", "icpc_date"))
    begun = ChildProtectionPlan.objects.filter(start_date__gte=ctx.start).values_list("person_id", "start_date")
    assert begun and all(plan in conferences for plan in begun)
    assert CaseEpisode.objects.filter(closure_date__isnull=False).exists()
    assert CaseEpisode.objects.filter(closure_date__isnull=True).exists()
    xml = tmp_path / "cin.xml"
    out, err = StringIO(), StringIO()
    call_command("returns", "cin", "--year", "2025-26", "--output", str(xml), "--no-validate", stdout=out, stderr=err)
    assert "(0 records left out)" in out.getvalue(), err.getvalue()[-2000:]
    root = ET.parse(xml).getroot()  # noqa: S314 - our own file
    assert len(root.findall("Children/Child")) > 20
    result = subprocess.run(  # noqa: S603 - fixed arguments
        [str(python), str(REPO / "tools" / "cin_validator" / "validate.py"), str(xml), "--ruleset", "cin2025_26"],
        capture_output=True,
        text=True,
        timeout=900,
        check=True,
    )
    found = json.loads(result.stdout)
    errors = [i for i in found["issues"] if i["rule_type"] == "ERROR"]
    assert errors == [], errors[:10]
    assert found["crashed_rules"] == []
