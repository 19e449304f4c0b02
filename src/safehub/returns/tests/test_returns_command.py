"""``safehub returns cin|sac``: built from an ORM fixture; the CIN file checked by the DfE validator."""

from __future__ import annotations

import json
import os
import subprocess
import xml.etree.ElementTree as ET  # noqa: S405 - parses only files these tests wrote
from datetime import date
from io import StringIO
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command
from openpyxl import load_workbook

from safehub.casework.models import Assessment, ChildProtectionPlan
from safehub.insight.tests.fixtures import make_records
from safehub.returns.cin_census.tests.fixtures import upn

pytestmark = pytest.mark.django_db

REPO = Path(__file__).resolve().parents[4]
CIN_VENV = Path(os.environ.get("CIN_VENV", REPO / ".venv-cin"))


def write_cin(tmp_path: Path) -> tuple[Path, ET.Element, str]:
    records = make_records()
    records.anna.upn = upn("0000101", "852")
    records.anna.disabilities = ["LD"]
    records.anna.save()
    # The census checks what the measures do not: a plan starts on the day of its conference, and
    # an assessment follows its referral.
    ChildProtectionPlan.objects.filter(person=records.anna).update(start_date=date(2024, 7, 22))
    Assessment.objects.filter(person=records.dev, start_date=date(2024, 6, 3)).update(start_date=date(2024, 6, 17))
    out, err = StringIO(), StringIO()
    xml = tmp_path / "cin.xml"
    call_command("returns", "cin", "--year", "2024-25", "--output", str(xml), "--la-code", "852", stdout=out,
                 stderr=err)  # fmt: skip
    return xml, ET.parse(xml).getroot(), err.getvalue()  # noqa: S314 - our own file


def child(root: ET.Element, la_child_id: str) -> ET.Element | None:
    for element in root.iter("Child"):
        if element.findtext("ChildIdentifiers/LAchildID") == la_child_id:
            return element
    return None


def test_cin_census_carries_identifiers_from_the_person_record(tmp_path: Path) -> None:
    xml, root, _ = write_cin(tmp_path)
    records_anna = root.find("Children/Child/ChildIdentifiers/LAchildID")
    assert records_anna is not None

    from safehub.people.models import Person

    anna = Person.objects.get(given_name="Anna")
    element = child(root, str(anna.pk))
    assert element is not None
    assert element.findtext("ChildIdentifiers/UPN") == anna.upn
    assert element.findtext("ChildIdentifiers/PersonBirthDate") == "2014-02-03"
    assert element.findtext("ChildIdentifiers/Sex") == "F"
    assert element.findtext("ChildCharacteristics/Ethnicity") == "WBRI"
    assert [d.text for d in element.iter("Disability")] == ["LD"]
    assert root.findtext("Header/Source/LEA") == "852"
    # Cara's only referral is after the census year: she is not in the return.
    cara = Person.objects.get(given_name="Cara")
    assert child(root, str(cara.pk)) is None


def test_activity_is_not_placed_on_a_no_further_action_referral(tmp_path: Path) -> None:
    _, root, stderr = write_cin(tmp_path)

    from safehub.people.models import Person

    ben = child(root, str(Person.objects.get(given_name="Ben").pk))
    assert ben is not None
    assert ben.findtext("CINdetails/ReferralNFA") == "true"
    assert ben.find("CINdetails/Section47") is None
    assert "left out" in stderr


def _validator_python() -> Path:
    python = CIN_VENV / "bin" / "python"
    if not python.exists():
        setup = REPO / "tools" / "cin_validator" / "setup.sh"
        result = subprocess.run(["bash", str(setup)], capture_output=True, text=True, check=False)
        if result.returncode != 0 or not python.exists():
            pytest.skip(f"cannot create the CIN validator venv at {CIN_VENV}: {result.stderr[-300:]}")
    return python


def test_dfe_validator_finds_no_errors_in_the_return_built_from_records(tmp_path: Path) -> None:
    xml, _, _ = write_cin(tmp_path)
    python = _validator_python()

    result = subprocess.run(
        [str(python), str(REPO / "tools" / "cin_validator" / "validate.py"), str(xml), "--ruleset", "cin2024_25"],
        capture_output=True, text=True, check=True, timeout=300,
    )  # fmt: skip
    report = json.loads(result.stdout)

    errors = [i for i in report["issues"] + report["return_level"] if i["rule_type"] == "ERROR"]
    assert errors == [], [(e["rule_code"], e["child_id"], e["message"][:90]) for e in errors]
    assert report["crashed_rules"] == []


def test_cin_output_must_be_xml(tmp_path: Path) -> None:
    with pytest.raises(CommandError, match=r"\.xml"):
        call_command("returns", "cin", "--year", "2024-25", "--output", str(tmp_path / "cin.txt"), stdout=StringIO())


def test_sac_workbook_has_the_collection_tables(tmp_path: Path) -> None:
    out = tmp_path / "sac.xlsx"

    call_command("returns", "sac", "--year", "2024-25", "--output", str(out), stdout=StringIO())

    workbook = load_workbook(out)
    assert workbook.sheetnames == [
        "SG1a", "SG1b", "SG1c", "SG1d", "SG1e", "SG1f", "SG2a", "SG2b", "SG2c", "SG2e", "SG3a", "SG4a", "SG5a", "SG5b",
    ]  # fmt: skip
    assert workbook["SG1f"]["B2"].value == "Total Number of Safeguarding Concerns"


def test_sac_output_must_be_xlsx_or_a_folder(tmp_path: Path) -> None:
    with pytest.raises(CommandError, match=r"\.xlsx"):
        call_command("returns", "sac", "--year", "2024-25", "--output", str(tmp_path / "sac.ods"), stdout=StringIO())


def test_command_validates_the_return_and_lists_errors_per_child(tmp_path: Path) -> None:
    _validator_python()
    out = StringIO()
    err = StringIO()
    xml = tmp_path / "cin.xml"
    write_cin(tmp_path)  # builds the fixture records
    call_command("returns", "cin", "--year", "2024-25", "--output", str(xml), "--la-code", "852", "--strict",
                 stdout=out, stderr=err)  # fmt: skip
    assert "DfE rules cin2024_25: 0 errors" in out.getvalue()
