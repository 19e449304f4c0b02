"""The Ofsted Annex A lists (inspections from 2023), described declaratively.

One ``ListSpec`` per list: its columns (heading as in Ofsted's template, what the column holds, whether
it may be blank, its code list), the natural key (shared/formats/measures.md), and the name of the
binding that maps rows to and from Safehub's records (bindings.py). Lists without a binding are
exported with their headings and reported, not imported, until Safehub holds those records.
"""

from __future__ import annotations

import contextlib
import dataclasses
import re
from dataclasses import dataclass
from datetime import date

from safehub.returns.annex_a import cells
from safehub.returns.annex_a.codes import (
    CATEGORY_OF_ABUSE,
    CLOSURE_REASON,
    ETHNICITY,
    GENDER,
    LEGAL_STATUS,
    NEED_CODE,
    SOURCE,
    YES_NO,
    YES_NO_UNKNOWN,
    CodeList,
    norm,
)

_CACHE_LIMIT = 250_000
KEPT = " (a warning to resolve: the row was imported without this value)"


@dataclass(eq=False)
class Column:
    heading: str
    field: str
    kind: str = "text"  # id | code | date | int | text
    required: bool = False
    codes: CodeList | None = None
    derived: bool = False  # Safehub works it out on export; an imported value is checked, not stored
    aliases: tuple[str, ...] = ()  # other exact spellings of the heading
    words: tuple[tuple[str, ...], ...] = ()  # a heading holding all these words matches (checked last)
    # dataclasses.field, qualified: the ``field`` attribute above shadows the bare name for type checkers
    _memo: dict = dataclasses.field(default_factory=dict, repr=False)

    def parse(self, raw: object) -> cells.Parsed:
        """Read one cell; blank is (None, None) or a 'blank' problem when the column is required."""
        # Memoised by type and value: 1, 1.0 and True are equal dictionary keys but different cells.
        key = raw if raw.__class__ is str else (raw.__class__, raw)
        try:
            return self._memo[key]
        except (KeyError, TypeError):
            pass
        if cells.is_blank(raw):
            result: cells.Parsed = None, (f"{self.heading} is blank: it must be given" if self.required else None)
            if raw.__class__ is not str:
                return result  # None or NaN: NaN is not equal to itself, so not worth keeping
        else:
            result = self._parse(raw)
        if len(self._memo) < _CACHE_LIMIT:
            with contextlib.suppress(TypeError):
                self._memo[key] = result
        return result

    def _parse(self, raw: object) -> cells.Parsed:
        if self.kind == "date":
            value, problem = cells.parse_date(raw)
            if isinstance(value, date) and not (date(1900, 1, 1) <= value <= date(2100, 12, 31)):
                return None, "The date is outside 1900 to 2100"
            return value, problem
        if self.kind == "int":
            return cells.parse_int(raw)
        if self.kind == "id":
            return cells.parse_id(raw)
        if self.kind == "code":
            assert self.codes is not None
            found = self.codes.parse(cells.to_text(raw))
            if found is None:
                return None, f"Not one of the {self.heading} values (e.g. {self.codes.codes[0].label})"
            return found, None
        return cells.parse_text(raw)

    def write(self, value: object) -> object:
        """Return the cell Safehub writes for a value (template labels, dates as dates)."""
        if value is None or value == "":
            return None
        if self.kind == "code" and self.codes is not None:
            return self.codes.label_of.get(value, value)
        return value

    def header_keys(self) -> set[str]:
        return {norm(self.heading), *(norm(a) for a in self.aliases)}


