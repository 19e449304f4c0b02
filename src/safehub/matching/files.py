"""Match people in CSV files: no database, no network, no configuration."""

from __future__ import annotations

import csv
import os
from collections.abc import Callable
from datetime import date
from pathlib import Path

from safehub.matching.engine import dedupe
from safehub.matching.model import RULE_TEXT, MatchModel
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
# Optional columns: school, previous_nhs_numbers (";"-separated), nhs_number_temporary (Y/N).
EXPLAIN_COLUMNS = ["record_id_a", "record_id_b", "probability", "decision", "weight", "evidence"]
_TRUE = {"y", "yes", "true", "1", "t"}


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
    path = Path(path)
    if path.is_dir():
        raise ValueError(f"{path}: a folder, not a CSV file")
    if not path.is_file():
        raise ValueError(f"{path}: no such file")
    try:
        with path.open(newline="", encoding="utf-8-sig") as handle:
            reader = csv.DictReader(handle)
            if "record_id" not in (reader.fieldnames or []):
                raise ValueError(f"{path}: missing column record_id (is it a CSV with a header row?)")
            records = []
            seen: set[str] = set()
            for line, row in enumerate(reader, start=2):
                record_id = (row.get("record_id") or "").strip()
                if not record_id:
                    raise ValueError(f"{path}: line {line} has no record_id")
                if record_id in seen:
                    raise ValueError(f"{path}: record_id {record_id!r} appears twice (line {line})")
                seen.add(record_id)
                sex = (row.get("sex") or "").strip().upper()[:1]
                records.append(
                    MatchRecord(
                        record_id=record_id,
                        given_name=row.get("given_name") or "",
                        middle_names=row.get("middle_names") or "",
                        surname=row.get("surname") or "",
                        date_of_birth=_parse_date(row.get("date_of_birth") or ""),
                        sex=sex if sex in ("M", "F") else None,
                        postcode=row.get("postcode") or "",
                        address=row.get("address") or "",
                        nhs_number=row.get("nhs_number") or "",
                        school=row.get("school") or "",
                        previous_nhs_numbers=row.get("previous_nhs_numbers") or "",
                        nhs_number_temporary=(row.get("nhs_number_temporary") or "").strip().lower() in _TRUE,
                    )
                )
    except UnicodeDecodeError as exc:
        raise ValueError(f"{path}: not UTF-8 text ({exc.reason})") from exc
    except csv.Error as exc:
        raise ValueError(f"{path}: not a readable CSV ({exc})") from exc
    return records


def evidence_text(evidence: dict) -> str:
    """Return a pair's evidence as one line: each field's verdict and weight, then each rule in words."""
    parts = []
    for item in evidence["items"]:
        if item["rule"]:
            parts.append(f"{RULE_TEXT.get(item['field'], item['field'])} ({item['weight']:+.1f})")
        elif item["how"] != "missing":
            parts.append(f"{item['field']} {item['how']} ({item['weight']:+.1f})")
    if evidence["held"]:
        parts.append("never merged automatically")
    return "; ".join(parts)


def write_explanations(
    path: Path, records: list[MatchRecord], result: DedupeResult, *, upper: float, lower: float, floor: float = 0.05
) -> int:
    """Write the evidence on every pair that was joined, queued, held apart or at least ``floor`` likely."""
    assert result.pairs is not None and isinstance(result.model, MatchModel)  # noqa: S101 - dedupe(keep_pairs=True)
    model = result.model
    feats = [r.features() for r in records]
    pairs_i, pairs_j, probs, held = result.pairs
    rows = 0
    with Path(path).open("w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        writer.writerow(EXPLAIN_COLUMNS)
        for i, j, p, h in zip(pairs_i.tolist(), pairs_j.tolist(), probs.tolist(), held.tolist(), strict=True):
            if p < floor and not h:
                continue
            a, b = records[i], records[j]
            same = result.clusters[a.record_id] == result.clusters[b.record_id]
            decision = "same person" if same else "clerical review" if p >= lower else "kept apart"
            if same and p < upper:
                decision = "same person (through other records)"
            ev = model.evidence(feats[i], feats[j])
            writer.writerow([a.record_id, b.record_id, f"{p:.4f}", decision, f"{ev['weight']:.2f}", evidence_text(ev)])
            rows += 1
    return rows


def _check_writable(path: Path) -> None:
    """Refuse an output path that cannot be written, before any matching work is done."""
    folder = path.parent if str(path.parent) else Path(".")
    if path.is_dir():
        raise ValueError(f"{path}: a folder; give a file name to write")
    if not folder.is_dir():
        raise ValueError(f"{path}: cannot write, no folder {folder}")
    if not os.access(folder, os.W_OK) or (path.exists() and not os.access(path, os.W_OK)):
        raise ValueError(f"{path}: cannot write, permission denied")


def dedupe_file(
    input_csv: Path,
    output_csv: Path,
    *,
    review_csv: Path | None = None,
    explain_csv: Path | None = None,
    upper: float | None = None,
    lower: float = 0.6,
    progress: Callable[[int, int], None] | None = None,
) -> DedupeResult:
    """De-duplicate a CSV; write record_id,person_id and optionally the review pairs and the evidence."""
    for target in (output_csv, review_csv, explain_csv):
        if target is not None:
            _check_writable(Path(target))
    records = read_records(input_csv)
    upper = 0.95 if upper is None else upper
    if not 0 < upper <= 1:
        raise ValueError(f"--upper must be between 0 and 1, not {upper}")
    lower = min(lower, upper)
    result = dedupe(records, upper=upper, lower=lower, progress=progress, keep_pairs=explain_csv is not None)
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
    if explain_csv is not None:
        write_explanations(explain_csv, records, result, upper=upper, lower=lower)
    return result


def match_file(
    input_csv: Path,
    output_csv: Path,
    *,
    upper: float | None = None,
    explain_csv: Path | None = None,
    progress: Callable[[int, int], None] | None = None,
) -> int:
    """Assign a person_id to every record of a CSV; return the number of distinct people."""
    result = dedupe_file(input_csv, output_csv, upper=upper, explain_csv=explain_csv, progress=progress)
    return len(set(result.clusters.values()))
