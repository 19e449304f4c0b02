"""The finance figures per named partner (issue 23): the finance page and the yearly report's finance section."""

from __future__ import annotations

from datetime import datetime

from django.urls import reverse

from safehub.core.calendar import UK
from safehub.insight import report_sections
from safehub.insight.report_cells import SOURCE_PUBLISHED, SOURCE_RECORDS
from safehub.partnership.finance import selectors as finance_selectors
from safehub.partnership.finance import services as finance_services

YEAR = "2025-26"
YEARS = ["2023-24", "2024-25", "2025-26"]
IN_YEAR = datetime(2025, 6, 2, 10, tzinfo=UK)


def _record(manager, organisation: str, partner: str, budget: str, amount: int, year: str = YEAR) -> None:
    finance_services.contribution_record(by=manager, now=IN_YEAR, year=year, budget=budget, partner=partner,
                                         organisation_name=organisation, amount_gbp=amount)  # fmt: skip


def _the_years_partners(manager) -> None:
    _record(manager, "City council", "LOCAL_AUTHORITY", "CHILDREN_PARTNERSHIP", 141062)
    _record(manager, "City council", "LOCAL_AUTHORITY", "ADULTS_BOARD", 108479)
    _record(manager, "Wessex ICB", "ICB", "CHILDREN_PARTNERSHIP", 65214)
    _record(manager, "Wessex ICB", "ICB", "ADULTS_BOARD", 63734)
    _record(manager, "Wessex Constabulary", "POLICE", "CHILDREN_PARTNERSHIP", 26353)
    _record(manager, "Wessex Constabulary", "POLICE", "ADULTS_BOARD", 25494)
    _record(manager, "Fire and rescue service", "OTHER", "ADULTS_BOARD", 2000)  # a contributor beyond the three
    _record(manager, "City council", "LOCAL_AUTHORITY", "CHILDREN_PARTNERSHIP", 1, year="2024-25")  # another year


def test_each_named_partner_has_its_contribution_to_each_budget_and_its_total(manager):
    _the_years_partners(manager)

    partners = finance_selectors.contributions(year=YEAR)["partners"]

    assert [(p["organisation"], p["partner"], p["amounts"], p["total"]) for p in partners] == [
        ("City council", "Local authority", [141062, 108479], 249541),
        ("Wessex ICB", "Integrated care board", [65214, 63734], 128948),
        ("Wessex Constabulary", "Police", [26353, 25494], 51847),
        ("Fire and rescue service", "Other contributor", [None, 2000], 2000),
    ]
    assert partners[3]["amounts_shown"] == ["–", "£2,000"]


def test_the_yearly_reports_finance_section_shows_the_year_per_partner(manager):
    _the_years_partners(manager)

    table = report_sections.finance(year=YEAR, years=YEARS)["tables"][-1]

    assert table.caption == "Partner contributions 2025-26 by partner, all budgets (£)"
    assert table.years == ["Children's safeguarding partnership", "Safeguarding adults board", "Total"]
    rows = {r["label"]: [(c.value, c.source) for c in r["cells"]] for r in table.rows}
    assert rows["City council (Local authority)"] == [(141062, SOURCE_RECORDS), (108479, SOURCE_RECORDS),
                                                      (249541, SOURCE_RECORDS)]  # fmt: skip
    assert rows["Wessex Constabulary (Police)"][2] == (51847, SOURCE_RECORDS)
    assert rows["Fire and rescue service (Other contributor)"] == [(None, ""), (2000, SOURCE_RECORDS),
                                                                   (2000, SOURCE_RECORDS)]  # fmt: skip
    assert rows["Total"] == [(232629, SOURCE_RECORDS), (199707, SOURCE_RECORDS), (432336, SOURCE_RECORDS)]
    assert [r["label"] for r in table.rows][-1] == "Total"


def test_the_published_year_shows_the_published_partners_when_none_are_recorded(db):
    table = report_sections.finance(year="2024-25", years=["2022-23", "2023-24", "2024-25"])["tables"][-1]

    rows = {r["label"]: [(c.value, c.source) for c in r["cells"]] for r in table.rows}
    # shared/reference finance_contributions_2024_25.csv: SCC gave £141,062 and £108,479.
    assert rows["SCC (Local authority)"] == [(141062, SOURCE_PUBLISHED), (108479, SOURCE_PUBLISHED),
                                             (249541, SOURCE_PUBLISHED)]  # fmt: skip
    assert rows["Probation (Probation service)"][1] == (None, "")


def test_a_year_without_contributions_has_no_partner_table(db):
    tables = report_sections.finance(year=YEAR, years=YEARS)["tables"]

    assert tables  # the published 2024-25 column still shows, per budget
    assert not any("by partner" in t.caption for t in tables)


def test_finance_page_lists_each_partner_across_both_budgets(client, manager):
    _the_years_partners(manager)
    client.force_login(manager)

    page = client.get(reverse("partnership:finance")).content.decode()

    assert "All budgets, by partner, 2025-26" in page
    assert "£249,541" in page  # the council's two contributions together
