"""The SAC workbook's layout against the collection's own lists (sources: the writer's docstring).

The expected labels are written out here, not imported from the writer, so that a change to a
label, an order or a table in the writer fails a test: NHS England's publication code reads the
submitted cells by these table references, row and column names.
"""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest
from openpyxl import load_workbook

from safehub.insight.engine import snapshot_from_rows
from safehub.returns.sac.writer import VOLUNTARY_FILL, build_sac_return, write_sac_csv, write_sac_xlsx

SHEETS = [
    "SG1a",
    "SG1b",
    "SG1c",
    "SG1d",
    "SG1e",
    "SG1f",
    "SG2a",
    "SG2b",
    "SG2c",
    "SG2e",
    "SG3a",
    "SG4a",
    "SG5a",
    "SG5b",
]
INDIVIDUALS = [
    "Individuals Involved In Safeguarding Concerns",
    "Individuals Involved In Section 42 Safeguarding Enquiries",
    "Individuals Involved In Other Safeguarding Enquiries",
]
CASES = ["Safeguarding Concerns", "Section 42 Safeguarding Enquiries", "Other Safeguarding Enquiries"]
SOURCES = ["Service Provider", "Other - Known to individual", "Other - Unknown to individual"]
ROWS = {
    "SG1a": ["18-64", "65-74", "75-84", "85-94", "95+", "Age unknown", "Total"],
    "SG1b": ["Male", "Female", "Not Known", "Total"],
    "SG1c": ["White", "Mixed / Multiple", "Asian / Asian British", "Black / African / Caribbean / Black British",
             "Other Ethnic Group", "Refused", "Undeclared / Not Known", "Total"],
    "SG1d": ["Physical Support", "Sensory Support", "Support with Memory and Cognition", "Learning Disability Support",
             "Mental Health Support", "Social Support", "No Support Reason", "Not Known", "Total"],
    "SG1e": ["Learning, Developmental or Intellectual Disability (Autism excluding Asperger's Syndrome/ High "
             "Functioning Autism)",
             "Learning, Developmental or Intellectual Disability (Asperger's Syndrome/ High Functioning Autism)"],
    "SG1f": ["Total"],
    "SG2a": ["Physical Abuse", "Sexual Abuse", "Psychological Abuse", "Financial or Material Abuse",
             "Discriminatory Abuse", "Organisational Abuse", "Neglect and Acts of Omission", "Domestic Abuse",
             "Sexual Exploitation", "Modern Slavery", "Self-Neglect"],
    "SG2b": ["Own Home", "In the Community", "Community Service", "Care Home - Nursing", "Care Home - Residential",
             "Hospital - Acute", "Hospital - Mental Health", "Hospital - Community", "Other", "Total"],
    "SG2c": ["Risk identified and action taken", "Risk identified and no action taken",
             "Risk Assessment inconclusive and action taken", "Risk Assessment inconclusive and no action taken",
             "No risk identified and action taken", "No risk identified and no action taken",
             "Enquiry ceased at individual's request and no action taken"],
    "SG2e": ["Risk remained", "Risk reduced", "Risk removed"],
    "SG3a": ["Concluded Section 42 Enquiries"],
    "SG4a": ["Concluded Section 42 Enquiries"],
    "SG5a": ["Count of Safeguarding Adult Reviews"],
    "SG5b": ["Count of Individuals Involved in Safeguarding Adult Reviews"],
}  # fmt: skip
HEADINGS = {
    "SG1a": INDIVIDUALS, "SG1b": INDIVIDUALS, "SG1c": INDIVIDUALS, "SG1d": CASES, "SG1e": CASES,
    "SG1f": ["Total Number of Safeguarding Concerns", "Total Number of Section 42 Safeguarding Enquiries",
             "Total Number of Other Safeguarding Enquiries"],
    "SG2a": [*SOURCES, "Total"], "SG2b": [*SOURCES, "Total"],
    "SG2c": ["Concluded Section 42 Enquiries"], "SG2e": ["Concluded Section 42 Enquiries"],
    "SG3a": ["Yes, they lacked capacity", "No, they did not lack capacity", "Don't know", "Not recorded"],
    "SG4a": ["Yes they were asked and outcomes were expressed", "Yes they were asked but no outcomes were expressed",
             "No", "Don't Know", "Not Recorded"],
    "SG5a": ["Where one or more individuals died", "Where no individuals died"],
    "SG5b": ["Who suffered serious harm and died", "Who suffered serious harm and survived"],
}  # fmt: skip
SECOND_BLOCK = {
    "SG3a": ["Of the enquiries recorded as Yes, in how many of these cases was support provided by an advocate, "
             "family or friend"],
    "SG4a": ["Fully Achieved", "Partially Achieved", "Not Achieved"],
}  # fmt: skip
# Blue (voluntary) columns, by heading; every other count column is white (mandatory).
VOLUNTARY = {
    "SG1a": {INDIVIDUALS[0], INDIVIDUALS[2]}, "SG1b": {INDIVIDUALS[0], INDIVIDUALS[2]},
    "SG1c": {INDIVIDUALS[0], INDIVIDUALS[2]}, "SG1d": {CASES[0], CASES[2]}, "SG1e": {CASES[0], CASES[2]},
    "SG1f": {"Total Number of Other Safeguarding Enquiries"},
    "SG4a": set(HEADINGS["SG4a"]) | set(SECOND_BLOCK["SG4a"]),
}  # fmt: skip

