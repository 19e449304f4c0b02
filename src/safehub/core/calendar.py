"""England and Wales working days: the one calendar every statutory timescale uses.

Django-free on purpose, so the analytics engine and the matching engine can use it too.

Rules (shared/formats/measures.md):
- a working day is Monday to Friday and not an England bank holiday (``holidays`` UK/ENG);
- "working days between A and B" counts the working days D with A < D <= B;
- datetimes are aware; the calendar day of a datetime is its date in UK local time.
"""

from __future__ import annotations

import bisect
from datetime import date, datetime, time, timedelta
from functools import lru_cache
from zoneinfo import ZoneInfo

import holidays

UK = ZoneInfo("Europe/London")
SCHOOL_DAY_START = time(8, 30)


@lru_cache(maxsize=64)
def _bank_holidays(year: int) -> frozenset[date]:
    return frozenset(holidays.country_holidays("GB", subdiv="ENG", years=year).keys())


def preload(today: date | None = None) -> None:
    """Load the bank holidays of the years pages ask about (six back, two ahead) now: the holidays
    library builds its country tables on first use, 0.7-1.5 s that a fresh web worker's first
    timescale would otherwise wait for (wsgi.py calls this once, before gunicorn forks)."""
    year = (today or date.today()).year  # noqa: DTZ011 - only picks which years to load
    for each in range(year - 6, year + 3):
        _bank_holidays(each)


def is_bank_holiday(day: date) -> bool:
    return day in _bank_holidays(day.year)


def is_working_day(day: date) -> bool:
    return day.weekday() < 5 and not is_bank_holiday(day)


def uk_date(moment: datetime | date) -> date:
    """Return the UK calendar date of an aware datetime (a date is returned as it is)."""
    if isinstance(moment, datetime):
        if moment.tzinfo is None:
            raise ValueError("naive datetime: timescales need an aware datetime")
        return moment.astimezone(UK).date()
    return moment


@lru_cache(maxsize=8)
def _working_day_index(start_year: int, end_year: int) -> tuple[date, ...]:
    day, end = date(start_year, 1, 1), date(end_year, 12, 31)
    out = []
    while day <= end:
        if is_working_day(day):
            out.append(day)
        day += timedelta(days=1)
    return tuple(out)


def working_days_between(start: datetime | date, end: datetime | date) -> int:
    """Count working days D with start < D <= end (negative when end is before start)."""
    a, b = uk_date(start), uk_date(end)
    if b < a:
        return -working_days_between(b, a)
    index = _working_day_index(min(a.year, b.year) - 1, max(a.year, b.year) + 1)
    return bisect.bisect_right(index, b) - bisect.bisect_right(index, a)


def add_working_days(start: datetime | date, n: int) -> date:
    """Return the date n working days after start's UK date (n >= 0; 0 gives the start date)."""
    if n < 0:
        raise ValueError("n must not be negative")
    day = uk_date(start)
    while n:
        day += timedelta(days=1)
        if is_working_day(day):
            n -= 1
    return day


def end_of_working_day(day: date) -> datetime:
    """Return the last moment (23:59:59 UK time) of a day, as an aware datetime."""
    return datetime.combine(day, time(23, 59, 59), tzinfo=UK)


def due_after_working_days(start: datetime, n: int) -> datetime:
    """Return the deadline: the end of the n-th working day after start."""
    return end_of_working_day(add_working_days(start, n))


def next_working_day(moment: datetime | date) -> date:
    return add_working_days(moment, 1)


def next_school_day_start(moment: datetime, *, day_start: time = SCHOOL_DAY_START) -> datetime:
    """Return the start of the next school day strictly after ``moment``.

    School days are working days (term dates vary by setting and are not modelled); an incident
    at 02:00 on a Tuesday must be notified before 08:30 that Tuesday.
    """
    local = moment.astimezone(UK)
    day = local.date()
    if is_working_day(day) and local.time() < day_start:
        return datetime.combine(day, day_start, tzinfo=UK)
    return datetime.combine(next_working_day(day), day_start, tzinfo=UK)


def same_date_one_year_earlier(day: date) -> date:
    """Return the same calendar date a year earlier (29 February maps to 28 February)."""
    try:
        return day.replace(year=day.year - 1)
    except ValueError:
        return day.replace(year=day.year - 1, day=28)


def financial_year_start(day: date) -> int:
    """The calendar year in which the financial year holding ``day`` began (1 April to 31 March).

    The one definition of "which financial year is this date in": statutory returns (CIN census,
    SSDA903, SAC), Annex A and the yearly report all count 1 April to 31 March.
    """
    return day.year if day.month >= 4 else day.year - 1


def financial_year_label(start_year: int) -> str:
    """'2024-25' for the year starting 1 April 2024."""
    return f"{start_year}-{(start_year + 1) % 100:02d}"


def financial_year_of(day: date) -> str:
    """The label of the financial year holding ``day`` ('2024-25' for 31 March 2025)."""
    return financial_year_label(financial_year_start(day))


def financial_year(label: str) -> tuple[date, date]:
    """Return (1 April, 31 March) of a year label such as '2024-25'."""
    start = int(label[:4])
    if len(label) != 7 or label[4] != "-" or int(label[5:]) != (start + 1) % 100:
        raise ValueError(f"year must look like 2024-25, not {label!r}")
    return date(start, 4, 1), date(start + 1, 3, 31)
