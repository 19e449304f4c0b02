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


def decode_csv(data: bytes) -> str:
    """Read an uploaded CSV's bytes as text: UTF-8 (with or without a BOM), else Windows-1252, else Latin-1."""
    for encoding in ("utf-8-sig", "cp1252"):
        try:
            return data.decode(encoding)
        except UnicodeDecodeError:
            continue
    return data.decode("latin-1")


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


# Workbook limits for data returns: a return is a table of measures by period (tens to hundreds of
# rows); these caps leave two orders of magnitude of room and stop a crafted file long before it
# costs the server anything.
MAX_RETURN_ROWS = 5_000
MAX_RETURN_CELLS = 100_000
MAX_UNCOMPRESSED_BYTES = 200 * 1024 * 1024
MAX_COMPRESSION_RATIO = 200
MAX_ARCHIVE_MEMBERS = 500


class UploadTooLarge(ValueError):
    """The upload would cost too much to read; the message says why, in one line."""


def xlsx_archive_check(data: bytes) -> None:
    """Refuse a workbook whose archive would unpack too far, before any of it is parsed.

    An .xlsx file is a zip: the central directory declares every member's uncompressed size, so a
    zip bomb (a 10 MB file unpacking to gigabytes) is caught from its directory alone. The totals
    and the worst member's compression ratio are checked against fixed limits.
    """
    try:
        with zipfile.ZipFile(BytesIO(data)) as archive:
            members = archive.infolist()
    except zipfile.BadZipFile as exc:
        raise UploadTooLarge("The workbook is damaged and cannot be read") from exc
    if len(members) > MAX_ARCHIVE_MEMBERS:
        raise UploadTooLarge(f"The workbook holds {len(members)} parts; at most {MAX_ARCHIVE_MEMBERS} are read")
    total = sum(m.file_size for m in members)
    if total > MAX_UNCOMPRESSED_BYTES:
        raise UploadTooLarge(
            f"The workbook unpacks to {total // (1024 * 1024)} MB; at most {MAX_UNCOMPRESSED_BYTES // (1024 * 1024)} MB"
        )
    for member in members:
        if member.file_size > 1024 * 1024 and member.file_size > MAX_COMPRESSION_RATIO * max(1, member.compress_size):
            raise UploadTooLarge("The workbook is compressed far more than a real spreadsheet: it is not read")


def xlsx_rows(data: bytes, *, max_rows: int = MAX_RETURN_ROWS, max_cells: int = MAX_RETURN_CELLS):
    """Yield the first sheet's rows, streaming (openpyxl read-only), within the row and cell caps.

    The sheet's declared dimensions are checked first (cheap, and honest files declare them); the
    rows are then counted as they stream, so a file that lies about its size still stops at the cap.
    """
    from openpyxl import load_workbook

    xlsx_archive_check(data)
    workbook = load_workbook(BytesIO(data), read_only=True, data_only=True)
    try:
        sheet = workbook.worksheets[0]
        declared_rows, declared_cols = sheet.max_row or 0, sheet.max_column or 0
        if declared_rows > max_rows + 1:
            raise UploadTooLarge(f"The sheet has {declared_rows:,} rows; a return has at most {max_rows:,}")
        if declared_rows * declared_cols > max_cells:
            raise UploadTooLarge(f"The sheet has {declared_rows * declared_cols:,} cells; at most {max_cells:,}")
        cells = 0
        for number, row in enumerate(sheet.iter_rows(values_only=True), start=1):
            if number > max_rows + 1:
                raise UploadTooLarge(f"The sheet has more than {max_rows:,} rows")
            cells += len(row)
            if cells > max_cells:
                raise UploadTooLarge(f"The sheet has more than {max_cells:,} cells")
            yield list(row)
    finally:
        workbook.close()
