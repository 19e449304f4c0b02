"""Check the CIN census XML: its content on a fixture, and the DfE validator's verdict on it."""

from __future__ import annotations

import json
import os
import subprocess
import xml.etree.ElementTree as ET  # noqa: S405 - parses only files these tests wrote
from dataclasses import replace
from datetime import UTC, date, datetime
from pathlib import Path

import pytest

from safehub.returns.cin_census.writer import build_cin_xml, referral_source_code

from .fixtures import CHILDREN, EPISODES, LA_CODE, ROWS, fixture_snapshot

REPO = Path(__file__).resolve().parents[5]
CIN_VENV = Path(os.environ.get("CIN_VENV", REPO / ".venv-cin"))
GENERATED_AT = datetime(2025, 5, 1, 9, tzinfo=UTC)


def build(tmp_path: Path, children: dict = CHILDREN) -> tuple[Path, ET.Element, list[str]]:
    out = tmp_path / "cin.xml"
    notes = build_cin_xml(
        fixture_snapshot(), children, year="2024-25", la_code=LA_CODE, out=out, episodes=EPISODES,
        generated_at=GENERATED_AT,
    )  # fmt: skip
    return out, ET.parse(out).getroot(), notes  # noqa: S314 - our own file


def child(root: ET.Element, la_child_id: str) -> ET.Element:
    for element in root.iter("Child"):
        if element.findtext("ChildIdentifiers/LAchildID") == la_child_id:
            return element
    raise AssertionError(f"no child {la_child_id}")


def test_header_names_the_census_year_and_authority(tmp_path: Path) -> None:
    _, root, notes = build(tmp_path)

    assert root.findtext("Header/CollectionDetails/Collection") == "CIN"
    assert root.findtext("Header/CollectionDetails/Year") == "2025"
    assert root.findtext("Header/CollectionDetails/ReferenceDate") == "2025-03-31"
    assert root.findtext("Header/Source/LEA") == LA_CODE
    assert root.findtext("Header/Source/DateTime") == "2025-05-01T09:00:00"
    assert notes == []


def test_no_further_action_referral_closes_on_its_own_date(tmp_path: Path) -> None:
    _, root, _ = build(tmp_path)

    episodes = child(root, "C000002").findall("CINdetails")

    assert [e.findtext("CINreferralDate") for e in episodes] == ["2024-04-15", "2024-09-02"]
    assert episodes[0].findtext("ReferralNFA") == "true"
    assert episodes[0].findtext("CINclosureDate") == "2024-04-15"
    assert episodes[0].findtext("ReasonForClosure") == "RC7"
    assert episodes[0].find("PrimaryNeedCode") is None
    assert episodes[1].findtext("ReferralSource") == "3F"
    assert episodes[1].findtext("CINPlanDates/CINPlanStartDate") == "2024-10-21"
    assert episodes[1].find("CINclosureDate") is None


def test_unborn_child_has_expected_birth_date_sex_u_and_plan(tmp_path: Path) -> None:
    _, root, _ = build(tmp_path)

    unborn = child(root, "C000003")

    assert unborn.findtext("ChildIdentifiers/ExpectedPersonBirthDate") == "2025-06-30"
    assert unborn.find("ChildIdentifiers/PersonBirthDate") is None
    assert unborn.findtext("ChildIdentifiers/Sex") == "U"
    assert unborn.findtext("ChildIdentifiers/UPNunknown") == "UN1"
    assert unborn.find("ChildCharacteristics/Disabilities") is None
    assert unborn.findtext("CINdetails/ChildProtectionPlans/InitialCategoryOfAbuse") == "EMO"