@dataclass
class ListSpec:
    number: int
    title: str
    columns: list[Column]
    key: tuple[str, ...] = ()
    binding: str = ""
    ordered: tuple[tuple[str, str], ...] = ()  # (earlier, later) dates that must not be reversed
    # Keep a row whose odd cell is not its child or key: the cell is dropped and reported as a warning.
    keep_odd_rows: bool = False

    @property
    def sheet_name(self) -> str:
        return f"List {self.number}"

    def column(self, field_name: str) -> Column:
        return next(c for c in self.columns if c.field == field_name)

    def match_headers(self, headers: list[object]) -> tuple[dict[int, Column], list[str]]:
        """Map each header cell to a column; return the mapping and the problems (missing headings)."""
        mapping: dict[int, Column] = {}
        taken: set[int] = set()
        keys = [norm(cells.to_text(h)) for h in headers]
        for stage in ("exact", "words"):
            for column in self.columns:
                if id(column) in taken:
                    continue
                for index, key in enumerate(keys):
                    if index in mapping or not key:
                        continue
                    tokens = set(key.split())
                    hit = (
                        key in column.header_keys()
                        if stage == "exact"
                        else any(set(ws) <= tokens for ws in column.words)
                    )
                    if hit:
                        mapping[index] = column
                        taken.add(id(column))
                        break
        problems = [
            f"No column for '{c.heading}'"
            for c in self.columns
            if id(c) not in taken and (c.required or c.field in self.key)
        ]
        return mapping, problems

    def parse_row(self, mapping: dict[int, Column], row: tuple) -> tuple[dict, list[tuple[Column, object, str]], bool]:
        """Return (values by field, problems, rejected). A row is rejected when a stored cell is wrong."""
        values: dict = {}
        problems: list[tuple[Column, object, str]] = []
        rejected = False
        width = len(row)
        for index, column in mapping.items():
            raw = row[index] if index < width else None
            value, problem = column.parse(raw)
            if problem:
                kept = self.keep_odd_rows and not column.derived and column.field not in ("child_id", *self.key)
                problems.append((column, raw, f"{problem}{KEPT}" if kept else problem))
                rejected = rejected or not (column.derived or kept)
            elif not column.derived:
                values[column.field] = value
        return values, problems, rejected

    def header_row_score(self, headers: list[object]) -> int:
        mapping, _ = self.match_headers(headers)
        return len(mapping)


# Column builders: the shared child columns, then each list's own.
def _child_columns(disability: bool = False, uasc: str = "") -> list[Column]:
    cols = [
        Column(
            "Child Unique ID",
            "child_id",
            "id",
            required=True,
            aliases=("Child ID", "ChildID", "Unique Child ID", "CHILD UNIQUE ID"),
            words=(("child", "id"),),
        ),
        Column(
            "Gender",
            "gender",
            "code",
            required=True,
            codes=GENDER,
            aliases=("Sex", "Gender/Sex"),
            words=(("gender",), ("sex",)),
        ),
        Column("Ethnicity", "ethnicity", "code", required=True, codes=ETHNICITY, words=(("ethnic",), ("ethnicity",))),
        Column("Date of Birth", "date_of_birth", "date", aliases=("DOB", "Birth date"), words=(("date", "birth"),)),
        Column("Age of Child (Years)", "age", "int", derived=True, aliases=("Age",), words=(("age", "child"),)),
    ]
    if uasc:
        cols.append(Column(uasc, "uasc", "code", codes=YES_NO, words=(("unaccompanied", "asylum"),)))
    if disability:
        cols.append(
            Column(
                "Does the Child have a Disability", "disability", "code", codes=YES_NO_UNKNOWN, words=(("disability",),)
            )
        )
    return cols


def _team() -> list[Column]:
    return [
        Column("Allocated Team", "allocated_team", "text", words=(("allocated", "team"),)),
        Column("Allocated Worker", "allocated_worker", "text", words=(("allocated", "worker"),)),
    ]


def _date(heading: str, field_name: str, required: bool = False, *words: tuple[str, ...]) -> Column:
    return Column(heading, field_name, "date", required=required, words=tuple(words))


def _yn(heading: str, field_name: str, codes: CodeList = YES_NO, *words: tuple[str, ...]) -> Column:
    return Column(heading, field_name, "code", codes=codes, words=tuple(words))


def _int(heading: str, field_name: str, derived: bool = False, *words: tuple[str, ...]) -> Column:
    return Column(heading, field_name, "int", derived=derived, words=tuple(words))


def _text(heading: str, field_name: str) -> Column:
    return Column(heading, field_name, "text")


