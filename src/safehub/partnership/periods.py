"""A financial year's bounds as the partnership's yearly figures count them (UK dates, 1 April to 31 March)."""

from __future__ import annotations

from datetime import date, datetime, time, timedelta

from django.db.models import Q

from safehub.core.calendar import UK, financial_year


def bounds(year: str) -> tuple[datetime, datetime]:
    """Return the first and last moments (UK time) of a financial year, as aware datetimes."""
    start, end = financial_year(year)
    return datetime.combine(start, time.min, tzinfo=UK), datetime.combine(end + timedelta(days=1), time.min, tzinfo=UK)


def in_year(year: str, field: str) -> Q:
    """Filter a datetime ``field`` to the year's UK bounds."""
    start, end = bounds(year)
    return Q(**{f"{field}__gte": start, f"{field}__lt": end})


def dates_in_year(year: str, field: str) -> Q:
    """Filter a date ``field`` to the year (both ends included)."""
    start, end = financial_year(year)
    return Q(**{f"{field}__gte": start, f"{field}__lte": end})


def year_end(year: str, as_of: date) -> date:
    """The day a year's snapshot is taken: 31 March, or ``as_of`` for a year not yet over."""
    return min(financial_year(year)[1], as_of)
