"""Reading one cell as what a column holds. Every parser returns (value, problem): never raises.

Real files hold dates as dd/mm/yyyy text, ISO text, Excel serial numbers, or datetimes (openpyxl);
numbers as text or floats; codes in many spellings (see codes.py). Results are memoised per column,
because a million-row file has few distinct dates and codes: parsing is then a dictionary look-up.
"""

from __future__ import annotations

import math
import re
from datetime import date, datetime, timedelta

EXCEL_EPOCH = date(1899, 12, 30)  # Excel's day 0, allowing for its 1900 leap-year bug
EXCEL_MIN, EXCEL_MAX = 1, 2958465  # 1 Jan 1900 .. 31 Dec 9999
MONTHS = {
    m: i for i, m in enumerate(["jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec"], 1)
}
_DMY = re.compile(r"^(\d{1,2})[/\-. ](\d{1,2})[/\-. ](\d{4}|\d{2})(?:[ T]\d{1,2}:\d{2}(?::\d{2}(?:\.\d+)?)?)?$")
_YMD = re.compile(
    r"^(\d{4})[/\-.](\d{1,2})[/\-.](\d{1,2})(?:[ T]\d{1,2}:\d{2}(?::\d{2}(?:\.\d+)?)?(?:Z|[+-]\d{2}:?\d{2})?)?$"
)
_DMONY = re.compile(r"^(\d{1,2})[ \-/]([a-z]{3})[a-z]*[ \-/](\d{4}|\d{2})$", re.IGNORECASE)
_SERIAL = re.compile(r"^\d{1,7}(?:\.\d+)?$")
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")
_UNSTORABLE = re.compile("[\x00\ud800-\udfff]")
_ID = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_\-/.]*$")

Parsed = tuple[object, str | None]


def is_blank(raw: object) -> bool:
    if raw is None:
        return True
    if isinstance(raw, float) and math.isnan(raw):
        return True
    return isinstance(raw, str) and not raw.strip()


def _year(text: str) -> int:
    year = int(text)
    if len(text) == 2:  # two-digit years: 00-69 are 2000s, 70-99 1900s (as Excel reads them)
        year += 2000 if year < 70 else 1900
    return year


def _build(y: int, m: int, d: int) -> Parsed:
    try:
        return date(y, m, d), None
    except ValueError:
        return None, "Not a real date (expected dd/mm/yyyy)"


def parse_date(raw: object) -> Parsed:
    if isinstance(raw, datetime):
        return raw.date(), None
    if isinstance(raw, date):
        return raw, None
    if isinstance(raw, bool):
        return None, "Expected a date (dd/mm/yyyy)"
    if isinstance(raw, int | float):
        return _from_serial(float(raw))
    text = str(raw).strip()
    match = _DMY.match(text)
    if match:
        return _build(_year(match.group(3)), int(match.group(2)), int(match.group(1)))
    match = _YMD.match(text)
    if match:
        return _build(int(match.group(1)), int(match.group(2)), int(match.group(3)))
    match = _DMONY.match(text)
    if match and match.group(2).lower() in MONTHS:
        return _build(_year(match.group(3)), MONTHS[match.group(2).lower()], int(match.group(1)))
    if _SERIAL.match(text):
        return _from_serial(float(text))
    return None, "Expected a date (dd/mm/yyyy)"


def _from_serial(serial: float) -> Parsed:
    if math.isnan(serial) or not (EXCEL_MIN <= serial <= EXCEL_MAX):
        return None, "Expected a date (dd/mm/yyyy); the number is not an Excel date"
    return EXCEL_EPOCH + timedelta(days=int(serial)), None


def parse_int(raw: object) -> Parsed:
    if isinstance(raw, bool):
        return None, "Expected a whole number"
    if isinstance(raw, int):
        value = raw
    elif isinstance(raw, float):
        if math.isnan(raw) or math.isinf(raw) or raw != int(raw):
            return None, "Expected a whole number"
        value = int(raw)
    else:
        text = str(raw).strip().replace(",", "")
        try:
            number = float(text)
        except ValueError:
            return None, "Expected a whole number"
        if math.isnan(number) or math.isinf(number) or number != int(number):
            return None, "Expected a whole number"
        value = int(number)
    if not (0 <= value <= 100_000):
        return None, "Expected a whole number from 0 to 100,000"
    return value, None


def parse_id(raw: object) -> Parsed:
    if isinstance(raw, float) and math.isfinite(raw) and raw == int(raw):
        raw = int(raw)  # Excel turns a numeric ID into 1234.0
    text = str(raw).strip()
    if len(text) > 64:
        return None, "An identifier is at most 64 characters"
    if not _ID.match(text):
        return None, "Identifiers use letters, digits, - _ / . only"
    return text, None


def parse_text(raw: object) -> Parsed:
    if isinstance(raw, float) and math.isfinite(raw) and raw == int(raw):
        raw = int(raw)
    text = " ".join(_CONTROL.sub("", str(raw)).split())  # control characters cannot go back into a workbook
    if len(text) > 200:
        return None, "Text is at most 200 characters"
    return text, None


def to_text(raw: object) -> str:
    """Show a raw cell in the error report the way the person saw it.

    Characters no database text can hold (NUL, and half of a UTF-16 surrogate pair from a badly
    encoded file) show as U+FFFD, so the report itself can always be saved.
    """
    if raw is None:
        return ""
    if isinstance(raw, datetime):
        return raw.strftime("%d/%m/%Y %H:%M") if (raw.hour or raw.minute) else raw.strftime("%d/%m/%Y")
    if isinstance(raw, date):
        return raw.strftime("%d/%m/%Y")
    return _UNSTORABLE.sub("\ufffd", str(raw)[:200])