def test_open_assessment_has_no_end_date_or_factors_and_s47_without_conference(tmp_path: Path) -> None:
    _, root, _ = build(tmp_path)

    episode = child(root, "C000005").find("CINdetails")
    assert episode is not None

    assert episode.findtext("Assessments/AssessmentActualStartDate") == "2025-02-04"
    assert episode.find("Assessments/AssessmentAuthorisationDate") is None
    assert episode.find("Assessments/FactorsIdentifiedAtAssessment") is None
    assert episode.findtext("Section47/ICPCnotRequired") == "true"
    assert episode.findtext("Section47/InitialCPCtarget") == "2025-02-26"
    # The plan that ended in 2022 is before the census year: not returned.
    assert episode.find("ChildProtectionPlans") is None


def test_episode_from_last_year_closed_in_year_is_returned(tmp_path: Path) -> None:
    _, root, _ = build(tmp_path)

    episode = child(root, "C000004").find("CINdetails")
    assert episode is not None

    assert episode.findtext("CINreferralDate") == "2024-02-12"
    assert episode.findtext("Assessments/AssessmentAuthorisationDate") == "2024-04-12"
    assert [f.text for f in episode.iter("AssessmentFactors")] == ["21"]


def test_previous_plans_are_counted_and_children_without_episodes_left_out(tmp_path: Path) -> None:
    rows_children = {**CHILDREN, 99: replace(CHILDREN[1], la_child_id="C000099")}
    _, root, _ = build(tmp_path, rows_children)

    plan = child(root, "C000001").find("CINdetails/ChildProtectionPlans")
    assert plan is not None

    assert plan.findtext("NumberOfPreviousCPP") == "0"
    assert plan.findtext("CPPendDate") == "2025-01-15"
    assert len(root.findall("Children/Child")) == len({r["person_id"] for r in ROWS["referrals"]})


def test_referral_sources_map_to_census_codes() -> None:
    assert referral_source_code("police") == "6"
    assert referral_source_code("school") == "2A"
    assert referral_source_code("3E") == "3E"
    assert referral_source_code(None) == "10"
    assert referral_source_code("carrier pigeon") == "8"


def _validator_python() -> Path:
    python = CIN_VENV / "bin" / "python"
    if not python.exists():
        setup = REPO / "tools" / "cin_validator" / "setup.sh"
        result = subprocess.run(["bash", str(setup)], capture_output=True, text=True, check=False)
        if result.returncode != 0 or not python.exists():
            pytest.skip(f"cannot create the CIN validator venv at {CIN_VENV}: {result.stderr[-500:]}")
    return python


def _validate(xml: Path) -> dict:
    python = _validator_python()
    script = REPO / "tools" / "cin_validator" / "validate.py"
    result = subprocess.run(
        [str(python), str(script), str(xml), "--ruleset", "cin2024_25"],
        capture_output=True, text=True, check=True, timeout=300,
    )  # fmt: skip
    return json.loads(result.stdout)


def test_dfe_validator_finds_no_errors_in_the_fixture_return(tmp_path: Path) -> None:
    xml, _, _ = build(tmp_path)

    report = _validate(xml)

    errors = [i for i in report["issues"] + report["return_level"] if i["rule_type"] == "ERROR"]
    assert errors == []
    assert report["crashed_rules"] == []
    assert report["issues"] == []
    # 2887Q (fewer than 8 disability codes in the return) is a return-level query that this
    # validator version raises for every return: its rule keeps only the NONE rows before counting.
    assert {i["rule_code"] for i in report["return_level"]} <= {"2887Q"}


def test_dfe_validator_reports_a_broken_return(tmp_path: Path) -> None:
    xml, root, _ = build(tmp_path)
    first = root.find("Children/Child/ChildCharacteristics/Ethnicity")
    assert first is not None
    first.text = "XXXX"
    conference = root.find("Children/Child/CINdetails/Section47/DateOfInitialCPC")
    assert conference is not None
    conference.text = date(2024, 6, 1).isoformat()  # a Saturday
    ET.ElementTree(root).write(xml, encoding="utf-8", xml_declaration=True)

    report = _validate(xml)

    codes = {i["rule_code"] for i in report["issues"] if i["rule_type"] == "ERROR"}
    assert {"4220", "8875"} <= codes
