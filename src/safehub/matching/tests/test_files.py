"""Tests for CSV matching and the command line."""

from __future__ import annotations

import csv
import subprocess
import sys
from pathlib import Path

from safehub.matching import match_file
from safehub.matching.cli import main

ROWS = [
    ("1", "William", "James", "Smith", "2012-03-04", "M", "SO14 3AB", "12 Elm Road", "9434765919"),
    ("2", "Bill", "", "SMITH", "2012-04-03", "M", "SO14 3AB", "12 Elm Rd", ""),
    ("3", "Amina", "", "Hussein", "1988-07-21", "F", "SO17 2XY", "4 Oak Way", ""),
    ("4", "Aminah", "", "Hussain", "1988-07-21", "F", "SO17 2XY", "4 Oak Way", ""),
    ("5", "Peter", "", "Nowak", "", "", "SO19 9ZZ", "1 Quay Street", ""),
    ("6", "Zofia", "", "Kowalska", "1975-01-30", "F", "SO15 5AA", "2 Mill Lane", "9000000001"),
]


def _write(path: Path) -> None:
    with path.open("w", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(
            [
                "record_id",
                "given_name",
                "middle_names",
                "surname",
                "date_of_birth",
                "sex",
                "postcode",
                "address",
                "nhs_number",
            ]
        )
        writer.writerows(ROWS)


def _read(path: Path) -> dict[str, str]:
    with path.open() as handle:
        return {row["record_id"]: row["person_id"] for row in csv.DictReader(handle)}


def test_match_file_groups_the_same_people(tmp_path: Path) -> None:
    source, out = tmp_path / "in.csv", tmp_path / "out.csv"
    _write(source)
    people = match_file(source, out)
    ids = _read(out)
    assert set(ids) == {r[0] for r in ROWS}
    assert ids["1"] == ids["2"]
    # Amina/Aminah share a date of birth, family name and home but no NHS number: one woman
    # spelt two ways, or twins.  The twin rule holds them for a person to decide.
    assert ids["3"] != ids["4"]
    assert len({ids["1"], ids["3"], ids["4"], ids["5"], ids["6"]}) == 5
    assert people == 5


def test_match_file_explain_writes_the_evidence_per_pair(tmp_path: Path) -> None:
    source, out, evidence = tmp_path / "in.csv", tmp_path / "out.csv", tmp_path / "evidence.csv"
    _write(source)
    assert main(["file", str(source), "--output", str(out), "--explain", str(evidence), "--no-progress"]) == 0
    with evidence.open() as handle:
        rows = {(r["record_id_a"], r["record_id_b"]): r for r in csv.DictReader(handle)}
    assert rows[("1", "2")]["decision"] == "same person"
    assert "given_name nickname (+" in rows[("1", "2")]["evidence"]
    assert rows[("3", "4")]["decision"] == "clerical review"
    assert "could be twins" in rows[("3", "4")]["evidence"]
    assert "never merged automatically" in rows[("3", "4")]["evidence"]


def test_cli_gives_one_line_errors_for_bad_input(tmp_path: Path, capsys) -> None:
    bad = tmp_path / "bad.csv"
    bad.write_text("name,dob\nA,2001-01-01\n")
    assert main(["file", str(bad), "--output", str(tmp_path / "o.csv")]) == 2
    assert main(["file", str(tmp_path / "in.csv")]) == 2
    errors = capsys.readouterr().err.strip().splitlines()
    assert len(errors) == 2
    assert "missing column record_id" in errors[0]
    assert "--output" in errors[1]


def test_cli_dedupe_file_writes_output_and_review(tmp_path: Path) -> None:
    source, out, review = tmp_path / "in.csv", tmp_path / "out.csv", tmp_path / "review.csv"
    _write(source)
    assert main(["dedupe-file", str(source), "--output", str(out), "--review", str(review)]) == 0
    assert len(_read(out)) == len(ROWS)
    with review.open() as handle:
        assert next(csv.reader(handle)) == ["record_id_a", "record_id_b", "probability", "reasons"]
    assert main(["file", str(tmp_path / "absent.csv"), "--output", str(out)]) == 2


def test_cli_names_a_missing_file_a_folder_and_an_unwritable_output(tmp_path: Path, capsys) -> None:
    good = tmp_path / "in.csv"
    good.write_text("record_id,given_name,surname\n1,Amelia,Whitfield\n")
    assert main(["file", str(tmp_path / "missing.csv"), "--output", str(tmp_path / "o.csv")]) == 2
    assert main(["file", str(tmp_path), "--output", str(tmp_path / "o.csv")]) == 2
    assert main(["file", str(good), "--output", str(tmp_path / "no" / "o.csv")]) == 2
    assert main(["file", str(good), "--output", str(tmp_path / "o.csv"), "--explain", str(tmp_path)]) == 2
    errors = capsys.readouterr().err.strip().splitlines()
    assert len(errors) == 4
    assert "no such file" in errors[0]
    assert "a folder, not a CSV file" in errors[1]
    assert "cannot write, no folder" in errors[2]
    assert "a folder; give a file name" in errors[3]
    assert not (tmp_path / "o.csv").exists()


_SAFEHUB = str(Path(sys.executable).with_name("safehub"))  # the console script, as a user runs it


def test_match_file_runs_with_no_configuration_at_all(tmp_path: Path) -> None:
    # No DJANGO_SECRET_KEY, no database, nothing but PATH: the command must still work.
    source = tmp_path / "in.csv"
    source.write_text(
        "record_id,given_name,surname,date_of_birth,sex,postcode,nhs_number\n"
        "1,Amelia,Whitfield,2016-04-25,F,SO14 1SF,9434765919\n"
        "2,Amelia,Whitfield,2016-04-25,F,SO14 1SF,9434765919\n"
    )
    clean = {"PATH": "/usr/bin:/bin"}
    run = subprocess.run(  # noqa: S603 - this interpreter, fixed arguments
        [_SAFEHUB, "match", "file", str(source), "--output", str(tmp_path / "out.csv")],
        env=clean,
        cwd=tmp_path,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert run.returncode == 0, run.stderr
    assert "people written" in run.stdout
    rows = list(csv.DictReader((tmp_path / "out.csv").open()))
    assert rows[0]["person_id"] == rows[1]["person_id"]
    missing = subprocess.run(  # noqa: S603
        [_SAFEHUB, "match", "file", "nope.csv", "--output", "o.csv"],
        env=clean,
        cwd=tmp_path,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert missing.returncode == 2
    assert missing.stderr.strip() == "match: nope.csv: no such file"
