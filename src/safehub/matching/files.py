"""Match people in CSV files: no database, no network."""

from __future__ import annotations

import csv
from datetime import date
from pathlib import Path

from safehub.matching.engine import dedupe
from safehub.matching.records import DedupeResult, MatchRecord

COLUMNS = (
    "record_id",
    "given_name",
    "middle_names",
    "surname",
    "date_of_birth",
    "sex",
    "postcode",
    "address",
    "nhs_number",
)


def _parse_date(text: str) -> date | None:
    text = (text or "").strip()
    if not text:
        return None
    try:
        return date.fromisoformat(text[:10])
    except ValueError:
        return None


def read_records(path: Path) -> list[MatchRecord]:
    """Read match records from a CSV with the documented columns (extra columns ignored)."""
    with Path(path).open(newline="", encoding="utf-8-sig") as handle:
        reader = csv.DictReader(handle)
        missing = [c for c in ("record_id",) if c not in (reader.fieldnames or [])]
        if missing:
            raise ValueError(f"{path}: missing column(s) {', '.join(missing)}")
        records = []
        for row in reader:
            sex = (row.get("sex") or "").strip().upper()[:1]
            records.append(
                MatchRecord(
                    record_id=row["record_id"].strip(),
                    given_name=row.get("given_name") or "",
                    middle_names=row.get("middle_names") or "",
                    surname=row.get("surname") or "",
                    date_of_birth=_parse_date(row.get("date_of_birth") or ""),
                    sex=sex if sex in ("M", "F") else None,
                    postcode=row.get("postcode") or "",
                    address=row.get("address") or "",
                    nhs_number=row.get("nhs_number") or "",
                    school=row.get("school") or "",
                )
            )
    return records


def dedupe_file(
    input_csv: Path,
    output_csv: Path,
    *,
    review_csv: Path | None = None,
    upper: float | None = None,
    lower: float = 0.6,
) -> DedupeResult:
    """De-duplicate a CSV; write record_id,person_id and optionally the review pairs."""
    records = read_records(input_csv)
    upper = 0.95 if upper is None else upper
    result = dedupe(records, upper=upper, lower=min(lower, upper))
    with Path(output_csv).open("w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        writer.writerow(["record_id", "person_id"])
        for record in records:
            writer.writerow([record.record_id, result.clusters[record.record_id]])
    if review_csv is not None:
        with Path(review_csv).open("w", newline="", encoding="utf-8") as handle:
            writer = csv.writer(handle)
            writer.writerow(["record_id_a", "record_id_b", "probability", "reasons"])
            for a, b, p, reasons in result.review_pairs:
                writer.writerow([a, b, f"{p:.4f}", "; ".join(f"{f}={r}" for f, r in reasons)])
    return result


def match_file(input_csv: Path, output_csv: Path, *, upper: float | None = None) -> int:
    """Assign a person_id to every record of a CSV; return the number of distinct people."""
    result = dedupe_file(input_csv, output_csv, upper=upper)
    return len(set(result.clusters.values()))