LISTS: dict[int, ListSpec] = {
    spec.number: spec
    for spec in [
        ListSpec(
            1,
            "Contacts",
            [
                *_child_columns(),
                _date("Date of Contact", "contact_date", True, ("date", "contact")),
                Column(
                    "Contact Source",
                    "source",
                    "code",
                    required=True,
                    codes=SOURCE,
                    aliases=("Source of contact", "Source"),
                    words=(("contact", "source"), ("source",)),
                ),
            ],
            key=("child_id", "contact_date", "source"),
            binding="contacts",
        ),
        ListSpec(
            2,
            "Early help assessments",
            [
                *_child_columns(),
                _date("Assessment start date", "start_date", True, ("assessment", "start")),
                _date("Assessment completion date", "completion_date", False, ("assessment", "completion")),
                _text("Organisation completing assessment", "organisation"),
            ],
            key=("child_id", "start_date"),
            binding="early_help",
            keep_odd_rows=True,
            ordered=(("start_date", "completion_date"),),
        ),
        ListSpec(
            3,
            "Referrals",
            [
                *_child_columns(),
                _date("Date of referral", "referral_date", True, ("date", "referral")),
                Column(
                    "Referral Source",
                    "source",
                    "code",
                    required=True,
                    codes=SOURCE,
                    aliases=("Source of referral", "Source"),
                    words=(("referral", "source"), ("source",)),
                ),
                Column(
                    "Referral NFA?",
                    "nfa",
                    "code",
                    required=True,
                    codes=YES_NO,
                    aliases=("Referral NFA", "NFA"),
                    words=(("nfa",),),
                ),
                _int("Number of Referrals in Last 12 Months", "referrals_12m", True, ("number", "referrals")),
                *_team(),
            ],
            key=("child_id", "referral_date", "source"),
            binding="referrals",
        ),
        ListSpec(
            4,
            "Assessments",
            [
                *_child_columns(disability=True),
                _date("Continuous Assessment Start Date", "start_date", True, ("assessment", "start")),
                _yn("Child Seen During Continuous Assessment", "child_seen", YES_NO_UNKNOWN, ("child", "seen")),
                _date(
                    "Continuous Assessment Date of Authorisation",
                    "authorised_date",
                    False,
                    ("assessment", "authorisation"),
                ),
                _yn(
                    "Was the child assessed as requiring LA children's social care support?",
                    "requires_support",
                    YES_NO_UNKNOWN,
                    ("assessed", "requiring"),
                ),
                *_team(),
            ],
            key=("child_id", "start_date"),
            binding="assessments",
            ordered=(("start_date", "authorised_date"),),
        ),
        ListSpec(
            5,
            "Section 47 enquiries and ICPCs",
            [
                *_child_columns(disability=True),
                _date(
                    "Strategy discussion initiating Section 47 Enquiry Start Date",
                    "strategy_date",
                    True,
                    ("strategy", "discussion"),
                ),
                _yn(
                    "Was an Initial Child Protection Conference deemed unnecessary?",
                    "icpc_unnecessary",
                    YES_NO,
                    ("deemed", "unnecessary"),
                ),
                _date(
                    "Date of Initial Child Protection Conference", "icpc_date", False, ("date", "initial", "conference")
                ),
                _yn(
                    "Did the Initial Child Protection Conference Result in a Child Protection Plan",
                    "icpc_plan",
                    YES_NO,
                    ("result", "plan"),
                ),
                _int(
                    "Number of Section 47 Enquiries in the last 12 months", "s47_12m", True, ("number", "section", "47")
                ),
                _int("Number of ICPCs in the last 12 months", "icpc_12m", True, ("number", "icpcs")),
                *_team(),
            ],
            key=("child_id", "strategy_date"),
            binding="section47",
            ordered=(("strategy_date", "icpc_date"),),
        ),
        ListSpec(
            6,
            "Children in need",
            [
                *_child_columns(disability=True),
                _date("CIN Start Date", "start_date", True, ("cin", "start")),
                Column("Primary Need Code", "need", "code", codes=NEED_CODE, words=(("primary", "need"),)),
                _date("Date Child Was Last Seen", "last_seen_date", False, ("last", "seen")),
                _date("CIN Closure Date", "closure_date", False, ("cin", "closure")),
                Column(
                    "Reason for Closure", "closure_reason", "code", codes=CLOSURE_REASON, words=(("reason", "closure"),)
                ),
                _text("Case Status", "case_status"),
                *_team(),
            ],
            key=("child_id", "start_date"),
            binding="cin",
            ordered=(("start_date", "closure_date"),),
            keep_odd_rows=True,
        ),
        ListSpec(
            7,
            "Child protection plans",
            [
                *_child_columns(disability=True),
                _date("Child Protection Plan Start Date", "start_date", True, ("plan", "start")),
                Column(
                    "Initial Category of Abuse",
                    "initial_category",
                    "code",
                    required=True,
                    codes=CATEGORY_OF_ABUSE,
                    words=(("initial", "category"),),
                ),
                Column(
                    "Latest Category of Abuse",
                    "latest_category",
                    "code",
                    codes=CATEGORY_OF_ABUSE,
                    words=(("latest", "category"),),
                ),
                _date("Date of the Last Statutory Visit", "last_visit_date", False, ("last", "statutory", "visit")),
                _yn("Was the Child Seen Alone?", "seen_alone", YES_NO_UNKNOWN, ("seen", "alone")),
                _date("Date of latest review conference", "review_date", False, ("review", "conference")),
                _date("Child Protection Plan End Date", "end_date", False, ("plan", "end")),
                _yn(
                    "Subject to Emergency Protection Order or Protected Under Police Powers in Last Six Months (Y/N)",
                    "epo",
                    YES_NO,
                    ("emergency", "protection", "order"),
                ),
                _int("Number of Previous Child Protection Plans", "previous_plans", True, ("number", "previous")),
                *_team(),
            ],
            key=("child_id", "start_date"),
            binding="cp_plans",
            ordered=(("start_date", "end_date"),),
            keep_odd_rows=True,
        ),
        ListSpec(
            8,
            "Children looked after",
            [
                *_child_columns(
                    disability=True, uasc="Unaccompanied Asylum Seeking Child (UASC) within the Last 12 Months (Y/N)"
                ),
                _date("Date Started to be Looked After", "start_date", True, ("started", "looked", "after")),
                Column("Child's Category of Need", "need", "code", codes=NEED_CODE, words=(("category", "need"),)),
                _yn(
                    "Is this a second or subsequent period of being a Looked After Child within the last 12 months (Y/N)",
                    "second_period",
                    YES_NO,
                    ("second", "subsequent"),
                ),
                _date("Start date of current legal status", "legal_status_date", False, ("current", "legal", "status")),
                Column(
                    "Child's Legal Status",
                    "legal_status",
                    "code",
                    codes=LEGAL_STATUS,
                    words=(("child", "legal", "status"),),
                ),
                _date("Date of Latest Statutory Review", "review_date", False, ("latest", "statutory", "review")),
                _date("Date of Last Social Work Visit", "visit_date", False, ("social", "work", "visit")),
                _text("What is the permanence plan for this child?", "permanence_plan"),
                _date("Date of Last IRO Visit / Contact to the Child", "iro_date", False, ("iro",)),
                _date("Date of Last Health Assessment", "health_date", False, ("health", "assessment")),
                _date("Date of Last Dental Check", "dental_date", False, ("dental",)),
                _int("Number of Placements in the Last 12 months", "placements_12m", False, ("number", "placements")),
                _date("Date Ceased to be Looked After", "end_date", False, ("ceased", "looked", "after")),
                _text("Reason Ceased to be Looked After", "end_reason"),
                _date("Start Date of Most Recent Placement", "placement_date", False, ("recent", "placement")),
                _text("Placement Type", "placement_type"),
                _text("Placement Provider", "placement_provider"),
                _text("Placement postcode", "placement_postcode"),
                _text("URN of Placement", "placement_urn"),
                _text("Placement Location", "placement_location"),
                _text("LA of Placement", "placement_la"),
                _int(
                    "Number of Episodes the Child has been 'Missing' from their Placement in the last 12 months",
                    "missing_12m",
                    False,
                    ("missing", "episodes"),
                ),
                _int(
                    "Number of Episodes the Child has been 'Absent' from their Placement in the last 12 months",
                    "absent_12m",
                    False,
                    ("absent", "episodes"),
                ),
                _yn(
                    "Was the child offered a Return Interview after their last missing episode (Y/N)?",
                    "ri_offered",
                    YES_NO_UNKNOWN,
                    ("offered", "return"),
                ),
                _yn(
                    "Did the child accept a Return Interview after their last missing episode (Y/N)?",
                    "ri_accepted",
                    YES_NO_UNKNOWN,
                    ("accept", "return"),
                ),
                *_team(),
            ],
            key=("child_id", "start_date"),
            binding="cla",
            keep_odd_rows=True,
            ordered=(("start_date", "end_date"), ("start_date", "legal_status_date")),
        ),
        ListSpec(
            9,
            "Care leavers",
            [
                *_child_columns(
                    disability=True,
                    uasc="Unaccompanied Asylum Seeking Child (UASC), or formerly UASC if 18 or over (Y/N)",
                ),
                *_team(),
                _text("Allocated Personal Advisor", "personal_advisor"),
                _text("Eligibility Category", "eligibility"),
                _date("Latest Pathway Plan Review Date", "pathway_review_date"),
                _text("LA in Touch", "in_touch"),
                _date("Latest Date of Contact", "latest_contact_date"),
                _text("Type of Accommodation", "accommodation"),
                _text("Suitability of Accommodation", "suitability"),
                _text("Activity Status", "activity"),
            ],
            key=("child_id",),
            binding="care_leavers",
            keep_odd_rows=True,
        ),
        ListSpec(
            10,
            "Adoption",
            [
                _child_columns()[0],
                _text("Family identifier", "family_id"),
                *_child_columns(disability=True)[1:],
                _date("Date the Child Entered Care", "entered_care_date"),
                _date("Date of Decision that Child Should be Placed for Adoption", "decision_date"),
                _date("Date of Placement Order", "placement_order_date"),
                _date("Date of Matching Child and Prospective Adopters", "matching_date"),
                _date("Date Placed for Adoption", "placed_date"),
                _date("Date of Adoption Order", "adoption_order_date"),
                _date("Date of Decision that Child Should No Longer be Placed for Adoption", "no_longer_date"),
                _text("Reason Why Child No Longer Placed for Adoption", "no_longer_reason"),
                _date("Date the child was placed for fostering in FFA or concurrent planning placement", "ffa_date"),
            ],
            key=("child_id", "decision_date"),
            binding="adoption",
            keep_odd_rows=True,
        ),
        ListSpec(
            11,
            "Adopters",
            [
                _text("Individual adopter identifier", "adopter_id"),
                _text("Family identifier", "family_id"),
                Column("Gender", "gender", "code", codes=GENDER),
                Column("Ethnicity", "ethnicity", "code", codes=ETHNICITY),
                _yn("Disability", "disability"),
                _text("Is the (prospective) adopter fostering for adoption?", "ffa"),
                _date("Date enquiry received", "enquiry_date"),
                _date("Date Stage 1 started", "stage1_start"),
                _date("Date Stage 1 ended", "stage1_end"),
                _date("Date Stage 2 started", "stage2_start"),
                _date("Date Stage 2 ended", "stage2_end"),
                _date("Date application submitted", "submitted_date"),
                _date("Date application approved", "approved_date"),
                _date("Date adopter matched with child(ren)", "matched_date"),
                _date("Date child/children placed with adopter(s)", "placed_date"),
                _int("No. of children placed", "children_placed"),
                _date("Date of Adoption Order", "adoption_order_date"),
                _date("Date of leaving adoption process", "left_date"),
                _text("Reason for leaving adoption process", "left_reason"),
            ],
            key=("adopter_id", "enquiry_date"),
            binding="adopters",
            keep_odd_rows=True,
            ordered=(
                ("stage1_start", "stage1_end"),
                ("stage2_start", "stage2_end"),
                ("submitted_date", "approved_date"),
            ),
        ),
    ]
}

_SHEET = re.compile(r"^\s*list\s*[_\-]?\s*(\d{1,2})\b", re.IGNORECASE)


def list_number_of(name: str) -> int | None:
    """'List 1', 'list1', 'LIST_3 - Referrals', 'List 1.csv' -> the list number."""
    match = _SHEET.match(name)
    if match and int(match.group(1)) in LISTS:
        return int(match.group(1))
    return None
