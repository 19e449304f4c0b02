"""Measures engine: SQL measures run by DuckDB on an Arrow snapshot of the records (no Django)."""

from .compute import (
    compute_measures,
    compute_trend,
    measure_definitions,
    measure_records,
    percent,
    periods_between,
)
from .datasets import (
    DATASETS,
    Column,
    Dataset,
    SnapshotInvalid,
    SnapshotProblem,
    snapshot_conform,
    snapshot_from_rows,
    snapshot_read,
    snapshot_validate,
    snapshot_write,
)
from .measures import MeasureDefinition

__all__ = [
    "DATASETS",
    "Column",
    "Dataset",
    "MeasureDefinition",
    "SnapshotInvalid",
    "SnapshotProblem",
    "compute_measures",
    "compute_trend",
    "measure_definitions",
    "measure_records",
    "percent",
    "periods_between",
    "snapshot_conform",
    "snapshot_from_rows",
    "snapshot_read",
    "snapshot_validate",
    "snapshot_write",
]