FIXTURE = {
    "persons": [{"person_id": 1, "sex": "F", "date_of_birth": date(1950, 1, 10), "ethnicity": "WBRI"}],
    "adult_concerns": [{"concern_id": 1, "person_id": 1, "received_date": date(2024, 5, 1)}],
    "s42_enquiries": [
        {"enquiry_id": 1, "person_id": 1, "concern_id": 1, "kind": "S42", "started_date": date(2024, 5, 2),
         "concluded_date": date(2024, 8, 1), "risk_types": ["neglect"], "risk_outcome": "reduced",
         "lacked_capacity": "yes", "msp": "expressed", "outcomes_achieved": "fully",
         "risk_locations": ["care_home"]},  # recorded before the care home sub-types
    ],
}  # fmt: skip


@pytest.fixture(scope="module")
def book(tmp_path_factory) -> tuple:
    out = tmp_path_factory.mktemp("sac") / "sac.xlsx"
    write_sac_xlsx(build_sac_return(snapshot_from_rows(FIXTURE), year="2024-25"), out)
    return load_workbook(out), out


def _blocks(sheet) -> list[tuple[list, list[list]]]:
    """Split a sheet (after its title) into blocks of (headings, rows), stopping at the notes."""
    blocks: list[tuple[list, list[list]]] = []
    current: list[list] = []
    for row in sheet.iter_rows(min_row=2, values_only=True):
        values = list(row)
        while values and values[-1] is None:  # the sheet's width is its widest block's
            values.pop()
        if not values:
            if current:
                blocks.append((current[0], current[1:]))
            current = []
        elif isinstance(values[0], str) and values[0].startswith("Note: "):
            break
        else:
            current.append(values)
    if current:
        blocks.append((current[0], current[1:]))
    return blocks


def test_one_sheet_per_template_table_in_order(book) -> None:
    workbook, _ = book
    assert workbook.sheetnames == SHEETS
    for name in SHEETS:
        assert workbook[name]["A1"].value.startswith(f"{name} - "), name


@pytest.mark.parametrize("name", SHEETS)
def test_headings_and_category_order_are_the_collections(book, name: str) -> None:
    workbook, _ = book
    blocks = _blocks(workbook[name])
    headings, rows = blocks[0]
    assert [h for h in headings[1:] if h is not None] == HEADINGS[name]
    assert [r[0] for r in rows] == ROWS[name]
    if name in SECOND_BLOCK:
        assert len(blocks) == 2
        assert blocks[1][0][1:] == SECOND_BLOCK[name]
        assert [r[0] for r in blocks[1][1]] == ROWS[name]
    else:
        assert len(blocks) == 1


@pytest.mark.parametrize("name", SHEETS)
def test_voluntary_cells_blue_and_mandatory_white(book, name: str) -> None:
    workbook, _ = book
    sheet = workbook[name]
    blue = VOLUNTARY_FILL.fgColor.rgb[-6:]
    heading_row = 2
    checked = 0
    for row in sheet.iter_rows(min_row=2):
        first = row[0].value
        if isinstance(first, str) and first.startswith("Note: "):
            break
        if all(c.value is None for c in row):
            heading_row = row[0].row + 1
            continue
        if row[0].row == heading_row:
            continue
        for cell in row[1:]:
            heading = sheet.cell(heading_row, cell.column).value
            if heading is None:
                continue
            shaded = cell.fill.fgColor.rgb is not None and str(cell.fill.fgColor.rgb).endswith(blue)
            assert shaded == (heading in VOLUNTARY.get(name, set())), (name, cell.coordinate, heading)
            checked += 1
    assert checked > 0


def test_cells_the_records_cannot_fill_are_blank_with_a_note(book) -> None:
    workbook, _ = book
    sg2b = workbook["SG2b"]
    rows = {r[0]: r[1:] for r in _blocks(sg2b)[0][1]}
    # The generic care home is in no sub-type row (a real zero: no enquiry recorded one) but in a note.
    assert rows["Care Home - Nursing"] == rows["Care Home - Residential"] == [0, 0, 0, 0]
    assert rows["Own Home"] == [0, 0, 0, 0]
    notes = [r[0] for r in sg2b.iter_rows(values_only=True) if isinstance(r[0], str) and r[0].startswith("Note: ")]
    assert any("records a care home, not saying nursing or residential" in n for n in notes)
    sg2c = {r[0]: (r + [None])[1] for r in _blocks(workbook["SG2c"])[0][1]}
    assert sg2c["Risk identified and action taken"] == 1
    assert sg2c["Enquiry ceased at individual's request and no action taken"] == 0  # recorded: a real zero
    assert [r[1:] for r in _blocks(workbook["SG1e"])[0][1]] == [[], []]


def test_csv_has_the_same_blocks_and_labels(book, tmp_path: Path) -> None:
    import csv

    tables = build_sac_return(snapshot_from_rows(FIXTURE), year="2024-25")
    paths = write_sac_csv(tables, tmp_path)
    assert [p.stem for p in paths] == SHEETS
    with (tmp_path / "SG3a.csv").open(newline="") as handle:
        lines = list(csv.reader(handle))
    assert lines[0] == ["Did the individual lack capacity?", *HEADINGS["SG3a"]]
    assert lines[1] == ["Concluded Section 42 Enquiries", "1", "0", "0", "0"]
    assert lines[2] == []
    assert lines[3][1:] == SECOND_BLOCK["SG3a"]
    with (tmp_path / "SG1f.csv").open(newline="") as handle:
        assert list(csv.reader(handle))[:2] == [["Cases", *HEADINGS["SG1f"]], ["Total", "1", "1", "0"]]
