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

    assert cells(built["SG1f"])["Total"] == (4, 2, 1)  # concerns, section 42 and other enquiries
    assert cells(built["SG1a"])["Total"] == (3, 1, 1)  # adult 1: two concerns, two enquiries, counted once
    assert cells(built["SG1b"])["Not Known"] == (3, 1, 1)  # no person rows in this fixture: sex from the register
    assert cells(built["SG1d"])["Total"] == (None, None, None)  # no support reasons given: blank, not zeros


def test_sg1a_total_agrees_with_the_measure() -> None:
    measures = compute_measures(snapshot_from_rows(ROWS), year="2024-25")

    assert cells(tables()["SG1a"])["Total"][0] == measures["adult_individuals_concerns"]


def test_sg2_to_sg4_describe_the_concluded_enquiries() -> None:
    built = tables()

    sg2a = cells(built["SG2a"])  # the total column: each enquiry once per type
    assert (sg2a["Neglect and Acts of Omission"][-1], sg2a["Financial or Material Abuse"][-1]) == (1, 1)
    assert sg2a["Physical Abuse"][-1] == 1  # neglect recorded twice: counted once
    assert dict(built["SG2e"].rows)["Risk reduced"] == 1
    assert built["SG3a"].rows == (("Concluded Section 42 Enquiries", 1, 0, 0, 1),)
    assert built["SG4a"].rows == (("Concluded Section 42 Enquiries", 1, 0, 0, 0, 1),)


def test_written_as_xlsx_sheets_and_csv_files(tmp_path: Path) -> None:
    built = tables()

    write_sac_xlsx(built, tmp_path / "sac.xlsx")
    paths = write_sac_csv(built, tmp_path / "csv")

    workbook = load_workbook(tmp_path / "sac.xlsx")
    assert workbook.sheetnames == [
        "SG1a", "SG1b", "SG1c", "SG1d", "SG1e", "SG1f", "SG2a", "SG2b", "SG2c", "SG2e", "SG3a", "SG4a", "SG5a", "SG5b",
    ]  # fmt: skip
    assert workbook["SG1f"]["B2"].value == "Total Number of Safeguarding Concerns"
    assert workbook["SG1f"]["B3"].value == 4
    assert [p.name for p in paths] == [f"{name}.csv" for name in workbook.sheetnames]
    with (tmp_path / "csv" / "SG1f.csv").open(newline="") as handle:
        assert list(csv.reader(handle)) == [
            ["Cases", "Total Number of Safeguarding Concerns", "Total Number of Section 42 Safeguarding Enquiries",
             "Total Number of Other Safeguarding Enquiries"],
            ["Total", "4", "2", "1"],
        ]  # fmt: skip
