"""Property-based tests: whatever is in the cells, an import never crashes and never loses a good row."""

from __future__ import annotations

from datetime import date, datetime

import pytest
from django.utils import timezone
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from safehub.core.actors import command_line
from safehub.exchange.tests.helpers import LIST1, write_folder, write_workbook
from safehub.frontdoor.models import Contact
from safehub.returns.annex_a import cells, services
from safehub.returns.annex_a.spec import LISTS

junk = st.one_of(
    st.none(),
    st.text(max_size=30),
    st.integers(min_value=-(10**12), max_value=10**12),
    st.floats(allow_nan=True, allow_infinity=True),
    st.booleans(),
    st.sampled_from(
        [
            "=cmd|' /C calc'!A0",
            "31/02/2024",
            "2024-13-01",
            "a)",
            "p1)",
            "  ",
            "\t",
            "NaN",
            "1e309",
            "０１/０２/２０２４",
        ]
    ),
    st.dates(min_value=date(1, 1, 1), max_value=date(9999, 12, 31)),
)
NOW = timezone.make_aware(datetime(2025, 5, 1, 12, 0))


@given(raw=junk)
def test_every_column_parser_returns_a_value_or_a_problem(raw):
    for spec in LISTS.values():
        for column in spec.columns:
            value, problem = column.parse(raw)
            assert value is None or problem is None
    shown = cells.to_text(raw)
    assert isinstance(shown, str) and "\x00" not in shown  # the error report must be storable


def _as_text(value: str) -> str:
    return " " + value if value.startswith("=") else value


@pytest.mark.django_db
@settings(max_examples=25, deadline=None, suppress_health_check=list(HealthCheck))
@given(bad_rows=st.lists(st.lists(junk, min_size=0, max_size=9), min_size=1, max_size=6), as_xlsx=st.booleans())
@example(bad_rows=[["\x01"], [None] * 8 + ["beyond the header"]], as_xlsx=True)  # a cell a workbook cannot hold
def test_malformed_rows_never_crash_and_never_lose_good_rows(tmp_path_factory, bad_rows, as_xlsx):
    Contact.objects.all().delete()
    good = [
        ["G1", "a) Male", "a) WBRI", "01/02/2015", "", "03/04/2024", "q) 6: Police"],
        ["G2", "Female", "BAFR", "", "", "2024-06-01", "2A"],
    ]
    rows = [LIST1, good[0], *bad_rows, good[1]]
    folder = tmp_path_factory.mktemp("annex")
    if as_xlsx:  # a workbook cannot hold control characters at all: openpyxl refuses to write them
        from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE

        # Excel keeps a formula's last value; a workbook written by openpyxl has none, so a cell that
        # starts with "=" would read back blank. Such junk is written as text, as Excel users type it.
        rows = [[_as_text(ILLEGAL_CHARACTERS_RE.sub("", c)) if isinstance(c, str) else c for c in r] for r in rows]
    if not as_xlsx:
        rows = [[cells.to_text(c) for c in r] for r in rows]
    path = write_workbook(folder / "annex.xlsx", {1: rows}) if as_xlsx else write_folder(folder / "lists", {1: rows})
    written_bad = rows[2:-1]  # as the file holds them: a workbook cannot keep "\x01", so such a cell is blank

    job = services.annex_a_job_create(path=path, file_name=path.name, by=command_line(), now=NOW)
    result = services.annex_a_import(job=job, by=command_line(), now=NOW)

    assert result is not None
    counts = result.counts["List 1"]
    assert counts["imported"] + counts["unchanged"] + counts["updated"] >= 2
    imported = set(
        Contact.objects.filter(person__external_identifiers__value__in=["G1", "G2"]).values_list(
            "person__external_identifiers__value", flat=True
        )
    )
    assert imported == {"G1", "G2"}
    non_blank = sum(1 for r in written_bad if any(not cells.is_blank(c) for c in r))
    assert sum(counts.values()) == 2 + non_blank  # every row is accounted for
