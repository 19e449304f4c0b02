"""Defences for files going out (formula injection) and coming in (size, type sniffing)."""

from __future__ import annotations

import zipfile
from io import BytesIO
from pathlib import Path

from safehub.core.csv_safety import neutralise  # noqa: F401 - also imported from here by exchange code
from safehub.core.csv_safety import writer as csv_writer

ALLOWED_SUFFIXES = (".csv", ".xlsx")


def write_csv(path: Path, header: list[str], rows: list[list]) -> Path:
    with path.open("w", newline="", encoding="utf-8") as handle:
        writer = csv_writer(handle)
        writer.writerow(header)
        writer.writerows(rows)
    return path


def sniff_upload(name: str, head: bytes) -> str | None:
    """Return 'csv' or 'xlsx' when the name and the content agree, otherwise None."""
    suffix = Path(name).suffix.lower()
    if suffix == ".xlsx":
        if not head.startswith(b"PK\x03\x04"):
            return None
        try:
            with zipfile.ZipFile(BytesIO(head)) as archive:
                names = set(archive.namelist())
        except zipfile.BadZipFile:
            return "xlsx" if b"[Content_Types].xml" in head or b"xl/" in head else None
        return "xlsx" if "[Content_Types].xml" in names else None
    if suffix == ".csv":
        sample = head[:65536]
        if b"\x00" in sample or sample.startswith((b"PK\x03\x04", b"%PDF", b"\x7fELF", b"MZ")):
            return None
        try:
            sample.decode("utf-8")
        except UnicodeDecodeError as exc:
            if exc.start < len(sample) - 4:  # a multi-byte character cut by the sample is fine
                try:
                    sample.decode("cp1252")
                except UnicodeDecodeError:
                    return None
        return "csv"
    return None
