"""Declare the analytical snapshot: one dataset per table, its columns, types and keys.

The Django app exports the records as these tables (a mapping of name to ``pyarrow.Table``, or a
directory of ``<name>.parquet`` files). Everything downstream (measures, returns) reads only what
is declared here, so this module is the contract between the system of record and analytics.

Types: ids are int64, dates date32, moments timestamp[us, tz=UTC], flags bool. Every column is
nullable except the key columns.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path

import duckdb
import numpy as np
import pyarrow as pa
import pyarrow.parquet as pq

ID = pa.int64()
DATE = pa.date32()
MOMENT = pa.timestamp("us", tz="UTC")
TEXT = pa.string()
FLAG = pa.bool_()
TEXT_LIST = pa.list_(pa.string())


@dataclass(frozen=True)
class Column:
    """One column of a dataset: its name, Arrow type and meaning."""

    name: str
    type: pa.DataType
    description: str = ""


@dataclass(frozen=True)
class Dataset:
    """One table of the snapshot: columns in order and the columns that identify a row."""

    name: str
    columns: tuple[Column, ...]
    key: tuple[str, ...]
    description: str = ""

    @property
    def schema(self) -> pa.Schema:
        """Return the Arrow schema (key columns not nullable)."""
        return pa.schema([pa.field(c.name, c.type, nullable=c.name not in self.key) for c in self.columns])

    def empty(self) -> pa.Table:
        """Return a table with this schema and no rows."""
        return self.schema.empty_table()


def _dataset(name: str, key: tuple[str, ...], description: str, *columns: Column) -> Dataset:
    return Dataset(name=name, columns=tuple(columns), key=key, description=description)


C = Column

DATASETS: dict[str, Dataset] = {
    d.name: d
    for d in (
        _dataset(
            "persons",
            ("person_id",),
            "People after any merge: one row per child, unborn child or adult.",
            C("person_id", ID),
            C("sex", TEXT, "M, F or U"),
            C("date_of_birth", DATE),
            C("expected_date_of_birth", DATE, "for an unborn child"),
            C("ethnicity", TEXT, "CIN census ethnicity code"),
            C("is_unborn_now", FLAG),
        ),
        _dataset(
            "contacts",
            ("contact_id",),
            "Contacts received by the front door.",
            C("contact_id", ID),
            C("person_id", ID),
            C("contact_date", DATE),
            C("received_at", MOMENT),
            C("source", TEXT, "Annex A source code: police, health, school, ..."),
            C("from_police", FLAG),
            C("police_high_risk", FLAG),
            C("incident_recorded_at", MOMENT, "when the police recorded the incident"),
            C("police_limit_hours", pa.float64(), "agreed limit; 24 hours when missing"),
            C("ethnicity_recorded", FLAG),
            C("voice_recorded", FLAG),
            C("late_flagged", FLAG, "the front door flagged the police referral as late"),
        ),
        _dataset(
            "referrals",
            ("referral_id",),
            "Referrals to children's social care.",
            C("referral_id", ID),
            C("person_id", ID),
            C("contact_id", ID),
            C("referral_date", DATE),
            C("source", TEXT),
            C("nfa", FLAG, "no further action"),
        ),
        _dataset(
            "assessments",
            ("assessment_id",),
            "Child and family assessments.",
            C("assessment_id", ID),
            C("person_id", ID),
            C("referral_id", ID),
            C("start_date", DATE),
            C("authorised_date", DATE),
            C("factors", TEXT_LIST, "CIN census assessment factor codes"),
        ),
        _dataset(
            "section47",
            ("s47_id",),
            "Section 47 enquiries with their initiating strategy discussion.",
            C("s47_id", ID),
            C("person_id", ID),
            C("strategy_date", DATE),
            C("icpc_date", DATE),
            C("outcome", TEXT),
        ),
        _dataset(
            "cp_plans",
            ("plan_id",),
            "Child protection plans.",
            C("plan_id", ID),
            C("person_id", ID),
            C("start_date", DATE),
            C("end_date", DATE),
            C("initial_category", TEXT, "NEGLECT, EMOTIONAL, PHYSICAL, SEXUAL or MULTIPLE"),
            C("unborn_at_start", FLAG),
        ),
        _dataset(
            "cla_episodes",
            ("episode_id",),
            "Periods of being looked after.",
            C("episode_id", ID),
            C("person_id", ID),
            C("start_date", DATE),
            C("end_date", DATE),
        ),
        _dataset(
            "cin_episodes",
            ("episode_id",),
            "Child-in-need episodes (the case): opened by the referral, closed with a CIN census reason.",
            C("episode_id", ID),
            C("person_id", ID),
            C("referral_date", DATE, "CINreferralDate"),
            C("closure_date", DATE, "CINclosureDate; empty while open"),
            C("closure_reason", TEXT, "RC1-RC8"),
        ),
        _dataset(
            "early_help_assessments",
            ("assessment_id",),
            "Early help assessments (Annex A List 2 definitions).",
            C("assessment_id", ID),
            C("person_id", ID),
            C("start_date", DATE),
            C("completed_date", DATE),
        ),
        _dataset(
            "early_help_episodes",
            ("episode_id",),
            "Early help episodes recorded in Safehub (imported List 2 rows carry no closure and are left out).",
            C("episode_id", ID),
            C("person_id", ID),
            C("origin", TEXT, "FRONT_DOOR, STEP_DOWN or AGENCY"),
            C("start_date", DATE, "the early help assessment start: the episode opens"),
            C("completed_date", DATE),
            C("closed_date", DATE, "empty while open"),
            C("closure_reason", TEXT, "STEP_UP when stepped up to children's social care"),
        ),
        _dataset(
            "cla_reviews",
            ("review_id",),
            "Reviews of children looked after.",
            C("review_id", ID),
            C("person_id", ID),
            C("due_date", DATE),
            C("held_date", DATE),
        ),
        _dataset(
            "cla_health_assessments",
            ("assessment_id",),
            "Health assessments of children looked after.",
            C("assessment_id", ID),
            C("person_id", ID),
            C("due_date", DATE),
            C("completed_date", DATE),
        ),
        _dataset(
            "care_leavers",
            ("person_id", "as_of_date"),
            "Status of care leavers at the end of a year.",
            C("person_id", ID),
            C("as_of_date", DATE),
            C("age", pa.int64()),
            C("suitable_accommodation", FLAG),
            C("in_eet", FLAG, "in education, employment or training"),
        ),
        _dataset(
            "adult_concerns",
            ("concern_id",),
            "Safeguarding concerns about adults.",
            C("concern_id", ID),
            C("person_id", ID),
            C("received_date", DATE),
            C("age_at_concern", pa.int64()),
            C("sex", TEXT),
            C("ethnicity", TEXT),
        ),
        _dataset(
            "s42_enquiries",
            ("enquiry_id",),
            "Section 42 (and other) safeguarding enquiries about adults.",
            C("enquiry_id", ID),
            C("person_id", ID),
            C("concern_id", ID),
            C("kind", TEXT, "S42 or OTHER"),
            C("started_date", DATE),
            C("concluded_date", DATE),
            C("risk_types", TEXT_LIST),
            C("lacked_capacity", TEXT, "yes, no, dont_know, not_recorded"),
            C("msp", TEXT, "expressed, asked_not_expressed, not_asked, dont_know, not_recorded"),
            C("risk_outcome", TEXT),
            C("action_taken", FLAG, "whether action was taken (SAC SG2c); null: not recorded"),
            C("risk_locations", TEXT_LIST, "own_home, care_home_nursing, ...: each once (SAC SG2b)"),
            C("risk_sources", TEXT_LIST, "service_provider, known, unknown: each once"),
            C("outcomes_achieved", TEXT, "fully, partially, not_achieved"),
            C("advocate_support", FLAG, "supported by an advocate, family or friend"),
            C("age_at_start", pa.int64(), "the adult's age on the day the enquiry started"),
            C("sex", TEXT),
            C("ethnicity", TEXT),
            C("date_of_birth", DATE),
            C("date_of_death", DATE),
        ),
        _dataset(
            "health_requests",
            ("request_id",),
            "Requests to health for information about a child.",
            C("request_id", ID),
            C("requested_at", MOMENT),
            C("due_at", MOMENT),
            C("answered_at", MOMENT),
            C("urgency", TEXT),
        ),
        _dataset(
            "strategy_meetings",
            ("meeting_id",),
            "Strategy meetings and when their record is due to be shared.",
            C("meeting_id", ID),
            C("person_id", ID),
            C("held_at", MOMENT),
            C("held_date", DATE),
            C("record_share_due_at", MOMENT),
        ),
        _dataset(
            "strategy_invites",
            ("meeting_id", "agency_id"),
            "Agencies invited to a strategy meeting.",
            C("meeting_id", ID),
            C("agency_id", ID),
        ),
        _dataset(
            "strategy_record_shares",
            (),
            "Each sharing of an approved strategy meeting record with an agency.",
            C("meeting_id", ID),
            C("agency_id", ID),
            C("shared_at", MOMENT),
        ),
        _dataset(
            "education_notifications",
            ("notification_id",),
            "Notifications of a domestic-abuse incident to a school or early years setting.",
            C("notification_id", ID),
            C("incident_at", MOMENT),
            C("due_at", MOMENT),
            C("delivered_at", MOMENT),
            C("setting_kind", TEXT, "school or early_years"),
        ),
        # Issue 21 points 1 and 6, built by safehub.pathways.snapshot_tables (the rules live there).
        _dataset(
            "ppn_strategy",
            ("contact_id",),
            "Police contacts (PPNs) about a known child and the first strategy discussion that followed.",
            C("contact_id", ID),
            C("person_id", ID),
            C("received_at", MOMENT),
            C("received_date", DATE, "UK date the front door received the PPN"),
            C("followed", FLAG, "a strategy discussion was convened within 30 days of the PPN"),
            C("first_strategy_held_at", MOMENT),
            C("on_time", FLAG, "held by the partnership's standard; empty while within time and not held"),
        ),
        _dataset(
            "encompass_incidents",
            ("contact_id",),
            "Domestic abuse incidents the police notified for a known child (Operation Encompass).",
            C("contact_id", ID),
            C("person_id", ID),
            C("incident_date", DATE, "UK date of the incident (of receipt when not recorded)"),
            C("setting_known", FLAG, "the child attended a school or early-years setting known to Safehub"),
            C("under_five", FLAG),
            C("health_visiting_notified", FLAG),
        ),
        _dataset(  # issue 21: built by safehub.pathways.snapshot_tables with frontdoor/rules.py
            "contact_decisions",
            ("contact_id",),
            "Each contact's receipt, first MASH grading and decision; a red PPN's same-day verdict.",
            C("contact_id", ID),
            C("person_id", ID),
            C("received_at", MOMENT),
            C("received_date", DATE),
            C("from_police", FLAG),
            C("police_grade", TEXT),
            C("mash_rag", TEXT),
            C("first_rated_at", MOMENT),
            C("decided_at", MOMENT),
            C("red_ppn", FLAG, "graded red by the police or the MASH"),
            C("red_due_at", MOMENT),
            C("red_on_time", FLAG, "decided by the due time; empty while within it"),
        ),  # fmt: skip
        # Issue 19: the 903 records, built by safehub.lookedafter.snapshot_tables (the rules live there).
        _dataset(
            "la_episodes",
            ("episode_id",),
            "SSDA903 episodes: each change of placement or legal status inside a period of care.",
            C("episode_id", ID),
            C("person_id", ID),
            C("period_id", ID),
            C("decom", DATE),
            C("dec", DATE),
            C("rne", TEXT),
            C("rec", TEXT, "empty while open"),
            C("ls", TEXT),
            C("place", TEXT),
        ),
        _dataset(
            "la_reviews",
            ("review_id",),
            "Looked-after reviews with their due dates (a review closed when care ended is left out).",
            C("review_id", ID),
            C("person_id", ID),
            C("due_date", DATE),
            C("held_date", DATE),
        ),
        _dataset(
            "la_health_checks",
            ("check_id",),
            "Initial and review health assessments of looked-after children (closed when care ended: left out).",
            C("check_id", ID),
            C("person_id", ID),
            C("kind", TEXT, "INITIAL or REVIEW"),
            C("due_date", DATE),
            C("done_date", DATE),
        ),
        _dataset(
            "la_leaver_contacts",
            ("person_id", "birthday"),
            "Care leavers' OC3 situation at their 17th to 21st birthdays.",
            C("person_id", ID),
            C("birthday", DATE),
            C("age", pa.int64()),
            C("in_touch", TEXT),
            C("suitable_accommodation", FLAG),
            C("in_eet", FLAG, "in education, employment or training"),
        ),
    )
}


@dataclass(frozen=True)
class SnapshotProblem:
    """One thing wrong with a snapshot, said so that a person can act on it."""

    table: str
    column: str | None
    message: str

    def __str__(self) -> str:
        where = f"{self.table}.{self.column}" if self.column else self.table
        return f"{where}: {self.message}"


class SnapshotInvalid(ValueError):
    """The snapshot does not match the declared datasets."""

    def __init__(self, problems: list[SnapshotProblem]) -> None:
        super().__init__("; ".join(str(p) for p in problems))
        self.problems = problems


def _castable(actual: pa.DataType, wanted: pa.DataType) -> bool:
    if actual.equals(wanted) or pa.types.is_null(actual):
        return True
    if pa.types.is_integer(wanted):
        return pa.types.is_integer(actual)
    if pa.types.is_floating(wanted):
        return pa.types.is_integer(actual) or pa.types.is_floating(actual)
    if pa.types.is_string(wanted):
        return pa.types.is_string(actual) or pa.types.is_large_string(actual) or pa.types.is_dictionary(actual)
    if pa.types.is_date(wanted):
        return pa.types.is_date(actual)
    if pa.types.is_timestamp(wanted):
        # A naive timestamp would be read as UTC silently; refuse it rather than guess.
        return pa.types.is_timestamp(actual) and actual.tz is not None
    if pa.types.is_list(wanted):
        return (pa.types.is_list(actual) or pa.types.is_large_list(actual)) and _castable(
            actual.value_type, wanted.value_type
        )
    return False


def _repeated_keys(table: pa.Table, key: tuple[str, ...], connection: duckdb.DuckDBPyConnection) -> int:
    """Return how many rows repeat an earlier row's key (``connection``: the check's DuckDB, shared)."""
    if len(key) == 1:
        column = table.column(key[0])
        if column.null_count == 0:
            values = column.to_numpy()
            # Exported ids are usually in order: a strictly increasing column is unique, checked
            # in one vectorised pass instead of hashing millions of values.
            if bool(np.all(values[1:] > values[:-1])):
                return 0
    # Key column names come from the declarations above, never from input.
    columns = ", ".join(f'"{k}"' for k in key)
    sql = f"SELECT count(*) - (SELECT count(*) FROM (SELECT DISTINCT {columns} FROM keyed)) FROM keyed"  # noqa: S608
    connection.register("keyed", table.select(list(key)))
    try:
        rows = connection.execute(sql).fetchall()
    finally:
        connection.unregister("keyed")
    return int(rows[0][0]) if rows else 0


def snapshot_validate(snapshot: Mapping[str, pa.Table], *, check_keys: bool = True) -> list[SnapshotProblem]:
    """Check a snapshot against the declared datasets and return every problem found.

    A missing table is not a problem (it is read as empty); unknown tables are ignored. Columns
    must exist with a compatible type; key columns must be non-null and unique.
    """
    problems: list[SnapshotProblem] = []
    # One DuckDB connection for all the key checks, opened at the first: opening one takes tens of
    # milliseconds, and a snapshot checks about 75 keys (issue 23: the first insight page).
    connection: duckdb.DuckDBPyConnection | None = None
    try:
        for name, table in snapshot.items():
            dataset = DATASETS.get(name)
            if dataset is None:
                continue
            found_before = len(problems)
            for column in dataset.columns:
                if column.name not in table.column_names:
                    problems.append(SnapshotProblem(name, column.name, "column is missing"))
                    continue
                actual = table.schema.field(column.name).type
                if not _castable(actual, column.type):
                    problems.append(
                        SnapshotProblem(name, column.name, f"type {actual} cannot be read as {column.type}")
                    )
            if len(problems) > found_before or not check_keys or not dataset.key or table.num_rows == 0:
                continue
            for key in dataset.key:
                nulls = table.column(key).null_count
                if nulls:
                    problems.append(SnapshotProblem(name, key, f"{nulls} rows have no value in a key column"))
            if connection is None:
                connection = duckdb.connect(config={"autoload_known_extensions": False})
            repeated = _repeated_keys(table, dataset.key, connection)
            if repeated:
                problems.append(SnapshotProblem(name, ",".join(dataset.key), f"{repeated} rows repeat a key"))
    finally:
        if connection is not None:
            connection.close()
    return problems


def snapshot_conform(snapshot: Mapping[str, pa.Table], *, check_keys: bool = True) -> dict[str, pa.Table]:
    """Return every declared table in its declared schema (missing tables empty).

    Raise ``SnapshotInvalid`` listing all problems when the snapshot cannot be read as declared.
    """
    problems = snapshot_validate(snapshot, check_keys=check_keys)
    if problems:
        raise SnapshotInvalid(problems)
    out: dict[str, pa.Table] = {}
    for name, dataset in DATASETS.items():
        table = snapshot.get(name)
        if table is None:
            out[name] = dataset.empty()
            continue
        arrays = []
        for column in dataset.columns:
            array = table.column(column.name)
            if pa.types.is_dictionary(array.type):
                array = array.cast(array.type.value_type)
            if not array.type.equals(column.type):
                array = array.cast(column.type)
            arrays.append(array)
        out[name] = pa.Table.from_arrays(arrays, schema=dataset.schema)
    return out


def snapshot_read(directory: Path, names: Iterable[str] | None = None) -> dict[str, pa.Table]:
    """Read a snapshot written as ``<name>.parquet`` files in a directory."""
    wanted = set(names) if names is not None else set(DATASETS)
    return {path.stem: pq.read_table(path) for path in sorted(Path(directory).glob("*.parquet")) if path.stem in wanted}


def snapshot_write(snapshot: Mapping[str, pa.Table], directory: Path) -> None:
    """Write each table of a snapshot as ``<name>.parquet`` in a directory."""
    directory = Path(directory)
    directory.mkdir(parents=True, exist_ok=True)
    for name, table in snapshot.items():
        pq.write_table(table, directory / f"{name}.parquet")


def snapshot_from_rows(rows: Mapping[str, Iterable[Mapping[str, object]]]) -> dict[str, pa.Table]:
    """Build snapshot tables from plain rows (dicts); columns a row leaves out are null.

    Meant for fixtures, tests and small exports: the Django app builds large snapshots column-wise.
    """
    out: dict[str, pa.Table] = {}
    for name, table_rows in rows.items():
        dataset = DATASETS[name]
        materialised = list(table_rows)
        unknown = {k for row in materialised for k in row} - {c.name for c in dataset.columns}
        if unknown:
            raise ValueError(f"{name}: unknown columns {sorted(unknown)}")
        out[name] = pa.Table.from_pylist(
            [{c.name: row.get(c.name) for c in dataset.columns} for row in materialised],
            schema=dataset.schema,
        )
    return out
