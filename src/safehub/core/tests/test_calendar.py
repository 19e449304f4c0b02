from datetime import UTC, date, datetime, timedelta

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from safehub.core.calendar import (
    UK,
    add_working_days,
    financial_year,
    is_working_day,
    next_school_day_start,
    same_date_one_year_earlier,
    working_days_between,
)

dates = st.dates(min_value=date(2015, 1, 1), max_value=date(2035, 12, 31))


def test_christmas_and_new_year_bank_holidays_are_not_working_days():
    assert not is_working_day(date(2024, 12, 25))
    assert not is_working_day(date(2024, 12, 26))
    assert not is_working_day(date(2025, 1, 1))
    assert is_working_day(date(2024, 12, 27))


def test_easter_monday_and_weekends():
    assert not is_working_day(date(2025, 4, 21))  # Easter Monday
    assert not is_working_day(date(2025, 4, 18))  # Good Friday
    assert not is_working_day(date(2025, 4, 19))  # Saturday
    assert is_working_day(date(2025, 4, 22))


def test_count_excludes_start_day_and_includes_end_day():
    # Friday 20 Dec 2024 to Friday 3 Jan 2025: 23, 24, 27, 30, 31 Dec, 2, 3 Jan.
    assert working_days_between(date(2024, 12, 20), date(2025, 1, 3)) == 7
    assert working_days_between(date(2025, 3, 3), date(2025, 3, 3)) == 0
    assert working_days_between(date(2025, 3, 3), date(2025, 3, 4)) == 1


def test_datetimes_are_counted_on_their_uk_date():
    # 23:30 UTC on 31 May 2025 is 00:30 on 1 June in the UK (a Sunday).
    late = datetime(2025, 5, 30, 23, 30, tzinfo=UTC)  # Saturday 00:30 UK
    assert working_days_between(datetime(2025, 5, 29, 12, tzinfo=UTC), late) == 1


def test_naive_datetimes_are_refused():
    with pytest.raises(ValueError):
        working_days_between(datetime(2025, 1, 1), datetime(2025, 1, 2))


def test_fifteen_working_days_over_easter():
    assert add_working_days(date(2025, 4, 10), 15) == date(2025, 5, 6)  # Easter + early May bank holiday


def test_next_school_day_start():
    # An incident at 02:00 on a Tuesday must reach the school before 08:30 that Tuesday.
    assert next_school_day_start(datetime(2025, 3, 4, 2, 0, tzinfo=UK)) == datetime(2025, 3, 4, 8, 30, tzinfo=UK)
    # After the start of the day: the next working day.
    assert next_school_day_start(datetime(2025, 3, 4, 9, 0, tzinfo=UK)) == datetime(2025, 3, 5, 8, 30, tzinfo=UK)
    # Friday evening before a bank holiday Monday: Tuesday.
    assert next_school_day_start(datetime(2025, 5, 2, 20, 0, tzinfo=UK)) == datetime(2025, 5, 6, 8, 30, tzinfo=UK)


def test_leap_day_maps_to_28_february():
    assert same_date_one_year_earlier(date(2024, 2, 29)) == date(2023, 2, 28)
    assert same_date_one_year_earlier(date(2025, 3, 1)) == date(2024, 3, 1)


def test_financial_year_label():
    assert financial_year("2024-25") == (date(2024, 4, 1), date(2025, 3, 31))
    with pytest.raises(ValueError):
        financial_year("2024-26")


# The property holds or not whatever the machine's load; a CI box shared by several runs can stall a
# draw past Hypothesis's speed check (seen: one integer draw took 1.1 s), which says nothing about it.
@settings(suppress_health_check=[HealthCheck.too_slow], deadline=None)
@given(dates, st.integers(min_value=0, max_value=300))
def test_adding_n_working_days_is_counted_back_as_n(start, n):
    end = add_working_days(start, n)
    assert working_days_between(start, end) == n
    assert n == 0 or is_working_day(end)


@given(dates, dates)
def test_count_matches_day_by_day_definition(a, b):
    if b < a:
        a, b = b, a
    b = min(b, a + timedelta(days=400))
    expected = sum(1 for i in range(1, (b - a).days + 1) if is_working_day(a + timedelta(days=i)))
    assert working_days_between(a, b) == expected
    assert working_days_between(b, a) == -expected


@given(st.datetimes(min_value=datetime(2016, 1, 1), max_value=datetime(2034, 12, 1), timezones=st.just(UTC)))
def test_next_school_day_is_always_a_later_working_day_morning(moment):
    start = next_school_day_start(moment)
    assert start > moment
    assert is_working_day(start.date())
    assert (start.hour, start.minute) == (8, 30)
    assert start - moment < timedelta(days=6)


def test_the_financial_year_of_a_day_is_defined_once():
    from datetime import date

    from safehub.core.calendar import financial_year, financial_year_of, financial_year_start

    assert financial_year_of(date(2025, 3, 31)) == "2024-25"
    assert financial_year_of(date(2025, 4, 1)) == "2025-26"
    assert financial_year_start(date(2000, 1, 1)) == 1999 and financial_year_of(date(2099, 12, 31)) == "2099-00"
    assert financial_year(financial_year_of(date(2026, 2, 28))) == (date(2025, 4, 1), date(2026, 3, 31))


def test_preload_fills_the_bank_holiday_tables_pages_ask_for():
    from datetime import date

    from safehub.core import calendar

    calendar._bank_holidays.cache_clear()
    calendar.preload(date(2026, 6, 1))
    info = calendar._bank_holidays.cache_info()
    assert info.currsize == 9  # 2020 to 2028
    assert calendar.is_bank_holiday(date(2026, 12, 28))  # Boxing Day substitute, already loaded
    assert calendar._bank_holidays.cache_info().misses == info.misses
