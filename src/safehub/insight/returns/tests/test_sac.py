"""Check the Safeguarding Adults Collection tables on a small fixture with known answers."""

from __future__ import annotations

import csv
from datetime import date
from pathlib import Path

from openpyxl import load_workbook

from safehub.insight.engine import compute_measures, snapshot_from_rows
from safehub.insight.returns.sac import build_sac_tables, write_sac_csv, write_sac_xlsx

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
    return build_sac_tables(snapshot_from_rows(ROWS), year="2024-25")


def test_sg1_and_sg2_count_concerns_and_individuals_once() -> None:
    built = tables()

    sg2 = {row[0]: row[1:] for row in built["SG2"].rows}

    assert built["SG1"].rows == (("Concerns received", 4),)
    assert built["SG2"].columns == ("Age band", "Male", "Female", "Unknown", "Total")
    assert sg2["65-74"] == (0, 1, 0, 1)
    assert sg2["75-84"] == (0, 0, 0, 0)
    assert sg2["85+"] == (1, 0, 0, 1)
    assert sg2["18-64"] == (1, 0, 0, 1)
    assert sg2["Total"] == (2, 1, 0, 3)
    assert dict(built["SG2e"].rows) == {"BAFR": 1, "Not known": 1, "WBRI": 1}


def test_sg2_total_agrees_with_the_measure() -> None:
    measures = compute_measures(snapshot_from_rows(ROWS), year="2024-25")

    total = {row[0]: row[-1] for row in tables()["SG2"].rows}["Total"]

    assert total == measures["adult_individuals_concerns"]


def test_sg3_and_sg4_enquiries() -> None:
    built = tables()

    sg4 = {(row[0], row[1]): row[2] for row in built["SG4"].rows}

    assert built["SG3"].rows == (("Section 42", 2, 1), ("Other enquiry", 1, 1))
    assert sg4[("Total", "All concluded section 42 enquiries")] == 2
    assert sg4[("Type of risk", "Neglect")] == 1
    assert sg4[("Type of risk", "Financial")] == 1
    assert sg4[("Type of risk", "Physical")] == 1
    assert sg4[("Risk outcome", "Reduced")] == 1
    assert sg4[("Lacked capacity", "Not recorded")] == 1
    assert sg4[("Making Safeguarding Personal", "Expressed")] == 1


def test_written_as_xlsx_sheets_and_csv_files(tmp_path: Path) -> None:
    built = tables()

    write_sac_xlsx(built, tmp_path / "sac.xlsx")
    paths = write_sac_csv(built, tmp_path / "csv")

    workbook = load_workbook(tmp_path / "sac.xlsx")
    assert workbook.sheetnames == ["SG1", "SG2", "SG2e", "SG3", "SG4"]
    assert workbook["SG1"]["A2"].value == "Measure"
    assert workbook["SG1"]["B3"].value == 4
    assert [p.name for p in paths] == ["SG1.csv", "SG2.csv", "SG2e.csv", "SG3.csv", "SG4.csv"]
    with (tmp_path / "csv" / "SG3.csv").open(newline="") as handle:
        assert list(csv.reader(handle)) == [
            ["Enquiry", "Cases", "Individuals"], ["Section 42", "2", "1"], ["Other enquiry", "1", "1"],
        ]  # fmt: skip
