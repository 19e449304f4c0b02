"""The SSDA903 return of a generated demo year, through the DfE's own 903 rules.

A small demo city (agencies, people, front door, casework, looked after) is generated for a fixed
date; the return for its last whole year (2025-26) must pass csc-validator-be-903 with 0 errors.
"""

from __future__ import annotations

import csv
import subprocess
from datetime import UTC, datetime
from importlib import import_module
from io import StringIO
from pathlib import Path

import pytest
from django.core.management import call_command

from safehub.demo.context import DemoContext
from safehub.returns.ssda903 import writer as ssda903
from safehub.returns.ssda903.validator import TOOLS, validate, venv_python

DEMO_NOW = datetime(2026, 11, 2, 10, tzinfo=UTC)


def _validator() -> None:
    if not venv_python().exists():
        result = subprocess.run(  # noqa: S603 - the project's own set-up script
            ["bash", str(TOOLS / "setup.sh")],  # noqa: S607
            capture_output=True,
            text=True,
            check=False,
        )
        if result.returncode != 0 or not venv_python().exists():
            pytest.skip(f"cannot create the SSDA903 validator venv: {result.stderr[-300:]}")


def _small_demo() -> None:
    ctx = DemoContext(scale=0.03, seed=20251, years=2, now=DEMO_NOW, progress=None)
    ctx.cache["contacts_scale"] = 0.03
    for stage in ("agencies", "people", "frontdoor", "casework", "lookedafter"):
        import_module(f"safehub.demo.{stage}").seed(ctx)


@pytest.mark.django_db
def test_generated_year_passes_the_dfe_903_rules(tmp_path: Path) -> None:
    _validator()
    _small_demo()
    out = StringIO()
    call_command("ssda903", "--year", "2025-26", "--output", str(tmp_path), "--no-validate", stdout=out)
    with (tmp_path / "episodes.csv").open() as fh:
        rows = list(csv.DictReader(fh))
    assert len(rows) > 20
    assert {r["RNE"] for r in rows} >= {"S", "P", "L"}
    with (tmp_path / "header.csv").open() as fh:
        assert next(csv.reader(fh)) == ssda903.COLUMNS["header"]

    report = validate(tmp_path, year="2025-26", la_code="E06000045")

    assert report.rules_run > 100
    assert [(e.code, e.table, e.child) for e in report.errors] == []
