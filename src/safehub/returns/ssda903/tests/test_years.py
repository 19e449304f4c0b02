"""The last whole collection year: years end on 31 March, UK time."""

from datetime import UTC, datetime

import pytest

from safehub.returns.ssda903.writer import last_whole_year


@pytest.mark.parametrize(
    ("now", "year"),
    [
        (datetime(2026, 12, 6, 12, 0, tzinfo=UTC), "2025-26"),
        (datetime(2026, 3, 31, 22, 59, tzinfo=UTC), "2024-25"),  # 23:59 on 31 March in London (BST)
        (datetime(2026, 3, 31, 23, 30, tzinfo=UTC), "2025-26"),  # 00:30 on 1 April in London: 2025-26 has ended
        (datetime(2026, 1, 1, 0, 0, tzinfo=UTC), "2024-25"),
    ],
)
def test_last_whole_year_turns_at_midnight_on_1_april_uk_time(now, year):
    assert last_whole_year(now) == year
