"""Check the Safeguarding Adults Collection tables on a small fixture with known answers."""

from __future__ import annotations

import csv
from datetime import date
from pathlib import Path

from openpyxl import load_workbook

from safehub.insight.engine import compute_measures, snapshot_from_rows
from safehub.returns.sac.writer import build_sac_return, write_sac_csv, write_sac_xlsx

ROWS = {
    "adult_concerns": [
        # One adult, two concerns, birthday and recorded ethnicity changing in between: counted once.
        {"concern_id": 1, "person_id": 1, "received_date": date(2024, 5, 1), "age_at_concern": 74,
         "sex": "F", "ethnicity": "WBRI"},
        {"concern_id": 2, "person_id": 1, "received_date": date(2024, 11, 1), "age_at_concern": 75,
         "sex": "F", "ethnicity": "WIRI"},
        {"concern_id": 3, "person_id": 2, "received_date": date(2024, 6, 1), "age_at_concern": 88, "sex": "M"},
        {"concern_id": 4, "person_id": 3, "received_date": date(2025, 3, 31), "age_at_concern": 40,
         "sex": "M", "ethnicity": "BAFR"},
        {"concern_id": 5, "person_id": 4, "received_date": date(2024, 3, 31), "age_at_concern": 50},
    ],
    "s42_enquiries": [
        {"enquiry_id": 1, "person_id": 1, "kind": "S42", "started_date": date(2024, 5, 2),
         "concluded_date": date(2024, 8, 1), "risk_types": ["neglect", "financial", "neglect"],
         "lacked_capacity": "yes", "msp": "expressed", "risk_outcome": "reduced"},
        {"enquiry_id": 2, "person_id": 1, "kind": "S42", "started_date": date(2024, 12, 1)},
        {"enquiry_id": 3, "person_id": 2, "kind": "OTHER", "started_date": date(2024, 6, 2)},
        {"enquiry_id": 4, "person_id": 2, "kind": "S42", "started_date": date(2024, 1, 2),
         "concluded_date": date(2024, 4, 1), "risk_types": ["physical"], "risk_outcome": "removed"},
    ],
}  # fmt: skip


def tables() -> dict:
    return build_sac_return(snapshot_from_rows(ROWS), year="2024-25")


def cells(table) -> dict:
    return {row[0]: row[1:] for row in table.rows}


def test_sg1_counts_cases_and_each_adult_once() -> None:
    built = tables()

    assert dict(built["SG1e"].rows) == {"Concerns": 4, "Section 42 enquiries": 2, "Other enquiries": 1}
    assert cells(built["SG1a"])["Total"] == (3, 1, 1)  # adult 1: two concerns, two enquiries, counted once
    assert cells(built["SG1b"])["Unknown"] == (3, 1, 1)  # no person rows in this fixture: sex from the register
    assert "SG1d" not in built  # no support reasons given: left out, not written as zeros


def test_sg1a_total_agrees_with_the_measure() -> None:
    measures = compute_measures(snapshot_from_rows(ROWS), year="2024-25")

    assert cells(tables()["SG1a"])["Total"][0] == measures["adult_individuals_concerns"]


def test_sg2_to_sg4_describe_the_concluded_enquiries() -> None:
    built = tables()

    sg2a = dict(built["SG2a"].rows)
    assert (sg2a["Neglect"], sg2a["Financial"], sg2a["Physical"]) == (1, 1, 1)  # neglect twice: counted once
    assert dict(built["SG2d"].rows)["Reduced"] == 1
    sg3 = {(q, a): n for q, a, n in built["SG3"].rows}
    assert sg3[("Lacked capacity", "Yes")] == 1
    assert sg3[("Lacked capacity", "Not recorded")] == 1
    sg4 = {(q, a): n for q, a, n in built["SG4"].rows}
    assert sg4[("All concluded section 42 enquiries", "Total")] == 2
    assert sg4[("Asked about desired outcomes", "Expressed")] == 1


def test_written_as_xlsx_sheets_and_csv_files(tmp_path: Path) -> None:
    built = tables()

    write_sac_xlsx(built, tmp_path / "sac.xlsx")
    paths = write_sac_csv(built, tmp_path / "csv")

    workbook = load_workbook(tmp_path / "sac.xlsx")
    assert workbook.sheetnames == ["SG1a", "SG1b", "SG1c", "SG1e", "SG2a", "SG2d", "SG3", "SG4"]
    assert workbook["SG1e"]["A2"].value == "Activity"
    assert workbook["SG1e"]["B3"].value == 4
    assert [p.name for p in paths] == [f"{name}.csv" for name in workbook.sheetnames]
    with (tmp_path / "csv" / "SG1e.csv").open(newline="") as handle:
        assert list(csv.reader(handle)) == [
            ["Activity", "Cases"], ["Concerns", "4"], ["Section 42 enquiries", "2"], ["Other enquiries", "1"],
        ]  # fmt: skip
